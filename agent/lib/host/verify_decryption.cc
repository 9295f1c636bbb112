// `se-attest verify`: the record's encryption. An encrypted record decrypted with --key; a plain
// one where an encrypted one was due (a downgrade); --record against the folder's encrypted
// record; the key the record was made for (its attestationPublicKey line) against --key.
#include <openssl/evp.h>

#include <string>
#include <utility>

#include "core/hex.h"
#include "core/output_layout.h"
#include "core/pem_text.h"
#include "core/token_format.h"
#include "crypto/keys.h"
#include "crypto/sha256.h"
#include "crypto/token.h"
#include "host/verifier.h"
#include "platform/read_file.h"

namespace seattest::verify_detail {

void Verifier::Decrypt() {
  Check c{.id = "decryption", .title = "record decryption (" + record_source_ + ")"};
  if (!encrypted_) {
    plaintext_ = record_file_;
    CheckPlainRecord(std::move(c));
    return;
  }
  c.required = true;
  if (!key_) {
    c.detail = o_.key_path.empty() ? "the record is encrypted and no private key (--key) was given"
                                   : "the record is encrypted and --key cannot be used (above)";
    report_.Add(std::move(c));
    return;
  }
  auto plain = DecryptToken(key_.get(), record_file_);
  if (plain) {
    c.status = CheckStatus::kPass;
    c.detail = RecordTokenPrefixName() + " token decrypted with the key " + Fingerprint(key_.get());
    plaintext_ = std::string(plain->view());
    report_.Add(std::move(c));
    return;
  }
  // A record that --key cannot decrypt was not made for it, or was altered: a failure either
  // way. The folder's attestationPublicKey is the host's to write, so it may be named as a hint
  // but never turns this into the auditor's input error (the auditor's own
  // --attestation-public-key is checked against --key with the inputs).
  c.status = CheckStatus::kFail;
  c.detail = "cannot be decrypted with --key " + Fingerprint(key_.get()) +
             ": the record was not made for this key, or it was altered";
  if (EVP_PKEY* folder_key = FolderRecipient(); folder_key != nullptr) {
    c.detail += " (the folder's attestationPublicKey, which the host can write, is " + Fingerprint(folder_key) + ")";
  }
  report_.Add(std::move(c));
}

std::string Verifier::RecordTokenPrefixName() const {
  const auto parts = ParseToken(encrypted_ ? std::string_view(record_file_) : std::string_view(folder_token_));
  return parts ? std::string(TokenPrefixName(parts->prefix)) : std::string("malformed");
}

// The encrypted record's prefix (the record read, or the folder's .enc that --record was checked
// against), which the image chose at seal time (reference.yaml's token_prefix). Not covered by
// the signature (it is over the plaintext), so it can fail the verdict, never carry it.
void Verifier::CheckTokenPrefix() {
  if (!encrypted_ && folder_token_.empty()) return;
  Check c{.id = "record-token-prefix", .title = "record token prefix", .coverage = Coverage::kUnsigned,
          .actual = RecordTokenPrefixName(),
          .actual_source = encrypted_ ? record_source_ : InFolder(kEncryptedRecordFile)};
  if (!reference_) {
    c.detail = "found " + c.actual + "; no --reference to compare it with";
    report_.Add(std::move(c));
    return;
  }
  c.expected = std::string(TokenPrefixName(reference_->token_prefix));
  c.expected_source = "reference " + o_.reference_path;
  c.status = c.actual == c.expected ? CheckStatus::kPass : CheckStatus::kFail;
  if (c.status == CheckStatus::kPass) c.detail = c.actual + ", as the reference says";
  if (c.status == CheckStatus::kFail) {
    c.detail = "the image writes " + c.expected + " tokens, this record is a " + c.actual +
               " token: another image wrote it, or it was rewritten";
  }
  report_.Add(std::move(c));
}

// A record in the clear: the auditor's own decryption of the folder's (--record), or a record
// that should have been encrypted (a downgrade), or a plain one where none was asked for.
void Verifier::CheckPlainRecord(Check c) {
  c.required = !o_.key_path.empty();
  if (!record_in_folder_ && !o_.folder.empty() && Exists(InFolder(kEncryptedRecordFile))) {
    // The auditor decrypted the folder's record first (--record): it must be that plaintext,
    // which only --key can show.
    c.required = true;
    if (o_.key_path.empty()) {
      c.detail = "the folder's record is encrypted: --record can be checked against it only with --key";
      report_.Add(std::move(c));
    } else {
      CheckOwnDecryption(std::move(c));
    }
    return;
  }
  if (!o_.key_path.empty()) {
    // Downgrade: the host removed attestationPublicKey from the contract, and the instance
    // wrote the record in the clear for anybody to read.
    c.status = CheckStatus::kFail;
    c.detail = "the record is not encrypted, yet --key was given: the contract asked for an encrypted record "
               "(attestationPublicKey), or it was altered";
  } else if (!o_.folder.empty() && Exists(InFolder(kNameAttestationPublicKey))) {
    c.status = CheckStatus::kFail;
    c.detail = "the record is plain, but the folder has attestationPublicKey: the agent encrypts the record then";
  } else {
    c.detail = "the record is plain (not encrypted)";
  }
  report_.Add(std::move(c));
}

// --record is the auditor's own decryption of the folder's se-checksums.txt.enc: the same bytes.
void Verifier::CheckOwnDecryption(Check c) {
  c.title = "record decryption (" + InFolder(kEncryptedRecordFile) + ", against --record " + record_source_ + ")";
  auto enc = ReadFolderFile(kEncryptedRecordFile);
  if (enc && LooksLikeToken(AsText(*enc))) folder_token_ = std::string(AsText(*enc));
  if (!key_) {
    c.detail = "--key cannot be used (above)";
  } else if (!enc) {
    c.status = CheckStatus::kFail;
    c.detail = enc.error().message;
  } else if (auto plain = DecryptToken(key_.get(), AsText(*enc)); !plain) {
    c.status = CheckStatus::kFail;
    c.detail = "cannot be decrypted with --key " + Fingerprint(key_.get()) +
               ": the record was not made for this key, or it was altered";
  } else if (plain->view() != record_file_) {
    c.status = CheckStatus::kFail;
    c.detail = "--record is not the plaintext of the folder's " + std::string(kEncryptedRecordFile);
  } else {
    c.status = CheckStatus::kPass;
    c.detail = "--record is the plaintext of the folder's record, decrypted with " + Fingerprint(key_.get());
  }
  report_.Add(std::move(c));
}

// With --key, the record must have been made for that key: its attestationPublicKey line (in
// hpcr-2026 records contract:attestationPublicKey, the same bytes hashed) is the hash of the PEM
// beside it (the folder's file; in IBM's 26.x layout, which has none, user-data.decrypted's
// attestationPublicKey section; without a folder the auditor's --attestation-public-key), and
// that PEM is the public half of --key. Otherwise the host swapped attestationPublicKey in the
// contract, read the record, and encrypted it again for the auditor.
void Verifier::CheckKeyBinding() {
  Check c{.id = "key-binding", .title = "the record was made for --key (its attestationPublicKey line)",
          .required = true, .coverage = Coverage::kSigned};
  if (o_.key_path.empty()) return NoteUnclaimedRecipient(std::move(c));
  auto add = [&](CheckStatus status, std::string detail) {
    c.status = status;
    c.detail = std::move(detail);
    report_.Add(std::move(c));
  };
  if (!key_) return add(CheckStatus::kNotChecked, "--key cannot be used (above)");
  if (!lint_) return add(CheckStatus::kNotChecked, "no plaintext record");
  c.title = "the record was made for --key (its " + std::string(KeyLineName()) + " line)";
  c.expected = Fingerprint(key_.get());
  c.expected_source = "the public half of --key " + o_.key_path;
  const std::string line_name(KeyLineName());
  const RecordEntry* line = Line(line_name);
  if (line == nullptr) {
    return add(CheckStatus::kFail, "the record has no attestationPublicKey line: it does not say which key it was "
                                   "encrypted for");
  }
  Looked(line_name);
  std::string source;
  Result<Bytes> pem = MakeError("unreachable");
  if (!o_.folder.empty() && line_name == kNameContractAttestationPublicKey &&
      !Exists(InFolder(kNameAttestationPublicKey))) {
    // IBM's 26.x layout: no attestationPublicKey file; the effective PEM is the section's.
    const MeasuredSection* section = ContractSection("attestationPublicKey");
    if (section == nullptr) {
      return add(CheckStatus::kNotChecked, "the folder has no attestationPublicKey file (IBM's 26.x layout) and "
                                           "user-data.decrypted no readable attestationPublicKey section: nothing "
                                           "holds the PEM that the record's " + line_name + " line is the hash of");
    }
    source = "section attestationPublicKey of " + InFolder(kNameDecryptedContract);
    pem = ToBytes(section->text);
  } else if (!o_.folder.empty()) {
    source = InFolder(kNameAttestationPublicKey);
    pem = ReadFolderFile(kNameAttestationPublicKey);
  } else if (!o_.attestation_public_key_path.empty()) {
    source = o_.attestation_public_key_path;
    pem = ReadFile(source, kMaxFile);
  } else {
    return add(CheckStatus::kNotChecked, "no folder and no --attestation-public-key: nothing holds the PEM that the "
                                         "record's attestationPublicKey line is the hash of");
  }
  if (!pem) return add(CheckStatus::kFail, pem.error().message);
  if (Sha256Of(*pem) != line->digest) {
    c.expected = ToHex(line->digest), c.expected_source = "record line '" + line_name + "'";
    c.actual = ToHex(Sha256Of(*pem)), c.actual_source = "sha256 of " + source;
    return add(CheckStatus::kFail, "the record's " + line_name + " line is not the hash of " + source);
  }
  // One key and nothing else: OpenSSL reads the first block, another runtime might take the
  // second, and the record would then have been encrypted for a key the auditor never holds.
  if (const std::size_t blocks = CountPemBlocks(AsText(*pem)); blocks != 1) {
    return add(CheckStatus::kFail, source + ": " + std::to_string(blocks) + " PEM blocks, expected one public key");
  }
  auto key = PublicKeyFromPem(AsText(*pem), source);
  if (!key) return add(CheckStatus::kFail, key.error().message);
  c.actual = Fingerprint(key->get());
  c.actual_source = "the key of the record's " + line_name + " line (" + source + ")";
  if (EVP_PKEY_eq(key->get(), key_.get()) != 1) {
    return add(CheckStatus::kFail, "the record was made for another key than --key: attestationPublicKey in the "
                                   "contract was swapped, and the record re-encrypted for you");
  }
  add(CheckStatus::kPass, "encrypted for the key of --key, " + c.expected);
}

// Without --key. A record that names an attestationPublicKey was made to be encrypted for that
// key: a plaintext of it proves nothing to an auditor who cannot say the key is theirs (the host
// that swapped the key in the contract holds exactly such a plaintext).
void Verifier::NoteUnclaimedRecipient(Check c) {
  if (lint_ && Line(KeyLineName()) != nullptr && o_.attestation_public_key_path.empty()) {
    c.title = "the record was made for --key (its " + std::string(KeyLineName()) + " line)";
    c.detail = "the record names an attestationPublicKey: give --key (or --attestation-public-key) to show it is "
               "yours";
    report_.Add(std::move(c));
  }
}

}  // namespace seattest::verify_detail
