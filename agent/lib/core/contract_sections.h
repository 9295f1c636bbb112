// The contract:* lines of an hpcr-2026 record (docs/formats.md "contract:* lines"): what each one
// hashes, defined over user-data.decrypted alone, so that the agent (which writes that file) and
// the auditor (who receives it) compute the same bytes. Pure: the hashing is the caller's.
//
// The rule: `contract:<key>` is the SHA-256 of
//   - attestationPublicKey: its effective PEM (PEM text, or base64 of PEM decoded), the bytes of
//     the folder's attestationPublicKey file (as in IBM's records); its section must be written
//     exactly as the agent writes it, so that nothing hides in it;
//   - workload, env, envWorkloadSignature: the section's own lines of user-data.decrypted, byte
//     for byte, from the line that starts with "<key>:" up to the next section's line or the end
//     of the file (for an encrypted section: "<key>: |" and its plaintext indented, as the agent
//     writes it; `se-attest measure --contract` prints the lines beforehand).
// Bytes, not values: two YAML readers may disagree on what odd bytes mean (a lone CR ends a
// comment for one and not the other), never on which bytes they are.
// Only the sections the contract has get a line, in the order workload, env,
// envWorkloadSignature, attestationPublicKey.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace seattest {

struct MeasuredSection {
  std::string key;   // "workload", "env", "envWorkloadSignature", "attestationPublicKey"
  std::string line;  // the record line's name: "contract:" + key
  std::string text;  // the bytes contract:<key> is the SHA-256 of
  bool operator==(const MeasuredSection&) const = default;
};

// From user-data.decrypted's text. Fails (naming the line) when it is not exactly one YAML mapping
// of the contract's known sections, each once, each starting a line of its own at column 0 with
// "<key>:", nothing before the first; or when attestationPublicKey is not PEM or base64 of PEM.
Result<std::vector<MeasuredSection>> MeasureContractSections(std::string_view decrypted);

}  // namespace seattest
