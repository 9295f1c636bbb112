#include "host/verify.h"

#include <sys/stat.h>
#include <yaml-cpp/yaml.h>

#include <ctime>
#include <optional>
#include <utility>

#include "core/contract.h"
#include "core/hex.h"
#include "core/limits_and_defaults.h"
#include "core/output_layout.h"
#include "core/pem_text.h"
#include "core/record.h"
#include "core/reference.h"
#include "core/token_format.h"
#include "core/yaml_text.h"
#include "crypto/chain.h"
#include "crypto/keys.h"
#include "crypto/rsa.h"
#include "crypto/sha256.h"
#include "crypto/token.h"
#include "platform/file_io.h"

namespace seattest {
namespace {

// The auditor's own inputs (certificates, CRLs, keys, reference.yaml, expectations).
constexpr std::size_t kMaxFile = 16u << 20;
constexpr int kExpiryWarningDays = 30;
constexpr std::size_t kSignatureBytes = 512;  // RSA-4096

constexpr std::string_view kVersionFile = OutputName(OutputItem::kVersion);
constexpr std::string_view kCommitIdFile = OutputName(OutputItem::kCommitId);

// Files of the folder that the record can list, each checked against its line: those the agent
// writes a line for, and user-data.decrypted (HPCR 23.x records list it).
bool CheckedAgainstRecord(const OutputEntry& e) {
  return e.record_line || e.item == OutputItem::kDecryptedContract;
}

// The most the agent writes into each file of the folder (kOutputLayout): anything larger was not
// written by it and is refused before it is hashed or parsed. user-data.decrypted is checked
// again against the folder's own cidata/user-data before it is parsed.
std::size_t FolderFileLimit(std::string_view name) {
  for (const OutputEntry& e : kOutputLayout) {
    if (e.name == name) return e.max_size;
  }
  return kMaxCidataFileSize;
}

// The record line of a development image (record.h); its prefix alone is enough to count.
bool IsDevelopmentLine(std::string_view line) {
  constexpr std::string_view kPrefix = "Development image:";
  return line.substr(0, kPrefix.size()) == kPrefix;
}

std::string UtcText(std::time_t t) {
  std::tm tm{};
  char buf[32];
  if (gmtime_r(&t, &tm) == nullptr || std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) return "?";
  return buf;
}

bool Exists(const std::string& path) {
  struct stat st {};
  return lstat(path.c_str(), &st) == 0;
}

std::string Fingerprint(const EVP_PKEY* key) {
  auto fp = PublicKeyFingerprint(key);
  return fp ? "SHA256:" + ToHex(*fp) : "(no fingerprint)";
}

// One-line files of the folder (se-version, se-commit-id) hold the value and a newline, nothing else.
std::string WithoutFinalNewline(std::string_view text) {
  if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  return std::string(text);
}

struct NamedCert {
  std::string path;
  X509Ptr cert;
};

class Verifier {
 public:
  explicit Verifier(const VerifyOptions& o) : o_(o) {
    report_.subject = !o.folder.empty() ? o.folder : o.record_path;
  }

  VerifyReport Run() {
    LoadInputs();
    if (!LoadRecord()) return std::move(report_);
    Decrypt();
    CheckSyntax();
    CheckKeyBinding();
    CheckImageKind();
    CheckSignature();
    CheckCertificate();
    CheckFolderFiles();
    CheckReference();
    CheckExpectations();
    return std::move(report_);
  }

 private:
  // --- inputs the auditor gave: unreadable or unparsable is bad input (exit 2) -----------------
  void InputError(const std::string& option, const std::string& message) {
    report_.Add({.id = "input:" + option, .title = "input --" + option, .status = CheckStatus::kError, .detail = message});
  }

  std::optional<Bytes> ReadInput(const std::string& option, const std::string& path) {
    auto data = ReadFile(path, kMaxFile);
    if (!data) {
      InputError(option, data.error().message);
      return std::nullopt;
    }
    return std::move(*data);
  }

