// The agent's whole boot flow (boot/agent.h RunAgent) without root: block devices are regular
// files, "mounts" are prepared folders, and the log is captured.
#include "boot/agent.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "boot/output.h"
#include "core/base64.h"
#include "core/config.h"
#include "core/contract_sections.h"
#include "core/root_digest.h"
#include "core/record_profile.h"
#include "core/hex.h"
#include "core/record.h"
#include "crypto/chunked_sha256.h"
#include "crypto/contract_signature.h"
#include "crypto/keys.h"
#include "crypto/rsa.h"
#include "crypto/sha256.h"
#include "crypto/token.h"
#include "platform/hash_path.h"
#include "test_support.h"

namespace seattest {
namespace {

using test::Exists;
using test::FilesUnder;
using test::Fixture;
using test::ModeOf;
using test::ReadText;
using test::SharedPath;
using test::TempDir;
using test::WriteText;

// Device specs mapped to regular files standing in for block devices.
class FakeDevices final : public BlockDevices {
 public:
  void Add(const std::string& spec, const std::string& file, const std::string& fs_type) {
    by_spec_[spec] = file;
    fs_types_[file] = fs_type;
  }
  void Remove(const std::string& spec) { by_spec_.erase(spec); }
  // How often a spec was looked up (the agent looks every 250 ms while it waits).
  int lookups(const std::string& spec) const {
    auto it = lookups_.find(spec);
    return it == lookups_.end() ? 0 : it->second;
  }
  Result<std::string> Resolve(const DeviceSpec& spec) override {
    ++lookups_[spec.ToString()];
    auto it = by_spec_.find(spec.ToString());
    if (it == by_spec_.end()) return NotFoundError(MakeError("no device matches " + spec.ToString()));
    return it->second;
  }
  Result<std::string> FilesystemType(const std::string& device) override {
    auto it = fs_types_.find(device);
    if (it == fs_types_.end()) return MakeError(device + ": no filesystem");
    return it->second;
  }

 private:
  std::map<std::string, std::string> by_spec_;
  std::map<std::string, std::string> fs_types_;
  std::map<std::string, int> lookups_;
};

// "Mounts" a device by handing out the folder prepared for it; counts what is still mounted.
class FakeMounter final : public Mounter {
 public:
  struct Call {
    std::string device;
    std::string fs_type;
  };
  void Add(const std::string& device, const std::string& dir) { dirs_[device] = dir; }
  Result<std::unique_ptr<MountedFs>> MountReadOnly(const std::string& device,
                                                   const std::string& fs_type) override {
    calls_.push_back({device, fs_type});
    auto it = dirs_.find(device);
    if (it == dirs_.end()) return MakeError("cannot mount " + device);
    ++mounted_;
    return std::unique_ptr<MountedFs>(new Mounted(it->second, &mounted_));
  }
  int mounted() const { return mounted_; }
  const std::vector<Call>& calls() const { return calls_; }

 private:
  class Mounted final : public MountedFs {
   public:
    Mounted(std::string dir, int* counter) : dir_(std::move(dir)), counter_(counter) {}
    Mounted(const Mounted&) = delete;
    Mounted& operator=(const Mounted&) = delete;
    ~Mounted() override { --*counter_; }
    const std::string& dir() const override { return dir_; }

   private:
    std::string dir_;
    int* counter_;
  };
  std::map<std::string, std::string> dirs_;
  std::vector<Call> calls_;
  int mounted_ = 0;
};

class CapturingLogger final : public Logger {
 public:
  void Log(const LogEntry& entry) override { entries.push_back(entry); }
  void Progress(const std::string& line, bool console) override {
    std::lock_guard lock(mutex);  // the root partition is hashed on another thread
    progress.emplace_back(line, console);
  }
  std::vector<LogEntry> entries;
  std::mutex mutex;
  std::vector<std::pair<std::string, bool>> progress;
};

std::string Field(const LogEntry& e, const std::string& name) {
  for (const auto& [k, v] : e.fields) {
    if (k == name) return v;
  }
  return "<no " + name + ">";
}

std::string Hex(std::string_view data) { return ToHex(Sha256Of(data)); }

constexpr std::string_view kVersion = "1.2.3";
constexpr std::string_view kCommit = "0123456789abcdef0123456789abcdef01234567";
constexpr std::string_view kBaseimage = "71ea00241774e638085af4dc95f9b157ffd6c7bc0e604583cc1e6722ade6f181";

class AgentFlowTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // The root partition (a plain file) with root.tar.gz's bytes in two extents, where seal
    // would have found them in its filesystem. The agent never mounts it.
    root_image_ = tmp_.Sub("dev-vda1.img");
    std::string image;
    for (int i = 0; i < 4096; ++i) image += "root partition block " + std::to_string(i) + "\n";
    tarball_ = std::string("\x1f\x8b\x08\x00 not really a tarball\n", 26) + std::string(5000, 'T');
    extents_ = {{8192, 2000}, {40960, tarball_.size() - 2000}};
    image.replace(8192, 2000, tarball_.substr(0, 2000));
    image.replace(40960, tarball_.size() - 2000, tarball_.substr(2000));
    WriteText(root_image_, image);

    // The cidata device (a plain file) and its files.
    cidata_image_ = tmp_.Sub("dev-vdb.img");
    WriteText(cidata_image_, std::string("CD001 iso9660 image of cidata\n") + std::string(3000, 'C'));
    cidata_ = tmp_.Sub("cidata");
    ASSERT_TRUE(std::filesystem::create_directories(cidata_));
    meta_data_ = "instance-id: se-test-1\nlocal-hostname: se-test\n";
    user_data_ = Fixture("contract/plain.yaml");
    vendor_data_ = "#cloud-config\nruncmd: []\n";
    WriteText(cidata_ + "/meta-data", meta_data_);
    WriteText(cidata_ + "/user-data", user_data_);
    WriteText(cidata_ + "/vendor-data", vendor_data_);

    devices_.Add("PARTLABEL=root", root_image_, "ext4");
    devices_.Add("LABEL=cidata", cidata_image_, "iso9660");
    mounter_.Add(cidata_image_, cidata_);

    // The configuration as `seal` bakes it into the initrd, keys beside it (relative paths).
    config_dir_ = tmp_.Sub("initrd/etc/se-attest");
    ASSERT_TRUE(std::filesystem::create_directories(config_dir_));
    WriteText(config_dir_ + "/attestation.key", Fixture("keys/attestation.key"));
    WriteText(config_dir_ + "/contract.key", Fixture("keys/contract.key"));
    config_.image_version = kVersion;
    config_.commit_id = kCommit;
    config_.output_dir = "../../run/hyperprotect";  // relative to the configuration's folder
    config_.baseimage_sha256 = *ParseSha256Hex(kBaseimage);
    config_.root_device = *ParseDeviceSpec("PARTLABEL=root");
    config_.root_digest = kDefaultRootDigest;  // sha256-4m, as seal writes it
    config_.root_hash = RootHash(image);
    config_.root_size = image.size();
    config_.root_tarball = "/boot/root.tar.gz";
    config_.root_tarball_sha256 = Sha256Of(tarball_);
    config_.root_tarball_size = tarball_.size();
    config_.root_tarball_extents = extents_;
    config_.cidata_device = *ParseDeviceSpec("LABEL=cidata");
    config_.attestation_key = "attestation.key";
    config_.contract_key = "contract.key";
    config_.require_secure_execution = false;  // sealed --development: this host is no SE guest
    WriteConfig();

    sysinfo_ = tmp_.Sub("sysinfo");
    WriteText(sysinfo_, Fixture("sysinfo/zvm-3932.txt"));
    out_ = tmp_.Sub("initrd/run/hyperprotect");

    options_.config_path = config_dir_ + "/agent.yaml";
    options_.sysinfo_path = sysinfo_;
  }

  // The root partition's digest as agent.yaml's root section names it (config_.root_digest).
  Sha256Digest RootHash(const std::string& image) const {
    return config_.root_digest == RootDigest::kSha256 ? Sha256Of(image) : ChunkedSha256Of(image.data(), image.size());
  }
  std::string RootHex(const std::string& image) const { return ToHex(RootHash(image)); }

  void WriteConfig() { WriteText(config_dir_ + "/agent.yaml", RenderAgentConfig(config_)); }

  int Run() {
    Platform platform{devices_, mounter_, log_};
    const int code = RunAgent(options_, platform);
    EXPECT_EQ(mounter_.mounted(), 0) << "a mount was left behind";
    return code;
  }

  // The record the agent must write for the prepared inputs, byte for byte.
  // The fixture's image is sealed with --development (require_secure_execution: false), so its
  // records carry kDevelopmentHeaderLine after the machine line.
  std::string ExpectedRecord(bool with_vendor_data, const std::string& attestation_pem = "") const {
    const std::string development =
        config_.require_secure_execution ? "" : std::string(kDevelopmentHeaderLine) + "\n";
    std::string r = std::string(kVersion) + "\n" + "Machine Type/Plant/Serial: 3932/02/860A8\n" + development +
                    std::string(kBaseimage) + " baseimage\n" + Hex(tarball_) + " root.tar.gz\n" +
                    Hex(ReadText(cidata_image_)) + " /dev/disk/by-label/cidata\n" + Hex(meta_data_) +
                    " cidata/meta-data\n" + Hex(user_data_) + " cidata/user-data\n";
    if (with_vendor_data) r += Hex(vendor_data_) + " cidata/vendor-data\n";
    if (!attestation_pem.empty()) r += Hex(attestation_pem) + " attestationPublicKey\n";
    return r;
  }

  // The one failure entry of the run.
  // Flips one bit at 1/`part` of the root partition image; returns the image as it is now.
  std::string FlipRootImageBit(std::size_t part) {
    std::string image = ReadText(root_image_);
    image[image.size() / part] ^= 0x01;
    WriteText(root_image_, image);
    return image;
  }

  const LogEntry* FailureEntry() const {
    const LogEntry* found = nullptr;
    for (const LogEntry& e : log_.entries) {
      if (e.priority == Priority::kErr) {
        EXPECT_EQ(found, nullptr) << "more than one failure logged";
        found = &e;
      }
    }
    EXPECT_NE(found, nullptr) << "no failure logged";
    return found;
  }

