#include "core/sysinfo.h"

#include <optional>

#include "core/trim.h"

namespace seattest {
namespace {

bool IsPrintableWord(std::string_view s) {
  for (char c : s) {
    if (c <= ' ' || c > '~' || c == '/') return false;
  }
  return !s.empty();
}

}  // namespace

Result<MachineId> ParseSysinfo(std::string_view text, std::string_view source) {
  std::optional<std::string_view> type, plant, sequence;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view key = line.substr(0, colon);
    std::string_view value = TrimBlanks(line.substr(colon + 1));
    // The first occurrence wins: the machine's section comes before the LPAR and VM sections.
    if (key == "Type" && !type) type = value;
    if (key == "Plant" && !plant) plant = value;
    if (key == "Sequence Code" && !sequence) sequence = value;
  }
  const std::string where(source);
  const struct {
    const char* name = nullptr;
    std::optional<std::string_view> value;
  } fields[] = {{"Type", type}, {"Plant", plant}, {"Sequence Code", sequence}};
  for (const auto& f : fields) {
    if (!f.value) return MakeError(where + ": no '" + f.name + ":' line");
    if (!IsPrintableWord(*f.value)) {
      return MakeError(where + ": '" + f.name + ":' has an invalid value '" +
                       std::string(f.value->substr(0, 40)) + "'");
    }
  }
  MachineId id;
  id.type = std::string(*type);
  id.plant = std::string(*plant);
  id.serial = std::string(sequence->size() > 5 ? sequence->substr(sequence->size() - 5) : *sequence);
  return id;
}

}  // namespace seattest
