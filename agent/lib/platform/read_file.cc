#include "platform/read_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <type_traits>

#include "platform/sys_error.h"

namespace seattest {
namespace {

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

}  // namespace

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

}  // namespace seattest
