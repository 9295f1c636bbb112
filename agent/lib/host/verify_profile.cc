// `se-attest verify`: the record profile (core/record_profile.h) and what only hpcr-2026 records
// hold (docs/auditing.md, "hpcr-2026 records"):
//   record-profile            the profile read off the record's lines;
//   reference:record-profile  against reference.yaml's: a record of another profile than sealed
//                             fails (a downgrade to hpcr-2023 would drop the contract:* lines);
//   header                    Image age and the two valid-until lines well-formed, once each, in
//                             the profile's order; header:<label> the header lines of IBM's 25.x
//                             records that nothing checks, shown by name;
//   image-age                 against build_time and --at: informational (the guest's clock is
//                             the host's to set), at most a warning;
//   contract:<key>            each section of user-data.decrypted (core/contract_sections.h)
//                             against its line; the lines and the sections are the same set;
//   certificate-expiry[:...]  certificate_expiry_date.json against the valid-until lines, the
//                             certificate that verified the signature, --contract-cert;
//   reference:certificates    the valid-until lines and that file against reference.yaml;
//   line:<name>               every hash line no check looked at, by name, and why.
// An hpcr-2023 record gets record-profile (and reference:record-profile) only.
#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "core/hex.h"
#include "core/output_layout.h"
#include "crypto/cert_validity.h"
#include "crypto/sha256.h"
#include "host/verifier.h"

namespace seattest::verify_detail {
namespace {

// The hpcr-2026 header lines, in the profile's order. A line is one of them when it starts with
// its label (the prefix less its final space): a malformed one is judged, not passed over.
struct HeaderKind {
  std::string_view prefix;
  std::string_view name;
};
constexpr std::array<HeaderKind, 3> kHeaderKinds = {{
    {kImageAgePrefix, "Image age"},
    {kEncryptionValidPrefix, "Encryption Certificate valid until"},
    {kAttestationValidPrefix, "Attestation Certificate valid until"},
}};
constexpr std::size_t kImageAge = 0, kEncryption = 1;  // the third: the attestation certificate's

// The index in kHeaderKinds of the line's kind, or kHeaderKinds.size().
std::size_t HeaderKindOf(std::string_view line) {
  for (std::size_t k = 0; k < kHeaderKinds.size(); ++k) {
    const std::string_view label = kHeaderKinds[k].prefix.substr(0, kHeaderKinds[k].prefix.size() - 1);
    if (line.substr(0, label.size()) == label) return k;
  }
  return kHeaderKinds.size();
}

// Header lines of IBM's 25.x records (interop/signed-example) that nothing the auditor holds
// states: shown by name, never a failure for being unknown.
struct Unchecked {
  std::string_view label;
  std::string_view why;
};
constexpr Unchecked kUncheckedHeaders[] = {
    {"Ultravisor CUID", "the configuration unique ID the Ultravisor gave the guest (IBM 25.x): nothing you hold "
                        "states it; not checked"},
    {"Host HKD", "the host key document the image was encrypted for (IBM 25.x): not checked; compare it by hand with "
                 "the HKD you encrypted for"},
    {"HKD is valid until", "that host key document's expiry (IBM 25.x): not checked"},
    {"AP device present", "whether the guest has a crypto express adapter (IBM 25.x): not checked"},
    {"Number of configured APs", "how many crypto express adapters the guest has (IBM 25.x): not checked"},
};

// The contract:* lines se-attest measures, in the profile's order.
constexpr std::array<std::string_view, 4> kContractLines = {kNameContractWorkload, kNameContractEnv,
                                                            kNameContractEnvWorkloadSignature,
                                                            kNameContractAttestationPublicKey};

std::string_view SectionKey(std::string_view line_name) { return line_name.substr(kContractLinePrefix.size()); }

std::string Describe(const CertificateValidity& v) {
  return "subject '" + v.subject + "', sha256 " + ToHex(v.sha256) + ", not after " + FormatIso8601(v.not_after);
}

// What differs between two statements of one certificate, field by field.
void Differences(const std::string& what, const CertificateValidity& theirs, const CertificateValidity& mine,
                 std::vector<std::string>& out) {
  if (theirs.subject != mine.subject) out.push_back(what + ": subject '" + theirs.subject + "', not '" + mine.subject + "'");
  if (theirs.sha256 != mine.sha256) out.push_back(what + ": sha256 " + ToHex(theirs.sha256) + ", not " + ToHex(mine.sha256));
  if (theirs.not_after != mine.not_after) {
    out.push_back(what + ": not after " + FormatIso8601(theirs.not_after) + ", not " + FormatIso8601(mine.not_after));
  }
}

std::string Joined(const std::vector<std::string>& parts) {
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : "; ") + p;
  return out;
}

// Why a hash line of an hpcr-2026 record was not checked.
std::string WhyNotChecked(std::string_view name, bool folder) {
  if (name == kNameBaseimage || name == kNameRootTarball) {
    return "give --reference (reference.yaml from se-attest seal) to compare it";
  }
  if (name == kNameSbom) return "no folder (its sbom file) and no --reference holding an sbom to compare it with";
  if (name == kNameCidataDevice) {
    return "the hash of the whole cidata device: the folder holds no copy of it (hash the disk you attached, by hand)";
  }
  if (name == "uv_firmware.state") {
    return "the Ultravisor firmware's state (IBM 25.x): IBM does not publish what it hashes; not checked";
  }
  if (name.substr(0, 3) == "AP(") {
    return "a secret of a crypto express adapter (IBM 25.x AP lines): nothing outside the guest holds it; not checked";
  }
  if (!folder) {
    if (name.substr(0, kContractLinePrefix.size()) == kContractLinePrefix) {
      return "no folder given (user-data.decrypted holds the section it hashes)";
    }
    return "no folder given";
  }
  return "a line se-attest does not know: shown, not checked";
}

}  // namespace

