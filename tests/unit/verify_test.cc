// `se-attest verify` (host/verify.h) on folders made here the way the agent makes them, signed with
// the committed test keys under a CA hierarchy made here; every tamper named by its check; the
// interop vectors. Both record profiles: hpcr-2023 (VerifyTest) and hpcr-2026 (Verify2026Test:
// header lines, contract:* lines, certificate_expiry_date.json, sbom, image age, IBM's layout).
#include "host/verify.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstring>
#include <ctime>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "core/contract_sections.h"
#include "core/hex.h"
#include "core/record.h"
#include "core/record_profile.h"
#include "core/verify_report.h"
#include "crypto/cert_validity.h"
#include "crypto/certs.h"
#include "crypto/keys.h"
#include "crypto/rsa.h"
#include "crypto/sha256.h"
#include "crypto/token.h"
#include "test_support.h"

namespace seattest {
namespace {

using test::Fixture;
using test::ReadText;
using test::SharedPath;
using test::TempDir;
using test::WriteText;

std::string Hex(std::string_view s) { return ToHex(Sha256Of(s)); }

std::string Pem(const X509* cert) { return *CertificatePem(cert); }

// root CA (rsa2048.key) -> intermediate CA (contract.key) -> leaf (attestation.key, RSA-4096):
// committed keys, certificates issued at test time (fast: no key generation).
struct Pki {
  Pki()
      : root_key(test::TestPrivateKey("rsa2048.key")),
        intermediate_key(test::TestPrivateKey("contract.key")),
        leaf_key(test::TestPrivateKey("attestation.key")) {
    root = Issue({"test root CA", CertProfile::kRootCa, 3650}, root_key.get(), nullptr, root_key.get());
    intermediate = Issue({"test intermediate CA", CertProfile::kIntermediateCa, 3650}, intermediate_key.get(),
                         root.get(), root_key.get());
    leaf = Issue({"test attestation", CertProfile::kSigning, 365}, leaf_key.get(), intermediate.get(),
                 intermediate_key.get());
  }
  static X509Ptr Issue(const CertRequest& r, EVP_PKEY* subject, const X509* issuer, EVP_PKEY* issuer_key) {
    auto cert = IssueCertificate(r, subject, issuer, issuer_key);
    EXPECT_TRUE(cert.ok()) << cert.error().message;
    return cert ? std::move(*cert) : nullptr;
  }
  EvpPkeyPtr root_key, intermediate_key, leaf_key;
  X509Ptr root, intermediate, leaf;
};

// A CRL of `issuer` revoking `serial_of`'s serial number.
std::string CrlRevoking(const X509* issuer, EVP_PKEY* issuer_key, const X509* serial_of) {
  X509CrlPtr crl(X509_CRL_new());
  std::unique_ptr<X509_REVOKED, OsslDeleter<X509_REVOKED_free>> revoked(X509_REVOKED_new());
  std::unique_ptr<ASN1_TIME, OsslDeleter<ASN1_TIME_free>> now(ASN1_TIME_set(nullptr, std::time(nullptr) - 60));
  std::unique_ptr<ASN1_TIME, OsslDeleter<ASN1_TIME_free>> next(ASN1_TIME_set(nullptr, std::time(nullptr) + 86400));
  EXPECT_EQ(X509_CRL_set_version(crl.get(), 1), 1);
  EXPECT_EQ(X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(issuer)), 1);
  EXPECT_EQ(X509_CRL_set1_lastUpdate(crl.get(), now.get()), 1);
  EXPECT_EQ(X509_CRL_set1_nextUpdate(crl.get(), next.get()), 1);
  EXPECT_EQ(X509_REVOKED_set_serialNumber(revoked.get(), const_cast<ASN1_INTEGER*>(X509_get0_serialNumber(serial_of))), 1);
  EXPECT_EQ(X509_REVOKED_set_revocationDate(revoked.get(), now.get()), 1);
  EXPECT_EQ(X509_CRL_add0_revoked(crl.get(), revoked.release()), 1);
  EXPECT_GT(X509_CRL_sign(crl.get(), issuer_key, EVP_sha256()), 0);
  BioPtr bio(BIO_new(BIO_s_mem()));
  EXPECT_EQ(PEM_write_bio_X509_CRL(bio.get(), crl.get()), 1);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

class VerifyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = tmp_.Sub("hyperprotect");
    std::filesystem::create_directories(dir_ + "/cidata");
    WriteText(tmp_.Sub("root-ca.crt"), Pem(pki_.root.get()));
    WriteText(tmp_.Sub("intermediate-ca.crt"), Pem(pki_.intermediate.get()));
    WriteText(tmp_.Sub("attestation.crt"), Pem(pki_.leaf.get()));
    WriteText(tmp_.Sub("auditor.key"), Fixture("keys/rsa2048.key"));
    WriteText(tmp_.Sub("reference.yaml"),
              "image_version: \"1.0.0\"\ncommit_id: \"abc123\"\nimage_kind: production\nmeasurements:\n  baseimage: " +
                  Hex(kBaseimage) +
                  "\n  root.tar.gz: " + Hex(kTarball) + "\nattestation_public_key_sha256: " +
                  ToHex(*PublicKeyFingerprint(pki_.leaf_key.get())) + "\n");
    options_.folder = dir_;
    options_.certs = {tmp_.Sub("attestation.crt")};
    options_.chain = {tmp_.Sub("intermediate-ca.crt")};
    options_.cas = {tmp_.Sub("root-ca.crt")};
    options_.reference_path = tmp_.Sub("reference.yaml");
    options_.at = std::time(nullptr);
  }

  // The folder as the agent writes it: encrypted for the auditor (rsa2048) when `encrypted`. The
  // members below make the folders of an agent that was handed another contract: the key in the
  // contract (recipient_), the record of a development image (development_).
  void MakeFolder(bool encrypted) {
    const std::string user_data = "workload: |\n  type: workload\nenv: |\n  type: env\n" +
                                  (encrypted ? "attestationPublicKey: |\n" + Indent(Fixture("keys/" + recipient_)) : "");
    files_ = {{"cidata/meta-data", "instance-id: i-1\n"},
              {"cidata/user-data", user_data},
              {"cidata/vendor-data", "#cloud-config\n{}\n"},
              {"user-data.decrypted", user_data},  // no tokens: the same sections
              {"se-version", "1.0.0\n"},
              {"se-commit-id", "abc123\n"}};
    std::vector<RecordEntry> entries = {Entry(kNameBaseimage, kBaseimage), Entry(kNameRootTarball, kTarball),
                                        Entry(kNameCidataDevice, "the cidata device"),
                                        Entry(kNameMetaData, files_[0].second), Entry(kNameUserData, files_[1].second),
                                        Entry(kNameVendorData, files_[2].second)};
    if (encrypted) {
      files_.emplace_back("attestationPublicKey", Fixture("keys/" + recipient_));
      entries.push_back(Entry(kNameAttestationPublicKey, files_.back().second));
    }
    record_ = *RenderRecord(MakeRecord("1.0.0", "3932/02/860A8", entries, development_));
    const Bytes signature = *SignSha256(pki_.leaf_key.get(), record_);
    files_.emplace_back("se-signature.bin", std::string(AsText(signature)));
    if (encrypted) {
      files_.emplace_back("se-checksums.txt.enc", *EncryptToken(test::TestPublicKey(recipient_).get(), record_, token_prefix_));
      options_.key_path = tmp_.Sub("auditor.key");
    } else {
      files_.emplace_back("se-checksums.txt", record_);
    }
    for (const auto& [name, content] : files_) WriteText(dir_ + "/" + name, content);
  }

  static std::string Indent(const std::string& text) {
    std::string out;
    std::size_t pos = 0;
    while (pos < text.size()) {
      const std::size_t end = text.find('\n', pos);
      out += "  " + text.substr(pos, end - pos) + "\n";
      pos = end == std::string::npos ? text.size() : end + 1;
    }
    return out;
  }
  static RecordEntry Entry(std::string_view name, std::string_view content) {
    return RecordEntry{Sha256Of(content), std::string(name)};
  }

  const Check* Find(const VerifyReport& r, const std::string& id) {
    for (const Check& c : r.checks) {
      if (c.id == id) return &c;
    }
    ADD_FAILURE() << "no check '" << id << "' in\n" << RenderReportText(r);
    return nullptr;
  }
  void ExpectStatus(const VerifyReport& r, const std::string& id, CheckStatus status) {
    if (const Check* c = Find(r, id)) {
      EXPECT_EQ(c->status, status) << id << ": " << c->detail << "\n" << RenderReportText(r);
    }
  }

  static constexpr std::string_view kBaseimage = "the base image";
  static constexpr std::string_view kTarball = "root.tar.gz bytes";
  std::string recipient_ = "rsa2048.pub";
  TokenPrefix token_prefix_ = TokenPrefix::kHyperProtectBasic;  // of the encrypted record
  bool development_ = false;
  TempDir tmp_;
  Pki pki_;
  std::string dir_, record_;
  std::vector<std::pair<std::string, std::string>> files_;
  VerifyOptions options_;
};

TEST_F(VerifyTest, PlainFolderVerifies) {
  MakeFolder(false);
  const VerifyReport r = Verify(options_);
  EXPECT_EQ(r.exit_code(), kVerifyExitVerified) << RenderReportText(r);
  for (const char* id : {"record-syntax", "signature", "certificate-key", "chain", "file:cidata/user-data",
                         "file:se-version", "reference:baseimage", "reference:root.tar.gz", "reference:image-version",
                         "reference:commit-id", "reference:attestation-key"}) {
    ExpectStatus(r, id, CheckStatus::kPass);
  }
  ExpectStatus(r, "decryption", CheckStatus::kNotChecked);
  EXPECT_NE(Find(r, "signature")->detail.find(ToHex(*PublicKeyFingerprint(pki_.leaf_key.get()))), std::string::npos);
  for (const Check& c : r.checks) EXPECT_NE(c.id, "record-token-prefix");  // a plain record has none
}

TEST_F(VerifyTest, EncryptedFolderVerifies) {
  MakeFolder(true);
  const VerifyReport r = Verify(options_);
  EXPECT_EQ(r.exit_code(), kVerifyExitVerified) << RenderReportText(r);
  ExpectStatus(r, "decryption", CheckStatus::kPass);
  ExpectStatus(r, "file:attestationPublicKey", CheckStatus::kPass);
}

// The encrypted record's prefix is reported, and compared with the reference's (absent there:
// hyper-protect-basic). Not covered by the signature: it can fail the verdict, never carry it.
TEST_F(VerifyTest, RecordTokenPrefixIsReportedAndComparedWithTheReference) {
  const std::string reference = ReadText(options_.reference_path);
  for (TokenPrefix record : {TokenPrefix::kHyperProtectBasic, TokenPrefix::kContractBasic}) {
    for (TokenPrefix sealed : {TokenPrefix::kHyperProtectBasic, TokenPrefix::kContractBasic}) {
      token_prefix_ = record;
      MakeFolder(true);
      WriteText(options_.reference_path,
                reference + "token_prefix: " + std::string(TokenPrefixName(sealed)) + "\n");
      const VerifyReport r = Verify(options_);
      const Check* c = Find(r, "record-token-prefix");
      ASSERT_NE(c, nullptr);
      EXPECT_EQ(c->actual, TokenPrefixName(record));
      EXPECT_EQ(c->expected, TokenPrefixName(sealed));
      EXPECT_EQ(c->coverage, Coverage::kUnsigned);
      EXPECT_NE(Find(r, "decryption")->detail.find(std::string(TokenPrefixName(record)) + " token decrypted"),
                std::string::npos);
      if (record == sealed) {
        EXPECT_EQ(c->status, CheckStatus::kPass);
        EXPECT_EQ(r.exit_code(), kVerifyExitVerified) << RenderReportText(r);
      } else {
        EXPECT_EQ(c->status, CheckStatus::kFail) << c->detail;
        EXPECT_EQ(r.exit_code(), kVerifyExitFailed) << RenderReportText(r);
      }
    }
  }
  // Without token_prefix the reference means hyper-protect-basic: a contract-basic record fails it.
  WriteText(options_.reference_path, reference);
  token_prefix_ = TokenPrefix::kContractBasic;
  MakeFolder(true);
  VerifyReport r = Verify(options_);
  ExpectStatus(r, "record-token-prefix", CheckStatus::kFail);
  // Without a reference it is only reported.
  options_.reference_path.clear();
  r = Verify(options_);
  ExpectStatus(r, "record-token-prefix", CheckStatus::kNotChecked);
  EXPECT_NE(Find(r, "record-token-prefix")->detail.find("found contract-basic"), std::string::npos);
}

