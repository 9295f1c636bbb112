#include "platform/atomic_write.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "platform/folders.h"
#include "platform/sys_error.h"
#include "platform/unique_fd.h"

namespace seattest {

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

}  // namespace seattest
