// `se-attest verify`: the record against what the auditor expects: the contract (--contract),
// the cidata files (--expect-cidata), their own attestationPublicKey (--attestation-public-key),
// the machine (--machine).
#include <string>
#include <utility>

#include "core/record.h"
#include "crypto/keys.h"
#include "crypto/sha256.h"
#include "host/verifier.h"
#include "platform/hash_path.h"
#include "platform/read_file.h"

namespace seattest::verify_detail {

void Verifier::CheckExpectations() {
  if (!o_.contract_path.empty()) {
    if (auto d = HashPath(o_.contract_path)) {
      CompareLine({.id = "expected:contract", .title = "the contract you expect", .required = true,
                   .coverage = Coverage::kSigned}, kNameUserData,
                  d->digest, "sha256 of " + o_.contract_path, RecordSide::kActual);
    } else {
      InputError("contract", d.error().message);
    }
  }
  if (!o_.expect_cidata_dir.empty()) CheckExpectedCidata();
  if (!o_.attestation_public_key_path.empty()) CheckExpectedAttestationKey();
  if (!o_.machine.empty()) CheckExpectedMachine();
}

// --expect-cidata: each of meta-data, user-data, vendor-data there against the record's line; one
// missing there is fine only when the record has no line for it either.
void Verifier::CheckExpectedCidata() {
  for (std::string_view name : {kNameMetaData, kNameUserData, kNameVendorData}) {
    const std::string path = o_.expect_cidata_dir + "/" + std::string(name.substr(name.find('/') + 1));
    if (!Exists(path)) {
      if (Line(name) == nullptr) continue;  // neither expected nor there
      report_.Add({.id = "expected:" + std::string(name), .title = "the " + std::string(name) + " you expect",
                   .status = CheckStatus::kFail, .required = true,
                   .detail = "the record has a '" + std::string(name) + "' line, and " + path + " does not exist"});
      continue;
    }
    if (auto d = HashPath(path)) {
      CompareLine({.id = "expected:" + std::string(name), .title = "the " + std::string(name) + " you expect",
                   .required = true, .coverage = Coverage::kSigned},
                  name, d->digest, "sha256 of " + path, RecordSide::kActual);
    } else {
      InputError("expect-cidata", d.error().message);
    }
  }
}

// The auditor's key against the folder's attestationPublicKey (in IBM's 26.x layout, which has no
// such file, user-data.decrypted's section): the same key, whatever the PEM's spelling; the
// record line itself is checked against the folder file above.
void Verifier::CheckExpectedAttestationKey() {
  auto pem = ReadFile(o_.attestation_public_key_path, kMaxFile);
  if (!pem) return InputError("attestation-public-key", pem.error().message);
  auto mine = PublicKeyFromPem(AsText(*pem), o_.attestation_public_key_path);
  if (!mine) return InputError("attestation-public-key", mine.error().message);
  Check c{.id = "expected:attestationPublicKey", .title = "the attestationPublicKey you expect", .required = true,
          .coverage = Coverage::kSigned, .expected = Fingerprint(mine->get()),
          .expected_source = o_.attestation_public_key_path};
  EVP_PKEY* folder_key = FolderRecipient();
  if (folder_key != nullptr) {
    c.actual = Fingerprint(folder_key);
    c.actual_source = folder_recipient_source_;
    c.status = c.actual == c.expected ? CheckStatus::kPass : CheckStatus::kFail;
    report_.Add(std::move(c));
    return;
  }
  if (!o_.folder.empty() || !lint_) {
    c.status = o_.folder.empty() ? CheckStatus::kNotChecked : CheckStatus::kFail;
    c.detail = o_.folder.empty() ? "no plaintext record" : "the folder has no readable attestationPublicKey";
    report_.Add(std::move(c));
    return;
  }
  c.expected.clear(), c.expected_source.clear();
  CompareLine(std::move(c), KeyLineName(), Sha256Of(*pem), "sha256 of " + o_.attestation_public_key_path,
              RecordSide::kActual);
}

// --machine ("Type/Plant/Serial") against the record's machine line.
void Verifier::CheckExpectedMachine() {
  Check m{.id = "expected:machine", .title = "the machine you expect", .required = true,
          .coverage = Coverage::kSigned, .expected = o_.machine, .expected_source = "--machine"};
  if (!lint_) {
    m.detail = "no plaintext record";
  } else {
    m.actual = lint_->machine.empty() ? "(no machine line)" : lint_->machine;
    m.actual_source = "the record's machine line";
    m.status = m.actual == m.expected ? CheckStatus::kPass : CheckStatus::kFail;
  }
  report_.Add(std::move(m));
}

}  // namespace seattest::verify_detail
