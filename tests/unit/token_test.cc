#include "crypto/token.h"

#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

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

// <B> decrypted under `password` the way `openssl enc -d -aes-256-cbc -pbkdf2` does, without the
// library's token code (checks the format independently); nullopt when the padding is wrong.
std::optional<std::string> OpensslEncOpen(std::string_view password, const Bytes& message) {
  if (message.size() < 32) return std::nullopt;
  unsigned char key_iv[48];
  EXPECT_EQ(PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), message.data() + 8, 8,
                              10000, EVP_sha256(), sizeof key_iv, key_iv),
            1);
  EvpCipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  EXPECT_EQ(EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_cbc(), nullptr, key_iv, key_iv + 32), 1);
  std::string out(message.size(), '\0');
  auto* to = reinterpret_cast<unsigned char*>(out.data());
  int n1 = 0;
  int n2 = 0;
  const bool ok = EVP_DecryptUpdate(ctx.get(), to, &n1, message.data() + 16, static_cast<int>(message.size() - 16)) == 1 &&
                  EVP_DecryptFinal_ex(ctx.get(), to + n1, &n2) == 1;
  ERR_clear_error();
  if (!ok) return std::nullopt;
  out.resize(static_cast<std::size_t>(n1) + static_cast<std::size_t>(n2));
  return out;
}

std::string OpensslEncDecrypt(std::string_view password, const Bytes& message) {
  EXPECT_GE(message.size(), 32u);
  if (message.size() >= 8) {
    EXPECT_EQ(std::string(message.begin(), message.begin() + 8), "Salted__");
  }
  auto plain = OpensslEncOpen(password, message);
  EXPECT_TRUE(plain.has_value()) << "openssl enc -d: bad decrypt";
  return plain.value_or("");
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
  auto token = EncryptToken(contract_public_.get(), "type: env\nlogging: {}\n", TokenPrefix::kHyperProtectBasic);
  ASSERT_TRUE(token.ok()) << token.error().message;
  EXPECT_EQ(Decrypt(contract_private_.get(), *token), "type: env\nlogging: {}\n");
}

// The prefix is the caller's choice and the only difference: the parts after it are made and
// read the same way, so a contract-basic token opens with the same key.
TEST_F(TokenTest, EachPrefixIsWrittenAsChosenAndDecrypts) {
  for (TokenPrefix prefix : {TokenPrefix::kHyperProtectBasic, TokenPrefix::kContractBasic}) {
    auto token = EncryptToken(contract_public_.get(), "type: workload\n", prefix);
    ASSERT_TRUE(token.ok()) << token.error().message;
    EXPECT_EQ(token->rfind(std::string(TokenPrefixName(prefix)) + ".", 0), 0u) << *token;
    EXPECT_EQ(Decrypt(contract_private_.get(), *token), "type: workload\n");
    // Swapping the prefix leaves a token of the other kind that opens all the same.
    const std::string other = (prefix == TokenPrefix::kContractBasic ? "hyper-protect-basic" : "contract-basic") +
                              token->substr(token->find('.'));
    EXPECT_EQ(Decrypt(contract_private_.get(), other), "type: workload\n");
    EXPECT_FALSE(DecryptToken(contract_private_.get(), "hyper-protect-flex" + token->substr(token->find('.'))).ok());
  }
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
    auto token = EncryptToken(pub.get(), plain, TokenPrefix::kHyperProtectBasic);
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
  auto token = EncryptToken(contract_public_.get(), plain, TokenPrefix::kHyperProtectBasic);
  ASSERT_TRUE(token.ok()) << token.error().message;
  EXPECT_EQ(token->rfind("hyper-protect-basic.", 0), 0u);
  EXPECT_EQ(token->find_first_of("\r\n \t"), std::string::npos) << "one line, never wrapped";
  auto parts = ParseToken(*token);
  ASSERT_TRUE(parts.ok()) << parts.error().message;
  EXPECT_EQ(parts->encrypted_password.size(), 512u);
  // Salted__ || salt(8) || AES-256-CBC with PKCS#7: 45 bytes of plaintext take 3 blocks.
  EXPECT_EQ(parts->encrypted_message.size(), 16u + 48u);
  // <A> holds the 32-character password; <B> opens with it as `openssl enc -pbkdf2` would.
  const std::string replacement(32, '#');
  auto password = RsaDecryptOr(contract_private_.get(), parts->encrypted_password,
                               SecretBytes(Bytes(replacement.begin(), replacement.end())));
  ASSERT_TRUE(password.ok()) << password.error().message;
  ASSERT_EQ(password->size(), 32u);
  ASSERT_NE(password->view(), replacement);
  for (char ch : password->view()) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(ch))) << ch;
  EXPECT_EQ(OpensslEncDecrypt(password->view(), parts->encrypted_message), plain);
}

