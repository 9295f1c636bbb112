// Blanks around a field of a "name: value" text (/proc/sysinfo, `cryptsetup status`): pure.
#pragma once

#include <string_view>

namespace seattest {

// `s` without leading spaces and tabs, nor trailing spaces, tabs and a carriage return.
inline std::string_view TrimBlanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

}  // namespace seattest
