// VerifyChain (crypto/chain.h) on IBM's shape, built here with OpenSSL: root CA -> intermediate
// CA -> a code-signing END ENTITY ("International Business Machines Corporation") -> a leaf with
// no extension but a CRL distribution point, signed sha512WithRSA by the code-signing key. That
// last link is checked by hand, as IBM's docs do; every other non-CA issuer, forged link, wrong
// purpose, revocation, missing CRL and expired leaf is refused. Also the certificate-date warning
// of `encrypt --to` / `contract --encrypt-for`, on IBM's real certificates. Committed test keys
// only (no key generation: slow under qemu-user).
#include "crypto/chain.h"

#include <gtest/gtest.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <ctime>
#include <filesystem>
#include <string>
#include <vector>

#include "host/contract_author.h"
#include "crypto/certs.h"
#include "crypto/keys.h"
#include "test_support.h"

namespace seattest {
namespace {

using Asn1TimePtr = std::unique_ptr<ASN1_TIME, OsslDeleter<ASN1_TIME_free>>;
using RevokedPtr = std::unique_ptr<X509_REVOKED, OsslDeleter<X509_REVOKED_free>>;

constexpr long kDay = 86400;
constexpr const char* kIbm = "International Business Machines Corporation";
constexpr const char* kHandChecked = "[signed by the code-signing certificate, checked by hand as in IBM's docs]";

X509Ptr Issue(const CertRequest& request, EVP_PKEY* subject, const X509* issuer, EVP_PKEY* issuer_key) {
  auto cert = IssueCertificate(request, subject, issuer, issuer_key);
  EXPECT_TRUE(cert.ok()) << cert.error().message;
  return cert ? std::move(*cert) : nullptr;
}

// `cert` with one more extension (replacing one of the same kind), signed again with `signer`;
// read back from DER, since OpenSSL keeps the extension flags it computed for the old object.
X509Ptr WithExtension(const X509Ptr& cert, int nid, const char* value, EVP_PKEY* signer) {
  const int at = X509_get_ext_by_NID(cert.get(), nid, -1);
  if (at >= 0) X509_EXTENSION_free(X509_delete_ext(cert.get(), at));
  X509ExtensionPtr ext(X509V3_EXT_conf_nid(nullptr, nullptr, nid, value));
  EXPECT_TRUE(ext);
  EXPECT_EQ(X509_add_ext(cert.get(), ext.get(), -1), 1);
  EXPECT_GT(X509_sign(cert.get(), signer, EVP_sha256()), 0);
  unsigned char* der = nullptr;
  const int n = i2d_X509(cert.get(), &der);
  EXPECT_GT(n, 0);
  const unsigned char* p = der;
  X509Ptr fresh(d2i_X509(nullptr, &p, n));
  OPENSSL_free(der);
  EXPECT_TRUE(fresh);
  return fresh;
}

// A leaf like IBM's encryption and attestation certificates: v3, no extension but a CRL
// distribution point, issuer named `issuer_name`, signed sha512WithRSA with `signer`; valid from
// now + `from_days` to now + `to_days`. `akid_of`: also an authority key identifier of that
// certificate's key.
X509Ptr IbmLikeLeaf(EVP_PKEY* subject_key, const X509_NAME* issuer_name, EVP_PKEY* signer, long from_days = 0,
                    long to_days = 365, const X509* akid_of = nullptr, long serial = 4242) {
  X509Ptr cert(X509_new());
  EXPECT_TRUE(cert);
  X509_NAME* name = X509_get_subject_name(cert.get());
  EXPECT_EQ(X509_set_version(cert.get(), 2), 1);
  EXPECT_EQ(ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial), 1);
  EXPECT_TRUE(X509_gmtime_adj(X509_getm_notBefore(cert.get()), from_days * kDay - 60));
  EXPECT_TRUE(X509_gmtime_adj(X509_getm_notAfter(cert.get()), to_days * kDay));
  EXPECT_EQ(X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("IBM India Pvt Ltd"),
                                       -1, -1, 0), 1);
  EXPECT_EQ(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                       reinterpret_cast<const unsigned char*>("Contract Encryption"), -1, -1, 0), 1);
  EXPECT_EQ(X509_set_issuer_name(cert.get(), issuer_name), 1);
  EXPECT_EQ(X509_set_pubkey(cert.get(), subject_key), 1);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, const_cast<X509*>(akid_of), cert.get(), nullptr, nullptr, 0);
  X509ExtensionPtr crldp(X509V3_EXT_conf_nid(nullptr, &ctx, NID_crl_distribution_points,
                                             "URI:https://ibm.biz/signing-service-test-crl-1"));
  EXPECT_TRUE(crldp);
  EXPECT_EQ(X509_add_ext(cert.get(), crldp.get(), -1), 1);
  if (akid_of != nullptr) {
    X509ExtensionPtr akid(X509V3_EXT_conf_nid(nullptr, &ctx, NID_authority_key_identifier, "keyid:always"));
    EXPECT_TRUE(akid);
    EXPECT_EQ(X509_add_ext(cert.get(), akid.get(), -1), 1);
  }
  EXPECT_GT(X509_sign(cert.get(), signer, EVP_sha512()), 0);
  return cert;
}

