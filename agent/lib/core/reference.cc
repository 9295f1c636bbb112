#include "core/reference.h"

#include <yaml-cpp/yaml.h>

#include "core/hex.h"

namespace seattest {
namespace {

Result<Sha256Digest> DigestAt(const YAML::Node& node, const std::string& key) {
  if (!node.IsScalar()) return MakeError(key + ": expected 64 hex digits");
  auto digest = ParseSha256Hex(node.Scalar());
  if (!digest) return MakeError(key + ": expected 64 hex digits, found '" + node.Scalar().substr(0, 70) + "'");
  return *digest;
}

Result<Reference> ParseTree(const YAML::Node& root) {
  if (!root.IsMap()) return MakeError("expected a mapping");
  Reference ref;
  for (auto [key, field] : {std::pair{"image_version", &ref.image_version}, {"commit_id", &ref.commit_id}}) {
    const YAML::Node node = root[key];
    if (!node || !node.IsScalar() || node.Scalar().empty()) return MakeError(std::string(key) + ": missing");
    *field = node.Scalar();
  }
  const YAML::Node m = root["measurements"];
  if (!m || !m.IsMap() || m.size() == 0) return MakeError("measurements: missing");
  for (const auto& kv : m) {
    const std::string name = kv.first.Scalar();
    SEA_ASSIGN_OR_RETURN(Sha256Digest d, DigestAt(kv.second, "measurements." + name));
    ref.measurements[name] = d;
  }
  if (const YAML::Node fp = root["attestation_public_key_sha256"]) {
    SEA_ASSIGN_OR_RETURN(Sha256Digest d, DigestAt(fp, "attestation_public_key_sha256"));
    ref.attestation_public_key_sha256 = d;
  }
  return ref;
}

}  // namespace

Result<Reference> ParseReference(std::string_view text, std::string_view source) {
  const std::string where = "reference " + std::string(source);
  try {
    auto ref = ParseTree(YAML::Load(std::string(text)));
    if (!ref) return WithContext(where, ref.error());
    return ref;
  } catch (const YAML::Exception& e) {
    return MakeError(where + ": malformed YAML at line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
}

}  // namespace seattest
