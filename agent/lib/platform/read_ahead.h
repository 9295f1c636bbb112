// The reader thread behind HashPath (platform/hash_path.h): reads a file descriptor from start to
// end on a thread of its own, into a ring of page-aligned buffers, so that the thread calling
// Next() hashes one buffer while the next ones are read.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "core/result.h"
#include "platform/aligned_buffer.h"

namespace seattest {

class ReadAhead {
 public:
  struct Chunk {
    const std::uint8_t* data;
    std::size_t size;
  };

  // Reads `fd` in `count` buffers of `chunk` bytes (whole chunks; a short read means the end).
  // With `drop_behind` the pages read are dropped from the page cache (POSIX_FADV_DONTNEED).
  static Result<std::unique_ptr<ReadAhead>> Start(int fd, std::size_t chunk, std::size_t count,
                                                  bool drop_behind);

  ReadAhead(const ReadAhead&) = delete;
  ReadAhead& operator=(const ReadAhead&) = delete;
  // Stops the reader thread and joins it.
  ~ReadAhead();

  // The next chunk in file order (valid until the next call), or nullopt at the end or after a
  // read error (then failed()). Hands the previous chunk's buffer back to the reader.
  std::optional<Chunk> Next();

  bool failed() const { return error_number_ != 0; }
  int error_number() const { return error_number_; }
  std::uint64_t error_offset() const { return error_offset_; }

 private:
  ReadAhead(int fd, std::size_t chunk, std::size_t count, bool drop_behind)
      : fd_(fd), chunk_(chunk), drop_behind_(drop_behind), buffers_(count), sizes_(count) {}

  void ReadAll();

  const int fd_;
  const std::size_t chunk_;
  const bool drop_behind_;
  std::vector<AlignedBuffer> buffers_;
  std::vector<std::size_t> sizes_;
  std::thread thread_;

  std::mutex mutex_;
  std::condition_variable changed_;
  std::size_t filled_ = 0;     // slots read and not yet handed back
  std::size_t read_slot_ = 0;  // the next slot Next() hands out
  bool holding_ = false;       // Next()'s caller holds slot read_slot_
  bool ended_ = false;
  bool stop_ = false;
  int error_number_ = 0;
  std::uint64_t error_offset_ = 0;
};

}  // namespace seattest
