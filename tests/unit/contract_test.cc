#include "core/contract.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <map>
#include <string>

#include "core/base64.h"
#include "core/hex.h"
#include "core/yaml_text.h"
#include "crypto/contract_signature.h"
#include "crypto/keys.h"
#include "crypto/sha256.h"
#include "crypto/token.h"
#include "test_support.h"

namespace seattest {
namespace {

using test::ContractKeyDecryptor;
using test::Fixture;
using test::SharedPath;

// A decryptor for contracts without tokens: any call is a test failure.
Result<std::string> NoTokens(std::string_view token) {
  ADD_FAILURE() << "unexpected token " << token.substr(0, 40);
  return MakeError("no tokens expected");
}

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
  EXPECT_FALSE(c->env_workload_signature.has_value());
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

// env, workload and attestationPublicKey as tokens made by the openssl command line, and
// envWorkloadSignature by `openssl dgst -sha256 -sign` (tests/fixtures/keys/README.txt).
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
  const YAML::Node contract = YAML::Load(Fixture("contract/tokens.yaml"));
  EXPECT_EQ(Section(c->decrypted_text, "envWorkloadSignature").Scalar(), contract["envWorkloadSignature"].Scalar());
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

// contract-basic tokens (IBM's CCRT and CCRV) are read like hyper-protect-basic ones, section by
// section; a malformed one of either kind is a malformed token, never plain YAML.
TEST(ContractTest, ContractBasicTokensAreSectionsToo) {
  TokenDecryptor fake = [](std::string_view token) -> Result<std::string> {
    if (token == "contract-basic.QUFB.QkJC") return std::string("type: env\n");
    if (token == "hyper-protect-basic.Q0ND.RERE") return std::string("type: workload\n");
    return MakeError("unknown token");
  };
  auto c = ParseContract("env: contract-basic.QUFB.QkJC\nworkload: hyper-protect-basic.Q0ND.RERE\n",
                         "cidata/user-data", fake);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(Section(c->decrypted_text, "env").Scalar(), "type: env\n");
  EXPECT_EQ(Section(c->decrypted_text, "workload").Scalar(), "type: workload\n");
  EXPECT_EQ(c->decrypted_text.find("contract-basic."), std::string::npos) << c->decrypted_text;
  for (const char* bad : {"env: contract-basic.QUFB\n", "env: contract-basic.\n", "env: contract-basic.QU B.QkJC\n"}) {
    auto refused = ParseContract(bad, "cidata/user-data", fake);
    ASSERT_FALSE(refused.ok()) << bad;
    EXPECT_EQ(refused.error().message, "contract cidata/user-data: env: malformed contract-basic token (line 1)") << bad;
  }
  // Almost a token: a third prefix, another case, white space around a token. Refused, never read
  // as plain text (where another reader might take it for a token), never handed to the decryptor.
  TokenDecryptor never = [](std::string_view) -> Result<std::string> { return MakeError("decryptor called"); };
  for (const auto& [user_data, says] : {
           std::pair{"env: hyper-protect-flex.QUFB.QkJC\n", "env: a token with the unknown prefix 'hyper-protect-flex' "
                                                             "(expected hyper-protect-basic or contract-basic) (line 1)"},
           std::pair{"workload: Contract-Basic.QUFB.QkJC\n", "workload: a token with the unknown prefix 'Contract-Basic' "
                                                              "(expected hyper-protect-basic or contract-basic) (line 1)"},
           std::pair{"env: \" contract-basic.QUFB.QkJC\"\n", "env: a token with white space around it (line 1)"},
           std::pair{"attestationPublicKey: contract-basics.QUFB.QkJC\n",
                     "attestationPublicKey: a token with the unknown prefix 'contract-basics' (expected "
                     "hyper-protect-basic or contract-basic) (line 1)"},
       }) {
    auto refused = ParseContract(user_data, "cidata/user-data", never);
    ASSERT_FALSE(refused.ok()) << user_data;
    EXPECT_EQ(refused.error().message, std::string("contract cidata/user-data: ") + says);
  }
  // Plain text with dots is not almost a token.
  auto plain = ParseContract("env: version.1.2\nworkload: |\n  type: workload\n", "cidata/user-data", never);
  EXPECT_TRUE(plain.ok()) << plain.error().message;
}

// Issue 13 item 6: a plain env's scalars keep their type and bytes in user-data.decrypted (a
// quoted "8080" is no number, "false" no bool, "\r" no null), and a DEL in a token's plaintext is
// escaped (PyYAML refuses a raw one).
TEST(ContractTest, DecryptedContractKeepsEveryScalarTypeAndEscapesControls) {
  const std::string plaintext = "mode: \"0755\"\nraw: \"a\x7f\"\n";
  TokenDecryptor fake = [&](std::string_view) -> Result<std::string> { return plaintext; };
  const std::string user_data =
      "env:\n  port: \"8080\"\n  debug: \"false\"\n  mode: \"0755\"\n  cr: \"\\r\"\n  \"on\": 'yes'\n"
      "  \"1\": \"2001-12-14\"\n  del: \"\\x7f\\x9b\"\n  plain: [8080, yes, ~, 2001-12-14]\n"
      "workload: hyper-protect-basic.QUFB.QkJC\n";
  auto c = ParseContract(user_data, "cidata/user-data", fake);
  ASSERT_TRUE(c.ok()) << c.error().message;
  const std::string& text = c->decrypted_text;
  EXPECT_NE(text.find("  port: \"8080\"\n  debug: \"false\"\n  mode: \"0755\"\n  cr: \"\\r\"\n  \"on\": \"yes\"\n"
                      "  \"1\": \"2001-12-14\"\n  del: \"\\x7f\\x9b\"\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("workload: \"mode: \\\"0755\\\"\\nraw: \\\"a\\x7f\\\"\\n\"\n"), std::string::npos) << text;
  EXPECT_EQ(text.find('\x7f'), std::string::npos) << text;
  const YAML::Node env = Section(text, "env");
  EXPECT_TRUE(SameTypedYaml(env, YAML::Load(user_data)["env"])) << text;
  EXPECT_EQ(env["cr"].Scalar(), "\r");
  EXPECT_EQ(env["cr"].Tag(), "!");
  EXPECT_EQ(env["plain"][1].Tag(), "?");
  EXPECT_EQ(Section(text, "workload").Scalar(), plaintext);
}

// The real HPCR 23.3.0 user-data: attestationPublicKey as PEM text, env and workload as tokens
// for IBM's contract key (not available: their plaintexts come from IBM's user-data.decrypted),
// and envWorkloadSignature.
struct RealHpcr2330 {
  const std::string user_data = test::ReadText(SharedPath("interop/hpcr-23.3.0/cidata/user-data"));
  const YAML::Node ibm = YAML::Load(test::ReadText(SharedPath("interop/hpcr-23.3.0/user-data.decrypted")));
  const YAML::Node original = YAML::Load(user_data);

