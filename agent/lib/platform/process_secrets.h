// What every program that holds keys does first: se-attest-agent, se-attest-root (in the initrd)
// and se-attest (on the host, where it reads private keys and passphrases).
#pragma once

namespace seattest {

// Keys are about to be in this process's memory: no core dump, no ptrace by others
// (PR_SET_DUMPABLE 0, RLIMIT_CORE 0).
void KeepSecretsInProcess() noexcept;

}  // namespace seattest
