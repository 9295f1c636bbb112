#include "core/config.h"

#include <yaml-cpp/yaml.h>

#include "core/decimal.h"
#include "core/hex.h"
#include "core/record.h"
#include "core/utf8.h"
#include "core/yaml_map.h"

namespace seattest {
namespace {

// UTF-8 that yaml-cpp's emitter writes back unchanged: shortest forms, no surrogates, nothing above
// U+10FFFF, no noncharacters (U+FDD0..U+FDEF, U+xxFFFE, U+xxFFFF). It writes U+FFFD for anything
// else, so RenderAgentConfig would not read back to the same configuration.
bool EmitsUnchanged(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const Utf8Char ch = DecodeUtf8(s, i);
    const std::uint32_t cp = ch.code_point;
    if (ch.length == 0 || (cp >= 0xfdd0 && cp <= 0xfdef) || (cp & 0xfffe) == 0xfffe) return false;
    i += ch.length;
  }
  return true;
}

// Reads one mapping strictly: required and optional keys, nothing else.
class MapReader {
 public:
  MapReader(const YAML::Node& node, std::string prefix) : node_(node), prefix_(std::move(prefix)) {}

  Status CheckKeys(std::initializer_list<std::string_view> allowed) const { return CheckMapKeys(node_, prefix_, allowed); }

  Result<std::string> String(std::string_view key, std::string_view fallback = {},
                             bool optional = false) const {
    const YAML::Node v = node_[std::string(key)];
    if (!v) {
      if (optional) return std::string(fallback);
      return MakeError(Where(key) + "missing");
    }
    if (!v.IsScalar()) return MakeError(Where(key) + "expected a string");
    if (v.Scalar().empty()) return MakeError(Where(key) + "empty");
    if (!EmitsUnchanged(v.Scalar())) return MakeError(Where(key) + "not valid UTF-8 text");
    return v.Scalar();
  }

  // "true" or "false" (YAML 1.2 core schema spellings only: no yes/no/on/off).
  Result<bool> Bool(std::string_view key, bool fallback) const {
    const YAML::Node v = node_[std::string(key)];
    if (!v) return fallback;
    if (v.IsScalar() && (v.Scalar() == "true" || v.Scalar() == "false")) return v.Scalar() == "true";
    return MakeError(Where(key) + "expected true or false");
  }

  // A size in bytes: decimal digits, more than 0.
  Result<std::uint64_t> Size(std::string_view key) const {
    SEA_ASSIGN_OR_RETURN(std::string text, String(key));
    const auto n = text.size() <= 19 ? ParseDecimal(text) : std::nullopt;  // 19 digits: what seal writes
    if (!n || *n == 0) return MakeError(Where(key) + "expected a size in bytes (decimal, more than 0), found '" + text.substr(0, 40) + "'");
    return *n;
  }

  Result<Sha256Digest> Digest(std::string_view key) const {
    SEA_ASSIGN_OR_RETURN(std::string text, String(key));
    auto d = ParseSha256Hex(text);
    if (!d) return MakeError(Where(key) + "expected 64 hex digits, found '" + text.substr(0, 80) + "'");
    return *d;
  }

  Result<DeviceSpec> Device(std::string_view key, std::string_view fallback = {}) const {
    SEA_ASSIGN_OR_RETURN(std::string text, String(key, fallback, !fallback.empty()));
    auto spec = ParseDeviceSpec(text);
    if (!spec) return MakeError(Where(key) + spec.error().message);
    return *spec;
  }

  // A non-empty list of distinct digests (64 hex digits each). Absent: an empty vector.
  Result<std::vector<Sha256Digest>> DigestList(std::string_view key) const {
    const YAML::Node v = node_[std::string(key)];
    std::vector<Sha256Digest> out;
    if (!v) return out;
    if (!v.IsSequence()) return MakeError(Where(key) + "expected a list of SHA-256 fingerprints");
    if (v.size() == 0) return MakeError(Where(key) + "empty list (leave the key out to accept any key)");
    for (std::size_t i = 0; i < v.size(); ++i) {
      const YAML::Node item = v[i];
      const std::string where = prefix_ + std::string(key) + "[" + std::to_string(i) + "]: ";
      auto d = item.IsScalar() ? ParseSha256Hex(item.Scalar()) : std::nullopt;
      if (!d) {
        return MakeError(where + "expected 64 hex digits" +
                         (item.IsScalar() ? ", found '" + item.Scalar().substr(0, 80) + "'" : std::string()));
      }
      for (std::size_t j = 0; j < out.size(); ++j) {
        if (out[j] == *d) return MakeError(where + "the same fingerprint as entry " + std::to_string(j));
      }
      out.push_back(*d);
    }
    return out;
  }

