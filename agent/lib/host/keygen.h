// `se-attest keygen`: a development key set (root CA -> intermediate CA -> attestation and
// contract keys with their certificates). A set sealed into a development image (`seal
// --development`, which runs outside Secure Execution, so its keys are readable) is burnt for
// production: production images get a set of their own (docs/threat-model.md).
#pragma once

#include <string>
#include <vector>

#include "core/result.h"

namespace seattest {

// Writes DIR/root-ca.crt, intermediate-ca.crt, attestation.crt, attestation.key, contract.crt,
// contract.key; .key files 0600, certificates 0644. The CA private keys are not kept. Returns
// the paths written.
Result<std::vector<std::string>> Keygen(const std::string& dir, int key_bits = 4096);

}  // namespace seattest
