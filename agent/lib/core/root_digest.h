// The digests a root partition can be sealed with (agent.yaml's root section, docs/formats.md):
// `sha256`, one SHA-256 over the whole partition (images sealed before issue 19), and
// `sha256-4m`, the chunked digest that every CPU can compute at once. Pure: names only.
//
// sha256-4m: the SHA-256 of the concatenation, over the partition's 4 MiB chunks in order (the
// last one may be shorter; an empty partition has none), of each chunk's SHA-256 as 64 lowercase
// hex digits followed by a line feed. With coreutils alone:
//   split -b 4194304 --filter='sha256sum | cut -c1-64' DEVICE | sha256sum
#pragma once

#include <cstdint>
#include <string_view>

#include "core/result.h"

namespace seattest {

enum class RootDigest { kSha256, kSha256_4m };

inline constexpr std::string_view kRootDigestSha256 = "sha256";
inline constexpr std::string_view kRootDigestSha256_4m = "sha256-4m";
// What `seal` writes when not told (an agent.yaml whose root section has `sha256:` was sealed
// with the flat digest, before sha256-4m existed or with --root-digest sha256).
inline constexpr RootDigest kDefaultRootDigest = RootDigest::kSha256_4m;

// sha256-4m's chunk: 4 MiB.
inline constexpr std::uint64_t kDigestChunkSize = std::uint64_t{4} << 20;

std::string_view RootDigestName(RootDigest digest);
// "sha256" or "sha256-4m"; anything else is an error naming both.
Result<RootDigest> ParseRootDigest(std::string_view text);

}  // namespace seattest