// A CRL of `issuer` (signed with `key`) listing `revoked`, issued `last_days` from now, next
// update `next_days` from now.
X509CrlPtr Crl(const X509* issuer, EVP_PKEY* key, const std::vector<const X509*>& revoked, long last_days = -1,
               long next_days = 30) {
  X509CrlPtr crl(X509_CRL_new());
  const Asn1TimePtr last(ASN1_TIME_set(nullptr, std::time(nullptr) + last_days * kDay));
  const Asn1TimePtr next(ASN1_TIME_set(nullptr, std::time(nullptr) + next_days * kDay));
  EXPECT_EQ(X509_CRL_set_version(crl.get(), 1), 1);
  EXPECT_EQ(X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(issuer)), 1);
  EXPECT_EQ(X509_CRL_set1_lastUpdate(crl.get(), last.get()), 1);
  EXPECT_EQ(X509_CRL_set1_nextUpdate(crl.get(), next.get()), 1);
  for (const X509* cert : revoked) {
    RevokedPtr entry(X509_REVOKED_new());
    EXPECT_EQ(X509_REVOKED_set_serialNumber(entry.get(), const_cast<ASN1_INTEGER*>(X509_get0_serialNumber(cert))), 1);
    EXPECT_EQ(X509_REVOKED_set_revocationDate(entry.get(), last.get()), 1);
    EXPECT_EQ(X509_CRL_add0_revoked(crl.get(), entry.release()), 1);
  }
  EXPECT_EQ(X509_CRL_sort(crl.get()), 1);
  EXPECT_GT(X509_CRL_sign(crl.get(), key, EVP_sha256()), 0);
  return crl;
}

bool Contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

class ChainTest : public ::testing::Test {
 protected:
  // root CA (rsa2048.key) -> intermediate CA (contract.key, RSA-4096) -> code-signing end entity
  // (attestation.key, RSA-4096, valid 100 days) -> IBM-like leaf (rsa2048.key's public half).
  ChainTest()
      : root_key_(test::TestPrivateKey("rsa2048.key")),
        intermediate_key_(test::TestPrivateKey("contract.key")),
        signing_key_(test::TestPrivateKey("attestation.key")) {
    root_ = Issue({"test root CA", CertProfile::kRootCa, 3650}, root_key_.get(), nullptr, root_key_.get());
    intermediate_ = Issue({"test code signing CA", CertProfile::kIntermediateCa, 3650}, intermediate_key_.get(),
                          root_.get(), root_key_.get());
    ibm_ = Issue({kIbm, CertProfile::kCodeSigning, 100}, signing_key_.get(), intermediate_.get(),
                 intermediate_key_.get());
    leaf_ = IbmLikeLeaf(root_key_.get(), X509_get_subject_name(ibm_.get()), signing_key_.get());
  }

  ChainInput Input(const X509* leaf, const X509* issuer, std::vector<const X509_CRL*> crls = {}) const {
    ChainInput in;
    in.leaf = leaf;
    in.intermediates = {intermediate_.get(), issuer};
    in.anchors = {root_.get()};
    in.crls = std::move(crls);
    in.at = std::time(nullptr);
    return in;
  }

  ChainVerdict Verify(const ChainInput& in) const {
    auto verdict = VerifyChain(in);
    EXPECT_TRUE(verdict.ok()) << verdict.error().message;
    return verdict ? *verdict : ChainVerdict{};
  }

  // A refusal whose reason names `why`.
  void ExpectRefused(const ChainVerdict& v, const std::string& why) const {
    EXPECT_FALSE(v.ok) << v.path;
    EXPECT_TRUE(Contains(v.reason, why)) << v.reason;
  }

