// libFuzzer target: reference.yaml, seattest::ParseReference (core/reference.h). No exception is
// caught.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/reference.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto ref = seattest::ParseReference(text, "reference.yaml");
  if (!ref.ok()) return 0;
  if (ref->image_version.empty() || ref->commit_id.empty() || ref->measurements.empty()) __builtin_trap();
  return 0;
}
