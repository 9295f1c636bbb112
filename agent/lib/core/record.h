// The attestation record, se-checksums.txt (SPEC "Record format"): pure text, no I/O.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/result.h"

namespace seattest {

// Names of the record's hash lines, in the order the agent writes them.
inline constexpr std::string_view kNameBaseimage = "baseimage";
inline constexpr std::string_view kNameRootTarball = "root.tar.gz";
inline constexpr std::string_view kNameCidataDevice = "/dev/disk/by-label/cidata";
inline constexpr std::string_view kNameMetaData = "cidata/meta-data";
inline constexpr std::string_view kNameUserData = "cidata/user-data";
inline constexpr std::string_view kNameVendorData = "cidata/vendor-data";
inline constexpr std::string_view kNameAttestationPublicKey = "attestationPublicKey";
// Only in hpcr-2026 records (core/record_profile.h): a file the agent writes, the image's SBOM
// (also a file), and the contract's sections (docs/formats.md "contract:* lines").
inline constexpr std::string_view kNameCertificateExpiry = "certificate_expiry_date.json";
inline constexpr std::string_view kNameSbom = "sbom";
inline constexpr std::string_view kContractLinePrefix = "contract:";
inline constexpr std::string_view kNameContractWorkload = "contract:workload";
inline constexpr std::string_view kNameContractEnv = "contract:env";
inline constexpr std::string_view kNameContractEnvWorkloadSignature = "contract:envWorkloadSignature";
inline constexpr std::string_view kNameContractAttestationPublicKey = "contract:attestationPublicKey";
// Only in HPCR 23.x records: the agent writes the file (core/output_layout.h), not a line.
inline constexpr std::string_view kNameDecryptedContract = "user-data.decrypted";

// The header line, right after the machine line, of a record signed by an image sealed with
// `se-attest seal --development`: such an image runs outside Secure Execution, so its attestation
// key is readable by whoever holds the image. HPCR's parsers skip header lines they do not know;
// `se-attest verify` fails such a record unless the auditor passes --allow-development.
inline constexpr std::string_view kDevelopmentHeaderLine =
    "Development image: not protected by Secure Execution, its attestation key is not secret";

struct RecordEntry {
  Sha256Digest digest{};
  std::string name;
  bool operator==(const RecordEntry&) const = default;
};

struct Record {
  std::vector<std::string> header;  // free text lines before the hash lines (version first)
  std::vector<RecordEntry> entries;
  // False when the text read did not end with '\n' (the real HPCR 25.11.0 example does not); the
  // agent always ends its records with one.
  bool final_newline = true;
  bool operator==(const Record&) const = default;
};

// The record as the agent writes it: version, machine line, kDevelopmentHeaderLine when the
// image was sealed with --development, then the hash lines.
Record MakeRecord(std::string_view version, std::string_view machine,
                  std::vector<RecordEntry> entries, bool development_image = false);

// Exact bytes: every line ends in '\n'. Fails when a line would contain a newline or a hash
// line's name is empty.
Result<std::string> RenderRecord(const Record& record);

// Reads a record back (SPEC format and real HPCR records): header lines, then only
// "<64 lowercase hex> <name>" lines (exactly one space). A missing final '\n' is recorded in
// `final_newline`, not an error: real records are signed that way.
Result<Record> ParseRecord(std::string_view text);

inline constexpr std::string_view kMachineLinePrefix = "Machine Type/Plant/Serial: ";

// The auditor's reading of a record (`se-attest verify`): everything ParseRecord checks, plus no
// duplicate names, at least one hash line, a well-formed machine line when there is one, and no
// line that is almost a hash line (upper-case hex, a tab). `problems` make the syntax check fail;
// `notes` are reported, not fatal: names outside the SPEC (real HPCR records have more), no machine
// line (HPCR 23.x records have none), a last hash line without its '\n' (real 25.x records).
struct RecordLint {
  Record record;                      // what was read (empty when a problem stopped the reading)
  std::string machine;                // "Type/Plant/Serial" from the machine line, or empty
  std::vector<std::string> problems;
  std::vector<std::string> notes;
};
RecordLint LintRecord(std::string_view text);

// True for the names the records of both profiles hold (core/record_profile.h), and
// user-data.decrypted (in HPCR 23.x records).
bool IsKnownRecordName(std::string_view name);

}  // namespace seattest
