// se-attest-root's steps (boot/real_root.h) over a fake SystemTools and fake devices: what runs in
// which order, where the key goes (a tool's stdin, never its arguments), and which failure each
// step ends in. The real tools run under QEMU (qemu-s390x/scenario.sh enc-*) and, as far as this
// host allows (no device-mapper), in tests/e2e/root-disk-e2e.sh.
#include "boot/real_root.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "boot/failure.h"
#include "core/limits_and_defaults.h"
#include "test_support.h"

namespace seattest {
namespace {

using test::TempDir;

struct Call {
  std::vector<std::string> argv;
  std::string stdin_bytes;  // what the tool got on stdin (a copy, for the test only)
};

class FakeTools final : public SystemTools {
 public:
  Result<ProgramResult> Run(const ProgramCall& call) override {
    calls.push_back({call.argv, call.stdin_secret ? std::string(call.stdin_secret->view()) : std::string()});
    ProgramResult r;
    const std::string name = call.argv[0] + (call.argv.size() > 1 ? " " + call.argv[1] : "");
    if (auto it = exit_codes.find(name); it != exit_codes.end()) {
      r.exit_code = it->second;
      r.err = "Cannot do " + name + ".\nsecond line\n";
    }
    if (name == "cryptsetup status") r.out = status;
    if (call.count_stdout) r.stdout_bytes = unpacked_bytes;
    return r;
  }
  Result<SecretBytes> RandomKey(std::size_t size) override {
    if (fail_random) return MakeError("getrandom: Function not implemented");
    SecretBytes key(size);
    for (std::size_t i = 0; i < size; ++i) key.data()[i] = static_cast<std::uint8_t>(0xa0 + i);
    ++keys_made;
    return key;
  }
  Result<std::uint64_t> DeviceSize(const std::string& path) override {
    sized.insert(path);
    return disk_bytes;
  }
  Result<std::uint64_t> FreeBytes(const std::string&) override { return free_bytes; }
  Result<MountState> MountAt(const std::string&) override { return mounted; }
  Status Mount(const std::string& source, const std::string& dir, const std::string& fs_type,
               const std::string& options) override {
    mounts.push_back(source + " " + dir + " " + fs_type + " " + options);
    if (fail_mount) return MakeError("mount " + source + ": Invalid argument");
    mounted = fs_type == "tmpfs" ? MountState::kTmpfs : MountState::kOther;
    return {};
  }
  Status BindReadOnly(const std::string& from, const std::string& to) override {
    binds.push_back(from + " -> " + to);
    return {};
  }
  Status RemoveFile(const std::string& path) override {
    removed.push_back(path);
    return {};
  }

  // The tools that ran, "argv[0] argv[1]".
  std::vector<std::string> Ran() const {
    std::vector<std::string> out;
    for (const Call& c : calls) out.push_back(c.argv[0] + (c.argv.size() > 1 ? " " + c.argv[1] : ""));
    return out;
  }

  std::map<std::string, int> exit_codes;  // "cryptsetup open" -> its exit code
  std::uint64_t unpacked_bytes = 3u << 20;
  std::uint64_t disk_bytes = 64u << 20;
  std::uint64_t free_bytes = 40u << 20;
  MountState mounted = MountState::kNotMounted;
  bool fail_mount = false;
  bool fail_random = false;
  // What `cryptsetup status` says of the opened device (cryptsetup 2.6's layout).
  std::string status =
      "/dev/mapper/se-attest-rootfs is active.\n"
      "  type:    LUKS2\n"
      "  cipher:  aes-xts-plain64\n"
      "  keysize: 512 bits\n"
      "  key location: dm-crypt\n"
      "  device:  /dev/vda2\n"
      "  sector size:  4096\n"
      "  offset:  32768 sectors\n"
      "  size:    98304 sectors\n"
      "  mode:    read/write\n";
  int keys_made = 0;
  std::vector<Call> calls;
  std::vector<std::string> mounts, binds, removed;
  std::set<std::string> sized;
};

class FakeDevices final : public BlockDevices {
 public:
  Result<std::string> Resolve(const DeviceSpec& spec) override {
    if (ambiguous) return MakeError(spec.ToString() + ": more than one device: /dev/vda2 and /dev/vdb");
    auto it = devices.find(spec.ToString());
    if (it == devices.end()) return NotFoundError(MakeError("no device matches " + spec.ToString()));
    return it->second;
  }
  Result<std::string> FilesystemType(const std::string&) override { return MakeError("not probed here"); }
  std::map<std::string, std::string> devices{{"PARTLABEL=se-rootfs", "/dev/vda2"}};
  bool ambiguous = false;
};

class CapturingLogger final : public Logger {
 public:
  void Log(const LogEntry& entry) override { entries.push_back(entry); }
  void Progress(const std::string&, bool) override {}
  std::vector<LogEntry> entries;
};

std::string Field(const LogEntry& e, const std::string& name) {
  for (const auto& [k, v] : e.fields) {
    if (k == name) return v;
  }
  return "";
}

class RealRootTest : public ::testing::Test {
 protected:
  void SetUp() override { WriteConfig(true); }