// The folder's files are reported in one order, whatever order the agent writes them in: cidata's
// three files, attestationPublicKey, user-data.decrypted (the report is read by scripts).
TEST_F(VerifyTest, FolderFilesAreReportedInTheirOrder) {
  MakeFolder(true);
  const VerifyReport r = Verify(options_);
  std::vector<std::string> files;
  for (const Check& c : r.checks) {
    if (c.id.rfind("file:", 0) == 0 && c.id != "file:se-version") files.push_back(c.id);
  }
  EXPECT_EQ(files, (std::vector<std::string>{"file:cidata/meta-data", "file:cidata/user-data", "file:cidata/vendor-data",
                                             "file:attestationPublicKey", "file:user-data.decrypted"}))
      << RenderReportText(r);
}

// One byte changed anywhere an instance or a host could change it: the verdict fails and the
// failed check is the one named.
struct Tamper {
  const char* file;  // in the folder; "attestation.crt" is the auditor's copy beside it
  bool encrypted;
  const char* check;  // the id of the check that must fail; "a|b": one of them
};

class VerifyTamperTest : public VerifyTest, public ::testing::WithParamInterface<Tamper> {};

TEST_P(VerifyTamperTest, OneByteFailsTheNamedCheck) {
  const Tamper t = GetParam();
  MakeFolder(t.encrypted);
  std::string path = dir_ + "/" + t.file;
  if (std::string(t.file) == "attestation.crt") {
    // A byte of the certificate's signature (the end of the DER): it still parses.
    path = tmp_.Sub("attestation.crt");
    unsigned char* der = nullptr;
    const int n = i2d_X509(pki_.leaf.get(), &der);
    der[n - 10] ^= 0x01;
    const unsigned char* p = der;
    X509Ptr changed(d2i_X509(nullptr, &p, n));
    OPENSSL_free(der);
    ASSERT_NE(changed, nullptr);
    WriteText(path, Pem(changed.get()));
  } else {
    std::string data = ReadText(path);
    ASSERT_FALSE(data.empty());
    // Past the token's prefix for .enc (the AES part); the middle elsewhere.
    const std::size_t offset = std::string(t.file) == "se-checksums.txt.enc" ? data.size() - 40 : data.size() / 2;
    data[offset] = static_cast<char>(data[offset] == 'A' ? 'B' : 'A');
    WriteText(path, data);
  }
  const VerifyReport r = Verify(options_);
  EXPECT_EQ(r.exit_code(), kVerifyExitFailed) << RenderReportText(r);
  // "a|b": either check may be the one that fails (AES-CBC is malleable: an altered .enc may
  // still decrypt, to a record whose signature then fails).
  bool named = false;
  for (const Check& c : r.checks) {
    const std::string ids = std::string("|") + t.check + "|";
    if (c.status == CheckStatus::kFail && ids.find("|" + c.id + "|") != std::string::npos) named = true;
  }
  EXPECT_TRUE(named) << "no failed check among '" << t.check << "'\n" << RenderReportText(r);
}

INSTANTIATE_TEST_SUITE_P(
    EveryFile, VerifyTamperTest,
    ::testing::Values(Tamper{"se-checksums.txt", false, "signature"},
                      Tamper{"se-signature.bin", false, "signature"},
                      Tamper{"se-signature.bin", true, "signature"},
                      Tamper{"se-checksums.txt.enc", true, "decryption|signature"},
                      Tamper{"cidata/meta-data", false, "file:cidata/meta-data"},
                      Tamper{"cidata/user-data", false, "file:cidata/user-data"},
                      Tamper{"cidata/vendor-data", true, "file:cidata/vendor-data"},
                      Tamper{"attestationPublicKey", true, "file:attestationPublicKey"},
                      Tamper{"se-version", false, "file:se-version"},
                      Tamper{"se-commit-id", false, "reference:commit-id"},
                      Tamper{"user-data.decrypted", false, "file:user-data.decrypted"},
                      Tamper{"user-data.decrypted", true, "file:user-data.decrypted"},
                      Tamper{"attestation.crt", false, "chain"}),
    [](const ::testing::TestParamInfo<Tamper>& param) {
      return test::ParamName(std::string(param.param.file) + (param.param.encrypted ? "_enc" : ""));
    });

TEST_F(VerifyTest, AlteredRecordIsToldApartFromAnotherKey) {
  MakeFolder(false);
  std::string record = record_;
  record[0] = '2';  // version 2.0.0: signed by the right key, over another record
  WriteText(dir_ + "/se-checksums.txt", record);
  VerifyReport r = Verify(options_);
  const Check* sig = Find(r, "signature");
  ASSERT_NE(sig, nullptr);
  EXPECT_EQ(sig->status, CheckStatus::kFail);
  EXPECT_NE(sig->detail.find("altered after signing"), std::string::npos) << sig->detail;
  EXPECT_EQ(sig->expected, Hex(record_));
  EXPECT_EQ(sig->actual, Hex(record));

  // Signed by another key: every certificate tried is listed by fingerprint.
  WriteText(dir_ + "/se-checksums.txt", record_);
  WriteText(dir_ + "/se-signature.bin", std::string(AsText(*SignSha256(pki_.intermediate_key.get(), record_))));
  options_.certs.push_back(test::FixturePath("keys/attestation.crt"));
  r = Verify(options_);
  sig = Find(r, "signature");
  ASSERT_NE(sig, nullptr);
  EXPECT_EQ(sig->status, CheckStatus::kFail);
  EXPECT_NE(sig->detail.find("signed by another key"), std::string::npos) << sig->detail;
  EXPECT_NE(sig->detail.find(tmp_.Sub("attestation.crt")), std::string::npos) << sig->detail;
  EXPECT_NE(sig->detail.find(test::FixturePath("keys/attestation.crt")), std::string::npos) << sig->detail;
}

TEST_F(VerifyTest, SaysWhichOfSeveralCertificatesSigned) {
  MakeFolder(false);
  options_.certs = {test::FixturePath("keys/contract.crt"), tmp_.Sub("attestation.crt")};
  const VerifyReport r = Verify(options_);
  EXPECT_EQ(r.exit_code(), kVerifyExitVerified) << RenderReportText(r);
  EXPECT_NE(Find(r, "signature")->detail.find(tmp_.Sub("attestation.crt")), std::string::npos);
}

// A record --key cannot decrypt fails: the folder's attestationPublicKey is the host's to write,
// so it must never turn a re-encrypted or altered record into the auditor's input error. The
// folder's key is named as a hint.
TEST_F(VerifyTest, RecordThatKeyCannotDecryptFailsNamingBothKeys) {
  MakeFolder(true);
  WriteText(tmp_.Sub("other.key"), Fixture("keys/contract.key"));
  options_.key_path = tmp_.Sub("other.key");
  const VerifyReport r = Verify(options_);
  EXPECT_EQ(r.exit_code(), kVerifyExitFailed) << RenderReportText(r);
  ExpectStatus(r, "decryption", CheckStatus::kFail);
  const std::string& detail = Find(r, "decryption")->detail;
  EXPECT_NE(detail.find("not made for this key, or it was altered"), std::string::npos) << detail;
  EXPECT_NE(detail.find("the folder's attestationPublicKey, which the host can write, is SHA256:"), std::string::npos);
}

// Only the auditor's own --attestation-public-key can say that --key is the wrong key.
TEST_F(VerifyTest, KeyAndAttestationPublicKeyOfTheAuditorMustAgree) {
  MakeFolder(true);
  WriteText(tmp_.Sub("contract.pub"), Fixture("keys/contract.pub"));
  options_.attestation_public_key_path = tmp_.Sub("contract.pub");
  const VerifyReport r = Verify(options_);
  EXPECT_NE(r.exit_code(), kVerifyExitVerified) << RenderReportText(r);
  ExpectStatus(r, "input:attestation-public-key", CheckStatus::kError);
}

TEST_F(VerifyTest, ExpiredCertificateFails) {
  MakeFolder(false);
  options_.at = std::time(nullptr) + 400L * 86400;  // the leaf is valid for 365 days
  const VerifyReport r = Verify(options_);
  EXPECT_EQ(r.exit_code(), kVerifyExitFailed);
  ExpectStatus(r, "chain", CheckStatus::kFail);
  EXPECT_NE(Find(r, "chain")->detail.find("expired"), std::string::npos) << Find(r, "chain")->detail;
}

TEST_F(VerifyTest, CertificateNearExpiryIsAWarningNotAFailure) {
  MakeFolder(false);
  options_.at = std::time(nullptr) + 350L * 86400;
  const VerifyReport r = Verify(options_);
  EXPECT_EQ(r.exit_code(), kVerifyExitVerified) << RenderReportText(r);
  ExpectStatus(r, "chain", CheckStatus::kWarning);
  EXPECT_NE(Find(r, "chain")->detail.find("expires in"), std::string::npos);
}

TEST_F(VerifyTest, ChainToAnotherAnchorFails) {
  MakeFolder(false);
  options_.cas = {test::FixturePath("keys/contract.crt")};  // a self-signed certificate, not our root
  const VerifyReport r = Verify(options_);
  EXPECT_EQ(r.exit_code(), kVerifyExitFailed);
  ExpectStatus(r, "chain", CheckStatus::kFail);
  EXPECT_NE(Find(r, "chain")->detail.find("issuer certificate"), std::string::npos) << Find(r, "chain")->detail;
}

TEST_F(VerifyTest, RevokedCertificateFails) {
  MakeFolder(false);
  WriteText(tmp_.Sub("revoked.crl"), CrlRevoking(pki_.intermediate.get(), pki_.intermediate_key.get(), pki_.leaf.get()));
  options_.crls = {tmp_.Sub("revoked.crl")};
  VerifyReport r = Verify(options_);
  EXPECT_EQ(r.exit_code(), kVerifyExitFailed);
  ExpectStatus(r, "chain", CheckStatus::kFail);
  EXPECT_NE(Find(r, "chain")->detail.find("revoked"), std::string::npos) << Find(r, "chain")->detail;

  // A CRL revoking another certificate: passes, and says it was checked.
  WriteText(tmp_.Sub("other.crl"), CrlRevoking(pki_.intermediate.get(), pki_.intermediate_key.get(), pki_.root.get()));
  options_.crls = {tmp_.Sub("other.crl")};
  r = Verify(options_);
  EXPECT_EQ(r.exit_code(), kVerifyExitVerified) << RenderReportText(r);
  EXPECT_NE(Find(r, "chain")->detail.find("not revoked"), std::string::npos);
}

