// libFuzzer target: the attestation record, se-checksums.txt: seattest::ParseRecord and
// LintRecord (core/record.h); the folder's certificate_expiry_date.json and user-data.decrypted as
// verify reads them. No exception is caught.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/contract_sections.h"
#include "core/record.h"
#include "core/record_profile.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  // What verify reads from the folder beside the record, as untrusted as the record: errors only.
  (void)seattest::ParseCertificateExpiryJson(text);
  (void)seattest::MeasureContractSections(text);
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
  (void)seattest::DetectRecordProfile(*record);
  if (*rendered != text) __builtin_trap();
  return 0;
}
