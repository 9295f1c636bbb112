#include "platform/file_io.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>
#include <vector>

#include "core/read_fault.h"
#include "crypto/sha256.h"
#include "platform/errno_text.h"
#include "platform/thread.h"
#include "platform/unique_fd.h"

namespace seattest {
namespace {

Error SysError(const std::string& what) {
  Error e = MakeError(what + ": " + ErrnoText(errno));
  e.sys_errno = errno;
  return e;
}
// "<path>: <errno's text>", as a PathError.
Error SysPathError(const std::string& path) { return PathError(path, ErrnoText(errno), errno); }

Result<UniqueFd> OpenForReading(const std::string& path, Follow follow) {
  // O_NONBLOCK: a FIFO planted on a hostile disk must not block the open; the type is checked next.
  int flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
  if (follow == Follow::kNoSymlinks) flags |= O_NOFOLLOW;
  UniqueFd fd(open(path.c_str(), flags));
  if (fd.get() < 0) {
    if (errno == ELOOP && follow == Follow::kNoSymlinks) return PathError(path, "is a symbolic link", ELOOP);
    // A device node on a nodev mount (EACCES) or a socket (ENXIO) fails to open: say what it is,
    // not what the kernel answered.
    const int open_error = errno;
    struct stat st {};
    const int looked = follow == Follow::kNoSymlinks ? lstat(path.c_str(), &st) : stat(path.c_str(), &st);
    if (looked == 0 && (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))) {
      return PathError(path, "not a regular file (a device node)");
    }
    if (looked == 0 && S_ISSOCK(st.st_mode)) return PathError(path, "not a regular file (a socket)");
    errno = open_error;
    return SysPathError(path);
  }
  return fd;
}

// Reads up to max_size bytes of a regular file into `out` (resized to what was read).
template <class Buffer>
Status ReadInto(const std::string& path, std::size_t max_size, Follow follow, Buffer& out) {
  SEA_ASSIGN_OR_RETURN(UniqueFd fd, OpenForReading(path, follow));
  struct stat st {};
  if (fstat(fd.get(), &st) != 0) return SysPathError(path);
  if (!S_ISREG(st.st_mode)) return PathError(path, "not a regular file");
  // st_size is only a hint (sysfs files say 4096 whatever they hold); the reads enforce the limit.
  // Read until EOF, at most one byte past the limit, so a file that grows while read is caught.
  out = Buffer(static_cast<std::size_t>(std::min<std::uint64_t>(st.st_size, max_size)) + 1);
  std::size_t filled = 0;
  for (;;) {
    if (filled == out.size()) {
      if (filled > max_size) {
        return PathError(path, "more than the limit of " + std::to_string(max_size) + " bytes");
      }
      Buffer bigger(std::min(out.size() * 2, max_size + 1));
      std::copy(out.data(), out.data() + filled, bigger.data());
      out = std::move(bigger);
    }
    ssize_t n = read(fd.get(), out.data() + filled, out.size() - filled);
    if (n < 0) {
      if (errno == EINTR) continue;
      return SysError("reading " + path);
    }
    if (n == 0) break;
    filled += static_cast<std::size_t>(n);
  }
  if constexpr (std::is_same_v<Buffer, SecretBytes>) {
    out.Truncate(filled);
  } else {
    out.resize(filled);
  }
  return {};
}

constexpr std::size_t kPageSize = 4096;

struct FreeAligned {
  void operator()(std::uint8_t* p) const { std::free(p); }
};
using AlignedBuffer = std::unique_ptr<std::uint8_t, FreeAligned>;

AlignedBuffer AllocateAligned(std::size_t size) {
  return AlignedBuffer(static_cast<std::uint8_t*>(std::aligned_alloc(kPageSize, size)));
}

// Reads a file descriptor from start to end on a thread of its own, into a ring of aligned
// buffers, so that the thread calling Next() hashes one buffer while the next ones are read.
class ReadAhead {
 public:
  struct Chunk {
    const std::uint8_t* data;
    std::size_t size;
  };

