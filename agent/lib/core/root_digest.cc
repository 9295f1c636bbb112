#include "core/root_digest.h"

#include <string>

namespace seattest {

std::string_view RootDigestName(RootDigest digest) {
  return digest == RootDigest::kSha256 ? kRootDigestSha256 : kRootDigestSha256_4m;
}

Result<RootDigest> ParseRootDigest(std::string_view text) {
  if (text == kRootDigestSha256) return RootDigest::kSha256;
  if (text == kRootDigestSha256_4m) return RootDigest::kSha256_4m;
  return MakeError("unknown digest '" + std::string(text) + "' (expected " + std::string(kRootDigestSha256) +
                   " or " + std::string(kRootDigestSha256_4m) + ")");
}

}  // namespace seattest
