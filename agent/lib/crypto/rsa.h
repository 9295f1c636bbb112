// RSA PKCS#1 v1.5: the record's signature (SHA-256) and the token's password encryption.
#pragma once

#include <string_view>

#include "core/bytes.h"
#include "core/result.h"
#include "crypto/ossl.h"
#include "crypto/secret.h"

namespace seattest {

// RSASSA-PKCS1-v1_5 over SHA-256 of `data` (what `openssl dgst -sha256 -sign` makes).
Result<Bytes> SignSha256(EVP_PKEY* key, std::string_view data);
// True when `signature` is a valid RSASSA-PKCS1-v1_5/SHA-256 signature of `data` by `key`.
Result<bool> VerifySha256(EVP_PKEY* key, std::string_view data, const Bytes& signature);

// RSAES-PKCS1-v1_5 (what `openssl pkeyutl -encrypt` makes).
Result<Bytes> RsaEncrypt(EVP_PKEY* key, const std::uint8_t* data, std::size_t size);
Result<SecretBytes> RsaDecrypt(EVP_PKEY* key, const Bytes& ciphertext);

}  // namespace seattest