// --- the profile and the header lines -----------------------------------------------------------

void Verifier::CheckProfile() {
  if (!lint_ || lint_->record.header.empty()) return;  // no record read: record-syntax says why
  report_.Add({.id = "record-profile", .title = "record profile", .status = CheckStatus::kPass,
               .coverage = Coverage::kSigned,
               .detail = Is2026() ? "hpcr-2026, the layout of IBM's 25.x and 26.x records: image age and certificate "
                                    "validity header lines, certificate_expiry_date.json, sbom and contract:* lines"
                                  : "hpcr-2023, the layout of HPCR 23.x records: none of hpcr-2026's lines"});
  if (!Is2026()) return;
  CheckHeaderLines();
  ShowUnknownHeaderLines();
  CheckImageAge();
}

// Image age, Encryption and Attestation Certificate valid until: each at most once, well-formed,
// after the machine line (and the development line), in this order. A record of an image sealed
// hpcr-2026 (the reference says so) has all three; a record without the reference may lack the
// valid-until lines (IBM's 25.x records have none): noted.
void Verifier::CheckHeaderLines() {
  Check c{.id = "header", .title = "hpcr-2026 header lines (image age, certificate validity)", .required = true,
          .coverage = Coverage::kSigned};
  const std::vector<std::string>& header = lint_->record.header;
  const bool all_three = reference_ && reference_->record_profile == RecordProfile::kHpcr2026;
  const auto development = std::find(header.begin(), header.end(), std::string(kDevelopmentHeaderLine));
  std::vector<std::string> problems, notes, found;
  std::array<bool, kHeaderKinds.size()> seen{};
  std::size_t last = 0;
  for (std::size_t i = 1; i < header.size(); ++i) {
    const std::string& line = header[i];
    const std::size_t k = HeaderKindOf(line);
    if (k == kHeaderKinds.size()) continue;
    const std::string where = "line " + std::to_string(i + 1) + ": ";
    const std::string name(kHeaderKinds[k].name);
    if (seen[k]) {
      problems.push_back(where + "a second '" + name + "' line");
      continue;
    }
    seen[k] = true;
    if (i < 2) problems.push_back(where + "'" + name + "' where the machine line belongs");
    if (development != header.end() && header.begin() + static_cast<std::ptrdiff_t>(i) < development) {
      problems.push_back(where + "'" + name + "' before the development line");
    }
    if (k < last) {
      problems.push_back(where + "'" + name + "' after '" + std::string(kHeaderKinds[last].name) +
                         "' (the profile's order: Image age, Encryption, then Attestation Certificate valid until)");
    }
    last = std::max(last, k);
    if (k == kImageAge) {
      auto days = ParseImageAgeLine(line);
      if (!days) {
        problems.push_back(where + days.error().message);
        continue;
      }
      image_age_days_ = *days;
      found.push_back("image age " + std::to_string(*days) + " days");
      continue;
    }
    auto until = ParseValidUntilLine(line, kHeaderKinds[k].prefix);
    if (!until) {
      problems.push_back(where + until.error().message);
      continue;
    }
    (k == kEncryption ? encryption_valid_until_ : attestation_valid_until_) = *until;
    found.push_back(name + " " + FormatIso8601(*until));
  }
  for (std::size_t k = 0; k < kHeaderKinds.size(); ++k) {
    if (seen[k]) continue;
    const std::string missing = "no '" + std::string(kHeaderKinds[k].name) + "' line";
    if (all_three) {
      problems.push_back(missing + " (the reference says hpcr-2026: the agent writes all three)");
    } else {
      notes.push_back(missing + (k == kImageAge ? "" : " (IBM's 25.x records have none)"));
    }
  }
  c.status = problems.empty() ? CheckStatus::kPass : CheckStatus::kFail;
  c.detail = problems.empty() ? Joined(found) : Joined(problems);
  if (problems.empty() && !notes.empty()) c.detail += (c.detail.empty() ? "noted: " : "; noted: ") + Joined(notes);
  report_.Add(std::move(c));
}

