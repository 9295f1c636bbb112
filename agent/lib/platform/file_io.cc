#include "platform/file_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <algorithm>
#include <memory>
#include <type_traits>

#include "crypto/sha256.h"

namespace seattest {
namespace {

constexpr std::size_t kStreamChunk = 1 << 20;

Error SysError(const std::string& what) { return MakeError(what + ": " + std::strerror(errno)); }

// An fd closed on every path.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  int get() const { return fd_; }
  int release() { int f = fd_; fd_ = -1; return f; }

 private:
  int fd_;
};

Result<int> OpenForReading(const std::string& path, Follow follow) {
  // O_NONBLOCK: a FIFO planted on a hostile disk must not block the open; the type is checked next.
  int flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
  if (follow == Follow::kNoSymlinks) flags |= O_NOFOLLOW;
  int fd = open(path.c_str(), flags);
  if (fd < 0) {
    if (errno == ELOOP && follow == Follow::kNoSymlinks) return MakeError(path + ": is a symbolic link");
    return SysError(path);
  }
  return fd;
}

// Reads up to max_size bytes of a regular file into `out` (resized to what was read).
template <class Buffer>
Status ReadInto(const std::string& path, std::size_t max_size, Follow follow, Buffer& out) {
  SEA_ASSIGN_OR_RETURN(int raw, OpenForReading(path, follow));
  Fd fd(raw);
  struct stat st {};
  if (fstat(fd.get(), &st) != 0) return SysError(path);
  if (!S_ISREG(st.st_mode)) return MakeError(path + ": not a regular file");
  // st_size is only a hint (sysfs files say 4096 whatever they hold); the reads enforce the limit.
  // Read until EOF, at most one byte past the limit, so a file that grows while read is caught.
  out = Buffer(static_cast<std::size_t>(std::min<std::uint64_t>(st.st_size, max_size)) + 1);
  std::size_t filled = 0;
  for (;;) {
    if (filled == out.size()) {
      if (filled > max_size) {
        return MakeError(path + ": more than the limit of " + std::to_string(max_size) + " bytes");
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

Result<StreamDigest> HashPath(const std::string& path, Follow follow, int copy_fd) {
  SEA_ASSIGN_OR_RETURN(int raw, OpenForReading(path, follow));
  Fd fd(raw);
  struct stat st {};
  if (fstat(fd.get(), &st) != 0) return SysError(path);
  if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
    return MakeError(path + ": neither a regular file nor a block device");
  }
  posix_fadvise(fd.get(), 0, 0, POSIX_FADV_SEQUENTIAL);
  SEA_ASSIGN_OR_RETURN(Sha256 sha, Sha256::Create());
  std::unique_ptr<std::uint8_t[]> buf(new std::uint8_t[kStreamChunk]);
  StreamDigest result;
  for (;;) {
    ssize_t n = read(fd.get(), buf.get(), kStreamChunk);
    if (n < 0) {
      if (errno == EINTR) continue;
      return SysError("reading " + path + " at byte " + std::to_string(result.size));
    }
    if (n == 0) break;
    sha.Update(buf.get(), static_cast<std::size_t>(n));
    if (copy_fd >= 0) {
      for (ssize_t done = 0; done < n;) {
        ssize_t w = write(copy_fd, buf.get() + done, static_cast<std::size_t>(n - done));
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return Error{SysError("copying " + path).message, Error::Kind::kWrite};
        done += w;
      }
    }
    result.size += static_cast<std::uint64_t>(n);
  }
  result.digest = sha.Finish();
  return result;
}

Status WriteFileAtomic(const std::string& dir, const std::string& name, std::string_view data,
                       mode_t mode) {
  const std::string path = dir + "/" + name;
  const std::string tmp = TempPathFor(dir, name);
  unlink(tmp.c_str());  // left over by a run that was killed
  Fd fd(open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (fd.get() < 0) return SysError("creating " + tmp);
  std::size_t done = 0;
  while (done < data.size()) {
    ssize_t n = write(fd.get(), data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      Error e = SysError("writing " + path);
      unlink(tmp.c_str());
      return e;
    }
    done += static_cast<std::size_t>(n);
  }
  if (fchmod(fd.get(), mode) != 0 || fsync(fd.get()) != 0) {
    Error e = SysError("writing " + path);
    unlink(tmp.c_str());
    return e;
  }
  if (close(fd.release()) != 0 || rename(tmp.c_str(), path.c_str()) != 0) {
    Error e = SysError("writing " + path);
    unlink(tmp.c_str());
    return e;
  }
  return {};
}

std::string TempPathFor(const std::string& dir, const std::string& name) {
  const std::string path = dir + "/" + name;
  return DirName(path) + "/.tmp." + name.substr(name.rfind('/') + 1);
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
  Fd fd(open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0 || fsync(fd.get()) != 0) return SysError("syncing folder " + path);
  return {};
}

Status RemoveIfExists(const std::string& path) {
  if (unlink(path.c_str()) != 0 && errno != ENOENT) return SysError("removing " + path);
  return {};
}

std::string DirName(std::string_view path) {
  std::size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) return ".";
  if (slash == 0) return "/";
  return std::string(path.substr(0, slash));
}

}  // namespace seattest