  Result<Contract> Parse() const {
    TokenDecryptor from_ibm = [this](std::string_view token) -> Result<std::string> {
      for (const char* key : {"env", "workload"}) {
        if (original[key].Scalar() == token) return ibm[key].Scalar();
      }
      return MakeError("unknown token");
    };
    return ParseContract(user_data, "cidata/user-data", from_ibm);
  }
};

TEST(ContractTest, AttestationPublicKeyOfRealHpcr2330Contract) {
  const RealHpcr2330 hpcr;
  const YAML::Node& ibm = hpcr.ibm;
  auto c = hpcr.Parse();
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
                         decryptor.Get(), TokenErrors::kDetailed);
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
        BadCase{"corrupted-token.yaml", "env: ", "cannot be decrypted with this key"},
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

// --- envWorkloadSignature ---

TEST(ContractSignatureTest, TokensFixtureCarriesAnOpensslMadeSignature) {
  ContractKeyDecryptor decryptor;
  const std::string user_data = Fixture("contract/tokens.yaml");
  auto c = ParseContract(user_data, "cidata/user-data", decryptor.Get());
  ASSERT_TRUE(c.ok()) << c.error().message;
  ASSERT_TRUE(c->env_workload_signature.has_value());
  const YAML::Node contract = YAML::Load(user_data);
  // The workload token, then the env token, whatever their order in the contract (env first here).
  EXPECT_EQ(c->env_workload_signature->signed_data, contract["workload"].Scalar() + contract["env"].Scalar());
  EXPECT_EQ(c->env_workload_signature->signature, *Base64Decode(contract["envWorkloadSignature"].Scalar()));
  EXPECT_EQ(c->env_workload_signature->signing_key_pem, Fixture("keys/rsa2048.pub"));
  auto key = VerifyEnvWorkloadSignature(*c->env_workload_signature);
  ASSERT_TRUE(key.ok()) << key.error().message;
  EvpPkeyPtr signing_key = test::TestPublicKey("rsa2048.pub");
  EXPECT_EQ(*key, *PublicKeyFingerprint(signing_key.get()));
}

// IBM's own signed contract (HPCR 23.3.0): env.signingKey with CRLF line ends, the signature made
// by IBM's tooling over the two tokens.
TEST(ContractSignatureTest, RealHpcr2330SignatureVerifies) {
  const RealHpcr2330 hpcr;
  const YAML::Node& original = hpcr.original;
  auto c = hpcr.Parse();
  ASSERT_TRUE(c.ok()) << c.error().message;
  ASSERT_TRUE(c->env_workload_signature.has_value());
  EXPECT_EQ(c->env_workload_signature->signed_data, original["workload"].Scalar() + original["env"].Scalar());
  EXPECT_NE(c->env_workload_signature->signing_key_pem.find("\r\n"), std::string::npos);
  auto key = VerifyEnvWorkloadSignature(*c->env_workload_signature);
  EXPECT_TRUE(key.ok()) << key.error().message;
  // The same signature over the tokens in the other order does not verify.
  EnvWorkloadSignature swapped = *c->env_workload_signature;
  swapped.signed_data = original["env"].Scalar() + original["workload"].Scalar();
  auto bad = VerifyEnvWorkloadSignature(swapped);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message.rfind("envWorkloadSignature: does not verify", 0), 0u) << bad.error().message;
}

// Contracts with stand-in tokens: ParseContract is pure and does not check the signature itself.
constexpr std::string_view kWorkloadToken = "hyper-protect-basic.V09SSw==.TE9BRA==";
constexpr std::string_view kEnvToken = "hyper-protect-basic.RU5W.U0VDVElPTg==";
constexpr std::string_view kSignature = "c2lnbmF0dXJl";  // "signature"

std::string Indented(const std::string& text, const std::string& pad) {
  std::string out;
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t end = std::min(text.find('\n', pos), text.size());
    out += pad + text.substr(pos, end - pos) + "\n";
    pos = end + 1;
  }
  return out;
}

