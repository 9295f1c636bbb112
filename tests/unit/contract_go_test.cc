// IBM's contract-go samples (../shared/interop/contract-go, README.md there), read from where
// they are, never copied: each vector and what our readers make of it (issue 17). The command-line
// side (decrypt --passin on them, checked against openssl) is tests/e2e/passphrase-cli.sh.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <string>
#include <string_view>
#include <utility>

#include "core/base64.h"
#include "core/contract.h"
#include "core/hex.h"
#include "core/token_format.h"
#include "crypto/keys.h"
#include "crypto/rsa.h"
#include "crypto/token.h"
#include "test_support.h"

namespace seattest {
namespace {

using test::SharedPath;

std::string Sample(std::string_view relative) {
  return test::ReadText(SharedPath("interop/contract-go/" + std::string(relative)));
}

class Passphrase final : public PassphraseSource {
 public:
  explicit Passphrase(std::string text) : text_(std::move(text)) {}
  Result<SecretBytes> Get(std::string_view /*key_name*/) override {
    SecretBytes out(text_.size());
    std::copy(text_.begin(), text_.end(), out.data());
    return out;
  }

 private:
  std::string text_;
};

std::string Fingerprint(const EVP_PKEY* key) {
  auto fp = PublicKeyFingerprint(key);
  return fp ? ToHex(*fp) : std::string("(none)");
}

// No section of these samples is a token: any call is a test failure.
Result<std::string> NoTokens(std::string_view token) {
  ADD_FAILURE() << "unexpected token " << token.substr(0, 40);
  return MakeError("no tokens expected");
}

TEST(ContractGoTest, DecryptTokenIsHelloWorld) {
  auto key = PrivateKeyFromPem(Sample("decrypt/private.key"), "decrypt/private.key");
  ASSERT_TRUE(key.ok()) << key.error().message;
  const std::string token = Sample("decrypt/encrypt.txt");
  auto parts = ParseToken(token);
  ASSERT_TRUE(parts.ok()) << parts.error().message;
  EXPECT_EQ(parts->prefix, TokenPrefix::kHyperProtectBasic);
  auto plain = DecryptToken(key->get(), token);
  ASSERT_TRUE(plain.ok()) << plain.error().message;
  EXPECT_EQ(std::string(plain->view()), "hello-world");
  // decrypt/public.key is its public half.
  auto pub = PublicKeyFromPem(Sample("decrypt/public.key"), "decrypt/public.key");
  ASSERT_TRUE(pub.ok()) << pub.error().message;
  EXPECT_EQ(Fingerprint(pub->get()), Fingerprint(key->get()));
}

// Part A alone: RSA PKCS#1 v1.5 for decrypt/public_encrypted.key, whose private key is protected
// by "decryptpass". `openssl pkeyutl -decrypt -passin pass:decryptpass` gives the same text
// (tests/e2e/passphrase-cli.sh).
TEST(ContractGoTest, EncryptedPartOpensWithThePassphraseProtectedKey) {
  Passphrase passphrase("decryptpass");
  auto key = PrivateKeyFromPem(Sample("decrypt/private_encrypted.key"), "decrypt/private_encrypted.key", &passphrase);
  ASSERT_TRUE(key.ok()) << key.error().message;
  auto pub = PublicKeyFromPem(Sample("decrypt/public_encrypted.key"), "decrypt/public_encrypted.key");
  ASSERT_TRUE(pub.ok()) << pub.error().message;
  EXPECT_EQ(Fingerprint(pub->get()), Fingerprint(key->get()));
  auto ciphertext = Base64Decode(Sample("decrypt/encrypt_encrypted.txt"), true);
  ASSERT_TRUE(ciphertext.has_value());
  SecretBytes replacement(8);
  std::fill(replacement.data(), replacement.data() + replacement.size(), 'R');
  auto plain = RsaDecryptOr(key->get(), *ciphertext, replacement);
  ASSERT_TRUE(plain.ok()) << plain.error().message;
  EXPECT_EQ(std::string(plain->view()), "Test encrypted data\n");

  Passphrase wrong("decryptpas");
  auto refused = PrivateKeyFromPem(Sample("decrypt/private_encrypted.key"), "private_encrypted.key", &wrong);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().message, "private_encrypted.key: wrong passphrase");
  auto required = PrivateKeyFromPem(Sample("decrypt/private_encrypted.key"), "private_encrypted.key");
  ASSERT_FALSE(required.ok());
  EXPECT_EQ(required.error().message, "private_encrypted.key: passphrase required (an encrypted private key; give --passin)");
}

// encrypt/private_encrypted.pem opens with "testpassword": an RSA-2048 key of its own, not the key
// of encrypt/public.pem (RSA-4096, whose private key is encrypt/private.pem).
TEST(ContractGoTest, PrivateEncryptedPemOpensAndIsAKeyOfItsOwn) {
  Passphrase passphrase("testpassword");
  auto key = PrivateKeyFromPem(Sample("encrypt/private_encrypted.pem"), "encrypt/private_encrypted.pem", &passphrase);
  ASSERT_TRUE(key.ok()) << key.error().message;
  EXPECT_TRUE(RequireRsa(key->get(), 2048, 2048, "private_encrypted.pem").ok());
  auto pub = PublicKeyFromPem(Sample("encrypt/public.pem"), "encrypt/public.pem");
  ASSERT_TRUE(pub.ok()) << pub.error().message;
  EXPECT_NE(Fingerprint(pub->get()), Fingerprint(key->get()));
  auto plain = PrivateKeyFromPem(Sample("encrypt/private.pem"), "encrypt/private.pem");
  ASSERT_TRUE(plain.ok()) << plain.error().message;
  EXPECT_EQ(Fingerprint(pub->get()), Fingerprint(plain->get()));
  EXPECT_TRUE(RequireRsa(plain->get(), 4096, 4096, "private.pem").ok());
  // A token made for its public half comes back through it.
  auto token = EncryptToken(key->get(), "type: env\n", TokenPrefix::kContractBasic);
  ASSERT_TRUE(token.ok()) << token.error().message;
  auto back = DecryptToken(key->get(), *token);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(std::string(back->view()), "type: env\n");
}

TEST(ContractGoTest, InvalidTokenIsAFormatError) {
  auto key = PrivateKeyFromPem(Sample("decrypt/private.key"), "decrypt/private.key");
  ASSERT_TRUE(key.ok()) << key.error().message;
  const std::string token = Sample("decrypt/encrypt.invalid.txt");
  auto parts = ParseToken(token);
  ASSERT_FALSE(parts.ok());
  EXPECT_EQ(parts.error().message.rfind("token: ", 0), 0u) << parts.error().message;
  auto plain = DecryptToken(key->get(), token);
  ASSERT_FALSE(plain.ok());
  EXPECT_FALSE(IsUndecryptableToken(plain.error())) << plain.error().message;
  EXPECT_EQ(plain.error().message, parts.error().message);
}

TEST(ContractGoTest, SimpleContractParses) {
  auto c = ParseContract(Sample("simple_contract.yaml"), "simple_contract.yaml", NoTokens);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_FALSE(c->attestation_public_key_pem.has_value());
  EXPECT_FALSE(c->env_workload_signature.has_value());
  const YAML::Node decrypted = YAML::Load(c->decrypted_text);
  EXPECT_EQ(decrypted["env"].Scalar().rfind("type: env\n", 0), 0u) << c->decrypted_text;
  EXPECT_EQ(decrypted["workload"].Scalar().rfind("type: workload\n", 0), 0u) << c->decrypted_text;
}

TEST(ContractGoTest, AttestationPublicKeyIsBase64OfEncryptPublicPem) {
  const std::string user_data = Sample("attest_pub_key_contract.yaml");
  auto c = ParseContract(user_data, "attest_pub_key_contract.yaml", NoTokens);
  ASSERT_TRUE(c.ok()) << c.error().message;
  ASSERT_TRUE(c->attestation_public_key_pem.has_value());
  EXPECT_EQ(*c->attestation_public_key_pem, Sample("encrypt/public.pem"));
  // As the value stands in the contract: base64 of the PEM.
  auto decoded = Base64Decode(YAML::Load(user_data)["attestationPublicKey"].Scalar());
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(AsText(*decoded), Sample("encrypt/public.pem"));
  auto key = PublicKeyFromPem(*c->attestation_public_key_pem, "attestationPublicKey");
  ASSERT_TRUE(key.ok()) << key.error().message;
  EXPECT_TRUE(RequireRecipientKey(key->get(), "attestationPublicKey").ok());
}

// env_only.yaml and workload.yaml are a section's plaintext (what a token of it holds), not a
// contract: a mapping whose `type` names the section.
TEST(ContractGoTest, SectionPlaintexts) {
  for (auto [file, type] : {std::pair{"env_only.yaml", "env"}, {"workload.yaml", "workload"}}) {
    const YAML::Node section = YAML::Load(Sample(file));
    ASSERT_TRUE(section.IsMap()) << file;
    EXPECT_EQ(section["type"].Scalar(), type) << file;
    // As the section of a contract it parses, and user-data.decrypted keeps it.
    YAML::Emitter out;
    out << YAML::BeginMap << YAML::Key << type << YAML::Value << YAML::Literal << Sample(file) << YAML::EndMap;
    auto c = ParseContract(out.c_str(), file, NoTokens);
    ASSERT_TRUE(c.ok()) << file << ": " << c.error().message;
    EXPECT_TRUE(YAML::Load(c->decrypted_text)[type].IsDefined()) << c->decrypted_text;
  }
}

}  // namespace
}  // namespace seattest
