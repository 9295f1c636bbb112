#include "platform/hash_path.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <utility>

#include "crypto/chunked_sha256.h"
#include "crypto/sha256.h"
#include "platform/aligned_buffer.h"
#include "platform/errno_text.h"
#include "platform/parallel_hash.h"
#include "platform/read_ahead.h"
#include "platform/read_fault_search.h"
#include "platform/sys_error.h"
#include "platform/unique_fd.h"

namespace seattest {
namespace {

// The size of a regular file (st_size) or of a block device (BLKGETSIZE64), now.
Result<std::uint64_t> SizeOf(int fd, const std::string& path) {
  struct stat st {};
  if (fstat(fd, &st) != 0) return SysError(path);
  if (!S_ISBLK(st.st_mode)) return static_cast<std::uint64_t>(st.st_size);
  std::uint64_t size = 0;
  if (ioctl(fd, BLKGETSIZE64, &size) != 0) return SysError("size of " + path);
  return size;
}

// What HashPath reads: `path` open, a regular file or a block device, of `size` bytes.
struct HashSource {
  UniqueFd fd{-1};
  bool block_device = false;
  std::uint64_t size = 0;
};

// `path` opened and its size checked against `options`, before the first read.
Result<HashSource> OpenToHash(const std::string& path, const HashOptions& options) {
  SEA_ASSIGN_OR_RETURN(UniqueFd fd, OpenForReading(path, options.follow));
  struct stat st {};
  if (fstat(fd.get(), &st) != 0) return SysError(path);
  if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
    return MakeError(path + ": neither a regular file nor a block device");
  }
  const bool block_device = S_ISBLK(st.st_mode);
  SEA_ASSIGN_OR_RETURN(std::uint64_t total, SizeOf(fd.get(), path));
  if (options.expected_size && total != *options.expected_size) {
    return MakeError(path + ": " + std::to_string(total) + " bytes, expected " +
                     std::to_string(*options.expected_size));
  }
  if (options.max_size != 0 && total > options.max_size) {
    return MakeError(path + ": " + std::to_string(total) + " bytes, more than the limit of " +
                     std::to_string(options.max_size));
  }
  return HashSource{std::move(fd), block_device, total};
}

// Reads `source` front to back on a reader thread while this thread computes the digests asked
// for (one hashing thread).
Result<ReadOutcome> ReadInOrder(const std::string& path, const HashSource& source, const HashOptions& options) {
  std::optional<Sha256> sha;
  std::optional<ChunkedSha256> chunked;
  if (options.sha256) {
    SEA_ASSIGN_OR_RETURN(sha, Sha256::Create());
  }
  if (options.sha256_4m) {
    SEA_ASSIGN_OR_RETURN(chunked, ChunkedSha256::Create());
  }
  SEA_ASSIGN_OR_RETURN(auto reader, ReadAhead::Start(source.fd.get(), options.chunk, options.buffers,
                                                     /*drop_behind=*/source.block_device));
  ReadOutcome out;
  while (auto chunk = reader->Next()) {
    if (options.cancel != nullptr && options.cancel->load()) return MakeError("hashing " + path + ": stopped");
    if (chunk->size > source.size - out.read) {  // it grew: reported by the caller
      out.more = true;
      break;
    }
    if (sha) sha->Update(chunk->data, chunk->size);
    if (chunked) chunked->Update(chunk->data, chunk->size);
    if (options.on_chunk) {
      if (auto s = options.on_chunk(out.read, chunk->data, chunk->size); !s) return s.error();
    }
    out.read += chunk->size;
    if (options.progress) options.progress(out.read, source.size);
  }
  // After `more` the reader may still be reading past the size it had: not asked (its error
  // fields are its thread's until it is joined), only stopped and joined.
  if (!out.more && reader->failed()) {
    out.error_number = reader->error_number();
    out.error_offset = reader->error_offset();
  }
  reader.reset();  // its thread has ended; the descriptor is this thread's alone again
  if (sha) out.sha256 = sha->Finish();
  if (chunked) out.sha256_4m = chunked->Finish();
  return out;
}

// How many hashing threads: 1 unless sha256-4m alone is asked for.
unsigned HashThreads(const HashOptions& options) {
  if (options.sha256 || !options.sha256_4m) return 1;
  return options.threads == 0 ? HashThreadsAvailable() : std::min(options.threads, kMaxHashThreads);
}

}  // namespace

unsigned HashThreadsAvailable() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) != 0) return 1;
  const int count = CPU_COUNT(&set);
  return count < 1 ? 1u : std::min(static_cast<unsigned>(count), kMaxHashThreads);
}

Result<StreamDigest> HashPath(const std::string& path, const HashOptions& options) {
  if (options.chunk == 0 || options.chunk % kPageSize != 0 || options.buffers < 2) {
    return MakeError("hashing " + path + ": buffers must be at least 2 multiples of 4096 bytes");
  }
  if (!options.sha256 && !options.sha256_4m) return MakeError("hashing " + path + ": no digest asked for");
  SEA_ASSIGN_OR_RETURN(HashSource source, OpenToHash(path, options));
  const int fd = source.fd.get();
  const std::uint64_t total = source.size;
  // The kernel's readahead (doubled) keeps the disk busy ahead of the reader thread; behind it,
  // a block device's pages are dropped as soon as they are copied: a partition hashed at boot
  // must not stay in the guest's memory. (O_DIRECT was slower: one synchronous request at a
  // time, no readahead; docs/performance.md.)
  posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  std::optional<ReadOutcome> outcome;
  if (const unsigned threads = HashThreads(options); threads > 1) {
    SEA_ASSIGN_OR_RETURN(outcome, ReadInParallel(path, fd, source.block_device, total, options, threads));
  }
  if (!outcome) {  // one hashing thread, asked for or all there could be
    SEA_ASSIGN_OR_RETURN(outcome, ReadInOrder(path, source, options));
  }
  if (outcome->error_number != 0) {
    std::uint64_t at = outcome->error_offset;
    if (auto block = LocateReadError(fd, source.block_device, total, at)) at = *block;
    return MakeError("reading " + path + " at byte " + std::to_string(at) + ": " + ErrnoText(outcome->error_number));
  }
  auto end_size = SizeOf(fd, path);
  if (!end_size) return end_size.error();
  if (outcome->more || outcome->read != total || *end_size != total) {
    return MakeError(path + ": changed size while it was read (" + std::to_string(total) + " bytes at the start, " +
                     (*end_size != total ? std::to_string(*end_size) + " at the end"
                                         : std::string(outcome->more ? "more" : "fewer") + " read") +
                     ")");
  }
  return StreamDigest{outcome->sha256, outcome->sha256_4m, total, outcome->hashing_threads};
}

}  // namespace seattest