std::string EnvWithSigningKey(const std::string& pem) { return "type: env\nsigningKey: |\n" + Indented(pem, "  "); }

// The rules on a token's plaintext, with their detailed errors (the contract author's check); at
// boot every one of them says kUnreadableTokenSection (AtBootEveryPlaintextFailureIsOneText).
Result<Contract> ParseWithEnv(const std::string& user_data, const std::string& env_plaintext,
                              TokenErrors errors = TokenErrors::kDetailed) {
  TokenDecryptor fake = [&](std::string_view token) -> Result<std::string> {
    if (token == kWorkloadToken) return std::string("type: workload\n");
    if (token == kEnvToken) return env_plaintext;
    return MakeError(std::string(kUnreadableTokenSection));
  };
  return ParseContract(user_data, "cidata/user-data", fake, errors);
}

const std::string kSignedContract = "env: " + std::string(kEnvToken) + "\nworkload: " + std::string(kWorkloadToken) +
                                    "\nenvWorkloadSignature: " + std::string(kSignature) + "\n";

TEST(ContractSignatureTest, SignatureOverTheWorkloadThenTheEnvToken) {
  auto c = ParseWithEnv(kSignedContract, EnvWithSigningKey(Fixture("keys/rsa2048.pub")));
  ASSERT_TRUE(c.ok()) << c.error().message;
  ASSERT_TRUE(c->env_workload_signature.has_value());
  EXPECT_EQ(c->env_workload_signature->signed_data, std::string(kWorkloadToken) + std::string(kEnvToken));
  EXPECT_EQ(c->env_workload_signature->signature, ToBytes("signature"));
  EXPECT_EQ(c->env_workload_signature->signing_key_pem, Fixture("keys/rsa2048.pub"));
  // A certificate is a signing key too.
  auto cert = ParseWithEnv(kSignedContract, EnvWithSigningKey(Fixture("keys/contract.crt")));
  ASSERT_TRUE(cert.ok()) << cert.error().message;
  EXPECT_EQ(cert->env_workload_signature->signing_key_pem, Fixture("keys/contract.crt"));
}

TEST(ContractSignatureTest, NoSignatureNoSigningKeyIsFine) {
  auto c = ParseWithEnv("env: " + std::string(kEnvToken) + "\nworkload: " + std::string(kWorkloadToken) + "\n",
                        "type: env\n");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_FALSE(c->env_workload_signature.has_value());
}

