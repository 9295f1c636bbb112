#include "crypto/token.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <cctype>
#include <set>
#include <string>

#include "core/token_format.h"
#include "crypto/rsa.h"
#include "test_support.h"

namespace seattest {
namespace {

using test::Fixture;
using test::SharedPath;

std::string Decrypt(EVP_PKEY* key, std::string_view token) {
  auto plain = DecryptToken(key, token);
  if (!plain) {
    ADD_FAILURE() << plain.error().message;
    return {};
  }
  return std::string(plain->view());
}

// Decrypts <B> the way `openssl enc -d -aes-256-cbc -pbkdf2` does, from a known password, without
// the library's token code: checks the format independently.
std::string OpensslEncDecrypt(std::string_view password, const Bytes& message) {
  EXPECT_GE(message.size(), 32u);
  if (message.size() < 32) return {};
  EXPECT_EQ(std::string(message.begin(), message.begin() + 8), "Salted__");
  unsigned char key_iv[48];
  EXPECT_EQ(PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), message.data() + 8, 8,
                              10000, EVP_sha256(), sizeof key_iv, key_iv),
            1);
  EvpCipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  EXPECT_EQ(EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_cbc(), nullptr, key_iv, key_iv + 32), 1);
  std::string out(message.size(), '\0');
  int n1 = 0;
  int n2 = 0;
  EXPECT_EQ(EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &n1,
                              message.data() + 16, static_cast<int>(message.size() - 16)),
            1);
  EXPECT_EQ(EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(out.data()) + n1, &n2), 1);
  out.resize(static_cast<std::size_t>(n1) + static_cast<std::size_t>(n2));
  return out;
}

class TokenTest : public ::testing::Test {
 protected:
  void SetUp() override {
    contract_private_ = test::TestPrivateKey("contract.key");
    contract_public_ = test::TestPublicKey("contract.crt");
    ASSERT_TRUE(contract_private_ && contract_public_);
  }
  EvpPkeyPtr contract_private_;
  EvpPkeyPtr contract_public_;
};

TEST_F(TokenTest, RoundTrip) {
  auto token = EncryptToken(contract_public_.get(), "type: env\nlogging: {}\n");
  ASSERT_TRUE(token.ok()) << token.error().message;
  EXPECT_EQ(Decrypt(contract_private_.get(), *token), "type: env\nlogging: {}\n");
}

TEST(TokenSizesTest, RoundTripOfEveryPaddingCase) {
  // RSA-2048 keeps the many private-key operations cheap under emulation.
  EvpPkeyPtr pub = test::TestPublicKey("rsa2048.pub");
  EvpPkeyPtr priv = test::TestPrivateKey("rsa2048.key");
  ASSERT_TRUE(pub && priv);
  for (const std::string& plain :
       {std::string(""), std::string("x"), std::string(15, 'a'), std::string(16, 'b'),
        std::string(17, 'c'), std::string(32, 'd'), std::string("binary\0\xff\x80 bytes\n", 16),
        std::string(100000, 'z')}) {
    auto token = EncryptToken(pub.get(), plain);
    ASSERT_TRUE(token.ok()) << token.error().message;
    auto parts = ParseToken(*token);
    ASSERT_TRUE(parts.ok()) << parts.error().message;
    EXPECT_EQ(parts->encrypted_password.size(), 256u);
    EXPECT_EQ(parts->encrypted_message.size(), 16 + (plain.size() / 16 + 1) * 16) << plain.size();
    EXPECT_EQ(Decrypt(priv.get(), *token), plain) << plain.size() << " bytes";
  }
}