// Every other header line (IBM's 25.x lines: Ultravisor CUID, HKD, AP lines), by name, not
// checked, never a failure for being unknown.
void Verifier::ShowUnknownHeaderLines() {
  const std::vector<std::string>& header = lint_->record.header;
  std::set<std::string> ids;
  for (std::size_t i = 1; i < header.size(); ++i) {
    const std::string& line = header[i];
    if (line.rfind(kMachineLinePrefix, 0) == 0 || line == kDevelopmentHeaderLine ||
        HeaderKindOf(line) != kHeaderKinds.size()) {
      continue;
    }
    const std::size_t colon = line.find(':');
    const std::string label = colon == std::string::npos ? "line " + std::to_string(i + 1) : line.substr(0, colon);
    std::string id = "header:" + label;
    if (!ids.insert(id).second) id += " (line " + std::to_string(i + 1) + ")";
    std::string why = "a header line se-attest does not know: shown, not checked";
    for (const Unchecked& u : kUncheckedHeaders) {
      if (label == u.label) why = std::string(u.why);
    }
    report_.Add({.id = std::move(id), .title = line, .status = CheckStatus::kNotChecked, .coverage = Coverage::kSigned,
                 .detail = std::move(why)});
  }
}

// The record's image age (days from build_time to the guest's clock at boot) against the whole
// days from the reference's build_time to --at: the guest's clock is the host's to set, so a
// larger age is a warning, never a failure, and the check is never required.
void Verifier::CheckImageAge() {
  if (!image_age_days_) return;  // no line, or a malformed one (header)
  const std::string days = std::to_string(*image_age_days_) + " days";
  Check c{.id = "image-age", .title = "image age (informational: the guest's clock is the host's to set)",
          .coverage = Coverage::kSigned, .actual = days, .actual_source = "the record's Image age line"};
  if (!reference_ || !reference_->build_time) {
    c.detail = days + " at boot, by the guest's clock; " +
               (reference_ ? "the reference has no build_time" : "no --reference: no build_time to compare it with");
    c.actual.clear(), c.actual_source.clear();
    report_.Add(std::move(c));
    return;
  }
  const UnixTime build = *reference_->build_time, at = static_cast<UnixTime>(o_.at);
  const std::int64_t most = ImageAgeDays(build, at);
  c.expected = "at most " + std::to_string(most) + " days";
  c.expected_source = "whole days from the reference's build_time " + FormatIso8601(build) + " to " +
                      FormatIso8601(at) + " (--at, or now)";
  if (*image_age_days_ <= most) {
    c.status = CheckStatus::kPass;
    c.detail = days + " at boot, by the guest's clock: booted about " + std::to_string(most - *image_age_days_) +
               " days before " + FormatIso8601(at) + " if that clock was right";
  } else {
    c.status = CheckStatus::kWarning;
    c.detail = "the guest's clock said " + days + " at boot, more than the " + std::to_string(most) +
               " whole days from build_time to " + FormatIso8601(at) +
               ": the guest's clock (the host's to set) was ahead, or --at is before the boot; not a failure";
  }
  report_.Add(std::move(c));
}