TEST_F(VerifyTest, AttestationKeyMustBeRsa4096) {
  EvpPkeyPtr small = test::TestPrivateKey("rsa2048.key");
  MakeFolder(false);
  X509Ptr leaf = Pki::Issue({"short key", CertProfile::kSigning, 30 + 365}, small.get(), pki_.intermediate.get(),
                            pki_.intermediate_key.get());
  WriteText(tmp_.Sub("attestation.crt"), Pem(leaf.get()));
  WriteText(dir_ + "/se-signature.bin", std::string(AsText(*SignSha256(small.get(), record_))));
  const VerifyReport r = Verify(options_);
  EXPECT_EQ(r.exit_code(), kVerifyExitFailed);
  ExpectStatus(r, "certificate-key", CheckStatus::kFail);
  ExpectStatus(r, "signature", CheckStatus::kPass);
}

TEST_F(VerifyTest, ReferenceMismatchNamesBothSides) {
  MakeFolder(false);
  WriteText(tmp_.Sub("reference.yaml"), "image_version: \"1.0.1\"\ncommit_id: \"abc123\"\nimage_kind: production\n"
                                        "measurements:\n  baseimage: " +
                                            Hex("another base image") + "\n  root.tar.gz: " + Hex(kTarball) +
                                            "\nattestation_public_key_sha256: " + std::string(64, 'a') + "\n");
  const VerifyReport r = Verify(options_);
  EXPECT_EQ(r.exit_code(), kVerifyExitFailed);
  ExpectStatus(r, "reference:attestation-key", CheckStatus::kFail);
  const Check* c = Find(r, "reference:baseimage");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->status, CheckStatus::kFail);
  EXPECT_EQ(c->expected, Hex("another base image"));
  EXPECT_EQ(c->actual, Hex(kBaseimage));
  EXPECT_NE(c->expected_source.find("reference.yaml"), std::string::npos);
  ExpectStatus(r, "reference:image-version", CheckStatus::kFail);
}

// Where the image makes its real root is the build's word, not the record's: shown, unsigned,
// and never what the verdict rests on.
TEST_F(VerifyTest, RealRootFromTheReferenceIsShownNotVerified) {
  MakeFolder(false);
  const std::string reference = ReadText(tmp_.Sub("reference.yaml"));
  const VerifyReport before = Verify(options_);  // a reference sealed before real_root was written
  EXPECT_TRUE(std::none_of(before.checks.begin(), before.checks.end(),
                           [](const Check& c) { return c.id == "reference:real-root"; }));
  WriteText(tmp_.Sub("reference.yaml"), reference + "real_root:\n  kind: luks2-disk\n  disk: PARTLABEL=se-rootfs\n");
  VerifyReport r = Verify(options_);
  EXPECT_EQ(r.exit_code(), kVerifyExitVerified) << RenderReportText(r);
  const Check* c = Find(r, "reference:real-root");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->coverage, Coverage::kUnsigned);
  EXPECT_FALSE(c->required);
  EXPECT_NE(c->detail.find("PARTLABEL=se-rootfs, formatted anew at every boot"), std::string::npos) << c->detail;
  WriteText(tmp_.Sub("reference.yaml"), reference + "real_root:\n  kind: tmpfs\n");
  r = Verify(options_);
  EXPECT_EQ(r.exit_code(), kVerifyExitVerified) << RenderReportText(r);
  ASSERT_NE(Find(r, "reference:real-root"), nullptr);
  EXPECT_NE(Find(r, "reference:real-root")->detail.find("a tmpfs"), std::string::npos);
}

TEST_F(VerifyTest, ExpectationsOfTheAuditor) {
  MakeFolder(true);
  WriteText(tmp_.Sub("contract.yaml"), ReadText(dir_ + "/cidata/user-data"));
  options_.contract_path = tmp_.Sub("contract.yaml");
  options_.attestation_public_key_path = test::FixturePath("keys/rsa2048.pub");
  options_.machine = "3932/02/860A8";
  VerifyReport r = Verify(options_);
  EXPECT_EQ(r.exit_code(), kVerifyExitVerified) << RenderReportText(r);
  ExpectStatus(r, "expected:contract", CheckStatus::kPass);
  ExpectStatus(r, "expected:attestationPublicKey", CheckStatus::kPass);
  ExpectStatus(r, "expected:machine", CheckStatus::kPass);

  WriteText(tmp_.Sub("contract.yaml"), "workload: another\n");
  options_.attestation_public_key_path = test::FixturePath("keys/contract.pub");
  options_.machine = "8561/02/12345";
  r = Verify(options_);
  EXPECT_EQ(r.exit_code(), kVerifyExitFailed);
  ExpectStatus(r, "expected:contract", CheckStatus::kFail);
  ExpectStatus(r, "expected:attestationPublicKey", CheckStatus::kFail);
  ExpectStatus(r, "expected:machine", CheckStatus::kFail);
}

TEST_F(VerifyTest, FolderStructureProblems) {
  MakeFolder(false);
  WriteText(dir_ + "/attestationPublicKey", Fixture("keys/rsa2048.pub"));  // added, not in the record
  VerifyReport r = Verify(options_);
  EXPECT_EQ(r.exit_code(), kVerifyExitFailed);
  ExpectStatus(r, "decryption", CheckStatus::kFail);  // the agent would have encrypted
  ExpectStatus(r, "file:attestationPublicKey", CheckStatus::kFail);

  std::filesystem::remove(dir_ + "/attestationPublicKey");
  std::filesystem::remove(dir_ + "/cidata/vendor-data");
  r = Verify(options_);
  ExpectStatus(r, "file:cidata/vendor-data", CheckStatus::kFail);

  std::filesystem::remove(dir_ + "/se-signature.bin");
  r = Verify(options_);
  ExpectStatus(r, "signature", CheckStatus::kFail);
}

TEST_F(VerifyTest, BothPlainAndEncryptedRecordFail) {
  MakeFolder(true);
  WriteText(dir_ + "/se-checksums.txt", record_);
  const VerifyReport r = Verify(options_);
  EXPECT_EQ(r.exit_code(), kVerifyExitFailed);
  ExpectStatus(r, "record", CheckStatus::kFail);
}

TEST_F(VerifyTest, MissingInputsAreBadInputOrIncomplete) {
  MakeFolder(false);
  options_.cas.clear();
  VerifyReport r = Verify(options_);
  EXPECT_EQ(r.exit_code(), kVerifyExitIncomplete) << RenderReportText(r);
  ExpectStatus(r, "chain", CheckStatus::kNotChecked);

  options_.cas = {tmp_.Sub("no-such-ca.crt")};
  r = Verify(options_);
  EXPECT_EQ(r.exit_code(), kVerifyExitBadInput);
  ExpectStatus(r, "input:ca", CheckStatus::kError);

  std::filesystem::remove(dir_ + "/se-checksums.txt");
  MakeFolder(true);
  options_.cas = {tmp_.Sub("root-ca.crt")};
  options_.key_path.clear();
  r = Verify(options_);
  EXPECT_EQ(r.exit_code(), kVerifyExitIncomplete);
  ExpectStatus(r, "decryption", CheckStatus::kNotChecked);
  ExpectStatus(r, "signature", CheckStatus::kNotChecked);
}

TEST_F(VerifyTest, AFolderThatIsNotThereIsBadInput) {
  options_.folder = tmp_.Sub("no-such-folder");
  const VerifyReport r = Verify(options_);
  EXPECT_EQ(r.exit_code(), kVerifyExitBadInput) << RenderReportText(r);
  ExpectStatus(r, "input:folder", CheckStatus::kError);
}

TEST_F(VerifyTest, OneLineFilesAreComparedWhole) {
  MakeFolder(false);
  WriteText(dir_ + "/se-version", "1.0.0\nanything else\n");
  VerifyReport r = Verify(options_);
  ExpectStatus(r, "file:se-version", CheckStatus::kFail);
  WriteText(dir_ + "/se-version", "1.0.0\n");
  std::filesystem::remove(dir_ + "/se-commit-id");
  r = Verify(options_);
  EXPECT_EQ(r.exit_code(), kVerifyExitFailed);
  ExpectStatus(r, "reference:commit-id", CheckStatus::kFail);
}

TEST_F(VerifyTest, CidataTheAuditorDoesNotExpectFails) {
  MakeFolder(false);
  const std::string expected = tmp_.Sub("expected");
  std::filesystem::create_directories(expected);
  WriteText(expected + "/meta-data", files_[0].second);
  WriteText(expected + "/user-data", files_[1].second);  // no vendor-data: the instance has one
  options_.expect_cidata_dir = expected;
  const VerifyReport r = Verify(options_);
  EXPECT_EQ(r.exit_code(), kVerifyExitFailed);
  ExpectStatus(r, "expected:cidata/meta-data", CheckStatus::kPass);
  ExpectStatus(r, "expected:cidata/vendor-data", CheckStatus::kFail);
}

TEST_F(VerifyTest, FolderFilesMustBeRegularFilesNotLinks) {
  MakeFolder(false);
  WriteText(tmp_.Sub("elsewhere"), files_[2].second);  // the right bytes, through a link
  std::filesystem::remove(dir_ + "/cidata/vendor-data");
  std::filesystem::create_symlink(tmp_.Sub("elsewhere"), dir_ + "/cidata/vendor-data");
  VerifyReport r = Verify(options_);
  ExpectStatus(r, "file:cidata/vendor-data", CheckStatus::kFail);

  // The cidata folder itself a link to a folder with the right files.
  std::filesystem::rename(dir_ + "/cidata", tmp_.Sub("real-cidata"));
  std::filesystem::create_directory_symlink(tmp_.Sub("real-cidata"), dir_ + "/cidata");
  r = Verify(options_);
  ExpectStatus(r, "file:cidata/meta-data", CheckStatus::kFail);
}

TEST_F(VerifyTest, RecordNameAndContentMustAgree) {
  MakeFolder(false);
  std::filesystem::rename(dir_ + "/se-checksums.txt", dir_ + "/se-checksums.txt.enc");
  const VerifyReport r = Verify(options_);
  EXPECT_EQ(r.exit_code(), kVerifyExitFailed);
  ExpectStatus(r, "record", CheckStatus::kFail);
}

// A token given with --record beside a folder is the folder's .enc, byte for byte: another
// instance's record (or a copy with another prefix) would have the folder checked against a
// record that is not its own.
TEST_F(VerifyTest, TokenGivenWithRecordMustBeTheFoldersEnc) {
  MakeFolder(true);
  const std::string enc = ReadText(dir_ + "/se-checksums.txt.enc");
  options_.record_path = tmp_.Sub("copy.enc");
  WriteText(options_.record_path, enc);
  EXPECT_EQ(Verify(options_).exit_code(), kVerifyExitVerified);
  WriteText(options_.record_path, "contract-basic" + enc.substr(enc.find('.')));
  VerifyReport r = Verify(options_);
  ExpectStatus(r, "record", CheckStatus::kFail);
  EXPECT_EQ(r.exit_code(), kVerifyExitFailed);
  WriteText(options_.record_path, enc);
  WriteText(dir_ + "/se-checksums.txt.enc", "garbage");
  ExpectStatus(Verify(options_), "record", CheckStatus::kFail);
}

TEST_F(VerifyTest, DecryptedRecordGivenWithItsFolder) {
  // The auditor decrypted with the sources' script first, then verifies that plaintext.
  MakeFolder(true);
  WriteText(tmp_.Sub("se-checksums.txt"), record_);
  options_.record_path = tmp_.Sub("se-checksums.txt");
  const VerifyReport r = Verify(options_);
  EXPECT_EQ(r.exit_code(), kVerifyExitVerified) << RenderReportText(r);
  ExpectStatus(r, "decryption", CheckStatus::kPass);
  ExpectStatus(r, "record-token-prefix", CheckStatus::kPass);  // the folder's .enc's prefix
  // ... and the folder's .enc with its prefix rewritten fails it, the plaintext notwithstanding.
  const std::string enc = ReadText(dir_ + "/se-checksums.txt.enc");
  WriteText(dir_ + "/se-checksums.txt.enc", "contract-basic" + enc.substr(enc.find('.')));
  ExpectStatus(Verify(options_), "record-token-prefix", CheckStatus::kFail);
  WriteText(dir_ + "/se-checksums.txt.enc", enc);
  // A --record that is not the plaintext of the folder's .enc fails.
  WriteText(tmp_.Sub("se-checksums.txt"), record_ + "0000000000000000000000000000000000000000000000000000000000000000 x\n");
  ExpectStatus(Verify(options_), "decryption", CheckStatus::kFail);
}