  MapReader Child(std::string_view key) const {
    return MapReader(node_[std::string(key)], prefix_ + std::string(key) + ".");
  }
  bool Has(std::string_view key) const { return static_cast<bool>(node_[std::string(key)]); }

 private:
  std::string Where(std::string_view key) const { return prefix_ + std::string(key) + ": "; }
  YAML::Node node_;
  std::string prefix_;
};

// The root partition's digest: root.sha256 (the flat SHA-256, as images sealed before sha256-4m
// have it) or root.sha256-4m, exactly one, its key naming it.
Status ReadRootDigest(const MapReader& root_map, AgentConfig& c) {
  const bool flat = root_map.Has(kRootDigestSha256);
  const bool chunked = root_map.Has(kRootDigestSha256_4m);
  if (flat && chunked) return MakeError("root: sha256 and sha256-4m given, expected one of them");
  c.root_digest = flat ? RootDigest::kSha256 : RootDigest::kSha256_4m;
  if (!flat && !chunked) return MakeError("root.sha256-4m: missing (or root.sha256)");
  SEA_ASSIGN_OR_RETURN(c.root_hash, root_map.Digest(RootDigestName(c.root_digest)));
  return {};
}

// root.sbom and its digest, size and extents: all four or none.
Status ReadSbom(const MapReader& root_map, AgentConfig& c) {
  std::size_t given = 0;
  for (const char* key : {"sbom", "sbom_sha256", "sbom_size", "sbom_extents"}) given += root_map.Has(key) ? 1 : 0;
  if (given == 0) return {};
  if (given != 4) return MakeError("root.sbom: sbom, sbom_sha256, sbom_size and sbom_extents go together");
  SEA_ASSIGN_OR_RETURN(c.root_sbom, root_map.String("sbom"));
  if (c.root_sbom.front() != '/') return MakeError("root.sbom: must be an absolute path in the root filesystem");
  if (c.root_sbom == c.root_tarball) return MakeError("root.sbom: the same file as root.tarball");
  SEA_ASSIGN_OR_RETURN(c.root_sbom_sha256, root_map.Digest("sbom_sha256"));
  SEA_ASSIGN_OR_RETURN(c.root_sbom_size, root_map.Size("sbom_size"));
  if (c.root_sbom_size > kMaxSbomSize) {
    return MakeError("root.sbom_size: " + std::to_string(c.root_sbom_size) + " bytes, more than the agent keeps (" +
                     std::to_string(kMaxSbomSize) + ")");
  }
  SEA_ASSIGN_OR_RETURN(std::string extents_text, root_map.String("sbom_extents"));
  SEA_ASSIGN_OR_RETURN(c.root_sbom_extents, ParseExtents(extents_text, "root.sbom_extents"));
  return CheckExtents(c.root_sbom_extents, c.root_sbom_size, c.root_size, "root.sbom_extents");
}

// record_profile, and what hpcr-2026 needs (build_time, the two certificates); hpcr-2023 has none
// of them, nor an SBOM.
Status ReadProfile(const MapReader& top, AgentConfig& c) {
  if (top.Has("record_profile")) {
    SEA_ASSIGN_OR_RETURN(std::string text, top.String("record_profile"));
    auto profile = ParseRecordProfile(text);
    if (!profile) return MakeError("record_profile: " + profile.error().message);
    c.record_profile = *profile;
  }
  if (c.record_profile == RecordProfile::kHpcr2023) {
    for (const char* key : {"build_time", "attestation_cert", "contract_cert"}) {
      if (top.Has(key)) return MakeError(std::string(key) + ": only with record_profile " + std::string(kRecordProfileHpcr2026));
    }
    if (!c.root_sbom.empty()) return MakeError("root.sbom: only with record_profile " + std::string(kRecordProfileHpcr2026));
    return {};
  }
  SEA_ASSIGN_OR_RETURN(std::string when, top.String("build_time"));
  auto t = ParseIso8601(when);
  if (!t) return MakeError("build_time: " + t.error().message);
  c.build_time = *t;
  SEA_ASSIGN_OR_RETURN(c.attestation_cert, top.String("attestation_cert"));
  SEA_ASSIGN_OR_RETURN(c.contract_cert, top.String("contract_cert"));
  return {};
}

Result<AgentConfig> ParseTree(const YAML::Node& root) {
  MapReader top(root, "");
  SEA_RETURN_IF_ERROR(top.CheckKeys({"image_version", "commit_id", "output_dir", "baseimage_sha256",
                                     "root", "cidata", "attestation_key", "contract_key",
                                     "require_secure_execution", "contract_signing_keys_sha256", "root_disk",
                                     "record_profile", "build_time", "attestation_cert", "contract_cert",
                                     "token_prefix"}));
  AgentConfig c;
  SEA_ASSIGN_OR_RETURN(c.image_version, top.String("image_version"));
  SEA_ASSIGN_OR_RETURN(c.commit_id, top.String("commit_id"));
  SEA_ASSIGN_OR_RETURN(c.output_dir, top.String("output_dir", kDefaultOutputDir, true));
  SEA_ASSIGN_OR_RETURN(c.baseimage_sha256, top.Digest("baseimage_sha256"));
  SEA_ASSIGN_OR_RETURN(c.attestation_key, top.String("attestation_key"));
  SEA_ASSIGN_OR_RETURN(c.contract_key, top.String("contract_key"));
  SEA_ASSIGN_OR_RETURN(c.require_secure_execution, top.Bool("require_secure_execution", true));
  SEA_ASSIGN_OR_RETURN(c.contract_signing_keys_sha256, top.DigestList("contract_signing_keys_sha256"));
  if (top.Has("token_prefix")) {
    SEA_ASSIGN_OR_RETURN(std::string text, top.String("token_prefix"));
    auto prefix = ParseTokenPrefix(text);
    if (!prefix) return MakeError("token_prefix: " + prefix.error().message);
    c.token_prefix = *prefix;
  }
  if (!top.Has("root")) return MakeError("root: missing");
  MapReader root_map = top.Child("root");
  SEA_RETURN_IF_ERROR(root_map.CheckKeys({"device", "sha256", "sha256-4m", "size", "tarball", "tarball_sha256", "tarball_size",
                                          "tarball_extents", "tarball_copy", "sbom", "sbom_sha256", "sbom_size",
                                          "sbom_extents"}));
  SEA_ASSIGN_OR_RETURN(c.root_device, root_map.Device("device"));
  SEA_RETURN_IF_ERROR(ReadRootDigest(root_map, c));
  SEA_ASSIGN_OR_RETURN(c.root_size, root_map.Size("size"));
  SEA_ASSIGN_OR_RETURN(c.root_tarball, root_map.String("tarball"));
  if (c.root_tarball.front() != '/') return MakeError("root.tarball: must be an absolute path in the root filesystem");
  SEA_ASSIGN_OR_RETURN(c.root_tarball_sha256, root_map.Digest("tarball_sha256"));
  SEA_ASSIGN_OR_RETURN(c.root_tarball_size, root_map.Size("tarball_size"));
  SEA_ASSIGN_OR_RETURN(std::string extents_text, root_map.String("tarball_extents"));
  SEA_ASSIGN_OR_RETURN(c.root_tarball_extents, ParseExtents(extents_text, "root.tarball_extents"));
  SEA_RETURN_IF_ERROR(CheckExtents(c.root_tarball_extents, c.root_tarball_size, c.root_size, "root.tarball_extents"));
  SEA_ASSIGN_OR_RETURN(c.root_tarball_copy, root_map.String("tarball_copy", "", true));
  if (!c.root_tarball_copy.empty() && c.root_tarball_copy.front() != '/') {
    return MakeError("root.tarball_copy: must be an absolute path");
  }
  SEA_RETURN_IF_ERROR(ReadSbom(root_map, c));
  SEA_RETURN_IF_ERROR(ReadProfile(top, c));
  if (top.Has("root_disk")) {
    SEA_ASSIGN_OR_RETURN(c.root_disk, top.Device("root_disk"));
  }
  if (top.Has("cidata")) {
    MapReader cidata = top.Child("cidata");
    SEA_RETURN_IF_ERROR(cidata.CheckKeys({"device"}));
    SEA_ASSIGN_OR_RETURN(c.cidata_device, cidata.Device("device", kDefaultCidataSpec));
  } else {
    c.cidata_device = *ParseDeviceSpec(kDefaultCidataSpec);
  }
  // Formatted at every boot: found by what the format keeps (the partition table's entry, or a
  // path), never the partition the agent verifies, nor the contract's device.
  if (c.root_disk) {
    const std::string disk = c.root_disk->ToString();
    if (c.root_disk->kind == DeviceSpec::Kind::kLabel || c.root_disk->kind == DeviceSpec::Kind::kUuid) {
      return MakeError("root_disk: " + disk + ": the format at every boot gives the disk a new filesystem label and "
                       "UUID, so the next boot would not find it: name it by PARTLABEL=, PARTUUID= or a path");
    }
    if (disk == c.root_device.ToString()) return MakeError("root_disk: " + disk + " is root.device, the verified root partition");
    if (disk == c.cidata_device.ToString()) return MakeError("root_disk: " + disk + " is cidata.device");
  }
  for (const std::string* line : {&c.image_version, &c.commit_id}) {
    if (line->find_first_of("\r\n") != std::string::npos) {
      return MakeError(std::string(line == &c.image_version ? "image_version" : "commit_id") +
                       ": must be one line");
    }
  }
  // The version is the record's first line: it must not read as a hash line.
  if (auto rendered = RenderRecord(MakeRecord(c.image_version, "x/x/x", {})); !rendered) {
    return MakeError("image_version: cannot be the record's first line: " + rendered.error().message);
  }
  return c;
}

}  // namespace