// A decrypted env or workload that is not one YAML document is an invalid contract, signed or
// not: "signingKey needs envWorkloadSignature" cannot be checked in an env the agent cannot read,
// and another reader might find a signingKey in it. The errors name the section, never its text.
// user-data.decrypted may not outgrow its contract (MaxDecryptedContractSize): what the agent
// signs, `se-attest verify` must read, in bounded time.
TEST(ContractSectionTest, DecryptedContractLargerThanItsBoundIsAnInvalidContract) {
  std::string lines;
  while (lines.size() < (256u << 10)) lines += "a\n";
  const std::string user_data = "env: " + std::string(kEnvToken) + "\n";
  auto parsed = ParseWithEnv(user_data, lines);
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.error().message.find("user-data.decrypted would be"), std::string::npos) << parsed.error().message;
  EXPECT_TRUE(ParseWithEnv(user_data, "type: env\n").ok());
}

TEST(ContractSectionTest, DecryptedSectionThatIsNotOneYamlDocumentIsAnInvalidContract) {
  const std::string secret = "s3cr3t-registry-password";
  struct Case {
    std::string plaintext;
    const char* says;
  };
  const Case cases[] = {
      {"signingKey: [unclosed", "the decrypted token is not valid YAML (line 1, column "},
      {"type: env\npassword: " + secret + "\nsigningKey: [unclosed\n", "is not valid YAML (line 4"},  // where the flow should have ended
      {"logging: {" + secret, "is not valid YAML (line 1"},
      {"password: \"" + secret + "\\q\"\n", "is not valid YAML (line 1"},  // an unknown escape
      {"type: env\n---\nsigningKey: |\n  -----BEGIN PUBLIC KEY-----\n", "holds 2 YAML documents, expected one"},
      {",", "is not valid YAML"},  // the stream that made yaml-cpp's LoadAll loop
      {Fixture("contract/billion-laughs.yaml"), "YAML nodes with aliases expanded"},
  };
  for (const char* key : {"env", "workload"}) {
    for (const Case& c : cases) {
      const std::string user_data = std::string(key) + ": " + std::string(kEnvToken) + "\n";
      auto parsed = ParseWithEnv(user_data, c.plaintext);
      ASSERT_FALSE(parsed.ok()) << key << " accepted: " << c.plaintext.substr(0, 60);
      const std::string& m = parsed.error().message;
      EXPECT_EQ(m.rfind("contract cidata/user-data: " + std::string(key) + ": the decrypted token ", 0), 0u) << m;
      EXPECT_NE(m.find(c.says), std::string::npos) << m;
      EXPECT_EQ(m.find(secret), std::string::npos) << m;
      EXPECT_EQ(m.find("unclosed"), std::string::npos) << m;
      EXPECT_EQ(m.find('\n'), std::string::npos) << m;
    }
  }
}

// At boot (TokenErrors::kOpaque, ParseContract's default) a token whose plaintext breaks any rule
// fails with the very text of a token that cannot be decrypted: the format has no MAC, and a host
// that could tell "not valid YAML" (a forged block that passed AES's padding check) from "cannot
// be decrypted" would have a CBC padding oracle on env and workload (issue 13, review).
TEST(ContractSectionTest, AtBootEveryPlaintextFailureIsOneText) {
  const std::string pem = test::Fixture("keys/contract.crt");
  // Not one YAML document (for both sections), and env's own rule on signingKey.
  const std::vector<std::string> not_yaml = {"signingKey: [unclosed", "type: env\n---\nsigningKey: x\n", ",",
                                             "\x8f\x01garbage\xff", test::Fixture("contract/billion-laughs.yaml")};
  const std::vector<std::string> bad_signing_key = {"signingKey: not pem\n", "signingKey: {a: 1}\n",
                                                    EnvWithSigningKey(pem) + "signingKey: x\n"};
  for (const char* key : {"env", "workload"}) {
    const std::string user_data = std::string(key) + ": " + std::string(kEnvToken) + "\n";
    const std::string expected = "contract cidata/user-data: " + std::string(key) + ": " + std::string(kUnreadableTokenSection);
    auto undecryptable = ParseWithEnv(std::string(key) + ": hyper-protect-basic.QUFB.QkJC\n", "", TokenErrors::kOpaque);
    ASSERT_FALSE(undecryptable.ok());
    EXPECT_EQ(undecryptable.error().message, expected);
    std::vector<std::string> bad = not_yaml;
    if (std::string(key) == "env") bad.insert(bad.end(), bad_signing_key.begin(), bad_signing_key.end());
    for (const std::string& plaintext : bad) {
      auto parsed = ParseWithEnv(user_data, plaintext, TokenErrors::kOpaque);
      ASSERT_FALSE(parsed.ok()) << key << " accepted: " << plaintext.substr(0, 40);
      EXPECT_EQ(parsed.error().message, expected) << plaintext.substr(0, 40);
    }
  }
  // attestationPublicKey as a token whose plaintext is no PEM.
  auto key = ParseWithEnv("attestationPublicKey: " + std::string(kEnvToken) + "\n", "not a key", TokenErrors::kOpaque);
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.error().message,
            "contract cidata/user-data: attestationPublicKey: " + std::string(kUnreadableTokenSection));
  // The contract author's own check keeps the detail.
  auto detailed = ParseWithEnv("env: " + std::string(kEnvToken) + "\n", ",", TokenErrors::kDetailed);
  ASSERT_FALSE(detailed.ok());
  EXPECT_NE(detailed.error().message.find("is not valid YAML"), std::string::npos) << detailed.error().message;
}