TEST_F(TokenTest, HasTheSpecShape) {
  const std::string plain = "1.0.0\nMachine Type/Plant/Serial: 3932/02/860A8\n";
  auto token = EncryptToken(contract_public_.get(), plain);
  ASSERT_TRUE(token.ok()) << token.error().message;
  EXPECT_EQ(token->rfind("hyper-protect-basic.", 0), 0u);
  EXPECT_EQ(token->find_first_of("\r\n \t"), std::string::npos) << "one line, never wrapped";
  auto parts = ParseToken(*token);
  ASSERT_TRUE(parts.ok()) << parts.error().message;
  EXPECT_EQ(parts->encrypted_password.size(), 512u);
  // Salted__ || salt(8) || AES-256-CBC with PKCS#7: 45 bytes of plaintext take 3 blocks.
  EXPECT_EQ(parts->encrypted_message.size(), 16u + 48u);
  // <A> holds the 32-character password; <B> opens with it as `openssl enc -pbkdf2` would.
  auto password = RsaDecrypt(contract_private_.get(), parts->encrypted_password);
  ASSERT_TRUE(password.ok()) << password.error().message;
  ASSERT_EQ(password->size(), 32u);
  for (char ch : password->view()) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(ch))) << ch;
  EXPECT_EQ(OpensslEncDecrypt(password->view(), parts->encrypted_message), plain);
}

TEST_F(TokenTest, EveryEncryptionIsFresh) {
  auto a = EncryptToken(contract_public_.get(), "same");
  auto b = EncryptToken(contract_public_.get(), "same");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(*a, *b);
  auto pa = ParseToken(*a);
  auto pb = ParseToken(*b);
  ASSERT_TRUE(pa.ok() && pb.ok());
  // Different salts.
  EXPECT_NE(Bytes(pa->encrypted_message.begin() + 8, pa->encrypted_message.begin() + 16),
            Bytes(pb->encrypted_message.begin() + 8, pb->encrypted_message.begin() + 16));
}

TEST_F(TokenTest, DecryptsTokenMadeByTheOpensslCommandLine) {
  EXPECT_EQ(Decrypt(contract_private_.get(), Fixture("token/cli-token.txt")), Fixture("token/cli-token.plain"));
  EXPECT_EQ(Decrypt(contract_private_.get(), Fixture("token/trailing-newline.txt")),
            Fixture("token/cli-token.plain"));
}

TEST_F(TokenTest, TraditionalRsaPrivateKeyDecryptsToo) {
  EvpPkeyPtr traditional = test::TestPrivateKey("contract.traditional.key");
  ASSERT_TRUE(traditional);
  EXPECT_EQ(Decrypt(traditional.get(), Fixture("token/cli-token.txt")), Fixture("token/cli-token.plain"));
}

TEST(TokenInteropTest, DecryptsRealHpcr2330Record) {
  auto key = PrivateKeyFromPem(test::ReadText(SharedPath("interop/hpcr-23.3.0.attestation-private.pem")), "hpcr-23.3.0");
  ASSERT_TRUE(key.ok()) << key.error().message;
  const std::string record =
      Decrypt(key->get(), test::ReadText(SharedPath("interop/hpcr-23.3.0/se-checksums.txt.enc")));
  EXPECT_EQ(record.substr(0, record.find('\n')), "23.3.0");
  EXPECT_EQ(record.size(), 669u);
  EXPECT_EQ(record.back(), '\n');
}

TEST(TokenInteropTest, DecryptsRealHpcr2433Record) {
  auto key = PrivateKeyFromPem(test::ReadText(SharedPath("interop/hpcr-24.3.3.attestation-private.pem")), "hpcr-24.3.3");
  ASSERT_TRUE(key.ok()) << key.error().message;
  const std::string record =
      Decrypt(key->get(), test::ReadText(SharedPath("interop/hpcr-24.3.3/se-checksums.txt.enc")));
  EXPECT_EQ(record.substr(0, record.find('\n')), "24.3.3");
  EXPECT_NE(record.find("\nMachine Type/Plant/Serial: 8562/02/4C598\n"), std::string::npos);
}

