// se-attest-agent: measures the boot from the initrd (SPEC "The boot, in order"). A thin main:
// options, hardening, then the flow in boot/ (boot/agent.h RunAgent).
#include <cstdio>
#include <exception>
#include <optional>
#include <string>
#include <vector>

#include "boot/agent.h"
#include "boot/failure.h"
#include "boot/process.h"
#include "core/args.h"
#include "core/config.h"

namespace {

constexpr const char* kUsage =
    "usage: se-attest-agent [--config PATH] [--output DIR] [--sysinfo PATH] [--wait SECONDS]\n"
    "\n"
    "Verifies the root partition against the build, measures root.tar.gz, the cidata device and\n"
    "its files, and writes the signed (and, when the contract asks, encrypted) record.\n"
    "\n"
    "  --config PATH   agent configuration (default /etc/se-attest/agent.yaml)\n"
    "  --output DIR    output folder (default: output_dir of the configuration)\n"
    "  --sysinfo PATH  machine information (default /proc/sysinfo)\n"
    "  --wait SECONDS  wait up to SECONDS for the root and cidata devices to appear (default 0)\n"
    "\n"
    "exit codes: 0 record written; 1 usage or configuration error; 2 integrity failure (root\n"
    "partition or root.tar.gz differs from the build); 3 invalid contract; 4 the record could not\n"
    "be signed, encrypted or written\n";

int Run(const std::vector<std::string>& args) {
  // Keys and passwords are in this process's memory.
  seattest::KeepSecretsInProcess();

  auto parsed = seattest::ParseArgs(args, {{"config", true}, {"output", true}, {"sysinfo", true},
                                           {"wait", true}, {"help", false}, {"version", false}});
  if (!parsed) {
    (void)std::fprintf(stderr, "se-attest-agent: %s\n%s", parsed.error().message.c_str(), kUsage);
    return seattest::kExitUsage;
  }
  if (parsed->Has("help")) {
    (void)std::fputs(kUsage, stdout);
    return 0;
  }
  if (parsed->Has("version")) {
    std::puts("se-attest-agent " SE_ATTEST_VERSION);
    return 0;
  }
  if (!parsed->positional().empty()) {
    (void)std::fprintf(stderr, "se-attest-agent: unexpected argument '%s'\n%s", parsed->positional()[0].c_str(), kUsage);
    return seattest::kExitUsage;
  }
  seattest::AgentOptions options;
  options.config_path = parsed->Get("config").value_or(std::string(seattest::kDefaultConfigPath));
  options.output_dir = parsed->Get("output");
  options.sysinfo_path = parsed->Get("sysinfo").value_or(std::string(seattest::kDefaultSysinfoPath));
  if (auto wait = parsed->Get("wait")) {
    const std::optional<int> seconds = seattest::ParseWaitSeconds(*wait);
    if (!seconds) {
      (void)std::fprintf(stderr, "se-attest-agent: --wait: expected seconds from 0 to %d, got '%s'\n",
                         seattest::kMaxWaitSeconds, wait->c_str());
      return seattest::kExitUsage;
    }
    options.wait_seconds = *seconds;
  }

  auto devices = seattest::MakeLibblkidDevices();
  auto mounter = seattest::MakeKernelMounter(std::string(seattest::kRunDir));
  auto log = seattest::MakeLogger("se-attest-agent", seattest::LogTarget::kAuto);
  seattest::Platform platform{*devices, *mounter, *log};
  try {
    return seattest::RunAgent(options, platform);
  } catch (const std::exception& e) {
    // No library code throws on purpose; this is std::bad_alloc and its kind. Still one line,
    // still a SPEC exit code, still no record (nothing is written before the end).
    const seattest::Failure failure =
        seattest::Fail(seattest::FailureClass::kUnexpected, std::string("unexpected failure: ") + e.what());
    log->Log(seattest::FailureEntry(failure));
    return seattest::ExitCodeOf(failure);
  }
}

}  // namespace

int main(int argc, char** argv) { return Run(std::vector<std::string>(argv + 1, argv + argc)); }