// --- contract:* lines ----------------------------------------------------------------------------

// user-data.decrypted measured as core/contract_sections.h says; null when the folder has none.
const Result<std::vector<MeasuredSection>>* Verifier::ContractSections() {
  if (!sections_loaded_) {
    sections_loaded_ = true;
    if (!o_.folder.empty() && Exists(InFolder(kNameDecryptedContract))) {
      if (auto data = ReadFolderFile(kNameDecryptedContract); !data) {
        sections_.emplace(data.error());
      } else {
        sections_.emplace(MeasureContractSections(AsText(*data)));
      }
    }
  }
  return sections_ ? &*sections_ : nullptr;
}

const MeasuredSection* Verifier::ContractSection(std::string_view key) {
  const Result<std::vector<MeasuredSection>>* sections = ContractSections();
  if (sections == nullptr || !sections->ok()) return nullptr;
  for (const MeasuredSection& s : **sections) {
    if (s.key == key) return &s;
  }
  return nullptr;
}

// Each contract:* line against its section of the folder's user-data.decrypted (the SHA-256 of
// the bytes docs/formats.md names); a section without its line, or a line without its section,
// fails. Without user-data.decrypted (IBM's 26.x layout may lack it, a host may delete it) the
// lines are not checked, and required: the verdict is INCOMPLETE, never VERIFIED.
void Verifier::CheckContractLines() {
  if (!Is2026()) return;
  const std::string decrypted = InFolder(kNameDecryptedContract);
  std::vector<const RecordEntry*> lines;
  for (const RecordEntry& e : lint_->record.entries) {
    if (e.name.rfind(kContractLinePrefix, 0) == 0) lines.push_back(&e);
  }
  auto check = [](std::string_view name) {
    return Check{.id = std::string(name),
                 .title = std::string(name) + " (section " + std::string(SectionKey(name)) + " of user-data.decrypted)",
                 .required = true, .coverage = Coverage::kSigned};
  };
  const Result<std::vector<MeasuredSection>>* sections = ContractSections();
  if (sections == nullptr || !sections->ok()) {
    for (const RecordEntry* line : lines) {
      Check c = check(line->name);
      c.status = sections == nullptr ? CheckStatus::kNotChecked : CheckStatus::kFail;
      c.detail = sections == nullptr ? "the folder has no user-data.decrypted: nothing to check the line against"
                                     : sections->error().message;
      Looked(line->name);
      report_.Add(std::move(c));
    }
    if (lines.empty() && sections != nullptr) {
      report_.Add({.id = "contract-sections", .title = "user-data.decrypted's sections (contract:* lines)",
                   .status = CheckStatus::kFail, .required = true, .coverage = Coverage::kSigned,
                   .detail = sections->error().message});
    }
    return;
  }
  for (const std::string_view name : kContractLines) {
    const MeasuredSection* section = ContractSection(SectionKey(name));
    const RecordEntry* line = Line(name);
    if (section == nullptr && line == nullptr) continue;
    Check c = check(name);
    const std::string key(SectionKey(name));
    if (line == nullptr) {
      c.status = CheckStatus::kFail;
      c.detail = "user-data.decrypted has a section '" + key + "', the record no '" + std::string(name) +
                 "' line: nothing signed covers it";
      report_.Add(std::move(c));
    } else if (section == nullptr) {
      Looked(name);
      c.status = CheckStatus::kFail;
      c.detail = "the record has a '" + std::string(name) + "' line, user-data.decrypted no section '" + key + "'";
      report_.Add(std::move(c));
    } else {
      CompareLine(std::move(c), name, Sha256Of(section->text),
                  "sha256 of section '" + key + "' of " + decrypted + " (docs/formats.md)", RecordSide::kExpected);
    }
  }
  for (const RecordEntry* line : lines) {
    if (std::find(kContractLines.begin(), kContractLines.end(), line->name) != kContractLines.end()) continue;
    Looked(line->name);
    report_.Add({.id = line->name, .title = line->name, .status = CheckStatus::kNotChecked,
                 .coverage = Coverage::kSigned,
                 .detail = "a contract section se-attest does not measure (core/contract_sections.h): not checked"});
  }
}

