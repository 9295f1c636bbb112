// `se-attest verify`: the files of the folder (laid out as core/output_layout.h says) against
// the record's lines, se-version against the record's first line, and user-data.decrypted, which
// has no line, against the folder's own cidata/user-data (in hpcr-2026 records its sections have
// contract:* lines: verify_profile.cc). In hpcr-2026 records the attestationPublicKey file is
// compared with the contract:attestationPublicKey line, and the files IBM's 26.x layout does not
// publish (cidata/user-data, attestationPublicKey) may be absent: their lines are then not
// checked, never passed (docs/auditing.md).
#include <sys/stat.h>
#include <yaml-cpp/yaml.h>

#include <string>
#include <utility>
#include <vector>

#include "core/limits_and_defaults.h"
#include "core/output_layout.h"
#include "core/token_format.h"
#include "core/yaml_text.h"
#include "crypto/keys.h"
#include "crypto/sha256.h"
#include "host/verifier.h"
#include "platform/read_file.h"

namespace seattest::verify_detail {
namespace {

constexpr std::string_view kVersionFile = OutputName(OutputItem::kVersion);

// Files of the folder that the record can list, each checked against its line, in the report's
// order: those the agent writes a line for (core/output_layout.h), and user-data.decrypted (HPCR
// 23.x records list it) last.
constexpr OutputItem kCheckedAgainstRecord[] = {OutputItem::kMetaData, OutputItem::kUserData, OutputItem::kVendorData,
                                                OutputItem::kAttestationPublicKey, OutputItem::kCertificateExpiry,
                                                OutputItem::kSbom, OutputItem::kDecryptedContract};
static_assert([] {
  std::size_t with_line = 0;
  for (const OutputEntry& e : kOutputLayout) with_line += e.record_line ? 1 : 0;
  return with_line + 1 == std::size(kCheckedAgainstRecord);
}(), "kCheckedAgainstRecord: every file with a record line of kOutputLayout, and user-data.decrypted");

}  // namespace

// The most the agent writes into each file of the folder (kOutputLayout): anything larger was not
// written by it and is refused before it is hashed or parsed. user-data.decrypted is checked
// again against the folder's own cidata/user-data before it is parsed.
std::size_t FolderFileLimit(std::string_view name) {
  for (const OutputEntry& e : kOutputLayout) {
    if (e.name == name) return e.max_size;
  }
  return kMaxCidataFileSize;
}

std::string Verifier::InFolder(std::string_view name) const { return o_.folder + "/" + std::string(name); }

// A file of the folder, as the instance sent it: a regular file, no symbolic link as its name
// or as the cidata folder (O_NOFOLLOW covers only the last component), no device node.
Result<Bytes> Verifier::ReadFolderFile(std::string_view name) const {
  if (name.rfind("cidata/", 0) == 0) {
    struct stat st {};
    if (lstat(InFolder(kOutputSubfolder).c_str(), &st) == 0 && !S_ISDIR(st.st_mode)) {
      return MakeError(InFolder(kOutputSubfolder) + ": not a folder (a symbolic link?)");
    }
  }
  return ReadFile(InFolder(name), FolderFileLimit(name), Follow::kNoSymlinks);
}

// The key of the folder's attestationPublicKey file, when there is one that parses.
EVP_PKEY* Verifier::FolderRecipient() {
  if (!folder_recipient_loaded_) {
    folder_recipient_loaded_ = true;
    if (!o_.folder.empty()) {
      if (auto pem = ReadFolderFile(kNameAttestationPublicKey)) {
        if (auto key = PublicKeyFromPem(AsText(*pem), kNameAttestationPublicKey)) {
          folder_recipient_ = std::move(*key);
          folder_recipient_source_ = InFolder(kNameAttestationPublicKey);
        }
      } else if (Is2026() && !Exists(InFolder(kNameAttestationPublicKey))) {
        // IBM's 26.x layout: the key is in user-data.decrypted's attestationPublicKey section.
        if (const MeasuredSection* s = ContractSection("attestationPublicKey")) {
          if (auto key = PublicKeyFromPem(s->text, kNameDecryptedContract)) {
            folder_recipient_ = std::move(*key);
            folder_recipient_source_ = "section attestationPublicKey of " + InFolder(kNameDecryptedContract);
          }
        }
      }
    }
  }
  return folder_recipient_.get();
}

void Verifier::CheckFolderFiles() {
  if (o_.folder.empty()) {
    report_.Add({.id = "files", .title = "record lines against the folder's files", .detail = "no folder given"});
    return;
  }
  if (!lint_) return;
  for (const OutputItem item : kCheckedAgainstRecord) {
    const std::string_view name = OutputName(item);
    // The attestationPublicKey file's line is contract:attestationPublicKey in hpcr-2026 records.
    const std::string_view line_name = item == OutputItem::kAttestationPublicKey ? KeyLineName() : name;
    const std::string path = InFolder(name);
    const bool listed = Line(line_name) != nullptr, present = Exists(path);
    if (!listed && !present && name == kDecryptedContractFile && Exists(InFolder(kNameUserData))) {
      report_.Add({.id = "file:" + std::string(name), .title = std::string(name), .status = CheckStatus::kFail,
                   .coverage = Coverage::kUnsigned,
                   .detail = "missing: the agent writes it beside cidata/user-data (" + path + ")"});
      continue;
    }
    if (!listed && !present) continue;
    Check c{.id = "file:" + std::string(name), .title = std::string(name), .coverage = Coverage::kSigned};
    if (!present && Is2026() &&
        (item == OutputItem::kUserData || (item == OutputItem::kAttestationPublicKey && line_name != name))) {
      FileAbsentInIbmLayout(std::move(c), line_name);
      continue;
    }
    if (!present) {
      Looked(line_name);
      c.status = CheckStatus::kFail;
      c.detail = "listed in the record, missing from the folder (" + path + ")";
    } else if (auto data = ReadFolderFile(name); !data) {
      if (listed) Looked(line_name);
      c.status = CheckStatus::kFail;
      c.detail = data.error().message;
    } else if (!listed && name == kDecryptedContractFile) {
      CheckDecryptedContract(std::move(c), AsText(*data));
      continue;
    } else if (!listed) {
      c.status = CheckStatus::kFail;
      c.coverage = Coverage::kUnsigned;
      c.detail = "in the folder but not in the record";
    } else {
      CompareLine(std::move(c), line_name, Sha256Of(*data), "sha256 of " + path, RecordSide::kExpected);
      continue;
    }
    report_.Add(std::move(c));
  }
  CheckContractLines();
  CheckVersionFile();
}

// An hpcr-2026 record's line whose file IBM's 26.x layout does not publish (cidata/user-data,
// attestationPublicKey), and the folder has none. Not a failure: such a folder is read as IBM
// lays it out. Never a pass either: the host that deletes the file to skip its check gets no
// VERIFIED out of it (docs/auditing.md). cidata/user-data's line is then required unless
// --contract or --expect-cidata checks it against the auditor's copy; attestationPublicKey's
// line is checked against user-data.decrypted's section (verify_profile.cc), which is required.
void Verifier::FileAbsentInIbmLayout(Check c, std::string_view line_name) {
  Looked(line_name);
  c.detail = "not in the folder (IBM's 26.x layout does not publish it): ";
  if (line_name == kNameUserData) {
    // Your own copy checks the line: --contract (expected:contract) or --expect-cidata
    // (expected:cidata/user-data, which fails when that folder has no user-data).
    c.required = o_.contract_path.empty() && o_.expect_cidata_dir.empty();
    c.detail += c.required ? "its record line is not checked; give --contract (the contract you expect) to check it"
                           : "its record line is checked against your own copy (expected:...)";
  } else {
    c.detail += "the record's " + std::string(line_name) + " line is checked against user-data.decrypted's section";
  }
  report_.Add(std::move(c));
}

// se-version has no record line of its own: it must be the record's first line.
void Verifier::CheckVersionFile() {
  Check v{.id = "file:se-version", .title = "se-version", .coverage = Coverage::kSigned};
  auto version = ReadFolderFile(kVersionFile);
  const std::string record_version = lint_->record.header.empty() ? "" : lint_->record.header.front();
  if (!version) {
    v.status = CheckStatus::kFail;
    v.detail = version.error().message;
  } else {
    v.expected = record_version;
    v.expected_source = "the record's first line";
    v.actual = WithoutFinalNewline(AsText(*version));
    v.actual_source = InFolder(kVersionFile);
    v.status = v.expected == v.actual ? CheckStatus::kPass : CheckStatus::kFail;
  }
  report_.Add(std::move(v));
}

// user-data.decrypted has no record line (SPEC): what can be checked without the contract key
// is that it is exactly one YAML document with the contract's sections in the contract's order,
// every plain section equal to the contract's as typed YAML (a quoted "8080" stays a string),
// and every encrypted one a string. In an hpcr-2023 record the plaintext of encrypted sections
// is covered by nothing the auditor can check: then the check is a warning, and not covered by
// the signature. In an hpcr-2026 record every section has its contract:* line (checked in
// verify_profile.cc), so the file is covered; IBM's 26.x layout has no cidata/user-data to
// compare it with, and then only the contract:* lines check it.
void Verifier::CheckDecryptedContract(Check c, std::string_view decrypted) {
  c.title = "user-data.decrypted (no record line: checked against cidata/user-data)";
  auto fail = [&](std::string why) {
    c.status = CheckStatus::kFail;
    c.detail = std::move(why);
    report_.Add(std::move(c));
  };
  if (Is2026() && !Exists(InFolder(kNameUserData))) {
    c.detail = "IBM's 26.x layout: no cidata/user-data to compare it with; its sections are checked against the "
               "record's contract:* lines";
    report_.Add(std::move(c));
    return;
  }
  auto user_data = ReadFolderFile(kNameUserData);
  if (!user_data) return fail("nothing to compare with: " + user_data.error().message);
  // The agent writes no more for this contract (it refuses one that would need more); a larger
  // file is refused before it is parsed.
  const std::size_t most = MaxDecryptedContractSize(user_data->size());
  if (decrypted.size() > most) {
    return fail(std::to_string(decrypted.size()) + " bytes, more than the agent writes for a cidata/user-data of " +
                std::to_string(user_data->size()) + " bytes (" + std::to_string(most) + ")");
  }
  auto contract = LoadOneYamlDocument(std::string(AsText(*user_data)));
  if (!contract) return fail("cidata/user-data: " + contract.error().message);
  auto plain = LoadOneYamlDocument(std::string(decrypted));
  if (!plain) return fail(plain.error().message);
  if (!contract->IsMap() || !plain->IsMap()) return fail("not a mapping of contract sections");
  if (contract->size() != plain->size()) {
    return fail(std::to_string(plain->size()) + " sections, cidata/user-data has " + std::to_string(contract->size()));
  }
  std::vector<std::string> encrypted;
  for (auto mine = contract->begin(), theirs = plain->begin(); mine != contract->end(); ++mine, ++theirs) {
    const std::string key = mine->first.Scalar();
    if (!SameTypedYaml(mine->first, theirs->first)) {
      return fail("section '" + theirs->first.Scalar() + "' stands where cidata/user-data has '" + key + "'");
    }
    if (mine->second.IsScalar() && LooksLikeToken(mine->second.Scalar())) {
      // The agent writes a token's plaintext as a string: a literal block or double-quoted.
      if (!theirs->second.IsScalar() || theirs->second.Tag() != "!") {
        return fail("section '" + key + "' is not the plaintext of a token (a string)");
      }
      encrypted.push_back(key);
    } else if (!SameTypedYaml(mine->second, theirs->second)) {
      return fail("section '" + key + "' differs from cidata/user-data (a value, its type or its quoting)");
    }
  }
  c.status = encrypted.empty() || Is2026() ? CheckStatus::kPass : CheckStatus::kWarning;
  c.detail = "one document, the same sections as cidata/user-data, plain ones equal as typed YAML";
  if (Is2026()) {
    // Every section's plaintext has its contract:* line in the signed record (verify_profile.cc).
    c.detail += "; every section against its contract:* line";
  } else if (!encrypted.empty()) {
    std::string names;
    for (const std::string& k : encrypted) names += (names.empty() ? "" : ", ") + k;
    c.coverage = Coverage::kUnsigned;
    c.detail += "; the plaintext of the encrypted sections (" + names +
                ") is covered by nothing the auditor can check without the contract key";
  }
  report_.Add(std::move(c));
}

}  // namespace seattest::verify_detail
