// hyper-protect-basic tokens: encryption for a recipient's RSA key, decryption with its private
// key. Byte-compatible with `openssl enc -aes-256-cbc -pbkdf2` and IBM's decrypt script.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"
#include "crypto/ossl.h"
#include "crypto/secret.h"

namespace seattest {

inline constexpr int kTokenPasswordLength = 32;
inline constexpr int kTokenPbkdf2Iterations = 10000;

Result<std::string> EncryptToken(EVP_PKEY* recipient, std::string_view plaintext);

// The plaintext of a token (trailing newline tolerated). Errors say which stage failed: the
// token's form, the RSA layer (wrong key), or the AES layer.
Result<SecretBytes> DecryptToken(EVP_PKEY* key, std::string_view token);

// 32 characters from [A-Za-z0-9], uniform, from OpenSSL's CSPRNG.
Result<SecretBytes> RandomTokenPassword();

}  // namespace seattest
