#include "crypto/rsa.h"

#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <algorithm>
#include <utility>
#include <vector>

#include <string>

#include "core/base64.h"
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

SecretBytes SecretOf(std::string_view text) { return SecretBytes(Bytes(text.begin(), text.end())); }

const std::string kReplacement = "RePlAcEmEnT0123456789abcdefghijk";  // 32 characters, as a token password

TEST(RsaEncryptTest, RoundTripAndWrongKey) {
  EvpPkeyPtr pub = test::TestPublicKey("rsa2048.pub");
  EvpPkeyPtr priv = test::TestPrivateKey("rsa2048.key");
  ASSERT_TRUE(pub && priv);
  const std::string password = "AbCdEfGhIjKlMnOpQrStUvWxYz012345";
  auto ct = RsaEncrypt(pub.get(), reinterpret_cast<const std::uint8_t*>(password.data()), password.size());
  ASSERT_TRUE(ct.ok()) << ct.error().message;
  EXPECT_EQ(ct->size(), 256u);
  auto back = RsaDecryptOr(priv.get(), *ct, SecretOf(kReplacement));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->view(), password);
  // PKCS#1 v1.5 encryption is randomised.
  auto ct2 = RsaEncrypt(pub.get(), reinterpret_cast<const std::uint8_t*>(password.data()), password.size());
  ASSERT_TRUE(ct2.ok());
  EXPECT_NE(*ct, *ct2);
  // Too long for the key.
  const std::string too_long(300, 'x');
  EXPECT_FALSE(RsaEncrypt(pub.get(), reinterpret_cast<const std::uint8_t*>(too_long.data()), too_long.size()).ok());
}

// Implicit rejection: whatever cannot be decrypted gives the replacement, never an error, and
// leaves no OpenSSL reason in the error queue.
TEST(RsaDecryptOrTest, AnythingButAValidBlockGivesTheReplacement) {
  EvpPkeyPtr pub = test::TestPublicKey("rsa2048.pub");
  EvpPkeyPtr priv = test::TestPrivateKey("rsa2048.key");
  ASSERT_TRUE(pub && priv);
  // A valid ciphertext of a block that is not PKCS#1 v1.5 (raw RSA of 00 01 ...): what a
  // Bleichenbacher query looks like.
  Bytes raw(256, 0x5a);
  raw[0] = 0x00;
  raw[1] = 0x01;
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, pub.get(), nullptr));
  ASSERT_TRUE(ctx);
  ASSERT_EQ(EVP_PKEY_encrypt_init(ctx.get()), 1);
  ASSERT_EQ(EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_NO_PADDING), 1);
  Bytes bad_block(256);
  std::size_t len = bad_block.size();
  ASSERT_EQ(EVP_PKEY_encrypt(ctx.get(), bad_block.data(), &len, raw.data(), raw.size()), 1);
  ASSERT_EQ(len, 256u);
  for (const Bytes& ct : {bad_block, Bytes(512, 1), Bytes(256, 0xff) /* not below the modulus */, Bytes(1, 0)}) {
    auto out = RsaDecryptOr(priv.get(), ct, SecretOf(kReplacement));
    ASSERT_TRUE(out.ok()) << out.error().message;
    EXPECT_EQ(out->view(), kReplacement) << ct.size();
    EXPECT_EQ(ERR_peek_error(), 0u);
  }
  // No replacement, or one longer than the key's largest message: an error, not a guess.
  EXPECT_FALSE(RsaDecryptOr(priv.get(), bad_block, SecretBytes()).ok());
  EXPECT_FALSE(RsaDecryptOr(priv.get(), bad_block, SecretBytes(246)).ok());
}

// IBM's contract-go sample: the password of a key protected with a passphrase is "Test encrypted
// data\n" (20 bytes): messages of any length come back whole.
TEST(RsaDecryptOrTest, ContractGoSampleOfTwentyBytes) {
  const std::string pem = test::ReadText(SharedPath("interop/contract-go/decrypt/private_encrypted.key"));
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  ASSERT_TRUE(bio);
  char pass[] = "decryptpass";
  EvpPkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, pass));
  ASSERT_TRUE(key);
  std::string b64 = test::ReadText(SharedPath("interop/contract-go/decrypt/encrypt_encrypted.txt"));
  while (!b64.empty() && (b64.back() == '\n' || b64.back() == '\r')) b64.pop_back();
  auto ct = Base64Decode(b64);
  ASSERT_TRUE(ct.has_value());
  auto out = RsaDecryptOr(key.get(), *ct, SecretOf(kReplacement));
  ASSERT_TRUE(out.ok()) << out.error().message;
  EXPECT_EQ(out->view(), "Test encrypted data\n");
}