TEST_F(VerifyTest, TokensInTheContractMakeUserDataDecryptedAWarning) {
  MakeFolder(false);
  const std::string token = *EncryptToken(test::TestPublicKey("contract.pub").get(), "type: workload\n", TokenPrefix::kHyperProtectBasic);
  WriteText(dir_ + "/cidata/user-data", "workload: " + token + "\nenv: |\n  type: env\n");
  WriteText(dir_ + "/user-data.decrypted", "workload: |\n  type: workload\nenv: |\n  type: env\n");
  // The record must list the new user-data: sign a record for it.
  files_[1].second = ReadText(dir_ + "/cidata/user-data");
  std::vector<RecordEntry> entries = LintRecord(record_).record.entries;
  for (RecordEntry& e : entries) {
    if (e.name == kNameUserData) e.digest = Sha256Of(files_[1].second);
  }
  record_ = *RenderRecord(MakeRecord("1.0.0", "3932/02/860A8", entries));
  WriteText(dir_ + "/se-checksums.txt", record_);
  WriteText(dir_ + "/se-signature.bin", std::string(AsText(*SignSha256(pki_.leaf_key.get(), record_))));
  VerifyReport r = Verify(options_);
  EXPECT_EQ(r.exit_code(), kVerifyExitVerified) << RenderReportText(r);
  ExpectStatus(r, "file:user-data.decrypted", CheckStatus::kWarning);

  WriteText(dir_ + "/user-data.decrypted", "workload: |\n  type: workload\nenv: |\n  type: another env\n");
  r = Verify(options_);
  ExpectStatus(r, "file:user-data.decrypted", CheckStatus::kFail);
}

TEST(VerifyReportTest, FolderTextCannotDriveTheTerminalOrBreakJson) {
  VerifyReport r;
  r.subject = "folder";
  Check c;
  c.id = "record-syntax";
  c.status = CheckStatus::kFail;
  c.detail = "version '\x1b[8m' and \xff\xfe bytes";
  r.Add(c);
  const std::string text = RenderReportText(r);
  EXPECT_EQ(text.find('\x1b'), std::string::npos) << text;
  EXPECT_NE(text.find("\\x1b[8m"), std::string::npos) << text;
  EXPECT_NE(text.find("\\xff\\xfe"), std::string::npos) << text;
  const std::string json = RenderReportJson(r);
  EXPECT_NE(json.find("\\u001b[8m"), std::string::npos) << json;
  EXPECT_NE(json.find("\\ufffd\\ufffd"), std::string::npos) << json;
  EXPECT_EQ(JsonString("caf\xc3\xa9"), "\"caf\xc3\xa9\"");  // valid UTF-8 stays as it is
}

// The real HPCR 23.3.0 folder: no IBM certificate in interop/, so the verdict is incomplete.
TEST(VerifyInteropTest, Hpcr2330FolderDecryptsAndEveryFileLinePasses) {
  VerifyOptions o;
  o.folder = SharedPath("interop/hpcr-23.3.0");
  o.key_path = SharedPath("interop/hpcr-23.3.0.attestation-private.pem");
  o.at = std::time(nullptr);
  const VerifyReport r = Verify(o);
  EXPECT_EQ(r.exit_code(), kVerifyExitIncomplete) << RenderReportText(r);
  int files = 0;
  for (const Check& c : r.checks) {
    if (c.id == "decryption" || c.id == "record-syntax") {
      EXPECT_EQ(c.status, CheckStatus::kPass) << c.id;
    }
    if (c.id.rfind("file:", 0) == 0) {
      ++files;
      EXPECT_EQ(c.status, CheckStatus::kPass) << c.id << ": " << c.detail;
    }
    if (c.id == "signature") {
      EXPECT_EQ(c.detail, "no certificate (--cert)");
    }
  }
  EXPECT_EQ(files, 6);  // cidata x3, attestationPublicKey, user-data.decrypted, se-version
}

// The signed 25.11.0 record (an hpcr-2026 record: it has an Image age line and contract:* lines):
// its signature verifies, and every line is shown by name, the 25.x ones nobody can check too.
// Its contract:attestationPublicKey line says it was made to be encrypted for a key: a plaintext
// of it proves nothing to an auditor who cannot show that key is theirs, so key-binding is the
// one required check left unmade (INCOMPLETE), as for an hpcr-2023 record with an
// attestationPublicKey line.
TEST(VerifyInteropTest, SignedExampleSignaturePasses) {
  VerifyOptions o;
  o.record_path = SharedPath("interop/signed-example/se-checksums.txt");
  o.signature_path = SharedPath("interop/signed-example/se-signature.bin");
  o.certs = {SharedPath("interop/signed-example/attestation.crt")};
  o.cas = o.certs;  // self-signed
  o.at = std::time(nullptr);
  const VerifyReport r = Verify(o);
  EXPECT_EQ(r.exit_code(), kVerifyExitIncomplete) << RenderReportText(r);
  for (const Check& c : r.checks) {
    if (c.id == "record-syntax") {
      EXPECT_NE(c.detail.find("no final newline"), std::string::npos);
      EXPECT_NE(c.detail.find("names outside the SPEC: AP(1):secret, uv_firmware.state"), std::string::npos) << c.detail;
    }
    if (c.id == "signature" || c.id == "chain" || c.id == "certificate-key" || c.id == "record-profile" ||
        c.id == "header") {
      EXPECT_EQ(c.status, CheckStatus::kPass) << c.id << ": " << c.detail;
    }
    // Nothing fails, and the one required check not made is the key binding.
    EXPECT_NE(c.status, CheckStatus::kFail) << c.id;
    if (c.required && c.status != CheckStatus::kPass) {
      EXPECT_EQ(c.id, "key-binding") << RenderReportText(r);
    }
  }
  // Every line, by name: each header line after the version and each hash line is the title of
  // a check (or, for the Image age, the header check's detail).
  const std::string text = ReadText(SharedPath("interop/signed-example/se-checksums.txt"));
  const RecordLint lint = LintRecord(text);
  ASSERT_TRUE(lint.problems.empty());
  auto titled = [&](const std::string& what) {
    return std::any_of(r.checks.begin(), r.checks.end(), [&](const Check& c) { return c.title == what; });
  };
  for (std::size_t i = 2; i < lint.record.header.size(); ++i) {
    const std::string& line = lint.record.header[i];
    if (line.rfind("Image age:", 0) == 0) continue;
    EXPECT_TRUE(titled(line)) << "header line '" << line << "' not shown\n" << RenderReportText(r);
  }
  for (const RecordEntry& e : lint.record.entries) {
    EXPECT_TRUE(titled(e.name)) << "line '" << e.name << "' not shown\n" << RenderReportText(r);
  }
  for (const char* id : {"header:Ultravisor CUID", "header:Host HKD", "header:HKD is valid until",
                         "header:AP device present", "header:Number of configured APs", "line:uv_firmware.state",
                         "line:AP(1):secret", "line:contract:workload"}) {
    const auto c = std::find_if(r.checks.begin(), r.checks.end(), [&](const Check& x) { return x.id == id; });
    ASSERT_NE(c, r.checks.end()) << id << "\n" << RenderReportText(r);
    EXPECT_EQ(c->status, CheckStatus::kNotChecked) << id;
    EXPECT_FALSE(c->required) << id;
    EXPECT_FALSE(c->detail.empty()) << id;
  }
  // With the key it was made for named, it would be VERIFIED: nothing else is missing.
}

// IBM's 26.7.1 example record (no signature, no folder): read as hpcr-2026, every line shown.
TEST(VerifyInteropTest, Hpcr2671ExampleRecordShowsEveryLine) {
  VerifyOptions o;
  o.record_path = SharedPath("interop/hpcr-26.7.1-record-example.txt");
  o.at = std::time(nullptr);
  const VerifyReport r = Verify(o);
  EXPECT_EQ(r.exit_code(), kVerifyExitIncomplete) << RenderReportText(r);
  const std::string text = ReadText(o.record_path);
  const RecordLint lint = LintRecord(text);
  for (const Check& c : r.checks) {
    EXPECT_NE(c.status, CheckStatus::kFail) << c.id << ": " << c.detail;
    if (c.id == "header") {
      EXPECT_EQ(c.status, CheckStatus::kPass);
      EXPECT_NE(c.detail.find("Encryption Certificate valid until 2027-07-06T06:44:41Z"), std::string::npos) << c.detail;
      EXPECT_NE(c.detail.find("Attestation Certificate valid until 2027-07-06T12:28:59Z"), std::string::npos) << c.detail;
      EXPECT_NE(c.detail.find("image age 10 days"), std::string::npos) << c.detail;
    }
  }
  for (const RecordEntry& e : lint.record.entries) {
    EXPECT_TRUE(std::any_of(r.checks.begin(), r.checks.end(), [&](const Check& c) { return c.title == e.name; }))
        << e.name << "\n" << RenderReportText(r);
  }
}

TEST(VerifyReportTest, JsonEscapesAndCounts) {
  VerifyReport r;
  r.subject = "dir\n\"x\"";
  Check pass;
  pass.id = "a";
  pass.status = CheckStatus::kPass;
  pass.required = true;
  r.Add(pass);
  Check fail;
  fail.id = "b";
  fail.status = CheckStatus::kFail;
  fail.detail = std::string("tab\there \x01");
  r.Add(fail);
  const std::string json = RenderReportJson(r);
  EXPECT_NE(json.find("\"subject\": \"dir\\n\\\"x\\\"\""), std::string::npos) << json;
  EXPECT_NE(json.find("tab\\there \\u0001"), std::string::npos) << json;
  EXPECT_NE(json.find("\"verdict\": \"failed\""), std::string::npos);
  EXPECT_NE(json.find("\"exit_code\": 1"), std::string::npos);
  EXPECT_NE(json.find("\"pass\": 1, \"fail\": 1"), std::string::npos);
}

TEST(VerifyReportTest, VerdictOrder) {
  VerifyReport r;
  EXPECT_EQ(r.verdict(), Verdict::kIncomplete);  // nothing checked is not verified
  Check c;
  c.required = true;
  c.status = CheckStatus::kNotChecked;
  r.Add(c);
  EXPECT_EQ(r.exit_code(), kVerifyExitIncomplete);
  c.status = CheckStatus::kError;
  r.Add(c);
  EXPECT_EQ(r.exit_code(), kVerifyExitBadInput);
  c.status = CheckStatus::kFail;
  r.Add(c);
  EXPECT_EQ(r.exit_code(), kVerifyExitFailed);
}

// --- issue 12: the verdict against a hostile host ------------------------------------------------

// The host swapped attestationPublicKey in the contract for its own key (contract.pub here), read
// the record the instance encrypted for it, and encrypted it again for the auditor.
TEST_F(VerifyTest, RecordMadeForAnotherKeyFailsKeyBindingNamingBothKeys) {
  recipient_ = "contract.pub";
  MakeFolder(true);
  const std::string token = *EncryptToken(test::TestPublicKey("rsa2048.pub").get(), record_, TokenPrefix::kHyperProtectBasic);
  WriteText(dir_ + "/se-checksums.txt.enc", token);
  options_.key_path = tmp_.Sub("auditor.key");
  const VerifyReport r = Verify(options_);
  EXPECT_EQ(r.exit_code(), kVerifyExitFailed) << RenderReportText(r);
  ExpectStatus(r, "decryption", CheckStatus::kPass);
  ExpectStatus(r, "key-binding", CheckStatus::kFail);
  const Check* c = Find(r, "key-binding");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->expected, "SHA256:" + ToHex(*PublicKeyFingerprint(test::TestPublicKey("rsa2048.pub").get())));
  EXPECT_EQ(c->actual, "SHA256:" + ToHex(*PublicKeyFingerprint(test::TestPublicKey("contract.pub").get())));
  EXPECT_EQ(c->coverage, Coverage::kSigned);
}

