// What every verb of se-attest shares: the exit codes, option parsing with --help, reading the
// input and writing the output. One file per verb (cli/se-attest/<verb>.cc) holds its usage text
// and turns its options into a call of the library (host/, crypto/, platform/).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/args.h"
#include "core/bytes.h"
#include "core/result.h"

namespace seattest {

// Exit codes of se-attest (docs/cli.md); verify has its own (host/verify.h).
inline constexpr int kOk = 0;
inline constexpr int kUsage = 1;
inline constexpr int kFailed = 2;

// The most se-attest reads from an input file or stdin.
inline constexpr std::size_t kMaxInput = 64u << 20;

// "se-attest: MESSAGE" and `usage` on stderr; returns kUsage.
int UsageError(const char* usage, const std::string& message);
// "se-attest: MESSAGE" on stderr; returns kFailed.
int Failed(const std::string& message);

// Parses a verb's options; on --help prints `usage` and sets `*exit_code` to 0.
std::optional<ParsedArgs> Parse(const std::vector<std::string>& args, std::vector<OptionSpec> specs,
                                const char* usage, int* exit_code);

// The first positional argument's file, or stdin; at most kMaxInput bytes.
Result<Bytes> ReadInput(const std::vector<std::string>& positional);

// All of `data` on stdout, flushed.
bool WriteStdout(std::string_view data);

// The verbs, one file each; `args` are the arguments after the verb's name.
int KeygenVerb(const std::vector<std::string>& args);
int SealVerb(const std::vector<std::string>& args);
int EncryptVerb(const std::vector<std::string>& args);
int DecryptVerb(const std::vector<std::string>& args);
int ContractVerb(const std::vector<std::string>& args);
int MeasureVerb(const std::vector<std::string>& args);
int VerifyVerb(const std::vector<std::string>& args);

}  // namespace seattest
