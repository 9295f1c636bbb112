// `se-attest measure --contract`: the contract:* lines an hpcr-2026 record holds for a contract
// (docs/formats.md "contract:* lines"), for its author to know beforehand what the auditor will
// see. The contract is read as the agent reads it: its tokens decrypted with the contract key,
// user-data.decrypted built by the same code (core/contract.h), its lines by the same rule
// (core/contract_sections.h).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/record.h"
#include "core/result.h"
#include "crypto/ossl.h"

namespace seattest {

// The lines for the contract `user_data` (`source` names it in errors), in the record's order.
// `contract_key`: the contract-encryption private key; null: a contract with a token section is
// an error naming the section. A contract the agent would refuse (a bad envWorkloadSignature, an
// attestationPublicKey it cannot encrypt for) is an error too: no record would hold its lines.
Result<std::vector<RecordEntry>> MeasureContractLines(std::string_view user_data, std::string_view source,
                                                       EVP_PKEY* contract_key);

// "<sha256 hex> contract:<key>\n" per line (the record's hash-line format).
std::string RenderContractLines(const std::vector<RecordEntry>& lines);

}  // namespace seattest
