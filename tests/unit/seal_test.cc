// `se-attest seal` (host/seal.h) without privileges: every check that comes before the root
// partition is read (record profile, certificates, SBOM path, build time), with devices and a
// mounter that fail the test when asked; the build time's sources; and reference.yaml as
// rendered for hpcr-2026, read back by ParseReference. The whole seal of a real ext4 image (the
// SBOM's extents and digest, the files written) needs a loop device: tests/e2e/seal-profile-e2e.sh,
// and SealImageTest here when run as root (the root partition's two digests).
#include "host/seal.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "core/config.h"
#include "core/hex.h"
#include "core/reference.h"
#include "core/root_digest.h"
#include "platform/block_devices.h"
#include "platform/loop.h"
#include "platform/mount.h"
#include "test_support.h"

namespace seattest {
namespace {

using test::FixturePath;
using test::TempDir;

// Seal must refuse before it looks at the root partition: any call is a test failure.
class NoDevices final : public BlockDevices {
 public:
  Result<std::string> Resolve(const DeviceSpec&) override {
    ADD_FAILURE() << "Resolve called";
    return MakeError("no devices here");
  }
  Result<std::string> FilesystemType(const std::string& device) override {
    ++probes;
    return MakeError("no filesystem on " + device + " (test)");
  }
  int probes = 0;
};

class NoMounter final : public Mounter {
 public:
  Result<std::unique_ptr<MountedFs>> MountReadOnly(const std::string& device, const std::string&) override {
    ++mounts;
    return MakeError("cannot mount " + device + " (test)");
  }
  int mounts = 0;
};

// 2026-07-01T12:00:00Z
constexpr UnixTime kBuildTime = 1782907200;

class SealTest : public ::testing::Test {
 protected:
  SealOptions Options() const {
    SealOptions o;
    o.root = tmp_.Sub("root.img");
    o.root_device = "LABEL=se-root";
    o.tarball = "/boot/root.tar.gz";
    o.baseimage_sha256 = std::string(64, 'a');
    o.image_version = "v1";
    o.commit_id = "c1";
    o.attestation_key = FixturePath("keys/attestation.key");
    o.contract_key = FixturePath("keys/contract.key");
    o.attestation_cert = FixturePath("keys/attestation.crt");
    o.contract_cert = FixturePath("keys/contract.crt");
    o.build_time = kBuildTime;
    o.out = tmp_.Sub("out");
    return o;
  }
  // Seal's error; a test failure when it succeeds.
  std::string SealError(const SealOptions& o) {
    auto result = Seal(o, devices_, mounter_);
    if (result) {
      ADD_FAILURE() << "sealed";
      return {};
    }
    return result.error().message;
  }
  // The root partition was not looked at, and nothing was written.
  void ExpectRefusedBeforeTheRoot() const {
    EXPECT_EQ(devices_.probes, 0);
    EXPECT_EQ(mounter_.mounts, 0);
    EXPECT_FALSE(test::Exists(tmp_.Sub("out")));
  }
  TempDir tmp_;
  NoDevices devices_;
  NoMounter mounter_;
};

TEST_F(SealTest, NewSealsDefaultToHpcr2026) {
  EXPECT_EQ(SealOptions().record_profile, RecordProfile::kHpcr2026);
  EXPECT_EQ(SealOptions().record_profile, kDefaultRecordProfile);
}

TEST_F(SealTest, NewSealsDefaultToSha256_4m) {
  EXPECT_EQ(SealOptions().root_digest, RootDigest::kSha256_4m);
  EXPECT_EQ(SealOptions().root_digest, kDefaultRootDigest);
}

TEST_F(SealTest, AllChecksPassedReachesTheRoot) {
  // The positive control of the refusals below: these options get as far as the root partition.
  const std::string error = SealError(Options());
  EXPECT_NE(error.find("no filesystem on"), std::string::npos) << error;
  EXPECT_EQ(devices_.probes, 1);
  EXPECT_FALSE(test::Exists(tmp_.Sub("out")));
  SealOptions o = Options();
  o.record_profile = RecordProfile::kHpcr2023;
  o.attestation_cert.clear();
  o.contract_cert.clear();
  o.build_time.reset();
  EXPECT_NE(SealError(o).find("no filesystem on"), std::string::npos);
}

// Encrypted keys (issue 17): with the passphrase both open, one ask per key naming it, and the
// seal gets as far as the root partition (the keys written decrypted are
// tests/e2e/passphrase-cli.sh's); a wrong or missing one stops it before the root, nothing written.
TEST_F(SealTest, EncryptedKeysAskOnceEachAndAWrongPassphraseStopsTheSeal) {
  SealOptions o = Options();
  o.attestation_key = FixturePath("keys/attestation.encrypted.key");
  o.contract_key = FixturePath("keys/contract.traditional-encrypted.key");
  test::FakePassphrase right("test");
  o.passphrase = &right;
  EXPECT_NE(SealError(o).find("no filesystem on"), std::string::npos);
  EXPECT_EQ(right.asked, (std::vector<std::string>{o.attestation_key, o.contract_key}));
  EXPECT_EQ(devices_.probes, 1);
  devices_.probes = 0;
  test::FakePassphrase wrong("wrong");
  o.passphrase = &wrong;
  EXPECT_EQ(SealError(o), "attestation key: " + o.attestation_key + ": wrong passphrase");
  o.passphrase = nullptr;
  EXPECT_EQ(SealError(o),
            "attestation key: " + o.attestation_key + ": passphrase required (an encrypted private key; give --passin)");
  ExpectRefusedBeforeTheRoot();
}

TEST_F(SealTest, Hpcr2026WithoutCertificatesIsRefused) {
  for (const bool attestation : {false, true}) {
    SealOptions o = Options();
    (attestation ? o.attestation_cert : o.contract_cert).clear();
    const std::string error = SealError(o);
    EXPECT_NE(error.find("--record-profile hpcr-2026 needs --attestation-cert and --contract-cert"), std::string::npos)
        << error;
    EXPECT_NE(error.find("or seal with --record-profile hpcr-2023"), std::string::npos) << error;
  }
  ExpectRefusedBeforeTheRoot();
}

TEST_F(SealTest, Hpcr2026WithoutBuildTimeIsRefused) {
  SealOptions o = Options();
  o.build_time.reset();
  EXPECT_NE(SealError(o).find("needs a build time"), std::string::npos);
  o.build_time = -1;
  EXPECT_NE(SealError(o).find("build time: -1 is not between 1970 and 9999"), std::string::npos);
  ExpectRefusedBeforeTheRoot();
}

TEST_F(SealTest, ACertificateOfAnotherKeyIsRefused) {
  SealOptions o = Options();
  o.attestation_cert = FixturePath("keys/contract.crt");
  std::string error = SealError(o);
  EXPECT_NE(error.find("--attestation-cert " + o.attestation_cert + ", for --attestation-key " + o.attestation_key +
                       ": certifies another key"),
            std::string::npos)
      << error;
  o = Options();
  o.contract_cert = FixturePath("keys/attestation.crt");
  error = SealError(o);
  EXPECT_NE(error.find("--contract-cert " + o.contract_cert + ", for --contract-key " + o.contract_key +
                       ": certifies another key"),
            std::string::npos)
      << error;
  ExpectRefusedBeforeTheRoot();
}

TEST_F(SealTest, ACertificateFileMustHoldOneCertificate) {
  SealOptions o = Options();
  o.attestation_cert = FixturePath("keys/attestation.key");  // a private key: refused unshown
  std::string error = SealError(o);
  EXPECT_NE(error.find(": holds a private key; give the certificate of --attestation-key"), std::string::npos) << error;
  EXPECT_EQ(error.find("MII"), std::string::npos) << error;
  o = Options();
  o.attestation_cert = FixturePath("keys/attestation.pub");  // a public key is no certificate
  EXPECT_NE(SealError(o).find("--attestation-cert"), std::string::npos);
  o = Options();
  const std::string bundle = tmp_.Sub("bundle.crt");  // which of two would the agent state?
  test::WriteText(bundle, test::Fixture("keys/attestation.crt") + test::Fixture("keys/contract.crt"));
  o.attestation_cert = bundle;
  error = SealError(o);
  EXPECT_NE(error.find("expected one PEM certificate, found 2 PEM blocks"), std::string::npos) << error;
  o = Options();
  o.contract_cert = tmp_.Sub("missing.crt");
  EXPECT_NE(SealError(o).find("--contract-cert"), std::string::npos);
  ExpectRefusedBeforeTheRoot();
}

TEST_F(SealTest, Hpcr2023RefusesWhatOnlyHpcr2026Records) {
  const auto hpcr2023 = [this] {
    SealOptions o = Options();
    o.record_profile = RecordProfile::kHpcr2023;
    o.attestation_cert.clear();
    o.contract_cert.clear();
    o.build_time.reset();
    return o;
  };
  SealOptions o = hpcr2023();
  o.sbom = "/boot/sbom.json";
  EXPECT_NE(SealError(o).find("--sbom: only with --record-profile hpcr-2026"), std::string::npos);
  o = hpcr2023();
  o.attestation_cert = FixturePath("keys/attestation.crt");
  EXPECT_NE(SealError(o).find("--attestation-cert: only with --record-profile hpcr-2026"), std::string::npos);
  o = hpcr2023();
  o.contract_cert = FixturePath("keys/contract.crt");
  EXPECT_NE(SealError(o).find("--contract-cert: only with --record-profile hpcr-2026"), std::string::npos);
  o = hpcr2023();
  o.build_time = kBuildTime;
  EXPECT_NE(SealError(o).find("--build-time: only with --record-profile hpcr-2026"), std::string::npos);
  ExpectRefusedBeforeTheRoot();
}

TEST_F(SealTest, TheSbomPathIsChecked) {
  SealOptions o = Options();
  o.sbom = "boot/sbom.json";
  EXPECT_NE(SealError(o).find("--sbom: must be an absolute path inside the root filesystem"), std::string::npos);
  o.sbom = o.tarball;
  EXPECT_NE(SealError(o).find("--sbom: the same file as --tarball"), std::string::npos);
  ExpectRefusedBeforeTheRoot();
}

// --- a whole seal (root only) ---------------------------------------------------------------------

// The seal of an ext4 image (mkfs.ext4 -d) over a read-only loop device, as `se-attest seal` does
// it: needs root; skipped without it, without a loop device (qemu-user), or without mkfs.ext4.
// agent.yaml names the chosen digest, reference.yaml has both, and both are what coreutils and a
// flat SHA-256 of the image give.
class SealImageTest : public SealTest {
 protected:
  static constexpr std::uint64_t kImageSize = 18 * (std::uint64_t{1} << 20) + 8192;  // 5 chunks, the last short
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "needs root (a loop device)";
    // mkfs.ext4 and the coreutils line, the independent checkers: the shell on purpose.
    // NOLINTNEXTLINE(cert-env33-c,concurrency-mt-unsafe)
    if (std::system("command -v mkfs.ext4 >/dev/null 2>&1 && command -v split >/dev/null 2>&1 && "
                    "command -v sha256sum >/dev/null 2>&1") != 0) {
      GTEST_SKIP() << "no mkfs.ext4, split or sha256sum";
    }
    ASSERT_TRUE(std::filesystem::create_directories(tmp_.Sub("tree/boot")));
    std::string tarball(300000, '\0');
    for (std::size_t i = 0; i < tarball.size(); ++i) tarball[i] = static_cast<char>((i * 2654435761u) >> 13);
    test::WriteText(tmp_.Sub("tree/boot/root.tar.gz"), tarball);
    const std::string command = "truncate -s " + std::to_string(kImageSize) + " '" + tmp_.Sub("root.img") +
                                "' && mkfs.ext4 -q -F -b 4096 -L se-root -d '" + tmp_.Sub("tree") + "' '" +
                                tmp_.Sub("root.img") + "' >/dev/null 2>&1";
    // NOLINTNEXTLINE(cert-env33-c,concurrency-mt-unsafe)
    if (std::system(command.c_str()) != 0) GTEST_SKIP() << "mkfs.ext4 -d failed: " << command;
    if (auto loop = LoopDevice::AttachReadOnly(tmp_.Sub("root.img")); !loop) {
      GTEST_SKIP() << "no loop device here: " << loop.error().message;
    }
    real_devices_ = MakeLibblkidDevices();
    real_mounter_ = MakeKernelMounter(tmp_.Sub("mnt"));
    ASSERT_TRUE(std::filesystem::create_directories(tmp_.Sub("mnt")));
  }
  // The output of a shell line (its first 64 characters).
  static std::string Shell(const std::string& command) {
    FILE* pipe = popen(command.c_str(), "r");  // NOLINT(cert-env33-c): the shell line is the point
    if (pipe == nullptr) return "popen failed";
    std::string out;
    char buffer[256];
    while (std::size_t n = fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, n);
    EXPECT_EQ(pclose(pipe), 0) << command;
    return out.substr(0, 64);
  }
  std::string CoreutilsSha256_4m() const {
    return Shell("split -b 4194304 --filter='sha256sum | cut -c1-64' '" + tmp_.Sub("root.img") +
                 "' | sha256sum | cut -c1-64");
  }
  std::string FlatSha256() const { return Shell("sha256sum '" + tmp_.Sub("root.img") + "' | cut -c1-64"); }
  std::unique_ptr<BlockDevices> real_devices_;
  std::unique_ptr<Mounter> real_mounter_;
};

TEST_F(SealImageTest, AgentYamlNamesTheChosenDigestReferenceYamlHasBoth) {
  const std::string chunked = CoreutilsSha256_4m();
  const std::string flat = FlatSha256();
  ASSERT_EQ(chunked.size(), 64u);
  ASSERT_NE(chunked, flat);
  for (const std::optional<RootDigest> choice : {std::optional<RootDigest>(), std::optional(RootDigest::kSha256),
                                                 std::optional(RootDigest::kSha256_4m)}) {
    const RootDigest digest = choice.value_or(kDefaultRootDigest);
    SCOPED_TRACE(choice ? std::string(RootDigestName(*choice)) : "default");
    SealOptions o = Options();
    if (choice) o.root_digest = *choice;
    std::filesystem::remove_all(o.out);
    auto sealed = Seal(o, *real_devices_, *real_mounter_);
    ASSERT_TRUE(sealed.ok()) << sealed.error().message;
    auto config = ParseAgentConfig(test::ReadText(sealed->config_path), "agent.yaml");
    ASSERT_TRUE(config.ok()) << config.error().message;
    EXPECT_EQ(config->root_digest, choice ? *choice : RootDigest::kSha256_4m);
    EXPECT_EQ(ToHex(config->root_hash), digest == RootDigest::kSha256 ? flat : chunked);
    EXPECT_EQ(config->root_size, kImageSize);
    const std::string agent_yaml = test::ReadText(sealed->config_path);
    EXPECT_NE(agent_yaml.find("\n  " + std::string(RootDigestName(digest)) + ": " + ToHex(config->root_hash) + "\n"),
              std::string::npos)
        << agent_yaml;
    auto ref = ParseReference(test::ReadText(sealed->reference_path), "reference.yaml");
    ASSERT_TRUE(ref.ok()) << ref.error().message;
    ASSERT_TRUE(ref->root_partition.has_value());
    ASSERT_TRUE(ref->root_partition->sha256.has_value());
    ASSERT_TRUE(ref->root_partition->sha256_4m.has_value());
    EXPECT_EQ(ToHex(*ref->root_partition->sha256), flat);
    EXPECT_EQ(ToHex(*ref->root_partition->sha256_4m), chunked);
    EXPECT_EQ(ref->root_partition->size, std::optional<std::uint64_t>(kImageSize));
  }
}

// --- the build time ------------------------------------------------------------------------------

TEST(ResolveBuildTimeTest, FlagThenSourceDateEpochThenNow) {
  constexpr UnixTime kNow = 1900000000;
  const auto at = [](const std::optional<std::string>& flag, const std::optional<std::string>& epoch) {
    return ResolveBuildTime(RecordProfile::kHpcr2026, flag, epoch, kNow);
  };
  auto t = at("2026-07-01T12:00:00Z", "1700000000");
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(*t, std::optional<UnixTime>(kBuildTime)) << "--build-time wins over SOURCE_DATE_EPOCH";
  t = at(std::nullopt, "1700000000");
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(*t, std::optional<UnixTime>(1700000000));
  t = at(std::nullopt, "0");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*t, std::optional<UnixTime>(0));
  t = at(std::nullopt, "");
  ASSERT_TRUE(t.ok()) << "an empty SOURCE_DATE_EPOCH is not set";
  EXPECT_EQ(*t, std::optional<UnixTime>(kNow));
  t = at(std::nullopt, std::nullopt);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*t, std::optional<UnixTime>(kNow));
  t = at(std::nullopt, "253402300799");  // 9999-12-31T23:59:59Z
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(FormatIso8601(**t), "9999-12-31T23:59:59Z");
}

