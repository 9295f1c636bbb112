// reference.yaml (core/reference.h): read strictly, like agent.yaml.
#include "core/reference.h"

#include <gtest/gtest.h>

#include <string>

#include "core/hex.h"
#include "test_support.h"

namespace seattest {
namespace {

const std::string kGood = test::ReadText(std::string(SE_ATTEST_FIXTURES) + "/../fuzz/seeds/reference/reference.yaml");

TEST(ReferenceTest, WhatSealWritesReadsBack) {
  auto ref = ParseReference(kGood, "reference.yaml");
  ASSERT_TRUE(ref.ok()) << ref.error().message;
  EXPECT_EQ(ref->image_version, "1.0.0");
  EXPECT_EQ(ref->commit_id, "abc123");
  EXPECT_EQ(ref->image_kind, ImageKind::kProduction);
  EXPECT_EQ(ref->measurements.size(), 2u);
  EXPECT_TRUE(ref->contract_signing_keys.empty());
  ASSERT_TRUE(ref->root_partition.has_value());
  EXPECT_EQ(ref->root_partition->size, 16777216u);
  EXPECT_EQ(ref->root_partition->device, "PARTLABEL=se-root");
}

// Seal states both digests of the root partition (sha256 and sha256-4m, core/root_digest.h);
// references sealed before sha256-4m have only sha256.
TEST(ReferenceTest, RootPartitionHasBothDigests) {
  const std::string flat_line = "  sha256: 2d43b2ffeb1c543d3b3a5b0b96d5417f79d8245f1e085f5e3f150390d093fc6b\n";
  std::string text = kGood;
  ASSERT_NE(text.find(flat_line), std::string::npos);
  text.insert(text.find(flat_line) + flat_line.size(), "  sha256-4m: " + std::string(64, 'c') + "\n");
  auto ref = ParseReference(text, "reference.yaml");
  ASSERT_TRUE(ref.ok()) << ref.error().message;
  ASSERT_TRUE(ref->root_partition.has_value());
  ASSERT_TRUE(ref->root_partition->sha256.has_value());
  ASSERT_TRUE(ref->root_partition->sha256_4m.has_value());
  EXPECT_EQ(ToHex(*ref->root_partition->sha256), "2d43b2ffeb1c543d3b3a5b0b96d5417f79d8245f1e085f5e3f150390d093fc6b");
  EXPECT_EQ(ToHex(*ref->root_partition->sha256_4m), std::string(64, 'c'));
  auto older = ParseReference(kGood, "reference.yaml");
  ASSERT_TRUE(older.ok()) << older.error().message;
  EXPECT_FALSE(older->root_partition->sha256_4m.has_value());
  // Checked like every digest, and once.
  std::string bad = kGood;
  bad.insert(bad.find(flat_line) + flat_line.size(), "  sha256-4m: " + std::string(63, 'c') + "\n");
  auto refused = ParseReference(bad, "r.yaml");
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("root_partition.sha256-4m: expected 64 hex digits"), std::string::npos)
      << refused.error().message;
  std::string twice = text;
  twice.insert(twice.find(flat_line) + flat_line.size(), "  sha256-4m: " + std::string(64, 'd') + "\n");
  EXPECT_FALSE(ParseReference(twice, "r.yaml").ok());
}

TEST(ReferenceTest, DevelopmentAndSigningKeys) {
  std::string text = kGood;
  text.replace(text.find("image_kind: production"), 22, "image_kind: development");
  text.replace(text.find("[]"), 2, "[" + std::string(64, 'a') + ", " + std::string(64, 'b') + "]");
  auto ref = ParseReference(text, "reference.yaml");
  ASSERT_TRUE(ref.ok()) << ref.error().message;
  EXPECT_EQ(ref->image_kind, ImageKind::kDevelopment);
  ASSERT_EQ(ref->contract_signing_keys.size(), 2u);
  EXPECT_EQ(ToHex(ref->contract_signing_keys[1]), std::string(64, 'b'));
}

TEST(ReferenceTest, RealRootAsSealed) {
  auto tmpfs = ParseReference(kGood + "real_root:\n  kind: tmpfs\n", "r.yaml");
  ASSERT_TRUE(tmpfs.ok()) << tmpfs.error().message;
  ASSERT_TRUE(tmpfs->real_root.has_value());
  EXPECT_EQ(tmpfs->real_root->kind, kRealRootTmpfs);
  EXPECT_EQ(tmpfs->real_root->disk, "");
  auto disk = ParseReference(kGood + "real_root:\n  kind: luks2-disk\n  disk: PARTLABEL=se-rootfs\n", "r.yaml");
  ASSERT_TRUE(disk.ok()) << disk.error().message;
  EXPECT_EQ(disk->real_root->kind, kRealRootLuks2Disk);
  EXPECT_EQ(disk->real_root->disk, "PARTLABEL=se-rootfs");
  EXPECT_FALSE(ParseReference(kGood, "r.yaml")->real_root.has_value());  // sealed before it was written
  struct Case {
    std::string text, message;
  };
  for (const Case& c : {
           Case{"real_root:\n  kind: disk\n", "reference r.yaml: real_root.kind: expected tmpfs or luks2-disk (line 16)"},
           Case{"real_root:\n  kind: luks2-disk\n",
                "reference r.yaml: real_root.disk: given exactly when real_root.kind is luks2-disk (line 16)"},
           Case{"real_root:\n  kind: tmpfs\n  disk: /dev/vda2\n",
                "reference r.yaml: real_root.disk: given exactly when real_root.kind is luks2-disk (line 16)"},
           Case{"real_root:\n  disk: /dev/vda2\n", "reference r.yaml: real_root.kind: missing (line 16)"},
           Case{"real_root:\n  kind: tmpfs\n  key: kept\n", "reference r.yaml: real_root.key: unknown key (line 17)"},
       }) {
    auto ref = ParseReference(kGood + c.text, "r.yaml");
    ASSERT_FALSE(ref.ok()) << c.text;
    EXPECT_EQ(ref.error().message, c.message);
  }
}

const std::string kGood2026 =
    test::ReadText(std::string(SE_ATTEST_FIXTURES) + "/../fuzz/seeds/reference/reference-2026.yaml");

TEST(ReferenceTest, ProfileAbsentMeansHpcr2023) {
  auto ref = ParseReference(kGood, "r.yaml");
  ASSERT_TRUE(ref.ok());
  EXPECT_EQ(ref->record_profile, RecordProfile::kHpcr2023);
  EXPECT_FALSE(ref->build_time.has_value());
  EXPECT_FALSE(ref->certificates.has_value());
}

TEST(ReferenceTest, TokenPrefixAbsentMeansHyperProtectBasic) {
  auto ref = ParseReference(kGood, "r.yaml");
  ASSERT_TRUE(ref.ok());
  EXPECT_EQ(ref->token_prefix, TokenPrefix::kHyperProtectBasic);
  auto cb = ParseReference(kGood + "token_prefix: contract-basic\n", "r.yaml");
  ASSERT_TRUE(cb.ok()) << cb.error().message;
  EXPECT_EQ(cb->token_prefix, TokenPrefix::kContractBasic);
  for (const char* bad : {"token_prefix: contract-basic.\n", "token_prefix: hyper-protect-flex\n", "token_prefix: {}\n"}) {
    auto refused = ParseReference(kGood + bad, "r.yaml");
    ASSERT_FALSE(refused.ok()) << bad;
    EXPECT_NE(refused.error().message.find("token_prefix"), std::string::npos) << refused.error().message;
  }
}

TEST(ReferenceTest, Hpcr2026WithBuildTimeCertificatesAndSbom) {
  auto ref = ParseReference(kGood2026, "r.yaml");
  ASSERT_TRUE(ref.ok()) << ref.error().message;
  EXPECT_EQ(ref->record_profile, RecordProfile::kHpcr2026);
  EXPECT_EQ(ref->build_time, 1764547200);
  ASSERT_TRUE(ref->certificates.has_value());
  EXPECT_EQ(ref->certificates->encryption.subject, "CN=se-attest test contract key,O=se-attest tests");
  EXPECT_EQ(ToHex(ref->certificates->attestation.sha256),
            "30059d7eca88c7c492adcedcc52d2ea804b86db899cc3774fa0b95c529655569");
  EXPECT_EQ(ref->certificates->attestation.not_after, *ParseIso8601("2126-10-30T09:03:33Z"));
  EXPECT_EQ(ToHex(ref->measurements.at("sbom")), "9958cb29efcb0d86a0beab6be3f475ccd6e2d56caa49971ea9fb81c76b3e24f2");
}

TEST(ReferenceTest, Hpcr2026RulesEachHaveAnInputThatFailsThem) {
  const auto without = [](std::string text, const std::string& line) {
    text.erase(text.find(line), line.size());
    return text;
  };
  const auto replaced = [](std::string text, const std::string& from, const std::string& to) {
    return text.replace(text.find(from), from.size(), to);
  };
  struct Case {
    std::string text, says;
  };
  for (const Case& c : {
           Case{without(kGood2026, "build_time: \"2025-12-01T00:00:00Z\"\n"), "build_time: missing (record_profile hpcr-2026)"},
           Case{replaced(kGood2026, "record_profile: hpcr-2026", "record_profile: hpcr-2023"), "build_time: only with record_profile hpcr-2026"},
           Case{replaced(kGood2026, "record_profile: hpcr-2026", "record_profile: hpcr-2024"), "record_profile: unknown record profile"},
           Case{kGood + "measurements_x: 1\n", "unknown key"},
           Case{replaced(kGood, "root_partition:", "  sbom: " + std::string(64, 'a') + "\nroot_partition:"),
                "measurements.sbom: only with record_profile hpcr-2026"},
           Case{replaced(kGood2026, "2025-12-01T00:00:00Z", "yesterday"), "build_time: expected YYYY-MM-DDTHH:MM:SSZ"},
           Case{replaced(kGood2026, "  attestation:\n", "  attestatoin:\n"), "certificates.attestatoin: unknown key"},
           Case{replaced(kGood2026, "    not_after: \"2126-10-30T09:03:36Z\"\n", ""), "certificates.encryption.not_after: missing"},
           Case{replaced(kGood2026, "0106daced", "0106dacex"), "certificates.encryption.sha256: expected 64 hex digits"},
           Case{replaced(kGood2026, "\"2126-10-30T09:03:33Z\"", "\"2126-10-30\""), "certificates.attestation.not_after: expected"},
       }) {
    auto ref = ParseReference(c.text, "r.yaml");
    ASSERT_FALSE(ref.ok()) << c.says;
    EXPECT_NE(ref.error().message.find(c.says), std::string::npos) << ref.error().message;
  }
}

TEST(ReferenceTest, BadInputNamesFileKeyAndLine) {
  struct Case {
    std::string text, message;
  };
  const std::string fp(64, 'a');
  for (const Case& c : {
           Case{"", "reference r.yaml: no YAML document"},
           Case{"- a\n", "reference r.yaml: expected a mapping"},
           Case{kGood + "---\na: 1\n", "reference r.yaml: 2 YAML documents, expected one"},
           Case{kGood + "typo: 1\n", "reference r.yaml: typo: unknown key (line 15)"},
           Case{kGood + "commit_id: other\n", "reference r.yaml: commit_id: given twice (line 15)"},
           Case{kGood + "contract_signing_keys_sha256: []\n", "reference r.yaml: contract_signing_keys_sha256: given twice (line 15)"},
       }) {
    auto ref = ParseReference(c.text, "r.yaml");
    ASSERT_FALSE(ref.ok()) << c.text;
    EXPECT_EQ(ref.error().message, c.message);
  }
  // What seal always writes is required: without it a line, or the signing key, goes unchecked.
  for (const std::string missing : {"  root.tar.gz:", "  baseimage:", "attestation_public_key_sha256:"}) {
    std::string text = kGood;
    const std::size_t at = text.find(missing);
    text.erase(at, text.find('\n', at) + 1 - at);
    const std::string key = missing.substr(missing.find_first_not_of(' '), missing.find(':') - missing.find_first_not_of(' '));
    EXPECT_EQ(ParseReference(text, "r.yaml").error().message,
              "reference r.yaml: " + std::string(key == "attestation_public_key_sha256" ? "" : "measurements.") + key +
                  ": missing");
  }
  std::string text = kGood;
  text.replace(text.find("image_kind: production"), 22, "image_kind: prod");
  EXPECT_EQ(ParseReference(text, "r.yaml").error().message,
            "reference r.yaml: image_kind: expected production or development (line 4)");
  text = kGood;
  text.replace(text.find("  size: 16777216"), 16, "  size: 16777216\n  sizes: 1");
  EXPECT_EQ(ParseReference(text, "r.yaml").error().message, "reference r.yaml: root_partition.sizes: unknown key (line 12)");
  text = kGood;
  text.replace(text.find("[]"), 2, "[" + fp + ", " + fp + "]");
  EXPECT_NE(ParseReference(text, "r.yaml").error().message.find("given twice"), std::string::npos);
}

}  // namespace
}  // namespace seattest
