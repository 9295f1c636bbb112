// Tokens (hyper-protect-basic or contract-basic, core/token_format.h): encryption for a recipient's RSA key, decryption with its private
// key. Byte-compatible with `openssl enc -aes-256-cbc -pbkdf2` and IBM's decrypt script.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"
#include "core/token_format.h"
#include "crypto/ossl.h"
#include "crypto/secret.h"

namespace seattest {

inline constexpr int kTokenPasswordLength = 32;
inline constexpr int kTokenPbkdf2Iterations = 10000;

// A token of `plaintext` for `recipient`, written with `prefix` (whoever writes one chooses it).
Result<std::string> EncryptToken(EVP_PKEY* recipient, std::string_view plaintext, TokenPrefix prefix);

// DecryptToken's one error for every failure after the token's form was read: the RSA layer
// (padding), PBKDF2 or the AES layer (padding). The same text whatever failed and no OpenSSL
// reason, so that whoever reads it (the host reads the agent's console) learns nothing it could
// use as a padding oracle against the key.
inline constexpr std::string_view kTokenUndecryptable =
    "token: cannot be decrypted with this key (it was made for another key, or altered)";

// The plaintext of a token (trailing newline tolerated). Errors: the token's form ("token:
// ..."), else kTokenUndecryptable. <A> is decrypted with implicit rejection (rsa.h
// RsaDecryptOr): a bad PKCS#1 v1.5 block goes on with a replacement password, so it fails in the
// AES layer like a good block with a wrong <B>, with the same work done.
Result<SecretBytes> DecryptToken(EVP_PKEY* key, std::string_view token);

// True for DecryptToken's kTokenUndecryptable (not a format error).
bool IsUndecryptableToken(const Error& error);

// 32 characters from [A-Za-z0-9], uniform, from OpenSSL's CSPRNG.
Result<SecretBytes> RandomTokenPassword();

}  // namespace seattest