TEST_F(TokenTest, EveryEncryptionIsFresh) {
  auto a = EncryptToken(contract_public_.get(), "same", TokenPrefix::kHyperProtectBasic);
  auto b = EncryptToken(contract_public_.get(), "same", TokenPrefix::kHyperProtectBasic);
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
  auto token = EncryptToken(pub->get(), "1.0.0\n", TokenPrefix::kHyperProtectBasic);
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

TEST_F(TokenTest, FormatErrorsSayWhatIsWrongWithTheForm) {
  auto form = DecryptToken(contract_private_.get(), Fixture("token/no-salted-header.txt"));
  ASSERT_FALSE(form.ok());
  EXPECT_EQ(form.error().message.rfind("token: ", 0), 0u) << form.error().message;
  EXPECT_FALSE(IsUndecryptableToken(form.error()));
}

// A token whose <A> is replaced by `a` (the rest kept).
std::string WithPasswordPart(const std::string& token, const Bytes& a) {
  auto parts = ParseToken(token);
  EXPECT_TRUE(parts.ok());
  if (!parts) return {};
  parts->encrypted_password = a;
  return RenderToken(*parts);
}

// Raw RSA (no padding) of `block` under `pub`: a ciphertext of a block that is no PKCS#1 v1.5.
Bytes RawRsa(EVP_PKEY* pub, Bytes block) {
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, pub, nullptr));
  EXPECT_TRUE(ctx && EVP_PKEY_encrypt_init(ctx.get()) == 1 &&
              EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_NO_PADDING) == 1);
  Bytes out(block.size());
  std::size_t len = out.size();
  EXPECT_EQ(EVP_PKEY_encrypt(ctx.get(), out.data(), &len, block.data(), block.size()), 1);
  return out;
}

// The padding oracle (issue 13): a token whose RSA part is no PKCS#1 v1.5 block and one whose
// RSA part is good but whose AES part is not its own fail with the very same Error, and leave
// nothing in OpenSSL's error queue. So do the tampered fixtures and another key.
TEST_F(TokenTest, EveryDecryptionFailureIsTheSameError) {
  const std::string good = Fixture("token/cli-token.txt");
  std::vector<std::pair<std::string, std::string>> cases;
  for (int second : {0, 1, 2}) {
    Bytes block(512, 0x00);  // 00 02 and no separator, 00 01 ..., 00 00 ...
    block[1] = static_cast<std::uint8_t>(second);
    for (std::size_t i = 2; i < block.size(); ++i) block[i] = static_cast<std::uint8_t>(1 + i % 200);
    cases.emplace_back("bad RSA block 00 0" + std::to_string(second), WithPasswordPart(good, RawRsa(contract_public_.get(), block)));
  }
  {
    Bytes block(512, 0x41);  // 00 02, 8 padding bytes, 00, then a 500-byte "password"
    block[0] = 0x00;
    block[1] = 0x02;
    block[10] = 0x00;
    cases.emplace_back("good RSA block of another password", WithPasswordPart(good, RawRsa(contract_public_.get(), block)));
  }
  {
    // A good RSA part of another password. Its AES part (this token's) decrypts under that
    // password with a valid padding about once in 256 passwords (the format has no MAC): a fixed
    // password, checked by OpenSSL alone to fail the padding, keeps the case from flaking.
    const std::string other = "another password of 32 character";
    auto parts = ParseToken(good);
    ASSERT_TRUE(parts.ok());
    ASSERT_FALSE(OpensslEncOpen(other, parts->encrypted_message).has_value()) << "pick another password for this case";
    auto a = RsaEncrypt(contract_public_.get(), reinterpret_cast<const std::uint8_t*>(other.data()), other.size());
    ASSERT_TRUE(a.ok()) << a.error().message;
    cases.emplace_back("RSA part of a fixed other password, this token's AES part", WithPasswordPart(good, *a));
  }
  cases.emplace_back("flipped last block", Fixture("token/flipped-last-block.txt"));
  cases.emplace_back("flipped password part", Fixture("token/flipped-password-part.txt"));
  cases.emplace_back("RSA part too long", WithPasswordPart(good, Bytes(513, 7)));
  cases.emplace_back("RSA part above the modulus", WithPasswordPart(good, Bytes(512, 0xff)));
  EvpPkeyPtr other_key = test::TestPrivateKey("attestation.key");
  ASSERT_TRUE(other_key);
  for (const auto& [what, token] : cases) {
    ASSERT_FALSE(token.empty()) << what;
    auto plain = DecryptToken(contract_private_.get(), token);
    ASSERT_FALSE(plain.ok()) << what;
    EXPECT_EQ(plain.error().message, kTokenUndecryptable) << what;
    EXPECT_EQ(plain.error().kind, Error::Kind::kGeneric) << what;
    EXPECT_TRUE(IsUndecryptableToken(plain.error())) << what;
    EXPECT_EQ(ERR_peek_error(), 0u) << what;
  }
  auto wrong_key = DecryptToken(other_key.get(), good);
  ASSERT_FALSE(wrong_key.ok());
  EXPECT_EQ(wrong_key.error().message, kTokenUndecryptable);
  // The text names no stage and no OpenSSL reason.
  for (const char* word : {"RSA", "AES", "PBKDF2", "pkcs", "padding", "bad decrypt"}) {
    EXPECT_EQ(std::string(kTokenUndecryptable).find(word), std::string::npos) << word;
  }
}