  void ExpectNoOutput() const {
    EXPECT_TRUE(FilesUnder(out_).empty()) << "left in the output folder: " << *FilesUnder(out_).begin();
  }

  bool VerifiesWithAttestationCert(const std::string& record, const std::string& signature) const {
    EvpPkeyPtr cert_key = test::TestPublicKey("attestation.crt");
    auto ok = VerifySha256(cert_key.get(), record, ToBytes(signature));
    return ok.ok() && *ok;
  }

  void SetUserData(const std::string& text) {
    user_data_ = text;
    WriteText(cidata_ + "/user-data", user_data_);
  }

  TempDir tmp_;
  std::string root_image_, tarball_, cidata_image_, cidata_;
  std::vector<Extent> extents_;
  std::string meta_data_, user_data_, vendor_data_;
  std::string config_dir_, sysinfo_, out_;
  AgentConfig config_;
  FakeDevices devices_;
  FakeMounter mounter_;
  CapturingLogger log_;
  AgentOptions options_;
};

TEST_F(AgentFlowTest, WritesThePlainRecordAndTheWholeFolder) {
  ASSERT_EQ(Run(), kExitOk) << (FailureEntry() ? FailureEntry()->message : "");
  EXPECT_EQ(FilesUnder(out_),
            (std::set<std::string>{"se-checksums.txt", "se-signature.bin", "se-version", "se-commit-id",
                                   "cidata/meta-data", "cidata/user-data", "cidata/vendor-data",
                                   "user-data.decrypted", "README"}));
  const std::string record = ReadText(out_ + "/se-checksums.txt");
  EXPECT_EQ(record, ExpectedRecord(true));
  const std::string signature = ReadText(out_ + "/se-signature.bin");
  EXPECT_EQ(signature.size(), 512u);
  EXPECT_TRUE(VerifiesWithAttestationCert(record, signature));
  EXPECT_EQ(ReadText(out_ + "/se-version"), "1.2.3\n");
  EXPECT_EQ(ReadText(out_ + "/se-commit-id"), std::string(kCommit) + "\n");
  EXPECT_EQ(ReadText(out_ + "/cidata/meta-data"), meta_data_);
  EXPECT_EQ(ReadText(out_ + "/cidata/user-data"), user_data_);
  EXPECT_EQ(ReadText(out_ + "/cidata/vendor-data"), vendor_data_);
  EXPECT_EQ(ReadText(out_ + "/README"), OutputReadme(false));
  EXPECT_EQ(YAML::Dump(YAML::Load(ReadText(out_ + "/user-data.decrypted"))), YAML::Dump(YAML::Load(user_data_)));
  for (const std::string& name : FilesUnder(out_)) {
    EXPECT_EQ(ModeOf(out_ + "/" + name), name == "README" ? 0444 : 0400) << name;
  }
  // The record parses back to what was measured, and the run said so.
  auto parsed = ParseRecord(record);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->entries.size(), 6u);
  ASSERT_FALSE(log_.entries.empty());
  EXPECT_EQ(log_.entries.front().message_id, message_id::kStarted);
  EXPECT_EQ(log_.entries.back().message_id, message_id::kRecordWritten);
  EXPECT_EQ(Field(log_.entries.back(), "SE_ATTEST_ACTUAL"), Hex(record));
}

TEST_F(AgentFlowTest, MountsCidataReadOnlyAndNeverTheRootPartition) {
  ASSERT_EQ(Run(), kExitOk);
  ASSERT_EQ(mounter_.calls().size(), 1u);
  EXPECT_EQ(mounter_.calls()[0].device, cidata_image_);
  EXPECT_EQ(mounter_.calls()[0].fs_type, "iso9660");
}

// root.tar.gz comes out of the same read that verified the partition, at the sealed extents.
TEST_F(AgentFlowTest, KeepsTheTarballCopiedOutOfTheVerifiedPartition) {
  config_.root_tarball_copy = tmp_.Sub("initrd/run/se-attest/root.tar.gz");
  WriteConfig();
  ASSERT_EQ(Run(), kExitOk);
  EXPECT_EQ(ReadText(config_.root_tarball_copy), tarball_);
  EXPECT_EQ(ModeOf(config_.root_tarball_copy), 0600);
  EXPECT_FALSE(Exists(config_.root_tarball_copy + ".partial"));
}

// A failed run keeps nothing: not the record, not a root.tar.gz that was verified before the
// contract failed, nor one of an earlier run.
TEST_F(AgentFlowTest, FailedRunKeepsNoTarballCopy) {
  config_.root_tarball_copy = tmp_.Sub("initrd/run/se-attest/root.tar.gz");
  WriteConfig();
  ASSERT_EQ(Run(), kExitOk);
  ASSERT_TRUE(Exists(config_.root_tarball_copy));
  SetUserData("not: [a contract");
  EXPECT_EQ(Run(), kExitContract);
  EXPECT_FALSE(Exists(config_.root_tarball_copy));
  EXPECT_FALSE(Exists(config_.root_tarball_copy + ".partial"));
  ExpectNoOutput();
}

// A root partition of another size than sealed is refused before a byte of it is read.
TEST_F(AgentFlowTest, RootPartitionOfAnotherSizeExit2Unread) {
  WriteText(root_image_, ReadText(root_image_) + std::string(1u << 20, 'x'));
  EXPECT_EQ(Run(), kExitIntegrity);
  ExpectNoOutput();
  const LogEntry* e = FailureEntry();
  ASSERT_NE(e, nullptr);
  EXPECT_NE(e->message.find("bytes, expected " + std::to_string(config_.root_size)), std::string::npos) << e->message;
}

// A run that fails before the root partition is read removes an older run's copy too.
TEST_F(AgentFlowTest, RunFailingBeforeTheRootIsReadRemovesAnOlderCopy) {
  config_.root_tarball_copy = tmp_.Sub("initrd/run/se-attest/root.tar.gz");
  WriteConfig();
  ASSERT_EQ(Run(), kExitOk);
  ASSERT_TRUE(Exists(config_.root_tarball_copy));
  options_.sysinfo_path = tmp_.Sub("no-such-sysinfo");
  EXPECT_EQ(Run(), kExitUsage);
  EXPECT_FALSE(Exists(config_.root_tarball_copy));
}

// A copy that cannot be put in place fails the run before the record is written: no record of a
// run that failed.
TEST_F(AgentFlowTest, CopyThatCannotBeKeptExit4NoRecord) {
  config_.root_tarball_copy = tmp_.Sub("initrd/run/se-attest/root.tar.gz");
  WriteConfig();
  ASSERT_TRUE(std::filesystem::create_directories(config_.root_tarball_copy + "/in-the-way"));
  EXPECT_EQ(Run(), kExitOutput);
  ExpectNoOutput();
}

// A copy that cannot be begun (its folder is a file) fails the run (exit 4), but after the keys
// and the root's lookup, as when those ran before it: a double fault names the earlier step.
TEST_F(AgentFlowTest, CopyThatCannotBeBegunComesAfterTheKeysAndTheRootLookup) {
  WriteText(tmp_.Sub("not-a-folder"), "");
  config_.root_tarball_copy = tmp_.Sub("not-a-folder/root.tar.gz");
  WriteConfig();
  EXPECT_EQ(Run(), kExitOutput);
  ExpectNoOutput();
  // Before the root's verdict, as when the copy was begun before the read.
  FlipRootImageBit(3);
  EXPECT_EQ(Run(), kExitOutput);

  ASSERT_EQ(unlink((config_dir_ + "/contract.key").c_str()), 0);
  EXPECT_EQ(Run(), kExitUsage);

  WriteText(config_dir_ + "/contract.key", Fixture("keys/contract.key"));
  devices_.Remove("PARTLABEL=root");
  EXPECT_EQ(Run(), kExitIntegrity);
  ExpectNoOutput();
}

TEST_F(AgentFlowTest, OutputOptionOverridesTheConfiguration) {
  options_.output_dir = tmp_.Sub("elsewhere");
  ASSERT_EQ(Run(), kExitOk);
  EXPECT_EQ(ReadText(tmp_.Sub("elsewhere/se-checksums.txt")), ExpectedRecord(true));
  EXPECT_FALSE(Exists(out_));
}

TEST_F(AgentFlowTest, QemuMachineLine) {
  WriteText(sysinfo_, Fixture("sysinfo/qemu-tcg.txt"));
  ASSERT_EQ(Run(), kExitOk);
  const std::string record = ReadText(out_ + "/se-checksums.txt");
  EXPECT_EQ(record.substr(0, record.find('\n', 6) + 1), "1.2.3\nMachine Type/Plant/Serial: 8561/QEMU/QEMU\n");
}

TEST_F(AgentFlowTest, MissingVendorDataLeavesItsLineOut) {
  ASSERT_EQ(unlink((cidata_ + "/vendor-data").c_str()), 0);
  ASSERT_EQ(Run(), kExitOk);
  EXPECT_EQ(ReadText(out_ + "/se-checksums.txt"), ExpectedRecord(false));
  EXPECT_FALSE(Exists(out_ + "/cidata/vendor-data"));
  EXPECT_TRUE(Exists(out_ + "/cidata/user-data"));
}