TEST(ResolveBuildTimeTest, MalformedValuesAreRefusedByName) {
  for (const char* flag : {"2026-07-01", "2026-07-01T12:00:00", "2026-07-01 12:00:00Z", "1782907200", "2026-13-01T00:00:00Z"}) {
    auto t = ResolveBuildTime(RecordProfile::kHpcr2026, std::string(flag), std::nullopt, 0);
    ASSERT_FALSE(t.ok()) << flag;
    EXPECT_EQ(t.error().message.rfind("--build-time: ", 0), 0u) << t.error().message;
  }
  for (const char* epoch : {"-1", "+5", "1.5", "0x10", " 1700000000", "1700000000 ", "01700000000", "253402300800",
                            "99999999999999999999", "2026-07-01T12:00:00Z"}) {
    auto t = ResolveBuildTime(RecordProfile::kHpcr2026, std::nullopt, std::string(epoch), 0);
    ASSERT_FALSE(t.ok()) << epoch;
    EXPECT_EQ(t.error().message.rfind("SOURCE_DATE_EPOCH: expected decimal seconds", 0), 0u) << t.error().message;
  }
}

TEST(ResolveBuildTimeTest, Hpcr2023HasNone) {
  auto t = ResolveBuildTime(RecordProfile::kHpcr2023, std::nullopt, "1700000000", 5);
  ASSERT_TRUE(t.ok()) << "SOURCE_DATE_EPOCH, set for a whole build, is no reason to fail";
  EXPECT_FALSE(t->has_value());
  t = ResolveBuildTime(RecordProfile::kHpcr2023, "2026-07-01T12:00:00Z", std::nullopt, 5);
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.error().message.find("--build-time: only with --record-profile hpcr-2026"), std::string::npos);
}