// --- certificate validity ----------------------------------------------------------------------

// certificate_expiry_date.json (its bytes against its line: verify_folder.cc) parsed, and its two
// notAfter equal to the two valid-until lines; then the attestation certificate and the
// contract-encryption certificate it and the lines name.
void Verifier::CheckCertificateExpiry() {
  if (!lint_) return;
  if (!Is2026()) {
    if (contract_cert_) {
      report_.Add({.id = "certificate-expiry:encryption", .title = "the contract-encryption certificate (--contract-cert)",
                   .coverage = Coverage::kSigned,
                   .detail = "an hpcr-2023 record states no certificate validity: nothing to compare it with"});
    }
    return;
  }
  const std::string path = InFolder(kNameCertificateExpiry);
  if (!o_.folder.empty() && Line(kNameCertificateExpiry) != nullptr && Exists(path)) {
    Check c{.id = "certificate-expiry", .title = "certificate_expiry_date.json against the valid-until lines",
            .required = true, .coverage = Coverage::kSigned};
    // Unreadable: file:certificate_expiry_date.json has failed already.
    if (auto data = ReadFolderFile(kNameCertificateExpiry)) {
      auto parsed = ParseCertificateExpiryJson(AsText(*data));
      if (!parsed) {
        c.status = CheckStatus::kFail;
        c.detail = parsed.error().message;
      } else {
        expiry_file_ = *parsed;
        std::vector<std::string> problems;
        for (const auto& [line, entry, what] :
             {std::tuple{encryption_valid_until_, &parsed->encryption, "Encryption"},
              std::tuple{attestation_valid_until_, &parsed->attestation, "Attestation"}}) {
          if (!line) {
            problems.push_back("the record has no well-formed '" + std::string(what) +
                               " Certificate valid until' line");
          } else if (*line != entry->not_after) {
            problems.push_back(std::string(what) + ": " + FormatIso8601(entry->not_after) + " in the file, " +
                               FormatIso8601(*line) + " in the record's line");
          }
        }
        auto iso = [](const std::optional<UnixTime>& t) { return t ? FormatIso8601(*t) : std::string("-"); };
        c.expected = "encryption " + iso(encryption_valid_until_) + ", attestation " + iso(attestation_valid_until_);
        c.expected_source = "the record's valid-until lines";
        c.actual = "encryption " + FormatIso8601(parsed->encryption.not_after) + ", attestation " +
                   FormatIso8601(parsed->attestation.not_after);
        c.actual_source = path;
        c.status = problems.empty() ? CheckStatus::kPass : CheckStatus::kFail;
        c.detail = problems.empty() ? "parsed; both notAfter equal to the record's valid-until lines" : Joined(problems);
      }
      report_.Add(std::move(c));
    }
  }
  CheckAttestationValidity();
  CheckContractCertificate();
}

// How the record names one certificate: its key in certificate_expiry_date.json and its header line.
struct CertificateRole {
  const char* json_key;
  const char* line;
};
constexpr CertificateRole kAttestationRole{"attestation_certificate", "Attestation Certificate valid until"};
constexpr CertificateRole kEncryptionRole{"encryption_certificate", "Encryption Certificate valid until"};

