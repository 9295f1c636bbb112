#include "platform/loop.h"

#include <fcntl.h>
#include <linux/loop.h>
#include <sys/ioctl.h>

#include <cerrno>
#include <cstring>

#include "platform/errno_text.h"

namespace seattest {

Result<LoopDevice> LoopDevice::AttachReadOnly(const std::string& file) {
  const UniqueFd backing(open(file.c_str(), O_RDONLY | O_CLOEXEC));
  if (backing.get() < 0) return MakeError(file + ": " + ErrnoText(errno));
  const UniqueFd control(open("/dev/loop-control", O_RDWR | O_CLOEXEC));
  if (control.get() < 0) {
    return MakeError(std::string("/dev/loop-control: ") + ErrnoText(errno) + " (attaching " + file + " needs root)");
  }
  Error last = MakeError(file + ": no free loop device");
  for (int attempt = 0; attempt < 16; ++attempt) {
    const int n = ioctl(control.get(), LOOP_CTL_GET_FREE);
    if (n < 0) return MakeError(std::string("/dev/loop-control: ") + ErrnoText(errno));
    std::string node = "/dev/loop" + std::to_string(n);
    UniqueFd fd(open(node.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) {
      last = MakeError(node + ": " + ErrnoText(errno));
      continue;
    }
    loop_config config{};
    config.fd = static_cast<std::uint32_t>(backing.get());
    config.info.lo_flags = LO_FLAGS_READ_ONLY | LO_FLAGS_AUTOCLEAR;
    std::strncpy(reinterpret_cast<char*>(config.info.lo_file_name), file.c_str(), LO_NAME_SIZE - 1);
    if (ioctl(fd.get(), LOOP_CONFIGURE, &config) == 0) return LoopDevice(std::move(node), std::move(fd));
    const int error = errno;
    last = MakeError(node + ": cannot attach " + file + ": " + ErrnoText(error));
    if (error != EBUSY) break;  // EBUSY: raced with another user of the device: try the next one
  }
  return last;
}

}  // namespace seattest