// The folder's attestationPublicKey file put back to the auditor's key: the record line (signed)
// still names the host's key.
TEST_F(VerifyTest, KeyFileSwappedBackDoesNotHideTheRecordLine) {
  recipient_ = "contract.pub";
  MakeFolder(true);
  WriteText(dir_ + "/se-checksums.txt.enc", *EncryptToken(test::TestPublicKey("rsa2048.pub").get(), record_, TokenPrefix::kHyperProtectBasic));
  WriteText(dir_ + "/attestationPublicKey", Fixture("keys/rsa2048.pub"));
  options_.key_path = tmp_.Sub("auditor.key");
  const VerifyReport r = Verify(options_);
  EXPECT_EQ(r.exit_code(), kVerifyExitFailed);
  ExpectStatus(r, "key-binding", CheckStatus::kFail);
  ExpectStatus(r, "file:attestationPublicKey", CheckStatus::kFail);
}

// Two keys in one attestationPublicKey (the auditor's first): OpenSSL reads the first, another
// runtime may have encrypted for the second.
TEST_F(VerifyTest, KeyBindingTakesOneKeyAndNothingElse) {
  recipient_ = "rsa2048.pub";
  MakeFolder(true);
  const std::string two = Fixture("keys/rsa2048.pub") + Fixture("keys/contract.pub");
  WriteText(dir_ + "/attestationPublicKey", two);
  std::string record = record_;
  const std::string old_line = ToHex(Sha256Of(Fixture("keys/rsa2048.pub"))) + " attestationPublicKey";
  record.replace(record.find(old_line), old_line.size(), ToHex(Sha256Of(two)) + " attestationPublicKey");
  WriteText(dir_ + "/se-checksums.txt.enc", *EncryptToken(test::TestPublicKey("rsa2048.pub").get(), record, TokenPrefix::kHyperProtectBasic));
  WriteText(dir_ + "/se-signature.bin", std::string(AsText(*SignSha256(pki_.leaf_key.get(), record))));
  const VerifyReport r = Verify(options_);
  EXPECT_EQ(r.exit_code(), kVerifyExitFailed) << RenderReportText(r);
  ExpectStatus(r, "signature", CheckStatus::kPass);
  ExpectStatus(r, "key-binding", CheckStatus::kFail);
  EXPECT_NE(Find(r, "key-binding")->detail.find("2 PEM blocks, expected one public key"), std::string::npos);
}

// With --key, a record without an attestationPublicKey line was not made for any key.
TEST_F(VerifyTest, KeyBindingNeedsTheRecordLine) {
  MakeFolder(false);
  const std::string token = *EncryptToken(test::TestPublicKey("rsa2048.pub").get(), record_, TokenPrefix::kHyperProtectBasic);
  std::filesystem::remove(dir_ + "/se-checksums.txt");
  WriteText(dir_ + "/se-checksums.txt.enc", token);
  options_.key_path = tmp_.Sub("auditor.key");
  const VerifyReport r = Verify(options_);
  EXPECT_EQ(r.exit_code(), kVerifyExitFailed);
  ExpectStatus(r, "key-binding", CheckStatus::kFail);
}

// Downgrade: --key given, the folder holds a plain record (the host deleted attestationPublicKey).
TEST_F(VerifyTest, PlainRecordFailsWhenKeyIsGiven) {
  MakeFolder(false);
  options_.key_path = tmp_.Sub("auditor.key");
  const VerifyReport r = Verify(options_);
  EXPECT_EQ(r.exit_code(), kVerifyExitFailed) << RenderReportText(r);
  ExpectStatus(r, "decryption", CheckStatus::kFail);
  EXPECT_NE(Find(r, "decryption")->detail.find("the record is not encrypted"), std::string::npos);
}

TEST_F(VerifyTest, ReferenceWithUnknownOrRepeatedKeysIsBadInput) {
  MakeFolder(false);
  const std::string good = ReadText(tmp_.Sub("reference.yaml"));
  struct Case {
    std::string text, needle;
  };
  const std::string fp = ToHex(*PublicKeyFingerprint(pki_.leaf_key.get()));
  for (const Case& bad : {
           Case{good + "attestation_public_key_sha265: " + fp + "\n", "attestation_public_key_sha265: unknown key (line 8)"},
           Case{good + "image_version: \"1.0.0\"\n", "image_version: given twice (line 8)"},
           Case{"measurements:\n  baseimage: " + Hex(kBaseimage) + "\n  root.tar.gz: " + Hex(kTarball) +
                    "\n  rootfs: " + Hex(kTarball) + "\nimage_version: \"1.0.0\"\ncommit_id: c\nimage_kind: production\n",
                "measurements.rootfs: unknown key (line 4)"},
           Case{"image_version: \"1.0.0\"\ncommit_id: c\nmeasurements:\n  baseimage: " + Hex(kBaseimage) + "\n",
                "image_kind: missing"},
       }) {
    WriteText(tmp_.Sub("reference.yaml"), bad.text);
    const VerifyReport r = Verify(options_);
    EXPECT_EQ(r.exit_code(), kVerifyExitBadInput) << RenderReportText(r);
    const Check* c = Find(r, "input:reference");
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(c->status, CheckStatus::kError);
    EXPECT_NE(c->detail.find(tmp_.Sub("reference.yaml")), std::string::npos) << c->detail;
    EXPECT_NE(c->detail.find(bad.needle), std::string::npos) << c->detail;
  }
}

// se-commit-id is not in the record: shown as such, a mismatch fails, a match never carries the
// verdict, and a missing one does not make it incomplete.
TEST_F(VerifyTest, UnsignedCommitIdIsShownAsSuchAndNeverCarriesTheVerdict) {
  MakeFolder(false);
  VerifyReport r = Verify(options_);
  ASSERT_EQ(r.exit_code(), kVerifyExitVerified) << RenderReportText(r);
  const Check* c = Find(r, "reference:commit-id");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->coverage, Coverage::kUnsigned);
  EXPECT_FALSE(c->required);
  EXPECT_NE(RenderReportText(r).find("UNSIGNED  reference commit id (se-commit-id) (not covered by the signature)"),
            std::string::npos);
  EXPECT_NE(RenderReportJson(r).find("\"covered_by_signature\": false"), std::string::npos);
  // A required check that is not covered by the signature cannot make the verdict.
  VerifyReport only_unsigned;
  only_unsigned.Add({.id = "x", .status = CheckStatus::kNotChecked, .required = true, .coverage = Coverage::kUnsigned});
  only_unsigned.Add({.id = "y", .status = CheckStatus::kPass, .required = true, .coverage = Coverage::kSigned});
  EXPECT_EQ(only_unsigned.verdict(), Verdict::kVerified);
  only_unsigned.checks.front().status = CheckStatus::kFail;
  EXPECT_EQ(only_unsigned.verdict(), Verdict::kFailed);
}

TEST_F(VerifyTest, UserDataDecryptedIsComparedStrictly) {
  const std::string user_data = "workload: |\n  type: workload\nenv:\n  port: \"8080\"\n  debug: \"false\"\n";
  struct Case {
    std::string name, decrypted;
  };
  for (const Case& bad : {
           Case{"second document", user_data + "---\nfoo: bar\n"},
           Case{"quoting rewritten", "workload: |\n  type: workload\nenv:\n  port: 8080\n  debug: \"false\"\n"},
           Case{"a bool", "workload: |\n  type: workload\nenv:\n  port: \"8080\"\n  debug: false\n"},
           Case{"extra section", user_data + "attestationPublicKey: x\n"},
           Case{"section dropped", "workload: |\n  type: workload\n"},
           Case{"sections swapped", "env:\n  port: \"8080\"\n  debug: \"false\"\nworkload: |\n  type: workload\n"},
           Case{"value changed", "workload: |\n  type: workload\nenv:\n  port: \"8081\"\n  debug: \"false\"\n"},
           Case{"repeated section", user_data + "env: {}\n"},
           Case{"not YAML", "workload: [\n"},
       }) {
    MakeFolder(false);
    files_.clear();
    WriteText(dir_ + "/cidata/user-data", user_data);
    // Re-sign the record over the new user-data: only user-data.decrypted is at fault.
    record_ = *RenderRecord(MakeRecord("1.0.0", "3932/02/860A8",
                                       {Entry(kNameBaseimage, kBaseimage), Entry(kNameRootTarball, kTarball),
                                        Entry(kNameCidataDevice, "the cidata device"),
                                        Entry(kNameMetaData, "instance-id: i-1\n"), Entry(kNameUserData, user_data),
                                        Entry(kNameVendorData, "#cloud-config\n{}\n")}));
    WriteText(dir_ + "/se-checksums.txt", record_);
    WriteText(dir_ + "/se-signature.bin", std::string(AsText(*SignSha256(pki_.leaf_key.get(), record_))));
    WriteText(dir_ + "/user-data.decrypted", user_data);
    ASSERT_EQ(Verify(options_).exit_code(), kVerifyExitVerified) << bad.name << "\n" << RenderReportText(Verify(options_));
    WriteText(dir_ + "/user-data.decrypted", bad.decrypted);
    const VerifyReport r = Verify(options_);
    EXPECT_EQ(r.exit_code(), kVerifyExitFailed) << bad.name << "\n" << RenderReportText(r);
    ExpectStatus(r, "file:user-data.decrypted", CheckStatus::kFail);
  }
}

// Every file of the folder is refused above what the agent could have written, before parsing.
TEST_F(VerifyTest, FolderFilesOverTheirCapAreRefusedBeforeParsing) {
  for (const std::string name : {"se-version", "cidata/user-data", "user-data.decrypted", "attestationPublicKey",
                                 "se-signature.bin"}) {
    MakeFolder(true);
    std::string big(name == "se-signature.bin" ? 8192 : 40u << 20, 'a');
    WriteText(dir_ + "/" + name, big);
    const VerifyReport r = Verify(options_);
    EXPECT_EQ(r.exit_code(), kVerifyExitFailed) << name << "\n" << RenderReportText(r);
    EXPECT_NE(RenderReportText(r).find("more than the limit of"), std::string::npos) << name << "\n" << RenderReportText(r);
  }
}

// A flow list of 7 MiB as cidata/user-data: the node limit stops the parser, before a tree is
// built; user-data.decrypted larger than the agent writes for its cidata/user-data is refused
// before it is parsed.
TEST_F(VerifyTest, HugeYamlStopsAtTheNodeLimitAndUserDataDecryptedAtItsCap) {
  MakeFolder(false);
  std::string list = "[";
  while (list.size() < (7u << 20)) list += "1,";
  list += "1]\n";
  WriteText(dir_ + "/cidata/user-data", list);
  VerifyReport r = Verify(options_);
  EXPECT_EQ(r.exit_code(), kVerifyExitFailed);
  ExpectStatus(r, "file:user-data.decrypted", CheckStatus::kFail);
  EXPECT_NE(Find(r, "file:user-data.decrypted")->detail.find("more than 100000 YAML nodes"), std::string::npos)
      << Find(r, "file:user-data.decrypted")->detail;

  MakeFolder(false);
  const std::size_t user_data = ReadText(dir_ + "/cidata/user-data").size();
  WriteText(dir_ + "/user-data.decrypted", "# padding\n" + std::string(2 * user_data + (64u << 10), '#') + "\n");
  r = Verify(options_);
  ExpectStatus(r, "file:user-data.decrypted", CheckStatus::kFail);
  EXPECT_NE(Find(r, "file:user-data.decrypted")->detail.find("more than the agent writes"), std::string::npos);
}

