#include "core/reference.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>

#include "core/hex.h"
#include "core/record.h"
#include "core/yaml_map.h"
#include "core/yaml_text.h"

namespace seattest {
namespace {

std::string LineOf(const YAML::Node& node) { return " (line " + std::to_string(node.Mark().line + 1) + ")"; }

Result<std::string> TextAt(const YAML::Node& node, const std::string& key) {
  if (!node.IsScalar() || node.Scalar().empty()) return MakeError(key + ": expected a non-empty string" + LineOf(node));
  return node.Scalar();
}

Result<Sha256Digest> DigestAt(const YAML::Node& node, const std::string& key) {
  if (!node.IsScalar()) return MakeError(key + ": expected 64 hex digits" + LineOf(node));
  auto digest = ParseSha256Hex(node.Scalar());
  if (!digest) {
    return MakeError(key + ": expected 64 hex digits, found '" + node.Scalar().substr(0, 70) + "'" + LineOf(node));
  }
  return *digest;
}

Result<ReferenceRootPartition> RootPartitionAt(const YAML::Node& node) {
  SEA_RETURN_IF_ERROR(CheckMapKeys(node, "root_partition.", {"device", "sha256", "sha256-4m", "size", "tarball"}));
  ReferenceRootPartition root;
  if (const YAML::Node n = node["device"]) {
    SEA_ASSIGN_OR_RETURN(root.device, TextAt(n, "root_partition.device"));
  }
  if (const YAML::Node n = node["sha256"]) {
    SEA_ASSIGN_OR_RETURN(root.sha256, DigestAt(n, "root_partition.sha256"));
  }
  if (const YAML::Node n = node["sha256-4m"]) {
    SEA_ASSIGN_OR_RETURN(root.sha256_4m, DigestAt(n, "root_partition.sha256-4m"));
  }
  if (const YAML::Node n = node["tarball"]) {
    SEA_ASSIGN_OR_RETURN(root.tarball, TextAt(n, "root_partition.tarball"));
  }
  if (const YAML::Node n = node["size"]) {
    SEA_ASSIGN_OR_RETURN(std::string text, TextAt(n, "root_partition.size"));
    if (text.size() > 19 || text.find_first_not_of("0123456789") != std::string::npos) {
      return MakeError("root_partition.size: expected a number of bytes" + LineOf(n));
    }
    root.size = std::stoull(text);
  }
  return root;
}

Result<ReferenceRealRoot> RealRootAt(const YAML::Node& node) {
  SEA_RETURN_IF_ERROR(CheckMapKeys(node, "real_root.", {"kind", "disk"}));
  ReferenceRealRoot real;
  const YAML::Node kind = node["kind"];
  if (!kind) return MakeError("real_root.kind: missing" + LineOf(node));
  SEA_ASSIGN_OR_RETURN(real.kind, TextAt(kind, "real_root.kind"));
  if (real.kind != kRealRootTmpfs && real.kind != kRealRootLuks2Disk) {
    return MakeError("real_root.kind: expected " + std::string(kRealRootTmpfs) + " or " +
                     std::string(kRealRootLuks2Disk) + LineOf(kind));
  }
  const YAML::Node disk = node["disk"];
  if ((real.kind == kRealRootLuks2Disk) != static_cast<bool>(disk)) {
    return MakeError("real_root.disk: given exactly when real_root.kind is " + std::string(kRealRootLuks2Disk) +
                     LineOf(node));
  }
  if (disk) {
    SEA_ASSIGN_OR_RETURN(real.disk, TextAt(disk, "real_root.disk"));
  }
  return real;
}

// certificates.<role>: subject, sha256, not_after.
Result<CertificateValidity> CertificateAt(const YAML::Node& node, const std::string& key) {
  if (!node.IsMap()) return MakeError(key + ": expected a mapping" + LineOf(node));
  SEA_RETURN_IF_ERROR(CheckMapKeys(node, key + ".", {"subject", "sha256", "not_after"}));
  CertificateValidity v;
  for (const char* field : {"subject", "sha256", "not_after"}) {
    if (!node[field]) return MakeError(key + "." + field + ": missing" + LineOf(node));
  }
  SEA_ASSIGN_OR_RETURN(v.subject, TextAt(node["subject"], key + ".subject"));
  SEA_ASSIGN_OR_RETURN(v.sha256, DigestAt(node["sha256"], key + ".sha256"));
  SEA_ASSIGN_OR_RETURN(std::string when, TextAt(node["not_after"], key + ".not_after"));
  auto t = ParseIso8601(when);
  if (!t) return MakeError(key + ".not_after: " + t.error().message + LineOf(node["not_after"]));
  v.not_after = *t;
  return v;
}

// record_profile, build_time, certificates: all three with hpcr-2026, none with hpcr-2023.
Status ProfileAt(const YAML::Node& root, Reference& ref) {
  if (const YAML::Node p = root["record_profile"]) {
    SEA_ASSIGN_OR_RETURN(std::string text, TextAt(p, "record_profile"));
    auto profile = ParseRecordProfile(text);
    if (!profile) return MakeError("record_profile: " + profile.error().message + LineOf(p));
    ref.record_profile = *profile;
  }
  const bool modern = ref.record_profile == RecordProfile::kHpcr2026;
  const std::string profile(RecordProfileName(ref.record_profile));
  for (const char* key : {"build_time", "certificates"}) {
    if (modern && !root[key]) return MakeError(std::string(key) + ": missing (record_profile " + profile + ")");
    if (!modern && root[key]) return MakeError(std::string(key) + ": only with record_profile " + std::string(kRecordProfileHpcr2026));
  }
  if (!modern && root["measurements"] && root["measurements"][std::string(kNameSbom)]) {
    return MakeError("measurements.sbom: only with record_profile " + std::string(kRecordProfileHpcr2026));
  }
  if (!modern) return {};
  SEA_ASSIGN_OR_RETURN(std::string when, TextAt(root["build_time"], "build_time"));
  auto t = ParseIso8601(when);
  if (!t) return MakeError("build_time: " + t.error().message + LineOf(root["build_time"]));
  ref.build_time = *t;
  const YAML::Node certs = root["certificates"];
  if (!certs.IsMap()) return MakeError("certificates: expected a mapping" + LineOf(certs));
  SEA_RETURN_IF_ERROR(CheckMapKeys(certs, "certificates.", {"encryption", "attestation"}));
  CertificateExpiry expiry;
  for (auto [role, slot] : {std::pair{"encryption", &expiry.encryption}, {"attestation", &expiry.attestation}}) {
    if (!certs[role]) return MakeError(std::string("certificates.") + role + ": missing" + LineOf(certs));
    SEA_ASSIGN_OR_RETURN(*slot, CertificateAt(certs[role], std::string("certificates.") + role));
  }
  ref.certificates = std::move(expiry);
  return {};
}

Result<Reference> ParseTree(const YAML::Node& root) {
  SEA_RETURN_IF_ERROR(CheckMapKeys(root, "",
                                   {"image_version", "commit_id", "measurements", "root_partition", "real_root",
                                    "attestation_public_key_sha256", "image_kind", "contract_signing_keys_sha256",
                                    "record_profile", "build_time", "certificates", "token_prefix"}));
  Reference ref;
  for (auto [key, field] : {std::pair{"image_version", &ref.image_version}, {"commit_id", &ref.commit_id}}) {
    const YAML::Node node = root[key];
    if (!node) return MakeError(std::string(key) + ": missing");
    SEA_ASSIGN_OR_RETURN(*field, TextAt(node, key));
  }

  const YAML::Node kind = root["image_kind"];
  if (!kind) return MakeError("image_kind: missing (production or development)");
  if (!kind.IsScalar() || (kind.Scalar() != kImageKindProduction && kind.Scalar() != kImageKindDevelopment)) {
    return MakeError("image_kind: expected production or development" + LineOf(kind));
  }
  ref.image_kind = kind.Scalar() == kImageKindDevelopment ? ImageKind::kDevelopment : ImageKind::kProduction;

  const YAML::Node m = root["measurements"];
  if (!m) return MakeError("measurements: missing");
  // The record lines whose build-time values seal knows.
  SEA_RETURN_IF_ERROR(CheckMapKeys(m, "measurements.", {kNameBaseimage, kNameRootTarball, kNameSbom}));
  // seal writes both: a reference without one would silently leave its line unchecked.
  for (std::string_view name : {kNameBaseimage, kNameRootTarball}) {
    if (!m[std::string(name)]) return MakeError("measurements." + std::string(name) + ": missing");
  }
  for (const auto& kv : m) {
    const std::string name = kv.first.Scalar();
    SEA_ASSIGN_OR_RETURN(ref.measurements[name], DigestAt(kv.second, "measurements." + name));
  }

  // Required: without it, any key the auditor's CA certifies (a development image's among
  // them) signs records this reference accepts.
  const YAML::Node fp = root["attestation_public_key_sha256"];
  if (!fp) return MakeError("attestation_public_key_sha256: missing");
  SEA_ASSIGN_OR_RETURN(ref.attestation_public_key_sha256, DigestAt(fp, "attestation_public_key_sha256"));
  if (const YAML::Node keys = root["contract_signing_keys_sha256"]) {
    if (!keys.IsSequence()) return MakeError("contract_signing_keys_sha256: expected a list of fingerprints" + LineOf(keys));
    for (const YAML::Node& k : keys) {
      SEA_ASSIGN_OR_RETURN(Sha256Digest d, DigestAt(k, "contract_signing_keys_sha256"));
      if (std::find(ref.contract_signing_keys.begin(), ref.contract_signing_keys.end(), d) !=
          ref.contract_signing_keys.end()) {
        return MakeError("contract_signing_keys_sha256: " + ToHex(d) + " given twice" + LineOf(k));
      }
      ref.contract_signing_keys.push_back(d);
    }
  }
  if (const YAML::Node p = root["token_prefix"]) {
    SEA_ASSIGN_OR_RETURN(std::string text, TextAt(p, "token_prefix"));
    auto prefix = ParseTokenPrefix(text);
    if (!prefix) return MakeError("token_prefix: " + prefix.error().message + LineOf(p));
    ref.token_prefix = *prefix;
  }
  if (const YAML::Node r = root["root_partition"]) {
    SEA_ASSIGN_OR_RETURN(ref.root_partition, RootPartitionAt(r));
  }
  if (const YAML::Node r = root["real_root"]) {
    SEA_ASSIGN_OR_RETURN(ref.real_root, RealRootAt(r));
  }
  SEA_RETURN_IF_ERROR(ProfileAt(root, ref));
  return ref;
}

}  // namespace

std::string_view ImageKindName(ImageKind kind) {
  return kind == ImageKind::kDevelopment ? kImageKindDevelopment : kImageKindProduction;
}

Result<Reference> ParseReference(std::string_view text, std::string_view source) {
  const std::string where = "reference " + std::string(source);
  auto document = LoadOneYamlDocument(std::string(text));
  if (!document) return WithContext(where, document.error());
  try {
    auto ref = ParseTree(*document);
    if (!ref) return WithContext(where, ref.error());
    return ref;
  } catch (const YAML::Exception& e) {
    return MakeError(where + ": malformed YAML at line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
}

}  // namespace seattest
