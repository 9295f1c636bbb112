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
#include <vector>

#include "core/bytes.h"
#include "core/extents.h"
#include "core/result.h"
#include "core/root_digest.h"
#include "platform/read_file.h"

namespace seattest {

struct StreamDigest {
  Sha256Digest digest{};     // sha256: one SHA-256 over all the bytes (HashOptions::sha256)
  Sha256Digest sha256_4m{};  // the chunked digest (HashOptions::sha256_4m, core/root_digest.h)
  std::uint64_t size = 0;
  // How many threads hashed it: sha256-4m on every CPU, at most one per 4 MiB chunk; otherwise 1.
  unsigned hashing_threads = 1;
  const Sha256Digest& Of(RootDigest kind) const { return kind == RootDigest::kSha256 ? digest : sha256_4m; }
};

inline constexpr std::size_t kHashChunk = 256u << 10;  // fits the L2 cache: copied in, hashed from there
inline constexpr std::size_t kHashBuffers = 3;

// Called after each chunk (on the hashing thread, or the reader thread of the parallel hash):
// bytes read so far and the total (0 when the size is not known beforehand). Cheap;
// rate-limiting is the caller's business.
using HashProgress = std::function<void(std::uint64_t done, std::uint64_t total)>;

// Called with every chunk, in order: its offset in the file or device, its bytes. An error ends
// the hash with that error (Error::Kind kept).
using HashChunk = std::function<Status(std::uint64_t offset, const std::uint8_t* data, std::size_t size)>;

// At most this many hashing threads for sha256-4m: with more, one reader is the limit, and the
// read buffers (kParallelHashBuffer in all) are cut finer.
inline constexpr unsigned kMaxHashThreads = 16;
// The read buffers of the parallel hash, all threads together.
inline constexpr std::size_t kParallelHashBuffer = 2u << 20;

// The CPUs this process may run on (sched_getaffinity), at least 1, at most kMaxHashThreads.
unsigned HashThreadsAvailable();

struct HashOptions {
  // The options that compute `digest` alone (the rest as by default).
  static HashOptions Only(RootDigest digest) {
    HashOptions how;
    how.sha256 = digest == RootDigest::kSha256;
    how.sha256_4m = digest == RootDigest::kSha256_4m;
    return how;
  }

  Follow follow = Follow::kSymlinks;
  // Which digests to compute, from the one read (at least one).
  bool sha256 = true;
  bool sha256_4m = false;
  // sha256-4m alone is computed by this many hashing threads while the calling thread reads (0:
  // one per CPU available, HashThreadsAvailable()); 1, or no thread that can be started: the one
  // reader thread and one hashing thread of the flat hash. With sha256 too, one hashing thread.
  unsigned threads = 0;
  // Called with every chunk hashed, in order (what is measured is what is used). With several
  // hashing threads it runs on the reader thread and, when on_chunk_ranges is set, only for the
  // chunks that overlap one of those ranges (ExtentPicker needs no more): the 4 MiB chunks
  // holding them are read one at a time, the others several at once.
  HashChunk on_chunk;
  std::vector<Extent> on_chunk_ranges;
  HashProgress progress;
  // Set: the size the file or device must have (checked before the first read).
  std::optional<std::uint64_t> expected_size;
  // Non-zero: a larger file or device is refused before the first read.
  std::uint64_t max_size = 0;
  // Set to true (by another thread): the hash stops at the next chunk with an error.
  const std::atomic<bool>* cancel = nullptr;
  // Read in `buffers` buffers of `chunk` bytes (a multiple of 4096; benchmarks vary them); one
  // hashing thread only (the parallel hash sizes its own).
  std::size_t chunk = kHashChunk;
  std::size_t buffers = kHashBuffers;
};

// The digests of all the bytes of a regular file or a block device, read once, streaming: a reader
// thread fills a ring of page-aligned buffers while this thread hashes the previous ones, so
// reading and hashing overlap. Behind the reads, a block device's pages are dropped from the page
// cache (POSIX_FADV_DONTNEED): hashing a partition does not fill it, which in an initrd is the
// guest's memory. Memory used: buffers x chunk, whatever the size. A read error names the first
// bad block's byte offset, located by direct reads from where the buffered read failed. A file or
// device whose size changes while it is read (fewer or more bytes than its size at the start, or
// another size at the end) is an error: what was hashed would be no one size's content.
// sha256-4m alone with several threads: the reader reads up to `threads` 4 MiB chunks at once,
// a piece of each in turn, each chunk hashed by its own thread; memory used: kParallelHashBuffer.
Result<StreamDigest> HashPath(const std::string& path, const HashOptions& options = {});

}  // namespace seattest
