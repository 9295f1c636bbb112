// `se-attest verify`: the record against reference.yaml from `se-attest seal` (--reference): the
// measurements, the image version and kind, the record profile and the certificates
// (verify_profile.cc), se-commit-id, the contract signing keys the image accepts, the attestation
// key.
#include <openssl/x509.h>

#include <string>
#include <utility>

#include "core/hex.h"
#include "core/output_layout.h"
#include "host/verifier.h"

namespace seattest::verify_detail {
namespace {

constexpr std::string_view kCommitIdFile = OutputName(OutputItem::kCommitId);

}  // namespace

void Verifier::CheckReference() {
  if (!reference_) return;
  const std::string src = "reference " + o_.reference_path;
  for (const auto& [name, digest] : reference_->measurements) {
    CompareLine({.id = "reference:" + name, .title = "reference " + name, .required = true, .coverage = Coverage::kSigned},
                name, digest, src, RecordSide::kActual);
  }
  CheckReferenceImage(src);
  CheckReferenceProfile(src);
  CheckReferenceCommitId(src);
  CheckReferenceContractSigningKeys();
  CheckReferenceRealRoot();
  CheckReferenceAttestationKey(src);
}

// The image version (the record's first line) and kind (production or development).
void Verifier::CheckReferenceImage(const std::string& src) {
  Check v{.id = "reference:image-version", .title = "reference image version", .required = true,
          .coverage = Coverage::kSigned, .expected = reference_->image_version, .expected_source = src};
  if (lint_ && !lint_->record.header.empty()) {
    v.actual = lint_->record.header.front();
    v.actual_source = "the record's first line";
    v.status = v.actual == v.expected ? CheckStatus::kPass : CheckStatus::kFail;
  } else {
    v.detail = "no plaintext record";
  }
  report_.Add(std::move(v));

  Check kind{.id = "reference:image-kind", .title = "reference image kind", .required = true,
             .coverage = Coverage::kSigned, .expected = std::string(ImageKindName(reference_->image_kind)),
             .expected_source = src};
  if (lint_) {
    kind.actual = std::string(ImageKindName(IsDevelopment() ? ImageKind::kDevelopment : ImageKind::kProduction));
    kind.actual_source = "the record's header lines";
    kind.status = kind.actual == kind.expected ? CheckStatus::kPass : CheckStatus::kFail;
  } else {
    kind.detail = "no plaintext record";
  }
  report_.Add(std::move(kind));
}

// se-commit-id is not a line of the record: the host can write any value into it. Shown, and
// a mismatch fails, but a match proves nothing and never counts toward VERIFIED.
void Verifier::CheckReferenceCommitId(const std::string& src) {
  Check commit{.id = "reference:commit-id", .title = "reference commit id (se-commit-id)",
               .coverage = Coverage::kUnsigned, .expected = reference_->commit_id, .expected_source = src};
  if (o_.folder.empty()) {
    commit.detail = "no folder (se-commit-id is not in the record)";
  } else if (auto data = ReadFolderFile(kCommitIdFile); !data) {
    commit.status = CheckStatus::kFail;
    commit.detail = data.error().message;
  } else {
    commit.actual = WithoutFinalNewline(AsText(*data));
    commit.actual_source = InFolder(kCommitIdFile);
    commit.status = commit.actual == commit.expected ? CheckStatus::kPass : CheckStatus::kFail;
  }
  report_.Add(std::move(commit));
}

// The contract signing keys the image was sealed to accept, shown when there are any.
void Verifier::CheckReferenceContractSigningKeys() {
  if (reference_->contract_signing_keys.empty()) return;
  std::string keys;
  for (const Sha256Digest& d : reference_->contract_signing_keys) keys += (keys.empty() ? "SHA256:" : ", SHA256:") + ToHex(d);
  // The pins are in agent.yaml, inside the image; no record line covers them.
  report_.Add({.id = "reference:contract-signing-keys", .title = "contracts the image accepts (reference)",
               .coverage = Coverage::kUnsigned,
               .detail = "the reference says the image was sealed to accept only contracts whose "
                         "envWorkloadSignature is made by " + keys + "; the record does not show it"});
}

// What the image makes its real root on (seal --root-disk), shown when the reference says.
void Verifier::CheckReferenceRealRoot() {
  if (!reference_->real_root) return;
  const ReferenceRealRoot& real = *reference_->real_root;
  // agent.yaml says it, inside the image; no record line covers it.
  report_.Add({.id = "reference:real-root", .title = "real root (reference)", .coverage = Coverage::kUnsigned,
               .detail = real.kind == kRealRootLuks2Disk
                             ? "the reference says the image makes its real root on " + Printable(real.disk) +
                                   ", formatted anew at every boot (LUKS2, aes-xts-plain64, a key made in the "
                                   "guest and never kept); the record does not show it"
                             : "the reference says the image's real root is a tmpfs (in the guest's memory); the "
                               "record does not show it"});
}

// The attestation key sealed into the image against the key of the certificate that signed.
void Verifier::CheckReferenceAttestationKey(const std::string& src) {
  Check k{.id = "reference:attestation-key", .title = "reference attestation key", .required = true,
          .expected = "SHA256:" + ToHex(reference_->attestation_public_key_sha256), .expected_source = src};
  if (signer_ == nullptr) {
    k.detail = "no certificate matched the signature";
  } else {
    k.actual = Fingerprint(X509_get0_pubkey(signer_->cert.get()));
    k.actual_source = signer_->path;
    k.status = k.actual == k.expected ? CheckStatus::kPass : CheckStatus::kFail;
  }
  report_.Add(std::move(k));
}

}  // namespace seattest::verify_detail
