#include "boot/process.h"

#include <cstdlib>

namespace seattest {

std::optional<int> ParseWaitSeconds(const std::string& text) {
  char* end = nullptr;
  const long seconds = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || seconds < 0 || seconds > kMaxWaitSeconds) return std::nullopt;
  return static_cast<int>(seconds);
}

}  // namespace seattest
