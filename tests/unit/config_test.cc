#include "core/config.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <cctype>
#include <string>

#include "core/hex.h"
#include "core/root_digest.h"
#include "test_support.h"

namespace seattest {
namespace {

using test::Fixture;

Result<AgentConfig> ParseFixture(const std::string& name) {
  return ParseAgentConfig(Fixture("config/" + name), name);
}

void ExpectSameConfig(const AgentConfig& a, const AgentConfig& b) {
  EXPECT_EQ(a.image_version, b.image_version);
  EXPECT_EQ(a.commit_id, b.commit_id);
  EXPECT_EQ(a.output_dir, b.output_dir);
  EXPECT_EQ(a.baseimage_sha256, b.baseimage_sha256);
  EXPECT_EQ(a.root_device.kind, b.root_device.kind);
  EXPECT_EQ(a.root_device.value, b.root_device.value);
  EXPECT_EQ(a.root_digest, b.root_digest);
  EXPECT_EQ(a.root_hash, b.root_hash);
  EXPECT_EQ(a.root_tarball, b.root_tarball);
  EXPECT_EQ(a.root_tarball_sha256, b.root_tarball_sha256);
  EXPECT_EQ(a.root_size, b.root_size);
  EXPECT_EQ(a.root_tarball_size, b.root_tarball_size);
  EXPECT_EQ(a.root_tarball_extents, b.root_tarball_extents);
  EXPECT_EQ(a.cidata_device.kind, b.cidata_device.kind);
  EXPECT_EQ(a.cidata_device.value, b.cidata_device.value);
  EXPECT_EQ(a.attestation_key, b.attestation_key);
  EXPECT_EQ(a.contract_key, b.contract_key);
  EXPECT_EQ(a.require_secure_execution, b.require_secure_execution);
  EXPECT_EQ(a.contract_signing_keys_sha256, b.contract_signing_keys_sha256);
}

TEST(ConfigTest, ParsesEveryKey) {
  auto c = ParseFixture("good.yaml");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->image_version, "1.2.3");
  EXPECT_EQ(c->commit_id, "0123456789abcdef0123456789abcdef01234567");
  EXPECT_EQ(c->output_dir, "/run/se-attest/hyperprotect");
  EXPECT_EQ(ToHex(c->baseimage_sha256), "71ea00241774e638085af4dc95f9b157ffd6c7bc0e604583cc1e6722ade6f181");
  EXPECT_EQ(c->root_device.kind, DeviceSpec::Kind::kPartLabel);
  EXPECT_EQ(c->root_device.value, "root");
  EXPECT_EQ(c->root_digest, RootDigest::kSha256);  // `sha256:`, as images sealed before sha256-4m
  EXPECT_EQ(ToHex(c->root_hash), "2d43b2ffeb1c543d3b3a5b0b96d5417f79d8245f1e085f5e3f150390d093fc6b");
  EXPECT_EQ(c->root_tarball, "/boot/root.tar.gz");
  EXPECT_EQ(ToHex(c->root_tarball_sha256), "2d290fcafca295cd2de49e7246a5a5a080f503cb066d451b008a863b84a82ee1");
  EXPECT_EQ(c->root_size, 1048576u);
  EXPECT_EQ(c->root_tarball_size, 5000u);
  EXPECT_EQ(c->root_tarball_extents, (std::vector<Extent>{{8192, 5000}}));
  EXPECT_EQ(c->cidata_device.ToString(), "/dev/vdb");
  EXPECT_EQ(c->attestation_key, "keys/attestation.key");  // as written: resolved by the agent
  EXPECT_EQ(c->contract_key, "/etc/se-attest/contract.key");
}

TEST(ConfigTest, DefaultsForOutputDirAndCidata) {
  auto c = ParseFixture("defaults.yaml");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->output_dir, kDefaultOutputDir);
  EXPECT_EQ(c->output_dir, "/run/se-attest/hyperprotect");
  EXPECT_EQ(c->cidata_device.kind, DeviceSpec::Kind::kLabel);
  EXPECT_EQ(c->cidata_device.ToString(), "LABEL=cidata");
}

TEST(ConfigTest, CidataMappingWithoutDeviceUsesTheDefault) {
  std::string text = Fixture("config/good.yaml");
  const std::string line = "  device: /dev/vdb\n";
  text.replace(text.find(line), line.size(), "  {}\n");
  // "cidata:\n  {}" is an empty mapping.
  auto c = ParseAgentConfig(text, "t");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->cidata_device.ToString(), "LABEL=cidata");
}