// The padding check alone, over bytes: a block of k bytes 00 02 PS 00 M.
SecretBytes Block(std::size_t k, std::size_t padding, std::string_view message) {
  Bytes em(k, 0);
  em[1] = 0x02;
  for (std::size_t i = 0; i < padding; ++i) em[2 + i] = static_cast<std::uint8_t>(1 + (i * 37) % 255);
  EXPECT_EQ(2 + padding + 1 + message.size(), k);
  std::copy(message.begin(), message.end(), em.begin() + static_cast<std::ptrdiff_t>(3 + padding));
  return SecretBytes(std::move(em));
}

std::string CheckedMessage(const SecretBytes& em) {
  return std::string(Pkcs1Type2MessageOr(em, SecretOf(kReplacement)).view());
}

TEST(Pkcs1Type2Test, ValidBlocksGiveTheirMessageOfAnyLength) {
  for (std::size_t k : {std::size_t{64}, std::size_t{256}, std::size_t{512}}) {
    for (std::size_t size : {std::size_t{1}, std::size_t{20}, std::size_t{32}, std::size_t{33}, k / 2, k - 11}) {
      std::string message(size, 'm');
      for (std::size_t i = 0; i < size; ++i) message[i] = static_cast<char>('A' + i % 26);
      message[0] = '\0';  // zero bytes inside the message are message bytes
      EXPECT_EQ(CheckedMessage(Block(k, k - 3 - size, message)), message) << k << " " << size;
    }
  }
  // Exactly 8 padding bytes, the least allowed.
  EXPECT_EQ(CheckedMessage(Block(64, 8, std::string(53, 'x'))), std::string(53, 'x'));
}

TEST(Pkcs1Type2Test, EveryKindOfBadBlockGivesTheReplacement) {
  const std::size_t k = 256;
  const std::string message(32, 'p');
  std::vector<std::pair<std::string, SecretBytes>> bad;
  {
    SecretBytes b = Block(k, k - 35, message);
    b.data()[0] = 0x01;
    bad.emplace_back("first byte not 00", std::move(b));
  }
  {
    SecretBytes b = Block(k, k - 35, message);
    b.data()[1] = 0x01;  // a signature's block type
    bad.emplace_back("second byte not 02", std::move(b));
  }
  {
    SecretBytes b = Block(k, k - 35, message);
    b.data()[k - 33] = 0x01;  // the separator
    bad.emplace_back("no zero separator", std::move(b));
  }
  bad.emplace_back("7 padding bytes", Block(k, 7, std::string(k - 10, 'p')));
  bad.emplace_back("no padding bytes", Block(k, 0, std::string(k - 3, 'p')));
  bad.emplace_back("empty message", Block(k, k - 3, ""));
  bad.emplace_back("all zeros", SecretBytes(k));
  {
    SecretBytes b(k);
    for (std::size_t i = 0; i < k; ++i) b.data()[i] = 0xff;
    bad.emplace_back("all ones", std::move(b));
  }
  for (const auto& [what, em] : bad) {
    const SecretBytes out = Pkcs1Type2MessageOr(em, SecretOf(kReplacement));
    EXPECT_EQ(out.size(), kReplacement.size()) << what;
    EXPECT_EQ(out.view(), kReplacement) << what;
  }
}

TEST(Pkcs1Type2Test, ReplacementTooLongForTheBlockIsReturnedAsItIs) {
  EXPECT_EQ(Pkcs1Type2MessageOr(Block(40, 8, std::string(29, 'x')), SecretOf(kReplacement)).view(), kReplacement);
  EXPECT_TRUE(Pkcs1Type2MessageOr(Block(64, 8, std::string(53, 'x')), SecretBytes()).empty());
}

}  // namespace
}  // namespace seattest