// attestationPublicKey as PEM text: the real HPCR 23.3.0 key, whose private half we have.
TEST_F(AgentFlowTest, EncryptsTheRecordForTheContractsAttestationKey) {
  const std::string pem = ReadText(SharedPath("interop/hpcr-23.3.0/attestationPublicKey"));
  std::string contract = "attestationPublicKey: |\n";
  for (std::size_t pos = 0; pos < pem.size();) {
    const std::size_t end = pem.find('\n', pos);
    contract += "    " + pem.substr(pos, end - pos) + "\n";
    pos = end + 1;
  }
  SetUserData(contract + Fixture("contract/plain.yaml"));
  ASSERT_EQ(Run(), kExitOk) << (FailureEntry() ? FailureEntry()->message : "");

  EXPECT_EQ(FilesUnder(out_),
            (std::set<std::string>{"se-checksums.txt.enc", "se-signature.bin", "se-version", "se-commit-id",
                                   "cidata/meta-data", "cidata/user-data", "cidata/vendor-data",
                                   "user-data.decrypted", "attestationPublicKey", "README"}));
  EXPECT_EQ(ReadText(out_ + "/attestationPublicKey"), pem);
  EXPECT_EQ(ReadText(out_ + "/README"), OutputReadme(true));
  const std::string token = ReadText(out_ + "/se-checksums.txt.enc");
  EXPECT_EQ(token.rfind("hyper-protect-basic.", 0), 0u);
  EXPECT_EQ(token.find('\n'), std::string::npos);
  auto key = PrivateKeyFromPem(ReadText(SharedPath("interop/hpcr-23.3.0.attestation-private.pem")), "k");
  ASSERT_TRUE(key.ok());
  auto record = DecryptToken(key->get(), token);
  ASSERT_TRUE(record.ok()) << record.error().message;
  EXPECT_EQ(record->view(), ExpectedRecord(true, pem));
  // The attestationPublicKey line is sha256sum of the file beside it; the signature is over the
  // plaintext.
  const std::string last_line = Hex(ReadText(out_ + "/attestationPublicKey")) + " attestationPublicKey\n";
  EXPECT_EQ(record->view().substr(record->size() - last_line.size()), last_line);
  EXPECT_TRUE(VerifiesWithAttestationCert(std::string(record->view()), ReadText(out_ + "/se-signature.bin")));
  for (const std::string& name : FilesUnder(out_)) {
    EXPECT_EQ(ModeOf(out_ + "/" + name), name == "README" ? 0444 : 0400) << name;
  }
}

TEST_F(AgentFlowTest, AttestationKeyAsBase64AndAsToken) {
  const std::string pem = Fixture("keys/rsa2048.pub");
  EvpPkeyPtr contract_cert_key = test::TestPublicKey("contract.crt");
  auto token = EncryptToken(contract_cert_key.get(), pem, TokenPrefix::kHyperProtectBasic);
  ASSERT_TRUE(token.ok());
  EvpPkeyPtr recipient = test::TestPrivateKey("rsa2048.key");
  for (const std::string& value : {Base64Encode(ToBytes(pem)), *token}) {
    SetUserData("attestationPublicKey: " + value + "\n" + Fixture("contract/plain.yaml"));
    log_.entries.clear();
    ASSERT_EQ(Run(), kExitOk) << (FailureEntry() ? FailureEntry()->message : "");
    EXPECT_EQ(ReadText(out_ + "/attestationPublicKey"), pem);
    EXPECT_FALSE(Exists(out_ + "/se-checksums.txt"));
    auto record = DecryptToken(recipient.get(), ReadText(out_ + "/se-checksums.txt.enc"));
    ASSERT_TRUE(record.ok()) << record.error().message;
    EXPECT_EQ(record->view(), ExpectedRecord(true, pem));
  }
}

// agent.yaml's token_prefix is the prefix of the encrypted record, whatever the contract's tokens
// have: a contract of contract-basic sections under a hyper-protect-basic image, and the reverse.
TEST_F(AgentFlowTest, TheRecordTokenHasTheSealedPrefixWhateverTheContractHas) {
  const std::string pem = Fixture("keys/rsa2048.pub");
  EvpPkeyPtr contract_cert_key = test::TestPublicKey("contract.crt");
  EvpPkeyPtr recipient = test::TestPrivateKey("rsa2048.key");
  for (TokenPrefix sealed : {TokenPrefix::kHyperProtectBasic, TokenPrefix::kContractBasic}) {
    const TokenPrefix contract_prefix =
        sealed == TokenPrefix::kContractBasic ? TokenPrefix::kHyperProtectBasic : TokenPrefix::kContractBasic;
    config_.token_prefix = sealed;
    WriteConfig();
    const std::string workload = *EncryptToken(contract_cert_key.get(), Fixture("contract/workload.plain"), contract_prefix);
    const std::string env = *EncryptToken(contract_cert_key.get(), "type: env\n", contract_prefix);
    SetUserData("workload: " + workload + "\nenv: " + env + "\nattestationPublicKey: " + Base64Encode(ToBytes(pem)) + "\n");
    log_.entries.clear();
    ASSERT_EQ(Run(), kExitOk) << (FailureEntry() ? FailureEntry()->message : "");
    const std::string token = ReadText(out_ + "/se-checksums.txt.enc");
    EXPECT_EQ(token.rfind(std::string(TokenPrefixName(sealed)) + ".", 0), 0u) << token.substr(0, 30);
    auto record = DecryptToken(recipient.get(), token);
    ASSERT_TRUE(record.ok()) << record.error().message;
    YAML::Node decrypted = YAML::Load(ReadText(out_ + "/user-data.decrypted"));
    EXPECT_EQ(decrypted["workload"].Scalar(), Fixture("contract/workload.plain"));
    EXPECT_EQ(decrypted["env"].Scalar(), "type: env\n");
  }
}

TEST_F(AgentFlowTest, EncryptedSectionsAreDecryptedIntoUserDataDecrypted) {
  SetUserData(Fixture("contract/tokens.yaml"));
  ASSERT_EQ(Run(), kExitOk) << (FailureEntry() ? FailureEntry()->message : "");
  YAML::Node decrypted = YAML::Load(ReadText(out_ + "/user-data.decrypted"));
  EXPECT_EQ(decrypted["env"].Scalar(), Fixture("contract/env.plain"));
  EXPECT_EQ(decrypted["workload"].Scalar(), Fixture("contract/workload.plain"));
  EXPECT_EQ(ReadText(out_ + "/cidata/user-data"), user_data_);  // the copy stays encrypted
  EXPECT_EQ(ReadText(out_ + "/attestationPublicKey"), Fixture("keys/rsa2048.pub"));
}

TEST_F(AgentFlowTest, NoPlaintextRecordIsLeftFromAnEarlierPlainRun) {
  ASSERT_EQ(Run(), kExitOk);
  ASSERT_TRUE(Exists(out_ + "/se-checksums.txt"));
  SetUserData("attestationPublicKey: " + Base64Encode(ToBytes(Fixture("keys/rsa2048.pub"))) + "\n");
  ASSERT_EQ(Run(), kExitOk);
  EXPECT_FALSE(Exists(out_ + "/se-checksums.txt"));
  EXPECT_TRUE(Exists(out_ + "/se-checksums.txt.enc"));
}

TEST_F(AgentFlowTest, NoPlaintextRecordIsLeftFromAKilledRun) {
  // A run killed between writing the record's temporary file and renaming it leaves
  // .tmp.se-checksums.txt, a plaintext record, in the output folder. The next run, encrypting
  // for the contract's attestationPublicKey, must not leave it there (SPEC: "then no plaintext
  // record is left anywhere").
  ASSERT_TRUE(std::filesystem::create_directories(out_));
  WriteText(out_ + "/.tmp.se-checksums.txt", ExpectedRecord(true));
  SetUserData("attestationPublicKey: " + Base64Encode(ToBytes(Fixture("keys/rsa2048.pub"))) + "\n");
  ASSERT_EQ(Run(), kExitOk);
  EXPECT_TRUE(Exists(out_ + "/se-checksums.txt.enc"));
  EXPECT_FALSE(Exists(out_ + "/.tmp.se-checksums.txt"));
}

TEST_F(AgentFlowTest, VendorDataDanglingSymlinkIsRefusedLikeAnyOtherSymlink) {
  // A symlink on cidata is refused (exit 3) for every file, vendor-data included (see
  // VendorDataSymlinkExit3); only a vendor-data that is not there at all is optional.
  ASSERT_EQ(unlink((cidata_ + "/vendor-data").c_str()), 0);
  ASSERT_EQ(symlink("/nonexistent/vendor-data", (cidata_ + "/vendor-data").c_str()), 0);
  EXPECT_EQ(Run(), kExitContract);
  ExpectNoOutput();
}

TEST_F(AgentFlowTest, VendorDataSymlinkExit3) {
  WriteText(tmp_.Sub("elsewhere-vendor-data"), vendor_data_);
  ASSERT_EQ(unlink((cidata_ + "/vendor-data").c_str()), 0);
  ASSERT_EQ(symlink(tmp_.Sub("elsewhere-vendor-data").c_str(), (cidata_ + "/vendor-data").c_str()), 0);
  EXPECT_EQ(Run(), kExitContract);
  ExpectNoOutput();
}

TEST_F(AgentFlowTest, RootPartitionDiffersExit2NothingWritten) {
  const std::string image = FlipRootImageBit(2);
  EXPECT_EQ(Run(), kExitIntegrity);
  ExpectNoOutput();
  const LogEntry* e = FailureEntry();
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->message_id, message_id::kIntegrityFailure);
  EXPECT_EQ(Field(*e, "SE_ATTEST_EXPECTED"), ToHex(config_.root_hash));
  EXPECT_EQ(Field(*e, "SE_ATTEST_ACTUAL"), RootHex(image));
  EXPECT_EQ(Field(*e, "SE_ATTEST_ITEM"), root_image_);
  EXPECT_EQ(Field(*e, "SE_ATTEST_EXIT"), "2");
  EXPECT_NE(e->message.find("differs from the build: expected sha256-4m " + ToHex(config_.root_hash) + ", found " +
                            RootHex(image)),
            std::string::npos)
      << e->message;
  for (const auto& call : mounter_.calls()) {
    EXPECT_NE(call.device, root_image_) << "mounted an unverified root partition";
  }
  // Nothing measured on cidata is logged before the root's verdict: the failure is the last word.
  EXPECT_EQ(e, &log_.entries.back());
  for (const LogEntry& entry : log_.entries) EXPECT_NE(entry.message_id, message_id::kMeasured) << entry.message;
}

// --- the root digest agent.yaml names (core/root_digest.h) ---------------------------------------

// The "verified" line of the root partition: the one kMeasured entry naming the device.
const LogEntry* RootVerifiedEntry(const std::vector<LogEntry>& entries, const std::string& device) {
  const LogEntry* found = nullptr;
  for (const LogEntry& e : entries) {
    if (e.message_id == message_id::kMeasured && Field(e, "SE_ATTEST_ITEM") == device) found = &e;
  }
  EXPECT_NE(found, nullptr) << "no verified line for " << device;
  return found;
}

