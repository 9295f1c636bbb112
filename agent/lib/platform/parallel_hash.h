// The parallel engine behind HashPath's sha256-4m (platform/hash_path.h): one reader, the calling
// thread, reading up to N 4 MiB chunks at once (a piece of each in turn), and N hashing threads,
// chunk k hashed by thread k mod N. The chunks' digests are folded into sha256-4m in order by the
// reader. Memory: kParallelHashBuffer of read buffers in all, whatever the size and N.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>

#include "core/bytes.h"
#include "core/result.h"
#include "platform/hash_path.h"

namespace seattest {

// How a read of the whole file or device ended (the caller judges the size and names the bad
// block).
struct ReadOutcome {
  std::uint64_t read = 0;   // bytes read and hashed, from the start
  bool more = false;        // a read returned more than the size at the start
  int error_number = 0;     // a read failed (errno) ...
  std::uint64_t error_offset = 0;  // ... at this byte
  Sha256Digest sha256{};
  Sha256Digest sha256_4m{};
  unsigned hashing_threads = 1;  // the threads that hashed a chunk (besides the reader)
};

// sha256-4m of the `size` bytes of `fd` (a block device: pages dropped behind the reads) with
// `threads` (2..kMaxHashThreads) hashing threads. nullopt when not even one hashing thread could
// be started (nothing was read: the caller hashes on one thread instead). An error: on_chunk's,
// or the hash was cancelled.
Result<std::optional<ReadOutcome>> ReadInParallel(const std::string& path, int fd, bool block_device,
                                                  std::uint64_t size, const HashOptions& options,
                                                  unsigned threads);

}  // namespace seattest
