#include "core/yaml_map.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <set>
#include <string>

namespace seattest {

Status CheckMapKeys(const YAML::Node& map, std::string_view prefix, std::initializer_list<std::string_view> allowed) {
  if (!map.IsMap()) {
    return MakeError((prefix.empty() ? std::string() : std::string(prefix.substr(0, prefix.size() - 1)) + ": ") +
                     "expected a mapping");
  }
  std::set<std::string> seen;
  for (const auto& kv : map) {
    const std::string line = " (line " + std::to_string(kv.first.Mark().line + 1) + ")";
    if (!kv.first.IsScalar()) return MakeError(std::string(prefix) + "a key that is not a string" + line);
    const std::string& key = kv.first.Scalar();
    if (!seen.insert(key).second) return MakeError(std::string(prefix) + key + ": given twice" + line);
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      return MakeError(std::string(prefix) + key + ": unknown key" + line);
    }
  }
  return {};
}

}  // namespace seattest
