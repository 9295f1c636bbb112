// The copy of root.tar.gz the image may keep (agent.yaml root.tarball_copy, for the initrd to
// unpack the real root from): written while the root partition is hashed, into a temporary file
// that is renamed into place once the root, root.tar.gz, cidata and the contract passed (boot steps
// 5 and 9); RunAgent removes it again when the run fails after all.
#pragma once

#include <optional>
#include <string>

#include "boot/failure.h"
#include "core/result.h"
#include "platform/unique_fd.h"

namespace seattest {

// A temporary file beside `path` ("<path>.partial"), removed unless kept.
class KeptCopy {
 public:
  // Removes an older run's copy at `path`: it must not pass for this one's.
  static Result<KeptCopy> Open(const std::string& path);
  KeptCopy(KeptCopy&&) noexcept = default;  // the moved-from copy holds no descriptor
  KeptCopy(const KeptCopy&) = delete;
  KeptCopy& operator=(const KeptCopy&) = delete;
  KeptCopy& operator=(KeptCopy&&) = delete;
  ~KeptCopy();
  int fd() const { return fd_.get(); }
  // Closes the temporary and renames it to `path`.
  Status Keep();

 private:
  KeptCopy(std::string path, UniqueFd fd) : path_(std::move(path)), fd_(std::move(fd)) {}
  std::string path_;
  UniqueFd fd_;
};

// The copy at `path`, opened before the root partition is read; none when `path` is empty (the
// image keeps none).
Outcome<std::optional<KeptCopy>> OpenTarballCopy(const std::string& path);

// Renames the copy (if any) into place at `path`.
Outcome<void> KeepTarballCopy(std::optional<KeptCopy>& copy, const std::string& path);

}  // namespace seattest