// What plain YAML would accept as a section stays accepted as a token's plaintext: a mapping, a
// single value, and nothing at all (an empty section, as `env:` alone is in plain YAML).
TEST(ContractSectionTest, DecryptedSectionsThatAreYamlAreAccepted) {
  for (const std::string plaintext : {"type: env\n", "just some text\n", "", "# only a comment\n", "- a\n- b\n"}) {
    auto c = ParseWithEnv("env: " + std::string(kEnvToken) + "\n", plaintext);
    ASSERT_TRUE(c.ok()) << plaintext << ": " << c.error().message;
    EXPECT_EQ(Section(c->decrypted_text, "env").Scalar(), plaintext);
  }
}

// Plain sections are parsed with the contract: already one document of valid YAML.
TEST(ContractSectionTest, PlainSectionsAreNotReadAgain) {
  auto c = ParseContract("env: |\n  signingKey: [not yaml inside a string\nworkload: \"x: [\"\n", "cidata/user-data",
                         NoTokens);
  ASSERT_TRUE(c.ok()) << c.error().message;
}

struct SignatureBadCase {
  const char* name;
  std::string user_data;
  std::string env_plaintext;
  const char* message;  // what the error must say
};

class ContractSignatureBadTest : public ::testing::TestWithParam<SignatureBadCase> {};

TEST_P(ContractSignatureBadTest, IsAnInvalidContract) {
  auto c = ParseWithEnv(GetParam().user_data, GetParam().env_plaintext);
  ASSERT_FALSE(c.ok()) << GetParam().name << " was accepted";
  const std::string& m = c.error().message;
  EXPECT_EQ(m.rfind("contract cidata/user-data: ", 0), 0u) << m;
  EXPECT_NE(m.find(GetParam().message), std::string::npos) << m;
}

const std::string kPlainEnv = "env:\n  type: env\n";
const std::string kPlainWorkload = "workload:\n  type: workload\n";
const std::string kSignatureLine = "envWorkloadSignature: " + std::string(kSignature) + "\n";
const std::string kEnvLine = "env: " + std::string(kEnvToken) + "\n";
const std::string kWorkloadLine = "workload: " + std::string(kWorkloadToken) + "\n";

