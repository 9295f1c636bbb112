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
#include "platform/drop_behind.h"

namespace seattest {

class ReadAhead {
 public:
  struct Chunk {
    const std::uint8_t* data;
    std::size_t size;
  };

  // Reads `fd` in `count` buffers of `chunk` bytes (whole chunks; a short read means the end).
  // With `drop_behind` the pages read are dropped from the page cache (POSIX_FADV_DONTNEED).
  // Where no thread can be started (EAGAIN under a thread limit), Next() reads each chunk itself
  // when asked: slower, not wrong.
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
      : fd_(fd), chunk_(chunk), drop_(fd, drop_behind), buffers_(count), sizes_(count) {}

  void ReadAll();
  // Reads the next chunk_ bytes, at `offset`, (fewer at the end or on an error, set in *error)
  // into `slot`, dropping them from the page cache behind (drop_).
  std::size_t ReadChunk(std::size_t slot, std::uint64_t offset, int* error);

  const int fd_;
  const std::size_t chunk_;
  DropBehind drop_;  // the reader thread's (Next()'s when inline) until it is joined
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
  // No reader thread could be started: Next() reads on the calling thread, into slot 0.
  bool inline_ = false;
  std::uint64_t inline_offset_ = 0;
  int error_number_ = 0;
  std::uint64_t error_offset_ = 0;
};

}  // namespace seattest