  EvpPkeyPtr root_key_, intermediate_key_, signing_key_;
  X509Ptr root_, intermediate_, ibm_, leaf_;
};

TEST_F(ChainTest, IbmShapeIsAcceptedAndSaysSo) {
  ASSERT_NE(X509_check_ca(ibm_.get()), 1);
  const ChainVerdict v = Verify(Input(leaf_.get(), ibm_.get()));
  ASSERT_TRUE(v.ok) << v.reason;
  EXPECT_TRUE(v.code_signing_issuer);
  EXPECT_EQ(v.path, SubjectLine(leaf_.get()) + " -> " + kHandChecked + " " + SubjectLine(ibm_.get()) + " -> " +
                        SubjectLine(intermediate_.get()) + " -> " + SubjectLine(root_.get()));
  // The code-signing certificate (100 days) expires first: the issuer chain is counted.
  EXPECT_EQ(v.first_to_expire, SubjectLine(ibm_.get()));
  EXPECT_GE(v.days_left, 99);
  EXPECT_LE(v.days_left, 100);
  EXPECT_TRUE(v.revocation.empty());

  // ... and the leaf when it is the first to expire.
  X509Ptr short_leaf = IbmLikeLeaf(root_key_.get(), X509_get_subject_name(ibm_.get()), signing_key_.get(), 0, 10);
  const ChainVerdict s = Verify(Input(short_leaf.get(), ibm_.get()));
  ASSERT_TRUE(s.ok) << s.reason;
  EXPECT_EQ(s.first_to_expire, SubjectLine(short_leaf.get()));
  EXPECT_GE(s.days_left, 9);
  EXPECT_LE(s.days_left, 10);
}

TEST_F(ChainTest, OpenSslAloneRefusesIt) {
  // What IBM's docs work around: the strict store says the issuer is no CA.
  X509StorePtr store(X509_STORE_new());
  X509StackPtr untrusted(sk_X509_new_null());
  X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  ASSERT_EQ(X509_STORE_add_cert(store.get(), root_.get()), 1);
  ASSERT_GT(sk_X509_push(untrusted.get(), intermediate_.get()), 0);
  ASSERT_GT(sk_X509_push(untrusted.get(), ibm_.get()), 0);
  ASSERT_EQ(X509_STORE_CTX_init(ctx.get(), store.get(), leaf_.get(), untrusted.get()), 1);
  X509_VERIFY_PARAM_set_flags(X509_STORE_CTX_get0_param(ctx.get()), X509_V_FLAG_X509_STRICT);
  EXPECT_NE(X509_verify_cert(ctx.get()), 1);
  const int error = X509_STORE_CTX_get_error(ctx.get());
  EXPECT_TRUE(error == X509_V_ERR_INVALID_CA || error == X509_V_ERR_MISSING_AUTHORITY_KEY_IDENTIFIER)
      << X509_verify_cert_error_string(error);
}

TEST_F(ChainTest, NormalChainIsUnchanged) {
  EvpPkeyPtr leaf_key = test::TestPrivateKey("attestation.key");
  X509Ptr leaf = Issue({"test attestation", CertProfile::kSigning, 365}, leaf_key.get(), intermediate_.get(),
                       intermediate_key_.get());
  ChainInput in = Input(leaf.get(), ibm_.get());
  const ChainVerdict v = Verify(in);
  ASSERT_TRUE(v.ok) << v.reason;
  EXPECT_FALSE(v.code_signing_issuer);
  EXPECT_EQ(v.path, SubjectLine(leaf.get()) + " -> " + SubjectLine(intermediate_.get()) + " -> " +
                        SubjectLine(root_.get()));

  // With a CRL of the intermediate: the leaf only, as before.
  X509CrlPtr crl = Crl(intermediate_.get(), intermediate_key_.get(), {});
  in.crls = {crl.get()};
  const ChainVerdict c = Verify(in);
  ASSERT_TRUE(c.ok) << c.reason;
  EXPECT_TRUE(Contains(c.revocation, "is not revoked")) << c.revocation;
}

TEST_F(ChainTest, LeafWithMatchingAuthorityKeyIdIsAcceptedAndAnotherRefused) {
  X509Ptr with_akid =
      IbmLikeLeaf(root_key_.get(), X509_get_subject_name(ibm_.get()), signing_key_.get(), 0, 365, ibm_.get());
  const ChainVerdict ok = Verify(Input(with_akid.get(), ibm_.get()));
  EXPECT_TRUE(ok.ok) << ok.reason;
  EXPECT_TRUE(ok.code_signing_issuer);

  // The right signature, but an authority key identifier naming another key.
  X509Ptr wrong_akid =
      IbmLikeLeaf(root_key_.get(), X509_get_subject_name(ibm_.get()), signing_key_.get(), 0, 365, intermediate_.get());
  const ChainVerdict v = Verify(Input(wrong_akid.get(), ibm_.get()));
  ExpectRefused(v, "subject key identifier");
}

