// `se-attest contract` (host/contract_author.h): contracts built from workload and env files, read
// back with the agent's parser and the test contract key; and what it refuses.
#include "host/contract_author.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <string>

#include "core/base64.h"
#include "core/contract.h"
#include "core/token_format.h"
#include "crypto/contract_signature.h"
#include "crypto/keys.h"
#include "crypto/rsa.h"
#include "crypto/token.h"
#include "test_support.h"

namespace seattest {
namespace {

using test::ContractKeyDecryptor;
using test::Fixture;
using test::FixturePath;
using test::TempDir;
using test::WriteText;

// A node's values, types and tags, whatever its style (flow or block, quoting).
std::string Canonical(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      std::string out = "{";
      for (const auto& kv : node) out += Canonical(kv.first) + ": " + Canonical(kv.second) + ", ";
      return out + "}";
    }
    case YAML::NodeType::Sequence: {
      std::string out = "[";
      for (const auto& item : node) out += Canonical(item) + ", ";
      return out + "]";
    }
    case YAML::NodeType::Scalar:
      return "<" + node.Tag() + ">'" + node.Scalar() + "'";
    default:
      return "null";
  }
}

std::string Key(std::string_view name) { return FixturePath(std::string("keys/") + std::string(name)); }

class ContractAuthorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_.workload_file = FixturePath("contract/workload.plain");
    options_.env_file = env_file_;
    WriteText(env_file_, kEnv);
  }

  // The contract, read back with the agent's parser and the test contract key.
  Contract Build() {
    auto authored = AuthorContract(options_);
    EXPECT_TRUE(authored.ok()) << authored.error().message;
    if (!authored) return {};
    text_ = authored->text;
    plaintext_sections_ = authored->plaintext_sections;
    auto contract = ParseContract(text_, "(test)", decryptor_.Get());
    EXPECT_TRUE(contract.ok()) << contract.error().message << "\n" << text_;
    return contract ? std::move(*contract) : Contract{};
  }

  // The error of AuthorContract (a test failure when it succeeds).
  std::string Refusal() {
    auto authored = AuthorContract(options_);
    EXPECT_FALSE(authored.ok()) << "accepted:\n" << authored->text;
    return authored ? std::string() : authored.error().message;
  }

  std::string DecryptedSection(const std::string& key) {
    YAML::Node contract = YAML::Load(text_);
    auto plain = DecryptToken(contract_key_.get(), contract[key].Scalar());
    EXPECT_TRUE(plain.ok()) << key << ": " << plain.error().message;
    return plain ? std::string(plain->view()) : std::string();
  }

  static constexpr const char* kEnv = "type: env\nlogging:\n  syslog:\n    port: \"6514\"\n";
  TempDir tmp_;
  std::string env_file_ = tmp_.Sub("env.yaml");
  ContractAuthorOptions options_;
  ContractKeyDecryptor decryptor_;
  EvpPkeyPtr contract_key_ = test::TestPrivateKey("contract.key");
  std::string text_;
  bool plaintext_sections_ = false;
};

TEST_F(ContractAuthorTest, PlainSectionsKeepTheirValuesAndTypes) {
  options_.workload_file = FixturePath("contract/section-types.yaml");
  Contract c = Build();
  EXPECT_TRUE(plaintext_sections_);
  EXPECT_FALSE(c.attestation_public_key_pem.has_value());
  EXPECT_FALSE(c.env_workload_signature.has_value());
  YAML::Node contract = YAML::Load(text_);
  YAML::Node original = YAML::Load(Fixture("contract/section-types.yaml"));
  ASSERT_TRUE(contract["workload"].IsMap()) << text_;
  EXPECT_EQ(Canonical(contract["workload"]), Canonical(original));
  EXPECT_EQ(Canonical(contract["env"]), Canonical(YAML::Load(kEnv)));
  // Quoted values stay quoted (a string), plain ones plain, whatever they look like.
  const YAML::Node env = contract["workload"]["env"];
  for (const char* quoted : {"PORT", "ENABLED", "EMPTY", "TILDE", "SPACES", "NOTE", "TRAILING"}) {
    EXPECT_EQ(env[quoted].Tag(), "!") << quoted << " lost its quotes:\n" << text_;
    EXPECT_EQ(env[quoted].Scalar(), original["env"][quoted].Scalar()) << quoted;
  }
  EXPECT_EQ(env["COUNT"].Tag(), "?");
  EXPECT_EQ(env["DEBUG"].Tag(), "?");
  EXPECT_TRUE(env["NOTHING"].IsNull());
  EXPECT_EQ(env["TAGGED"].Tag(), "tag:yaml.org,2002:str");
  EXPECT_EQ(contract["env"]["logging"]["syslog"]["port"].Tag(), "!");
  // What the agent writes to user-data.decrypted reads back as the sections.
  EXPECT_EQ(YAML::Dump(YAML::Load(c.decrypted_text)), YAML::Dump(contract));
}

