#include "boot/machine.h"

#include "core/limits_and_defaults.h"
#include "core/sysinfo.h"
#include "platform/read_file.h"

namespace seattest {

Outcome<std::string> ReadMachine(const std::string& sysinfo_path) {
  auto text = ReadFile(sysinfo_path, kMaxSysinfoSize);
  if (!text) return Fail(FailureClass::kMachine, "machine: " + text.error().message, sysinfo_path);
  auto id = ParseSysinfo(AsText(*text), sysinfo_path);
  if (!id) return Fail(FailureClass::kMachine, "machine: " + id.error().message, sysinfo_path);
  return id->ToString();
}

Outcome<StepLine> CheckSecureExecution(const std::string& prot_virt_guest_path, bool require_secure_execution) {
  auto flag = ReadFile(prot_virt_guest_path, 64);
  const bool protected_guest = flag && AsText(*flag).substr(0, 1) == "1";
  const std::string why_not = flag ? " is not 1" : " cannot be read";
  if (!protected_guest && require_secure_execution) {
    return Fail(FailureClass::kSecureExecution,
                "Secure Execution required (the image was not sealed with --development), but this is not a "
                "protected guest: " + prot_virt_guest_path + why_not,
                prot_virt_guest_path);
  }
  StepLine line = InfoLine(message_id::kSecureExecution,
                           protected_guest ? "Secure Execution: this is a protected guest (" + prot_virt_guest_path + " = 1)"
                                           : "Secure Execution: NOT a protected guest (" + prot_virt_guest_path + why_not +
                                                 "); the record attests nothing about the hypervisor",
                           {{"SE_ATTEST_PROTECTED_GUEST", protected_guest ? "1" : "0"}});
  if (!protected_guest) line.entry.priority = Priority::kWarning;
  return line;
}

}  // namespace seattest