  void WriteConfig(bool root_disk) {
    std::string text = test::Fixture("config/good.yaml");
    text += "root_disk: PARTLABEL=se-rootfs\n";
    if (!root_disk) text.erase(text.find("root_disk:"));
    // The kept copy and the record, as seal writes them (absolute paths).
    const std::string at = "  tarball_extents: 8192+5000\n";
    text.replace(text.find(at), at.size(), at + "  tarball_copy: /run/se-attest/root.tar.gz\n");
    test::WriteText(dir_.Sub("agent.yaml"), text);
  }

  int Run() {
    RealRootOptions options{dir_.Sub("agent.yaml"), 0};
    RealRootPlatform platform{devices_, tools_, log_};
    return MakeRealRoot(options, "/sysroot", platform);
  }

  // The one failure logged: its MESSAGE_ID.
  std::string FailureId() const {
    std::string id;
    for (const LogEntry& e : log_.entries) {
      if (e.priority == Priority::kErr) {
        EXPECT_TRUE(id.empty()) << "more than one failure";
        id = std::string(e.message_id);
        EXPECT_EQ(Field(e, "SE_ATTEST_EXIT"), "5");  // kExitRealRoot
      }
    }
    return id;
  }
  const LogEntry* Failure() const {
    for (const LogEntry& e : log_.entries) {
      if (e.priority == Priority::kErr) return &e;
    }
    return nullptr;
  }

