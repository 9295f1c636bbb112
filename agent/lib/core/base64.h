// Standard base64 (RFC 4648 section 4, '=' padding, never wrapped), as used in tokens.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/bytes.h"

namespace seattest {

std::string Base64Encode(const std::uint8_t* data, std::size_t size);
inline std::string Base64Encode(const Bytes& b) { return Base64Encode(b.data(), b.size()); }

// Strict decoding: only the standard alphabet, correct padding, length a multiple of 4.
// When `ignore_whitespace` is set, ASCII white space anywhere is skipped first (for base64 of a
// PEM pasted into YAML, which may be wrapped). nullopt on anything else.
std::optional<Bytes> Base64Decode(std::string_view text, bool ignore_whitespace = false);

}  // namespace seattest
