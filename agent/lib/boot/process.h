// What the initrd's two programs (se-attest-agent, se-attest-root) do first, alike.
#pragma once

#include <optional>
#include <string>

#include "platform/process_secrets.h"  // KeepSecretsInProcess, which both call first


namespace seattest {

// --wait's value: whole seconds from 0 to kMaxWaitSeconds; nothing when `text` is not one.
inline constexpr int kMaxWaitSeconds = 3600;
std::optional<int> ParseWaitSeconds(const std::string& text);

}  // namespace seattest
