// The contract:* lines' inputs (core/contract_sections.h): computed from user-data.decrypted alone,
// the same for the agent (from the text it writes) and the auditor (from the file it receives).
#include "core/contract_sections.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/contract.h"
#include "core/yaml_text.h"
#include "test_support.h"

namespace seattest {
namespace {

using test::ContractKeyDecryptor;
using test::Fixture;

std::vector<MeasuredSection> Measure(std::string_view decrypted) {
  auto sections = MeasureContractSections(decrypted);
  EXPECT_TRUE(sections.ok()) << sections.error().message << "\n" << decrypted;
  return sections ? *sections : std::vector<MeasuredSection>{};
}

std::string ErrorOf(std::string_view decrypted) {
  auto sections = MeasureContractSections(decrypted);
  EXPECT_FALSE(sections.ok()) << decrypted;
  return sections ? std::string() : sections.error().message;
}

TEST(ContractSectionsTest, TokenSectionsHashTheirOwnLinesInTheRecordsOrder) {
  ContractKeyDecryptor decryptor;
  auto contract = ParseContract(Fixture("contract/tokens.yaml"), "cidata/user-data", decryptor.Get());
  ASSERT_TRUE(contract.ok()) << contract.error().message;
  const std::vector<MeasuredSection> s = Measure(contract->decrypted_text);
  ASSERT_EQ(s.size(), 4u);
  // The contract has env first; the lines come in the record's order.
  EXPECT_EQ(s[0].line, "contract:workload");
  EXPECT_EQ(s[1].line, "contract:env");
  EXPECT_EQ(s[2].line, "contract:envWorkloadSignature");
  EXPECT_EQ(s[3].line, "contract:attestationPublicKey");
  // The sections' own lines: "<key>: |" and the plaintext the author encrypted, indented.
  EXPECT_EQ(s[0].text, RenderStringEntry("workload", Fixture("contract/workload.plain")));
  EXPECT_EQ(s[1].text, RenderStringEntry("env", Fixture("contract/env.plain")));
  EXPECT_EQ(s[0].text.rfind("workload: |", 0), 0u);
  std::string lines;
  for (const MeasuredSection& m : s) lines += m.key == "attestationPublicKey" ? "" : m.text;
  EXPECT_EQ(lines.size() + RenderStringEntry("attestationPublicKey", s[3].text).size(), contract->decrypted_text.size());
  // The effective PEM: the attestationPublicKey file's bytes.
  EXPECT_EQ(s[3].text, *contract->attestation_public_key_pem);
}

TEST(ContractSectionsTest, PlainCollectionsHashTheirOwnLines) {
  const std::string decrypted =
      "env:\n  type: env\n  list:\n  - a\n  - b\nworkload:\n- type: workload\n- x: 1\n";
  const std::vector<MeasuredSection> s = Measure(decrypted);
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].key, "workload");
  EXPECT_EQ(s[0].text, "workload:\n- type: workload\n- x: 1\n");  // a list at column 0 stays in its section
  EXPECT_EQ(s[1].text, "env:\n  type: env\n  list:\n  - a\n  - b\n");
}

TEST(ContractSectionsTest, AgentsOwnRenderingOfPlainSectionsIsCutWhereItsSectionsAre) {
  for (const char* fixture : {"contract/plain.yaml", "contract/section-list.yaml", "contract/section-types.yaml",
                              "contract/section-scalar.yaml", "contract/base64-pem.yaml", "contract/pem.yaml"}) {
    SCOPED_TRACE(fixture);
    auto contract = ParseContract(Fixture(fixture), "cidata/user-data", [](std::string_view) -> Result<std::string> {
      return MakeError("no tokens here");
    });
    if (!contract) continue;  // some of these are invalid contracts: nothing to measure
    const std::vector<MeasuredSection> s = Measure(contract->decrypted_text);
    std::string joined;
    for (const MeasuredSection& m : s) {
      if (m.key != "attestationPublicKey") {
        EXPECT_NE(contract->decrypted_text.find(m.text), std::string::npos);
      }
      joined += m.key + ",";
    }
    EXPECT_FALSE(joined.empty());
  }
}

