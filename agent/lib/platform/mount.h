// Read-only mounts (nosuid, nodev, noexec) that are undone on every path.
#pragma once

#include <memory>
#include <string>

#include "core/result.h"

namespace seattest {

class MountedFs {
 public:
  virtual ~MountedFs() = default;  // unmounts
  virtual const std::string& dir() const = 0;
};

class Mounter {
 public:
  virtual ~Mounter() = default;
  // Mounts `device` (a block device, or a regular file through a read-only loop device) with the
  // filesystem type `fs_type`, read-only, with the kernel's default options for that type (the
  // view any later `mount -o ro` shows). A block device is made read-only for the mount call,
  // where the kernel decides whether to replay a journal, so that it writes nothing to it (no
  // replay, no orphan cleanup; MS_RDONLY keeps it so afterwards), and writable again once
  // mounted; an ext2/3/4 whose journal needs recovery or lives on another device is refused
  // (core/filesystems.h).
  virtual Result<std::unique_ptr<MountedFs>> MountReadOnly(const std::string& device,
                                                            const std::string& fs_type) = 0;
};

// Real mounts on fresh folders under `base_dir` (created 0700), removed again on unmount.
std::unique_ptr<Mounter> MakeKernelMounter(std::string base_dir);

}  // namespace seattest
