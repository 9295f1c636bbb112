#include "crypto/contract_signature.h"

#include "core/base64.h"
#include "crypto/keys.h"
#include "crypto/rsa.h"

namespace seattest {

Result<std::string> SignEnvWorkload(EVP_PKEY* signing_key, std::string_view workload_token,
                                    std::string_view env_token) {
  SEA_RETURN_IF_ERROR(RequireRsa(signing_key, kMinSigningKeyBits, 0, "the signing key"));
  SEA_ASSIGN_OR_RETURN(Bytes signature, SignSha256(signing_key, EnvWorkloadSignedData(workload_token, env_token)));
  return Base64Encode(signature);
}

Result<Sha256Digest> VerifyEnvWorkloadSignature(const EnvWorkloadSignature& signature) {
  auto key = PublicKeyFromPem(signature.signing_key_pem, "env.signingKey");
  if (!key) return key.error();
  SEA_RETURN_IF_ERROR(RequireRsa(key->get(), kMinSigningKeyBits, 0, "env.signingKey"));
  auto ok = VerifySha256(key->get(), signature.signed_data, signature.signature);
  if (!ok) return WithContext("envWorkloadSignature", ok.error());
  if (!*ok) {
    return MakeError("envWorkloadSignature: does not verify with env.signingKey over the workload and env tokens "
                     "(altered sections, or signed by another key)");
  }
  return PublicKeyFingerprint(key->get());
}

}  // namespace seattest
