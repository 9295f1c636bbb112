// se-attest decrypt: a token or se-checksums.txt.enc back to plaintext. Options here, the work in the library.
#include <cstdio>
#include <string>
#include <vector>

#include "core/bytes.h"
#include "crypto/keys.h"
#include "crypto/token.h"
#include "platform/passphrase.h"
#include "platform/read_file.h"
#include "verb.h"

namespace seattest {
namespace {

constexpr const char* kDecryptUsage =
    "usage: se-attest decrypt --key PRIVATE_KEY [--passin SOURCE] [FILE]\n"
    "\n"
    "Decrypts a token (hyper-protect-basic or contract-basic) or se-checksums.txt.enc from FILE\n"
    "(or stdin) with the private key; prints the plaintext on stdout.\n"
    "\n"
    "  --passin SOURCE  the passphrase of an encrypted PRIVATE_KEY: pass:TEXT, env:VAR,\n"
    "                   file:PATH, fd:N or stdin (openssl's forms; stdin needs FILE). Without\n"
    "                   it, asked for on the terminal when stdin is one\n";

}  // namespace

int DecryptVerb(const std::vector<std::string>& args) {
  int code = kOk;
  auto parsed = Parse(args, {{"key", true}, {"passin", true}}, kDecryptUsage, &code);
  if (!parsed) return code;
  auto key_path = parsed->Get("key");
  if (!key_path) return UsageError(kDecryptUsage, "missing --key");
  if (parsed->positional().size() > 1) return UsageError(kDecryptUsage, "at most one input file");
  const auto passin = parsed->Get("passin");
  if (passin && parsed->positional().empty() && PassinReadsStdin(*passin)) {
    return UsageError(kDecryptUsage, "--passin " + *passin + " and the input both read stdin: give FILE");
  }
  auto passphrase = PassphraseSourceFor(passin);
  if (!passphrase) return UsageError(kDecryptUsage, passphrase.error().message);
  auto pem = ReadSecretFile(*key_path, kMaxInput);
  if (!pem) return Failed("decrypt: " + pem.error().message);
  auto key = PrivateKeyFromPem(pem->view(), *key_path, passphrase->get());
  if (!key) return Failed("decrypt: " + key.error().message);
  auto input = ReadInput(parsed->positional());
  const std::string source = parsed->positional().empty() ? "stdin" : parsed->positional()[0];
  if (!input) return Failed("decrypt: " + input.error().message);
  auto plain = DecryptToken(key->get(), AsText(*input));
  if (!plain) return Failed("decrypt: " + source + ": " + plain.error().message);
  return WriteStdout(plain->view()) ? kOk : Failed("decrypt: writing to stdout failed");
}

}  // namespace seattest
