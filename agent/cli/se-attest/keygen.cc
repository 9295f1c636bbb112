// se-attest keygen: a development key set. Options here, the work in the library.
#include <cstdio>
#include <string>
#include <vector>

#include "host/keygen.h"
#include "verb.h"

namespace seattest {
namespace {

constexpr const char* kKeygenUsage =
    "usage: se-attest keygen DIR\n"
    "\n"
    "Writes a development key set (RSA-4096): DIR/root-ca.crt, DIR/intermediate-ca.crt,\n"
    "DIR/attestation.crt, DIR/attestation.key, DIR/contract.crt, DIR/contract.key (.key 0600),\n"
    "and prints the paths written, one a line.\n"
    "Production keys belong in an HSM; these are for development and tests.\n"
    "A key ever sealed into a development image (se-attest seal --development) is burnt for\n"
    "production: that image runs outside Secure Execution, so whoever has it can read its keys\n"
    "and sign records with them. Use one key set per image kind, never the same for both.\n";

}  // namespace

int KeygenVerb(const std::vector<std::string>& args) {
  int code = kOk;
  auto parsed = Parse(args, {}, kKeygenUsage, &code);
  if (!parsed) return code;
  if (parsed->positional().size() != 1) return UsageError(kKeygenUsage, "expected one folder");
  auto written = seattest::Keygen(parsed->positional()[0]);
  if (!written) return Failed("keygen: " + written.error().message);
  for (const std::string& path : *written) std::printf("%s\n", path.c_str());
  // On stderr: stdout stays the list of paths, for scripts (flushed first: `2>&1` keeps the order).
  if (std::fflush(stdout) != 0) return Failed("keygen: cannot write to stdout");
  (void)std::fputs(
      "se-attest keygen: note: once sealed into a development image (seal --development), these keys are "
      "burnt for production: make another set for production images\n",
      stderr);
  return kOk;
}

}  // namespace seattest
