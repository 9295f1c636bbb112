// A private key read from its PEM file, as `se-attest-agent`, `seal` and `contract` all do.
#pragma once

#include <cstddef>
#include <string>

#include "core/result.h"
#include "crypto/ossl.h"
#include "crypto/secret.h"

namespace seattest {

inline constexpr std::size_t kMaxKeyFileSize = 64u << 10;

struct PrivateKeyFile {
  SecretBytes pem;  // as read: `seal` copies it into the image
  EvpPkeyPtr key;
};

// Reads the PEM private key at `path` (PKCS#8 or traditional RSA, at most kMaxKeyFileSize bytes,
// a regular file) and checks that it is RSA with at least `min_bits` bits, and exactly
// `exact_bits` when non-zero. Errors name the path; callers add which key it is.
Result<PrivateKeyFile> ReadPrivateKeyFile(const std::string& path, int min_bits, int exact_bits);

}  // namespace seattest
