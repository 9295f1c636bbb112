// `se-attest verify`: the record found (the folder's se-checksums.txt or .enc, or --record) and
// read, its syntax (core/record.h LintRecord), the image kind its header lines name; one record
// line compared with a digest from elsewhere, for the other families.
#include <sys/stat.h>

#include <string>
#include <utility>

#include "core/hex.h"
#include "core/output_layout.h"
#include "core/record_profile.h"
#include "core/token_format.h"
#include "host/verifier.h"
#include "platform/read_file.h"

namespace seattest::verify_detail {
namespace {

// The record line of a development image (record.h); its prefix alone is enough to count.
bool IsDevelopmentLine(std::string_view line) {
  constexpr std::string_view kPrefix = "Development image:";
  return line.substr(0, kPrefix.size()) == kPrefix;
}

}  // namespace

// The record to check: --record, else the folder's se-checksums.txt or se-checksums.txt.enc (not
// both). False, with the failed check reported, when there is none to check.
bool Verifier::LoadRecord() {
  std::string path = o_.record_path;
  if (!o_.folder.empty()) {
    struct stat st {};
    if (stat(o_.folder.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
      report_.Add({.id = "input:folder", .title = "input folder", .status = CheckStatus::kError, .required = true,
                   .detail = o_.folder + ": not a folder"});
      return false;
    }
  }
  if (path.empty()) {
    const std::string plain = InFolder(kRecordFile), enc = InFolder(kEncryptedRecordFile);
    if (Exists(plain) && Exists(enc)) {
      report_.Add({.id = "record", .title = "record", .status = CheckStatus::kFail, .required = true,
                   .detail = "both " + std::string(kRecordFile) + " and " + std::string(kEncryptedRecordFile) +
                             " are in the folder; the agent never leaves a plaintext record beside the encrypted one"});
      return false;
    }
    path = Exists(enc) ? enc : plain;
    record_in_folder_ = true;
  }
  // A folder without its record has lost it (a failure); a --record that cannot be read is bad input.
  const std::size_t limit = FolderFileLimit(kEncryptedRecordFile);  // the same for the plain record
  auto data = record_in_folder_ ? ReadFile(path, limit, Follow::kNoSymlinks) : ReadFile(path, limit);
  if (!data) {
    report_.Add({.id = "record", .title = "record", .status = record_in_folder_ ? CheckStatus::kFail : CheckStatus::kError,
                 .required = true, .detail = data.error().message});
    return false;
  }
  record_source_ = path;
  record_file_ = std::string(AsText(*data));
  encrypted_ = LooksLikeToken(record_file_);
  const bool named_enc = path.size() >= 4 && path.compare(path.size() - 4, 4, ".enc") == 0;
  if (record_in_folder_ && named_enc != encrypted_) {
    report_.Add({.id = "record", .title = "record", .status = CheckStatus::kFail, .required = true,
                 .detail = path + (encrypted_ ? " holds a token but is not named .enc" : " is named .enc but holds no token")});
    return false;
  }
  // A token given with --record beside a folder must be the folder's own .enc: the folder's files
  // are checked against the record, so the record must be the folder's.
  if (!record_in_folder_ && encrypted_ && !o_.folder.empty()) {
    auto enc = ReadFolderFile(kEncryptedRecordFile);
    if (!enc || AsText(*enc) != record_file_) {
      report_.Add({.id = "record", .title = "record", .status = CheckStatus::kFail, .required = true,
                   .detail = "--record " + path + " is a token, but not the folder's " +
                             std::string(kEncryptedRecordFile) + (enc ? "" : " (" + enc.error().message + ")")});
      return false;
    }
  }
  return true;
}

void Verifier::CheckSyntax() {
  Check c{.id = "record-syntax", .title = "record syntax", .required = true, .coverage = Coverage::kSigned};
  if (!plaintext_) {
    c.detail = "no plaintext record";
    report_.Add(std::move(c));
    return;
  }
  lint_ = LintRecord(*plaintext_);
  profile_ = DetectRecordProfile(lint_->record);
  std::string notes;
  for (const std::string& n : lint_->notes) notes += (notes.empty() ? "" : "; ") + n;
  if (!lint_->problems.empty()) {
    c.status = CheckStatus::kFail;
    c.detail = lint_->problems.front();
    for (std::size_t i = 1; i < lint_->problems.size(); ++i) c.detail += "; " + lint_->problems[i];
  } else {
    c.status = CheckStatus::kPass;
    c.detail = "version '" + lint_->record.header.front() + "', " + std::to_string(lint_->record.entries.size()) +
               " hash lines" + (notes.empty() ? "" : "; noted: " + notes);
  }
  report_.Add(std::move(c));
}

// A development image runs outside Secure Execution: whoever holds it holds its attestation key,
// and its record proves nothing about a production instance.
void Verifier::CheckImageKind() {
  Check c{.id = "image-kind", .title = "image kind (production, not a development image)", .required = true,
          .coverage = Coverage::kSigned};
  if (!lint_) {
    c.detail = "no plaintext record";
  } else if (!IsDevelopment()) {
    c.status = CheckStatus::kPass;
    c.detail = "production: the record has no development line";
  } else if (!o_.allow_development) {
    c.status = CheckStatus::kFail;
    c.detail = "the record was signed by a development image, outside Secure Execution: its attestation key is not "
               "secret (--allow-development accepts it, for test images only)";
  } else {
    c.status = CheckStatus::kWarning;
    c.detail = "development image, accepted with --allow-development: it proves nothing about a production instance";
  }
  report_.Add(std::move(c));
}

bool Verifier::IsDevelopment() const {
  if (!lint_) return false;
  for (const std::string& line : lint_->record.header) {
    if (IsDevelopmentLine(line)) return true;
  }
  return false;
}

const RecordEntry* Verifier::Line(std::string_view name) const {
  if (!lint_) return nullptr;
  for (const RecordEntry& e : lint_->record.entries) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

std::string_view Verifier::KeyLineName() const {
  return Line(kNameAttestationPublicKey) == nullptr && Line(kNameContractAttestationPublicKey) != nullptr
             ? kNameContractAttestationPublicKey
             : kNameAttestationPublicKey;
}

// One comparison of a record line with a digest from elsewhere.
void Verifier::CompareLine(Check c, std::string_view name, const Sha256Digest& other,
                           const std::string& other_source, RecordSide side) {
  const RecordEntry* line = Line(name);
  Looked(name);
  if (line == nullptr) {
    c.status = lint_ ? CheckStatus::kFail : CheckStatus::kNotChecked;
    c.detail = lint_ ? "the record has no '" + std::string(name) + "' line" : "no plaintext record";
    report_.Add(std::move(c));
    return;
  }
  std::string record = ToHex(line->digest), record_source = "record line '" + std::string(name) + "'";
  std::string theirs = ToHex(other);
  c.status = line->digest == other ? CheckStatus::kPass : CheckStatus::kFail;
  if (c.status == CheckStatus::kFail) c.detail = "differs";
  if (side == RecordSide::kExpected) {
    c.expected = std::move(record), c.expected_source = std::move(record_source);
    c.actual = std::move(theirs), c.actual_source = other_source;
  } else {
    c.expected = std::move(theirs), c.expected_source = other_source;
    c.actual = std::move(record), c.actual_source = std::move(record_source);
  }
  report_.Add(std::move(c));
}

}  // namespace seattest::verify_detail
