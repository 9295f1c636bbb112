// Boot steps 2, 10 and 11: the output folder cleared before anything is measured; the record
// rendered, signed and (when the contract asks) encrypted, all in memory; then the folder written,
// the record last.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "boot/cidata.h"
#include "boot/failure.h"
#include "boot/output.h"
#include "boot/step_log.h"
#include "core/bytes.h"
#include "core/config.h"
#include "core/contract.h"
#include "core/record.h"
#include "core/record_profile.h"
#include "core/token_format.h"
#include "crypto/ossl.h"

namespace seattest {

// Removes every file the agent writes from `dir`: a failed run must not leave an older record
// behind that could pass for this one's.
Outcome<void> ClearOutput(const std::string& dir);

struct SignedRecord {
  std::string text;                      // the plaintext record
  Bytes signature;                       // by the attestation key, over `text`
  std::optional<std::string> encrypted;  // `text` as a token for the contract's attestationPublicKey
};

// The record: `entries` (the hash lines the boot logged) laid out in the image's profile; for
// hpcr-2026 with the header lines: the image age from agent.yaml's build_time to `now` (the guest's
// clock), the two certificates' notAfter.
Outcome<Record> LayOutRecord(const AgentConfig& config, const std::string& machine,
                             const std::optional<CertificateExpiry>& certificates, UnixTime now,
                             std::vector<RecordEntry> entries);

// hpcr-2026: certificate_expiry_date.json's text, and its "measured" line.
struct CertificateExpiryFile {
  std::string text;
  StepLine line;
};
CertificateExpiryFile MakeCertificateExpiryFile(const CertificateExpiry& certificates);

// `recipient`: null when the contract has no attestationPublicKey (the record stays plain);
// otherwise the record is also encrypted for it, as a token with `token_prefix` (agent.yaml).
Outcome<SignedRecord> SignRecord(const Record& record, EVP_PKEY* attestation_key, EVP_PKEY* recipient,
                                 TokenPrefix token_prefix);

// What only hpcr-2026 folders have: certificate_expiry_date.json, and the SBOM when sealed with one.
struct ProfileFiles {
  std::optional<std::string> certificate_expiry;
  std::optional<std::string> sbom;
};

// The files of the output folder in the order they are written (core/output_layout.h): the
// cidata files, user-data.decrypted, ..., the signature before the record, the record last.
std::vector<OutputFile> OutputFiles(const AgentConfig& config, const CidataFiles& cidata, const Contract& contract,
                                    const ProfileFiles& profile_files, const SignedRecord& record);

// Writes `files` to `dir` (on failure, removes what it wrote); the line that says where the record
// is. `measurements`: the record's hash lines.
Outcome<StepLine> WriteRecord(const std::string& dir, const std::vector<OutputFile>& files, const SignedRecord& record,
                              std::size_t measurements);

}  // namespace seattest