// <B> as `openssl enc -aes-256-cbc -pbkdf2 -pass stdin` makes it for `password`, with a fixed
// salt: built without the library's token code.
Bytes OpensslEncEncrypt(std::string_view password, std::string_view plaintext) {
  const std::uint8_t salt[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  unsigned char key_iv[48];
  EXPECT_EQ(PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), salt, 8, 10000, EVP_sha256(),
                              sizeof key_iv, key_iv),
            1);
  EvpCipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  EXPECT_EQ(EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_cbc(), nullptr, key_iv, key_iv + 32), 1);
  Bytes out(16 + plaintext.size() + 16);
  std::copy_n("Salted__", 8, out.begin());
  std::copy_n(salt, 8, out.begin() + 8);
  int n1 = 0;
  int n2 = 0;
  EXPECT_EQ(EVP_EncryptUpdate(ctx.get(), out.data() + 16, &n1, reinterpret_cast<const unsigned char*>(plaintext.data()),
                              static_cast<int>(plaintext.size())),
            1);
  EXPECT_EQ(EVP_EncryptFinal_ex(ctx.get(), out.data() + 16 + n1, &n2), 1);
  out.resize(16 + static_cast<std::size_t>(n1) + static_cast<std::size_t>(n2));
  return out;
}

// A good PKCS#1 block whose message starts with a line break is an empty password, which anyone
// can make <B> for (PBKDF2 of "" and the salt <B> carries): were it used, a host could learn from
// a boot that its forged <A> was such a block. It is taken as the replacement password: the
// token does not decrypt. A one-character password before the line break does (the control).
TEST_F(TokenTest, EmptyPasswordBeforeALineBreakIsRefused) {
  for (const std::string& password : {std::string("\nABCDEFGHIJKLMNOPQRSTUVWXYZabcde"), std::string("x\nBCDEFGHIJKLMNOPQRSTUVWXYZabcde")}) {
    const std::string used = password.substr(0, password.find('\n'));
    auto a = RsaEncrypt(contract_public_.get(), reinterpret_cast<const std::uint8_t*>(password.data()), password.size());
    ASSERT_TRUE(a.ok()) << a.error().message;
    TokenParts parts;
    parts.encrypted_password = *a;
    parts.encrypted_message = OpensslEncEncrypt(used, "type: env\n");
    auto plain = DecryptToken(contract_private_.get(), RenderToken(parts));
    if (used.empty()) {
      ASSERT_FALSE(plain.ok()) << "a token for the empty password was decrypted";
      EXPECT_EQ(plain.error().message, kTokenUndecryptable);
    } else {
      ASSERT_TRUE(plain.ok()) << plain.error().message;
      EXPECT_EQ(std::string(plain->view()), "type: env\n");
    }
  }
}

// IBM's contract-go sample token: its password is 32 raw bytes with a line break after 14 of
// them, cut there as `openssl enc -pass stdin` does.
TEST(TokenInteropTest, DecryptsContractGoSampleToken) {
  auto key = PrivateKeyFromPem(test::ReadText(SharedPath("interop/contract-go/decrypt/private.key")), "private.key");
  ASSERT_TRUE(key.ok()) << key.error().message;
  std::string token = test::ReadText(SharedPath("interop/contract-go/decrypt/encrypt.txt"));
  EXPECT_EQ(Decrypt(key->get(), token), "hello-world");
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