  static Result<std::unique_ptr<ReadAhead>> Start(int fd, std::size_t chunk, std::size_t count,
                                                  bool drop_behind) {
    std::unique_ptr<ReadAhead> r(new ReadAhead(fd, chunk, count, drop_behind));
    for (auto& b : r->buffers_) {
      b = AllocateAligned(chunk);
      if (!b) return MakeError("out of memory for the read buffers");
    }
    SEA_ASSIGN_OR_RETURN(r->thread_, StartThread([p = r.get()] { p->ReadAll(); }, "the reader thread"));
    return r;
  }

  ReadAhead(const ReadAhead&) = delete;
  ReadAhead& operator=(const ReadAhead&) = delete;
  ~ReadAhead() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    changed_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

  // The next chunk in file order (valid until the next call), or nullopt at the end or after a
  // read error (then failed()). Hands the previous chunk's buffer back to the reader.
  std::optional<Chunk> Next() {
    std::unique_lock lock(mutex_);
    if (holding_) {
      holding_ = false;
      --filled_;
      ++read_slot_;
      changed_.notify_all();
    }
    changed_.wait(lock, [this] { return filled_ > 0 || ended_; });
    if (filled_ == 0) return std::nullopt;
    holding_ = true;
    const std::size_t slot = read_slot_ % buffers_.size();
    return Chunk{buffers_[slot].get(), sizes_[slot]};
  }

  bool failed() const { return error_number_ != 0; }
  int error_number() const { return error_number_; }
  std::uint64_t error_offset() const { return error_offset_; }

 private:
  ReadAhead(int fd, std::size_t chunk, std::size_t count, bool drop_behind)
      : fd_(fd), chunk_(chunk), drop_behind_(drop_behind), buffers_(count), sizes_(count) {}

  void ReadAll() {
    std::uint64_t offset = 0;
    for (std::size_t slot_index = 0;; ++slot_index) {
      {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [this] { return filled_ < buffers_.size() || stop_; });
        if (stop_) return;
      }
      // This slot is the reader's alone until it is counted as filled.
      const std::size_t slot = slot_index % buffers_.size();
      std::size_t got = 0;
      int error = 0;
      // Whole chunks; a short read means the end.
      while (got < chunk_) {
        ssize_t n = read(fd_, buffers_[slot].get() + got, chunk_ - got);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
          error = errno;
          break;
        }
        if (n == 0) break;
        got += static_cast<std::size_t>(n);
      }
      if (drop_behind_ && got > 0) {
        posix_fadvise(fd_, static_cast<off_t>(offset), static_cast<off_t>(got), POSIX_FADV_DONTNEED);
      }
      std::lock_guard lock(mutex_);
      if (error != 0) {
        error_number_ = error;
        error_offset_ = offset + got;
      }
      if (got > 0 && error == 0) {
        sizes_[slot] = got;
        ++filled_;
      }
      offset += got;
      if (error != 0 || got < chunk_) {
        ended_ = true;
        changed_.notify_all();
        return;
      }
      changed_.notify_all();
    }
  }

  const int fd_;
  const std::size_t chunk_;
  const bool drop_behind_;
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
  int error_number_ = 0;
  std::uint64_t error_offset_ = 0;
};

// After a buffered read of `fd` failed at `from`: the failing block, found by direct reads from
// there (core/read_fault.h), or nullopt (then `from` is the best answer there is). Switches `fd`
// to O_DIRECT; call it once nothing else reads `fd`.
std::optional<std::uint64_t> LocateReadError(int fd, bool block_device, std::uint64_t size,
                                             std::uint64_t from) {
  // The unit of a direct read: the device's logical block; for a regular file a page, which
  // covers any file system's direct I/O alignment.
  std::size_t block = kPageSize;
  if (block_device) {
    int logical = 0;
    if (ioctl(fd, BLKSSZGET, &logical) == 0 && logical > 0 && kPageSize % logical == 0) {
      block = static_cast<std::size_t>(logical);
    }
  }
  const FaultSearch search = PlanFaultSearch(from, size, block);
  const int flags = fcntl(fd, F_GETFL);
  if (flags < 0 || fcntl(fd, F_SETFL, flags | O_DIRECT) != 0) return std::nullopt;
  AlignedBuffer buffer = AllocateAligned(search.window);
  if (!buffer) return std::nullopt;
  const ReadAt read_at = [fd, &buffer](std::uint64_t offset, std::size_t length) {
    for (;;) {
      if (pread(fd, buffer.get(), length, static_cast<off_t>(offset)) >= 0) return 0;
      if (errno != EINTR) return errno;
    }
  };
  return FindFailingBlock(read_at, search);
}