// --- reference.yaml ------------------------------------------------------------------------------

AgentConfig SealedConfig(RecordProfile profile) {
  AgentConfig c;
  c.image_version = "v1";
  c.commit_id = "c1";
  c.baseimage_sha256.fill(0x11);
  c.root_tarball_sha256.fill(0x22);
  c.root_digest = kDefaultRootDigest;
  c.root_hash.fill(0x33);
  c.root_size = 16 << 20;
  c.root_tarball = "/boot/root.tar.gz";
  c.root_device = *ParseDeviceSpec("LABEL=se-root");
  c.record_profile = profile;
  if (profile == RecordProfile::kHpcr2026) {
    c.build_time = kBuildTime;
    c.root_sbom = "/boot/sbom.json";
    c.root_sbom_sha256.fill(0x44);
  }
  return c;
}

// The sealed partition's two digests (0x33.., as SealedConfig's root_hash, and 0x88..).
SealedRootDigests Digests() {
  SealedRootDigests d;
  d.sha256.fill(0x33);
  d.sha256_4m.fill(0x88);
  return d;
}

TEST(RenderSealReferenceTest, Hpcr2026ReadsBackWithEveryNewField) {
  CertificateExpiry certs;
  // Subjects as RFC 2253 prints them, with what YAML must escape: quotes, backslashes, a colon
  // and a hash, non-ASCII letters.
  certs.encryption = {R"(CN=contract \"enc\",O=Ex\, Inc.: #1,C=DE)", {}, 1814443200};
  certs.encryption.sha256.fill(0x55);
  certs.attestation = {"CN=Bescheinigung ÄÖÜ,O=se-attest", {}, 1814443201};
  certs.attestation.sha256.fill(0x66);
  Sha256Digest fingerprint{};
  fingerprint.fill(0x77);
  const std::string text = RenderSealReference(SealedConfig(RecordProfile::kHpcr2026), Digests(), fingerprint, certs);
  auto ref = ParseReference(text, "reference.yaml");
  ASSERT_TRUE(ref.ok()) << ref.error().message << "\n" << text;
  EXPECT_EQ(ref->record_profile, RecordProfile::kHpcr2026);
  EXPECT_EQ(ref->build_time, std::optional<UnixTime>(kBuildTime));
  ASSERT_TRUE(ref->certificates.has_value());
  EXPECT_EQ(*ref->certificates, certs);
  ASSERT_EQ(ref->measurements.count("sbom"), 1u) << text;
  EXPECT_EQ(ToHex(ref->measurements.at("sbom")), std::string(64, '4'));
  EXPECT_EQ(ref->attestation_public_key_sha256, fingerprint);
  EXPECT_NE(text.find("\nrecord_profile: hpcr-2026\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\nbuild_time: \"2026-07-01T12:00:00Z\"\n"), std::string::npos) << text;
  EXPECT_NE(text.find("    not_after: \"2027-07-01T12:00:00Z\"\n"), std::string::npos) << text;
}

