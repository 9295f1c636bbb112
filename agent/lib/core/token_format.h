// The hyper-protect-basic token's text form (SPEC "The hyper-protect-basic token"): pure.
#pragma once

#include <string>
#include <string_view>

#include "core/bytes.h"
#include "core/result.h"

namespace seattest {

inline constexpr std::string_view kTokenPrefix = "hyper-protect-basic.";
inline constexpr std::string_view kOpensslSaltMagic = "Salted__";

struct TokenParts {
  Bytes encrypted_password;  // <A>: RSA PKCS#1 v1.5 ciphertext of the password
  Bytes encrypted_message;   // <B>: "Salted__" || salt(8) || AES-256-CBC ciphertext
};

// True when `text` has the token's shape (prefix, two base64 parts); does not decode.
bool LooksLikeToken(std::string_view text);

// Decodes a token; one trailing newline (as left by editors and `echo`) is accepted.
Result<TokenParts> ParseToken(std::string_view text);

std::string RenderToken(const TokenParts& parts);

}  // namespace seattest