// A folder whose user-data.decrypted was deleted has lost something.
TEST_F(VerifyTest, MissingUserDataDecryptedFails) {
  MakeFolder(false);
  std::filesystem::remove(dir_ + "/user-data.decrypted");
  ExpectStatus(Verify(options_), "file:user-data.decrypted", CheckStatus::kFail);
}

// A plaintext record that names an attestationPublicKey proves nothing without the auditor's key:
// the host that swapped the key holds such a plaintext. With the folder's .enc beside it, --record
// needs --key to be checked against it.
TEST_F(VerifyTest, PlaintextOfAnEncryptedRecordNeedsTheAuditorsKey) {
  MakeFolder(true);
  WriteText(tmp_.Sub("stolen.txt"), record_);
  options_.record_path = tmp_.Sub("stolen.txt");
  options_.key_path.clear();
  VerifyReport r = Verify(options_);
  EXPECT_EQ(r.exit_code(), kVerifyExitIncomplete) << RenderReportText(r);
  ExpectStatus(r, "decryption", CheckStatus::kNotChecked);
  ExpectStatus(r, "key-binding", CheckStatus::kNotChecked);
  // No folder at all: the record line still asks for the auditor's key.
  options_.folder.clear();
  options_.signature_path = dir_ + "/se-signature.bin";
  r = Verify(options_);
  EXPECT_EQ(r.exit_code(), kVerifyExitIncomplete) << RenderReportText(r);
  ExpectStatus(r, "key-binding", CheckStatus::kNotChecked);
  // With the auditor's own attestationPublicKey, the record line is compared with it.
  WriteText(tmp_.Sub("auditor.pub"), Fixture("keys/rsa2048.pub"));
  options_.attestation_public_key_path = tmp_.Sub("auditor.pub");
  r = Verify(options_);
  EXPECT_EQ(r.exit_code(), kVerifyExitVerified) << RenderReportText(r);
  ExpectStatus(r, "expected:attestationPublicKey", CheckStatus::kPass);
}

TEST_F(VerifyTest, DevelopmentRecordFailsUnlessAllowedAndMatchesTheReference) {
  development_ = true;
  MakeFolder(false);
  VerifyReport r = Verify(options_);
  EXPECT_EQ(r.exit_code(), kVerifyExitFailed) << RenderReportText(r);
  ExpectStatus(r, "image-kind", CheckStatus::kFail);
  // Allowed, but the reference says production.
  options_.allow_development = true;
  r = Verify(options_);
  EXPECT_EQ(r.exit_code(), kVerifyExitFailed) << RenderReportText(r);
  ExpectStatus(r, "image-kind", CheckStatus::kWarning);
  ExpectStatus(r, "reference:image-kind", CheckStatus::kFail);
  // Allowed, and a development reference.
  std::string ref = ReadText(tmp_.Sub("reference.yaml"));
  ref.replace(ref.find("image_kind: production"), 22, "image_kind: development");
  WriteText(tmp_.Sub("reference.yaml"), ref);
  r = Verify(options_);
  EXPECT_EQ(r.exit_code(), kVerifyExitVerified) << RenderReportText(r);
  // A production record against a development reference fails too.
  development_ = false;
  MakeFolder(false);
  ExpectStatus(Verify(options_), "reference:image-kind", CheckStatus::kFail);
}

// One code point as UTF-8. The bidirectional controls are made at run time: a literal holding
// them is what clang-tidy's misc-misleading-bidirectional exists to refuse.
std::string Utf8(std::uint32_t cp) {
  if (cp < 0x80) return std::string(1, static_cast<char>(cp));
  if (cp < 0x800) return {static_cast<char>(0xc0 | (cp >> 6)), static_cast<char>(0x80 | (cp & 0x3f))};
  return {static_cast<char>(0xe0 | (cp >> 12)), static_cast<char>(0x80 | ((cp >> 6) & 0x3f)),
          static_cast<char>(0x80 | (cp & 0x3f))};
}

TEST(VerifyReportTest, TerminalControlsAreEscapedInTextAndJson) {
  VerifyReport r;
  r.subject = "folder\x1b[2J";
  // U+009B (CSI), U+202E (right-to-left override), U+2066 (left-to-right isolate), U+0085 (NEL).
  r.Add({.id = "file:se-version", .title = "se-version", .status = CheckStatus::kFail,
         .detail = "v" + Utf8(0x9b) + "1m " + Utf8(0x202e) + "txt.exe " + Utf8(0x2066) + "x" + Utf8(0x85) + "y \x7f",
         .expected = Utf8(0x202d), .actual = Utf8(0x2069)});
  const std::string text = RenderReportText(r);
  for (const std::string& raw : {std::string("\x1b"), Utf8(0x9b), Utf8(0x202e), Utf8(0x2066), Utf8(0x85),
                                 std::string("\x7f"), Utf8(0x202d), Utf8(0x2069)}) {
    EXPECT_EQ(text.find(raw), std::string::npos) << text;
  }
  EXPECT_NE(text.find("folder\\x1b[2J"), std::string::npos) << text;
  EXPECT_NE(text.find("v\\u{009b}1m \\u{202e}txt.exe \\u{2066}x\\u{0085}y \\x7f"), std::string::npos) << text;
  const std::string json = RenderReportJson(r);
  for (const std::string& raw : {std::string("\x1b"), Utf8(0x9b), Utf8(0x202e), Utf8(0x2066), Utf8(0x85),
                                 std::string("\x7f")}) {
    EXPECT_EQ(json.find(raw), std::string::npos) << json;
  }
  EXPECT_NE(json.find("v\\u009b1m \\u202etxt.exe \\u2066x\\u0085y \\u007f"), std::string::npos) << json;
  // Ordinary non-ASCII text stays as it is.
  EXPECT_EQ(Printable("Zürich 東京"), "Zürich 東京");
}

// A field of megabytes from the folder is cut, at a character boundary, and says how long it was.
TEST(VerifyReportTest, LongFieldsAreCut) {
  VerifyReport r;
  std::string key;
  const std::string rlo = Utf8(0x202e);
  for (int i = 0; i < 2000000; ++i) key += rlo;
  r.Add({.id = "file:user-data.decrypted", .title = "t", .status = CheckStatus::kFail, .detail = key});
  const std::string text = RenderReportText(r), json = RenderReportJson(r);
  EXPECT_LT(text.size(), 4096u);
  EXPECT_LT(json.size(), 4096u);
  EXPECT_NE(text.find("... (6000000 bytes)"), std::string::npos);
  EXPECT_NE(json.find("\\u202e... (6000000 bytes)"), std::string::npos);
}

// --- issue 16: hpcr-2026 records -------------------------------------------------------------------

// A folder as the agent writes it with record profile hpcr-2026: the header lines, certificate_
// expiry_date.json, sbom, contract:* lines computed from user-data.decrypted (whose workload was a
// token in the contract), and reference.yaml as `seal --record-profile hpcr-2026` writes it.
class Verify2026Test : public VerifyTest {
 protected:
  void SetUp() override {
    VerifyTest::SetUp();
    auto certs = CertificatesFromPem(Fixture("keys/contract.crt"), "contract.crt");
    ASSERT_TRUE(certs.ok() && certs->size() == 1);
    encryption_ = *CertificateValidityOf(certs->front().get());
    attestation_ = *CertificateValidityOf(pki_.leaf.get());
    WriteText(tmp_.Sub("contract.crt"), Fixture("keys/contract.crt"));
    options_.contract_cert_path = tmp_.Sub("contract.crt");
    build_time_ = options_.at - 20L * 86400 - 3600;  // 20 whole days before --at
    WriteReference();
  }

  void WriteReference(RecordProfile profile = RecordProfile::kHpcr2026) {
    auto cert = [](const CertificateValidity& v) {
      return "{subject: \"" + v.subject + "\", sha256: " + ToHex(v.sha256) + ", not_after: \"" +
             FormatIso8601(v.not_after) + "\"}";
    };
    std::string ref = "image_version: \"1.0.0\"\ncommit_id: \"abc123\"\nimage_kind: production\nmeasurements:\n"
                      "  baseimage: " + Hex(kBaseimage) + "\n  root.tar.gz: " + Hex(kTarball) + "\n";
    if (profile == RecordProfile::kHpcr2026 && sbom_) ref += "  sbom: " + Hex(kSbom) + "\n";
    ref += "attestation_public_key_sha256: " + ToHex(*PublicKeyFingerprint(pki_.leaf_key.get())) + "\n";
    if (profile == RecordProfile::kHpcr2026) {
      ref += "record_profile: hpcr-2026\nbuild_time: \"" + FormatIso8601(build_time_) + "\"\ncertificates:\n" +
             "  encryption: " + cert(encryption_) + "\n  attestation: " + cert(attestation_) + "\n";
    }
    WriteText(tmp_.Sub("reference.yaml"), ref);
  }

  void MakeFolder2026(bool encrypted) {
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_ + "/cidata");
    const std::string token = *EncryptToken(test::TestPublicKey("contract.pub").get(), "type: workload\n", TokenPrefix::kHyperProtectBasic);
    const std::string key = encrypted ? "attestationPublicKey: |\n" + Indent(Fixture("keys/" + recipient_)) : "";
    user_data_ = "workload: " + token + "\n" + kPlainSections + key;
    decrypted_ = "workload: |\n  type: workload\n" + std::string(kPlainSections) + key;
    auto sections = MeasureContractSections(decrypted_);
    ASSERT_TRUE(sections.ok()) << sections.error().message;
    const std::string expiry = RenderCertificateExpiryJson({encryption_, attestation_});
    files_ = {{"cidata/meta-data", "instance-id: i-1\n"},
              {"cidata/user-data", user_data_},
              {"cidata/vendor-data", "#cloud-config\n{}\n"},
              {"user-data.decrypted", decrypted_},
              {"certificate_expiry_date.json", expiry},
              {"se-version", "1.0.0\n"},
              {"se-commit-id", "abc123\n"}};
    RecordContent content;
    content.profile = RecordProfile::kHpcr2026;
    content.version = "1.0.0";
    content.machine = "3932/02/860A8";
    content.image_age_days = image_age_days_;
    content.encryption_not_after = encryption_.not_after;
    content.attestation_not_after = attestation_.not_after;
    content.entries = {Entry(kNameCertificateExpiry, expiry), Entry(kNameBaseimage, kBaseimage),
                       Entry(kNameRootTarball, kTarball), Entry(kNameCidataDevice, "the cidata device"),
                       Entry(kNameMetaData, files_[0].second), Entry(kNameUserData, user_data_),
                       Entry(kNameVendorData, files_[2].second)};
    if (sbom_) {
      files_.emplace_back("sbom", std::string(kSbom));
      content.entries.push_back(Entry(kNameSbom, kSbom));
    }
    for (const MeasuredSection& s : *sections) {
      content.entries.push_back(Entry(s.line, s.text));
      // The agent writes the effective PEM as the folder's attestationPublicKey.
      if (s.key == "attestationPublicKey") files_.emplace_back("attestationPublicKey", s.text);
    }
    record_ = *RenderRecord(*MakeProfileRecord(content));
    if (edit_record_) edit_record_(record_);
    for (const auto& [name, text] : files_) WriteText(dir_ + "/" + name, text);
    Sign(encrypted);
  }

  // Signs record_ (as it is now) and writes it into the folder, encrypted for the auditor or not.
  void Sign(bool encrypted) {
    std::filesystem::remove(dir_ + "/se-checksums.txt");
    std::filesystem::remove(dir_ + "/se-checksums.txt.enc");
    WriteText(dir_ + "/se-signature.bin", std::string(AsText(*SignSha256(pki_.leaf_key.get(), record_))));
    if (encrypted) {
      WriteText(dir_ + "/se-checksums.txt.enc", *EncryptToken(test::TestPublicKey("rsa2048.pub").get(), record_, TokenPrefix::kHyperProtectBasic));
      options_.key_path = tmp_.Sub("auditor.key");
    } else {
      WriteText(dir_ + "/se-checksums.txt", record_);
    }
  }

  // The record with `from` replaced by `to` (the first occurrence), signed again.
  void ReplaceInRecord(bool encrypted, const std::string& from, const std::string& to) {
    const std::size_t at = record_.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    record_.replace(at, from.size(), to);
    Sign(encrypted);
  }

  void ExpectNoWarningOrFailure(const VerifyReport& r) {
    for (const Check& c : r.checks) {
      EXPECT_TRUE(c.status == CheckStatus::kPass || c.status == CheckStatus::kNotChecked)
          << c.id << ": " << c.detail << "\n" << RenderReportText(r);
    }
  }

  static constexpr std::string_view kSbom = "{\"spdxVersion\": \"SPDX-2.3\"}\n";
  static constexpr const char* kPlainSections = "env:\n  type: env\n  port: \"8080\"\nenvWorkloadSignature: c2lnbmF0dXJl\n";
  CertificateValidity encryption_, attestation_;
  UnixTime build_time_ = 0;
  std::int64_t image_age_days_ = 10;
  bool sbom_ = true;
  std::function<void(std::string&)> edit_record_;
  std::string user_data_, decrypted_;
};

