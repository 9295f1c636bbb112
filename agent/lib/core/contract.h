// The contract, cidata/user-data (SPEC "Contract"): parsing and user-data.decrypted. Pure: token
// decryption is handed in, so this layer needs no key and no OpenSSL.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace seattest {

// Decrypts one hyper-protect-basic token to its plaintext.
using TokenDecryptor = std::function<Result<std::string>(std::string_view token)>;

struct Contract {
  // The effective PEM of attestationPublicKey (PEM given as text, base64 of it, or a token), when
  // the contract has one. Not yet checked to be a key: that is the crypto layer's job.
  std::optional<std::string> attestation_public_key_pem;
  // user-data.decrypted: the contract, key by key in its order, tokens replaced by plaintext.
  std::string decrypted_text;
};

// Every error names the contract key it is about. `source` names the file.
Result<Contract> ParseContract(std::string_view user_data, std::string_view source,
                               const TokenDecryptor& decrypt);

}  // namespace seattest
