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

// RSAES-PKCS1-v1_5 decryption with implicit rejection (no padding oracle): the message, or
// `replacement` when `ciphertext` does not decrypt to a valid type 2 block holding a non-empty
// message (or cannot be decrypted at all: too long, not below the modulus). The caller cannot
// tell the two apart, and the padding is checked without a branch or a memory index that depends
// on it (Pkcs1Type2MessageOr). An error only when the key cannot decrypt at all (not RSA), or
// when `replacement` is empty or longer than the key's largest message; OpenSSL's error queue is
// left empty.
Result<SecretBytes> RsaDecryptOr(EVP_PKEY* key, const Bytes& ciphertext, const SecretBytes& replacement);

// The constant-time heart of RsaDecryptOr, over bytes: `em` is the raw RSA output (the modulus'
// size, k bytes). Returns the message of a valid PKCS#1 v1.5 type 2 block (00 02, at least 8
// non-zero padding bytes, 00, a non-empty message), else a copy of `replacement`. Which of the
// two, and where the message starts, decide no branch and no memory index: the time taken and
// the memory touched depend only on k, the replacement's size and (through the length of the
// result) the length of what is returned. Needs 0 < replacement.size() <= k - 11; else returns
// the replacement.
SecretBytes Pkcs1Type2MessageOr(const SecretBytes& em, const SecretBytes& replacement);

}  // namespace seattest
