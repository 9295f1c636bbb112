#include "boot/kept_copy.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <utility>

#include "platform/errno_text.h"
#include "platform/folders.h"

namespace seattest {

Result<KeptCopy> KeptCopy::Open(const std::string& path) {
  SEA_RETURN_IF_ERROR(MakeDirs(DirName(path), 0700));
  const std::string tmp = path + ".partial";
  unlink(tmp.c_str());
  // An older run's copy must not pass for this one's.
  if (unlink(path.c_str()) != 0 && errno != ENOENT) return MakeError(path + ": " + ErrnoText(errno));
  UniqueFd out(open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (out.get() < 0) return MakeError(tmp + ": " + ErrnoText(errno));
  return KeptCopy(path, std::move(out));
}

KeptCopy::~KeptCopy() {
  if (fd_.get() >= 0) unlink((path_ + ".partial").c_str());  // not kept: the descriptor closes itself
}

Status KeptCopy::Keep() {
  const std::string tmp = path_ + ".partial";
  if (close(fd_.release()) != 0 || rename(tmp.c_str(), path_.c_str()) != 0) {
    Error e = MakeError(path_ + ": " + ErrnoText(errno));
    unlink(tmp.c_str());
    return e;
  }
  return {};
}

Outcome<std::optional<KeptCopy>> OpenTarballCopy(const std::string& path) {
  if (path.empty()) return std::optional<KeptCopy>();
  auto opened = KeptCopy::Open(path);
  if (!opened) return Fail(FailureClass::kOutput, "root.tarball_copy: " + opened.error().message, path);
  return std::optional<KeptCopy>(std::move(*opened));
}

Outcome<void> KeepTarballCopy(std::optional<KeptCopy>& copy, const std::string& path) {
  if (!copy) return {};
  if (auto kept = copy->Keep(); !kept) return Fail(FailureClass::kOutput, "root.tarball_copy: " + kept.error().message, path);
  return {};
}

}  // namespace seattest
