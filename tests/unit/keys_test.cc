#include "crypto/keys.h"

#include <gtest/gtest.h>

#include <string>

#include "core/hex.h"
#include "test_support.h"

namespace seattest {
namespace {

using test::Fixture;

// sha256 of the DER SubjectPublicKeyInfo of keys/attestation.pub:
// openssl pkey -pubin -in attestation.pub -outform DER | sha256sum
constexpr std::string_view kAttestationFingerprint =
    "a80459df8139dc7573f5c16ffe9fa16792bcf46ea5ab52bc4652a205e4004e62";

std::string FingerprintOf(const EVP_PKEY* key) {
  auto fp = PublicKeyFingerprint(key);
  if (!fp) {
    ADD_FAILURE() << fp.error().message;
    return {};
  }
  return ToHex(*fp);
}

TEST(KeysTest, PrivateKeyPkcs8AndTraditional) {
  auto pkcs8 = PrivateKeyFromPem(Fixture("keys/contract.key"), "contract.key");
  ASSERT_TRUE(pkcs8.ok()) << pkcs8.error().message;
  auto traditional = PrivateKeyFromPem(Fixture("keys/contract.traditional.key"), "t");
  ASSERT_TRUE(traditional.ok()) << traditional.error().message;
  EXPECT_EQ(FingerprintOf(pkcs8->get()), FingerprintOf(traditional->get()));
  EXPECT_TRUE(RequireRsa(pkcs8->get(), 4096, 4096, "contract key").ok());
}

TEST(KeysTest, PrivateKeyErrorsNameTheSource) {
  for (const std::string& pem : {std::string(""), std::string("garbage"), Fixture("keys/contract.pub"),
                                 Fixture("keys/contract.crt"),
                                 Fixture("keys/contract.key").substr(0, 1000)}) {
    auto key = PrivateKeyFromPem(pem, "/etc/se-attest/attestation.key");
    ASSERT_FALSE(key.ok());
    EXPECT_EQ(key.error().message.rfind("/etc/se-attest/attestation.key: ", 0), 0u) << key.error().message;
  }
}

TEST(KeysTest, EncryptedPrivateKeyIsAnErrorNotAPrompt) {
  auto key = PrivateKeyFromPem(Fixture("keys/rsa2048.encrypted.key"), "encrypted.key");
  EXPECT_FALSE(key.ok());
}

TEST(KeysTest, PublicKeyFromEveryPemForm) {
  const std::string expected = FingerprintOf(test::TestPrivateKey("contract.key").get());
  ASSERT_FALSE(expected.empty());
  for (const char* name : {"keys/contract.pub", "keys/contract.rsa-public.pem", "keys/contract.crt"}) {
    auto key = PublicKeyFromPem(Fixture(name), name);
    ASSERT_TRUE(key.ok()) << name << ": " << key.error().message;
    EXPECT_EQ(FingerprintOf(key->get()), expected) << name;
  }
}

TEST(KeysTest, PublicKeyErrorsNameTheSource) {
  for (const std::string& pem :
       {std::string(""), std::string("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"),
        std::string("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"),
        Fixture("keys/contract.pub").substr(0, 300)}) {
    auto key = PublicKeyFromPem(pem, "cidata/user-data: attestationPublicKey");
    ASSERT_FALSE(key.ok()) << pem;
    EXPECT_EQ(key.error().message.rfind("cidata/user-data: attestationPublicKey: ", 0), 0u)
        << key.error().message;
  }
}

TEST(KeysTest, CertificateFromPem) {
  auto cert = CertificateFromPem(Fixture("keys/attestation.crt"), "attestation.crt");
  ASSERT_TRUE(cert.ok()) << cert.error().message;
  auto pem = CertificatePem(cert->get());
  ASSERT_TRUE(pem.ok()) << pem.error().message;
  EXPECT_EQ(*pem, Fixture("keys/attestation.crt"));
  auto bad = CertificateFromPem(Fixture("keys/attestation.pub"), "attestation.pub");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message.rfind("attestation.pub: ", 0), 0u) << bad.error().message;
}

TEST(KeysTest, RequireRsa) {
  EvpPkeyPtr rsa4096 = test::TestPrivateKey("attestation.key");
  EvpPkeyPtr rsa2048 = test::TestPrivateKey("rsa2048.key");
  EvpPkeyPtr ec = test::TestPrivateKey("ec-p256.key");
  ASSERT_TRUE(rsa4096 && rsa2048 && ec);
  EXPECT_TRUE(RequireRsa(rsa4096.get(), 2048, 4096, "k").ok());
  EXPECT_TRUE(RequireRsa(rsa4096.get(), 2048, 0, "k").ok());
  EXPECT_TRUE(RequireRsa(rsa2048.get(), 2048, 0, "k").ok());

  Status exact = RequireRsa(rsa2048.get(), 2048, 4096, "attestation key");
  ASSERT_FALSE(exact.ok());
  EXPECT_EQ(exact.error().message, "attestation key: RSA-2048, expected RSA-4096");
  Status short_key = RequireRsa(rsa2048.get(), 3072, 0, "k");
  ASSERT_FALSE(short_key.ok());
  EXPECT_NE(short_key.error().message.find("RSA-2048"), std::string::npos) << short_key.error().message;
  Status not_rsa = RequireRsa(ec.get(), 2048, 0, "k");
  ASSERT_FALSE(not_rsa.ok());
  EXPECT_EQ(not_rsa.error().message, "k: not an RSA key");
}

TEST(KeysTest, PublicKeyPemIsWhatOpensslWrites) {
  EvpPkeyPtr key = test::TestPrivateKey("attestation.key");
  ASSERT_TRUE(key);
  auto pem = PublicKeyPem(key.get());
  ASSERT_TRUE(pem.ok()) << pem.error().message;
  EXPECT_EQ(*pem, Fixture("keys/attestation.pub"));
}

TEST(KeysTest, PrivateKeyPemRoundTrip) {
  EvpPkeyPtr key = test::TestPrivateKey("contract.traditional.key");
  ASSERT_TRUE(key);
  auto pem = PrivateKeyPem(key.get());
  ASSERT_TRUE(pem.ok()) << pem.error().message;
  EXPECT_EQ(pem->view().rfind("-----BEGIN PRIVATE KEY-----\n", 0), 0u);  // PKCS#8
  EXPECT_EQ(pem->view(), Fixture("keys/contract.key"));
  auto back = PrivateKeyFromPem(pem->view(), "back");
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(FingerprintOf(back->get()), FingerprintOf(key.get()));
}

TEST(KeysTest, FingerprintIsSha256OfDerSubjectPublicKeyInfo) {
  EXPECT_EQ(FingerprintOf(test::TestPublicKey("attestation.pub").get()), kAttestationFingerprint);
  EXPECT_EQ(FingerprintOf(test::TestPublicKey("attestation.crt").get()), kAttestationFingerprint);
  EXPECT_EQ(FingerprintOf(test::TestPrivateKey("attestation.key").get()), kAttestationFingerprint);
  EXPECT_NE(FingerprintOf(test::TestPublicKey("contract.pub").get()), kAttestationFingerprint);
}

}  // namespace
}  // namespace seattest
