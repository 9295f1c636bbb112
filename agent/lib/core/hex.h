// Lower-case hexadecimal, as in sha256sum and the record.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/bytes.h"

namespace seattest {

std::string ToHex(const std::uint8_t* data, std::size_t size);
inline std::string ToHex(const Sha256Digest& d) { return ToHex(d.data(), d.size()); }
inline std::string ToHex(const Bytes& b) { return ToHex(b.data(), b.size()); }

// Parses exactly 64 hex digits (either case) into a digest; nullopt otherwise.
std::optional<Sha256Digest> ParseSha256Hex(std::string_view text);

}  // namespace seattest
