#include "crypto/rsa.h"

#include <gtest/gtest.h>
#include <openssl/rsa.h>

#include <string>

#include "core/hex.h"
#include "crypto/sha256.h"
#include "test_support.h"

namespace seattest {
namespace {

using test::Fixture;
using test::SharedPath;

Bytes ReadBytes(const std::string& path) { return ToBytes(test::ReadText(path)); }

bool Verifies(EVP_PKEY* key, std::string_view data, const Bytes& signature) {
  auto ok = VerifySha256(key, data, signature);
  if (!ok) {
    ADD_FAILURE() << ok.error().message;
    return false;
  }
  return *ok;
}

class RsaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    attestation_ = test::TestPrivateKey("attestation.key");
    attestation_cert_key_ = test::TestPublicKey("attestation.crt");
    contract_ = test::TestPrivateKey("contract.key");
    ASSERT_TRUE(attestation_ && attestation_cert_key_ && contract_);
    record_ = Fixture("record/spec-example.txt");
    ASSERT_FALSE(record_.empty());
  }
  std::string record_;  // the data signed
  EvpPkeyPtr attestation_;
  EvpPkeyPtr attestation_cert_key_;
  EvpPkeyPtr contract_;
};

TEST_F(RsaTest, SignThenVerify) {
  auto sig = SignSha256(attestation_.get(), record_);
  ASSERT_TRUE(sig.ok()) << sig.error().message;
  EXPECT_EQ(sig->size(), 512u);
  EXPECT_TRUE(Verifies(attestation_cert_key_.get(), record_, *sig));
  EXPECT_TRUE(Verifies(attestation_.get(), record_, *sig));
}

TEST_F(RsaTest, SignatureIsDeterministicPkcs1V15OverSha256) {
  auto a = SignSha256(attestation_.get(), record_);
  auto b = SignSha256(attestation_.get(), record_);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b);  // PKCS#1 v1.5 has no randomness (PSS would)
  // Recover the signed block with the public key: a DigestInfo(SHA-256) of the data.
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, attestation_cert_key_.get(), nullptr));
  ASSERT_TRUE(ctx);
  ASSERT_EQ(EVP_PKEY_verify_recover_init(ctx.get()), 1);
  ASSERT_EQ(EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING), 1);
  unsigned char out[512];
  std::size_t out_len = sizeof out;
  ASSERT_EQ(EVP_PKEY_verify_recover(ctx.get(), out, &out_len, a->data(), a->size()), 1);
  const std::string digest_info_prefix = "3031300d060960864801650304020105000420";
  EXPECT_EQ(ToHex(out, out_len), digest_info_prefix + ToHex(Sha256Of(record_)));
}

TEST_F(RsaTest, VerifyFailsOnAnyChange) {
  auto sig = SignSha256(attestation_.get(), record_);
  ASSERT_TRUE(sig.ok());
  std::string changed = record_;
  changed[10] ^= 0x01;
  EXPECT_FALSE(Verifies(attestation_cert_key_.get(), changed, *sig));
  EXPECT_FALSE(Verifies(attestation_cert_key_.get(), record_ + "\n", *sig));
  Bytes bad = *sig;
  bad[100] ^= 0x80;
  EXPECT_FALSE(Verifies(attestation_cert_key_.get(), record_, bad));
  EXPECT_FALSE(Verifies(attestation_cert_key_.get(), record_, Bytes(sig->begin(), sig->end() - 1)));
  EXPECT_FALSE(Verifies(attestation_cert_key_.get(), record_, Bytes{}));
  EXPECT_FALSE(Verifies(contract_.get(), record_, *sig));  // another key
}

// interop/signed-example: a real HPCR record and its se-signature.bin by attestation.crt's key.
class SignedExampleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto key = PublicKeyFromPem(test::ReadText(SharedPath("interop/signed-example/attestation.crt")),
                                "attestation.crt");
    ASSERT_TRUE(key.ok()) << key.error().message;
    key_ = std::move(*key);
    record_ = test::ReadText(SharedPath("interop/signed-example/se-checksums.txt"));
    signature_ = ReadBytes(SharedPath("interop/signed-example/se-signature.bin"));
    ASSERT_EQ(signature_.size(), 512u);
  }
  EvpPkeyPtr key_;
  std::string record_;
  Bytes signature_;
};

TEST_F(SignedExampleTest, Verifies) { EXPECT_TRUE(Verifies(key_.get(), record_, signature_)); }

TEST_F(SignedExampleTest, FailsAfterFlippingARecordByte) {
  for (std::size_t pos : {std::size_t{0}, record_.size() / 2, record_.size() - 1}) {
    std::string changed = record_;
    changed[pos] ^= 0x01;
    EXPECT_FALSE(Verifies(key_.get(), changed, signature_)) << "byte " << pos;
  }
}

TEST_F(SignedExampleTest, FailsAfterFlippingASignatureByte) {
  for (std::size_t pos : {std::size_t{0}, std::size_t{255}, std::size_t{511}}) {
    Bytes changed = signature_;
    changed[pos] ^= 0x01;
    EXPECT_FALSE(Verifies(key_.get(), record_, changed)) << "byte " << pos;
  }
}

TEST(RsaEncryptTest, RoundTripAndWrongKey) {
  EvpPkeyPtr pub = test::TestPublicKey("rsa2048.pub");
  EvpPkeyPtr priv = test::TestPrivateKey("rsa2048.key");
  ASSERT_TRUE(pub && priv);
  const std::string password = "AbCdEfGhIjKlMnOpQrStUvWxYz012345";
  auto ct = RsaEncrypt(pub.get(), reinterpret_cast<const std::uint8_t*>(password.data()), password.size());
  ASSERT_TRUE(ct.ok()) << ct.error().message;
  EXPECT_EQ(ct->size(), 256u);
  auto back = RsaDecrypt(priv.get(), *ct);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->view(), password);
  // PKCS#1 v1.5 encryption is randomised.
  auto ct2 = RsaEncrypt(pub.get(), reinterpret_cast<const std::uint8_t*>(password.data()), password.size());
  ASSERT_TRUE(ct2.ok());
  EXPECT_NE(*ct, *ct2);
  // Too long for the key.
  const std::string too_long(300, 'x');
  EXPECT_FALSE(RsaEncrypt(pub.get(), reinterpret_cast<const std::uint8_t*>(too_long.data()), too_long.size()).ok());
  // Wrong size for the key.
  EXPECT_FALSE(RsaDecrypt(priv.get(), Bytes(512, 1)).ok());
}

}  // namespace
}  // namespace seattest