// The end of the "verified" line: the size and how many threads hashed it (sha256-4m: one per CPU
// this test may run on, at most one per 4 MiB chunk; sha256: one).
std::string VerifiedTail(RootDigest digest, std::size_t size) {
  const std::size_t chunks = std::max<std::size_t>(1, (size + kDigestChunkSize - 1) / kDigestChunkSize);
  const unsigned threads =
      digest == RootDigest::kSha256_4m ? static_cast<unsigned>(std::min<std::size_t>(HashThreadsAvailable(), chunks)) : 1;
  return " (" + std::to_string(size) + " bytes, " + std::to_string(threads) +
         (threads == 1 ? " hashing thread)" : " hashing threads)");
}

// Images sealed with either digest attest; the verified line and the journal name the digest.
TEST_F(AgentFlowTest, SealedWithEitherDigestAttests) {
  const std::string image = ReadText(root_image_);
  for (RootDigest digest : {RootDigest::kSha256, RootDigest::kSha256_4m}) {
    SCOPED_TRACE(std::string(RootDigestName(digest)));
    config_.root_digest = digest;
    config_.root_hash = RootHash(image);
    WriteConfig();
    log_.entries.clear();
    ASSERT_EQ(Run(), kExitOk) << (FailureEntry() ? FailureEntry()->message : "");
    EXPECT_EQ(ReadText(out_ + "/se-checksums.txt"), ExpectedRecord(true));
    const LogEntry* e = RootVerifiedEntry(log_.entries, root_image_);
    ASSERT_NE(e, nullptr);
    const std::string hex = RootHex(image);
    EXPECT_EQ(Field(*e, "SE_ATTEST_EXPECTED"), hex);
    EXPECT_EQ(Field(*e, "SE_ATTEST_ACTUAL"), hex);
    EXPECT_NE(e->message.find("root partition " + root_image_ + " verified: " + std::string(RootDigestName(digest)) +
                              " " + hex + VerifiedTail(digest, image.size())),
              std::string::npos)
        << e->message;
  }
  // The two digests differ: agent.yaml's name says which one its value is.
  EXPECT_NE(ToHex(Sha256Of(image)), ToHex(ChunkedSha256Of(image.data(), image.size())));
}

// An image sealed with one digest and a value of the other is refused (the name is not a hint).
TEST_F(AgentFlowTest, TheOtherDigestsValueIsRefused) {
  const std::string image = ReadText(root_image_);
  config_.root_digest = RootDigest::kSha256_4m;
  config_.root_hash = Sha256Of(image);
  WriteConfig();
  EXPECT_EQ(Run(), kExitIntegrity);
  ExpectNoOutput();
  const LogEntry* e = FailureEntry();
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(Field(*e, "SE_ATTEST_ACTUAL"), ToHex(ChunkedSha256Of(image.data(), image.size())));
}

// A root partition of several 4 MiB chunks (the last one short), root.tar.gz across the first
// chunk boundary and in the last chunk: the agent hashes it with every CPU.
class AgentFlowChunkedRootTest : public AgentFlowTest {
 protected:
  static constexpr std::size_t kChunk = std::size_t{4} << 20;
  void SetUp() override {
    AgentFlowTest::SetUp();
    std::string image(2 * kChunk + 12345, '\0');
    std::uint64_t state = 0x5eed;  // splitmix64: pseudo-random, the same on every byte order
    for (std::size_t i = 0; i < image.size(); i += 8) {
      state += 0x9e3779b97f4a7c15u;
      std::uint64_t z = state;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
      z ^= z >> 31;
      for (std::size_t b = 0; b < 8 && i + b < image.size(); ++b) image[i + b] = static_cast<char>(z >> (8 * b));
    }
    extents_ = {{kChunk - 1000, 2000}, {2 * kChunk + 100, tarball_.size() - 2000}};
    image.replace(extents_[0].physical, 2000, tarball_.substr(0, 2000));
    image.replace(extents_[1].physical, extents_[1].length, tarball_.substr(2000));
    WriteText(root_image_, image);
    config_.root_size = image.size();
    config_.root_tarball_extents = extents_;
  }
  void Seal(RootDigest digest) {
    config_.root_digest = digest;
    config_.root_hash = RootHash(ReadText(root_image_));
    WriteConfig();
  }
  // Flips one byte of the root partition at `offset`; the image as it is now.
  std::string FlipRootByte(std::size_t offset) {
    std::string image = ReadText(root_image_);
    image[offset] = static_cast<char>(image[offset] ^ 0x5a);
    WriteText(root_image_, image);
    return image;
  }
  // The run stopped at the root: exit 2, nothing written, both digests in the message and journal.
  void ExpectRootDiffers(RootDigest digest, const std::string& image) {
    EXPECT_EQ(Run(), kExitIntegrity);
    ExpectNoOutput();
    const LogEntry* e = FailureEntry();
    ASSERT_NE(e, nullptr);
    const std::string expected = ToHex(config_.root_hash);
    const std::string found = ToHex(digest == RootDigest::kSha256 ? Sha256Of(image)
                                                                  : ChunkedSha256Of(image.data(), image.size()));
    ASSERT_NE(expected, found);
    EXPECT_EQ(e->message_id, message_id::kIntegrityFailure);
    EXPECT_NE(e->message.find("root partition " + root_image_ + " (PARTLABEL=root) differs from the build: expected " +
                              std::string(RootDigestName(digest)) + " " + expected + ", found " + found),
              std::string::npos)
        << e->message;
    EXPECT_EQ(Field(*e, "SE_ATTEST_EXPECTED"), expected);
    EXPECT_EQ(Field(*e, "SE_ATTEST_ACTUAL"), found);
    EXPECT_EQ(Field(*e, "SE_ATTEST_ITEM"), root_image_);
    EXPECT_EQ(Field(*e, "SE_ATTEST_EXIT"), "2");
  }
};

TEST_F(AgentFlowChunkedRootTest, SealedWithEitherDigestAttests) {
  for (RootDigest digest : {RootDigest::kSha256_4m, RootDigest::kSha256}) {
    SCOPED_TRACE(std::string(RootDigestName(digest)));
    Seal(digest);
    log_.entries.clear();
    ASSERT_EQ(Run(), kExitOk) << (FailureEntry() ? FailureEntry()->message : "");
    EXPECT_EQ(ReadText(out_ + "/se-checksums.txt"), ExpectedRecord(true));
    const LogEntry* e = RootVerifiedEntry(log_.entries, root_image_);
    ASSERT_NE(e, nullptr);
    EXPECT_NE(e->message.find("verified: " + std::string(RootDigestName(digest)) + " " + ToHex(config_.root_hash) +
                              VerifiedTail(digest, 2 * kChunk + 12345)),
              std::string::npos)
        << e->message;
  }
}

// root.tar.gz is kept as picked out of the chunks hashed in parallel.
TEST_F(AgentFlowChunkedRootTest, KeepsTheTarballPickedAcrossChunks) {
  config_.root_tarball_copy = tmp_.Sub("initrd/run/se-attest/root.tar.gz");
  Seal(RootDigest::kSha256_4m);
  ASSERT_EQ(Run(), kExitOk) << (FailureEntry() ? FailureEntry()->message : "");
  EXPECT_EQ(ReadText(config_.root_tarball_copy), tarball_);
}

TEST_F(AgentFlowChunkedRootTest, OneByteFlippedInTheFirstChunkExit2) {
  Seal(RootDigest::kSha256_4m);
  ExpectRootDiffers(RootDigest::kSha256_4m, FlipRootByte(10));
}

TEST_F(AgentFlowChunkedRootTest, OneByteFlippedInTheLastChunkExit2) {
  Seal(RootDigest::kSha256_4m);
  ExpectRootDiffers(RootDigest::kSha256_4m, FlipRootByte(2 * kChunk + 12344));
}

TEST_F(AgentFlowChunkedRootTest, OneByteFlippedInAMiddleChunkExit2) {
  Seal(RootDigest::kSha256_4m);
  ExpectRootDiffers(RootDigest::kSha256_4m, FlipRootByte(kChunk + 4096));
}

// An image sealed with the flat digest (before sha256-4m) still stops at a flipped byte.
TEST_F(AgentFlowChunkedRootTest, SealedWithSha256OneByteFlippedExit2) {
  for (std::size_t offset : {std::size_t{10}, 2 * kChunk + 12344}) {
    SCOPED_TRACE(offset);
    Seal(RootDigest::kSha256);
    log_.entries.clear();
    ExpectRootDiffers(RootDigest::kSha256, FlipRootByte(offset));
    FlipRootByte(offset);  // back
  }
}

// The partition is the build's, but the configuration's extents and digest of root.tar.gz do not
// agree: what was read is named, not assumed.
TEST_F(AgentFlowTest, RootTarballDiffersExit2NothingWritten) {
  config_.root_tarball_sha256 = Sha256Of(tarball_ + "x");
  WriteConfig();
  EXPECT_EQ(Run(), kExitIntegrity);
  ExpectNoOutput();
  const LogEntry* e = FailureEntry();
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->message_id, message_id::kIntegrityFailure);
  EXPECT_EQ(Field(*e, "SE_ATTEST_ITEM"), "root.tar.gz");
  EXPECT_EQ(Field(*e, "SE_ATTEST_EXPECTED"), Hex(tarball_ + "x"));
  EXPECT_EQ(Field(*e, "SE_ATTEST_ACTUAL"), Hex(tarball_));
}

TEST_F(AgentFlowTest, RootDeviceNotFoundExit2) {
  config_.root_device = *ParseDeviceSpec("PARTLABEL=other");
  WriteConfig();
  EXPECT_EQ(Run(), kExitIntegrity);
  ExpectNoOutput();
}

TEST_F(AgentFlowTest, FailedRunRemovesAnOlderRecord) {
  ASSERT_EQ(Run(), kExitOk);
  ASSERT_TRUE(Exists(out_ + "/se-checksums.txt"));
  WriteText(out_ + "/not-ours", "stays");
  FlipRootImageBit(2);
  EXPECT_EQ(Run(), kExitIntegrity);
  EXPECT_EQ(FilesUnder(out_), std::set<std::string>{"not-ours"});
}

TEST_F(AgentFlowTest, CorruptedTokenInContractExit3NothingWritten) {
  SetUserData(Fixture("contract/corrupted-token.yaml"));
  EXPECT_EQ(Run(), kExitContract);
  ExpectNoOutput();
  const LogEntry* e = FailureEntry();
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->message_id, message_id::kInvalidContract);
  EXPECT_NE(e->message.find("env"), std::string::npos) << e->message;
  EXPECT_EQ(Field(*e, "SE_ATTEST_EXIT"), "3");
}

