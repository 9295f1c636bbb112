#include "boot/contract_step.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>

#include "core/contract_sections.h"
#include "core/hex.h"
#include "core/output_layout.h"
#include "crypto/contract_signature.h"
#include "crypto/keys.h"
#include "crypto/sha256.h"
#include "crypto/token.h"

namespace seattest {
namespace {

TokenDecryptor DecryptWith(EVP_PKEY* contract_key) {
  return [contract_key](std::string_view token) -> Result<std::string> {
    auto plain = DecryptToken(contract_key, token);
    // One text for every failure past the token's form, whatever failed (the host reads the
    // console: no padding oracle); a malformed token says what is wrong with its form.
    if (!plain && IsUndecryptableToken(plain.error())) return MakeError(std::string(kUnreadableTokenSection));
    if (!plain) return MakeError("token cannot be decrypted with the contract key: " + plain.error().message);
    return std::string(plain->view());
  };
}

// envWorkloadSignature, when the contract has one, verified with env.signingKey; and when the
// image was sealed with --contract-signing-key, that key must be one of those sealed, and an
// unsigned contract is refused: env.signingKey travels inside env, so without such a pin anyone
// can pair the owner's workload with an env (and a key) of their own. The line that says so; none
// for an unsigned contract that may be unsigned.
Outcome<std::optional<StepLine>> CheckEnvWorkloadSignature(const Contract& contract,
                                                           const std::vector<Sha256Digest>& pinned) {
  const std::string where = "contract " + std::string(kNameUserData) + ": ";
  const std::string item = "envWorkloadSignature";
  std::string allowed;
  for (const Sha256Digest& d : pinned) allowed += (allowed.empty() ? "" : ",") + ToHex(d);
  const std::string allowed_text = pinned.size() == 1 ? "the key " + allowed : "one of the keys " + allowed;
  if (!contract.env_workload_signature) {
    if (pinned.empty()) return std::optional<StepLine>();
    return Fail(FailureClass::kContract,
                where + "no envWorkloadSignature, but this image accepts only contracts signed with " + allowed_text +
                    " (sha256 of the signing key)",
                item, allowed, "none");
  }
  auto key = VerifyEnvWorkloadSignature(*contract.env_workload_signature);
  if (!key) return Fail(FailureClass::kContract, where + key.error().message, item);
  const std::string found = ToHex(*key);
  const bool is_pinned = std::find(pinned.begin(), pinned.end(), *key) != pinned.end();
  if (!pinned.empty() && !is_pinned) {
    return Fail(FailureClass::kContract,
                where + "envWorkloadSignature is made with env.signingKey " + found +
                    ", but this image accepts only contracts signed with " + allowed_text + " (sha256 of the signing key)",
                item, allowed, found);
  }
  LogFields fields{{"SE_ATTEST_ITEM", item}, {"SE_ATTEST_ACTUAL", found}};
  if (is_pinned) fields.emplace_back("SE_ATTEST_EXPECTED", allowed);
  return std::optional<StepLine>(InfoLine(message_id::kMeasured,
                                          where + "envWorkloadSignature verified with env.signingKey (key sha256 " +
                                              found + ")" + (is_pinned ? ", a contract signing key sealed into the image" : ""),
                                          std::move(fields)));
}

// The contract's attestationPublicKey, which the record is encrypted for: one that protects
// nothing (e = 1), or so large that encrypting stalls the boot, is an invalid contract like any
// other bad key.
Outcome<EvpPkeyPtr> RecipientKey(const std::string& pem) {
  const std::string where = std::string(kNameUserData) + ": attestationPublicKey";
  auto key = PublicKeyFromPem(pem, where);
  if (!key) return Fail(FailureClass::kContract, "contract " + key.error().message, "attestationPublicKey");
  if (auto s = RequireRecipientKey(key->get(), where); !s) {
    return Fail(FailureClass::kContract, "contract " + s.error().message, "attestationPublicKey");
  }
  return std::move(*key);
}

}  // namespace

Outcome<AcceptedContract> ReadContract(const Bytes& user_data, EVP_PKEY* contract_key,
                                       const std::vector<Sha256Digest>& pinned_signing_keys, RecordProfile profile) {
  auto contract = ParseContract(AsText(user_data), kNameUserData, DecryptWith(contract_key));
  if (!contract) return Fail(FailureClass::kContract, contract.error().message, std::string(kNameUserData));
  AcceptedContract accepted{std::move(*contract), nullptr, {}};
  SEA_ASSIGN_OR_RETURN(std::optional<StepLine> signature, CheckEnvWorkloadSignature(accepted.contract, pinned_signing_keys));
  if (signature) accepted.lines.push_back(std::move(*signature));
  if (const std::optional<std::string>& pem = accepted.contract.attestation_public_key_pem) {
    SEA_ASSIGN_OR_RETURN(accepted.recipient, RecipientKey(*pem));
    if (profile == RecordProfile::kHpcr2023) {
      accepted.lines.push_back(MeasuredLine(kNameAttestationPublicKey, Sha256Of(*pem), "the contract"));
    }
  }
  if (profile == RecordProfile::kHpcr2026) {
    auto sections = MeasureContractSections(accepted.contract.decrypted_text);
    if (!sections) {
      return Fail(FailureClass::kContract, "contract " + std::string(kNameUserData) + ": " + sections.error().message,
                  std::string(kNameUserData));
    }
    for (const MeasuredSection& section : *sections) {
      accepted.lines.push_back(MeasuredLine(section.line, Sha256Of(section.text), std::string(kDecryptedContractFile)));
    }
  }
  return accepted;
}

}  // namespace seattest