// What the record states of one certificate (`entry`, its entry of certificate_expiry_date.json
// when the folder has one; `until`, its valid-until line) against `mine`, the certificate the
// auditor holds: `c` passes when every statement there is agrees.
void Verifier::CompareStatedCertificate(Check c, const CertificateValidity& mine, const CertificateValidity* entry,
                                        const std::optional<UnixTime>& until, const CertificateRole& role) {
  std::vector<std::string> problems, actual, sources;
  if (entry != nullptr) {
    Differences(std::string("certificate_expiry_date.json ") + role.json_key, *entry, mine, problems);
    actual.push_back(Describe(*entry));
    sources.push_back(InFolder(kNameCertificateExpiry));
  }
  if (until) {
    if (*until != mine.not_after) {
      problems.push_back(std::string("the ") + role.line + " line: " + FormatIso8601(*until) + ", not " +
                         FormatIso8601(mine.not_after));
    }
    actual.push_back("not after " + FormatIso8601(*until));
    sources.push_back(std::string("the record's ") + role.line + " line");
  }
  c.actual = Joined(actual);
  c.actual_source = Joined(sources);
  c.status = problems.empty() ? CheckStatus::kPass : CheckStatus::kFail;
  c.detail = problems.empty() ? "the same certificate" : Joined(problems);
  report_.Add(std::move(c));
}

// The attestation certificate that certificate_expiry_date.json and the Attestation valid-until
// line name is the one whose key verified the signature (--cert): the same DER (SHA-256), subject
// and notAfter.
void Verifier::CheckAttestationValidity() {
  if (!expiry_file_ && !attestation_valid_until_) return;
  Check c{.id = "certificate-expiry:attestation",
          .title = "the attestation certificate the record names (certificate_expiry_date.json, Attestation valid "
                   "until): the one that verified the signature",
          .required = true, .coverage = Coverage::kSigned};
  if (signer_ == nullptr) {
    c.detail = certs_.empty() ? "no certificate (--cert)" : "no certificate matched the signature";
    report_.Add(std::move(c));
    return;
  }
  auto mine = CertificateValidityOf(signer_->cert.get());
  if (!mine) {
    c.status = CheckStatus::kError;
    c.detail = signer_->path + ": " + mine.error().message;
    report_.Add(std::move(c));
    return;
  }
  c.expected = Describe(*mine);
  c.expected_source = signer_->path + " (its key verified the signature)";
  CompareStatedCertificate(std::move(c), *mine, expiry_file_ ? &expiry_file_->attestation : nullptr,
                           attestation_valid_until_, kAttestationRole);
}

// The contract-encryption certificate that certificate_expiry_date.json and the Encryption valid
// until line name, against --contract-cert: the same DER (SHA-256), subject and notAfter.
void Verifier::CheckContractCertificate() {
  const bool stated = expiry_file_ || encryption_valid_until_;
  Check c{.id = "certificate-expiry:encryption",
          .title = "the contract-encryption certificate the record names (certificate_expiry_date.json, Encryption "
                   "valid until)",
          .coverage = Coverage::kSigned};
  if (!contract_cert_) {
    if (!stated) return;
    c.detail = "no --contract-cert (the certificate contracts for this image are encrypted for) to compare it with";
    report_.Add(std::move(c));
    return;
  }
  c.title += ": --contract-cert";
  if (!stated) {
    c.detail = "the record states no contract-encryption certificate (no certificate_expiry_date.json, no Encryption "
               "valid-until line)";
    report_.Add(std::move(c));
    return;
  }
  c.required = true;
  auto mine = CertificateValidityOf(contract_cert_->cert.get());
  if (!mine) {
    c.status = CheckStatus::kError;
    c.detail = contract_cert_->path + ": " + mine.error().message;
    report_.Add(std::move(c));
    return;
  }
  c.expected = Describe(*mine);
  c.expected_source = "--contract-cert " + contract_cert_->path;
  CompareStatedCertificate(std::move(c), *mine, expiry_file_ ? &expiry_file_->encryption : nullptr,
                           encryption_valid_until_, kEncryptionRole);
}

// --- reference.yaml ------------------------------------------------------------------------------

