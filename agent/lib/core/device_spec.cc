#include "core/device_spec.h"

namespace seattest {

std::string_view DeviceSpec::TagName() const {
  switch (kind) {
    case Kind::kLabel: return "LABEL";
    case Kind::kPartLabel: return "PARTLABEL";
    case Kind::kUuid: return "UUID";
    case Kind::kPartUuid: return "PARTUUID";
    case Kind::kPath: break;
  }
  return {};
}

std::string DeviceSpec::ToString() const {
  if (kind == Kind::kPath) return value;
  return std::string(TagName()) + "=" + value;
}

Result<DeviceSpec> ParseDeviceSpec(std::string_view text) {
  static constexpr struct {
    std::string_view prefix;
    DeviceSpec::Kind kind;
  } kTags[] = {{"LABEL=", DeviceSpec::Kind::kLabel},
               {"PARTLABEL=", DeviceSpec::Kind::kPartLabel},
               {"UUID=", DeviceSpec::Kind::kUuid},
               {"PARTUUID=", DeviceSpec::Kind::kPartUuid}};
  const std::string quoted = "device spec '" + std::string(text) + "'";
  for (unsigned char c : text) {
    if (c < ' ' || c == 0x7f) return MakeError(quoted + ": contains a control character");
  }
  for (const auto& tag : kTags) {
    if (text.substr(0, tag.prefix.size()) == tag.prefix) {
      std::string_view value = text.substr(tag.prefix.size());
      if (value.empty()) return MakeError(quoted + ": the value after '=' is empty");
      return DeviceSpec{tag.kind, std::string(value)};
    }
  }
  if (!text.empty() && text.front() == '/') return DeviceSpec{DeviceSpec::Kind::kPath, std::string(text)};
  return MakeError(quoted + ": expected LABEL=, PARTLABEL=, UUID=, PARTUUID= or an absolute path");
}

}  // namespace seattest
