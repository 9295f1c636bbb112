#include "core/contract.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <map>
#include <string>

#include "core/base64.h"
#include "core/hex.h"
#include "crypto/sha256.h"
#include "crypto/token.h"
#include "test_support.h"

namespace seattest {
namespace {

using test::Fixture;
using test::SharedPath;

// A decryptor for contracts without tokens: any call is a test failure.
Result<std::string> NoTokens(std::string_view token) {
  ADD_FAILURE() << "unexpected token " << token.substr(0, 40);
  return MakeError("no tokens expected");
}

// Decrypts with the committed test contract key, as the agent does.
class ContractKeyDecryptor {
 public:
  ContractKeyDecryptor() : key_(test::TestPrivateKey("contract.key")) {}
  TokenDecryptor Get() {
    return [this](std::string_view token) -> Result<std::string> {
      ++calls_;
      auto plain = DecryptToken(key_.get(), token);
      if (!plain) return plain.error();
      return std::string(plain->view());
    };
  }
  int calls() const { return calls_; }

 private:
  EvpPkeyPtr key_;
  int calls_ = 0;
};

// Parses `text` with yaml-cpp and returns the node of `key` (test failure when missing).
YAML::Node Section(const std::string& text, const std::string& key) {
  YAML::Node root = YAML::Load(text);
  EXPECT_TRUE(root.IsMap()) << text;
  EXPECT_TRUE(root[key]) << key << " missing in\n" << text;
  return root[key];
}

TEST(ContractTest, PlainSectionsAreKeptAsYaml) {
  const std::string user_data = Fixture("contract/plain.yaml");
  auto c = ParseContract(user_data, "cidata/user-data", NoTokens);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_FALSE(c->attestation_public_key_pem.has_value());
  // user-data.decrypted reads back to the same sections, key by key in their order.
  YAML::Node original = YAML::Load(user_data);
  YAML::Node decrypted = YAML::Load(c->decrypted_text);
  ASSERT_TRUE(decrypted.IsMap()) << c->decrypted_text;
  EXPECT_EQ(YAML::Dump(decrypted), YAML::Dump(original));
  EXPECT_LT(c->decrypted_text.find("env:"), c->decrypted_text.find("workload:"));
  EXPECT_LT(c->decrypted_text.find("workload:"), c->decrypted_text.find("envWorkloadSignature:"));
  EXPECT_EQ(decrypted["workload"]["auths"]["registry.example.com"]["password"].as<std::string>(),
            "s3cr3t: with colon # and hash");
  EXPECT_EQ(decrypted["workload"]["env"]["GREETING"].as<std::string>(), "  leading spaces kept");
}

TEST(ContractTest, AttestationPublicKeyAsPemText) {
  auto c = ParseContract(Fixture("contract/pem.yaml"), "cidata/user-data", NoTokens);
  ASSERT_TRUE(c.ok()) << c.error().message;
  ASSERT_TRUE(c->attestation_public_key_pem.has_value());
  EXPECT_EQ(*c->attestation_public_key_pem, Fixture("keys/rsa2048.pub"));
  EXPECT_EQ(Section(c->decrypted_text, "attestationPublicKey").Scalar(), Fixture("keys/rsa2048.pub"));
}

TEST(ContractTest, AttestationPublicKeyAsBase64OfPem) {
  auto c = ParseContract(Fixture("contract/base64-pem.yaml"), "cidata/user-data", NoTokens);
  ASSERT_TRUE(c.ok()) << c.error().message;
  ASSERT_TRUE(c->attestation_public_key_pem.has_value());
  EXPECT_EQ(*c->attestation_public_key_pem, Fixture("keys/rsa2048.pub"));
}

TEST(ContractTest, AttestationPublicKeyAsWrappedBase64OfPem) {
  auto c = ParseContract(Fixture("contract/base64-pem-wrapped.yaml"), "cidata/user-data", NoTokens);
  ASSERT_TRUE(c.ok()) << c.error().message;
  ASSERT_TRUE(c->attestation_public_key_pem.has_value());
  EXPECT_EQ(*c->attestation_public_key_pem, Fixture("keys/rsa2048.pub"));
}

// env, workload and attestationPublicKey as tokens made by the openssl command line.
TEST(ContractTest, TokensAreDecryptedAndWrittenBackAsTheirPlaintexts) {
  ContractKeyDecryptor decryptor;
  auto c = ParseContract(Fixture("contract/tokens.yaml"), "cidata/user-data", decryptor.Get());
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(decryptor.calls(), 3);
  ASSERT_TRUE(c->attestation_public_key_pem.has_value());
  EXPECT_EQ(*c->attestation_public_key_pem, Fixture("keys/rsa2048.pub"));
  EXPECT_EQ(Section(c->decrypted_text, "env").Scalar(), Fixture("contract/env.plain"));
  EXPECT_EQ(Section(c->decrypted_text, "workload").Scalar(), Fixture("contract/workload.plain"));
  EXPECT_EQ(Section(c->decrypted_text, "attestationPublicKey").Scalar(), Fixture("keys/rsa2048.pub"));
  EXPECT_EQ(Section(c->decrypted_text, "envWorkloadSignature").Scalar(),
            "c2lnbmF0dXJlIG9mIGVudiBhbmQgd29ya2xvYWQ=");
  EXPECT_EQ(c->decrypted_text.find("hyper-protect-basic."), std::string::npos) << c->decrypted_text;
  // The sections keep the contract's order.
  EXPECT_LT(c->decrypted_text.find("env:"), c->decrypted_text.find("workload:"));
  EXPECT_LT(c->decrypted_text.find("workload:"), c->decrypted_text.find("attestationPublicKey:"));
  // HPCR writes a decrypted section as a literal block indented by four.
  EXPECT_EQ(c->decrypted_text.rfind("env: |\n    type: env\n", 0), 0u) << c->decrypted_text;
}

// Plaintexts that a literal block cannot carry still come back exactly.
TEST(ContractTest, AwkwardPlaintextsReadBackExactly) {
  const std::map<std::string, std::string> plaintexts = {
      {"hyper-protect-basic.QUFB.QkJC", "type: env\r\nwindows: line ends\r\n"},
      {"hyper-protect-basic.Q0ND.RERE", "  leading spaces\n\n\n"},
      {"hyper-protect-basic.RUVF.RkZG", ""},
  };
  TokenDecryptor fake = [&](std::string_view token) -> Result<std::string> {
    auto it = plaintexts.find(std::string(token));
    if (it == plaintexts.end()) return MakeError("unknown token");
    return it->second;
  };
  auto c = ParseContract("env: hyper-protect-basic.QUFB.QkJC\nworkload: hyper-protect-basic.Q0ND.RERE\n",
                         "cidata/user-data", fake);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(Section(c->decrypted_text, "env").Scalar(), "type: env\r\nwindows: line ends\r\n");
  EXPECT_EQ(Section(c->decrypted_text, "workload").Scalar(), "  leading spaces\n\n\n");
  auto empty = ParseContract("env: hyper-protect-basic.RUVF.RkZG\n", "cidata/user-data", fake);
  ASSERT_TRUE(empty.ok()) << empty.error().message;
  EXPECT_EQ(Section(empty->decrypted_text, "env").Scalar(), "");
}

TEST(ContractTest, AttestationPublicKeyOfRealHpcr2330Contract) {
  // The real HPCR 23.3.0 user-data: attestationPublicKey as PEM text, env and workload as tokens
  // for IBM's contract key (not available: their plaintexts come from IBM's user-data.decrypted).
  const std::string user_data = test::ReadText(SharedPath("interop/hpcr-23.3.0/cidata/user-data"));
  YAML::Node ibm = YAML::Load(test::ReadText(SharedPath("interop/hpcr-23.3.0/user-data.decrypted")));
  YAML::Node original = YAML::Load(user_data);
  TokenDecryptor from_ibm = [&](std::string_view token) -> Result<std::string> {
    for (const char* key : {"env", "workload"}) {
      if (original[key].Scalar() == token) return ibm[key].Scalar();
    }
    return MakeError("unknown token");
  };
  auto c = ParseContract(user_data, "cidata/user-data", from_ibm);
  ASSERT_TRUE(c.ok()) << c.error().message;
  ASSERT_TRUE(c->attestation_public_key_pem.has_value());
  const std::string ibm_key_file =
      test::ReadText(SharedPath("interop/hpcr-23.3.0/attestationPublicKey"));
  EXPECT_EQ(*c->attestation_public_key_pem, ibm_key_file);
  // ... so its record line is the one HPCR wrote.
  EXPECT_EQ(ToHex(Sha256Of(*c->attestation_public_key_pem)),
            "b3e3ed73b5a0731dde20fad172d2eb3970c1cdea9e6b42c6958fd631189d3a0a");
  // Our user-data.decrypted says what IBM's says, section by section.
  YAML::Node ours = YAML::Load(c->decrypted_text);
  for (const char* key : {"attestationPublicKey", "env", "envWorkloadSignature", "workload"}) {
    ASSERT_TRUE(ours[key]) << key;
    EXPECT_EQ(ours[key].Scalar(), ibm[key].Scalar()) << key;
  }
}

struct BadCase {
  const char* fixture;
  const char* key;  // the contract key the message must name ("" when none applies)
  const char* also;
};

class ContractBadTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(ContractBadTest, IsAnErrorNamingTheKey) {
  ContractKeyDecryptor decryptor;
  auto c = ParseContract(Fixture(std::string("contract/") + GetParam().fixture), "cidata/user-data",
                         decryptor.Get());
  ASSERT_FALSE(c.ok()) << GetParam().fixture << " was accepted";
  const std::string& m = c.error().message;
  EXPECT_EQ(m.rfind("contract cidata/user-data: ", 0), 0u) << m;
  EXPECT_NE(m.find(GetParam().key), std::string::npos) << m;
  EXPECT_NE(m.find(GetParam().also), std::string::npos) << m;
}

INSTANTIATE_TEST_SUITE_P(
    Fixtures, ContractBadTest,
    ::testing::Values(
        BadCase{"empty.yaml", "", "empty"}, BadCase{"whitespace-only.yaml", "", "empty"},
        BadCase{"truncated.yaml", "", "malformed YAML"},
        BadCase{"malformed.yaml", "", "malformed YAML at line"},
        BadCase{"not-a-mapping.yaml", "", "mapping"},
        BadCase{"unknown-key.yaml", "volumes", "unknown contract key"},
        BadCase{"duplicate-key.yaml", "env", "twice"},
        BadCase{"corrupted-token.yaml", "env: ", "AES"},
        BadCase{"malformed-token.yaml", "env: ", "token"},
        BadCase{"token-missing-part.yaml", "env: ", "token"},
        BadCase{"token-not-pem.yaml", "attestationPublicKey: ", "PEM"},
        BadCase{"attestation-key-base64-not-pem.yaml", "attestationPublicKey: ", "PEM"},
        BadCase{"attestation-key-garbage.yaml", "attestationPublicKey: ", "base64"},
        BadCase{"attestation-key-empty.yaml", "attestationPublicKey: ", "non-empty"},
        BadCase{"attestation-key-mapping.yaml", "attestationPublicKey: ", "string"}),
    [](const auto& p) { return test::ParamName(p.param.fixture); });

TEST(ContractTest, TokenThatTheKeyCannotOpenNamesTheKey) {
  // A token for another recipient (the HPCR 23.3.0 contract's env, made for IBM's key).
  YAML::Node ibm = YAML::Load(test::ReadText(SharedPath("interop/hpcr-23.3.0/cidata/user-data")));
  const std::string user_data = "workload:\n  type: workload\nenv: " + ibm["env"].Scalar() + "\n";
  ContractKeyDecryptor decryptor;
  auto c = ParseContract(user_data, "cidata/user-data", decryptor.Get());
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("env: "), std::string::npos) << c.error().message;
}

TEST(ContractTest, SourceNamesTheFile) {
  auto c = ParseContract("bogus: 1\n", "/mnt/cidata/user-data", NoTokens);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().message.rfind("contract /mnt/cidata/user-data: bogus: unknown contract key", 0), 0u)
      << c.error().message;
}

}  // namespace
}  // namespace seattest