TEST_F(ContractAuthorTest, EncryptedSectionsAreTheFilesByteForByte) {
  for (const char* recipient : {"contract.crt", "contract.pub", "contract.rsa-public.pem"}) {
    options_.encrypt_for = Key(recipient);
    Build();
    EXPECT_FALSE(plaintext_sections_);
    YAML::Node contract = YAML::Load(text_);
    EXPECT_EQ(contract.size(), 2u) << text_;
    for (const char* key : {"workload", "env"}) {
      EXPECT_TRUE(LooksLikeToken(contract[key].Scalar())) << key;
      // One line, as IBM writes it.
      EXPECT_NE(text_.find(std::string(key) + ": " + contract[key].Scalar() + "\n"), std::string::npos) << text_;
    }
    EXPECT_EQ(DecryptedSection("workload"), Fixture("contract/workload.plain")) << recipient;
    EXPECT_EQ(DecryptedSection("env"), kEnv) << recipient;
  }
}

TEST_F(ContractAuthorTest, AttestationPublicKeyInEachForm) {
  const std::string pem = Fixture("keys/rsa2048.pub");
  options_.encrypt_for = Key("contract.crt");
  options_.attestation_public_key_file = Key("rsa2048.pub");
  for (AttestationKeyForm form : {AttestationKeyForm::kPem, AttestationKeyForm::kBase64, AttestationKeyForm::kToken}) {
    options_.attestation_key_form = form;
    Contract c = Build();
    ASSERT_TRUE(c.attestation_public_key_pem.has_value()) << text_;
    EXPECT_EQ(*c.attestation_public_key_pem, pem);
    const std::string value = YAML::Load(text_)["attestationPublicKey"].Scalar();
    switch (form) {
      case AttestationKeyForm::kPem:
        EXPECT_EQ(value, pem);
        EXPECT_NE(text_.find("attestationPublicKey: |\n  -----BEGIN PUBLIC KEY-----\n"), std::string::npos) << text_;
        break;
      case AttestationKeyForm::kBase64:
        EXPECT_EQ(value, Base64Encode(ToBytes(pem)));
        break;
      case AttestationKeyForm::kToken:
        EXPECT_TRUE(LooksLikeToken(value));
        EXPECT_EQ(DecryptedSection("attestationPublicKey"), pem);
        break;
    }
  }
  // Plain sections with a PEM or base64 attestationPublicKey.
  options_.encrypt_for.clear();
  for (AttestationKeyForm form : {AttestationKeyForm::kPem, AttestationKeyForm::kBase64}) {
    options_.attestation_key_form = form;
    Contract c = Build();
    ASSERT_TRUE(c.attestation_public_key_pem.has_value());
    EXPECT_EQ(*c.attestation_public_key_pem, pem);
  }
  // A certificate is taken as the agent takes it: the PEM as given.
  options_.attestation_public_key_file = Key("attestation.crt");
  Contract cert = Build();
  EXPECT_EQ(cert.attestation_public_key_pem, Fixture("keys/attestation.crt"));
}