TEST_F(ChainTest, ForgedLastLinkIsRefused) {
  // IBM's issuer name, another key's signature.
  X509Ptr forged = IbmLikeLeaf(root_key_.get(), X509_get_subject_name(ibm_.get()), intermediate_key_.get());
  const ChainVerdict v = Verify(Input(forged.get(), ibm_.get()));
  ExpectRefused(v, "not signed by the key of " + SubjectLine(ibm_.get()));
  EXPECT_FALSE(v.code_signing_issuer);
}

TEST_F(ChainTest, ForgedMiddleLinkIsRefused) {
  // A code-signing certificate naming the intermediate as its issuer, signed by the root's key.
  X509Ptr forged_ibm = Issue({kIbm, CertProfile::kCodeSigning, 100}, signing_key_.get(), intermediate_.get(),
                             root_key_.get());
  const ChainVerdict v = Verify(Input(leaf_.get(), forged_ibm.get()));
  EXPECT_FALSE(v.ok) << v.path;
  EXPECT_TRUE(v.code_signing_issuer);
  EXPECT_TRUE(Contains(v.reason, "in the chain of the code-signing certificate")) << v.reason;
  EXPECT_TRUE(Contains(v.reason, "signature failure") || Contains(v.reason, "issuer certificate")) << v.reason;
}

TEST_F(ChainTest, IssuerWithoutCodeSigningIsRefused) {
  // No extendedKeyUsage at all: a plain signing end entity.
  X509Ptr plain = Issue({kIbm, CertProfile::kSigning, 100}, signing_key_.get(), intermediate_.get(),
                        intermediate_key_.get());
  ExpectRefused(Verify(Input(leaf_.get(), plain.get())), "no extendedKeyUsage");
  // extendedKeyUsage serverAuth only.
  X509Ptr server = WithExtension(Issue({kIbm, CertProfile::kCodeSigning, 100}, signing_key_.get(), intermediate_.get(),
                                       intermediate_key_.get()),
                                 NID_ext_key_usage, "serverAuth", intermediate_key_.get());
  const ChainVerdict v = Verify(Input(leaf_.get(), server.get()));
  ExpectRefused(v, "does not include codeSigning");
  EXPECT_TRUE(Contains(v.reason, "invalid CA certificate")) << v.reason;
  // codeSigning, but a keyUsage without digitalSignature.
  X509Ptr encipher = WithExtension(Issue({kIbm, CertProfile::kCodeSigning, 100}, signing_key_.get(),
                                         intermediate_.get(), intermediate_key_.get()),
                                   NID_key_usage, "critical,keyEncipherment", intermediate_key_.get());
  ExpectRefused(Verify(Input(leaf_.get(), encipher.get())), "digitalSignature");
}

TEST_F(ChainTest, CaAboveTheIssuerMustAllowCodeSigning) {
  // The intermediate CA limited to serverAuth: the code-signing purpose refuses it.
  intermediate_ = WithExtension(intermediate_, NID_ext_key_usage, "serverAuth", root_key_.get());
  ibm_ = Issue({kIbm, CertProfile::kCodeSigning, 100}, signing_key_.get(), intermediate_.get(), intermediate_key_.get());
  leaf_ = IbmLikeLeaf(root_key_.get(), X509_get_subject_name(ibm_.get()), signing_key_.get());
  ExpectRefused(Verify(Input(leaf_.get(), ibm_.get())), "unsuitable certificate purpose (depth 2");
  // ... and with codeSigning among its purposes, as DigiCert's code-signing CA, it passes.
  intermediate_ = WithExtension(intermediate_, NID_ext_key_usage, "serverAuth,codeSigning", root_key_.get());
  const ChainVerdict v = Verify(Input(leaf_.get(), ibm_.get()));
  EXPECT_TRUE(v.ok) << v.reason;
}

TEST_F(ChainTest, IssuerChainMustReachAnAnchor) {
  ChainInput in = Input(leaf_.get(), ibm_.get());
  in.intermediates = {ibm_.get()};  // the intermediate CA missing
  const ChainVerdict v = Verify(in);
  EXPECT_FALSE(v.ok);
  EXPECT_TRUE(v.code_signing_issuer);
  EXPECT_TRUE(Contains(v.reason, "issuer certificate")) << v.reason;
}

