// A read-only loop device over a regular file (for seal and measure on image files).
#pragma once

#include <string>

#include "core/result.h"

namespace seattest {

class LoopDevice {
 public:
  // Attaches `file` read-only with autoclear: the kernel detaches it once it is closed and
  // unmounted.
  static Result<LoopDevice> AttachReadOnly(const std::string& file);
  LoopDevice(LoopDevice&& other) noexcept : path_(std::move(other.path_)), fd_(other.fd_) { other.fd_ = -1; }
  LoopDevice& operator=(LoopDevice&&) = delete;
  LoopDevice(const LoopDevice&) = delete;
  LoopDevice& operator=(const LoopDevice&) = delete;
  ~LoopDevice();
  const std::string& path() const { return path_; }

 private:
  LoopDevice(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  std::string path_;
  int fd_;
};

}  // namespace seattest