TEST(RenderSealReferenceTest, Hpcr2026WithoutSbomHasNoSbomLine) {
  AgentConfig c = SealedConfig(RecordProfile::kHpcr2026);
  c.root_sbom.clear();
  CertificateExpiry certs{{"CN=a", {}, 0}, {"CN=b", {}, 0}};
  auto ref = ParseReference(RenderSealReference(c, Digests(), {}, certs), "reference.yaml");
  ASSERT_TRUE(ref.ok()) << ref.error().message;
  EXPECT_EQ(ref->measurements.count("sbom"), 0u);
  EXPECT_EQ(ref->measurements.size(), 2u);
}

TEST(RenderSealReferenceTest, Hpcr2023HasOnlyItsProfile) {
  const std::string text = RenderSealReference(SealedConfig(RecordProfile::kHpcr2023), Digests(), {}, std::nullopt);
  auto ref = ParseReference(text, "reference.yaml");
  ASSERT_TRUE(ref.ok()) << ref.error().message << "\n" << text;
  EXPECT_EQ(ref->record_profile, RecordProfile::kHpcr2023);
  EXPECT_NE(text.find("\nrecord_profile: hpcr-2023\n"), std::string::npos) << text;
  for (const char* absent : {"build_time", "certificates", "sbom"}) {
    EXPECT_EQ(text.find(absent), std::string::npos) << absent << " in\n" << text;
  }
}

