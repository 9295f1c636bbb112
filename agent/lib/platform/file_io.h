// Files: whole reads with a size limit, streaming digests, atomic writes.
#pragma once

#include <sys/types.h>

#include <cstdint>
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
// SHA-256 of all the bytes of a regular file or a block device, read once, streaming. With
// `copy_fd` >= 0 every byte hashed is also written there (what is measured is what is kept).
Result<StreamDigest> HashPath(const std::string& path, Follow follow = Follow::kSymlinks,
                              int copy_fd = -1);

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
