// se-attest: the host command for image builders and auditors. A thin main: the verb's name
// picks its function (cli/se-attest/<verb>.cc), which parses its options and calls the library.
#include <cstdio>
#include <exception>
#include <string>
#include <string_view>
#include <vector>

#include "platform/process_secrets.h"
#include "verb.h"

namespace seattest {
namespace {

constexpr const char* kMainUsage =
    "usage: se-attest COMMAND [OPTIONS]\n"
    "\n"
    "commands:\n"
    "  keygen DIR        a development key set: CAs, attestation and contract keys\n"
    "  seal ...          the agent's configuration and keys for the initrd, and reference values\n"
    "  encrypt ...       a file or stdin to a token (hyper-protect-basic or contract-basic)\n"
    "  decrypt ...       a token or se-checksums.txt.enc back to plaintext\n"
    "  contract ...      a contract (cidata/user-data) from a workload and an env file\n"
    "  measure PATH...   SHA-256 of files or block devices, in the record's format\n"
    "  verify DIR ...    an auditor's checks of a /var/hyperprotect folder (own exit codes)\n"
    "\n"
    "'se-attest COMMAND --help' describes a command. Exit codes: 0 success, 1 usage error,\n"
    "2 the command failed (unreadable or invalid input, wrong key, nothing written).\n";

struct Verb {
  std::string_view name;
  int (*run)(const std::vector<std::string>& args);
};

constexpr Verb kVerbs[] = {
    {"keygen", KeygenVerb},     {"seal", SealVerb},       {"encrypt", EncryptVerb}, {"decrypt", DecryptVerb},
    {"contract", ContractVerb}, {"measure", MeasureVerb}, {"verify", VerifyVerb},
};

int Run(const std::vector<std::string>& args) {
  if (args.empty()) return UsageError(kMainUsage, "missing command");
  const std::string& command = args[0];
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (command == "--help" || command == "help") {
    (void)std::fputs(kMainUsage, stdout);
    return kOk;
  }
  if (command == "--version") {
    std::puts("se-attest " SE_ATTEST_VERSION);
    return kOk;
  }
  for (const Verb& verb : kVerbs) {
    if (command == verb.name) return verb.run(rest);
  }
  return UsageError(kMainUsage, "unknown command '" + command + "'");
}

}  // namespace
}  // namespace seattest

int main(int argc, char** argv) {
  // Private keys, their passphrases and plaintexts may be in memory: never in a core dump.
  seattest::KeepSecretsInProcess();
  try {
    return seattest::Run(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const std::exception& e) {
    // No library code throws on purpose; this is std::bad_alloc and its kind: one line and the
    // exit code of a failed command rather than std::terminate.
    (void)std::fprintf(stderr, "se-attest: unexpected failure: %s\n", e.what());
    return seattest::kFailed;
  }
}