TEST_F(AgentFlowTest, InvalidContractsExit3) {
  for (const char* name : {"malformed.yaml", "unknown-key.yaml", "duplicate-key.yaml", "empty.yaml",
                           "attestation-key-garbage.yaml", "token-not-pem.yaml"}) {
    SetUserData(Fixture(std::string("contract/") + name));
    EXPECT_EQ(Run(), kExitContract) << name;
    ExpectNoOutput();
  }
}

TEST_F(AgentFlowTest, AttestationPublicKeyThatIsNotAnRsaKeyExit3) {
  for (const std::string& pem : {Fixture("keys/ec-p256.pub"),
                                 std::string("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")}) {
    SetUserData("attestationPublicKey: " + Base64Encode(ToBytes(pem)) + "\n");
    log_.entries.clear();
    EXPECT_EQ(Run(), kExitContract);
    ExpectNoOutput();
    const LogEntry* e = FailureEntry();
    ASSERT_NE(e, nullptr);
    EXPECT_NE(e->message.find("attestationPublicKey"), std::string::npos) << e->message;
  }
}

TEST_F(AgentFlowTest, MissingUserDataExit3) {
  ASSERT_EQ(unlink((cidata_ + "/user-data").c_str()), 0);
  EXPECT_EQ(Run(), kExitContract);
  ExpectNoOutput();
  const LogEntry* e = FailureEntry();
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(Field(*e, "SE_ATTEST_ITEM"), "cidata/user-data");
}

// cidata is read while the root partition is hashed, but the verdicts keep the boot's order: a
// modified root partition is the failure reported, whatever else is wrong.
TEST_F(AgentFlowTest, RootFailureWinsOverCidataFailure) {
  ASSERT_EQ(unlink((cidata_ + "/user-data").c_str()), 0);
  FlipRootImageBit(3);
  EXPECT_EQ(Run(), kExitIntegrity);
  ExpectNoOutput();
  const LogEntry* e = FailureEntry();
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->message_id, message_id::kIntegrityFailure);
  EXPECT_EQ(Field(*e, "SE_ATTEST_ITEM"), root_image_);
}

// A root partition that failed ends the wait for a cidata device that is not there: the boot
// stops on the root's failure at once, not --wait seconds later.
TEST_F(AgentFlowTest, RootFailureEndsTheWaitForCidata) {
  devices_.Remove("LABEL=cidata");
  FlipRootImageBit(5);
  options_.wait_seconds = 30;
  EXPECT_EQ(Run(), kExitIntegrity);
  const LogEntry* e = FailureEntry();
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(Field(*e, "SE_ATTEST_ITEM"), root_image_);
  // Waiting the whole 30 s would be 120 lookups.
  EXPECT_LT(devices_.lookups("LABEL=cidata"), 40);
}

// Without a root failure the wait goes on, and its end is named.
TEST_F(AgentFlowTest, MissingCidataIsWaitedForThenExit3) {
  devices_.Remove("LABEL=cidata");
  options_.wait_seconds = 1;
  EXPECT_EQ(Run(), kExitContract);
  const LogEntry* e = FailureEntry();
  ASSERT_NE(e, nullptr);
  EXPECT_NE(e->message.find("(waited 1 s)"), std::string::npos) << e->message;
  EXPECT_GE(devices_.lookups("LABEL=cidata"), 4);
}

// And a modified root.tar.gz comes before an invalid contract.
TEST_F(AgentFlowTest, RootTarballFailureWinsOverContractFailure) {
  config_.root_tarball_sha256 = Sha256Of(tarball_ + "x");
  WriteConfig();
  WriteText(cidata_ + "/user-data", "not: [a contract");
  EXPECT_EQ(Run(), kExitIntegrity);
  ExpectNoOutput();
  const LogEntry* e = FailureEntry();
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(Field(*e, "SE_ATTEST_ITEM"), "root.tar.gz");
}

TEST_F(AgentFlowTest, MissingMetaDataExit3) {
  ASSERT_EQ(unlink((cidata_ + "/meta-data").c_str()), 0);
  EXPECT_EQ(Run(), kExitContract);
  ExpectNoOutput();
}

// An empty meta-data is measured like any other (cloud-init's NoCloud accepts one: `touch
// meta-data` is its documented minimum); only a missing one is refused. An empty user-data is no
// contract (InvalidContractsExit3).
TEST_F(AgentFlowTest, EmptyMetaDataIsMeasured) {
  meta_data_.clear();
  WriteText(cidata_ + "/meta-data", meta_data_);
  ASSERT_EQ(Run(), kExitOk);
  EXPECT_EQ(ReadText(out_ + "/se-checksums.txt"), ExpectedRecord(true));
  EXPECT_EQ(ReadText(out_ + "/cidata/meta-data"), "");
}

TEST_F(AgentFlowTest, EmptyUserDataExit3) {
  SetUserData("");
  EXPECT_EQ(Run(), kExitContract);
  ExpectNoOutput();
}

TEST_F(AgentFlowTest, UserDataSymlinkExit3) {
  WriteText(tmp_.Sub("elsewhere-user-data"), user_data_);
  ASSERT_EQ(unlink((cidata_ + "/user-data").c_str()), 0);
  ASSERT_EQ(symlink(tmp_.Sub("elsewhere-user-data").c_str(), (cidata_ + "/user-data").c_str()), 0);
  EXPECT_EQ(Run(), kExitContract);
  ExpectNoOutput();
}

TEST_F(AgentFlowTest, CidataDeviceNotFoundExit3) {
  config_.cidata_device = *ParseDeviceSpec("LABEL=CIDATA2");
  WriteConfig();
  EXPECT_EQ(Run(), kExitContract);
  ExpectNoOutput();
}

TEST_F(AgentFlowTest, MissingAttestationKeyExit1) {
  ASSERT_EQ(unlink((config_dir_ + "/attestation.key").c_str()), 0);
  EXPECT_EQ(Run(), kExitUsage);
  ExpectNoOutput();
  const LogEntry* e = FailureEntry();
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->message_id, message_id::kUsageError);
  EXPECT_EQ(Field(*e, "SE_ATTEST_ITEM"), config_dir_ + "/attestation.key");
}

TEST_F(AgentFlowTest, UnreadableAttestationKeyExit1) {
  // A folder where the key should be: unreadable as a file whoever runs the test (root included).
  ASSERT_EQ(unlink((config_dir_ + "/attestation.key").c_str()), 0);
  ASSERT_EQ(mkdir((config_dir_ + "/attestation.key").c_str(), 0700), 0);
  EXPECT_EQ(Run(), kExitUsage);
  ExpectNoOutput();
}

TEST_F(AgentFlowTest, AttestationKeyNotAKeyExit1) {
  WriteText(config_dir_ + "/attestation.key", Fixture("keys/attestation.crt"));
  EXPECT_EQ(Run(), kExitUsage);
  ExpectNoOutput();
}

TEST_F(AgentFlowTest, AttestationKeyRsa2048Exit1) {
  WriteText(config_dir_ + "/attestation.key", Fixture("keys/rsa2048.key"));
  EXPECT_EQ(Run(), kExitUsage);
  ExpectNoOutput();
  const LogEntry* e = FailureEntry();
  ASSERT_NE(e, nullptr);
  EXPECT_NE(e->message.find("RSA-2048"), std::string::npos) << e->message;
}

TEST_F(AgentFlowTest, MissingContractKeyExit1) {
  ASSERT_EQ(unlink((config_dir_ + "/contract.key").c_str()), 0);
  EXPECT_EQ(Run(), kExitUsage);
  ExpectNoOutput();
}

// The root partition is looked up and read while the keys load (a thread of its own), but the
// boot's order of failures stays: a key's comes first, and it ends the root's wait for a device
// that is not there yet (and its read) instead of waiting --wait seconds for it.
TEST_F(AgentFlowTest, KeyFailureComesBeforeAMissingRootAndEndsItsWait) {
  ASSERT_EQ(unlink((config_dir_ + "/attestation.key").c_str()), 0);
  devices_.Remove("PARTLABEL=root");
  options_.wait_seconds = 30;
  EXPECT_EQ(Run(), kExitUsage);
  ExpectNoOutput();
  const LogEntry* e = FailureEntry();
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(Field(*e, "SE_ATTEST_ITEM"), config_dir_ + "/attestation.key");
  // Waiting the whole 30 s would be 120 lookups.
  EXPECT_LT(devices_.lookups("PARTLABEL=root"), 40);
}

// Bytes this process has read so far (/proc/self/io rchar: every read and pread of all its
// threads).
std::uint64_t BytesReadByThisProcess() {
  std::ifstream io("/proc/self/io");
  std::string key;
  std::uint64_t value = 0;
  while (io >> key >> value) {
    if (key == "rchar:") return value;
  }
  return 0;
}

// And it stops the root's read (HashOptions::cancel): a 512 MiB partition is not read to its end.
TEST_F(AgentFlowTest, KeyFailureStopsTheRootsRead) {
  const std::string big = tmp_.Sub("big-root.img");
  constexpr std::uint64_t kSize = 512ull << 20;
  WriteText(big, "");
  ASSERT_EQ(truncate(big.c_str(), static_cast<off_t>(kSize)), 0);  // sparse: read as zeros
  devices_.Add("PARTLABEL=root", big, "ext4");
  config_.root_size = kSize;
  WriteConfig();
  ASSERT_EQ(unlink((config_dir_ + "/attestation.key").c_str()), 0);
  const std::uint64_t before = BytesReadByThisProcess();
  if (before == 0) GTEST_SKIP() << "no /proc/self/io here";
  EXPECT_EQ(Run(), kExitUsage);
  ExpectNoOutput();
  EXPECT_LT(BytesReadByThisProcess() - before, kSize / 2);
  // The key's failure, with the root looked up (its read begun, or about to be) meanwhile.
  const LogEntry* e = FailureEntry();
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(Field(*e, "SE_ATTEST_ITEM"), config_dir_ + "/attestation.key");
  EXPECT_EQ(devices_.lookups("PARTLABEL=root"), 1);
}

