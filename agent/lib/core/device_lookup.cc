#include "core/device_lookup.h"

#include <strings.h>

#include <algorithm>
#include <cctype>

namespace seattest {
namespace {

bool Carries(const DeviceProbe& p, const DeviceSpec& spec) {
  return std::any_of(p.tags.begin(), p.tags.end(), [&spec](const DeviceTags& t) { return TagsMatch(t, spec); });
}

// "ext4 labelled 'cidata', squashfs"
std::string Signatures(const DeviceProbe& p) {
  std::string out;
  for (const DeviceTags& t : p.tags) {
    out += (out.empty() ? "" : ", ") + (t.type.empty() ? std::string("unknown type") : t.type);
    if (!t.label.empty()) out += " labelled '" + t.label + "'";
  }
  if (!p.all_signatures_read) out += (out.empty() ? "" : ", ") + std::string("and more that could not be read");
  return out;
}

// A device that carries the tag or may, as the error names it.
std::string Described(const DeviceProbe& p) {
  switch (p.state) {
    case DeviceProbe::State::kAmbivalent:
      return p.device + " (more than one filesystem signature: " + Signatures(p) + ")";
    case DeviceProbe::State::kFailed: return p.device + " (not probed: " + p.why + ")";
    default: return p.device;
  }
}

}  // namespace

bool TagsMatch(const DeviceTags& t, const DeviceSpec& spec) {
  switch (spec.kind) {
    case DeviceSpec::Kind::kLabel:
      for (const std::string& l : LabelSpellings(spec.value)) {
        if (t.label == l || t.label_fatboot == l) return true;
      }
      return false;
    case DeviceSpec::Kind::kPartLabel: return !t.part_name.empty() && t.part_name == spec.value;
    case DeviceSpec::Kind::kUuid: return !t.uuid.empty() && strcasecmp(t.uuid.c_str(), spec.value.c_str()) == 0;
    case DeviceSpec::Kind::kPartUuid:
      return !t.part_uuid.empty() && strcasecmp(t.part_uuid.c_str(), spec.value.c_str()) == 0;
    case DeviceSpec::Kind::kPath: return false;
  }
  return false;
}

Result<std::string> DecideLookup(const DeviceSpec& spec, const std::vector<DeviceProbe>& probes) {
  std::vector<const DeviceProbe*> involved;  // carries the tag, or may
  std::string unprobed;                      // failed or unopenable: named when nothing is found
  bool all_definite = true;
  for (const DeviceProbe& p : probes) {
    switch (p.state) {
      case DeviceProbe::State::kFound:
        if (Carries(p, spec)) involved.push_back(&p);
        break;
      case DeviceProbe::State::kAmbivalent:
        // Left out only when every signature was read and none carries the tag.
        if (Carries(p, spec) || !p.all_signatures_read) {
          involved.push_back(&p);
          all_definite = false;
        }
        break;
      case DeviceProbe::State::kFailed:
      case DeviceProbe::State::kUnopenable:
        unprobed += (unprobed.empty() ? "" : ", ") + p.device + ": " + p.why;
        break;
      case DeviceProbe::State::kNothing: break;
    }
  }
  const bool carried = !involved.empty();
  // A failed probe may hide the tag: with a device that carries it, that is a second candidate.
  if (carried) {
    for (const DeviceProbe& p : probes) {
      if (p.state == DeviceProbe::State::kFailed) {
        involved.push_back(&p);
        all_definite = false;
      }
    }
  }
  if (!carried) {
    return NotFoundError(
        PathError(spec.ToString(), "no such device" + (unprobed.empty() ? "" : " (not probed: " + unprobed + ")")));
  }
  if (involved.size() == 1 && all_definite) return involved.front()->device;
  if (involved.size() == 1) {
    return MakeError(spec.ToString() + ": " + involved.front()->device +
                     " carries it but has more than one filesystem signature (" + Signatures(*involved.front()) +
                     "): which one is read is ambiguous");
  }
  std::string list;
  for (const DeviceProbe* p : involved) list += (list.empty() ? "" : ", ") + Described(*p);
  return MakeError(spec.ToString() + ": ambiguous, " + std::to_string(involved.size()) + " devices carry it" +
                   (all_definite ? "" : " or may") + ": " + list);
}

std::vector<std::string> LabelSpellings(const std::string& value) {
  std::string upper = value, lower = value;
  std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  std::vector<std::string> out{value};
  for (const std::string& s : {upper, lower}) {
    if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
  }
  return out;
}

}  // namespace seattest
