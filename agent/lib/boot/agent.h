// se-attest-agent's boot flow (SPEC "The boot, in order"), over replaceable device access so it
// can be tested without root.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/limits_and_defaults.h"
#include "platform/block_devices.h"
#include "platform/log.h"
#include "platform/mount.h"

namespace seattest {

// Exit codes of se-attest-agent (SPEC).
enum AgentExit : int {
  kExitOk = 0,
  kExitUsage = 1,
  kExitIntegrity = 2,
  kExitContract = 3,
  kExitOutput = 4,
  // se-attest-root (boot/real_root.h), after the agent: the real root could not be made.
  kExitRealRoot = 5,
};

struct AgentOptions {
  std::string config_path;
  std::optional<std::string> output_dir;  // overrides the configuration's
  std::string sysinfo_path = std::string(kDefaultSysinfoPath);
  // How long to wait for the root and cidata devices to appear (udev may still be probing them
  // early in the boot). 0: look once.
  int wait_seconds = 0;
  // The ultravisor's word on whether this is a Secure Execution guest; logged, never assumed.
  std::string prot_virt_guest_path = std::string(kProtVirtGuestPath);
  // The guest's clock for the hpcr-2026 Image age line (tests fix it); unset: the system clock.
  std::optional<std::int64_t> now;
};

struct Platform {
  BlockDevices& devices;
  Mounter& mounter;
  Logger& log;
};

// Runs the whole flow; logs each step and the one failure; returns the exit code.
int RunAgent(const AgentOptions& options, Platform& platform);

}  // namespace seattest
