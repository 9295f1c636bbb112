// Boot steps 1 and 3: the configuration (agent.yaml) and the two private keys it names (and, with
// hpcr-2026, their certificates).
#pragma once

#include <optional>
#include <string>

#include "boot/agent.h"
#include "boot/failure.h"
#include "core/config.h"
#include "core/record_profile.h"
#include "crypto/ossl.h"

namespace seattest {

struct Configuration {
  AgentConfig agent;       // agent.yaml as read
  std::string dir;         // its folder: the paths in it are relative to it
  std::string output_dir;  // --output, or agent.yaml's output_dir
};

// agent.yaml at --config (strict: an unknown key is an error).
Outcome<Configuration> LoadConfiguration(const AgentOptions& options);

struct Keys {
  EvpPkeyPtr attestation;  // signs the record (RSA-4096 exactly)
  EvpPkeyPtr contract;     // decrypts the contract's tokens (RSA, at least kMinRsaKeyBits)
  // hpcr-2026: the certificates of the two keys sealed beside them, as the record states them
  // (certificate_expiry_date.json, the valid-until lines). Absent for hpcr-2023.
  std::optional<CertificateExpiry> certificates;
};

// The two keys, and with hpcr-2026 their certificates, each checked to certify its key.
Outcome<Keys> LoadKeys(const Configuration& config);

}  // namespace seattest
