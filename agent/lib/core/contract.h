// The contract, cidata/user-data (SPEC "Contract"): parsing and user-data.decrypted. Pure: token
// decryption is handed in, so this layer needs no key and no OpenSSL.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/bytes.h"
#include "core/limits_and_defaults.h"
#include "core/result.h"

namespace seattest {

// Decrypts one token (either prefix, core/token_format.h) to its plaintext.
using TokenDecryptor = std::function<Result<std::string>(std::string_view token)>;

// envWorkloadSignature, IBM's contract signature: RSASSA-PKCS1-v1_5 with SHA-256 over the workload
// token followed by the env token (as they stand in the contract, nothing between them), checked
// with env.signingKey. What the crypto layer needs to check it.
struct EnvWorkloadSignature {
  std::string signed_data;      // EnvWorkloadSignedData(workload token, env token)
  Bytes signature;              // envWorkloadSignature, base64-decoded
  std::string signing_key_pem;  // env.signingKey: a PEM public key or certificate
};

// The bytes envWorkloadSignature signs.
inline std::string EnvWorkloadSignedData(std::string_view workload_token, std::string_view env_token) {
  return std::string(workload_token) + std::string(env_token);
}

struct Contract {
  // The effective PEM of attestationPublicKey (PEM given as text, base64 of it, or a token), when
  // the contract has one. Not yet checked to be a key: that is the crypto layer's job.
  std::optional<std::string> attestation_public_key_pem;
  // When the contract has envWorkloadSignature: what it signs and the key to check it with. Not
  // yet checked: that is the crypto layer's job.
  std::optional<EnvWorkloadSignature> env_workload_signature;
  // user-data.decrypted: the contract, key by key in its order, tokens replaced by plaintext.
  std::string decrypted_text;
};


// What a token section's every failure past the token's form says, at boot: that the token
// cannot be decrypted, and that its plaintext is not what the section must hold, in one text. The
// token format has no MAC (AES-256-CBC): were "not valid YAML" (a wrong block that passed the AES
// padding check) told apart from "cannot be decrypted" (one that did not), the host that rewrites
// a token and reads the console would have a CBC padding oracle on its plaintext, one boot per
// query. The decryptor returns this text for its own failures past the form.
inline constexpr std::string_view kUnreadableTokenSection =
    "token cannot be decrypted with the contract key, or what it decrypts to is not what this section holds "
    "(it was made for another key, or altered)";

// How the errors about a token's plaintext read: kOpaque, the one kUnreadableTokenSection (the
// agent: the host reads them); kDetailed, what is wrong and where in the plaintext (the contract
// author's own check of what it just encrypted, which only its author sees).
enum class TokenErrors { kOpaque, kDetailed };

// attestationPublicKey's effective PEM from the section's value (PEM text, or base64 of PEM text):
// exactly one PEM block, not a private key. Not yet checked to be a key.
Result<std::string> EffectiveAttestationPublicKeyPem(std::string_view value);

// Every error names the contract key it is about. `source` names the file. The plaintext of a
// workload or env token must be one YAML document (or empty); the errors never quote it. With
// envWorkloadSignature, workload and env must both be tokens and env must have signingKey; env
// with signingKey needs envWorkloadSignature.
Result<Contract> ParseContract(std::string_view user_data, std::string_view source,
                               const TokenDecryptor& decrypt, TokenErrors token_errors = TokenErrors::kOpaque);

}  // namespace seattest
