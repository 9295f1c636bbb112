// Boot step 4: the machine the record names, and what the ultravisor says about this guest.
#pragma once

#include <string>

#include "boot/failure.h"
#include "boot/step_log.h"

namespace seattest {

// The machine line of the record ("Machine Type/Plant/Serial: ..."), from /proc/sysinfo.
Outcome<std::string> ReadMachine(const std::string& sysinfo_path);

// Whether this is a Secure Execution guest (`prot_virt_guest_path` reads 1), as a line for the
// log (a warning when it is not, so it reaches the console under systemd too: under emulation
// the log says so rather than let anyone assume otherwise). Outside Secure Execution an image
// not sealed for development refuses to go on.
Outcome<StepLine> CheckSecureExecution(const std::string& prot_virt_guest_path, bool require_secure_execution);

}  // namespace seattest
