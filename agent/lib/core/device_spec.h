// Device specs as in fstab: LABEL=, PARTLABEL=, UUID=, PARTUUID=, or an absolute path.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace seattest {

struct DeviceSpec {
  enum class Kind { kPath, kLabel, kPartLabel, kUuid, kPartUuid };
  Kind kind = Kind::kPath;
  std::string value;  // the path, or the tag's value

  // The libblkid tag name ("LABEL", ...); empty for a path.
  std::string_view TagName() const;
  // As written: "LABEL=cidata" or "/dev/vda1".
  std::string ToString() const;
};

Result<DeviceSpec> ParseDeviceSpec(std::string_view text);

}  // namespace seattest
