// libFuzzer target: /proc/sysinfo, seattest::ParseSysinfo (core/sysinfo.h). No exception is caught.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/sysinfo.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto id = seattest::ParseSysinfo(text, "/proc/sysinfo");
  if (!id.ok()) return 0;
  // The record's machine line is Type/Plant/Serial: three non-empty parts, no '/' inside them.
  for (const auto* part : {&id->type, &id->plant, &id->serial}) {
    if (part->empty() || part->find_first_of("/\n\r") != std::string::npos) __builtin_trap();
  }
  if (id->serial.size() > 5) __builtin_trap();
  return 0;
}
