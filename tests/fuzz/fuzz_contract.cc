// libFuzzer target: the contract parser, seattest::ParseContract (cidata/user-data), and the
// contract:* lines' inputs of what it accepts (MeasureContractSections).
//
// The first byte picks what the TokenDecryptor handed to the parser does, the rest is user-data:
//   odd               decryption fails (the error path: the contract key does not fit)
//   even, bit 1 clear the "plaintext" is the token's text itself
//   even, bit 1 set   the "plaintext" is the base64 decoding of the token's last part (the token's
//                     text itself when that is not base64), so the fuzzer controls what a section
//                     decrypts to: an env with signingKey (envWorkloadSignature extraction), an
//                     attestationPublicKey token holding PEM, or a section that is not YAML.
// Seeds carry that byte as an ASCII prefix: '0' (text itself), '1' (error), '2' (decoded).
// No exception is caught here: one escaping the library is a finding.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/base64.h"
#include "core/contract.h"
#include "core/contract_sections.h"

namespace {

seattest::Result<std::string> Decrypt(std::uint8_t mode, std::string_view token) {
  if (mode & 1) return seattest::MakeError("fuzz: the contract key does not fit this token");
  if (mode & 2) {
    const std::size_t dot = token.rfind('.');
    if (dot != std::string_view::npos) {
      if (auto plain = seattest::Base64Decode(token.substr(dot + 1))) {
        return std::string(seattest::AsText(*plain));
      }
    }
  }
  return std::string(token);
}

bool StartsWithPem(std::string_view s) {
  const std::size_t first = s.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos && s.substr(first, 11) == "-----BEGIN ";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::uint8_t mode = data[0];
  const std::string_view user_data(reinterpret_cast<const char*>(data + 1), size - 1);
  const seattest::TokenDecryptor decrypt = [mode](std::string_view token) { return Decrypt(mode, token); };
  auto contract = seattest::ParseContract(user_data, "user-data", decrypt);
  if (!contract.ok()) {
    if (contract.error().message.empty()) __builtin_trap();
    return 0;
  }
  // What the crypto layer is promised: a PEM to load, a signature and its key to check.
  if (contract->attestation_public_key_pem && !StartsWithPem(*contract->attestation_public_key_pem)) {
    __builtin_trap();
  }
  if (const auto& sig = contract->env_workload_signature) {
    if (sig->signature.empty() || !StartsWithPem(sig->signing_key_pem) || sig->signed_data.empty()) {
      __builtin_trap();
    }
  }
  // Every contract the agent accepts has the contract:* lines of an hpcr-2026 record, computed from
  // the user-data.decrypted it writes, and the attestationPublicKey line is the effective PEM.
  auto sections = seattest::MeasureContractSections(contract->decrypted_text);
  if (!sections.ok()) __builtin_trap();
  for (const seattest::MeasuredSection& s : *sections) {
    if (s.key == "attestationPublicKey" && s.text != *contract->attestation_public_key_pem) __builtin_trap();
  }
  return 0;
}