TEST_F(AgentFlowTest, KeyFailureComesBeforeAModifiedRoot) {
  FlipRootImageBit(3);
  WriteText(config_dir_ + "/contract.key", Fixture("keys/attestation.crt"));
  EXPECT_EQ(Run(), kExitUsage);
  ExpectNoOutput();
  const LogEntry* e = FailureEntry();
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(Field(*e, "SE_ATTEST_ITEM"), config_dir_ + "/contract.key");
}

// The Secure Execution check is made before the root's lookup starts; its failure is reported
// after the keys' and the machine's.
TEST_F(AgentFlowTest, SecureExecutionFailureComesBeforeAMissingRoot) {
  config_.require_secure_execution = true;
  config_.root_tarball_copy = tmp_.Sub("initrd/run/se-attest/root.tar.gz");
  WriteConfig();
  options_.prot_virt_guest_path = tmp_.Sub("prot_virt_guest");  // absent: no ultravisor
  devices_.Remove("PARTLABEL=root");
  options_.wait_seconds = 30;
  EXPECT_EQ(Run(), kExitUsage);
  ExpectNoOutput();
  const LogEntry* e = FailureEntry();
  ASSERT_NE(e, nullptr);
  EXPECT_NE(e->message.find("Secure Execution required"), std::string::npos) << e->message;
  // Outside Secure Execution no device is looked at, and no copy of root.tar.gz begun (not even
  // its folder made).
  EXPECT_EQ(devices_.lookups("PARTLABEL=root"), 0);
  EXPECT_EQ(devices_.lookups("LABEL=cidata"), 0);
  EXPECT_FALSE(Exists(tmp_.Sub("initrd/run/se-attest")));
}

// Nothing else to do once the keys and the machine are checked: the root's own lookup failure.
TEST_F(AgentFlowTest, MissingRootIsWaitedForThenExit2) {
  devices_.Remove("PARTLABEL=root");
  options_.wait_seconds = 1;
  EXPECT_EQ(Run(), kExitIntegrity);
  ExpectNoOutput();
  const LogEntry* e = FailureEntry();
  ASSERT_NE(e, nullptr);
  EXPECT_NE(e->message.find("(waited 1 s)"), std::string::npos) << e->message;
  EXPECT_EQ(Field(*e, "SE_ATTEST_ITEM"), "PARTLABEL=root");
  EXPECT_GE(devices_.lookups("PARTLABEL=root"), 4);
  // cidata is not looked for: the boot ends on the root partition.
  EXPECT_EQ(devices_.lookups("LABEL=cidata"), 0);
}

TEST_F(AgentFlowTest, ConfigMissingExit1) {
  options_.config_path = tmp_.Sub("nowhere/agent.yaml");
  EXPECT_EQ(Run(), kExitUsage);
  ExpectNoOutput();
  const LogEntry* e = FailureEntry();
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->message_id, message_id::kUsageError);
  EXPECT_EQ(Field(*e, "SE_ATTEST_EXIT"), "1");
}

TEST_F(AgentFlowTest, ConfigInvalidExit1) {
  WriteText(config_dir_ + "/agent.yaml", Fixture("config/unknown-key.yaml"));
  EXPECT_EQ(Run(), kExitUsage);
  ExpectNoOutput();
}

TEST_F(AgentFlowTest, SysinfoMissingOrInvalidExit1) {
  options_.sysinfo_path = tmp_.Sub("no-sysinfo");
  EXPECT_EQ(Run(), kExitUsage);
  ExpectNoOutput();
  options_.sysinfo_path = sysinfo_;
  WriteText(sysinfo_, Fixture("sysinfo/missing-plant.txt"));
  EXPECT_EQ(Run(), kExitUsage);
  ExpectNoOutput();
}

TEST_F(AgentFlowTest, OutputFolderUnderARegularFileExit4NoRecord) {
  WriteText(tmp_.Sub("regular-file"), "x");
  options_.output_dir = tmp_.Sub("regular-file/hyperprotect");
  EXPECT_EQ(Run(), kExitOutput);
  const LogEntry* e = FailureEntry();
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->message_id, message_id::kOutputFailure);
  EXPECT_EQ(Field(*e, "SE_ATTEST_EXIT"), "4");
  EXPECT_EQ(ReadText(tmp_.Sub("regular-file")), "x");
  ExpectNoOutput();
}

TEST_F(AgentFlowTest, OutputFileBlockedExit4NothingOfThisRunLeft) {
  // se-version cannot be written (a folder has its name): the run must leave no record and none
  // of the files it wrote before.
  ASSERT_TRUE(std::filesystem::create_directories(out_ + "/se-version"));
  EXPECT_EQ(Run(), kExitOutput);
  EXPECT_TRUE(FilesUnder(out_).empty()) << *FilesUnder(out_).begin();
}

// --- envWorkloadSignature ---

// A contract with workload and env as tokens for the contract key, env naming `signing_key_pem`
// as signingKey, and envWorkloadSignature made with `signer` (none when null).
struct SignedContract {
  std::string workload_token;
  std::string env_token;
  std::string signature;
  std::string Text() const {
    std::string text = "workload: " + workload_token + "\nenv: " + env_token + "\n";
    if (!signature.empty()) text += "envWorkloadSignature: " + signature + "\n";
    return text;
  }
};

SignedContract MakeSignedContract(const std::string& signing_key_pem, EVP_PKEY* signer) {
  EvpPkeyPtr contract_key = test::TestPublicKey("contract.crt");
  std::string env = "type: env\nsigningKey: |\n";
  for (std::size_t pos = 0; pos < signing_key_pem.size();) {
    const std::size_t end = signing_key_pem.find('\n', pos);
    env += "  " + signing_key_pem.substr(pos, end - pos) + "\n";
    pos = end + 1;
  }
  SignedContract c;
  c.workload_token = *EncryptToken(contract_key.get(), Fixture("contract/workload.plain"), TokenPrefix::kHyperProtectBasic);
  c.env_token = *EncryptToken(contract_key.get(), env, TokenPrefix::kHyperProtectBasic);
  if (signer != nullptr) c.signature = *SignEnvWorkload(signer, c.workload_token, c.env_token);
  return c;
}

TEST_F(AgentFlowTest, ValidEnvWorkloadSignatureWritesTheRecord) {
  EvpPkeyPtr signer = test::TestPrivateKey("rsa2048.key");
  SetUserData(MakeSignedContract(Fixture("keys/rsa2048.pub"), signer.get()).Text());
  ASSERT_EQ(Run(), kExitOk) << (FailureEntry() ? FailureEntry()->message : "");
  EXPECT_EQ(ReadText(out_ + "/se-checksums.txt"), ExpectedRecord(true));
  // The journal says which key the signature was checked with.
  EvpPkeyPtr public_key = test::TestPublicKey("rsa2048.pub");
  const std::string fingerprint = ToHex(*PublicKeyFingerprint(public_key.get()));
  bool logged = false;
  for (const LogEntry& e : log_.entries) {
    if (Field(e, "SE_ATTEST_ITEM") == "envWorkloadSignature") {
      logged = true;
      EXPECT_EQ(Field(e, "SE_ATTEST_ACTUAL"), fingerprint);
      EXPECT_NE(e.message.find("verified"), std::string::npos) << e.message;
    }
  }
  EXPECT_TRUE(logged);
  YAML::Node decrypted = YAML::Load(ReadText(out_ + "/user-data.decrypted"));
  EXPECT_EQ(decrypted["envWorkloadSignature"].Scalar(), YAML::Load(user_data_)["envWorkloadSignature"].Scalar());
}

// The contract fixture made with the openssl command line (tokens and signature).
TEST_F(AgentFlowTest, OpensslMadeEnvWorkloadSignatureIsAccepted) {
  SetUserData(Fixture("contract/tokens.yaml"));
  ASSERT_EQ(Run(), kExitOk) << (FailureEntry() ? FailureEntry()->message : "");
}

class AgentFlowBadSignatureTest : public AgentFlowTest {
 protected:
  void ExpectInvalidContract(const std::string& user_data, const std::string& says) {
    SetUserData(user_data);
    log_.entries.clear();
    EXPECT_EQ(Run(), kExitContract);
    ExpectNoOutput();
    const LogEntry* e = FailureEntry();
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->message_id, message_id::kInvalidContract);
    EXPECT_EQ(Field(*e, "SE_ATTEST_EXIT"), "3");
    EXPECT_NE(e->message.find(says), std::string::npos) << e->message;
  }
};

TEST_F(AgentFlowBadSignatureTest, OneChangedCharacterExit3NoRecord) {
  EvpPkeyPtr signer = test::TestPrivateKey("rsa2048.key");
  SignedContract c = MakeSignedContract(Fixture("keys/rsa2048.pub"), signer.get());
  c.signature[10] = c.signature[10] == 'A' ? 'B' : 'A';
  ExpectInvalidContract(c.Text(), "contract cidata/user-data: envWorkloadSignature: does not verify");
  EXPECT_EQ(Field(*FailureEntry(), "SE_ATTEST_ITEM"), "envWorkloadSignature");
}

TEST_F(AgentFlowBadSignatureTest, SignedByAnotherKeyExit3) {
  EvpPkeyPtr other = test::TestPrivateKey("contract.key");
  ExpectInvalidContract(MakeSignedContract(Fixture("keys/rsa2048.pub"), other.get()).Text(),
                        "envWorkloadSignature: does not verify");
}

// Anyone can encrypt a section for the contract certificate; a replaced env no longer matches.
TEST_F(AgentFlowBadSignatureTest, ReplacedEnvTokenExit3) {
  EvpPkeyPtr signer = test::TestPrivateKey("rsa2048.key");
  SignedContract c = MakeSignedContract(Fixture("keys/rsa2048.pub"), signer.get());
  c.env_token = MakeSignedContract(Fixture("keys/rsa2048.pub"), nullptr).env_token;  // same plaintext, new token
  ExpectInvalidContract(c.Text(), "envWorkloadSignature: does not verify");
}

TEST_F(AgentFlowBadSignatureTest, SigningKeyThatIsNotRsaOrTooShortExit3) {
  EvpPkeyPtr signer = test::TestPrivateKey("rsa2048.key");
  ExpectInvalidContract(MakeSignedContract(Fixture("keys/ec-p256.pub"), signer.get()).Text(),
                        "env.signingKey: not an RSA key");
}