  void LoadCertificates(const std::string& option, const std::vector<std::string>& paths,
                        std::vector<NamedCert>& out) {
    for (const std::string& path : paths) {
      auto data = ReadInput(option, path);
      if (!data) continue;
      auto certs = CertificatesFromPem(AsText(*data), path);
      if (!certs) {
        InputError(option, certs.error().message);
        continue;
      }
      for (X509Ptr& c : *certs) out.push_back({path, std::move(c)});
    }
  }

  void LoadInputs() {
    LoadCertificates("cert", o_.certs, certs_);
    LoadCertificates("chain", o_.chain, chain_);
    LoadCertificates("ca", o_.cas, cas_);
    for (const std::string& path : o_.crls) {
      auto data = ReadInput("crl", path);
      if (!data) continue;
      auto crl = CrlFromPemOrDer(AsText(*data), path);
      if (!crl) InputError("crl", crl.error().message);
      else crls_.push_back(std::move(*crl));
    }
    if (!o_.key_path.empty()) {
      auto pem = ReadSecretFile(o_.key_path, kMaxFile);
      if (!pem) {
        InputError("key", pem.error().message);
      } else if (auto key = PrivateKeyFromPem(pem->view(), o_.key_path); !key) {
        InputError("key", key.error().message);
      } else {
        key_ = std::move(*key);
      }
    }
    if (key_ && ExpectedRecipient() != nullptr && EVP_PKEY_eq(ExpectedRecipient(), key_.get()) != 1) {
      InputError("attestation-public-key", o_.attestation_public_key_path + " (" + Fingerprint(ExpectedRecipient()) +
                                               ") is not the public half of --key " + o_.key_path + " (" +
                                               Fingerprint(key_.get()) + ")");
    }
    if (!o_.reference_path.empty()) {
      if (auto data = ReadInput("reference", o_.reference_path)) {
        auto ref = ParseReference(AsText(*data), o_.reference_path);
        if (!ref) InputError("reference", ref.error().message);
        else reference_ = std::move(*ref);
      }
    }
  }

  std::string InFolder(std::string_view name) const { return o_.folder + "/" + std::string(name); }

  // A file of the folder, as the instance sent it: a regular file, no symbolic link as its name
  // or as the cidata folder (O_NOFOLLOW covers only the last component), no device node.
  Result<Bytes> ReadFolderFile(std::string_view name) const {
    if (name.rfind("cidata/", 0) == 0) {
      struct stat st {};
      if (lstat(InFolder(kOutputSubfolder).c_str(), &st) == 0 && !S_ISDIR(st.st_mode)) {
        return MakeError(InFolder(kOutputSubfolder) + ": not a folder (a symbolic link?)");
      }
    }
    return ReadFile(InFolder(name), FolderFileLimit(name), Follow::kNoSymlinks);
  }

  // --- the record: found, decrypted, read --------------------------------------------------
  bool LoadRecord() {
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
    return true;
  }

  // The auditor's --attestation-public-key, when given and readable (reported in CheckExpectations).
  EVP_PKEY* ExpectedRecipient() {
    if (!expected_recipient_loaded_) {
      expected_recipient_loaded_ = true;
      if (!o_.attestation_public_key_path.empty()) {
        if (auto pem = ReadFile(o_.attestation_public_key_path, kMaxFile)) {
          if (auto key = PublicKeyFromPem(AsText(*pem), o_.attestation_public_key_path)) expected_recipient_ = std::move(*key);
        }
      }
    }
    return expected_recipient_.get();
  }

  // The key of the folder's attestationPublicKey file, when there is one that parses.
  EVP_PKEY* FolderRecipient() {
    if (!folder_recipient_loaded_) {
      folder_recipient_loaded_ = true;
      if (!o_.folder.empty()) {
        if (auto pem = ReadFolderFile(kNameAttestationPublicKey)) {
          if (auto key = PublicKeyFromPem(AsText(*pem), kNameAttestationPublicKey)) folder_recipient_ = std::move(*key);
        }
      }
    }
    return folder_recipient_.get();
  }

