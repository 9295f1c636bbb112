// Command-line options: "--name VALUE", "--name=VALUE", flags, and positional arguments.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

namespace seattest {

struct OptionSpec {
  std::string name;   // without the dashes
  bool takes_value;   // false: a flag
  bool repeatable = false;
};

class ParsedArgs {
 public:
  std::optional<std::string> Get(const std::string& name) const;
  std::vector<std::string> GetAll(const std::string& name) const;
  bool Has(const std::string& name) const { return values_.contains(name); }
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  friend Result<ParsedArgs> ParseArgs(const std::vector<std::string>&, const std::vector<OptionSpec>&);
  std::map<std::string, std::vector<std::string>> values_;
  std::vector<std::string> positional_;
};

// Unknown options, a missing or empty value, or a non-repeatable option given twice are errors
// naming the option. "--" ends the options.
Result<ParsedArgs> ParseArgs(const std::vector<std::string>& args, const std::vector<OptionSpec>& specs);

}  // namespace seattest