TEST_F(ContractAuthorTest, SignatureOverTheTwoTokensWithSigningKeyInEnv) {
  options_.encrypt_for = Key("contract.crt");
  options_.signing_key_file = Key("rsa2048.key");
  options_.attestation_public_key_file = Key("attestation.pub");
  Contract c = Build();
  ASSERT_TRUE(c.env_workload_signature.has_value()) << text_;
  YAML::Node contract = YAML::Load(text_);
  const std::string workload = contract["workload"].Scalar();
  const std::string env = contract["env"].Scalar();
  EXPECT_EQ(c.env_workload_signature->signed_data, workload + env);
  // One line of base64, as IBM documents it.
  const std::string signature = contract["envWorkloadSignature"].Scalar();
  EXPECT_NE(text_.find("envWorkloadSignature: " + signature + "\n"), std::string::npos) << text_;
  auto raw = Base64Decode(signature);
  ASSERT_TRUE(raw.has_value());
  EXPECT_EQ(raw->size(), 256u);
  // It verifies with the signing key's public half, given separately ...
  EvpPkeyPtr public_key = test::TestPublicKey("rsa2048.pub");
  auto ok = VerifySha256(public_key.get(), workload + env, *raw);
  ASSERT_TRUE(ok.ok());
  EXPECT_TRUE(*ok);
  // ... and with env.signingKey, which is that public half, added to the env file's entries.
  EXPECT_EQ(c.env_workload_signature->signing_key_pem, Fixture("keys/rsa2048.pub"));
  EXPECT_TRUE(VerifyEnvWorkloadSignature(*c.env_workload_signature).ok());
  YAML::Node env_plain = YAML::Load(DecryptedSection("env"));
  EXPECT_EQ(env_plain["type"].Scalar(), "env");
  EXPECT_EQ(env_plain["logging"]["syslog"]["port"].Tag(), "!");
  EXPECT_EQ(env_plain["signingKey"].Scalar(), Fixture("keys/rsa2048.pub"));
  EXPECT_EQ(DecryptedSection("workload"), Fixture("contract/workload.plain"));
}

TEST_F(ContractAuthorTest, EnvThatAlreadyNamesTheSigningKeyIsKeptAsItIs) {
  // The same key as a certificate would do too; here as the PEM public key, CRLF line ends.
  std::string pem = Fixture("keys/rsa2048.pub");
  std::string crlf;
  for (char ch : pem) crlf += ch == '\n' ? std::string("\r\n") : std::string(1, ch);
  YAML::Emitter quoted;
  quoted << YAML::DoubleQuoted << crlf;
  const std::string env = std::string(kEnv) + "signingKey: " + quoted.c_str() + "\n";
  WriteText(env_file_, env);
  options_.encrypt_for = Key("contract.crt");
  options_.signing_key_file = Key("rsa2048.key");
  Contract c = Build();
  ASSERT_TRUE(c.env_workload_signature.has_value());
  EXPECT_EQ(DecryptedSection("env"), env);
  EXPECT_TRUE(VerifyEnvWorkloadSignature(*c.env_workload_signature).ok());
}

TEST_F(ContractAuthorTest, EnvWithAnotherSigningKeyIsRefused) {
  WriteText(env_file_, std::string(kEnv) + "signingKey: |\n  " +
                           [] {
                             std::string pem = Fixture("keys/contract.pub"), out;
                             for (char ch : pem) out += ch == '\n' ? std::string("\n  ") : std::string(1, ch);
                             return out;
                           }() + "\n");
  options_.encrypt_for = Key("contract.crt");
  options_.signing_key_file = Key("rsa2048.key");
  const std::string m = Refusal();
  EXPECT_EQ(m.rfind("env file " + env_file_ + ": line 5: signingKey is another key than --signing-key", 0), 0u) << m;
  // Without --signing-key, a signingKey in env would make the agent refuse the contract.
  options_.signing_key_file.clear();
  const std::string unsigned_m = Refusal();
  EXPECT_NE(unsigned_m.find("signingKey is set but no --signing-key was given"), std::string::npos) << unsigned_m;
}

