// The machine line of the record, from /proc/sysinfo (s390x): pure parsing, no I/O.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace seattest {

struct MachineId {
  std::string type;    // "Type:"
  std::string plant;   // "Plant:"
  std::string serial;  // last 5 characters of "Sequence Code:" (all of it when shorter)
  std::string ToString() const { return type + "/" + plant + "/" + serial; }  // 3932/02/860A8
};

// `source` names the input in errors (for example "/proc/sysinfo").
Result<MachineId> ParseSysinfo(std::string_view text, std::string_view source);

}  // namespace seattest
