// Files: whole reads with a size limit, streaming digests, atomic writes.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "core/bytes.h"
#include "core/result.h"
#include "crypto/secret.h"

namespace seattest {

enum class Follow { kSymlinks, kNoSymlinks };

// The whole file, which must be a regular file of at most `max_size` bytes. With kNoSymlinks the
// last component must not be a symbolic link (O_NOFOLLOW): for files on host-controlled disks.
Result<Bytes> ReadFile(const std::string& path, std::size_t max_size,
                       Follow follow = Follow::kSymlinks);
// The same for a secret (a private key): the bytes live in memory that wipes itself.
Result<SecretBytes> ReadSecretFile(const std::string& path, std::size_t max_size);

struct StreamDigest {
  Sha256Digest digest{};
  std::uint64_t size = 0;
};

inline constexpr std::size_t kHashChunk = 256u << 10;  // fits the L2 cache: copied in, hashed from there
inline constexpr std::size_t kHashBuffers = 3;

// Called on the hashing thread after each chunk: bytes hashed so far and the total (0 when the
// size is not known beforehand). Cheap; rate-limiting is the caller's business.
using HashProgress = std::function<void(std::uint64_t done, std::uint64_t total)>;

struct HashOptions {
  Follow follow = Follow::kSymlinks;
  // >= 0: every byte hashed is also written there (what is measured is what is kept).
  int copy_fd = -1;
  HashProgress progress;
  // Read in `buffers` buffers of `chunk` bytes (a multiple of 4096; benchmarks vary them).
  std::size_t chunk = kHashChunk;
  std::size_t buffers = kHashBuffers;
};

// SHA-256 of all the bytes of a regular file or a block device, read once, streaming: a reader
// thread fills a ring of page-aligned buffers while this thread hashes the previous ones, so
// reading and hashing overlap. Behind the reads, a block device's pages are dropped from the page
// cache (POSIX_FADV_DONTNEED): hashing a partition does not fill it, which in an initrd is the
// guest's memory. Memory used: buffers x chunk, whatever the size. A read error names the first
// bad block's byte offset, located by direct reads from where the buffered read failed.
Result<StreamDigest> HashPath(const std::string& path, const HashOptions& options = {});

// Writes `dir/name` whole or not at all: a temporary file beside it, fsync, chmod, rename.
// `name` may contain one folder ("cidata/user-data"), which must exist.
Status WriteFileAtomic(const std::string& dir, const std::string& name, std::string_view data,
                       mode_t mode);

// The temporary file WriteFileAtomic uses for `dir`/`name`.
std::string TempPathFor(const std::string& dir, const std::string& name);

// mkdir -p with `mode` for what it creates.
Status MakeDirs(const std::string& path, mode_t mode);

// fsync of a folder, so renames in it are durable.
Status SyncDir(const std::string& path);

// Removes `path` if it exists (not an error when it does not).
Status RemoveIfExists(const std::string& path);

std::string DirName(std::string_view path);

}  // namespace seattest
