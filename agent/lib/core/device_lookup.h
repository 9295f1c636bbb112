// Deciding a LABEL=/PARTLABEL=/UUID=/PARTUUID= lookup from what the probes of every block device
// found: pure logic, tested without devices (platform/block_devices.cc does the probing).
#pragma once

#include <string>
#include <vector>

#include "core/device_spec.h"
#include "core/result.h"

namespace seattest {

// The tags of one signature on a device (a filesystem superblock, or a partition table entry).
struct DeviceTags {
  std::string type, label, label_fatboot, uuid;
  std::string part_name, part_uuid;
};

// What one probe of one device found.
struct DeviceProbe {
  enum class State {
    kFound,       // one signature: tags[0]
    kNothing,     // nothing libblkid recognises (a blank disk, a whole disk with a partition table)
    kAmbivalent,  // more than one filesystem signature: tags has every one read
    kFailed,      // the probe started and did not finish (a read error): anything may be on it
    kUnopenable,  // cannot be opened at all (no medium, gone, not permitted): nothing can read it
  };
  std::string device;
  State state = State::kNothing;
  std::vector<DeviceTags> tags;
  bool all_signatures_read = true;  // kAmbivalent: every signature's tags were read
  std::string why;                  // kFailed, kUnopenable: the reason
};

// The one device that carries `spec`'s tag. A device "may carry" it when its probe failed after
// opening it, or when it has more than one signature and one of them carries the tag or not all
// could be read; a device with two signatures that carries the tag is no answer either (which
// filesystem would be read?). So: exactly one device carrying the tag with a single signature,
// and no other that carries or may carry it. Otherwise an error naming every device involved;
// kNotFound (the device may still appear) only when none carries or may carry it. A device that
// cannot be opened is left out (named in the "no such device" message).
Result<std::string> DecideLookup(const DeviceSpec& spec, const std::vector<DeviceProbe>& probes);

// Whether one signature's tags carry `spec` (LABEL= in any spelling of LabelSpellings, or as the
// LABEL_FATBOOT of an unpartitioned vfat; UUID= and PARTUUID= case-insensitive).
bool TagsMatch(const DeviceTags& tags, const DeviceSpec& spec);

// The labels that LABEL=<value> accepts: the value, its upper and lower case forms.
std::vector<std::string> LabelSpellings(const std::string& value);

}  // namespace seattest