TEST_F(ChainTest, ExpiredOrNotYetValidLeafIsRefused) {
  X509Ptr expired = IbmLikeLeaf(root_key_.get(), X509_get_subject_name(ibm_.get()), signing_key_.get(), -30, -1);
  ExpectRefused(Verify(Input(expired.get(), ibm_.get())), "certificate has expired (depth 0");
  X509Ptr future = IbmLikeLeaf(root_key_.get(), X509_get_subject_name(ibm_.get()), signing_key_.get(), 2, 30);
  ExpectRefused(Verify(Input(future.get(), ibm_.get())), "certificate is not yet valid (depth 0");
  // The code-signing certificate's own dates are OpenSSL's: at 200 days it has expired.
  ChainInput later = Input(leaf_.get(), ibm_.get());
  later.at += 200 * kDay;
  ExpectRefused(Verify(later), "certificate has expired (depth 1");
}

TEST_F(ChainTest, CrlsOfBothIssuersAreChecked) {
  X509CrlPtr by_ibm = Crl(ibm_.get(), signing_key_.get(), {});
  X509CrlPtr by_ca = Crl(intermediate_.get(), intermediate_key_.get(), {});
  const ChainVerdict v = Verify(Input(leaf_.get(), ibm_.get(), {by_ibm.get(), by_ca.get()}));
  ASSERT_TRUE(v.ok) << v.reason;
  EXPECT_TRUE(v.code_signing_issuer);
  EXPECT_TRUE(Contains(v.revocation, "(CRL of " + SubjectLine(ibm_.get()) + ")")) << v.revocation;
  EXPECT_TRUE(Contains(v.revocation, "(CRL of " + SubjectLine(intermediate_.get()) + ")")) << v.revocation;
}

TEST_F(ChainTest, LeafRevokedByTheCodeSigningCertificateIsRefused) {
  X509CrlPtr by_ibm = Crl(ibm_.get(), signing_key_.get(), {leaf_.get()});
  X509CrlPtr by_ca = Crl(intermediate_.get(), intermediate_key_.get(), {});
  ExpectRefused(Verify(Input(leaf_.get(), ibm_.get(), {by_ibm.get(), by_ca.get()})), "certificate revoked (depth 0");
}

TEST_F(ChainTest, CodeSigningCertificateRevokedByItsCaIsRefused) {
  X509CrlPtr by_ibm = Crl(ibm_.get(), signing_key_.get(), {});
  X509CrlPtr by_ca = Crl(intermediate_.get(), intermediate_key_.get(), {ibm_.get()});
  const ChainVerdict v = Verify(Input(leaf_.get(), ibm_.get(), {by_ibm.get(), by_ca.get()}));
  ExpectRefused(v, "certificate revoked (depth 1");
  EXPECT_TRUE(Contains(v.reason, SubjectLine(ibm_.get()))) << v.reason;
}

TEST_F(ChainTest, MissingCrlOfEitherIssuerIsRefused) {
  X509CrlPtr by_ibm = Crl(ibm_.get(), signing_key_.get(), {});
  X509CrlPtr by_ca = Crl(intermediate_.get(), intermediate_key_.get(), {});
  ExpectRefused(Verify(Input(leaf_.get(), ibm_.get(), {by_ca.get()})), "no CRL from " + SubjectLine(ibm_.get()));
  ExpectRefused(Verify(Input(leaf_.get(), ibm_.get(), {by_ibm.get()})),
                "no CRL from " + SubjectLine(intermediate_.get()));
}

TEST_F(ChainTest, UnusableCrlOfTheCodeSigningCertificateIsRefused) {
  X509CrlPtr by_ca = Crl(intermediate_.get(), intermediate_key_.get(), {});
  // Named after IBM's certificate, signed by another key.
  X509CrlPtr forged = Crl(ibm_.get(), intermediate_key_.get(), {});
  ExpectRefused(Verify(Input(leaf_.get(), ibm_.get(), {forged.get(), by_ca.get()})), "CRL signature failure");
  // Out of date.
  X509CrlPtr stale = Crl(ibm_.get(), signing_key_.get(), {}, -30, -1);
  ExpectRefused(Verify(Input(leaf_.get(), ibm_.get(), {stale.get(), by_ca.get()})), "CRL has expired");
  // A stale CRL beside a current one: the current one counts.
  X509CrlPtr current = Crl(ibm_.get(), signing_key_.get(), {});
  EXPECT_TRUE(Verify(Input(leaf_.get(), ibm_.get(), {stale.get(), current.get(), by_ca.get()})).ok);
}