TEST(ConfigTest, UpperCaseHexIsAccepted) {
  auto c = ParseFixture("uppercase-hex.yaml");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(ToHex(c->root_hash), "2d43b2ffeb1c543d3b3a5b0b96d5417f79d8245f1e085f5e3f150390d093fc6b");
}

TEST(ConfigTest, RenderParseRoundTrip) {
  auto c = ParseFixture("good.yaml");
  ASSERT_TRUE(c.ok()) << c.error().message;
  const std::string text = RenderAgentConfig(*c);
  EXPECT_EQ(text.back(), '\n');
  auto back = ParseAgentConfig(text, "rendered");
  ASSERT_TRUE(back.ok()) << back.error().message << "\n" << text;
  ExpectSameConfig(*back, *c);
  // Rendering is stable.
  EXPECT_EQ(RenderAgentConfig(*back), text);
}

TEST(ConfigTest, RenderParseRoundTripOfAwkwardValues) {
  AgentConfig c;
  c.image_version = "23.11.0 \"beta\": #1 \\ 'x' \xc3\xa9";
  c.commit_id = "0123abc";  // digits first
  c.output_dir = "out dir/with: colon #hash";
  c.baseimage_sha256 = *ParseSha256Hex(std::string(64, 'f'));
  c.root_device = *ParseDeviceSpec("LABEL=root fs: #1");
  c.root_digest = RootDigest::kSha256_4m;
  c.root_hash = *ParseSha256Hex(std::string(64, '0'));
  c.root_tarball = "/boot/root tar.gz";
  c.root_tarball_sha256 = *ParseSha256Hex(std::string(32, '1') + std::string(32, 'e'));
  c.root_size = 9999999999999999999u;  // the largest size agent.yaml can state (19 digits)
  c.root_tarball_size = 3 + 9999999999999999999u - 4096;
  c.root_tarball_extents = {{0, 3}, {4096, 9999999999999999999u - 4096}};
  c.cidata_device = *ParseDeviceSpec("UUID=2024-01-01-00-00-00-00");
  c.attestation_key = "- keys/attestation.key";
  c.contract_key = "null";
  const std::string text = RenderAgentConfig(c);
  auto back = ParseAgentConfig(text, "rendered");
  ASSERT_TRUE(back.ok()) << back.error().message << "\n" << text;
  ExpectSameConfig(*back, c);
}

// --- the root digest (core/root_digest.h) -------------------------------------------------------

constexpr std::string_view kRootHex = "2d43b2ffeb1c543d3b3a5b0b96d5417f79d8245f1e085f5e3f150390d093fc6b";
const std::string kFlatLine = "  sha256: " + std::string(kRootHex) + "\n";

// good.yaml with its root section's `sha256:` line replaced by `with`.
std::string RootDigestLines(const std::string& with) {
  std::string text = Fixture("config/good.yaml");
  const std::size_t at = text.find(kFlatLine);
  EXPECT_NE(at, std::string::npos);
  return text.replace(at, kFlatLine.size(), with);
}

TEST(ConfigRootDigestTest, TheChunkedFixtureParsesAsGoodDoesButForTheDigest) {
  auto flat = ParseFixture("good.yaml");
  auto chunked = ParseFixture("good-sha256-4m.yaml");
  ASSERT_TRUE(flat.ok()) << flat.error().message;
  ASSERT_TRUE(chunked.ok()) << chunked.error().message;
  EXPECT_EQ(chunked->root_digest, RootDigest::kSha256_4m);
  EXPECT_EQ(chunked->root_hash, flat->root_hash);
  flat->root_digest = RootDigest::kSha256_4m;
  ExpectSameConfig(*chunked, *flat);
}

TEST(ConfigRootDigestTest, Sha256_4mOrSha256NamesTheDigest) {
  auto chunked = ParseAgentConfig(RootDigestLines("  sha256-4m: " + std::string(kRootHex) + "\n"), "a.yaml");
  ASSERT_TRUE(chunked.ok()) << chunked.error().message;
  EXPECT_EQ(chunked->root_digest, RootDigest::kSha256_4m);
  EXPECT_EQ(ToHex(chunked->root_hash), kRootHex);
  auto flat = ParseAgentConfig(RootDigestLines(kFlatLine), "a.yaml");
  ASSERT_TRUE(flat.ok()) << flat.error().message;
  EXPECT_EQ(flat->root_digest, RootDigest::kSha256);
  EXPECT_EQ(ToHex(flat->root_hash), kRootHex);
  // Upper-case hex, as for every digest.
  std::string upper(kRootHex);
  for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  auto up = ParseAgentConfig(RootDigestLines("  sha256-4m: " + upper + "\n"), "a.yaml");
  ASSERT_TRUE(up.ok()) << up.error().message;
  EXPECT_EQ(ToHex(up->root_hash), kRootHex);
}

