// libFuzzer target: the attestation record, se-checksums.txt: seattest::ParseRecord and
// LintRecord (core/record.h). No exception is caught.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/record.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto record = seattest::ParseRecord(text);
  const seattest::RecordLint lint = seattest::LintRecord(text);
  if (!record.ok()) {
    // The auditor's reading fails wherever the plain reading does.
    if (lint.problems.empty()) __builtin_trap();
    return 0;
  }
  if (!(lint.record == *record)) __builtin_trap();
  // What was read renders either not at all or to text that reads back to the same record; and
  // then to the very bytes read (the signature is over those bytes).
  auto rendered = seattest::RenderRecord(*record);
  if (!rendered.ok()) return 0;
  auto back = seattest::ParseRecord(*rendered);
  if (!back.ok() || !(*back == *record)) __builtin_trap();
  if (*rendered != text) __builtin_trap();
  return 0;
}