TEST(TokenInteropTest, OurTokenForTheHpcrKeyDecryptsWithItsPrivateKey) {
  // The attestationPublicKey of the real HPCR 23.3.0 contract as recipient.
  auto pub = PublicKeyFromPem(test::ReadText(SharedPath("interop/hpcr-23.3.0/attestationPublicKey")), "pub");
  auto priv = PrivateKeyFromPem(test::ReadText(SharedPath("interop/hpcr-23.3.0.attestation-private.pem")), "priv");
  ASSERT_TRUE(pub.ok() && priv.ok());
  auto token = EncryptToken(pub->get(), "1.0.0\n");
  ASSERT_TRUE(token.ok()) << token.error().message;
  EXPECT_EQ(Decrypt(priv->get(), *token), "1.0.0\n");
}

TEST_F(TokenTest, WrongKeyIsAnError) {
  EvpPkeyPtr other = test::TestPrivateKey("attestation.key");
  ASSERT_TRUE(other);
  auto plain = DecryptToken(other.get(), Fixture("token/cli-token.txt"));
  ASSERT_FALSE(plain.ok());
  EXPECT_FALSE(plain.error().message.empty());
  // A smaller key cannot even take the 512-byte <A>.
  EvpPkeyPtr small = test::TestPrivateKey("rsa2048.key");
  ASSERT_TRUE(small);
  EXPECT_FALSE(DecryptToken(small.get(), Fixture("token/cli-token.txt")).ok());
}

class TamperedTokenTest : public TokenTest, public ::testing::WithParamInterface<const char*> {};

TEST_P(TamperedTokenTest, IsAnError) {
  auto plain = DecryptToken(contract_private_.get(), Fixture(std::string("token/") + GetParam()));
  EXPECT_FALSE(plain.ok()) << GetParam() << " decrypted to '" << (plain.ok() ? plain->view() : "") << "'";
}

INSTANTIATE_TEST_SUITE_P(Fixtures, TamperedTokenTest,
                         ::testing::Values("empty.txt", "truncated.txt", "missing-part.txt",
                                           "three-parts.txt", "empty-password-part.txt",
                                           "wrong-prefix.txt", "no-salted-header.txt",
                                           "bad-base64.txt", "wrapped-base64.txt",
                                           "not-whole-blocks.txt", "flipped-last-block.txt",
                                           "flipped-password-part.txt"),
                         [](const auto& p) { return test::ParamName(p.param); });

TEST_F(TokenTest, ErrorsSayWhichStageFailed) {
  auto form = DecryptToken(contract_private_.get(), Fixture("token/no-salted-header.txt"));
  ASSERT_FALSE(form.ok());
  EXPECT_NE(form.error().message.find("token:"), std::string::npos) << form.error().message;
  auto aes = DecryptToken(contract_private_.get(), Fixture("token/flipped-last-block.txt"));
  ASSERT_FALSE(aes.ok());
  EXPECT_NE(aes.error().message.find("AES"), std::string::npos) << aes.error().message;
}

TEST(RandomTokenPasswordTest, ThirtyTwoAlphanumericCharacters) {
  std::set<std::string> seen;
  std::set<char> alphabet;
  for (int i = 0; i < 300; ++i) {
    auto password = RandomTokenPassword();
    ASSERT_TRUE(password.ok()) << password.error().message;
    ASSERT_EQ(password->size(), 32u);
    for (char ch : password->view()) {
      ASSERT_TRUE((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'))
          << static_cast<int>(ch);
      alphabet.insert(ch);
    }
    seen.insert(std::string(password->view()));
  }
  EXPECT_EQ(seen.size(), 300u);
  // 9600 uniform draws from 62 characters reach every one of them (failure chance ~1e-40).
  EXPECT_EQ(alphabet.size(), 62u);
}

TEST(RandomTokenPasswordTest, Constants) {
  EXPECT_EQ(kTokenPasswordLength, 32);
  EXPECT_EQ(kTokenPbkdf2Iterations, 10000);
}

}  // namespace
}  // namespace seattest
