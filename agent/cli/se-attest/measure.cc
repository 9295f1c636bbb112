// se-attest measure: SHA-256 of files or block devices, in the record's format. Options here, the work in the library.
#include <cstdio>
#include <string>
#include <vector>

#include "core/hex.h"
#include "platform/hash_path.h"
#include "verb.h"

namespace seattest {
namespace {

constexpr const char* kMeasureUsage =
    "usage: se-attest measure PATH...\n"
    "\n"
    "Prints '<sha256> <PATH>' for each file or block device, as in the record. Nothing is signed.\n";

}  // namespace

int MeasureVerb(const std::vector<std::string>& args) {
  int code = kOk;
  auto parsed = Parse(args, {}, kMeasureUsage, &code);
  if (!parsed) return code;
  if (parsed->positional().empty()) return UsageError(kMeasureUsage, "expected at least one path");
  for (const std::string& path : parsed->positional()) {
    auto d = HashPath(path);
    if (!d) return Failed("measure: " + d.error().message);
    std::printf("%s %s\n", ToHex(d->digest).c_str(), path.c_str());
  }
  return std::fflush(stdout) == 0 ? kOk : Failed("measure: writing to stdout failed");
}

}  // namespace seattest