INSTANTIATE_TEST_SUITE_P(
    Cases, ContractSignatureBadTest,
    ::testing::Values(
        SignatureBadCase{"missing_signing_key", kSignedContract, "type: env\n",
                         "envWorkloadSignature: env has no signingKey to check it with (line 3)"},
        SignatureBadCase{"env_not_yaml", kSignedContract, "[not: yaml", "env: the decrypted token is not valid YAML"},
        SignatureBadCase{"plain_workload", kEnvLine + kPlainWorkload + kSignatureLine,
                         EnvWithSigningKey(Fixture("keys/rsa2048.pub")),
                         "envWorkloadSignature: workload and env must both be tokens; workload is plain YAML"},
        SignatureBadCase{"plain_env", kPlainEnv + kWorkloadLine + kSignatureLine, "",
                         "envWorkloadSignature: workload and env must both be tokens; env is plain YAML"},
        SignatureBadCase{"plain_sections", kPlainEnv + kPlainWorkload + kSignatureLine, "",
                         "envWorkloadSignature: workload and env must both be tokens"},
        SignatureBadCase{"missing_env", kWorkloadLine + kSignatureLine, "", "env is missing"},
        SignatureBadCase{"malformed_base64", kEnvLine + kWorkloadLine + "envWorkloadSignature: not*base64\n",
                         EnvWithSigningKey(Fixture("keys/rsa2048.pub")), "envWorkloadSignature: not base64 (line 3)"},
        SignatureBadCase{"bad_padding", kEnvLine + kWorkloadLine + "envWorkloadSignature: c2lnbmF0dXJl=\n",
                         EnvWithSigningKey(Fixture("keys/rsa2048.pub")), "envWorkloadSignature: not base64"},
        SignatureBadCase{"empty_signature", kEnvLine + kWorkloadLine + "envWorkloadSignature: \"\"\n",
                         EnvWithSigningKey(Fixture("keys/rsa2048.pub")), "envWorkloadSignature: expected a non-empty string"},
        SignatureBadCase{"signing_key_without_signature", kEnvLine + kWorkloadLine,
                         EnvWithSigningKey(Fixture("keys/rsa2048.pub")),
                         "env.signingKey is set but envWorkloadSignature is missing"},
        SignatureBadCase{"plain_signing_key_without_signature",
                         kPlainEnv + "  signingKey: |\n" + Indented(Fixture("keys/rsa2048.pub"), "    "), "",
                         "env.signingKey is set but envWorkloadSignature is missing"},
        SignatureBadCase{"signing_key_not_pem", kSignedContract, "type: env\nsigningKey: 42\n",
                         "env.signingKey: expected PEM text"},
        SignatureBadCase{"signing_key_mapping", kSignedContract, "type: env\nsigningKey:\n  pem: x\n",
                         "env.signingKey: expected PEM text"},
        SignatureBadCase{"signing_key_private", kSignedContract, EnvWithSigningKey(Fixture("keys/rsa2048.key")),
                         "env.signingKey: contains a private key"},
        SignatureBadCase{"signing_key_twice", kSignedContract,
                         EnvWithSigningKey(Fixture("keys/rsa2048.pub")) + "signingKey: |\n" +
                             Indented(Fixture("keys/contract.pub"), "  "),
                         "env.signingKey: appears twice"}),
    [](const auto& p) { return std::string(p.param.name); });

TEST(ContractLimitsTest, BillionLaughsIsAnInvalidContractNotAHang) {
  ContractKeyDecryptor decryptor;
  auto c = ParseContract(Fixture("contract/billion-laughs.yaml"), "user-data", decryptor.Get());
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("YAML nodes with aliases expanded"), std::string::npos) << c.error().message;
}

// Found by tests/fuzz/fuzz_contract: a user-data of "," made YAML::LoadAll loop until memory ran
// out (jbeder/yaml-cpp#1040), so a hostile cidata hung the agent instead of failing with exit 3.
TEST(ContractLimitsTest, StreamThatYamlCppCannotReadIsMalformedNotAHang) {
  ContractKeyDecryptor decryptor;
  for (const char* user_data : {",", ",2 -----BEGIN CERTIFICATE----- \n\n\t\n", "- !+(.,.)"}) {
    auto c = ParseContract(user_data, "user-data", decryptor.Get());
    ASSERT_FALSE(c.ok()) << user_data;
    EXPECT_NE(c.error().message.find("contract user-data: malformed YAML at line 1"), std::string::npos)
        << c.error().message;
  }
}

// Nesting is bounded by yaml-cpp's own depth guard (DeepRecursion): a contract nested a hundred
// thousand levels deep in flow style, or five thousand in block style, is malformed YAML, not a
// stack overflow.
TEST(ContractLimitsTest, DeepNestingIsMalformedNotACrash) {
  ContractKeyDecryptor decryptor;
  const std::string flow = "workload: " + std::string(100000, '[') + std::string(100000, ']') + "\n";
  std::string block = "workload:\n";
  for (int i = 0; i < 5000; ++i) block += std::string(static_cast<std::size_t>(i) + 1, ' ') + "- \n";
  for (const std::string& user_data : {flow, block}) {
    auto c = ParseContract(user_data, "user-data", decryptor.Get());
    ASSERT_FALSE(c.ok());
    EXPECT_NE(c.error().message.find("contract user-data: "), std::string::npos) << c.error().message;
  }
}

}  // namespace
}  // namespace seattest
