// se-attest encrypt: a file or stdin to a token. Options here, the work in the library.
#include <cstdio>
#include <ctime>
#include <string>
#include <vector>

#include "core/bytes.h"
#include "core/token_format.h"
#include "crypto/chain.h"
#include "crypto/keys.h"
#include "crypto/token.h"
#include "platform/read_file.h"
#include "verb.h"

namespace seattest {
namespace {

constexpr const char* kEncryptUsage =
    "usage: se-attest encrypt --to CERT_OR_PUBLIC_KEY [--token-prefix P] [FILE]\n"
    "\n"
    "Encrypts FILE (or stdin) for the RSA key of a certificate or PEM public key; prints the\n"
    "token on stdout, without a trailing newline. A certificate that is expired or not yet valid\n"
    "is still used, with a warning on stderr.\n"
    "\n"
    "  --token-prefix P   hyper-protect-basic (the default: HPVS, HPCR, CCCO) or contract-basic\n"
    "                     (CCRT, CCRV): the runtime that reads the token decides\n";

}  // namespace

int EncryptVerb(const std::vector<std::string>& args) {
  int code = kOk;
  auto parsed = Parse(args, {{"to", true}, {"token-prefix", true}}, kEncryptUsage, &code);
  if (!parsed) return code;
  auto to = parsed->Get("to");
  if (!to) return UsageError(kEncryptUsage, "missing --to");
  if (parsed->positional().size() > 1) return UsageError(kEncryptUsage, "at most one input file");
  TokenPrefix prefix = kDefaultTokenPrefix;
  if (auto v = parsed->Get("token-prefix")) {
    auto chosen = ParseTokenPrefix(*v);
    if (!chosen) return UsageError(kEncryptUsage, "--token-prefix: " + chosen.error().message);
    prefix = *chosen;
  }
  auto pem = ReadFile(*to, kMaxInput);
  if (!pem) return Failed("encrypt: " + pem.error().message);
  auto key = PublicKeyFromPem(AsText(*pem), *to);
  if (!key) return Failed("encrypt: " + key.error().message);
  if (auto s = RequireRecipientKey(key->get(), *to); !s) return Failed("encrypt: " + s.error().message);
  if (const std::string warning = PemCertificateValidityWarning(AsText(*pem), std::time(nullptr), *to); !warning.empty()) {
    (void)std::fprintf(stderr, "se-attest encrypt: warning: %s\n", warning.c_str());
  }
  auto input = ReadInput(parsed->positional());
  if (!input) return Failed("encrypt: " + input.error().message);
  auto token = EncryptToken(key->get(), AsText(*input), prefix);
  if (!token) return Failed("encrypt: " + token.error().message);
  return WriteStdout(*token) ? kOk : Failed("encrypt: writing to stdout failed");
}

}  // namespace seattest