TEST_F(ContractAuthorTest, MissingFilesAreNamed) {
  options_.workload_file = tmp_.Sub("no-workload.yaml");
  std::string m = Refusal();
  EXPECT_EQ(m.rfind("workload file: ", 0), 0u) << m;
  EXPECT_NE(m.find(tmp_.Sub("no-workload.yaml")), std::string::npos) << m;
  options_.workload_file = FixturePath("contract/workload.plain");
  options_.env_file = tmp_.Sub("no-env.yaml");
  m = Refusal();
  EXPECT_EQ(m.rfind("env file: ", 0), 0u) << m;
  options_.env_file = env_file_;
  for (std::string* option : {&options_.encrypt_for, &options_.attestation_public_key_file, &options_.signing_key_file}) {
    options_.encrypt_for = Key("contract.crt");
    *option = tmp_.Sub("no-key.pem");
    m = Refusal();
    EXPECT_NE(m.find(tmp_.Sub("no-key.pem")), std::string::npos) << m;
    EXPECT_EQ(m.rfind("--", 0), 0u) << m;
    options_.attestation_public_key_file.clear();
    options_.signing_key_file.clear();
  }
}

struct SectionCase {
  const char* fixture;
  const char* message;  // after "<name> file <path>: "
};

class ContractAuthorSectionTest : public ContractAuthorTest, public ::testing::WithParamInterface<SectionCase> {};

TEST_P(ContractAuthorSectionTest, NotAMappingIsRefusedNamingTheFileAndLine) {
  const std::string path = FixturePath(std::string("contract/") + GetParam().fixture);
  for (bool as_env : {false, true}) {
    (as_env ? options_.env_file : options_.workload_file) = path;
    options_.encrypt_for = as_env ? Key("contract.crt") : "";
    const std::string m = Refusal();
    const std::string prefix = std::string(as_env ? "env" : "workload") + " file " + path + ": ";
    EXPECT_EQ(m.rfind(prefix, 0), 0u) << m;
    EXPECT_NE(m.find(GetParam().message), std::string::npos) << m;
    options_.workload_file = FixturePath("contract/workload.plain");
    options_.env_file = env_file_;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Fixtures, ContractAuthorSectionTest,
    ::testing::Values(SectionCase{"section-empty.yaml", "empty, expected a YAML mapping"},
                      SectionCase{"section-comments-only.yaml", "empty, expected a YAML mapping"},
                      SectionCase{"section-list.yaml", "line 1: expected a YAML mapping, found a list"},
                      SectionCase{"section-scalar.yaml", "line 1: expected a YAML mapping, found a single value"},
                      SectionCase{"section-malformed.yaml", "line 3: malformed YAML"},
                      SectionCase{"section-two-documents.yaml", "2 YAML documents, expected one mapping"},
                      SectionCase{"section-duplicate-key.yaml", "line 5: 'seed' appears twice"}),
    [](const auto& p) { return test::ParamName(p.param.fixture); });

TEST_F(ContractAuthorTest, PrivateKeyAsAttestationPublicKeyIsRefusedWithoutShowingIt) {
  options_.encrypt_for = Key("contract.crt");
  for (const char* key : {"rsa2048.key", "contract.traditional.key"}) {
    options_.attestation_public_key_file = Key(key);
    const std::string m = Refusal();
    EXPECT_EQ(m, "--attestation-public-key " + Key(key) +
                     ": holds a private key; give the public key (openssl pkey -pubout) or certificate");
  }
  // The same for the contract certificate.
  options_.attestation_public_key_file.clear();
  options_.encrypt_for = Key("contract.key");
  EXPECT_NE(Refusal().find("--encrypt-for " + Key("contract.key") + ": holds a private key"), std::string::npos);
}

TEST_F(ContractAuthorTest, AttestationKeyThatIsNotOneRsaPublicKeyIsRefused) {
  options_.encrypt_for = Key("contract.crt");
  options_.attestation_public_key_file = Key("ec-p256.pub");
  EXPECT_NE(Refusal().find("not an RSA key"), std::string::npos);
  WriteText(tmp_.Sub("two.pem"), Fixture("keys/rsa2048.pub") + Fixture("keys/contract.pub"));
  options_.attestation_public_key_file = tmp_.Sub("two.pem");
  EXPECT_NE(Refusal().find("expected one PEM public key and nothing else, found 2 PEM blocks"), std::string::npos);
  WriteText(tmp_.Sub("garbage.pem"), "not a key\n");
  options_.attestation_public_key_file = tmp_.Sub("garbage.pem");
  EXPECT_NE(Refusal().find("--attestation-public-key"), std::string::npos);
}

TEST_F(ContractAuthorTest, SigningKeyMustBeAnRsaPrivateKey) {
  options_.encrypt_for = Key("contract.crt");
  for (const char* key : {"rsa2048.pub", "ec-p256.key", "rsa2048.encrypted.key"}) {
    options_.signing_key_file = Key(key);
    const std::string m = Refusal();
    EXPECT_EQ(m.rfind("--signing-key", 0), 0u) << key << ": " << m;
    EXPECT_EQ(m.find("MII"), std::string::npos) << m;
  }
}

TEST_F(ContractAuthorTest, OptionsThatNeedEncryptFor) {
  options_.attestation_public_key_file = Key("rsa2048.pub");
  options_.attestation_key_form = AttestationKeyForm::kToken;
  auto s = CheckContractOptions(options_);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message, "--attestation-key-form token needs --encrypt-for (the token is made for the contract key)");
  EXPECT_EQ(Refusal(), s.error().message);
  options_.attestation_key_form = AttestationKeyForm::kPem;
  options_.signing_key_file = Key("rsa2048.key");
  s = CheckContractOptions(options_);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("--signing-key needs --encrypt-for"), std::string::npos);
  options_.encrypt_for = Key("contract.crt");
  EXPECT_TRUE(CheckContractOptions(options_).ok());
}

