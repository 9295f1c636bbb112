// `se-attest measure --contract` (host/contract_lines.h): the contract:* lines of a contract, as
// its author checks them: the SHA-256 of each token's plaintext, of a plain string section, and
// of the effective attestationPublicKey PEM; and the contracts it refuses, naming the section.
#include "host/contract_lines.h"

#include "core/yaml_text.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "core/hex.h"
#include "crypto/sha256.h"
#include "test_support.h"

namespace seattest {
namespace {

using test::Fixture;
using test::TestPrivateKey;

std::vector<std::string> Names(const std::vector<RecordEntry>& lines) {
  std::vector<std::string> names;
  names.reserve(lines.size());
  for (const RecordEntry& l : lines) names.push_back(l.name);
  return names;
}

// tests/fixtures/contract/tokens.yaml: env, workload and attestationPublicKey as tokens for the
// test contract key, envWorkloadSignature made with rsa2048.key (tests/fixtures/keys/README.txt).
TEST(ContractLinesTest, TokenSectionsAreTheirLinesDigests) {
  EvpPkeyPtr key = TestPrivateKey("contract.key");
  auto lines = MeasureContractLines(Fixture("contract/tokens.yaml"), "user-data", key.get());
  ASSERT_TRUE(lines.ok()) << lines.error().message;
  // The record's order, not the contract's (env comes first there).
  EXPECT_EQ(Names(*lines), (std::vector<std::string>{"contract:workload", "contract:env", "contract:envWorkloadSignature",
                                                     "contract:attestationPublicKey"}));
  const YAML::Node contract = YAML::Load(Fixture("contract/tokens.yaml"));
  // Each section's lines as user-data.decrypted holds them: the plaintext the author encrypted,
  // as a literal block.
  EXPECT_EQ((*lines)[0].digest, Sha256Of(RenderStringEntry("workload", Fixture("contract/workload.plain"))));
  EXPECT_EQ((*lines)[1].digest, Sha256Of(RenderStringEntry("env", Fixture("contract/env.plain"))));
  EXPECT_EQ((*lines)[2].digest, Sha256Of("envWorkloadSignature: " + contract["envWorkloadSignature"].Scalar() + "\n"));
  EXPECT_EQ((*lines)[3].digest, Sha256Of(Fixture("keys/rsa2048.pub")));
  EXPECT_EQ(RenderContractLines(*lines),
            ToHex((*lines)[0].digest) + " contract:workload\n" + ToHex((*lines)[1].digest) + " contract:env\n" +
                ToHex((*lines)[2].digest) + " contract:envWorkloadSignature\n" + ToHex((*lines)[3].digest) +
                " contract:attestationPublicKey\n");
}

TEST(ContractLinesTest, APlainContractNeedsNoKey) {
  auto lines = MeasureContractLines(Fixture("contract/pem.yaml"), "user-data", nullptr);
  ASSERT_TRUE(lines.ok()) << lines.error().message;
  EXPECT_EQ(Names(*lines),
            (std::vector<std::string>{"contract:workload", "contract:env", "contract:attestationPublicKey"}));
  EXPECT_EQ((*lines)[2].digest, Sha256Of(Fixture("keys/rsa2048.pub")));
  // attestationPublicKey as base64 of the PEM: the same line.
  auto base64 = MeasureContractLines(Fixture("contract/base64-pem.yaml"), "user-data", nullptr);
  ASSERT_TRUE(base64.ok()) << base64.error().message;
  EXPECT_EQ(base64->back().name, "contract:attestationPublicKey");
  EXPECT_EQ(base64->back().digest, Sha256Of(Fixture("keys/rsa2048.pub")));
}

TEST(ContractLinesTest, ATokenSectionWithoutTheKeyIsAnErrorNamingIt) {
  auto lines = MeasureContractLines(Fixture("contract/tokens.yaml"), "user-data", nullptr);
  ASSERT_FALSE(lines.ok());
  // env is the contract's first section.
  EXPECT_EQ(lines.error().message,
            "contract user-data: env: a token section: give --contract-key (the contract-encryption private key) to "
            "measure it");
}

TEST(ContractLinesTest, AnotherKeyIsAnErrorNamingTheSection) {
  EvpPkeyPtr key = TestPrivateKey("rsa2048.key");
  auto lines = MeasureContractLines(Fixture("contract/tokens.yaml"), "user-data", key.get());
  ASSERT_FALSE(lines.ok());
  EXPECT_NE(lines.error().message.find("contract user-data: env: token: cannot be decrypted with this key"),
            std::string::npos)
      << lines.error().message;
}

// What the agent refuses has no record, so no lines: a signature that does not verify, a key the
// agent would not encrypt for.
TEST(ContractLinesTest, AContractTheAgentRefusesHasNoLines) {
  EvpPkeyPtr key = TestPrivateKey("contract.key");
  YAML::Node contract = YAML::Load(Fixture("contract/tokens.yaml"));
  std::string signature = contract["envWorkloadSignature"].Scalar();
  signature[10] = signature[10] == 'A' ? 'B' : 'A';
  std::string text = Fixture("contract/tokens.yaml");
  text.replace(text.find(contract["envWorkloadSignature"].Scalar()), signature.size(), signature);
  auto lines = MeasureContractLines(text, "user-data", key.get());
  ASSERT_FALSE(lines.ok());
  EXPECT_NE(lines.error().message.find("envWorkloadSignature"), std::string::npos) << lines.error().message;
  EXPECT_NE(lines.error().message.find("(the agent refuses this contract)"), std::string::npos) << lines.error().message;
}

}  // namespace
}  // namespace seattest