TEST_F(ChainTest, CodeSigningCertificateAsTrustAnchorIsNotTheShape) {
  ChainInput in = Input(leaf_.get(), ibm_.get());
  in.intermediates = {intermediate_.get()};
  in.anchors = {root_.get(), ibm_.get()};
  const ChainVerdict v = Verify(in);
  EXPECT_FALSE(v.ok);
  EXPECT_FALSE(v.code_signing_issuer);
}

// --- the dates of a certificate given to encrypt for ------------------------------------------

std::time_t Utc(int year, int month, int day) {
  struct tm tm {};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  return timegm(&tm);
}

constexpr const char* kExpiredIbm = "interop/ibm-certs/ibm-hyper-protect-confidential-container-25.12.0-encrypt.crt";

TEST(CertificateDatesTest, ExpiredIbmCertificateWarns) {
  const std::string path = test::SharedPath(kExpiredIbm);
  auto cert = CertificateFromPem(test::ReadText(path), path);
  ASSERT_TRUE(cert.ok()) << cert.error().message;
  // notBefore 2025-08-12 11:55:30, notAfter 2026-08-12 11:55:40 (GMT).
  EXPECT_EQ(CertificateValidityWarning(cert->get(), Utc(2026, 12, 1), path),
            path + " expired on 2026-08-12 (notAfter); the runtime may no longer accept contracts for it");
  EXPECT_EQ(CertificateValidityWarning(cert->get(), Utc(2026, 1, 1), path), "");
  EXPECT_EQ(CertificateValidityWarning(cert->get(), Utc(2025, 1, 1), path),
            path + " is not valid before 2025-08-12 (notBefore; notAfter 2026-08-12); the runtime may not accept "
                   "contracts for it yet");
  EXPECT_EQ(PemCertificateValidityWarning(test::ReadText(path), Utc(2026, 12, 1), "x.crt"),
            "x.crt expired on 2026-08-12 (notAfter); the runtime may no longer accept contracts for it");
}

TEST(CertificateDatesTest, OnlyTheExpiredOneOfIbmsCertificatesWarnsOnDecemberFirst2026) {
  int seen = 0;
  for (const auto& entry : std::filesystem::directory_iterator(test::SharedPath("interop/ibm-certs"))) {
    const std::string path = entry.path().string();
    const std::string warning = PemCertificateValidityWarning(test::ReadText(path), Utc(2026, 12, 1), path);
    EXPECT_EQ(!warning.empty(), path.find("25.12.0") != std::string::npos) << path << ": " << warning;
    ++seen;
  }
  EXPECT_EQ(seen, 12);
}

TEST(CertificateDatesTest, ContractAuthorReturnsTheWarning) {
  test::TempDir tmp;
  test::WriteText(tmp.Sub("workload.yaml"), "type: workload\n");
  test::WriteText(tmp.Sub("env.yaml"), "type: env\n");
  ContractAuthorOptions o;
  o.workload_file = tmp.Sub("workload.yaml");
  o.env_file = tmp.Sub("env.yaml");
  o.encrypt_for = test::SharedPath(kExpiredIbm);
  o.now = Utc(2026, 12, 1);
  auto contract = AuthorContract(o);
  ASSERT_TRUE(contract.ok()) << contract.error().message;
  ASSERT_EQ(contract->warnings.size(), 1U);
  EXPECT_EQ(contract->warnings[0],
            o.encrypt_for + " expired on 2026-08-12 (notAfter); the runtime may no longer accept contracts for it");
  o.now = Utc(2026, 1, 1);
  contract = AuthorContract(o);
  ASSERT_TRUE(contract.ok()) << contract.error().message;
  EXPECT_TRUE(contract->warnings.empty());
}

TEST(CertificateDatesTest, PublicKeysHaveNoDates) {
  EXPECT_EQ(PemCertificateValidityWarning(test::Fixture("keys/contract.pub"), Utc(2100, 1, 1), "contract.pub"), "");
  EXPECT_EQ(PemCertificateValidityWarning("-----BEGIN CERTIFICATE-----\nnot base64\n", Utc(2100, 1, 1), "bad.crt"), "");
}

}  // namespace
}  // namespace seattest
