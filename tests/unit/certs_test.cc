// Certificates for the development key set, issued with the committed test keys (no key is
// generated here: RSA-4096 generation is too slow under qemu-user).
#include "crypto/certs.h"

#include <gtest/gtest.h>
#include <openssl/x509v3.h>

#include <string>

#include "crypto/keys.h"
#include "test_support.h"

namespace seattest {
namespace {

std::string CommonName(const X509* cert) {
  char buf[256] = {};
  X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, buf, sizeof buf);
  return buf;
}

TEST(CertsTest, SelfSignedRootAndIssuedLeaves) {
  EvpPkeyPtr ca_key = test::TestPrivateKey("attestation.key");
  EvpPkeyPtr leaf_key = test::TestPrivateKey("contract.key");
  ASSERT_TRUE(ca_key && leaf_key);

  auto root = IssueCertificate({"test root CA", CertProfile::kRootCa, 30}, ca_key.get(), nullptr, ca_key.get());
  ASSERT_TRUE(root.ok()) << root.error().message;
  EXPECT_EQ(CommonName(root->get()), "test root CA");
  EXPECT_EQ(X509_verify(root->get(), ca_key.get()), 1);
  EXPECT_EQ(X509_check_ca(root->get()), 1);
  EXPECT_TRUE(X509_get_key_usage(root->get()) & KU_KEY_CERT_SIGN);

  auto signing = IssueCertificate({"attestation", CertProfile::kSigning, 30}, leaf_key.get(), root->get(),
                                  ca_key.get());
  ASSERT_TRUE(signing.ok()) << signing.error().message;
  EXPECT_EQ(X509_verify(signing->get(), ca_key.get()), 1);
  EXPECT_NE(X509_verify(signing->get(), leaf_key.get()), 1);
  EXPECT_EQ(X509_check_ca(signing->get()), 0);
  EXPECT_EQ(X509_check_issued(root->get(), signing->get()), X509_V_OK);
  EXPECT_EQ(X509_get_key_usage(signing->get()), static_cast<uint32_t>(KU_DIGITAL_SIGNATURE));

  auto encryption = IssueCertificate({"contract", CertProfile::kEncryption, 30}, leaf_key.get(), root->get(),
                                     ca_key.get());
  ASSERT_TRUE(encryption.ok()) << encryption.error().message;
  EXPECT_EQ(X509_get_key_usage(encryption->get()),
            static_cast<uint32_t>(KU_KEY_ENCIPHERMENT | KU_DATA_ENCIPHERMENT));

  // The certificate carries the subject's key.
  auto pem = CertificatePem(encryption->get());
  ASSERT_TRUE(pem.ok());
  auto from_cert = PublicKeyFromPem(*pem, "cert");
  ASSERT_TRUE(from_cert.ok());
  EXPECT_EQ(EVP_PKEY_eq(from_cert->get(), leaf_key.get()), 1);
}

TEST(CertsTest, IntermediateCaHasPathLengthZero) {
  EvpPkeyPtr ca_key = test::TestPrivateKey("attestation.key");
  EvpPkeyPtr mid_key = test::TestPrivateKey("rsa2048.key");
  ASSERT_TRUE(ca_key && mid_key);
  auto root = IssueCertificate({"root", CertProfile::kRootCa, 30}, ca_key.get(), nullptr, ca_key.get());
  ASSERT_TRUE(root.ok());
  auto mid = IssueCertificate({"intermediate", CertProfile::kIntermediateCa, 30}, mid_key.get(), root->get(),
                              ca_key.get());
  ASSERT_TRUE(mid.ok()) << mid.error().message;
  EXPECT_EQ(X509_check_ca(mid->get()), 1);
  EXPECT_EQ(X509_get_pathlen(mid->get()), 0);
  EXPECT_EQ(X509_verify(mid->get(), ca_key.get()), 1);
}

}  // namespace
}  // namespace seattest