TEST(ContractSectionsTest, PlainStringsAndEmptySectionsAreTheirLinesToo) {
  const std::vector<MeasuredSection> s = Measure("workload: \"quoted\\ttext\"\nenv:\nenvWorkloadSignature: c2ln\n");
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[0].text, "workload: \"quoted\\ttext\"\n");
  EXPECT_EQ(s[1].text, "env:\n");
  EXPECT_EQ(s[2].text, "envWorkloadSignature: c2ln\n");
}

// The review's forgery: a comment that a lone CR (or NEL, U+2028, U+2029) ends for PyYAML but not
// for yaml-cpp hides a second `workload:` from one reader. Hashing the section's bytes, not its
// value, changes the line.
TEST(ContractSectionsTest, ACommentThatHidesASectionFromOneReaderChangesTheLine) {
  const std::string good = "workload: |\n  type: workload\n  compose: x\nenv:\n  type: env\n";
  const std::vector<MeasuredSection> base = Measure(good);
  for (const std::string& sep : {std::string("\r"), std::string("\xc2\x85"), std::string("\xe2\x80\xa8"),
                                 std::string("\xe2\x80\xa9")}) {
    std::string forged = good;
    forged.insert(forged.find("env:"), "#" + sep + "workload: \"type: workload\\ncompose: EVIL\\n\"\n");
    auto s = MeasureContractSections(forged);
    if (s) {
      EXPECT_NE(*s, base);
    }
  }
}

// attestationPublicKey is hashed by its PEM: its bytes must be the agent's own, or something could
// hide in them.
TEST(ContractSectionsTest, AttestationPublicKeyMustBeWrittenAsTheAgentWritesIt) {
  const std::string pem = test::Fixture("keys/rsa2048.pub");
  const std::string good = RenderStringEntry("attestationPublicKey", pem);
  const std::vector<MeasuredSection> s = Measure(good);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].text, pem);
  std::string comment = good;
  comment.insert(comment.find('\n') + 1, "  # \rworkload: evil\n");
  EXPECT_FALSE(MeasureContractSections(comment).ok());
  std::string tagged = good;
  tagged.replace(0, std::string("attestationPublicKey:").size(), "attestationPublicKey: !!binary");
  EXPECT_FALSE(MeasureContractSections(tagged).ok());
  EXPECT_FALSE(MeasureContractSections("attestationPublicKey: !!null \"" + std::string("x") + "\"\n").ok());
}

TEST(ContractSectionsTest, AnyChangedValueOfASectionChangesItsInput) {
  const std::string good = "workload: |\n  services: a\nenv:\n  type: env\n";
  const std::vector<MeasuredSection> base = Measure(good);
  for (const std::string& forged : {std::string("workload: |\n  services: b\nenv:\n  type: env\n"),
                                    std::string("workload: |\n  services: a\nenv:\n  type: enw\n"),
                                    std::string("workload: |\n  services: a\n  more\nenv:\n  type: env\n"),
                                    std::string("workload: |\n  services: a\nenv:\n  type: env  # c\n")}) {
    const std::vector<MeasuredSection> s = Measure(forged);
    ASSERT_EQ(s.size(), base.size());
    EXPECT_NE(s, base) << forged;
  }
}

TEST(ContractSectionsTest, RefusesWhatHidesASectionOrIsNotAContract) {
  EXPECT_NE(ErrorOf("").find("empty"), std::string::npos);
  EXPECT_NE(ErrorOf("# a comment\nworkload: a\n").find("line 1"), std::string::npos);
  EXPECT_NE(ErrorOf("workload: a\nworkload: b\n").find("twice"), std::string::npos);
  // A section hidden in another's double-quoted string: the lines and a YAML reader disagree.
  EXPECT_FALSE(MeasureContractSections("workload: \"a\nenv: b\"\n").ok());
  EXPECT_FALSE(MeasureContractSections("workload: a\nunknown: b\n").ok());
  EXPECT_FALSE(MeasureContractSections("workload: [a,\nenv: b]\n").ok());
  EXPECT_FALSE(MeasureContractSections("workload: a\n---\nenv: b\n").ok());
  EXPECT_NE(ErrorOf("attestationPublicKey: not a key\n").find("attestationPublicKey"), std::string::npos);
  EXPECT_FALSE(MeasureContractSections("attestationPublicKey:\n  a: b\n").ok());
}

}  // namespace
}  // namespace seattest
