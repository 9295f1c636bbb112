#include "verb.h"

#include <cstdio>
#include <iostream>
#include <iterator>
#include <utility>

#include "platform/read_file.h"

namespace seattest {

int UsageError(const char* usage, const std::string& message) {
  (void)std::fprintf(stderr, "se-attest: %s\n%s", message.c_str(), usage);
  return kUsage;
}

int Failed(const std::string& message) {
  (void)std::fprintf(stderr, "se-attest: %s\n", message.c_str());
  return kFailed;
}

// Parses a subcommand's options; on --help prints `usage` and sets `*exit_code` to 0.
std::optional<ParsedArgs> Parse(const std::vector<std::string>& args, std::vector<OptionSpec> specs,
                                const char* usage, int* exit_code) {
  specs.push_back({"help", false});
  auto parsed = ParseArgs(args, specs);
  if (!parsed) {
    *exit_code = UsageError(usage, parsed.error().message);
    return std::nullopt;
  }
  if (parsed->Has("help")) {
    (void)std::fputs(usage, stdout);
    *exit_code = kOk;
    return std::nullopt;
  }
  return std::move(*parsed);
}

Result<Bytes> ReadInput(const std::vector<std::string>& positional) {
  if (!positional.empty()) return ReadFile(positional[0], kMaxInput);
  std::string data((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
  if (data.size() > kMaxInput) return MakeError("stdin: more than " + std::to_string(kMaxInput) + " bytes");
  return ToBytes(data);
}

bool WriteStdout(std::string_view data) {
  return std::fwrite(data.data(), 1, data.size(), stdout) == data.size() && std::fflush(stdout) == 0;
}

}  // namespace seattest