TEST(ConfigRootDigestTest, RenderParseRoundTripOfBothKinds) {
  for (RootDigest digest : {RootDigest::kSha256, RootDigest::kSha256_4m}) {
    auto c = ParseFixture("good.yaml");
    ASSERT_TRUE(c.ok()) << c.error().message;
    c->root_digest = digest;
    c->root_hash = *ParseSha256Hex(std::string(32, 'a') + std::string(32, '5'));
    const std::string text = RenderAgentConfig(*c);
    const std::string name(RootDigestName(digest));
    // The one line of the digest agent.yaml names, in the root section; never the other.
    EXPECT_NE(text.find("\n  " + name + ": " + ToHex(c->root_hash) + "\n"), std::string::npos) << text;
    const std::string other(RootDigestName(digest == RootDigest::kSha256 ? RootDigest::kSha256_4m : RootDigest::kSha256));
    EXPECT_EQ(text.find("\n  " + other + ":"), std::string::npos) << text;
    auto back = ParseAgentConfig(text, "rendered");
    ASSERT_TRUE(back.ok()) << back.error().message << "\n" << text;
    ExpectSameConfig(*back, *c);
    EXPECT_EQ(back->root_digest, digest);
    EXPECT_EQ(RenderAgentConfig(*back), text);
  }
}

TEST(ConfigRootDigestTest, ExactlyOneOfTheTwo) {
  const std::string chunked_line = "  sha256-4m: " + std::string(64, 'b') + "\n";
  // Both: an error naming both, whichever comes first.
  for (const std::string& lines : {kFlatLine + chunked_line, chunked_line + kFlatLine}) {
    auto both = ParseAgentConfig(RootDigestLines(lines), "a.yaml");
    ASSERT_FALSE(both.ok()) << lines;
    const std::string& m = both.error().message;
    EXPECT_EQ(m.rfind("config a.yaml: ", 0), 0u) << m;
    EXPECT_NE(m.find("root: sha256 and sha256-4m given, expected one of them"), std::string::npos) << m;
  }
  // Neither: an error naming the root's digest as missing.
  auto neither = ParseAgentConfig(RootDigestLines(""), "a.yaml");
  ASSERT_FALSE(neither.ok());
  EXPECT_EQ(neither.error().message.rfind("config a.yaml: ", 0), 0u) << neither.error().message;
  EXPECT_NE(neither.error().message.find("root.sha256-4m: missing"), std::string::npos) << neither.error().message;
  // Each checked as a digest.
  for (const char* key : {"sha256", "sha256-4m"}) {
    auto bad = ParseAgentConfig(RootDigestLines("  " + std::string(key) + ": " + std::string(63, 'a') + "\n"), "a.yaml");
    ASSERT_FALSE(bad.ok()) << key;
    EXPECT_NE(bad.error().message.find("root." + std::string(key) + ": expected 64 hex digits"), std::string::npos)
        << bad.error().message;
  }
  // Another name is an unknown key, not a third digest.
  auto other = ParseAgentConfig(RootDigestLines("  sha256-1m: " + std::string(kRootHex) + "\n"), "a.yaml");
  ASSERT_FALSE(other.ok());
  EXPECT_NE(other.error().message.find("root.sha256-1m: unknown key"), std::string::npos) << other.error().message;
}

TEST(ConfigTest, RenderedTextIsOneYamlMapping) {
  auto c = ParseFixture("good.yaml");
  ASSERT_TRUE(c.ok());
  YAML::Node n = YAML::Load(RenderAgentConfig(*c));
  ASSERT_TRUE(n.IsMap());
  EXPECT_EQ(n["root"]["device"].as<std::string>(), "PARTLABEL=root");
  EXPECT_EQ(n["cidata"]["device"].as<std::string>(), "/dev/vdb");
}

struct BadCase {
  const char* fixture;
  const char* expected_in_message;
};

class ConfigBadTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(ConfigBadTest, IsRejectedNamingFileAndKey) {
  auto c = ParseFixture(GetParam().fixture);
  ASSERT_FALSE(c.ok()) << GetParam().fixture << " was accepted";
  const std::string& m = c.error().message;
  EXPECT_EQ(m.rfind(std::string("config ") + GetParam().fixture, 0), 0u) << m;
  EXPECT_NE(m.find(GetParam().expected_in_message), std::string::npos) << m;
}

INSTANTIATE_TEST_SUITE_P(
    Fixtures, ConfigBadTest,
    ::testing::Values(BadCase{"empty.yaml", "empty"}, BadCase{"comments-only.yaml", "empty"},
                      BadCase{"truncated.yaml", ""},
                      BadCase{"unknown-key.yaml", "contract_keys: unknown key (line 17)"},
                      BadCase{"unknown-nested-key.yaml", "root.tarbal_sha256: unknown key"},
                      BadCase{"bad-hex.yaml", "baseimage_sha256: expected 64 hex digits"},
                      BadCase{"short-hex.yaml", "root.sha256: expected 64 hex digits"},
                      BadCase{"missing-root-sha256.yaml", "root.sha256-4m: missing (or root.sha256)"},
                      BadCase{"missing-image-version.yaml", "image_version: missing"},
                      BadCase{"missing-attestation-key.yaml", "attestation_key: missing"},
                      BadCase{"missing-root.yaml", "root: missing"},
                      BadCase{"malformed.yaml", "malformed.yaml: line "},
                      BadCase{"not-a-mapping.yaml", "expected a mapping"},
                      BadCase{"relative-tarball.yaml", "root.tarball"},
                      BadCase{"bad-device.yaml", "root.device"},
                      BadCase{"multiline-version.yaml", "image_version: must be one line"},
                      BadCase{"missing-root-size.yaml", "root.size: missing"},
                      BadCase{"root-size-zero.yaml", "root.size: expected a size in bytes"},
                      BadCase{"root-size-negative.yaml", "root.size: expected a size in bytes"},
                      BadCase{"extents-descending.yaml", "root.tarball_extents: extent 1 (8192+4000): starts before"},
                      BadCase{"extents-past-partition.yaml", "extent 0 (1048000+5000): ends after the partition's 1048576 bytes"},
                      BadCase{"extents-short.yaml", "the extents hold 4999 bytes, the file 5000"},
                      BadCase{"extents-malformed.yaml", "root.tarball_extents: item 0: expected PHYSICAL+LENGTH"},
                      BadCase{"extents-leading-zero.yaml", "root.tarball_extents: item 0: expected PHYSICAL+LENGTH"},
                      BadCase{"extents-empty-item.yaml", "extent 0 (8192+0): empty"}),
    [](const auto& p) { return test::ParamName(p.param.fixture); });

TEST(ConfigTest, RejectsDuplicateKeys) {
  // YAML mappings have unique keys, and the configuration is strict so that nothing can silently
  // change what is checked: a second `root.sha256` must be an error, not one of the two values.
  auto c = ParseFixture("duplicate-key.yaml");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("sha256"), std::string::npos) << c.error().message;
}

TEST(ConfigTest, EmptyValueIsAnError) {
  std::string text = Fixture("config/good.yaml");
  const std::string line = "commit_id: \"0123456789abcdef0123456789abcdef01234567\"";
  text.replace(text.find(line), line.size(), "commit_id: \"\"");
  auto c = ParseAgentConfig(text, "t");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("commit_id"), std::string::npos) << c.error().message;
}

TEST(ConfigTest, NonScalarValueIsAnError) {
  std::string text = Fixture("config/good.yaml");
  const std::string line = "image_version: \"1.2.3\"";
  text.replace(text.find(line), line.size(), "image_version: [1, 2, 3]");
  auto c = ParseAgentConfig(text, "t");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("image_version"), std::string::npos) << c.error().message;
}

TEST(ConfigTest, RootDiskIsOptionalAndRoundTrips) {
  auto none = ParseFixture("good.yaml");
  ASSERT_TRUE(none.ok()) << none.error().message;
  EXPECT_FALSE(none->root_disk.has_value());  // the real root is a tmpfs
  EXPECT_EQ(RenderAgentConfig(*none).find("root_disk"), std::string::npos);
  auto disk = ParseAgentConfig(Fixture("config/good.yaml") + "root_disk: PARTLABEL=se-rootfs\n", "a.yaml");
  ASSERT_TRUE(disk.ok()) << disk.error().message;
  ASSERT_TRUE(disk->root_disk.has_value());
  EXPECT_EQ(disk->root_disk->ToString(), "PARTLABEL=se-rootfs");
  const std::string text = RenderAgentConfig(*disk);
  // At column 0: the dracut module and the initramfs-tools hook look for it there.
  EXPECT_NE(text.find("\nroot_disk: PARTLABEL=se-rootfs\n"), std::string::npos) << text;
  auto back = ParseAgentConfig(text, "a.yaml");
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->root_disk->ToString(), "PARTLABEL=se-rootfs");
}

