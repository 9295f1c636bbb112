// Files: whole reads with a size limit, streaming digests, atomic writes.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

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

// Writes all of `data` to `fd`; an error names `what`.
Status WriteAll(int fd, const std::uint8_t* data, std::size_t size, const std::string& what);

// Writes `dir/name` whole or not at all: a temporary file beside it, fsync, chmod, rename.
// `name` may contain one folder ("cidata/user-data"), which must exist.
Status WriteFileAtomic(const std::string& dir, const std::string& name, std::string_view data,
                       mode_t mode);

// The same relative to an open folder, `name` one component (no '/'); `shown` is the file's path
// in messages. Nothing at `name` or at its temporary is ever followed: whatever is at the
// temporary's name (a symbolic link included) is unlinked, the temporary is created
// O_CREAT|O_EXCL|O_NOFOLLOW, and renameat replaces a symbolic link at `name` itself.
Status WriteFileAtomicAt(int dir_fd, const std::string& name, std::string_view data, mode_t mode,
                         const std::string& shown);

// The temporary file WriteFileAtomic uses for `dir`/`name`.
std::string TempPathFor(const std::string& dir, const std::string& name);
// Its last component: the temporary of `name` (one component) in the same folder.
std::string TempNameFor(const std::string& name);

enum class Create { kNo, kYes };

// The folder `path`, opened O_DIRECTORY. The components of `path` above the folder are followed
// as the path says (it comes from trusted configuration, and /var/run is a symbolic link on most
// systems); the folder itself never is (O_NOFOLLOW): a symbolic link there is an error. With
// Create::kYes missing components are created with `mode` (the folder itself by mkdirat from
// its parent's descriptor); with Create::kNo a missing folder is an empty descriptor (get() < 0),
// not an error.
Result<UniqueFd> OpenFolderNoFollow(const std::string& path, Create create, mode_t mode);

// The subfolder `name` (one component) of the open folder `dir_fd`, for a caller that owns the
// name: it is never followed, and whatever else is there (a symbolic link, a file) is unlinked
// first, without following. With Create::kNo a missing (or removed) subfolder is an empty
// descriptor; with Create::kYes it is created with `mode`. `shown` is its path in messages.
Result<UniqueFd> OpenOwnedSubfolder(int dir_fd, const std::string& name, Create create, mode_t mode,
                                    const std::string& shown);

// mkdir -p with `mode` for what it creates.
Status MakeDirs(const std::string& path, mode_t mode);

// fsync of a folder, so renames in it are durable.
Status SyncDir(const std::string& path);

// Removes `path` if it exists (not an error when it does not).
Status RemoveIfExists(const std::string& path);
// The same for `name` (one component) in the open folder `dir_fd`: unlinkat, which removes a
// symbolic link itself, never what it points to. `shown` is its path in messages.
Status RemoveIfExistsAt(int dir_fd, const std::string& name, const std::string& shown);
// fsync of an open folder; `shown` names it in messages.
Status SyncFolder(int dir_fd, const std::string& shown);

std::string DirName(std::string_view path);

}  // namespace seattest
