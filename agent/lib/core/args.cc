#include "core/args.h"

namespace seattest {

std::optional<std::string> ParsedArgs::Get(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end() || it->second.empty()) return std::nullopt;
  return it->second.back();
}

std::vector<std::string> ParsedArgs::GetAll(const std::string& name) const {
  auto it = values_.find(name);
  return it == values_.end() ? std::vector<std::string>{} : it->second;
}

Result<ParsedArgs> ParseArgs(const std::vector<std::string>& args, const std::vector<OptionSpec>& specs) {
  ParsedArgs out;
  bool options_done = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (options_done || a.size() < 2 || a.compare(0, 2, "--") != 0) {
      if (!options_done && a.size() > 1 && a[0] == '-' && a != "-") {
        return MakeError("unknown option '" + a + "'");
      }
      out.positional_.push_back(a);
      continue;
    }
    if (a == "--") {
      options_done = true;
      continue;
    }
    std::string name = a.substr(2);
    std::optional<std::string> value;
    if (std::size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
    }
    const OptionSpec* spec = nullptr;
    for (const OptionSpec& s : specs) {
      if (s.name == name) spec = &s;
    }
    if (spec == nullptr) return MakeError("unknown option '--" + name + "'");
    if (spec->takes_value && !value) {
      if (i + 1 >= args.size()) return MakeError("option '--" + name + "' needs a value");
      value = args[++i];
    }
    if (!spec->takes_value && value) return MakeError("option '--" + name + "' takes no value");
    // An empty value is an unset variable in a script, never a way to turn a check off.
    if (spec->takes_value && value->empty()) return MakeError("option '--" + name + "' has an empty value");
    if (!spec->repeatable && out.values_.contains(name)) {
      return MakeError("option '--" + name + "' given more than once");
    }
    out.values_[name].push_back(value.value_or(""));
  }
  return out;
}

}  // namespace seattest