TEST(ConfigTest, RootDiskIsNeverTheVerifiedPartitionOrCidata) {
  for (const std::string spec : {"PARTLABEL=root", "/dev/vdb"}) {
    auto c = ParseAgentConfig(Fixture("config/good.yaml") + "root_disk: " + spec + "\n", "a.yaml");
    ASSERT_FALSE(c.ok()) << spec;
    EXPECT_NE(c.error().message.find("root_disk: " + spec + " is"), std::string::npos) << c.error().message;
  }
  EXPECT_FALSE(ParseAgentConfig(Fixture("config/good.yaml") + "root_disk: NAME=x\n", "a.yaml").ok());
}

// luksFormat writes a new LUKS label and UUID at every boot: a disk found by LABEL= or UUID= is
// found once. The partition table's entry (or a path) stays.
TEST(ConfigTest, RootDiskByWhatTheFormatKeeps) {
  for (const std::string spec : {"LABEL=se-rootfs", "UUID=0b6f0d3c-1d2e-4f5a-9b8c-7d6e5f4a3b2c"}) {
    auto c = ParseAgentConfig(Fixture("config/good.yaml") + "root_disk: " + spec + "\n", "a.yaml");
    ASSERT_FALSE(c.ok()) << spec;
    EXPECT_NE(c.error().message.find("PARTLABEL=, PARTUUID= or a path"), std::string::npos) << c.error().message;
  }
  for (const std::string spec : {"PARTUUID=0b6f0d3c-1d2e-4f5a-9b8c-7d6e5f4a3b2c", "/dev/vda2"}) {
    EXPECT_TRUE(ParseAgentConfig(Fixture("config/good.yaml") + "root_disk: " + spec + "\n", "a.yaml").ok()) << spec;
  }
}

// --- token prefix (core/token_format.h) ---

TEST(ConfigTokenPrefixTest, AbsentMeansHyperProtectBasicAndTheChoiceRoundTrips) {
  auto c = ParseFixture("good.yaml");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->token_prefix, TokenPrefix::kHyperProtectBasic);
  EXPECT_NE(RenderAgentConfig(*c).find("\ntoken_prefix: hyper-protect-basic\n"), std::string::npos);
  auto cb = ParseAgentConfig(Fixture("config/good.yaml") + "token_prefix: contract-basic\n", "a.yaml");
  ASSERT_TRUE(cb.ok()) << cb.error().message;
  EXPECT_EQ(cb->token_prefix, TokenPrefix::kContractBasic);
  auto back = ParseAgentConfig(RenderAgentConfig(*cb), "a.yaml");
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->token_prefix, TokenPrefix::kContractBasic);
  for (const char* bad : {"token_prefix: contract-basic.\n", "token_prefix: hyper-protect-flex\n", "token_prefix: \"\"\n",
                          "token_prefix: [contract-basic]\n"}) {
    auto refused = ParseAgentConfig(Fixture("config/good.yaml") + bad, "a.yaml");
    ASSERT_FALSE(refused.ok()) << bad;
    EXPECT_NE(refused.error().message.find("token_prefix"), std::string::npos) << refused.error().message;
  }
}

// --- record profiles (core/record_profile.h) ---

const std::string kProfile2026 =
    "record_profile: hpcr-2026\nbuild_time: \"2025-12-01T00:00:00Z\"\nattestation_cert: attestation.crt\n"
    "contract_cert: /etc/se-attest/contract.crt\n";

// good.yaml's root mapping with an SBOM inside the 1 MiB partition.
std::string WithSbom(const std::string& text, const std::string& extents = "65536+100") {
  std::string out = text;
  const std::string anchor = "  tarball_extents:";
  const std::size_t at = out.find(anchor);
  EXPECT_NE(at, std::string::npos);
  out.insert(at, "  sbom: /boot/sbom.json\n  sbom_sha256: " + std::string(64, 'a') + "\n  sbom_size: 100\n"
                 "  sbom_extents: \"" + extents + "\"\n");
  return out;
}