TEST_F(Verify2026Test, GoodFolderVerifies) {
  for (const bool encrypted : {false, true}) {
    MakeFolder2026(encrypted);
    const VerifyReport r = Verify(options_);
    EXPECT_EQ(r.exit_code(), kVerifyExitVerified) << RenderReportText(r);
    ExpectNoWarningOrFailure(r);
    for (const char* id : {"record-profile", "header", "image-age", "file:cidata/user-data",
                           "file:certificate_expiry_date.json", "file:sbom", "file:user-data.decrypted",
                           "contract:workload", "contract:env", "contract:envWorkloadSignature", "certificate-expiry",
                           "certificate-expiry:attestation", "certificate-expiry:encryption", "reference:record-profile",
                           "reference:certificates", "reference:sbom", "reference:baseimage", "file:se-version"}) {
      ExpectStatus(r, id, CheckStatus::kPass);
    }
    // The warning of hpcr-2023 folders is gone: user-data.decrypted is covered through its lines.
    EXPECT_EQ(Find(r, "file:user-data.decrypted")->coverage, Coverage::kSigned);
    EXPECT_EQ(Find(r, "contract:workload")->coverage, Coverage::kSigned);
    EXPECT_TRUE(Find(r, "contract:workload")->required);
    EXPECT_FALSE(Find(r, "image-age")->required);
    // The cidata device's line: shown by name, not checked (the folder has no copy of the device).
    ExpectStatus(r, "line:/dev/disk/by-label/cidata", CheckStatus::kNotChecked);
    if (encrypted) {
      ExpectStatus(r, "contract:attestationPublicKey", CheckStatus::kPass);
      ExpectStatus(r, "file:attestationPublicKey", CheckStatus::kPass);  // against contract:attestationPublicKey
      ExpectStatus(r, "key-binding", CheckStatus::kPass);
      EXPECT_EQ(Find(r, "file:attestationPublicKey")->expected_source, "record line 'contract:attestationPublicKey'");
    }
  }
}

// Tokens' plaintexts are covered now: changing one in user-data.decrypted fails its line. Plain
// sections, the attestationPublicKey section, each new file: the named check fails.
struct Tamper2026 {
  const char* name;
  const char* file;  // in the folder
  const char* from;  // replaced by `to` in that file
  const char* to;
  const char* check;
};

class Verify2026TamperTest : public Verify2026Test, public ::testing::WithParamInterface<Tamper2026> {};

TEST_P(Verify2026TamperTest, FailsTheNamedCheck) {
  const Tamper2026 t = GetParam();
  MakeFolder2026(true);
  std::string data = ReadText(dir_ + "/" + t.file);
  const std::size_t at = data.find(t.from);
  ASSERT_NE(at, std::string::npos) << t.from;
  data.replace(at, std::strlen(t.from), t.to);
  WriteText(dir_ + "/" + t.file, data);
  const VerifyReport r = Verify(options_);
  EXPECT_EQ(r.exit_code(), kVerifyExitFailed) << RenderReportText(r);
  ExpectStatus(r, t.check, CheckStatus::kFail);
}

INSTANTIATE_TEST_SUITE_P(
    EverySectionAndFile, Verify2026TamperTest,
    ::testing::Values(
        Tamper2026{"workload", "user-data.decrypted", "type: workload", "type: forged", "contract:workload"},
        Tamper2026{"env", "user-data.decrypted", "type: env", "type: forged", "contract:env"},
        Tamper2026{"env_quoting", "user-data.decrypted", "\"8080\"", "'8080'", "contract:env"},
        Tamper2026{"envWorkloadSignature", "user-data.decrypted", "c2lnbmF0dXJl", "Zm9yZ2Vk",
                   "contract:envWorkloadSignature"},
        Tamper2026{"attestationPublicKey", "user-data.decrypted", "attestationPublicKey: |\n  -----BEGIN PUBLIC KEY-----\n  MII",
                   "attestationPublicKey: |\n  -----BEGIN PUBLIC KEY-----\n  MIJ", "contract:attestationPublicKey"},
        Tamper2026{"attestationPublicKey_file", "attestationPublicKey", "-----BEGIN PUBLIC KEY-----\nMII",
                   "-----BEGIN PUBLIC KEY-----\nMIJ", "file:attestationPublicKey"},
        Tamper2026{"certificate_expiry_date", "certificate_expiry_date.json", "\"not_after\": \"", "\"not_after\":  \"",
                   "file:certificate_expiry_date.json"},
        Tamper2026{"sbom", "sbom", "SPDX-2.3", "SPDX-2.2", "file:sbom"}),
    [](const ::testing::TestParamInfo<Tamper2026>& param) { return test::ParamName(param.param.name); });

// A section the record has no line for, and a line the folder has no section for.
TEST_F(Verify2026Test, ContractLinesAndSectionsAreTheSameSet) {
  MakeFolder2026(false);
  const std::string env_line = ToHex(Sha256Of(std::string_view("env:\n  type: env\n  port: \"8080\"\n"))) + " contract:env\n";
  ReplaceInRecord(false, env_line, "");
  VerifyReport r = Verify(options_);
  EXPECT_EQ(r.exit_code(), kVerifyExitFailed) << RenderReportText(r);
  ExpectStatus(r, "contract:env", CheckStatus::kFail);
  EXPECT_NE(Find(r, "contract:env")->detail.find("the record no 'contract:env' line"), std::string::npos);

  MakeFolder2026(false);
  std::string decrypted = decrypted_;
  decrypted.replace(decrypted.find("envWorkloadSignature: c2lnbmF0dXJl\n"), 35, "");
  WriteText(dir_ + "/user-data.decrypted", decrypted);
  r = Verify(options_);
  EXPECT_EQ(r.exit_code(), kVerifyExitFailed) << RenderReportText(r);
  ExpectStatus(r, "contract:envWorkloadSignature", CheckStatus::kFail);

  // Not sections at all: every line fails, naming why.
  WriteText(dir_ + "/user-data.decrypted", "# a comment first\n" + decrypted_);
  r = Verify(options_);
  ExpectStatus(r, "contract:workload", CheckStatus::kFail);
  EXPECT_NE(Find(r, "contract:workload")->detail.find("expected a section"), std::string::npos)
      << Find(r, "contract:workload")->detail;
}

// The header lines: well-formed, once each, in the profile's order; a record without them while
// the reference says hpcr-2026 fails.
TEST_F(Verify2026Test, HeaderLinesAreWellFormedAndInOrder) {
  const std::string age = "Image age: 10 days since creation.\n";
  const std::string enc = ValidUntilLine(kEncryptionValidPrefix, encryption_.not_after) + "\n";
  const std::string att = ValidUntilLine(kAttestationValidPrefix, attestation_.not_after) + "\n";
  struct Case {
    std::string name, from, to;
  };
  for (const Case& bad : {
           Case{"age not a number", age, "Image age: ten days since creation.\n"},
           Case{"age negative", age, "Image age: -1 days since creation.\n"},
           Case{"encryption date single digit", enc, "Encryption Certificate valid until: Jul 6 06:44:41 2027 UTC\n"},
           Case{"encryption date in GMT", enc, enc.substr(0, enc.size() - 5) + " GMT\n"},
           Case{"attestation date not a date", att, "Attestation Certificate valid until: tomorrow UTC\n"},
           Case{"order", enc + att, att + enc},
           Case{"age after validity", age + enc, enc + age},
           Case{"twice", att, att + att},
           Case{"missing", att, ""},
       }) {
    MakeFolder2026(false);
    ReplaceInRecord(false, bad.from, bad.to);
    const VerifyReport r = Verify(options_);
    EXPECT_EQ(r.exit_code(), kVerifyExitFailed) << bad.name << "\n" << RenderReportText(r);
    ExpectStatus(r, "header", CheckStatus::kFail);
  }
  // A valid-until line of another date: the line is well-formed, but certificate_expiry_date.json,
  // the certificate that signed and the reference say otherwise.
  MakeFolder2026(false);
  ReplaceInRecord(false, att, ValidUntilLine(kAttestationValidPrefix, attestation_.not_after + 86400) + "\n");
  const VerifyReport r = Verify(options_);
  EXPECT_EQ(r.exit_code(), kVerifyExitFailed) << RenderReportText(r);
  ExpectStatus(r, "header", CheckStatus::kPass);
  ExpectStatus(r, "certificate-expiry", CheckStatus::kFail);
  ExpectStatus(r, "certificate-expiry:attestation", CheckStatus::kFail);
  ExpectStatus(r, "reference:certificates", CheckStatus::kFail);
}

// certificate_expiry_date.json, signed (its line matches) but naming other certificates than the
// one that verified the signature, --contract-cert, and the reference.
TEST_F(Verify2026Test, CertificateExpiryAgainstTheCertificates) {
  const CertificateValidity real_attestation = attestation_;
  attestation_ = *CertificateValidityOf(pki_.intermediate.get());
  attestation_.not_after = real_attestation.not_after;  // the valid-until line cannot tell them apart
  MakeFolder2026(false);
  VerifyReport r = Verify(options_);
  EXPECT_EQ(r.exit_code(), kVerifyExitFailed) << RenderReportText(r);
  ExpectStatus(r, "file:certificate_expiry_date.json", CheckStatus::kPass);
  ExpectStatus(r, "certificate-expiry", CheckStatus::kPass);
  ExpectStatus(r, "certificate-expiry:attestation", CheckStatus::kFail);
  EXPECT_NE(Find(r, "certificate-expiry:attestation")->detail.find("sha256"), std::string::npos);
  ExpectStatus(r, "reference:certificates", CheckStatus::kFail);  // sealed with the real one

  // --contract-cert another certificate than the record names.
  attestation_ = real_attestation;
  WriteReference();
  MakeFolder2026(false);
  WriteText(tmp_.Sub("contract.crt"), Pem(pki_.root.get()));
  r = Verify(options_);
  EXPECT_EQ(r.exit_code(), kVerifyExitFailed) << RenderReportText(r);
  ExpectStatus(r, "certificate-expiry:encryption", CheckStatus::kFail);
  ExpectStatus(r, "reference:certificates", CheckStatus::kPass);

  // Without --contract-cert: shown, not checked, not required.
  options_.contract_cert_path.clear();
  r = Verify(options_);
  EXPECT_EQ(r.exit_code(), kVerifyExitVerified) << RenderReportText(r);
  ExpectStatus(r, "certificate-expiry:encryption", CheckStatus::kNotChecked);

  // A reference sealed with another contract certificate.
  const CertificateValidity real_encryption = encryption_;
  encryption_ = *CertificateValidityOf(pki_.root.get());
  WriteReference();
  encryption_ = real_encryption;
  r = Verify(options_);
  EXPECT_EQ(r.exit_code(), kVerifyExitFailed) << RenderReportText(r);
  ExpectStatus(r, "reference:certificates", CheckStatus::kFail);

  // Not the file the agent writes: unknown keys, not JSON.
  WriteReference();
  MakeFolder2026(false);
  for (const std::string bad : {"{\"encryption_certificate\": {}}\n", "not json\n"}) {
    files_[4].second = bad;
    WriteText(dir_ + "/certificate_expiry_date.json", bad);
    ReplaceInRecord(false, Hex(RenderCertificateExpiryJson({encryption_, attestation_})) + " certificate_expiry_date.json",
                    Hex(bad) + " certificate_expiry_date.json");
    r = Verify(options_);
    EXPECT_EQ(r.exit_code(), kVerifyExitFailed) << RenderReportText(r);
    ExpectStatus(r, "file:certificate_expiry_date.json", CheckStatus::kPass);
    ExpectStatus(r, "certificate-expiry", CheckStatus::kFail);
    MakeFolder2026(false);
  }
}