TEST_F(AgentFlowBadSignatureTest, SigningKeyWithoutSignatureExit3) {
  ExpectInvalidContract(MakeSignedContract(Fixture("keys/rsa2048.pub"), nullptr).Text(),
                        "env.signingKey is set but envWorkloadSignature is missing");
}

TEST_F(AgentFlowBadSignatureTest, SignatureOverPlainSectionsExit3) {
  ExpectInvalidContract(Fixture("contract/plain.yaml") + "envWorkloadSignature: c2lnbmF0dXJl\n",
                        "envWorkloadSignature: workload and env must both be tokens");
}

// --- contract signing keys sealed into the image (seal --contract-signing-key) ---

class AgentFlowPinnedSigningKeyTest : public AgentFlowBadSignatureTest {
 protected:
  void SetUp() override {
    AgentFlowBadSignatureTest::SetUp();
    EvpPkeyPtr pinned = test::TestPublicKey("rsa2048.pub");
    pinned_ = ToHex(*PublicKeyFingerprint(pinned.get()));
    config_.contract_signing_keys_sha256 = {*ParseSha256Hex(pinned_)};
    WriteConfig();
  }
  std::string pinned_;
};

TEST_F(AgentFlowPinnedSigningKeyTest, ContractSignedWithThePinnedKeyWritesTheRecord) {
  EvpPkeyPtr signer = test::TestPrivateKey("rsa2048.key");
  SetUserData(MakeSignedContract(Fixture("keys/rsa2048.pub"), signer.get()).Text());
  ASSERT_EQ(Run(), kExitOk) << (FailureEntry() ? FailureEntry()->message : "");
  EXPECT_EQ(ReadText(out_ + "/se-checksums.txt"), ExpectedRecord(true));
  bool logged = false;
  for (const LogEntry& e : log_.entries) {
    if (Field(e, "SE_ATTEST_ITEM") != "envWorkloadSignature") continue;
    logged = true;
    EXPECT_EQ(Field(e, "SE_ATTEST_ACTUAL"), pinned_);
    EXPECT_EQ(Field(e, "SE_ATTEST_EXPECTED"), pinned_);
    EXPECT_NE(e.message.find("sealed into the image"), std::string::npos) << e.message;
  }
  EXPECT_TRUE(logged);
  // One of several pinned keys will do.
  EvpPkeyPtr other = test::TestPublicKey("contract.pub");
  config_.contract_signing_keys_sha256.insert(config_.contract_signing_keys_sha256.begin(),
                                              *PublicKeyFingerprint(other.get()));
  WriteConfig();
  log_.entries.clear();
  ASSERT_EQ(Run(), kExitOk) << (FailureEntry() ? FailureEntry()->message : "");
}

// A host that pairs the owner's workload with an env of its own, signingKey and signature its own
// too: the signature verifies, but with a key the image was not sealed with.
TEST_F(AgentFlowPinnedSigningKeyTest, ContractSignedWithAnotherKeyExit3NoRecord) {
  EvpPkeyPtr host_key = test::TestPrivateKey("contract.key");
  EvpPkeyPtr host_public = test::TestPublicKey("contract.pub");
  const std::string found = ToHex(*PublicKeyFingerprint(host_public.get()));
  ExpectInvalidContract(MakeSignedContract(Fixture("keys/contract.pub"), host_key.get()).Text(),
                        "envWorkloadSignature is made with env.signingKey " + found +
                            ", but this image accepts only contracts signed with the key " + pinned_);
  const LogEntry* e = FailureEntry();
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(Field(*e, "SE_ATTEST_ITEM"), "envWorkloadSignature");
  EXPECT_EQ(Field(*e, "SE_ATTEST_EXPECTED"), pinned_);
  EXPECT_EQ(Field(*e, "SE_ATTEST_ACTUAL"), found);
}

TEST_F(AgentFlowPinnedSigningKeyTest, UnsignedContractExit3NoRecord) {
  EvpPkeyPtr other = test::TestPublicKey("contract.pub");
  const std::string other_hex = ToHex(*PublicKeyFingerprint(other.get()));
  config_.contract_signing_keys_sha256.push_back(*PublicKeyFingerprint(other.get()));
  WriteConfig();
  for (const std::string& contract : {Fixture("contract/plain.yaml"), Fixture("contract/pem.yaml")}) {
    ExpectInvalidContract(contract, "contract cidata/user-data: no envWorkloadSignature, but this image accepts only "
                                    "contracts signed with one of the keys " + pinned_ + "," + other_hex);
    const LogEntry* e = FailureEntry();
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(Field(*e, "SE_ATTEST_ITEM"), "envWorkloadSignature");
    EXPECT_EQ(Field(*e, "SE_ATTEST_EXPECTED"), pinned_ + "," + other_hex);
    EXPECT_EQ(Field(*e, "SE_ATTEST_ACTUAL"), "none");
  }
}

// A signature that does not verify is named as such, pinned key or not.
TEST_F(AgentFlowPinnedSigningKeyTest, BadSignatureWithThePinnedKeyExit3) {
  EvpPkeyPtr signer = test::TestPrivateKey("rsa2048.key");
  SignedContract c = MakeSignedContract(Fixture("keys/rsa2048.pub"), signer.get());
  c.signature[10] = c.signature[10] == 'A' ? 'B' : 'A';
  ExpectInvalidContract(c.Text(), "envWorkloadSignature: does not verify");
}

// --- development and production records ---

TEST_F(AgentFlowTest, DevelopmentImageRecordSaysSoAfterTheMachineLine) {
  ASSERT_FALSE(config_.require_secure_execution);
  ASSERT_EQ(Run(), kExitOk) << (FailureEntry() ? FailureEntry()->message : "");
  const std::string record = ReadText(out_ + "/se-checksums.txt");
  const std::string head = std::string(kVersion) + "\nMachine Type/Plant/Serial: 3932/02/860A8\n" +
                           std::string(kDevelopmentHeaderLine) + "\n" + std::string(kBaseimage) + " baseimage\n";
  EXPECT_EQ(record.rfind(head, 0), 0u) << record;
  // Covered by the signature like every line.
  EXPECT_TRUE(VerifiesWithAttestationCert(record, ReadText(out_ + "/se-signature.bin")));
}

TEST_F(AgentFlowTest, SealedForProductionRefusesToRunOutsideSecureExecution) {
  config_.require_secure_execution = true;
  WriteConfig();
  options_.prot_virt_guest_path = tmp_.Sub("prot_virt_guest");  // absent: no ultravisor
  EXPECT_EQ(Run(), kExitUsage);
  const LogEntry* e = FailureEntry();
  ASSERT_NE(e, nullptr);
  EXPECT_NE(e->message.find("Secure Execution required"), std::string::npos) << e->message;
  ExpectNoOutput();

  WriteText(options_.prot_virt_guest_path, "0\n");
  log_.entries.clear();
  EXPECT_EQ(Run(), kExitUsage);
  ExpectNoOutput();

  WriteText(options_.prot_virt_guest_path, "1\n");  // what the ultravisor says in a protected guest
  log_.entries.clear();
  EXPECT_EQ(Run(), 0);
  EXPECT_TRUE(Exists(out_ + "/se-signature.bin"));
  // A production record has no development header line.
  const std::string record = ReadText(out_ + "/se-checksums.txt");
  EXPECT_EQ(record, ExpectedRecord(true));
  EXPECT_EQ(record.find(kDevelopmentHeaderLine), std::string::npos) << record;
}

// --- the cidata filesystem type: decided by the image, not by the probe ---

TEST_F(AgentFlowTest, CidataOfATypeCloudInitDoesNotReadIsAnInvalidContractAndIsNotMounted) {
  devices_.Add("LABEL=cidata", cidata_image_, "squashfs");
  EXPECT_EQ(Run(), kExitContract);
  const LogEntry* e = FailureEntry();
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->message, "cidata device: " + cidata_image_ +
                            ": filesystem type 'squashfs' is not one cidata is delivered on (iso9660, vfat, ext4)");
  EXPECT_EQ(Field(*e, "SE_ATTEST_ITEM"), cidata_image_);
  ExpectNoOutput();
  for (const FakeMounter::Call& c : mounter_.calls()) EXPECT_NE(c.device, cidata_image_) << "mounted all the same";
}

TEST_F(AgentFlowTest, Ext4CidataOnlyInADevelopmentImage) {
  devices_.Add("LABEL=cidata", cidata_image_, "ext4");
  ASSERT_EQ(Run(), kExitOk) << (FailureEntry() ? FailureEntry()->message : "");
  ASSERT_FALSE(mounter_.calls().empty());
  EXPECT_EQ(mounter_.calls().front().fs_type, "ext4");

  config_.require_secure_execution = true;  // sealed for production, in a protected guest
  WriteConfig();
  options_.prot_virt_guest_path = tmp_.Sub("prot_virt_guest");
  WriteText(options_.prot_virt_guest_path, "1\n");
  log_.entries.clear();
  EXPECT_EQ(Run(), kExitContract);
  const LogEntry* e = FailureEntry();
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->message, "cidata device: " + cidata_image_ +
                            ": filesystem type 'ext4' is not one cidata is delivered on (iso9660, vfat; ext4 only in "
                            "an image sealed with --development)");
  ExpectNoOutput();

  devices_.Add("LABEL=cidata", cidata_image_, "vfat");  // what cloud-init reads
  log_.entries.clear();
  EXPECT_EQ(Run(), kExitOk);
}

// --- hpcr-2026 (core/record_profile.h) ---------------------------------------------------------

// The same image sealed with the hpcr-2026 profile: the two certificates beside their keys, a
// build time, and an SBOM in the root partition beside root.tar.gz.
class AgentFlow2026Test : public AgentFlowTest {
 protected:
  static constexpr std::int64_t kBuildTime = 1764547200;  // 2025-12-01T00:00:00Z
  // The fixture certificates' notAfter (`openssl x509 -enddate`): Oct 30 09:03:36 2126 GMT and
  // Oct 30 09:03:33 2126 GMT.
  static constexpr const char* kEncryptionUntil = "Oct 30 09:03:36 2126";
  static constexpr const char* kAttestationUntil = "Oct 30 09:03:33 2126";