  void Decrypt() {
    Check c{.id = "decryption", .title = "record decryption (" + record_source_ + ")"};
    if (!encrypted_) {
      plaintext_ = record_file_;
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
      c.detail = "hyper-protect-basic token decrypted with the key " + Fingerprint(key_.get());
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

  // --record is the auditor's own decryption of the folder's se-checksums.txt.enc: the same bytes.
  void CheckOwnDecryption(Check c) {
    c.title = "record decryption (" + InFolder(kEncryptedRecordFile) + ", against --record " + record_source_ + ")";
    auto enc = ReadFolderFile(kEncryptedRecordFile);
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

  // With --key, the record must have been made for that key: its attestationPublicKey line is the
  // hash of the PEM beside it (the folder's file, else the auditor's --attestation-public-key),
  // and that PEM is the public half of --key. Otherwise the host swapped attestationPublicKey in
  // the contract, read the record, and encrypted it again for the auditor.
  void CheckKeyBinding() {
    Check c{.id = "key-binding", .title = "the record was made for --key (its attestationPublicKey line)",
            .required = true, .coverage = Coverage::kSigned};
    if (o_.key_path.empty()) {
      // A record that names an attestationPublicKey was made to be encrypted for that key: a
      // plaintext of it proves nothing to an auditor who cannot say the key is theirs (the host
      // that swapped the key in the contract holds exactly such a plaintext).
      if (lint_ && Line(kNameAttestationPublicKey) != nullptr && o_.attestation_public_key_path.empty()) {
        c.detail = "the record names an attestationPublicKey: give --key (or --attestation-public-key) to show it is "
                   "yours";
        report_.Add(std::move(c));
      }
      return;
    }
    auto add = [&](CheckStatus status, std::string detail) {
      c.status = status;
      c.detail = std::move(detail);
      report_.Add(std::move(c));
    };
    if (!key_) return add(CheckStatus::kNotChecked, "--key cannot be used (above)");
    if (!lint_) return add(CheckStatus::kNotChecked, "no plaintext record");
    c.expected = Fingerprint(key_.get());
    c.expected_source = "the public half of --key " + o_.key_path;
    const RecordEntry* line = Line(kNameAttestationPublicKey);
    if (line == nullptr) {
      return add(CheckStatus::kFail, "the record has no attestationPublicKey line: it does not say which key it was "
                                     "encrypted for");
    }
    std::string source;
    Result<Bytes> pem = MakeError("unreachable");
    if (!o_.folder.empty()) {
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
      c.expected = ToHex(line->digest), c.expected_source = "record line 'attestationPublicKey'";
      c.actual = ToHex(Sha256Of(*pem)), c.actual_source = "sha256 of " + source;
      return add(CheckStatus::kFail, "the record's attestationPublicKey line is not the hash of " + source);
    }
    // One key and nothing else: OpenSSL reads the first block, another runtime might take the
    // second, and the record would then have been encrypted for a key the auditor never holds.
    if (const std::size_t blocks = CountPemBlocks(AsText(*pem)); blocks != 1) {
      return add(CheckStatus::kFail, source + ": " + std::to_string(blocks) + " PEM blocks, expected one public key");
    }
    auto key = PublicKeyFromPem(AsText(*pem), source);
    if (!key) return add(CheckStatus::kFail, key.error().message);
    c.actual = Fingerprint(key->get());
    c.actual_source = "the key of the record's attestationPublicKey line (" + source + ")";
    if (EVP_PKEY_eq(key->get(), key_.get()) != 1) {
      return add(CheckStatus::kFail, "the record was made for another key than --key: attestationPublicKey in the "
                                     "contract was swapped, and the record re-encrypted for you");
    }
    add(CheckStatus::kPass, "encrypted for the key of --key, " + c.expected);
  }

  // A development image runs outside Secure Execution: whoever holds it holds its attestation key,
  // and its record proves nothing about a production instance.
  void CheckImageKind() {
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

  bool IsDevelopment() const {
    if (!lint_) return false;
    for (const std::string& line : lint_->record.header) {
      if (IsDevelopmentLine(line)) return true;
    }
    return false;
  }

  void CheckSyntax() {
    Check c{.id = "record-syntax", .title = "record syntax", .required = true, .coverage = Coverage::kSigned};
    if (!plaintext_) {
      c.detail = "no plaintext record";
      report_.Add(std::move(c));
      return;
    }
    lint_ = LintRecord(*plaintext_);
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

  // --- the signature and the certificate that made it --------------------------------------
  void CheckSignature() {
    Check c{.id = "signature", .title = "signature (RSA PKCS#1 v1.5, SHA-256, over the plaintext record)",
            .required = true};
    const std::string sig_path = !o_.signature_path.empty() ? o_.signature_path : InFolder(kSignatureFile);
    if (!plaintext_) {
      c.detail = "no plaintext record";
      report_.Add(std::move(c));
      return;
    }
    if (certs_.empty()) {
      c.detail = "no certificate (--cert)";
      report_.Add(std::move(c));
      return;
    }
    auto sig = o_.signature_path.empty() ? ReadFolderFile(kSignatureFile)
                                         : ReadFile(sig_path, FolderFileLimit(kSignatureFile));
    if (!sig) {
      // A folder without its signature has lost something; a --signature that cannot be read is bad input.
      c.status = o_.signature_path.empty() ? CheckStatus::kFail : CheckStatus::kError;
      c.detail = sig.error().message;
      report_.Add(std::move(c));
      return;
    }
    const Sha256Digest record_digest = Sha256Of(*plaintext_);
    std::string tried;
    for (const NamedCert& nc : certs_) {
      EVP_PKEY* key = X509_get0_pubkey(nc.cert.get());
      if (key == nullptr) continue;
      const std::string who = nc.path + " (" + Fingerprint(key) + ")";
      tried += (tried.empty() ? "" : ", ") + who;
      auto ok = VerifySha256(key, *plaintext_, *sig);
      if (ok && *ok) {
        c.status = CheckStatus::kPass;
        c.detail = "made by the key of " + who;
        signer_ = &nc;
        report_.Add(std::move(c));
        return;
      }
      if (auto signed_digest = RecoverSignedSha256(key, *sig)) {
        c.status = CheckStatus::kFail;
        c.detail = "the signature is by the key of " + who + ", over another record: the record was altered after signing";
        c.expected = ToHex(*signed_digest);
        c.expected_source = "SHA-256 inside " + sig_path;
        c.actual = ToHex(record_digest);
        c.actual_source = "SHA-256 of the record " + record_source_;
        signer_ = &nc;
        report_.Add(std::move(c));
        return;
      }
    }
    c.status = CheckStatus::kFail;
    c.detail = "signed by another key, or the signature was altered: no certificate matches; tried " + tried;
    if (sig->size() != kSignatureBytes) {
      c.detail += "; the signature is " + std::to_string(sig->size()) + " bytes, an RSA-4096 one is 512";
    }
    report_.Add(std::move(c));
  }

  void CheckCertificate() {
    const NamedCert* cert = signer_;
    if (cert == nullptr && certs_.size() == 1) cert = &certs_.front();
    Check key_check{.id = "certificate-key", .title = "attestation key is RSA-4096", .required = true};
    Check chain{.id = "chain", .title = "certificate chain to a trust anchor", .required = true};
    if (cert == nullptr) {
      key_check.detail = chain.detail = certs_.empty() ? "no certificate (--cert)" : "no certificate matched the signature";
      report_.Add(std::move(key_check));
      report_.Add(std::move(chain));
      return;
    }
    EVP_PKEY* key = X509_get0_pubkey(cert->cert.get());
    auto rsa = key != nullptr ? RequireRsa(key, kAttestationKeyBits, kAttestationKeyBits, cert->path)
                              : Status(MakeError(cert->path + ": the public key cannot be read"));
    key_check.status = rsa ? CheckStatus::kPass : CheckStatus::kFail;
    key_check.detail = rsa ? cert->path + ": RSA-4096" : rsa.error().message;
    report_.Add(std::move(key_check));

    chain.title += " (" + cert->path + ")";
    if (cas_.empty()) {
      chain.detail = "no trust anchor (--ca)";
      report_.Add(std::move(chain));
      return;
    }
    ChainInput in;
    in.leaf = cert->cert.get();
    in.at = o_.at;
    for (const NamedCert& c : chain_) in.intermediates.push_back(c.cert.get());
    for (const NamedCert& c : cas_) in.anchors.push_back(c.cert.get());
    for (const X509CrlPtr& crl : crls_) in.crls.push_back(crl.get());
    chain.title += " at " + UtcText(o_.at);
    auto verdict = VerifyChain(in);
    if (!verdict) {
      chain.status = CheckStatus::kError;
      chain.detail = verdict.error().message;
    } else if (!verdict->ok) {
      chain.status = CheckStatus::kFail;
      chain.detail = verdict->reason;
    } else if (std::string usage = SigningUsageProblem(cert->cert.get()); !usage.empty()) {
      chain.status = CheckStatus::kFail;
      chain.detail = cert->path + ": " + usage;
    } else {
      chain.status = CheckStatus::kPass;
      chain.detail = verdict->path + (verdict->revocation.empty() ? "" : "; " + verdict->revocation);
      if (verdict->days_left < kExpiryWarningDays) {
        chain.status = CheckStatus::kWarning;
        chain.detail += "; " + verdict->first_to_expire + " expires in " + std::to_string(verdict->days_left) + " days";
      }
    }
    report_.Add(std::move(chain));
  }

  // --- every line against the files beside it, the reference values, the expectations -------
  const RecordEntry* Line(std::string_view name) const {
    if (!lint_) return nullptr;
    for (const RecordEntry& e : lint_->record.entries) {
      if (e.name == name) return &e;
    }
    return nullptr;
  }

  // Which side of a comparison the record's line is: what a file must match (the record is the
  // signed claim), or what must match a value the auditor holds (reference, expectations).
  enum class RecordSide { kExpected, kActual };

  // One comparison of a record line with a digest from elsewhere.
  void CompareLine(Check c, std::string_view name, const Sha256Digest& other, const std::string& other_source,
                   RecordSide side) {
    const RecordEntry* line = Line(name);
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

  void CheckFolderFiles() {
    if (o_.folder.empty()) {
      report_.Add({.id = "files", .title = "record lines against the folder's files", .detail = "no folder given"});
      return;
    }
    if (!lint_) return;
    for (const OutputEntry& entry : kOutputLayout) {
      if (!CheckedAgainstRecord(entry)) continue;
      const std::string_view name = entry.name;
      const std::string path = InFolder(name);
      const bool listed = Line(name) != nullptr, present = Exists(path);
      if (!listed && !present && name == kDecryptedContractFile && Exists(InFolder(kNameUserData))) {
        report_.Add({.id = "file:" + std::string(name), .title = std::string(name), .status = CheckStatus::kFail,
                     .coverage = Coverage::kUnsigned,
                     .detail = "missing: the agent writes it beside cidata/user-data (" + path + ")"});
        continue;
      }
      if (!listed && !present) continue;
      Check c{.id = "file:" + std::string(name), .title = std::string(name), .coverage = Coverage::kSigned};
      if (!present) {
        c.status = CheckStatus::kFail;
        c.detail = "listed in the record, missing from the folder (" + path + ")";
      } else if (auto data = ReadFolderFile(name); !data) {
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
        CompareLine(std::move(c), name, Sha256Of(*data), "sha256 of " + path, RecordSide::kExpected);
        continue;
      }
      report_.Add(std::move(c));
    }
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
  // and every encrypted one a string. The plaintext of encrypted sections is covered by nothing
  // the auditor can check: then the check is a warning, and not covered by the signature.
  void CheckDecryptedContract(Check c, std::string_view decrypted) {
    c.title = "user-data.decrypted (no record line: checked against cidata/user-data)";
    auto fail = [&](std::string why) {
      c.status = CheckStatus::kFail;
      c.detail = std::move(why);
      report_.Add(std::move(c));
    };
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
    c.status = encrypted.empty() ? CheckStatus::kPass : CheckStatus::kWarning;
    c.detail = "one document, the same sections as cidata/user-data, plain ones equal as typed YAML";
    if (!encrypted.empty()) {
      std::string names;
      for (const std::string& k : encrypted) names += (names.empty() ? "" : ", ") + k;
      c.coverage = Coverage::kUnsigned;
      c.detail += "; the plaintext of the encrypted sections (" + names +
                  ") is covered by nothing the auditor can check without the contract key";
    }
    report_.Add(std::move(c));
  }

  void CheckReference() {
    if (!reference_) return;
    const std::string src = "reference " + o_.reference_path;
    for (const auto& [name, digest] : reference_->measurements) {
      CompareLine({.id = "reference:" + name, .title = "reference " + name, .required = true, .coverage = Coverage::kSigned},
                  name, digest, src, RecordSide::kActual);
    }
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

    // se-commit-id is not a line of the record: the host can write any value into it. Shown, and
    // a mismatch fails, but a match proves nothing and never counts toward VERIFIED.
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

    if (!reference_->contract_signing_keys.empty()) {
      std::string keys;
      for (const Sha256Digest& d : reference_->contract_signing_keys) keys += (keys.empty() ? "SHA256:" : ", SHA256:") + ToHex(d);
      // The pins are in agent.yaml, inside the image; no record line covers them.
      report_.Add({.id = "reference:contract-signing-keys", .title = "contracts the image accepts (reference)",
                   .coverage = Coverage::kUnsigned,
                   .detail = "the reference says the image was sealed to accept only contracts whose "
                             "envWorkloadSignature is made by " + keys + "; the record does not show it"});
    }

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

  void CheckExpectations() {
    if (!o_.contract_path.empty()) {
      if (auto d = HashPath(o_.contract_path)) {
        CompareLine({.id = "expected:contract", .title = "the contract you expect", .required = true,
                     .coverage = Coverage::kSigned}, kNameUserData,
                    d->digest, "sha256 of " + o_.contract_path, RecordSide::kActual);
      } else {
        InputError("contract", d.error().message);
      }
    }
    if (!o_.expect_cidata_dir.empty()) {
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
    if (!o_.attestation_public_key_path.empty()) CheckExpectedAttestationKey();
    if (!o_.machine.empty()) {
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
  }

  // The auditor's key against the folder's attestationPublicKey: the same key, whatever the PEM's
  // spelling; the record line itself is checked against the folder file above.
  void CheckExpectedAttestationKey() {
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
      c.actual_source = InFolder(kNameAttestationPublicKey);
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
    CompareLine(std::move(c), kNameAttestationPublicKey, Sha256Of(*pem), "sha256 of " + o_.attestation_public_key_path,
                RecordSide::kActual);
  }

  const VerifyOptions& o_;
  VerifyReport report_;
  std::vector<NamedCert> certs_, chain_, cas_;
  std::vector<X509CrlPtr> crls_;
  EvpPkeyPtr key_;
  std::optional<Reference> reference_;
  std::string record_source_, record_file_;
  bool encrypted_ = false;
  std::optional<std::string> plaintext_;
  std::optional<RecordLint> lint_;
  const NamedCert* signer_ = nullptr;
  EvpPkeyPtr folder_recipient_, expected_recipient_;
  bool folder_recipient_loaded_ = false, expected_recipient_loaded_ = false;
  bool record_in_folder_ = false;
};

}  // namespace

VerifyReport Verify(const VerifyOptions& options) { return Verifier(options).Run(); }

}  // namespace seattest
