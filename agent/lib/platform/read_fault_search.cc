#include "platform/read_fault_search.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>

#include "core/read_fault.h"
#include "platform/aligned_buffer.h"

namespace seattest {

std::optional<std::uint64_t> LocateReadError(int fd, bool block_device, std::uint64_t size,
                                             std::uint64_t from) {
  // The unit of a direct read: the device's logical block; for a regular file a page, which
  // covers any file system's direct I/O alignment.
  std::size_t block = kPageSize;
  if (block_device) {
    int logical = 0;
    if (ioctl(fd, BLKSSZGET, &logical) == 0 && logical > 0 && kPageSize % logical == 0) {
      block = static_cast<std::size_t>(logical);
    }
  }
  const FaultSearch search = PlanFaultSearch(from, size, block);
  const int flags = fcntl(fd, F_GETFL);
  if (flags < 0 || fcntl(fd, F_SETFL, flags | O_DIRECT) != 0) return std::nullopt;
  AlignedBuffer buffer = AllocateAligned(search.window);
  if (!buffer) return std::nullopt;
  const ReadAt read_at = [fd, &buffer](std::uint64_t offset, std::size_t length) {
    for (;;) {
      if (pread(fd, buffer.get(), length, static_cast<off_t>(offset)) >= 0) return 0;
      if (errno != EINTR) return errno;
    }
  };
  return FindFailingBlock(read_at, search);
}

}  // namespace seattest