  void SetUp() override {
    AgentFlowTest::SetUp();
    sbom_ = "{\"spdxVersion\": \"SPDX-2.3\", \"name\": \"se-attest test image\"}\n";
    std::string image = ReadText(root_image_);
    image.replace(65536, sbom_.size(), sbom_);
    WriteText(root_image_, image);
    config_.root_hash = RootHash(image);
    config_.root_sbom = "/boot/sbom.spdx.json";
    config_.root_sbom_sha256 = Sha256Of(sbom_);
    config_.root_sbom_size = sbom_.size();
    config_.root_sbom_extents = {{65536, sbom_.size()}};
    config_.record_profile = RecordProfile::kHpcr2026;
    config_.build_time = kBuildTime;
    config_.attestation_cert = "attestation.crt";
    config_.contract_cert = "contract.crt";
    WriteText(config_dir_ + "/attestation.crt", Fixture("keys/attestation.crt"));
    WriteText(config_dir_ + "/contract.crt", Fixture("keys/contract.crt"));
    WriteConfig();
    options_.now = kBuildTime + std::int64_t{10} * 86400 + 3600;  // ten days and an hour after the build
  }

  // certificate_expiry_date.json for the fixture certificates, from `openssl x509` facts.
  static std::string ExpectedExpiryJson() {
    return "{\n"
           "  \"encryption_certificate\": {\n"
           "    \"subject\": \"CN=se-attest test contract key,O=se-attest tests\",\n"
           "    \"sha256_fingerprint\": \"0106daced21223b409c86b94c4533761c6b5c255542a32488522f847f8d29898\",\n"
           "    \"not_after\": \"2126-10-30T09:03:36Z\"\n"
           "  },\n"
           "  \"attestation_certificate\": {\n"
           "    \"subject\": \"CN=se-attest test attestation key,O=se-attest tests\",\n"
           "    \"sha256_fingerprint\": \"30059d7eca88c7c492adcedcc52d2ea804b86db899cc3774fa0b95c529655569\",\n"
           "    \"not_after\": \"2126-10-30T09:03:33Z\"\n"
           "  }\n"
           "}\n";
  }

  std::string ExpectedHeader(int age_days) const {
    return std::string(kVersion) + "\nMachine Type/Plant/Serial: 3932/02/860A8\n" + std::string(kDevelopmentHeaderLine) +
           "\nImage age: " + std::to_string(age_days) + " days since creation.\n" +
           "Encryption Certificate valid until: " + kEncryptionUntil + " UTC\n" +
           "Attestation Certificate valid until: " + kAttestationUntil + " UTC\n";
  }

  std::string sbom_;
};

TEST_F(AgentFlow2026Test, WritesTheRecordInTodaysLayoutAndTheNewFiles) {
  ASSERT_EQ(Run(), kExitOk) << (FailureEntry() ? FailureEntry()->message : "");
  EXPECT_EQ(FilesUnder(out_),
            (std::set<std::string>{"se-checksums.txt", "se-signature.bin", "se-version", "se-commit-id",
                                   "cidata/meta-data", "cidata/user-data", "cidata/vendor-data",
                                   "user-data.decrypted", "certificate_expiry_date.json", "sbom", "README"}));
  EXPECT_EQ(ReadText(out_ + "/certificate_expiry_date.json"), ExpectedExpiryJson());
  EXPECT_EQ(ReadText(out_ + "/sbom"), sbom_);
  // plain.yaml: env and workload as plain YAML: their own lines of user-data.decrypted.
  auto sections = MeasureContractSections(ReadText(out_ + "/user-data.decrypted"));
  ASSERT_TRUE(sections.ok()) << sections.error().message;
  ASSERT_EQ(sections->size(), 2u);
  const std::string record = ReadText(out_ + "/se-checksums.txt");
  EXPECT_EQ(record, ExpectedHeader(10) + Hex(ExpectedExpiryJson()) + " certificate_expiry_date.json\n" + Hex(tarball_) +
                        " root.tar.gz\n" + std::string(kBaseimage) + " baseimage\n" + Hex(sbom_) + " sbom\n" +
                        Hex(ReadText(cidata_image_)) + " /dev/disk/by-label/cidata\n" + Hex(meta_data_) +
                        " cidata/meta-data\n" + Hex(user_data_) + " cidata/user-data\n" + Hex(vendor_data_) +
                        " cidata/vendor-data\n" + Hex((*sections)[0].text) + " contract:workload\n" +
                        Hex((*sections)[1].text) + " contract:env\n");
  EXPECT_EQ((*sections)[0].text.rfind("workload:\n", 0), 0u);
  EXPECT_TRUE(VerifiesWithAttestationCert(record, ReadText(out_ + "/se-signature.bin")));
  EXPECT_EQ(ReadText(out_ + "/README"), OutputReadme(false, {.certificate_expiry = true, .sbom = true}));
  for (const std::string& name : FilesUnder(out_)) {
    EXPECT_EQ(ModeOf(out_ + "/" + name), name == "README" ? 0444 : 0400) << name;
  }
}

// The section's own lines of the user-data.decrypted in the folder, cut by hand: from the line
// that starts with "<key>:" to the next line at column 0.
std::string SectionLines(const std::string& decrypted, const std::string& key) {
  const std::size_t start = decrypted.rfind(key + ":", 0) == 0 ? 0 : decrypted.find("\n" + key + ":") + 1;
  std::size_t end = start;
  do {
    end = decrypted.find('\n', end) + 1;
  } while (end < decrypted.size() && decrypted[end] == ' ');
  return decrypted.substr(start, end - start);
}

TEST_F(AgentFlow2026Test, ContractLinesAreTheSha256OfTheirSectionsLines) {
  SetUserData(Fixture("contract/tokens.yaml"));
  ASSERT_EQ(Run(), kExitOk) << (FailureEntry() ? FailureEntry()->message : "");
  EXPECT_FALSE(std::filesystem::exists(out_ + "/se-checksums.txt"));
  auto key = PrivateKeyFromPem(Fixture("keys/rsa2048.key"), "rsa2048.key");
  ASSERT_TRUE(key.ok());
  auto record = DecryptToken(key->get(), ReadText(out_ + "/se-checksums.txt.enc"));
  ASSERT_TRUE(record.ok()) << record.error().message;
  const std::string text(record->view());
  const std::string decrypted = ReadText(out_ + "/user-data.decrypted");
  const std::string workload = SectionLines(decrypted, "workload");
  // The plaintext the author encrypted is in its section, as a literal block.
  EXPECT_EQ(workload.rfind("workload: |\n", 0), 0u) << workload;
  EXPECT_EQ(YAML::Load(workload)["workload"].Scalar(), Fixture("contract/workload.plain"));
  const std::string expected_tail = Hex(workload) + " contract:workload\n" + Hex(SectionLines(decrypted, "env")) +
                                    " contract:env\n" + Hex(SectionLines(decrypted, "envWorkloadSignature")) +
                                    " contract:envWorkloadSignature\n" + Hex(Fixture("keys/rsa2048.pub")) +
                                    " contract:attestationPublicKey\n";
  ASSERT_GE(text.size(), expected_tail.size());
  EXPECT_EQ(text.substr(text.size() - expected_tail.size()), expected_tail);
  EXPECT_EQ(text.find(" attestationPublicKey\n"), std::string::npos);  // hpcr-2023's line is gone
  EXPECT_EQ(ReadText(out_ + "/attestationPublicKey"), Fixture("keys/rsa2048.pub"));
  EXPECT_TRUE(VerifiesWithAttestationCert(text, ReadText(out_ + "/se-signature.bin")));
}

TEST_F(AgentFlow2026Test, NoSbomNoLineAndNoFile) {
  config_.root_sbom.clear();
  config_.root_sbom_extents.clear();
  WriteConfig();
  ASSERT_EQ(Run(), kExitOk) << (FailureEntry() ? FailureEntry()->message : "");
  EXPECT_FALSE(std::filesystem::exists(out_ + "/sbom"));
  EXPECT_EQ(ReadText(out_ + "/se-checksums.txt").find(" sbom\n"), std::string::npos);
}

TEST_F(AgentFlow2026Test, AGuestClockBeforeTheBuildSaysZeroDays) {
  options_.now = kBuildTime - std::int64_t{400} * 86400;
  ASSERT_EQ(Run(), kExitOk) << (FailureEntry() ? FailureEntry()->message : "");
  EXPECT_EQ(ReadText(out_ + "/se-checksums.txt").rfind(ExpectedHeader(0), 0), 0u);
}

TEST_F(AgentFlow2026Test, SbomDiffersExit2NothingWritten) {
  // The SBOM's digest in agent.yaml is not the one in the partition (which is as sealed).
  config_.root_sbom_sha256 = Sha256Of(std::string("another sbom"));
  WriteConfig();
  EXPECT_EQ(Run(), kExitIntegrity);
  ExpectNoOutput();
  const LogEntry* failure = FailureEntry();
  ASSERT_NE(failure, nullptr);
  EXPECT_EQ(failure->message_id, message_id::kIntegrityFailure);
  EXPECT_EQ(Field(*failure, "SE_ATTEST_ITEM"), "sbom");
  EXPECT_EQ(Field(*failure, "SE_ATTEST_ACTUAL"), Hex(sbom_));
}

TEST_F(AgentFlow2026Test, CertificateOfAnotherKeyExit1NoRecord) {
  WriteText(config_dir_ + "/contract.crt", Fixture("keys/attestation.crt"));
  EXPECT_EQ(Run(), kExitUsage);
  ExpectNoOutput();
  const LogEntry* failure = FailureEntry();
  ASSERT_NE(failure, nullptr);
  EXPECT_NE(failure->message.find("certifies another key"), std::string::npos) << failure->message;
  EXPECT_EQ(Field(*failure, "SE_ATTEST_ITEM"), config_dir_ + "/contract.crt");
}

TEST_F(AgentFlow2026Test, MissingOrUnreadableCertificateExit1NoRecord) {
  ASSERT_EQ(std::remove((config_dir_ + "/attestation.crt").c_str()), 0);
  EXPECT_EQ(Run(), kExitUsage);
  ExpectNoOutput();
  WriteText(config_dir_ + "/attestation.crt", "not a certificate\n");
  log_.entries.clear();
  EXPECT_EQ(Run(), kExitUsage);
  ExpectNoOutput();
}

}  // namespace
}  // namespace seattest