TEST(ConfigProfileTest, AbsentMeansHpcr2023AndSealWritesItAlways) {
  auto c = ParseFixture("good.yaml");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->record_profile, RecordProfile::kHpcr2023);
  EXPECT_TRUE(c->root_sbom.empty());
  EXPECT_NE(RenderAgentConfig(*c).find("\nrecord_profile: hpcr-2023\n"), std::string::npos);
}

TEST(ConfigProfileTest, Hpcr2026RoundTripsWithItsCertificatesBuildTimeAndSbom) {
  auto c = ParseAgentConfig(WithSbom(Fixture("config/good.yaml")) + kProfile2026, "a.yaml");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->record_profile, RecordProfile::kHpcr2026);
  EXPECT_EQ(c->build_time, 1764547200);
  EXPECT_EQ(c->attestation_cert, "attestation.crt");
  EXPECT_EQ(c->contract_cert, "/etc/se-attest/contract.crt");
  EXPECT_EQ(c->root_sbom, "/boot/sbom.json");
  EXPECT_EQ(c->root_sbom_size, 100u);
  EXPECT_EQ(c->root_sbom_extents, (std::vector<Extent>{{65536, 100}}));
  auto back = ParseAgentConfig(RenderAgentConfig(*c), "a.yaml");
  ASSERT_TRUE(back.ok()) << back.error().message;
  ExpectSameConfig(*back, *c);
  EXPECT_EQ(back->record_profile, c->record_profile);
  EXPECT_EQ(back->build_time, c->build_time);
  EXPECT_EQ(back->attestation_cert, c->attestation_cert);
  EXPECT_EQ(back->contract_cert, c->contract_cert);
  EXPECT_EQ(back->root_sbom, c->root_sbom);
  EXPECT_EQ(back->root_sbom_sha256, c->root_sbom_sha256);
  EXPECT_EQ(back->root_sbom_size, c->root_sbom_size);
  EXPECT_EQ(back->root_sbom_extents, c->root_sbom_extents);
}

TEST(ConfigProfileTest, EachRuleHasAnInputThatFailsIt) {
  const std::string good = Fixture("config/good.yaml");
  struct Case {
    std::string text, says;
  };
  const std::string without_cert = "record_profile: hpcr-2026\nbuild_time: \"2025-12-01T00:00:00Z\"\n"
                                   "attestation_cert: attestation.crt\n";
  for (const Case& c : {
           Case{good + "record_profile: hpcr-2025\n", "record_profile: unknown record profile"},
           Case{good + "record_profile: hpcr-2026\n", "build_time: missing"},
           Case{good + without_cert, "contract_cert: missing"},
           Case{good + "build_time: \"2025-12-01T00:00:00Z\"\n", "build_time: only with record_profile hpcr-2026"},
           Case{good + "record_profile: hpcr-2023\ncontract_cert: c.crt\n", "contract_cert: only with record_profile"},
           Case{WithSbom(good), "root.sbom: only with record_profile hpcr-2026"},
           Case{good + std::string(kProfile2026).replace(kProfile2026.find("2025-12-01T00"), 13, "2025-12-01 00"),
                "build_time: expected YYYY-MM-DDTHH:MM:SSZ"},
           Case{WithSbom(good, "1048500+100") + kProfile2026, "root.sbom_extents"},
           Case{WithSbom(good).replace(WithSbom(good).find("  sbom_size: 100\n"), 16, "") + kProfile2026,
                "sbom, sbom_sha256, sbom_size and sbom_extents go together"},
           Case{WithSbom(good).replace(WithSbom(good).find("/boot/sbom.json"), 15, "/boot/root.tar.gz") + kProfile2026,
                "the same file as root.tarball"},
           Case{WithSbom(good).replace(WithSbom(good).find("/boot/sbom.json"), 15, "boot/sbom.json") + kProfile2026,
                "root.sbom: must be an absolute path"},
           Case{WithSbom(good).replace(WithSbom(good).find("sbom_size: 100"), 14, "sbom_size: 40000000") + kProfile2026,
                "more than the agent keeps"},
       }) {
    auto parsed = ParseAgentConfig(c.text, "a.yaml");
    ASSERT_FALSE(parsed.ok()) << c.says;
    EXPECT_NE(parsed.error().message.find(c.says), std::string::npos) << parsed.error().message;
    EXPECT_NE(parsed.error().message.find("a.yaml"), std::string::npos) << parsed.error().message;
  }
}