  TempDir dir_;
  FakeTools tools_;
  FakeDevices devices_;
  CapturingLogger log_;
};

TEST_F(RealRootTest, EncryptedDiskInOrderKeyOnlyOnStdin) {
  ASSERT_EQ(Run(), kExitOk);
  EXPECT_EQ(tools_.Ran(), (std::vector<std::string>{"gzip -dc", "cryptsetup luksFormat", "modprobe dm_crypt",
                                                    "cryptsetup open", "cryptsetup status", "cryptsetup luksErase",
                                                    "mke2fs -t", "tar -xzf"}));
  EXPECT_EQ(tools_.keys_made, 1);
  // The same 64-byte passphrase to luksFormat and open, on stdin; no other tool gets anything
  // there, and no argument of any tool holds it.
  const std::string& key = tools_.calls[1].stdin_bytes;
  EXPECT_EQ(key.size(), kRootDiskPassphraseBytes);
  EXPECT_EQ(tools_.calls[3].stdin_bytes, key);
  for (std::size_t i = 0; i < tools_.calls.size(); ++i) {
    if (i != 1 && i != 3) {
      EXPECT_TRUE(tools_.calls[i].stdin_bytes.empty()) << tools_.Ran()[i];
    }
    for (const std::string& arg : tools_.calls[i].argv) {
      EXPECT_EQ(arg.find(key.substr(0, 8)), std::string::npos) << tools_.Ran()[i];
    }
  }
  EXPECT_EQ(tools_.mounts, (std::vector<std::string>{"/dev/mapper/se-attest-rootfs /sysroot ext4 "}));
  EXPECT_EQ(tools_.binds, (std::vector<std::string>{"/run/se-attest/hyperprotect -> /sysroot/var/hyperprotect"}));
  EXPECT_EQ(tools_.removed, (std::vector<std::string>{"/run/se-attest/root.tar.gz"}));
  ASSERT_EQ(log_.entries.size(), 2u);
  EXPECT_EQ(log_.entries[0].message_id, message_id::kRootDiskReady);
  EXPECT_EQ(log_.entries[1].message_id, message_id::kRealRootReady);
  EXPECT_EQ(Field(log_.entries[0], "SE_ATTEST_ITEM"), "/dev/vda2");
}

TEST_F(RealRootTest, FormatArgumentsAsDocumented) {
  const std::vector<std::string> a = LuksFormatArgs("/dev/vda2");
  const std::string joined = [&] {
    std::string s;
    for (const std::string& x : a) s += x + " ";
    return s;
  }();
  for (const char* want : {"--type luks2 ", "--cipher aes-xts-plain64 ", "--key-size 512 ", "--pbkdf pbkdf2 ",
                           "--pbkdf-force-iterations 1000 ", "--key-file - ", "--keyfile-size 64 ", "--batch-mode "}) {
    EXPECT_NE(joined.find(want), std::string::npos) << want << " in " << joined;
  }
  EXPECT_EQ(a.back(), "/dev/vda2");
  const std::vector<std::string> o = LuksOpenArgs("/dev/vda2");
  EXPECT_NE(std::find(o.begin(), o.end(), "--disable-keyring"), o.end());
  EXPECT_EQ(std::find(o.begin(), o.end(), "--allow-discards"), o.end());
  EXPECT_EQ(o.back(), std::string(kRootDiskMapping));
}

TEST_F(RealRootTest, NoRootDiskAfterTheWait) {
  devices_.devices.clear();
  EXPECT_EQ(Run(), kExitRealRoot);
  EXPECT_EQ(FailureId(), message_id::kRootDiskMissing);
  EXPECT_EQ(Field(*Failure(), "SE_ATTEST_ITEM"), "PARTLABEL=se-rootfs");
  EXPECT_TRUE(tools_.calls.empty());
  EXPECT_TRUE(tools_.mounts.empty());
}

TEST_F(RealRootTest, DiskTooSmallIsNeverWritten) {
  tools_.disk_bytes = kLuks2HeaderBytes + tools_.unpacked_bytes - 1;
  EXPECT_EQ(Run(), kExitRealRoot);
  EXPECT_EQ(FailureId(), message_id::kRootDiskTooSmall);
  EXPECT_EQ(Field(*Failure(), "SE_ATTEST_EXPECTED"), std::to_string(kLuks2HeaderBytes + tools_.unpacked_bytes));
  EXPECT_EQ(Field(*Failure(), "SE_ATTEST_ACTUAL"), std::to_string(tools_.disk_bytes));
  EXPECT_EQ(tools_.Ran(), (std::vector<std::string>{"gzip -dc"}));  // measured, nothing formatted
  EXPECT_EQ(tools_.keys_made, 0);
}

TEST_F(RealRootTest, JustBigEnoughIsTaken) {
  tools_.disk_bytes = kLuks2HeaderBytes + tools_.unpacked_bytes;
  EXPECT_EQ(Run(), kExitOk);
}

TEST_F(RealRootTest, EachToolFailureIsItsStepsAndStopsThere) {
  struct Case {
    std::string tool;
    std::string_view id;
    std::size_t tools_run;
  };
  for (const Case& c : {Case{"cryptsetup luksFormat", message_id::kRootDiskFormat, 2},
                        Case{"modprobe dm_crypt", message_id::kRootDiskOpen, 3},
                        Case{"cryptsetup open", message_id::kRootDiskOpen, 4},
                        Case{"cryptsetup status", message_id::kRootDiskOpen, 5},
                        Case{"cryptsetup luksErase", message_id::kRootDiskFormat, 6},
                        Case{"mke2fs -t", message_id::kRootDiskMkfs, 7},
                        Case{"tar -xzf", message_id::kRealRootUnpack, 8},
                        Case{"gzip -dc", message_id::kRealRootUnpack, 1}}) {
    SCOPED_TRACE(c.tool);
    tools_ = FakeTools();
    log_.entries.clear();
    tools_.exit_codes[c.tool] = 1;
    EXPECT_EQ(Run(), kExitRealRoot);
    EXPECT_EQ(FailureId(), c.id);
    EXPECT_EQ(tools_.calls.size(), c.tools_run);
    // The tool's own words, on one line; the record never bound, the kept copy kept.
    const LogEntry* f = Failure();
    ASSERT_NE(f, nullptr);
    EXPECT_NE(f->message.find("Cannot do " + c.tool + ". / second line"), std::string::npos) << f->message;
    EXPECT_TRUE(tools_.binds.empty());
    EXPECT_TRUE(tools_.removed.empty());
  }
}

// The host rewrites the LUKS2 header between luksFormat and open (its checksum is a plain
// SHA-256): open loads whatever it says. The live device is checked before a byte goes through it.
TEST_F(RealRootTest, OpenedDeviceNotAsFormattedIsRefusedBeforeUse) {
  struct Case {
    std::string from, to, field;
  };
  for (const Case& c : {Case{"aes-xts-plain64", "cipher_null-ecb", "cipher"},
                        Case{"aes-xts-plain64", "aes-ecb", "cipher"},
                        Case{"512 bits", "256 bits", "keysize"},
                        Case{"32768 sectors", "0 sectors", "offset"},
                        Case{"sector size:  4096", "sector size:  512", "sector size"},
                        Case{"/dev/vda2", "/dev/vdb", "device"},
                        Case{"LUKS2", "PLAIN", "type"},
                        Case{"  cipher:  aes-xts-plain64\n", "", "cipher"}}) {
    SCOPED_TRACE(c.to);
    tools_ = FakeTools();
    log_.entries.clear();
    tools_.status.replace(tools_.status.find(c.from), c.from.size(), c.to);
    EXPECT_EQ(Run(), kExitRealRoot);
    EXPECT_EQ(FailureId(), message_id::kRootDiskOpen);
    EXPECT_NE(Failure()->message.find("opened device's " + c.field), std::string::npos) << Failure()->message;
    EXPECT_NE(Failure()->message.find("header was changed"), std::string::npos);
    EXPECT_EQ(tools_.Ran().back(), "cryptsetup status");  // no erase, no mke2fs, nothing written through it
    EXPECT_TRUE(tools_.mounts.empty());
  }
}

TEST_F(RealRootTest, MountFailureOfTheNewFilesystem) {
  tools_.fail_mount = true;
  EXPECT_EQ(Run(), kExitRealRoot);
  EXPECT_EQ(FailureId(), message_id::kRootDiskMkfs);
  EXPECT_TRUE(tools_.binds.empty());
}

TEST_F(RealRootTest, AlreadyMountedRootIsRefusedWithARootDisk) {
  tools_.mounted = MountState::kTmpfs;  // a sysroot.mount from root= got there first
  EXPECT_EQ(Run(), kExitRealRoot);
  EXPECT_EQ(FailureId(), message_id::kRootDiskMkfs);
  EXPECT_TRUE(tools_.calls.empty());
  EXPECT_TRUE(tools_.mounts.empty());
}

TEST_F(RealRootTest, FilesystemWithoutRoomForTheRoot) {
  tools_.free_bytes = tools_.unpacked_bytes - 1;
  EXPECT_EQ(Run(), kExitRealRoot);
  EXPECT_EQ(FailureId(), message_id::kRootDiskTooSmall);
  EXPECT_EQ(Field(*Failure(), "SE_ATTEST_ITEM"), "/sysroot");
  const auto ran = tools_.Ran();
  EXPECT_EQ(std::count(ran.begin(), ran.end(), "tar -xzf"), 0);  // nothing unpacked
  EXPECT_EQ(std::count(ran.begin(), ran.end(), "gzip -dc"), 1);  // the size measured once
}

TEST_F(RealRootTest, TmpfsMountedHereWhenNotYet) {
  WriteConfig(false);
  ASSERT_EQ(Run(), kExitOk);
  EXPECT_EQ(tools_.mounts, (std::vector<std::string>{"tmpfs /sysroot tmpfs mode=0755,size=75%"}));
  EXPECT_EQ(tools_.Ran(), (std::vector<std::string>{"gzip -dc", "tar -xzf"}));
  EXPECT_EQ(tools_.keys_made, 0);
}

TEST_F(RealRootTest, TmpfsAlreadyMountedIsUsed) {
  WriteConfig(false);
  tools_.mounted = MountState::kTmpfs;  // sysroot.mount (dracut)
  ASSERT_EQ(Run(), kExitOk);
  EXPECT_TRUE(tools_.mounts.empty());
  ASSERT_EQ(log_.entries.size(), 1u);
  EXPECT_EQ(log_.entries[0].message_id, message_id::kRealRootReady);
}

TEST_F(RealRootTest, SomethingElseMountedIsNoTmpfsRoot) {
  WriteConfig(false);
  tools_.mounted = MountState::kOther;  // the root partition from root=, or any disk of the host's
  EXPECT_EQ(Run(), kExitRealRoot);
  EXPECT_EQ(FailureId(), message_id::kRealRootUnpack);
  EXPECT_TRUE(tools_.calls.empty());
}

TEST_F(RealRootTest, NoPassphraseNoFormat) {
  tools_.fail_random = true;
  EXPECT_EQ(Run(), kExitRealRoot);
  EXPECT_EQ(FailureId(), message_id::kRootDiskFormat);
  EXPECT_EQ(tools_.Ran(), (std::vector<std::string>{"gzip -dc"}));
}

TEST_F(RealRootTest, AmbiguousRootDiskIsMissingOne) {
  devices_.ambiguous = true;
  EXPECT_EQ(Run(), kExitRealRoot);
  EXPECT_EQ(FailureId(), message_id::kRootDiskMissing);
  EXPECT_NE(Failure()->message.find("/dev/vda2 and /dev/vdb"), std::string::npos) << Failure()->message;
  EXPECT_TRUE(tools_.calls.empty());
}

TEST_F(RealRootTest, ConfigurationErrorIsExitOne) {
  test::WriteText(dir_.Sub("agent.yaml"), "image_version: [\n");
  EXPECT_EQ(Run(), kExitUsage);
  EXPECT_TRUE(tools_.calls.empty());
}

}  // namespace
}  // namespace seattest
