#include "platform/hash_path.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include <memory>
#include <utility>

#include "crypto/sha256.h"
#include "platform/aligned_buffer.h"
#include "platform/errno_text.h"
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

}  // namespace

Result<StreamDigest> HashPath(const std::string& path, const HashOptions& options) {
  if (options.chunk == 0 || options.chunk % kPageSize != 0 || options.buffers < 2) {
    return MakeError("hashing " + path + ": buffers must be at least 2 multiples of 4096 bytes");
  }
  SEA_ASSIGN_OR_RETURN(HashSource source, OpenToHash(path, options));
  const UniqueFd& fd = source.fd;
  const bool block_device = source.block_device;
  const std::uint64_t total = source.size;
  // The kernel's readahead (doubled) keeps the disk busy ahead of the reader thread; behind it,
  // a block device's pages are dropped as soon as they are copied: a partition hashed at boot
  // must not stay in the guest's memory. (O_DIRECT was slower: one synchronous request at a
  // time, no readahead; docs/performance.md.)
  posix_fadvise(fd.get(), 0, 0, POSIX_FADV_SEQUENTIAL);
  SEA_ASSIGN_OR_RETURN(Sha256 sha, Sha256::Create());
  SEA_ASSIGN_OR_RETURN(auto reader, ReadAhead::Start(fd.get(), options.chunk, options.buffers,
                                                     /*drop_behind=*/block_device));
  StreamDigest result;
  bool grew = false;
  while (auto chunk = reader->Next()) {
    if (options.cancel != nullptr && options.cancel->load()) return MakeError("hashing " + path + ": stopped");
    if (chunk->size > total - result.size) {  // it grew: reported below
      grew = true;
      break;
    }
    sha.Update(chunk->data, chunk->size);
    if (options.on_chunk) {
      if (auto s = options.on_chunk(result.size, chunk->data, chunk->size); !s) return s.error();
    }
    result.size += chunk->size;
    if (options.progress) options.progress(result.size, total);
  }
  // After `grew` the reader may still be reading past the size it had: not asked (its error
  // fields are its thread's until it is joined), only stopped and joined below.
  if (!grew && reader->failed()) {
    const int error = reader->error_number();
    std::uint64_t at = reader->error_offset();
    reader.reset();  // its thread has ended; the descriptor is this thread's alone again
    if (auto block = LocateReadError(fd.get(), block_device, total, at)) at = *block;
    return MakeError("reading " + path + " at byte " + std::to_string(at) + ": " + ErrnoText(error));
  }
  reader.reset();
  auto end_size = SizeOf(fd.get(), path);
  if (!end_size) return end_size.error();
  if (grew || result.size != total || *end_size != total) {
    return MakeError(path + ": changed size while it was read (" + std::to_string(total) + " bytes at the start, " +
                     (*end_size != total ? std::to_string(*end_size) + " at the end"
                                         : std::string(grew ? "more" : "fewer") + " read") +
                     ")");
  }
  result.digest = sha.Finish();
  return result;
}

}  // namespace seattest
