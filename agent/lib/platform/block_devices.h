// Finding block devices by LABEL=/PARTLABEL=/UUID=/PARTUUID= or path, and probing them, through
// libblkid. An interface, so the agent's flow can be tested with plain files.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/device_spec.h"
#include "core/result.h"

namespace seattest {

class BlockDevices {
 public:
  virtual ~BlockDevices() = default;
  // The one device that matches `spec`. No match (Error::Kind::kNotFound), or more than one, is
  // an error naming them.
  virtual Result<std::string> Resolve(const DeviceSpec& spec) = 0;
  // The filesystem type on `device` ("ext4", "iso9660", "vfat"), from a fresh probe; more than one
  // filesystem signature is an error.
  virtual Result<std::string> FilesystemType(const std::string& device) = 0;
};

// Lists the devices of /proc/partitions (not libblkid's cache file: a stale /run/blkid/blkid.tab
// can name devices that no longer carry the tag) and reads every tag with a fresh low-level
// probe: superblocks for LABEL= and UUID=, the partition table entry for PARTLABEL= and
// PARTUUID=. The rules of core/device_lookup.h decide: a device whose probe is ambivalent (more
// than one filesystem signature) or fails once open may carry the tag and makes a lookup that
// found another ambiguous; each signature of an ambivalent device is read on its own.
// LABEL= also matches the label in upper or lower case, and the LABEL_FATBOOT tag, as cloud-init
// does for `cidata` (vfat tools upper-case labels; util-linux reports an unpartitioned vfat's
// label as LABEL_FATBOOT).
std::unique_ptr<BlockDevices> MakeLibblkidDevices();

}  // namespace seattest
