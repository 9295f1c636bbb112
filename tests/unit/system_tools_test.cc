// The real SystemTools (platform/system_tools.h) with the system's own small tools: what a tool
// gets (stdin, environment, signals) and what comes back. As root, one tmpfs is mounted (and
// undone) in a test folder; nothing else needs privileges.
#include "platform/system_tools.h"

#include <gtest/gtest.h>
#include <sys/mount.h>
#include <unistd.h>

#include <csignal>
#include <string>

#include "test_support.h"

namespace seattest {
namespace {

ProgramResult RunOk(SystemTools& tools, const ProgramCall& call) {
  auto r = tools.Run(call);
  EXPECT_TRUE(r.ok()) << r.error().message;
  return r.ok() ? *r : ProgramResult{};
}

TEST(SystemToolsTest, SecretOnStdinOnlyAndAFixedEnvironment) {
  auto tools = MakeSystemTools();
  SecretBytes secret(std::vector<std::uint8_t>{'s', '3', 'c', 'r', '3', 't', 0, 0xff});
  ProgramResult r = RunOk(*tools, {{"cat"}, &secret, false});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, std::string("s3cr3t\0\xff", 8));
  // Not the caller's environment: PATH, LC_ALL and DM_DISABLE_UDEV only.
  r = RunOk(*tools, {{"env"}, nullptr, false});
  EXPECT_EQ(r.out, std::string("PATH=") + kToolPath + "\nLC_ALL=C\nDM_DISABLE_UDEV=1\n");
  // No secret: stdin is /dev/null.
  r = RunOk(*tools, {{"wc", "-c"}, nullptr, false});
  EXPECT_EQ(r.out, "0\n");
}

TEST(SystemToolsTest, ExitCodesSignalsAndTails) {
  auto tools = MakeSystemTools();
  ProgramResult r = RunOk(*tools, {{"sh", "-c", "echo out; echo why >&2; exit 3"}, nullptr, false});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.out, "out\n");
  EXPECT_EQ(r.err, "why\n");
  r = RunOk(*tools, {{"sh", "-c", "kill -9 $$"}, nullptr, false});
  EXPECT_EQ(r.exit_code, 128 + 9);
  // stdout counted, not kept; the tails keep the last kMaxToolOutput bytes.
  r = RunOk(*tools, {{"sh", "-c", "head -c 100000 /dev/zero; head -c 5000 /dev/zero | tr '\\0' e >&2"}, nullptr, true});
  EXPECT_EQ(r.stdout_bytes, 100000u);
  EXPECT_TRUE(r.out.empty());
  EXPECT_EQ(r.err, std::string(kMaxToolOutput, 'e'));
}

TEST(SystemToolsTest, ToolsGetSigpipeAtItsDefault) {
  auto tools = MakeSystemTools();
  // se-attest-root ignores SIGPIPE (as this test does now); its tools must not inherit that (bit
  // 13 of SigIgn).
  const auto before = std::signal(SIGPIPE, SIG_IGN);
  ProgramResult r = RunOk(*tools, {{"sh", "-c", "grep SigIgn /proc/self/status"}, nullptr, false});
  (void)std::signal(SIGPIPE, before);
  ASSERT_EQ(r.exit_code, 0);
  const std::string mask = r.out.substr(r.out.find_first_not_of(" \t", 7));
  EXPECT_EQ(std::stoull(mask, nullptr, 16) & (1ULL << 12), 0u) << r.out;
}

TEST(SystemToolsTest, OnlyToolsByNameFromTheToolPath) {
  auto tools = MakeSystemTools();
  EXPECT_FALSE(tools->Run({{"/bin/sh", "-c", "true"}, nullptr, false}).ok());
  auto missing = tools->Run({{"se-attest-no-such-tool"}, nullptr, false});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("not found in /usr/sbin:"), std::string::npos);
}

TEST(SystemToolsTest, SizesAndMountState) {
  auto tools = MakeSystemTools();
  test::TempDir dir;
  test::WriteText(dir.Sub("f"), std::string(12345, 'x'));
  EXPECT_EQ(*tools->DeviceSize(dir.Sub("f")), 12345u);
  EXPECT_FALSE(tools->DeviceSize(dir.Sub("missing")).ok());
  EXPECT_EQ(*tools->MountAt(dir.path()), MountState::kNotMounted);
  // A tmpfs mounted here (as root; not "/", which qemu-user maps into the s390x sysroot).
  const std::string m = dir.Sub("m");
  ASSERT_TRUE(tools->Mount("tmpfs", m, "tmpfs", "size=64k").ok() || geteuid() != 0);
  if (geteuid() == 0) {
    EXPECT_EQ(*tools->MountAt(m), MountState::kTmpfs);
    EXPECT_EQ(*tools->FreeBytes(m), 64u * 1024);
    EXPECT_EQ(umount2(m.c_str(), MNT_DETACH), 0);
  }
  EXPECT_GT(*tools->FreeBytes(dir.path()), 0u);
  auto key = tools->RandomKey(64);
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key->size(), 64u);
}

}  // namespace
}  // namespace seattest