TEST(ContractAuthorFormTest, Parse) {
  EXPECT_EQ(*ParseAttestationKeyForm("pem"), AttestationKeyForm::kPem);
  EXPECT_EQ(*ParseAttestationKeyForm("base64"), AttestationKeyForm::kBase64);
  EXPECT_EQ(*ParseAttestationKeyForm("token"), AttestationKeyForm::kToken);
  auto bad = ParseAttestationKeyForm("PEM");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "--attestation-key-form: expected pem, base64 or token, found 'PEM'");
}

// The signature checked by the openssl command line, as IBM's tooling would:
//   printf %s "$WORKLOAD$ENV" | openssl dgst -sha256 -verify signing.pub -signature <(base64 -d sig)
TEST_F(ContractAuthorTest, SignatureVerifiesWithTheOpensslCommandLine) {
  // The openssl command line is what this test checks against: std::system on purpose, with a
  // command made here from the test's own paths, and no other thread running.
  // NOLINTNEXTLINE(cert-env33-c,concurrency-mt-unsafe)
  if (std::system("command -v openssl >/dev/null 2>&1") != 0) GTEST_SKIP() << "no openssl command";
  options_.encrypt_for = Key("contract.crt");
  options_.signing_key_file = Key("rsa2048.key");
  Build();
  YAML::Node contract = YAML::Load(text_);
  WriteText(tmp_.Sub("workload"), contract["workload"].Scalar());
  WriteText(tmp_.Sub("env"), contract["env"].Scalar());
  WriteText(tmp_.Sub("sig"), contract["envWorkloadSignature"].Scalar());
  const std::string command = "cd '" + tmp_.path() + "' && WORKLOAD=$(cat workload) && ENV=$(cat env) && "
                              "base64 -d sig >sig.bin && printf %s \"$WORKLOAD$ENV\" | openssl dgst -sha256 -verify '" +
                              Key("rsa2048.pub") + "' -signature sig.bin >out.txt 2>&1";
  EXPECT_EQ(std::system(command.c_str()), 0) << test::ReadText(tmp_.Sub("out.txt"));  // NOLINT(cert-env33-c,concurrency-mt-unsafe)
  EXPECT_EQ(test::ReadText(tmp_.Sub("out.txt")), "Verified OK\n");
  // A changed env token does not verify.
  WriteText(tmp_.Sub("env"), contract["env"].Scalar() + "x");
  EXPECT_NE(std::system(command.c_str()), 0);  // NOLINT(cert-env33-c,concurrency-mt-unsafe)
}

}  // namespace
}  // namespace seattest
