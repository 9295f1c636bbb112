// What the initrd's two programs (se-attest-agent, se-attest-root) do first, alike.
#pragma once

#include <optional>
#include <string>


namespace seattest {

// Keys are about to be in this process's memory: no core dump, no ptrace by others
// (PR_SET_DUMPABLE 0, RLIMIT_CORE 0).
void KeepSecretsInProcess() noexcept;

// --wait's value: whole seconds from 0 to kMaxWaitSeconds; nothing when `text` is not one.
inline constexpr int kMaxWaitSeconds = 3600;
std::optional<int> ParseWaitSeconds(const std::string& text);

}  // namespace seattest
