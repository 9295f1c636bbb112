#include "platform/loop.h"

#include <fcntl.h>
#include <linux/loop.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "platform/errno_text.h"

namespace seattest {


LoopDevice::~LoopDevice() {
  if (fd_ >= 0) close(fd_);
}

Result<LoopDevice> LoopDevice::AttachReadOnly(const std::string& file) {
  int backing = open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (backing < 0) return MakeError(file + ": " + ErrnoText(errno));
  int control = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
  if (control < 0) {
    int err = errno;
    close(backing);
    return MakeError(std::string("/dev/loop-control: ") + ErrnoText(err) + " (attaching " + file + " needs root)");
  }
  Error last = MakeError(file + ": no free loop device");
  for (int attempt = 0; attempt < 16; ++attempt) {
    int n = ioctl(control, LOOP_CTL_GET_FREE);
    if (n < 0) {
      last = MakeError(std::string("/dev/loop-control: ") + ErrnoText(errno));
      break;
    }
    std::string node = "/dev/loop" + std::to_string(n);
    int fd = open(node.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      last = MakeError(node + ": " + ErrnoText(errno));
      continue;
    }
    loop_config config{};
    config.fd = static_cast<std::uint32_t>(backing);
    config.info.lo_flags = LO_FLAGS_READ_ONLY | LO_FLAGS_AUTOCLEAR;
    std::strncpy(reinterpret_cast<char*>(config.info.lo_file_name), file.c_str(), LO_NAME_SIZE - 1);
    if (ioctl(fd, LOOP_CONFIGURE, &config) == 0) {
      close(control);
      close(backing);
      return LoopDevice(node, fd);
    }
    last = MakeError(node + ": cannot attach " + file + ": " + ErrnoText(errno));
    close(fd);
    if (errno != EBUSY) break;  // raced with another user of the device: try the next one
  }
  close(control);
  close(backing);
  return last;
}

}  // namespace seattest
