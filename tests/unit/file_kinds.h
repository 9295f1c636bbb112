// What is at a path, for the tests of platform/atomic_write.h, platform/folders.h and
// boot/output.h: a symbolic link's own type, not its target's (lstat); and a folder opened to
// pass to the *At functions.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>

#include <string>

#include "platform/unique_fd.h"

namespace seattest::test {

inline bool IsSymlink(const std::string& path) {
  struct stat st {};
  return lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode);
}
inline bool IsRegular(const std::string& path) {
  struct stat st {};
  return lstat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}
inline bool IsFolder(const std::string& path) {
  struct stat st {};
  return lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

inline UniqueFd OpenDir(const std::string& path) {
  return UniqueFd(open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
}

}  // namespace seattest::test
