// Record profiles (SPEC "Record profiles", docs/formats.md): which layout of se-checksums.txt an
// image writes. hpcr-2023 is the seed's layout (HPCR 23.x); hpcr-2026 is today's IBM runtime's
// (26.7.1): image age and certificate validity header lines, certificate_expiry_date.json, sbom and
// contract:* hash lines. Pure: dates are seconds since the epoch, nothing reads a clock here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/record.h"
#include "core/result.h"

namespace seattest {

enum class RecordProfile { kHpcr2023, kHpcr2026 };

inline constexpr std::string_view kRecordProfileHpcr2023 = "hpcr-2023";
inline constexpr std::string_view kRecordProfileHpcr2026 = "hpcr-2026";
// What `seal` writes when not told (an agent.yaml without record_profile is hpcr-2023: it was
// sealed before profiles existed).
inline constexpr RecordProfile kDefaultRecordProfile = RecordProfile::kHpcr2026;

std::string_view RecordProfileName(RecordProfile profile);
// "hpcr-2023" or "hpcr-2026"; anything else is an error naming both.
Result<RecordProfile> ParseRecordProfile(std::string_view text);

// Seconds since 1970-01-01T00:00:00Z (may be negative only in tests).
using UnixTime = std::int64_t;

// "YYYY-MM-DDTHH:MM:SSZ", exactly (build_time in agent.yaml and reference.yaml, not_after in
// certificate_expiry_date.json, `verify --at`).
std::string FormatIso8601(UnixTime t);
Result<UnixTime> ParseIso8601(std::string_view text);

// The record's date: "Jul 06 06:44:41 2027" (English month, day with a leading zero, 24 h), as in
// IBM's 26.7.1 example; the header lines add " UTC".
std::string FormatRecordDate(UnixTime t);
Result<UnixTime> ParseRecordDate(std::string_view text);

// Whole days from `build` to `now`, rounded down; 0 when `now` is before `build` (a guest clock
// set back by the host: the line never shows a negative age).
std::int64_t ImageAgeDays(UnixTime build, UnixTime now);

// --- hpcr-2026 header lines, after the machine line (and the development line) ---------------
inline constexpr std::string_view kImageAgePrefix = "Image age: ";
inline constexpr std::string_view kImageAgeSuffix = " days since creation.";
inline constexpr std::string_view kEncryptionValidPrefix = "Encryption Certificate valid until: ";
inline constexpr std::string_view kAttestationValidPrefix = "Attestation Certificate valid until: ";
inline constexpr std::string_view kValidUntilSuffix = " UTC";

std::string ImageAgeLine(std::int64_t days);                                   // "Image age: 10 days since creation."
std::string ValidUntilLine(std::string_view prefix, UnixTime not_after);       // "<prefix>Jul 06 06:44:41 2027 UTC"
// The number of days of an Image age line, or an error when `line` is not one.
Result<std::int64_t> ParseImageAgeLine(std::string_view line);
// The date of a valid-until line that starts with `prefix`, or an error when it is not one.
Result<UnixTime> ParseValidUntilLine(std::string_view line, std::string_view prefix);

// --- certificate_expiry_date.json --------------------------------------------------------------
// One certificate the image carries: its subject (RFC 2253, as `openssl x509 -subject
// -nameopt RFC2253` prints it), SHA-256 of its DER encoding (`openssl x509 -fingerprint -sha256`,
// here lower-case hex without colons) and notAfter.
struct CertificateValidity {
  std::string subject;
  Sha256Digest sha256{};
  UnixTime not_after = 0;
  bool operator==(const CertificateValidity&) const = default;
};

struct CertificateExpiry {
  CertificateValidity encryption;   // the contract-encryption certificate (seal --contract-cert)
  CertificateValidity attestation;  // the attestation certificate (seal --attestation-cert)
  bool operator==(const CertificateExpiry&) const = default;
};

// The file's exact bytes (docs/formats.md):
//   {
//     "encryption_certificate": {
//       "subject": "CN=...",
//       "sha256_fingerprint": "<64 hex>",
//       "not_after": "2027-07-06T06:44:41Z"
//     },
//     "attestation_certificate": { ... }
//   }
// ending in "\n". Subjects are JSON strings (quotes, backslashes and control characters escaped).
std::string RenderCertificateExpiryJson(const CertificateExpiry& expiry);
// Strict: exactly these keys, each once, and exactly the bytes RenderCertificateExpiryJson writes
// for them; the most read is kMaxCertificateExpiryJsonSize.
Result<CertificateExpiry> ParseCertificateExpiryJson(std::string_view text);
inline constexpr std::size_t kMaxCertificateExpiryJsonSize = 16u << 10;

// --- the record, by profile ----------------------------------------------------------------------
// Everything the agent measured or read for one record; MakeProfileRecord lays it out.
struct RecordContent {
  RecordProfile profile = RecordProfile::kHpcr2023;
  std::string version;
  std::string machine;             // "Type/Plant/Serial"
  bool development_image = false;  // kDevelopmentHeaderLine after the machine line
  // hpcr-2026 only:
  std::int64_t image_age_days = 0;
  UnixTime encryption_not_after = 0;
  UnixTime attestation_not_after = 0;
  // The hash lines in any order; laid out in the profile's order (RecordLayout).
  std::vector<RecordEntry> entries;
};

// The names of a profile's hash lines in their order, with whether each must be there.
struct LayoutLine {
  std::string_view name;
  bool required;
};
const std::vector<LayoutLine>& RecordLayout(RecordProfile profile);

// Fails when an entry's name is not in the profile's layout, appears twice, or a required one is
// missing.
Result<Record> MakeProfileRecord(const RecordContent& content);

// Which profile a record read back was written in: hpcr-2026 when it has any hpcr-2026-only line
// (a header line above, or a certificate_expiry_date.json, sbom or contract:* hash line), else
// hpcr-2023. (Real 25.x records read as hpcr-2026.)
RecordProfile DetectRecordProfile(const Record& record);

}  // namespace seattest