// The size of a regular file (st_size) or of a block device (BLKGETSIZE64), now.
Result<std::uint64_t> SizeOf(int fd, const std::string& path) {
  struct stat st {};
  if (fstat(fd, &st) != 0) return SysError(path);
  if (!S_ISBLK(st.st_mode)) return static_cast<std::uint64_t>(st.st_size);
  std::uint64_t size = 0;
  if (ioctl(fd, BLKGETSIZE64, &size) != 0) return SysError("size of " + path);
  return size;
}

}  // namespace

Result<Bytes> ReadFile(const std::string& path, std::size_t max_size, Follow follow) {
  Bytes out;
  SEA_RETURN_IF_ERROR(ReadInto(path, max_size, follow, out));
  return out;
}

Result<SecretBytes> ReadSecretFile(const std::string& path, std::size_t max_size) {
  SecretBytes out;
  SEA_RETURN_IF_ERROR(ReadInto(path, max_size, Follow::kSymlinks, out));
  return out;
}

Result<StreamDigest> HashPath(const std::string& path, const HashOptions& options) {
  if (options.chunk == 0 || options.chunk % kPageSize != 0 || options.buffers < 2) {
    return MakeError("hashing " + path + ": buffers must be at least 2 multiples of 4096 bytes");
  }
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

Status WriteFileAtomicAt(int dir_fd, const std::string& name, std::string_view data, mode_t mode,
                         const std::string& shown) {
  const std::string tmp = TempNameFor(name);
  const std::string shown_tmp = DirName(shown) + "/" + tmp;
  // Left over by a run that was killed, or planted: unlinkat removes a symbolic link itself.
  unlinkat(dir_fd, tmp.c_str(), 0);
  UniqueFd fd(openat(dir_fd, tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (fd.get() < 0) return SysError("creating " + shown_tmp);
  auto fail = [&](const std::string& what) {
    Error e = SysError(what);
    unlinkat(dir_fd, tmp.c_str(), 0);
    return e;
  };
  if (auto w = WriteAll(fd.get(), reinterpret_cast<const std::uint8_t*>(data.data()), data.size(), shown); !w) {
    unlinkat(dir_fd, tmp.c_str(), 0);
    return w;
  }
  if (fchmod(fd.get(), mode) != 0 || fsync(fd.get()) != 0) return fail("writing " + shown);
  // renameat replaces whatever entry is at `name` (a symbolic link included), never its target.
  if (close(fd.release()) != 0 || renameat(dir_fd, tmp.c_str(), dir_fd, name.c_str()) != 0) {
    return fail("writing " + shown);
  }
  return {};
}

Status WriteAll(int fd, const std::uint8_t* data, std::size_t size, const std::string& what) {
  for (std::size_t done = 0; done < size;) {
    const ssize_t w = write(fd, data + done, size - done);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return SysError("writing " + what);
    done += static_cast<std::size_t>(w);
  }
  return {};
}

Status WriteFileAtomic(const std::string& dir, const std::string& name, std::string_view data,
                       mode_t mode) {
  const std::string path = dir + "/" + name;
  const std::string folder = DirName(path);
  UniqueFd dir_fd(open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir_fd.get() < 0) return SysError("creating " + TempPathFor(dir, name));
  return WriteFileAtomicAt(dir_fd.get(), name.substr(name.rfind('/') + 1), data, mode, path);
}

std::string TempPathFor(const std::string& dir, const std::string& name) {
  const std::string path = dir + "/" + name;
  return DirName(path) + "/" + TempNameFor(name.substr(name.rfind('/') + 1));
}

std::string TempNameFor(const std::string& name) { return ".tmp." + name; }

Result<UniqueFd> OpenFolderNoFollow(const std::string& path, Create create, mode_t mode) {
  std::string folder = path;
  while (folder.size() > 1 && folder.back() == '/') folder.pop_back();
  const std::size_t slash = folder.rfind('/');
  const std::string parent = DirName(folder);
  const std::string base = slash == std::string::npos ? folder : folder.substr(slash + 1);
  if (base.empty() || base == "." || base == "..") {
    // "/", "." or "..": nothing there can be a symbolic link of anyone's making.
    UniqueFd fd(open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (fd.get() < 0) return SysError("opening folder " + path);
    return fd;
  }
  if (create == Create::kYes) SEA_RETURN_IF_ERROR(MakeDirs(parent, mode));
  UniqueFd parent_fd(open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (parent_fd.get() < 0) {
    if (create == Create::kNo && errno == ENOENT) return UniqueFd(-1);
    return SysError("opening folder " + parent);
  }
  if (create == Create::kYes && mkdirat(parent_fd.get(), base.c_str(), mode) != 0 && errno != EEXIST) {
    return SysError("creating folder " + path);
  }
  UniqueFd fd(openat(parent_fd.get(), base.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (fd.get() < 0) {
    if (create == Create::kNo && errno == ENOENT) return UniqueFd(-1);
    struct stat st {};
    if (fstatat(parent_fd.get(), base.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
      if (S_ISLNK(st.st_mode)) return MakeError(path + ": is a symbolic link, not a folder (never followed)");
      if (!S_ISDIR(st.st_mode)) return MakeError(path + ": exists and is not a folder");
    }
    return SysError("opening folder " + path);
  }
  return fd;
}

Result<UniqueFd> OpenOwnedSubfolder(int dir_fd, const std::string& name, Create create, mode_t mode,
                                    const std::string& shown) {
  for (int attempt = 0;; ++attempt) {
    UniqueFd fd(openat(dir_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (fd.get() >= 0) return fd;
    if (errno != ENOENT) {
      // Something that is not a folder: the name is the caller's, so it goes (unlinkat never
      // follows a symbolic link). A folder that cannot be opened is an error.
      struct stat st {};
      if (fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return SysError("opening folder " + shown);
      if (S_ISDIR(st.st_mode) || attempt > 0) return SysError("opening folder " + shown);
      if (unlinkat(dir_fd, name.c_str(), 0) != 0 && errno != ENOENT) {
        return SysError("removing " + shown + " (not a folder)");
      }
    }
    if (create == Create::kNo) return UniqueFd(-1);
    if (mkdirat(dir_fd, name.c_str(), mode) != 0 && errno != EEXIST) return SysError("creating folder " + shown);
    if (attempt > 1) return MakeError("opening folder " + shown + ": it keeps changing");
  }
}

Status MakeDirs(const std::string& path, mode_t mode) {
  if (path.empty()) return {};
  struct stat st {};
  if (stat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return {};
    return MakeError(path + ": exists and is not a folder");
  }
  std::string parent = DirName(path);
  if (parent != path) SEA_RETURN_IF_ERROR(MakeDirs(parent, mode));
  if (mkdir(path.c_str(), mode) != 0 && errno != EEXIST) return SysError("creating folder " + path);
  return {};
}

Status SyncDir(const std::string& path) {
  UniqueFd fd(open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0 || fsync(fd.get()) != 0) return SysError("syncing folder " + path);
  return {};
}

Status RemoveIfExists(const std::string& path) {
  if (unlink(path.c_str()) != 0 && errno != ENOENT) return SysError("removing " + path);
  return {};
}

Status RemoveIfExistsAt(int dir_fd, const std::string& name, const std::string& shown) {
  if (unlinkat(dir_fd, name.c_str(), 0) != 0 && errno != ENOENT) return SysError("removing " + shown);
  return {};
}

Status SyncFolder(int dir_fd, const std::string& shown) {
  if (fsync(dir_fd) != 0) return SysError("syncing folder " + shown);
  return {};
}

std::string DirName(std::string_view path) {
  std::size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) return ".";
  if (slash == 0) return "/";
  return std::string(path.substr(0, slash));
}

}  // namespace seattest