// root_partition states both digests of the partition, whichever agent.yaml names, and they read
// back as written.
TEST(RenderSealReferenceTest, RootPartitionHasBothDigestsWhicheverAgentYamlNames) {
  for (RootDigest digest : {RootDigest::kSha256, RootDigest::kSha256_4m}) {
    AgentConfig c = SealedConfig(RecordProfile::kHpcr2023);
    c.root_digest = digest;
    const std::string text = RenderSealReference(c, Digests(), {}, std::nullopt);
    EXPECT_NE(text.find("\nroot_partition:\n  device: LABEL=se-root\n  sha256: " + std::string(64, '3') +
                        "\n  sha256-4m: " + std::string(64, '8') + "\n"),
              std::string::npos)
        << text;
    auto ref = ParseReference(text, "reference.yaml");
    ASSERT_TRUE(ref.ok()) << ref.error().message << "\n" << text;
    ASSERT_TRUE(ref->root_partition.has_value());
    ASSERT_TRUE(ref->root_partition->sha256.has_value());
    ASSERT_TRUE(ref->root_partition->sha256_4m.has_value());
    EXPECT_EQ(ToHex(*ref->root_partition->sha256), std::string(64, '3'));
    EXPECT_EQ(ToHex(*ref->root_partition->sha256_4m), std::string(64, '8'));
  }
}

// The prefix of the image's encrypted records goes into the reference as chosen, always written.
TEST(RenderSealReferenceTest, TokenPrefixIsWrittenAsSealed) {
  EXPECT_EQ(SealOptions().token_prefix, TokenPrefix::kHyperProtectBasic);
  for (TokenPrefix prefix : {TokenPrefix::kHyperProtectBasic, TokenPrefix::kContractBasic}) {
    AgentConfig c = SealedConfig(RecordProfile::kHpcr2023);
    c.token_prefix = prefix;
    const std::string text = RenderSealReference(c, Digests(), {}, std::nullopt);
    EXPECT_NE(text.find("\ntoken_prefix: " + std::string(TokenPrefixName(prefix)) + "\n"), std::string::npos) << text;
    auto ref = ParseReference(text, "reference.yaml");
    ASSERT_TRUE(ref.ok()) << ref.error().message;
    EXPECT_EQ(ref->token_prefix, prefix);
  }
}

}  // namespace
}  // namespace seattest
