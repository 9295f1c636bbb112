#include "app/verify.h"

#include <sys/stat.h>
#include <yaml-cpp/yaml.h>

#include <ctime>
#include <optional>
#include <utility>

#include "app/output.h"
#include "core/hex.h"
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

constexpr std::size_t kMaxFile = 16u << 20;
constexpr int kExpiryWarningDays = 30;
constexpr std::size_t kSignatureBytes = 512;  // RSA-4096

// Files of the folder that the record can list, each checked against its line.
constexpr std::string_view kFolderFiles[] = {kNameMetaData, kNameUserData, kNameVendorData,
                                             kNameAttestationPublicKey, "user-data.decrypted"};

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
      if (lstat(InFolder("cidata").c_str(), &st) == 0 && !S_ISDIR(st.st_mode)) {
        return MakeError(InFolder("cidata") + ": not a folder (a symbolic link?)");
      }
    }
    return ReadFile(InFolder(name), kMaxFile, Follow::kNoSymlinks);
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
    auto data = record_in_folder_ ? ReadFile(path, kMaxFile, Follow::kNoSymlinks) : ReadFile(path, kMaxFile);
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
      c.required = false;
      if (record_in_folder_ && Exists(InFolder(kNameAttestationPublicKey))) {
        c.status = CheckStatus::kFail;
        c.detail = "the record is plain, but the folder has attestationPublicKey: the agent encrypts the record then";
      } else {
        c.detail = "the record is plain (not encrypted)";
      }
      plaintext_ = record_file_;
      report_.Add(std::move(c));
      return;
    }
    c.required = true;
    if (!key_) {
      c.detail = "the record is encrypted and no private key (--key) was given";
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
    // Wrong key (bad input) or an altered .enc (a failure)? The key the agent encrypted for is
    // the auditor's own attestationPublicKey when given (trusted), else the folder's (sent by the
    // instance, so only a hint).
    EVP_PKEY* recipient = ExpectedRecipient();
    const std::string whose = recipient != nullptr ? "--attestation-public-key" : "the folder's attestationPublicKey";
    if (recipient == nullptr) recipient = FolderRecipient();
    if (recipient != nullptr && EVP_PKEY_eq(recipient, key_.get()) != 1) {
      c.status = CheckStatus::kError;
      c.detail = "wrong private key: --key is " + Fingerprint(key_.get()) + ", " + whose + " is " + Fingerprint(recipient);
    } else if (recipient != nullptr) {
      c.status = CheckStatus::kFail;
      c.detail = "--key is the private key of " + whose + ", yet the record does not decrypt: it was altered (" +
                 plain.error().message + ")";
    } else {
      c.status = CheckStatus::kError;
      c.detail = "cannot be decrypted with --key (" + plain.error().message +
                 "); no attestationPublicKey in the folder to tell a wrong key from an altered record";
    }
    report_.Add(std::move(c));
  }

  void CheckSyntax() {
    Check c{.id = "record-syntax", .title = "record syntax", .required = true};
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
    auto sig = o_.signature_path.empty() ? ReadFolderFile(kSignatureFile) : ReadFile(sig_path, kMaxFile);
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
      chain.detail = verdict->path + (crls_.empty() ? "" : "; the attestation certificate is not revoked in the CRLs given"
                                                             " (the CAs above it are not checked for revocation)");
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
    for (std::string_view name : kFolderFiles) {
      const std::string path = InFolder(name);
      const bool listed = Line(name) != nullptr, present = Exists(path);
      if (!listed && !present) continue;
      Check c{.id = "file:" + std::string(name), .title = std::string(name)};
      if (!present) {
        c.status = CheckStatus::kFail;
        c.detail = "listed in the record, missing from the folder (" + path + ")";
      } else if (auto data = ReadFolderFile(name); !data) {
        c.status = CheckStatus::kFail;
        c.detail = data.error().message;
      } else if (!listed && name == "user-data.decrypted") {
        CheckDecryptedContract(std::move(c), AsText(*data));
        continue;
      } else if (!listed) {
        c.status = CheckStatus::kFail;
        c.detail = "in the folder but not in the record";
      } else {
        CompareLine(std::move(c), name, Sha256Of(*data), "sha256 of " + path, RecordSide::kExpected);
        continue;
      }
      report_.Add(std::move(c));
    }
    Check v{.id = "file:se-version", .title = "se-version"};
    auto version = ReadFolderFile("se-version");
    const std::string record_version = lint_->record.header.empty() ? "" : lint_->record.header.front();
    if (!version) {
      v.status = CheckStatus::kFail;
      v.detail = version.error().message;
    } else {
      v.expected = record_version;
      v.expected_source = "the record's first line";
      v.actual = WithoutFinalNewline(AsText(*version));
      v.actual_source = InFolder("se-version");
      v.status = v.expected == v.actual ? CheckStatus::kPass : CheckStatus::kFail;
    }
    report_.Add(std::move(v));
  }

  // user-data.decrypted has no record line (SPEC): what can be checked without the contract key
  // is that it has exactly the contract's sections and that every plain section is the contract's.
  // The plaintext of encrypted sections is not covered by anything: a warning says so.
  void CheckDecryptedContract(Check c, std::string_view decrypted) {
    c.title = "user-data.decrypted (no record line: checked against cidata/user-data)";
    auto user_data = ReadFolderFile(kNameUserData);
    auto fail = [&](std::string why) {
      c.status = CheckStatus::kFail;
      c.detail = std::move(why);
      report_.Add(std::move(c));
    };
    if (!user_data) return fail("nothing to compare with: " + user_data.error().message);
    YAML::Node contract, plain;
    try {
      contract = YAML::Load(std::string(AsText(*user_data)));
      plain = YAML::Load(std::string(decrypted));
    } catch (const YAML::Exception& e) {
      return fail("not YAML: " + e.msg);
    }
    if (!CheckYamlNodeCount(contract) || !CheckYamlNodeCount(plain)) return fail("too many YAML nodes");
    if (!contract.IsMap() || !plain.IsMap()) return fail("not a mapping of contract sections");
    std::vector<std::string> encrypted;
    for (const auto& kv : contract) {
      const std::string key = kv.first.Scalar();
      const YAML::Node mine = plain[key];
      if (!mine) return fail("section '" + key + "' of cidata/user-data is missing");
      if (kv.second.IsScalar() && LooksLikeToken(kv.second.Scalar())) {
        if (!mine.IsScalar()) return fail("section '" + key + "' is not the plaintext of a token");
        encrypted.push_back(key);
      } else if (YAML::Dump(kv.second) != YAML::Dump(mine)) {
        return fail("section '" + key + "' differs from cidata/user-data");
      }
    }
    if (plain.size() != contract.size()) return fail("has sections that cidata/user-data does not have");
    c.status = encrypted.empty() ? CheckStatus::kPass : CheckStatus::kWarning;
    c.detail = "the same sections as cidata/user-data, plain ones equal";
    if (!encrypted.empty()) {
      std::string names;
      for (const std::string& k : encrypted) names += (names.empty() ? "" : ", ") + k;
      c.detail += "; the plaintext of the encrypted sections (" + names +
                  ") is covered by nothing the auditor can check without the contract key";
    }
    report_.Add(std::move(c));
  }

  void CheckReference() {
    if (!reference_) return;
    const std::string src = "reference " + o_.reference_path;
    for (const auto& [name, digest] : reference_->measurements) {
      CompareLine({.id = "reference:" + name, .title = "reference " + name, .required = true}, name, digest, src, RecordSide::kActual);
    }
    Check v{.id = "reference:image-version", .title = "reference image version", .required = true,
            .expected = reference_->image_version, .expected_source = src};
    if (lint_ && !lint_->record.header.empty()) {
      v.actual = lint_->record.header.front();
      v.actual_source = "the record's first line";
      v.status = v.actual == v.expected ? CheckStatus::kPass : CheckStatus::kFail;
    } else {
      v.detail = "no plaintext record";
    }
    report_.Add(std::move(v));

    Check commit{.id = "reference:commit-id", .title = "reference commit id", .required = !o_.folder.empty(),
                 .expected = reference_->commit_id, .expected_source = src};
    if (o_.folder.empty()) {
      commit.detail = "no folder (se-commit-id is not in the record)";
    } else if (auto data = ReadFolderFile("se-commit-id"); !data) {
      commit.status = CheckStatus::kFail;
      commit.detail = data.error().message;
    } else {
      commit.actual = WithoutFinalNewline(AsText(*data));
      commit.actual_source = InFolder("se-commit-id");
      commit.status = commit.actual == commit.expected ? CheckStatus::kPass : CheckStatus::kFail;
    }
    report_.Add(std::move(commit));

    if (reference_->attestation_public_key_sha256) {
      Check k{.id = "reference:attestation-key", .title = "reference attestation key", .required = true,
              .expected = "SHA256:" + ToHex(*reference_->attestation_public_key_sha256), .expected_source = src};
      if (signer_ == nullptr) {
        k.detail = "no certificate matched the signature";
      } else {
        k.actual = Fingerprint(X509_get0_pubkey(signer_->cert.get()));
        k.actual_source = signer_->path;
        k.status = k.actual == k.expected ? CheckStatus::kPass : CheckStatus::kFail;
      }
      report_.Add(std::move(k));
    }
  }

  void CheckExpectations() {
    if (!o_.contract_path.empty()) {
      if (auto d = HashPath(o_.contract_path)) {
        CompareLine({.id = "expected:contract", .title = "the contract you expect", .required = true}, kNameUserData,
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
                       .required = true}, name, d->digest, "sha256 of " + path, RecordSide::kActual);
        } else {
          InputError("expect-cidata", d.error().message);
        }
      }
    }
    if (!o_.attestation_public_key_path.empty()) CheckExpectedAttestationKey();
    if (!o_.machine.empty()) {
      Check m{.id = "expected:machine", .title = "the machine you expect", .required = true, .expected = o_.machine,
              .expected_source = "--machine"};
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
            .expected = Fingerprint(mine->get()), .expected_source = o_.attestation_public_key_path};
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
