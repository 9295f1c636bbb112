// The token's text form (SPEC "The hyper-protect-basic token"): `<prefix>.<A>.<B>`, pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/bytes.h"
#include "core/result.h"

namespace seattest {

// The two prefixes IBM's runtimes write (contract-go common/encrypt): `hyper-protect-basic` (HPVS,
// HPCR, CCCO) and `contract-basic` (CCRT, CCRV); the parts after it are made the same way. Both
// are read everywhere; whoever writes a token chooses its prefix.
enum class TokenPrefix { kHyperProtectBasic, kContractBasic };
inline constexpr TokenPrefix kDefaultTokenPrefix = TokenPrefix::kHyperProtectBasic;
inline constexpr std::string_view kTokenPrefixHyperProtectBasic = "hyper-protect-basic";
inline constexpr std::string_view kTokenPrefixContractBasic = "contract-basic";

// The prefix's name, without the dot: "hyper-protect-basic" or "contract-basic".
std::string_view TokenPrefixName(TokenPrefix prefix);
// A name as TokenPrefixName writes it; anything else is an error naming both.
Result<TokenPrefix> ParseTokenPrefix(std::string_view name);

inline constexpr std::string_view kOpensslSaltMagic = "Salted__";

struct TokenParts {
  Bytes encrypted_password;  // <A>: RSA PKCS#1 v1.5 ciphertext of the password
  Bytes encrypted_message;   // <B>: "Salted__" || salt(8) || AES-256-CBC ciphertext
  TokenPrefix prefix = kDefaultTokenPrefix;
};

// True when `text` has the token's shape (one of the two prefixes and its dot, two base64 parts);
// does not decode.
bool LooksLikeToken(std::string_view text);

// True when `text` starts with one of the prefixes and its dot (a token, or a malformed one).
bool StartsWithTokenPrefix(std::string_view text);

// Why `text` is almost a token but not one, when it is: it has a token's shape
// (`<prefix>.<base64>.<base64>`, a prefix of letters, digits and '-' with at least one '-') with a
// prefix that is neither of the two ("hyper-protect-flex", "Contract-Basic"), or it is a token
// with white space around it. Empty for a token and for anything else. A contract refuses such a
// value rather than read it as plain text.
std::optional<std::string> AlmostAToken(std::string_view text);

// Decodes a token; one trailing newline (as left by editors and `echo`) is accepted.
Result<TokenParts> ParseToken(std::string_view text);

std::string RenderToken(const TokenParts& parts);

}  // namespace seattest