// A file with no line, a line with no file: the sbom and certificate_expiry_date.json as the
// other files of the folder.
TEST_F(Verify2026Test, SbomAndCertificateExpiryFilesAndLinesGoTogether) {
  MakeFolder2026(false);
  std::filesystem::remove(dir_ + "/sbom");
  VerifyReport r = Verify(options_);
  EXPECT_EQ(r.exit_code(), kVerifyExitFailed);
  ExpectStatus(r, "file:sbom", CheckStatus::kFail);

  MakeFolder2026(false);
  std::filesystem::remove(dir_ + "/certificate_expiry_date.json");
  r = Verify(options_);
  EXPECT_EQ(r.exit_code(), kVerifyExitFailed);
  ExpectStatus(r, "file:certificate_expiry_date.json", CheckStatus::kFail);

  // Sealed without an sbom: a file appears, and the reference has none either.
  sbom_ = false;
  WriteReference();
  MakeFolder2026(false);
  r = Verify(options_);
  EXPECT_EQ(r.exit_code(), kVerifyExitVerified) << RenderReportText(r);
  WriteText(dir_ + "/sbom", kSbom);
  r = Verify(options_);
  EXPECT_EQ(r.exit_code(), kVerifyExitFailed);
  ExpectStatus(r, "file:sbom", CheckStatus::kFail);

  // The reference knows an sbom the record lacks, or lacks one the record has.
  std::filesystem::remove(dir_ + "/sbom");
  sbom_ = true;
  WriteReference();
  r = Verify(options_);
  EXPECT_EQ(r.exit_code(), kVerifyExitFailed);
  ExpectStatus(r, "reference:sbom", CheckStatus::kFail);
  MakeFolder2026(false);
  sbom_ = false;
  WriteReference();
  r = Verify(options_);
  EXPECT_EQ(r.exit_code(), kVerifyExitFailed);
  ExpectStatus(r, "reference:sbom", CheckStatus::kFail);
  // Another sbom than the reference's.
  sbom_ = true;
  WriteReference();
  WriteText(dir_ + "/sbom", "another sbom\n");
  files_.clear();
  ReplaceInRecord(false, Hex(kSbom) + " sbom", Hex("another sbom\n") + " sbom");
  r = Verify(options_);
  EXPECT_EQ(r.exit_code(), kVerifyExitFailed);
  ExpectStatus(r, "file:sbom", CheckStatus::kPass);
  ExpectStatus(r, "reference:sbom", CheckStatus::kFail);
}

// The profile the image was sealed with is the record's: an hpcr-2023 record where the reference
// says hpcr-2026 (a downgrade: no contract:* line would cover user-data.decrypted) fails, and the
// other way round.
TEST_F(Verify2026Test, ProfileDowngradeAgainstTheReferenceFails) {
  MakeFolder(false);  // hpcr-2023
  VerifyReport r = Verify(options_);
  EXPECT_EQ(r.exit_code(), kVerifyExitFailed) << RenderReportText(r);
  ExpectStatus(r, "reference:record-profile", CheckStatus::kFail);
  EXPECT_EQ(Find(r, "reference:record-profile")->expected, "hpcr-2026");
  EXPECT_EQ(Find(r, "reference:record-profile")->actual, "hpcr-2023");
  EXPECT_NE(Find(r, "reference:record-profile")->detail.find("downgrade"), std::string::npos);

  MakeFolder2026(false);
  WriteReference(RecordProfile::kHpcr2023);
  r = Verify(options_);
  EXPECT_EQ(r.exit_code(), kVerifyExitFailed) << RenderReportText(r);
  ExpectStatus(r, "reference:record-profile", CheckStatus::kFail);
}

// The image age is the guest's clock, which the host sets: more days than from build_time to --at
// is a warning, never a failure nor required; without a reference it is shown, not checked.
TEST_F(Verify2026Test, ImageAgeIsInformational) {
  image_age_days_ = 21;  // build_time is 20 days and an hour before --at
  MakeFolder2026(false);
  VerifyReport r = Verify(options_);
  EXPECT_EQ(r.exit_code(), kVerifyExitVerified) << RenderReportText(r);
  ExpectStatus(r, "image-age", CheckStatus::kWarning);
  EXPECT_FALSE(Find(r, "image-age")->required);
  EXPECT_EQ(Find(r, "image-age")->expected, "at most 20 days");

  image_age_days_ = 20;
  MakeFolder2026(false);
  r = Verify(options_);
  ExpectStatus(r, "image-age", CheckStatus::kPass);
  EXPECT_NE(Find(r, "image-age")->detail.find("booted about 0 days before"), std::string::npos);

  options_.reference_path.clear();
  r = Verify(options_);
  EXPECT_EQ(r.exit_code(), kVerifyExitVerified) << RenderReportText(r);
  ExpectStatus(r, "image-age", CheckStatus::kNotChecked);
}

// IBM's 26.x layout has no cidata/user-data copy and no attestationPublicKey file: read as such,
// not failed. But a host can delete files too: the lines that cannot be checked then never count
// toward VERIFIED (INCOMPLETE), unless the auditor's own --contract checks the user-data line.
TEST_F(Verify2026Test, IbmLayoutIsReadAsSuchButNeverVerifiesWhatItLacks) {
  MakeFolder2026(true);
  std::filesystem::remove(dir_ + "/cidata/user-data");
  std::filesystem::remove(dir_ + "/attestationPublicKey");
  VerifyReport r = Verify(options_);
  EXPECT_EQ(r.exit_code(), kVerifyExitIncomplete) << RenderReportText(r);
  ExpectStatus(r, "file:cidata/user-data", CheckStatus::kNotChecked);
  EXPECT_TRUE(Find(r, "file:cidata/user-data")->required);
  ExpectStatus(r, "file:attestationPublicKey", CheckStatus::kNotChecked);
  EXPECT_FALSE(Find(r, "file:attestationPublicKey")->required);
  // The recipient key is read from user-data.decrypted's section, which its line covers.
  ExpectStatus(r, "key-binding", CheckStatus::kPass);
  ExpectStatus(r, "contract:attestationPublicKey", CheckStatus::kPass);
  ExpectStatus(r, "contract:workload", CheckStatus::kPass);
  ExpectStatus(r, "file:user-data.decrypted", CheckStatus::kNotChecked);

  // The auditor's own copy of the contract checks the user-data line: VERIFIED.
  WriteText(tmp_.Sub("contract.yaml"), user_data_);
  options_.contract_path = tmp_.Sub("contract.yaml");
  r = Verify(options_);
  EXPECT_EQ(r.exit_code(), kVerifyExitVerified) << RenderReportText(r);
  ExpectStatus(r, "expected:contract", CheckStatus::kPass);
  ExpectStatus(r, "file:cidata/user-data", CheckStatus::kNotChecked);
  EXPECT_FALSE(Find(r, "file:cidata/user-data")->required);
  // So does --expect-cidata.
  options_.contract_path.clear();
  const std::string expected = tmp_.Sub("expected");
  std::filesystem::create_directories(expected);
  WriteText(expected + "/meta-data", files_[0].second);
  WriteText(expected + "/user-data", user_data_);
  WriteText(expected + "/vendor-data", files_[2].second);
  options_.expect_cidata_dir = expected;
  r = Verify(options_);
  EXPECT_EQ(r.exit_code(), kVerifyExitVerified) << RenderReportText(r);
  ExpectStatus(r, "expected:cidata/user-data", CheckStatus::kPass);
  options_.expect_cidata_dir.clear();
  options_.contract_path = tmp_.Sub("contract.yaml");
  WriteText(dir_ + "/user-data.decrypted", "workload: |\n  type: forged\n" + decrypted_.substr(decrypted_.find("env:")));
  r = Verify(options_);
  EXPECT_EQ(r.exit_code(), kVerifyExitFailed) << RenderReportText(r);
  ExpectStatus(r, "contract:workload", CheckStatus::kFail);

  // user-data.decrypted deleted as well: no contract:* line can be checked, nor the key binding.
  std::filesystem::remove(dir_ + "/user-data.decrypted");
  r = Verify(options_);
  EXPECT_EQ(r.exit_code(), kVerifyExitIncomplete) << RenderReportText(r);
  ExpectStatus(r, "contract:workload", CheckStatus::kNotChecked);
  EXPECT_TRUE(Find(r, "contract:workload")->required);
  ExpectStatus(r, "key-binding", CheckStatus::kNotChecked);

  // Our layout with user-data.decrypted deleted beside cidata/user-data: a failure, as in hpcr-2023.
  MakeFolder2026(true);
  std::filesystem::remove(dir_ + "/user-data.decrypted");
  r = Verify(options_);
  EXPECT_EQ(r.exit_code(), kVerifyExitFailed) << RenderReportText(r);
  ExpectStatus(r, "file:user-data.decrypted", CheckStatus::kFail);
}

// The auditor's own attestationPublicKey against an hpcr-2026 record (no folder): compared with the
// contract:attestationPublicKey line; and with the folder of IBM's layout, with the section's key.
TEST_F(Verify2026Test, AttestationPublicKeyOfTheAuditor) {
  MakeFolder2026(true);
  options_.attestation_public_key_path = test::FixturePath("keys/rsa2048.pub");
  VerifyReport r = Verify(options_);
  EXPECT_EQ(r.exit_code(), kVerifyExitVerified) << RenderReportText(r);
  ExpectStatus(r, "expected:attestationPublicKey", CheckStatus::kPass);
  std::filesystem::remove(dir_ + "/attestationPublicKey");
  std::filesystem::remove(dir_ + "/cidata/user-data");
  r = Verify(options_);
  ExpectStatus(r, "expected:attestationPublicKey", CheckStatus::kPass);
  EXPECT_NE(Find(r, "expected:attestationPublicKey")->actual_source.find("section attestationPublicKey"),
            std::string::npos);
  // Another key than the auditor's in the record: key-binding fails.
  recipient_ = "contract.pub";
  MakeFolder2026(true);
  r = Verify(options_);
  EXPECT_EQ(r.exit_code(), kVerifyExitFailed) << RenderReportText(r);
  ExpectStatus(r, "key-binding", CheckStatus::kFail);
  EXPECT_EQ(Find(r, "key-binding")->actual_source,
            "the key of the record's contract:attestationPublicKey line (" + dir_ + "/attestationPublicKey)");
}

}  // namespace
}  // namespace seattest
