#include "platform/folders.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "platform/sys_error.h"

namespace seattest {

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
