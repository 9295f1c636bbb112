// The output folder (SPEC "Output folder"), /var/hyperprotect in the guest: every name the agent
// writes, in one table. The agent writes in its order (boot/output), a run clears them all
// before it measures (the record first), and `se-attest verify` reads them with its limits.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

#include "core/limits_and_defaults.h"
#include "core/record.h"
#include "core/record_profile.h"

namespace seattest {

enum class OutputItem {
  kMetaData,
  kUserData,
  kVendorData,
  kDecryptedContract,
  kAttestationPublicKey,
  kCertificateExpiry,
  kSbom,
  kVersion,
  kCommitId,
  kReadme,
  kSignature,
  kRecord,
  kEncryptedRecord,
};

struct OutputEntry {
  OutputItem item;
  // Relative to the folder; at most one level deep, in kOutputSubfolder ("cidata/user-data").
  std::string_view name;
  // The record has a hash line for it, under this same name.
  bool record_line;
  unsigned mode;  // as written
  // Absent from some honest folders: vendor-data (not on the device), attestationPublicKey (no
  // such contract key), and one of the two records (the plain one or the encrypted one).
  bool optional;
  // The most the agent writes into it: `verify` refuses a larger file before reading it whole.
  // user-data.decrypted is bounded again by the folder's own user-data (MaxDecryptedContractSize).
  std::size_t max_size;
};

inline constexpr std::string_view kOutputSubfolder = "cidata";
inline constexpr std::size_t kMaxRecordFileSize = 256u << 10;  // HPCR's 25.x records are a few KiB
inline constexpr std::size_t kMaxSignatureFileSize = 4096;     // RSA up to 32768 bits

// In the order the agent writes them: the signature before the record, the record (one of the
// two) last. Cleared in the reverse order: the plain record first.
inline constexpr std::array<OutputEntry, 13> kOutputLayout{{
    {OutputItem::kMetaData, kNameMetaData, true, 0400, false, kMaxCidataFileSize},
    {OutputItem::kUserData, kNameUserData, true, 0400, false, kMaxCidataFileSize},
    {OutputItem::kVendorData, kNameVendorData, true, 0400, true, kMaxCidataFileSize},
    {OutputItem::kDecryptedContract, kNameDecryptedContract, false, 0400, false,
     MaxDecryptedContractSize(kMaxCidataFileSize)},
    {OutputItem::kAttestationPublicKey, kNameAttestationPublicKey, true, 0400, true, kMaxPublicKeyFileSize},
    // hpcr-2026 only (core/record_profile.h); sbom only for an image sealed with one.
    {OutputItem::kCertificateExpiry, kNameCertificateExpiry, true, 0400, true, kMaxCertificateExpiryJsonSize},
    {OutputItem::kSbom, kNameSbom, true, 0400, true, kMaxSbomSize},
    {OutputItem::kVersion, "se-version", false, 0400, false, kMaxConfigSize},
    {OutputItem::kCommitId, "se-commit-id", false, 0400, false, kMaxConfigSize},
    {OutputItem::kReadme, "README", false, 0444, false, 64u << 10},
    {OutputItem::kSignature, "se-signature.bin", false, 0400, false, kMaxSignatureFileSize},
    {OutputItem::kEncryptedRecord, "se-checksums.txt.enc", false, 0400, true, kMaxRecordFileSize},
    {OutputItem::kRecord, "se-checksums.txt", false, 0400, true, kMaxRecordFileSize},
}};

constexpr const OutputEntry& Output(OutputItem item) {
  for (const OutputEntry& e : kOutputLayout) {
    if (e.item == item) return e;
  }
  return kOutputLayout[0];  // unreachable: every item has its row
}
constexpr std::string_view OutputName(OutputItem item) { return Output(item).name; }

inline constexpr std::string_view kRecordFile = OutputName(OutputItem::kRecord);
inline constexpr std::string_view kEncryptedRecordFile = OutputName(OutputItem::kEncryptedRecord);
inline constexpr std::string_view kSignatureFile = OutputName(OutputItem::kSignature);
inline constexpr std::string_view kDecryptedContractFile = OutputName(OutputItem::kDecryptedContract);

}  // namespace seattest
