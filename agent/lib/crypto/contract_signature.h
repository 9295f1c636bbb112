// envWorkloadSignature, IBM's contract signature: made by `se-attest contract`, checked by the
// agent. RSASSA-PKCS1-v1_5 with SHA-256 over the workload token followed by the env token, base64
// on one line (what `openssl dgst -sha256 -sign` makes of the two concatenated).
#pragma once

#include <string>
#include <string_view>

#include "core/contract.h"
#include "core/limits_and_defaults.h"
#include "core/result.h"
#include "crypto/ossl.h"

namespace seattest {

// envWorkloadSignature for the two tokens, signed with `signing_key` (RSA, at least kMinSigningKeyBits).
Result<std::string> SignEnvWorkload(EVP_PKEY* signing_key, std::string_view workload_token,
                                    std::string_view env_token);

// Checks the signature with env.signingKey (RSA, at least kMinSigningKeyBits); returns the key's
// fingerprint (SHA-256 of its DER SubjectPublicKeyInfo). The error says which of the two is wrong:
// "env.signingKey: ..." or "envWorkloadSignature: ...".
Result<Sha256Digest> VerifyEnvWorkloadSignature(const EnvWorkloadSignature& signature);

}  // namespace seattest
