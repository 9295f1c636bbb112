// Reading a whole file into memory: regular files only, with a size limit, optionally never
// through a symbolic link (files on host-controlled disks). Streaming digests of files and
// devices are platform/hash_path.h.
#pragma once

#include <cstddef>
#include <string>

#include "core/bytes.h"
#include "core/result.h"
#include "crypto/secret.h"
#include "platform/unique_fd.h"

namespace seattest {

enum class Follow { kSymlinks, kNoSymlinks };

// The whole file, which must be a regular file of at most `max_size` bytes. With kNoSymlinks the
// last component must not be a symbolic link (O_NOFOLLOW): for files on host-controlled disks.
Result<Bytes> ReadFile(const std::string& path, std::size_t max_size,
                       Follow follow = Follow::kSymlinks);
// The same for a secret (a private key): the bytes live in memory that wipes itself.
Result<SecretBytes> ReadSecretFile(const std::string& path, std::size_t max_size);

// `path` opened for reading (O_NONBLOCK, so that a FIFO cannot block the open; the caller checks
// the type). A device node or a socket that cannot be opened is named as what it is; with
// kNoSymlinks a symbolic link as the last component is "is a symbolic link". Errors are PathErrors.
Result<UniqueFd> OpenForReading(const std::string& path, Follow follow);

}  // namespace seattest
