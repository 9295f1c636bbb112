#include "host/contract_lines.h"

#include <string>
#include <utility>

#include "core/contract.h"
#include "core/contract_sections.h"
#include "core/hex.h"
#include "crypto/contract_signature.h"
#include "crypto/keys.h"
#include "crypto/sha256.h"
#include "crypto/token.h"

namespace seattest {
namespace {

// The agent's decryption (boot/contract_step.cc) with the author's detail: this is the author's
// own contract and key, no host reads these errors.
TokenDecryptor DecryptWith(EVP_PKEY* contract_key) {
  return [contract_key](std::string_view token) -> Result<std::string> {
    if (contract_key == nullptr) {
      return MakeError("a token section: give --contract-key (the contract-encryption private key) to measure it");
    }
    auto plain = DecryptToken(contract_key, token);
    if (!plain) return plain.error();
    return std::string(plain->view());
  };
}

// What the agent checks besides the parse (boot/contract_step.cc): the signature, and the key the
// record would be encrypted for.
Status CheckAsTheAgentDoes(const Contract& contract, std::string_view source) {
  const std::string where = "contract " + std::string(source) + ": ";
  if (contract.env_workload_signature) {
    auto key = VerifyEnvWorkloadSignature(*contract.env_workload_signature);
    if (!key) return MakeError(where + key.error().message + " (the agent refuses this contract)");
  }
  if (const std::optional<std::string>& pem = contract.attestation_public_key_pem) {
    auto key = PublicKeyFromPem(*pem, "attestationPublicKey");
    if (!key) return MakeError(where + key.error().message + " (the agent refuses this contract)");
    if (auto s = RequireRecipientKey(key->get(), "attestationPublicKey"); !s) {
      return MakeError(where + s.error().message + " (the agent refuses this contract)");
    }
  }
  return {};
}

}  // namespace

Result<std::vector<RecordEntry>> MeasureContractLines(std::string_view user_data, std::string_view source,
                                                       EVP_PKEY* contract_key) {
  SEA_ASSIGN_OR_RETURN(Contract contract,
                       ParseContract(user_data, source, DecryptWith(contract_key), TokenErrors::kDetailed));
  SEA_RETURN_IF_ERROR(CheckAsTheAgentDoes(contract, source));
  auto sections = MeasureContractSections(contract.decrypted_text);
  if (!sections) return WithContext("contract " + std::string(source), sections.error());
  std::vector<RecordEntry> lines;
  for (const MeasuredSection& section : *sections) lines.push_back({Sha256Of(section.text), section.line});
  return lines;
}

std::string RenderContractLines(const std::vector<RecordEntry>& lines) {
  std::string out;
  for (const RecordEntry& line : lines) out += ToHex(line.digest) + " " + line.name + "\n";
  return out;
}

}  // namespace seattest