TEST(ResolvePathTest, RelativeToBaseAbsoluteKept) {
  EXPECT_EQ(ResolvePath("/etc/se-attest", "keys/attestation.key"), "/etc/se-attest/keys/attestation.key");
  EXPECT_EQ(ResolvePath("/etc/se-attest/", "attestation.key"), "/etc/se-attest/attestation.key");
  EXPECT_EQ(ResolvePath("/etc/se-attest", "/keys/a.key"), "/keys/a.key");
  EXPECT_EQ(ResolvePath("/", "a.key"), "/a.key");
  EXPECT_EQ(ResolvePath("", "a.key"), "./a.key");
  EXPECT_EQ(ResolvePath(".", "a.key"), "./a.key");
}

TEST(ConfigTest, SecureExecutionIsRequiredUnlessSaidOtherwise) {
  auto c = ParseFixture("good.yaml");  // no require_secure_execution: production
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_TRUE(c->require_secure_execution);
  const std::string text = Fixture("config/good.yaml");
  c = ParseAgentConfig(text + "require_secure_execution: false\n", "t");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_FALSE(c->require_secure_execution);
  for (const char* value : {"no", "0", "off", "maybe", "[]"}) {
    c = ParseAgentConfig(text + "require_secure_execution: " + value + "\n", "t");
    ASSERT_FALSE(c.ok()) << value;
    EXPECT_NE(c.error().message.find("require_secure_execution: expected true or false"), std::string::npos)
        << c.error().message;
  }
  AgentConfig dev = *ParseFixture("good.yaml");
  dev.require_secure_execution = false;
  auto back = ParseAgentConfig(RenderAgentConfig(dev), "t");
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_FALSE(back->require_secure_execution);
}

// Found by tests/fuzz/fuzz_config: yaml-cpp's emitter writes U+FFFD for bytes that are not UTF-8,
// so such a value did not read back the same after RenderAgentConfig. Now it is an error.
TEST(ConfigTest, TextThatIsNotUtf8IsAnError) {
  const std::string good = Fixture("config/good.yaml");
  const std::string commit = "\"0123456789abcdef0123456789abcdef01234567\"";
  ASSERT_NE(good.find(commit), std::string::npos);
  auto with_commit = [&](const std::string& value) {
    std::string text = good;
    return ParseAgentConfig(text.replace(text.find(commit), commit.size(), value), "t");
  };
  // A stray byte, a truncated sequence, an overlong '/', a surrogate, above U+10FFFF, noncharacters.
  for (const char* value : {"\"01\xcc\"", "\"01\xe2\x82\"", "\"\xc0\xaf\"", "\"\xed\xa0\x80\"", "\"\xf4\x90\x80\x80\"",
                            "\"\xef\xbf\xbe\"", "\"\xef\xb7\x90\"", "\"\xf0\x9f\xbf\xbf\""}) {
    auto c = with_commit(value);
    ASSERT_FALSE(c.ok()) << value;
    EXPECT_NE(c.error().message.find("commit_id: not valid UTF-8 text"), std::string::npos) << c.error().message;
  }
  // UTF-8 (and escapes that YAML turns into UTF-8) reads back the same after rendering.
  for (const char* value : {"\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"", "\"tab\\there\\u0085\\x01\""}) {
    auto c = with_commit(value);
    ASSERT_TRUE(c.ok()) << value << ": " << c.error().message;
    auto back = ParseAgentConfig(RenderAgentConfig(*c), "rendered");
    ASSERT_TRUE(back.ok()) << back.error().message;
    ExpectSameConfig(*c, *back);
  }
}

// --- contract_signing_keys_sha256 (seal --contract-signing-key) ---

constexpr std::string_view kKeyA = "3f1d0c7b9a8e6d5c4b3a29181706f5e4d3c2b1a09f8e7d6c5b4a392817160504";
constexpr std::string_view kKeyB = "a0b1c2d3e4f5061728394a5b6c7d8e9fa0b1c2d3e4f5061728394a5b6c7d8e9f";

TEST(ConfigSigningKeysTest, AbsentMeansAnyKey) {
  auto c = ParseFixture("good.yaml");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_TRUE(c->contract_signing_keys_sha256.empty());
  // And an empty list is not written: the configuration reads the same as before the option.
  EXPECT_EQ(RenderAgentConfig(*c).find("contract_signing_keys_sha256"), std::string::npos);
}

