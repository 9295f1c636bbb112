// A private key read from its PEM file, as `se-attest-agent`, `seal`, `contract`, `measure` do.
#pragma once

#include <cstddef>
#include <string>

#include "core/result.h"
#include "crypto/keys.h"
#include "crypto/ossl.h"
#include "crypto/secret.h"

namespace seattest {

inline constexpr std::size_t kMaxKeyFileSize = 64u << 10;

struct PrivateKeyFile {
  // Unencrypted PEM: the file as read, or, when the file was encrypted, the key written anew as
  // PKCS#8 PEM without a passphrase (`seal` copies it into the image: nobody types at boot).
  SecretBytes pem;
  EvpPkeyPtr key;
  bool was_encrypted = false;  // the file asked for a passphrase (and `pem` is not the file)
};

// Reads the PEM private key at `path` (PKCS#8 or traditional RSA, either encrypted with the
// passphrase from `passphrase`: crypto/keys.h PrivateKeyFromPem; at most kMaxKeyFileSize bytes, a
// regular file) and checks that it is RSA with at least `min_bits` bits, and exactly `exact_bits`
// when non-zero. Errors name the path; callers add which key it is.
Result<PrivateKeyFile> ReadPrivateKeyFile(const std::string& path, int min_bits, int exact_bits,
                                          PassphraseSource* passphrase = nullptr);

}  // namespace seattest