// The record's profile is the reference's; an sbom line the reference does not know fails; then
// the certificates.
void Verifier::CheckReferenceProfile(const std::string& src) {
  Check p{.id = "reference:record-profile", .title = "reference record profile", .required = true,
          .coverage = Coverage::kSigned, .expected = std::string(RecordProfileName(reference_->record_profile)),
          .expected_source = src};
  if (!lint_) {
    p.detail = "no plaintext record";
    report_.Add(std::move(p));
    return;
  }
  p.actual = std::string(RecordProfileName(profile_));
  p.actual_source = "the record's lines";
  p.status = p.actual == p.expected ? CheckStatus::kPass : CheckStatus::kFail;
  if (p.status == CheckStatus::kFail) {
    p.detail = profile_ == RecordProfile::kHpcr2023
                   ? "the image was sealed hpcr-2026, the record has none of its lines: no contract:* line covers "
                     "user-data.decrypted, no certificate validity (a downgrade)"
                   : "the record has hpcr-2026 lines, the image was sealed hpcr-2023";
  }
  report_.Add(std::move(p));
  if (Line(kNameSbom) != nullptr && !reference_->measurements.contains(std::string(kNameSbom))) {
    Looked(kNameSbom);
    report_.Add({.id = "reference:sbom", .title = "reference sbom", .status = CheckStatus::kFail, .required = true,
                 .coverage = Coverage::kSigned,
                 .detail = "the record has an sbom line, the reference none: the image was sealed without --sbom"});
  }
  CheckReferenceCertificates(src);
}

// The certificates the image was sealed with (reference certificates:) against the valid-until
// lines and certificate_expiry_date.json (subject, SHA-256 of the DER, notAfter).
void Verifier::CheckReferenceCertificates(const std::string& src) {
  if (!reference_->certificates || !Is2026()) return;
  const CertificateExpiry& ref = *reference_->certificates;
  Check c{.id = "reference:certificates", .title = "reference certificates (valid-until lines, "
                                                   "certificate_expiry_date.json)",
          .required = true, .coverage = Coverage::kSigned,
          .expected = "encryption " + Describe(ref.encryption) + "; attestation " + Describe(ref.attestation),
          .expected_source = src};
  std::vector<std::string> problems, actual, sources;
  for (const auto& [line, entry, what] : {std::tuple{encryption_valid_until_, &ref.encryption, "Encryption"},
                                          std::tuple{attestation_valid_until_, &ref.attestation, "Attestation"}}) {
    const std::string name = std::string(what) + " Certificate valid until";
    if (!line) {
      problems.push_back("the record has no well-formed '" + name + "' line");
      continue;
    }
    if (*line != entry->not_after) {
      problems.push_back("the " + name + " line: " + FormatIso8601(*line) + ", not " + FormatIso8601(entry->not_after));
    }
    actual.push_back(std::string(what) + " not after " + FormatIso8601(*line));
  }
  sources.emplace_back("the record's valid-until lines");
  if (expiry_file_) {
    Differences("certificate_expiry_date.json encryption_certificate", expiry_file_->encryption, ref.encryption,
                problems);
    Differences("certificate_expiry_date.json attestation_certificate", expiry_file_->attestation, ref.attestation,
                problems);
    actual.push_back("encryption " + Describe(expiry_file_->encryption) + "; attestation " +
                     Describe(expiry_file_->attestation));
    sources.push_back(InFolder(kNameCertificateExpiry));
  }
  c.actual = Joined(actual);
  c.actual_source = Joined(sources);
  c.status = problems.empty() ? CheckStatus::kPass : CheckStatus::kFail;
  c.detail = !problems.empty() ? Joined(problems)
             : expiry_file_    ? "the valid-until lines and certificate_expiry_date.json"
                               : "the valid-until lines (certificate_expiry_date.json was not read)";
  report_.Add(std::move(c));
}

// --- what nothing checked -----------------------------------------------------------------------

// Every hash line of an hpcr-2026 record that no check above looked at, by name, not checked, and
// why: real 25.x/26.x records carry lines nothing the auditor holds can check.
void Verifier::ListUncheckedLines() {
  if (!Is2026()) return;
  for (const RecordEntry& e : lint_->record.entries) {
    if (looked_at_.contains(e.name)) continue;
    report_.Add({.id = "line:" + e.name, .title = e.name, .status = CheckStatus::kNotChecked,
                 .coverage = Coverage::kSigned, .detail = WhyNotChecked(e.name, !o_.folder.empty())});
  }
}

}  // namespace seattest::verify_detail
