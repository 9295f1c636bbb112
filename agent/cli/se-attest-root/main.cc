// se-attest-root: makes the real root in the initrd, after se-attest-agent succeeded (docs/boot.md
// "The real root"). A thin main: options, hardening, then boot/real_root.h.
#include <csignal>
#include <cstdio>
#include <exception>
#include <optional>
#include <string>
#include <vector>

#include "boot/agent.h"
#include "boot/failure.h"
#include "boot/process.h"
#include "boot/real_root.h"
#include "core/args.h"
#include "core/limits_and_defaults.h"

namespace {

constexpr const char* kUsage =
    "usage: se-attest-root [--config PATH] [--wait SECONDS] ROOT\n"
    "\n"
    "Makes the real root at ROOT, after se-attest-agent succeeded, from what the agent's\n"
    "configuration names (default /etc/se-attest/agent.yaml):\n"
    "  - with root_disk (seal --root-disk): formats that disk anew, LUKS2 (aes-xts-plain64) under\n"
    "    a 512-bit key from the kernel's CSPRNG that is never stored, opens it as\n"
    "    /dev/mapper/se-attest-rootfs, erases its keyslots, makes a fresh ext4 and mounts it at\n"
    "    ROOT (which must not be mounted yet);\n"
    "  - without: ROOT is a tmpfs (mounted here unless it is a mount point already);\n"
    "then unpacks the root.tar.gz the agent measured and kept into ROOT, and binds the record\n"
    "read-only at ROOT/var/hyperprotect.\n"
    "\n"
    "  --wait SECONDS    wait up to SECONDS for the root disk to appear (default 0)\n"
    "\n"
    "exit codes: 0 done; 1 usage or configuration error; 5 the real root could not be made\n";

int UsageError(const std::string& message) {
  (void)std::fprintf(stderr, "se-attest-root: %s\n%s", message.c_str(), kUsage);
  return seattest::kExitUsage;
}

int Run(const std::vector<std::string>& args) {
  // The root disk's key is in this process's memory.
  seattest::KeepSecretsInProcess();
  // A tool that exits before reading its stdin must not kill us with SIGPIPE: its exit status
  // says what went wrong.
  (void)std::signal(SIGPIPE, SIG_IGN);

  auto parsed = seattest::ParseArgs(args, {{"config", true}, {"wait", true}, {"help", false},
                                           {"version", false}});
  if (!parsed) return UsageError(parsed.error().message);
  if (parsed->Has("help")) {
    (void)std::fputs(kUsage, stdout);
    return 0;
  }
  if (parsed->Has("version")) {
    std::puts("se-attest-root " SE_ATTEST_VERSION);
    return 0;
  }
  seattest::RealRootOptions options;
  options.config_path = parsed->Get("config").value_or(std::string(seattest::kDefaultConfigPath));
  if (auto wait = parsed->Get("wait")) {
    const std::optional<int> seconds = seattest::ParseWaitSeconds(*wait);
    if (!seconds) {
      return UsageError("--wait: expected seconds from 0 to " + std::to_string(seattest::kMaxWaitSeconds) + ", got '" +
                        *wait + "'");
    }
    options.wait_seconds = *seconds;
  }
  const auto& positional = parsed->positional();
  if (positional.size() != 1) return UsageError("expected one ROOT");

  auto devices = seattest::MakeLibblkidDevices();
  auto tools = seattest::MakeSystemTools();
  auto log = seattest::MakeLogger("se-attest-root", seattest::LogTarget::kAuto);
  seattest::RealRootPlatform platform{*devices, *tools, *log, stdout};
  try {
    return seattest::MakeRealRoot(options, positional[0], platform);
  } catch (const std::exception& e) {
    // No library code throws on purpose: std::bad_alloc and its kind. Still one line.
    const seattest::Failure failure =
        seattest::Fail(seattest::FailureClass::kRealRootUnpack, std::string("unexpected failure: ") + e.what());
    log->Log(seattest::FailureEntry(failure));
    return seattest::ExitCodeOf(failure);
  }
}

}  // namespace

int main(int argc, char** argv) { return Run(std::vector<std::string>(argv + 1, argv + argc)); }