TEST(ConfigSigningKeysTest, RenderParseRoundTrip) {
  AgentConfig c = *ParseFixture("good.yaml");
  c.contract_signing_keys_sha256 = {*ParseSha256Hex(kKeyA), *ParseSha256Hex(kKeyB)};
  const std::string text = RenderAgentConfig(c);
  EXPECT_NE(text.find("contract_signing_keys_sha256:\n  - " + std::string(kKeyA) + "\n  - " + std::string(kKeyB) + "\n"),
            std::string::npos)
      << text;
  auto back = ParseAgentConfig(text, "rendered");
  ASSERT_TRUE(back.ok()) << back.error().message << "\n" << text;
  ExpectSameConfig(*back, c);
  ASSERT_EQ(back->contract_signing_keys_sha256.size(), 2u);
  EXPECT_EQ(ToHex(back->contract_signing_keys_sha256[0]), kKeyA);
  EXPECT_EQ(ToHex(back->contract_signing_keys_sha256[1]), kKeyB);
  EXPECT_EQ(RenderAgentConfig(*back), text);
  // Flow style reads the same.
  auto flow = ParseAgentConfig(Fixture("config/good.yaml") + "contract_signing_keys_sha256: [" + std::string(kKeyA) + "]\n", "t");
  ASSERT_TRUE(flow.ok()) << flow.error().message;
  ASSERT_EQ(flow->contract_signing_keys_sha256.size(), 1u);
  EXPECT_EQ(ToHex(flow->contract_signing_keys_sha256[0]), kKeyA);
}

TEST(ConfigSigningKeysTest, StrictEntries) {
  const std::string good = Fixture("config/good.yaml");
  const std::string a(kKeyA);
  struct Case {
    std::string yaml;
    const char* says;
  };
  const Case cases[] = {
      {"contract_signing_keys_sha256: []\n", "contract_signing_keys_sha256: empty list"},
      {"contract_signing_keys_sha256:\n", "contract_signing_keys_sha256: expected a list"},
      {"contract_signing_keys_sha256: " + a + "\n", "contract_signing_keys_sha256: expected a list"},
      {"contract_signing_keys_sha256: {a: b}\n", "contract_signing_keys_sha256: expected a list"},
      {"contract_signing_keys_sha256:\n  - " + a.substr(1) + "\n", "contract_signing_keys_sha256[0]: expected 64 hex digits"},
      {"contract_signing_keys_sha256:\n  - " + a + "\n  - " + a + "0\n", "contract_signing_keys_sha256[1]: expected 64 hex digits"},
      {"contract_signing_keys_sha256:\n  - " + a.substr(0, 63) + "g\n", "[0]: expected 64 hex digits"},
      {"contract_signing_keys_sha256:\n  - [" + a + "]\n", "[0]: expected 64 hex digits"},
      {"contract_signing_keys_sha256:\n  - " + a + "\n  - " + a + "\n", "[1]: the same fingerprint as entry 0"},
      {"contract_signing_keys_sha256:\n  - " + a + "\n  - " + std::string(kKeyB) + "\n  - " + a + "\n",
       "[2]: the same fingerprint as entry 0"},
      {"contract_signing_keys_sha256: [" + a + "]\ncontract_signing_keys_sha256: [" + std::string(kKeyB) + "]\n",
       "contract_signing_keys_sha256: given twice"},
      {"contract_signing_key_sha256: [" + a + "]\n", "contract_signing_key_sha256: unknown key"},
  };
  for (const Case& c : cases) {
    auto parsed = ParseAgentConfig(good + c.yaml, "agent.yaml");
    ASSERT_FALSE(parsed.ok()) << c.yaml << " was accepted";
    EXPECT_EQ(parsed.error().message.rfind("config agent.yaml: ", 0), 0u) << parsed.error().message;
    EXPECT_NE(parsed.error().message.find(c.says), std::string::npos) << c.yaml << ": " << parsed.error().message;
  }
  // Upper-case hex names the same key (as for the other digests): a duplicate too.
  std::string upper = a;
  for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  auto dup = ParseAgentConfig(good + "contract_signing_keys_sha256: [" + a + ", " + upper + "]\n", "t");
  ASSERT_FALSE(dup.ok());
  EXPECT_NE(dup.error().message.find("the same fingerprint as entry 0"), std::string::npos) << dup.error().message;
}

}  // namespace
}  // namespace seattest
