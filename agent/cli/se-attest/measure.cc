// se-attest measure: SHA-256 of files or block devices, in the record's format; or the contract:*
// lines of a contract. Options here, the work in the library.
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "core/hex.h"
#include "core/limits_and_defaults.h"
#include "core/root_digest.h"
#include "host/contract_lines.h"
#include "platform/hash_path.h"
#include "platform/key_file.h"
#include "platform/passphrase.h"
#include "platform/read_file.h"
#include "verb.h"

namespace seattest {
namespace {

constexpr const char* kMeasureUsage =
    "usage: se-attest measure [--digest sha256|sha256-4m] PATH...\n"
    "       se-attest measure --contract USER_DATA [--contract-key KEY [--passin SOURCE]]\n"
    "\n"
    "Prints '<sha256> <PATH>' for each file or block device, as in the record. Nothing is signed.\n"
    "--digest sha256-4m prints the chunked digest an image sealed with it checks its root\n"
    "partition against (docs/formats.md), computed by every CPU available; --digest sha256, the\n"
    "default, one SHA-256 over all the bytes.\n"
    "\n"
    "With --contract, prints the 'contract:*' lines an hpcr-2026 record holds for the contract\n"
    "USER_DATA (cidata/user-data), '<sha256> contract:<section>' in the record's order: its token\n"
    "sections decrypted with KEY, the contract-encryption private key (needed when it has any),\n"
    "user-data.decrypted built as the agent builds it, each line by the rule of docs/formats.md.\n"
    "--passin SOURCE gives KEY's passphrase when it is encrypted: pass:TEXT, env:VAR, file:PATH,\n"
    "fd:N or stdin, as openssl takes them; without it, asked for on the terminal when stdin is one.\n";

// --contract: the contract's lines on stdout.
int MeasureContract(const std::string& user_data_path, const std::optional<std::string>& key_path,
                    PassphraseSource* passphrase) {
  auto user_data = ReadFile(user_data_path, kMaxCidataFileSize);
  if (!user_data) return Failed("measure: " + user_data.error().message);
  std::optional<PrivateKeyFile> key;
  if (key_path) {
    auto read = ReadPrivateKeyFile(*key_path, kMinRsaKeyBits, 0, passphrase);
    if (passphrase != nullptr) passphrase->Forget();
    if (!read) return Failed("measure: --contract-key: " + read.error().message);
    key = std::move(*read);
  }
  auto lines = MeasureContractLines(AsText(*user_data), user_data_path, key ? key->key.get() : nullptr);
  if (!lines) return Failed("measure: " + lines.error().message);
  return WriteStdout(RenderContractLines(*lines)) ? kOk : Failed("measure: writing to stdout failed");
}

}  // namespace

int MeasureVerb(const std::vector<std::string>& args) {
  int code = kOk;
  auto parsed = Parse(args, {{"contract", true}, {"contract-key", true}, {"passin", true}, {"digest", true}}, kMeasureUsage, &code);
  if (!parsed) return code;
  if (auto contract = parsed->Get("contract")) {
    if (parsed->Has("digest")) return UsageError(kMeasureUsage, "--digest is for PATHs, not --contract");
    if (!parsed->positional().empty()) {
      return UsageError(kMeasureUsage, "--contract takes no PATH arguments ('" + parsed->positional()[0] + "')");
    }
    if (parsed->Has("passin") && !parsed->Has("contract-key")) {
      return UsageError(kMeasureUsage, "--passin needs --contract-key");
    }
    auto passphrase = PassphraseSourceFor(parsed->Get("passin"));
    if (!passphrase) return UsageError(kMeasureUsage, passphrase.error().message);
    return MeasureContract(*contract, parsed->Get("contract-key"), passphrase->get());
  }
  if (parsed->Has("passin")) return UsageError(kMeasureUsage, "--passin needs --contract --contract-key");
  if (parsed->Has("contract-key")) return UsageError(kMeasureUsage, "--contract-key needs --contract");
  if (parsed->positional().empty()) return UsageError(kMeasureUsage, "expected at least one path");
  RootDigest digest = RootDigest::kSha256;
  if (auto v = parsed->Get("digest")) {
    auto named = ParseRootDigest(*v);
    if (!named) return UsageError(kMeasureUsage, "--digest: " + named.error().message);
    digest = *named;
  }
  const HashOptions how = HashOptions::Only(digest);
  for (const std::string& path : parsed->positional()) {
    auto d = HashPath(path, how);
    if (!d) return Failed("measure: " + d.error().message);
    std::printf("%s %s\n", ToHex(d->Of(digest)).c_str(), path.c_str());
  }
  return std::fflush(stdout) == 0 ? kOk : Failed("measure: writing to stdout failed");
}

}  // namespace seattest
