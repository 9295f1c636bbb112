// reference.yaml, the expected values `se-attest seal` writes for auditors (docs/formats.md):
// read back by `se-attest verify`. Strict, like agent.yaml: an unknown or repeated key is bad
// input, never a check silently turned off. Pure.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/record_profile.h"
#include "core/token_format.h"
#include "core/result.h"

namespace seattest {

// Which kind of image was sealed: a production image runs only under Secure Execution; a
// development one (`seal --development`) runs anywhere, so its attestation key is not secret.
enum class ImageKind { kProduction, kDevelopment };

inline constexpr std::string_view kImageKindProduction = "production";
inline constexpr std::string_view kImageKindDevelopment = "development";

std::string_view ImageKindName(ImageKind kind);

// The root partition as sealed: for the auditor's information (the record has no line for it).
struct ReferenceRootPartition {
  std::string device;
  std::optional<Sha256Digest> sha256;
  std::optional<Sha256Digest> sha256_4m;  // core/root_digest.h
  std::optional<std::uint64_t> size;
  std::string tarball;
};

// What the boot makes the real root on (seal --root-disk), for the auditor's information: the
// record has no line for it.
inline constexpr std::string_view kRealRootTmpfs = "tmpfs";
inline constexpr std::string_view kRealRootLuks2Disk = "luks2-disk";
struct ReferenceRealRoot {
  std::string kind;  // kRealRootTmpfs or kRealRootLuks2Disk
  std::string disk;  // the device spec (luks2-disk only)
};

struct Reference {
  std::string image_version;
  std::string commit_id;
  std::map<std::string, Sha256Digest> measurements;  // record name -> digest (baseimage, root.tar.gz)
  Sha256Digest attestation_public_key_sha256{};  // fingerprint of the signing key (required)
  ImageKind image_kind = ImageKind::kProduction;               // image_kind (required)
  // contract_signing_keys_sha256: the fingerprints of the keys the image accepts
  // envWorkloadSignature from (`seal --contract-signing-key`); empty: any signed or unsigned one.
  std::vector<Sha256Digest> contract_signing_keys;
  std::optional<ReferenceRootPartition> root_partition;
  std::optional<ReferenceRealRoot> real_root;
  // record_profile: which layout the image's records have. Absent from references sealed before
  // profiles existed: hpcr-2023.
  RecordProfile record_profile = RecordProfile::kHpcr2023;
  // token_prefix: the prefix of the image's encrypted records (se-checksums.txt.enc). Absent from
  // references sealed before prefixes were chosen: hyper-protect-basic.
  TokenPrefix token_prefix = kDefaultTokenPrefix;
  // hpcr-2026 (required with it, refused without): when seal ran (build_time, the Image age
  // line's origin), and the two certificates sealed into the initrd (certificates.encryption,
  // certificates.attestation: subject, sha256 of the DER certificate, not_after), which
  // certificate_expiry_date.json and the valid-until lines must match. measurements may then
  // also hold sbom (seal --sbom).
  std::optional<UnixTime> build_time;
  std::optional<CertificateExpiry> certificates;
};

// Errors name the file (`source`), the key and its line. At most kMaxYamlNodes nodes.
Result<Reference> ParseReference(std::string_view text, std::string_view source);

}  // namespace seattest
