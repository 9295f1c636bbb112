#include "core/crypt_status.h"

#include <array>
#include <utility>

#include "core/limits_and_defaults.h"
#include "core/trim.h"

namespace seattest {

std::map<std::string, std::string> ParseCryptStatus(std::string_view text) {
  std::map<std::string, std::string> fields;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    fields.emplace(std::string(TrimBlanks(line.substr(0, colon))), std::string(TrimBlanks(line.substr(colon + 1))));
  }
  return fields;
}

Status CheckRootDiskStatus(std::string_view status_text, std::string_view device) {
  const auto fields = ParseCryptStatus(status_text);
  const std::array<std::pair<const char*, std::string>, 6> expected{{
      {"type", "LUKS2"},
      {"cipher", "aes-xts-plain64"},
      {"keysize", std::to_string(kRootDiskKeyBits) + " bits"},
      {"device", std::string(device)},
      {"sector size", "4096"},
      {"offset", std::to_string(kLuks2HeaderBytes / 512) + " sectors"},
  }};
  for (const auto& [name, want] : expected) {
    auto it = fields.find(name);
    const std::string found = it == fields.end() ? "nothing" : "'" + it->second + "'";
    if (it == fields.end() || it->second != want) {
      return MakeError(std::string("the opened device's ") + name + " is " + found + ", not '" + want + "'");
    }
  }
  return {};
}

}  // namespace seattest
