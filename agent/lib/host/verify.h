// `se-attest verify`: the auditor's checks of a /var/hyperprotect folder (or a record and its
// signature) against public material and the build's reference values. Never touches the network;
// everything is done in-process with libcrypto. docs/auditing.md walks through it.
#pragma once

#include <ctime>
#include <string>
#include <vector>

#include "core/verify_report.h"

namespace seattest {

class PassphraseSource;

struct VerifyOptions {
  std::string folder;          // laid out like /var/hyperprotect; may be empty with record_path
  std::string record_path;     // overrides the folder's se-checksums.txt(.enc)
  std::string signature_path;  // overrides the folder's se-signature.bin
  std::vector<std::string> certs;  // candidate attestation certificates
  std::vector<std::string> chain;  // intermediates (PEM bundles)
  std::vector<std::string> cas;    // trust anchors (PEM bundles)
  std::vector<std::string> crls;   // PEM or DER
  std::string key_path;            // private key of attestationPublicKey, for .enc records
  PassphraseSource* passphrase = nullptr;  // of key_path when it is encrypted (crypto/keys.h)
  std::string reference_path;      // reference.yaml from `se-attest seal`
  std::string contract_path;       // the contract (cidata/user-data) the auditor expects
  std::string attestation_public_key_path;  // the auditor's own attestationPublicKey
  // The contract-encryption certificate (hpcr-2026 records: certificate_expiry_date.json's
  // encryption entry and the Encryption Certificate valid-until line).
  std::string contract_cert_path;
  std::string expect_cidata_dir;   // meta-data, user-data, vendor-data the auditor expects
  std::string machine;             // "Type/Plant/Serial"
  std::time_t at = 0;              // time to check certificate validity and the image age at
  // A record signed by a development image (outside Secure Execution; its attestation key is
  // not secret) fails unless the auditor asks for one.
  bool allow_development = false;
};

VerifyReport Verify(const VerifyOptions& options);

}  // namespace seattest
