// Boot step 8: the contract (cidata/user-data): parsed, its tokens decrypted with the contract key,
// its envWorkloadSignature verified, and the effective attestationPublicKey derived.
#pragma once

#include <vector>

#include "boot/failure.h"
#include "boot/step_log.h"
#include "core/bytes.h"
#include "core/contract.h"
#include "core/record_profile.h"
#include "crypto/ossl.h"

namespace seattest {

struct AcceptedContract {
  Contract contract;
  EvpPkeyPtr recipient;  // the contract's attestationPublicKey, when it has one: the record is encrypted for it
  // envWorkloadSignature verified, attestationPublicKey measured. Logged once the root partition is verified.
  StepLines lines;
};

// `pinned_signing_keys`: agent.yaml's contract_signing_keys_sha256 (empty: any key, and unsigned
// contracts too). The measured lines follow `profile`: hpcr-2023 has attestationPublicKey's,
// hpcr-2026 the contract:* lines (core/contract_sections.h), computed from user-data.decrypted as
// the agent writes it, so that the auditor computes the same from the file.
Outcome<AcceptedContract> ReadContract(const Bytes& user_data, EVP_PKEY* contract_key,
                                       const std::vector<Sha256Digest>& pinned_signing_keys, RecordProfile profile);

}  // namespace seattest
