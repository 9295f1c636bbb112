// `se-attest contract`: the contract author's side of cidata/user-data. Builds a contract from a
// workload file and an env file (YAML mappings): sections as tokens (either prefix) for the
// contract certificate or as plain YAML, attestationPublicKey in one of its three forms, and
// envWorkloadSignature as IBM documents it.
#pragma once

#include <ctime>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/token_format.h"

namespace seattest {

class PassphraseSource;

enum class AttestationKeyForm { kPem, kBase64, kToken };

// "pem", "base64" or "token".
Result<AttestationKeyForm> ParseAttestationKeyForm(std::string_view text);

struct ContractAuthorOptions {
  std::string workload_file;  // a YAML mapping
  std::string env_file;       // a YAML mapping
  // The contract certificate (or PEM public key): workload and env become tokens for its key.
  // Empty: they are written as plain YAML.
  std::string encrypt_for;
  TokenPrefix token_prefix = kDefaultTokenPrefix;  // the prefix of the tokens made for encrypt_for
  std::string attestation_public_key_file;  // a PEM RSA public key; empty: none
  AttestationKeyForm attestation_key_form = AttestationKeyForm::kPem;
  // A PEM RSA private key: adds envWorkloadSignature, and its public half to env as signingKey.
  // Empty: no signature.
  std::string signing_key_file;
  PassphraseSource* passphrase = nullptr;  // of signing_key_file when it is encrypted (crypto/keys.h)
  // When to judge the dates of the encrypt_for certificate; 0: the current time.
  std::time_t now = 0;
};

struct AuthoredContract {
  std::string text;                // the contract (YAML)
  bool plaintext_sections = false;  // workload and env are plain YAML (they may hold secrets)
  // One line each, for the caller to print: the encrypt_for certificate is expired or not yet
  // valid (the contract is still made; the runtime may refuse it).
  std::vector<std::string> warnings;
};

// The option combinations that cannot work: the token form or a signature without encrypt_for.
Status CheckContractOptions(const ContractAuthorOptions& options);

// Reads and checks every input, builds the contract, and reads it back as the agent does
// (ParseContract, attestationPublicKey's key, the signature) before returning it. Writes nothing.
// Errors name the option or file and what is wrong; private key material never appears in them.
Result<AuthoredContract> AuthorContract(const ContractAuthorOptions& options);

}  // namespace seattest
