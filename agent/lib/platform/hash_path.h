// Streaming SHA-256 of a regular file or a block device, read once: the measurement of the root
// partition, cidata and root.tar.gz. The reader thread is platform/read_ahead.h; the search for
// the bad block after a failed read, platform/read_fault_search.h.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "core/bytes.h"
#include "core/result.h"
#include "platform/read_file.h"

namespace seattest {

struct StreamDigest {
  Sha256Digest digest{};
  std::uint64_t size = 0;
};

inline constexpr std::size_t kHashChunk = 256u << 10;  // fits the L2 cache: copied in, hashed from there
inline constexpr std::size_t kHashBuffers = 3;

// Called on the hashing thread after each chunk: bytes hashed so far and the total (0 when the
// size is not known beforehand). Cheap; rate-limiting is the caller's business.
using HashProgress = std::function<void(std::uint64_t done, std::uint64_t total)>;

// Called on the hashing thread with every chunk, in order, after it was hashed: its offset in the
// file or device, its bytes. An error ends the hash with that error (Error::Kind kept).
using HashChunk = std::function<Status(std::uint64_t offset, const std::uint8_t* data, std::size_t size)>;

struct HashOptions {
  Follow follow = Follow::kSymlinks;
  // Called with every chunk hashed (what is measured is what is used).
  HashChunk on_chunk;
  HashProgress progress;
  // Set: the size the file or device must have (checked before the first read).
  std::optional<std::uint64_t> expected_size;
  // Non-zero: a larger file or device is refused before the first read.
  std::uint64_t max_size = 0;
  // Set to true (by another thread): the hash stops at the next chunk with an error.
  const std::atomic<bool>* cancel = nullptr;
  // Read in `buffers` buffers of `chunk` bytes (a multiple of 4096; benchmarks vary them).
  std::size_t chunk = kHashChunk;
  std::size_t buffers = kHashBuffers;
};

// SHA-256 of all the bytes of a regular file or a block device, read once, streaming: a reader
// thread fills a ring of page-aligned buffers while this thread hashes the previous ones, so
// reading and hashing overlap. Behind the reads, a block device's pages are dropped from the page
// cache (POSIX_FADV_DONTNEED): hashing a partition does not fill it, which in an initrd is the
// guest's memory. Memory used: buffers x chunk, whatever the size. A read error names the first
// bad block's byte offset, located by direct reads from where the buffered read failed. A file or
// device whose size changes while it is read (fewer or more bytes than its size at the start, or
// another size at the end) is an error: what was hashed would be no one size's content.
Result<StreamDigest> HashPath(const std::string& path, const HashOptions& options = {});

}  // namespace seattest