Result<AgentConfig> ParseAgentConfig(std::string_view yaml_text, std::string_view source) {
  const std::string where = "config " + std::string(source);
  try {
    YAML::Node root = YAML::Load(std::string(yaml_text));
    if (!root || root.IsNull()) return MakeError(where + ": empty");
    auto config = ParseTree(root);
    if (!config) return WithContext(where, config.error());
    return config;
  } catch (const YAML::Exception& e) {
    return MakeError(where + ": line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
}

std::string RenderAgentConfig(const AgentConfig& c) {
  YAML::Emitter out;
  out << YAML::Comment("se-attest agent configuration, written by `se-attest seal`.");
  out << YAML::BeginMap;
  out << YAML::Key << "image_version" << YAML::Value << YAML::DoubleQuoted << c.image_version;
  out << YAML::Key << "commit_id" << YAML::Value << YAML::DoubleQuoted << c.commit_id;
  out << YAML::Key << "output_dir" << YAML::Value << c.output_dir;
  out << YAML::Key << "baseimage_sha256" << YAML::Value << ToHex(c.baseimage_sha256);
  out << YAML::Key << "root" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "device" << YAML::Value << c.root_device.ToString();
  out << YAML::Key << std::string(RootDigestName(c.root_digest)) << YAML::Value << ToHex(c.root_hash);
  out << YAML::Key << "size" << YAML::Value << std::to_string(c.root_size);
  out << YAML::Key << "tarball" << YAML::Value << c.root_tarball;
  out << YAML::Key << "tarball_sha256" << YAML::Value << ToHex(c.root_tarball_sha256);
  out << YAML::Key << "tarball_size" << YAML::Value << std::to_string(c.root_tarball_size);
  out << YAML::Key << "tarball_extents" << YAML::Value << RenderExtents(c.root_tarball_extents);
  if (!c.root_tarball_copy.empty()) out << YAML::Key << "tarball_copy" << YAML::Value << c.root_tarball_copy;
  if (!c.root_sbom.empty()) {
    out << YAML::Key << "sbom" << YAML::Value << c.root_sbom;
    out << YAML::Key << "sbom_sha256" << YAML::Value << ToHex(c.root_sbom_sha256);
    out << YAML::Key << "sbom_size" << YAML::Value << std::to_string(c.root_sbom_size);
    out << YAML::Key << "sbom_extents" << YAML::Value << RenderExtents(c.root_sbom_extents);
  }
  out << YAML::EndMap;
  out << YAML::Key << "cidata" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "device" << YAML::Value << c.cidata_device.ToString();
  out << YAML::EndMap;
  if (c.root_disk) out << YAML::Key << "root_disk" << YAML::Value << c.root_disk->ToString();
  out << YAML::Key << "attestation_key" << YAML::Value << c.attestation_key;
  out << YAML::Key << "contract_key" << YAML::Value << c.contract_key;
  out << YAML::Key << "record_profile" << YAML::Value << std::string(RecordProfileName(c.record_profile));
  if (c.record_profile == RecordProfile::kHpcr2026) {
    out << YAML::Key << "build_time" << YAML::Value << FormatIso8601(c.build_time);
    out << YAML::Key << "attestation_cert" << YAML::Value << c.attestation_cert;
    out << YAML::Key << "contract_cert" << YAML::Value << c.contract_cert;
  }
  out << YAML::Key << "token_prefix" << YAML::Value << std::string(TokenPrefixName(c.token_prefix));
  out << YAML::Key << "require_secure_execution" << YAML::Value << (c.require_secure_execution ? "true" : "false");
  if (!c.contract_signing_keys_sha256.empty()) {
    out << YAML::Key << "contract_signing_keys_sha256" << YAML::Value << YAML::BeginSeq;
    for (const Sha256Digest& d : c.contract_signing_keys_sha256) out << ToHex(d);
    out << YAML::EndSeq;
  }
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

std::string ResolvePath(std::string_view base_dir, std::string_view path) {
  if (!path.empty() && path.front() == '/') return std::string(path);
  std::string out(base_dir.empty() ? "." : base_dir);
  if (out.back() != '/') out += '/';
  out += path;
  return out;
}

}  // namespace seattest
