// A read-only loop device over a regular file (for seal and measure on image files).
#pragma once

#include <string>

#include "core/result.h"
#include "platform/unique_fd.h"

namespace seattest {

class LoopDevice {
 public:
  // Attaches `file` read-only with autoclear: the kernel detaches it once it is closed and
  // unmounted.
  static Result<LoopDevice> AttachReadOnly(const std::string& file);
  const std::string& path() const { return path_; }

 private:
  LoopDevice(std::string path, UniqueFd fd) : path_(std::move(path)), fd_(std::move(fd)) {}
  std::string path_;
  UniqueFd fd_;  // held open: autoclear detaches the device when it closes
};

}  // namespace seattest
