#include "boot/process.h"

#include <sys/prctl.h>
#include <sys/resource.h>

#include <cstdlib>

namespace seattest {

void KeepSecretsInProcess() noexcept {
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  rlimit no_core{0, 0};
  setrlimit(RLIMIT_CORE, &no_core);
}

std::optional<int> ParseWaitSeconds(const std::string& text) {
  char* end = nullptr;
  const long seconds = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || seconds < 0 || seconds > kMaxWaitSeconds) return std::nullopt;
  return static_cast<int>(seconds);
}

}  // namespace seattest
