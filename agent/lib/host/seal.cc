#include "host/seal.h"

#include <yaml-cpp/yaml.h>

#include "platform/key_file.h"
#include "core/config.h"
#include "core/hex.h"
#include "core/limits_and_defaults.h"
#include "core/pem_text.h"
#include "core/reference.h"
#include "crypto/contract_signature.h"
#include "crypto/keys.h"
#include "crypto/sha256.h"
#include "core/extents.h"
#include "platform/extent_map.h"
#include "platform/atomic_write.h"
#include "platform/folders.h"
#include "platform/hash_path.h"
#include "platform/read_file.h"

namespace seattest {
namespace {

constexpr const char* kConfigDir = "etc/se-attest";


// A --contract-signing-key: one PEM public key or certificate of an RSA key of at least 2048
// bits; its fingerprint. Read as a secret, so that a private key given by mistake is wiped, and
// refused without being shown.
Result<Sha256Digest> ContractSigningKeyFingerprint(const std::string& path) {
  const std::string where = "--contract-signing-key " + path;
  auto bytes = ReadSecretFile(path, kMaxPublicKeyFileSize);
  if (!bytes) return WithContext("--contract-signing-key", bytes.error());
  const std::string_view pem = bytes->view();
  if (pem.find("PRIVATE KEY") != std::string_view::npos) {
    return MakeError(where + ": holds a private key; give the public key (openssl pkey -pubout) or a certificate");
  }
  if (const std::size_t blocks = CountPemBlocks(pem); blocks != 1) {
    return MakeError(where + ": expected one PEM public key or certificate, found " + std::to_string(blocks) +
                     " PEM blocks");
  }
  auto key = PublicKeyFromPem(pem, path);
  if (!key) return WithContext("--contract-signing-key", key.error());
  if (auto s = RequireRsa(key->get(), kMinSigningKeyBits, 0, path); !s) {
    return WithContext("--contract-signing-key", s.error());
  }
  return PublicKeyFingerprint(key->get());
}

void EmitFingerprints(YAML::Emitter& out, const std::vector<Sha256Digest>& fingerprints) {
  if (fingerprints.empty()) {
    out << YAML::Flow << YAML::BeginSeq << YAML::EndSeq;
    return;
  }
  out << YAML::BeginSeq;
  for (const Sha256Digest& d : fingerprints) out << ToHex(d);
  out << YAML::EndSeq;
}

std::string ReferenceText(const AgentConfig& c, std::uint64_t root_size,
                          const Sha256Digest& attestation_fingerprint) {
  YAML::Emitter out;
  out << YAML::Comment("Expected values for auditors, written by `se-attest seal`.");
  out << YAML::BeginMap;
  out << YAML::Key << "image_version" << YAML::Value << YAML::DoubleQuoted << c.image_version;
  out << YAML::Key << "commit_id" << YAML::Value << YAML::DoubleQuoted << c.commit_id;
  // development: sealed with --development, it runs outside Secure Execution and its records are
  // no evidence of it (their header says so too).
  out << YAML::Key << "image_kind" << YAML::Value << std::string(ImageKindName(c.require_secure_execution ? ImageKind::kProduction : ImageKind::kDevelopment));
  out << YAML::Key << "measurements" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "baseimage" << YAML::Value << ToHex(c.baseimage_sha256);
  out << YAML::Key << "root.tar.gz" << YAML::Value << ToHex(c.root_tarball_sha256);
  out << YAML::EndMap;
  out << YAML::Key << "root_partition" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "device" << YAML::Value << c.root_device.ToString();
  out << YAML::Key << "sha256" << YAML::Value << ToHex(c.root_sha256);
  out << YAML::Key << "size" << YAML::Value << root_size;
  out << YAML::Key << "tarball" << YAML::Value << c.root_tarball;
  out << YAML::EndMap;
  // What the boot makes the real root on: visible to the auditor, though no record line says it.
  out << YAML::Key << "real_root" << YAML::Value << YAML::BeginMap;
  if (c.root_disk) {
    out << YAML::Key << "kind" << YAML::Value << std::string(kRealRootLuks2Disk);
    out << YAML::Key << "disk" << YAML::Value << c.root_disk->ToString();
  } else {
    out << YAML::Key << "kind" << YAML::Value << std::string(kRealRootTmpfs);
  }
  out << YAML::EndMap;
  out << YAML::Key << "attestation_public_key_sha256" << YAML::Value << ToHex(attestation_fingerprint);
  // The keys envWorkloadSignature must be made with ([]: any key, unsigned contracts too).
  out << YAML::Key << "contract_signing_keys_sha256" << YAML::Value;
  EmitFingerprints(out, c.contract_signing_keys_sha256);
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace

Result<SealResult> Seal(const SealOptions& o, BlockDevices& devices, Mounter& mounter) {
  AgentConfig c;
  c.image_version = o.image_version;
  c.commit_id = o.commit_id;
  c.output_dir = o.output_dir;
  c.root_tarball = o.tarball;
  c.root_tarball_copy = o.tarball_copy;
  c.require_secure_execution = !o.development;
  if (!c.root_tarball_copy.empty() && c.root_tarball_copy.front() != '/') {
    return MakeError("--tarball-copy: must be an absolute path");
  }
  c.attestation_key = "attestation.key";
  c.contract_key = "contract.key";
  if (c.image_version.empty() || c.image_version.find_first_of("\r\n") != std::string::npos) {
    return MakeError("--image-version: must be one non-empty line");
  }
  if (c.commit_id.empty() || c.commit_id.find_first_of("\r\n") != std::string::npos) {
    return MakeError("--commit-id: must be one non-empty line");
  }
  if (c.root_tarball.empty() || c.root_tarball.front() != '/') {
    return MakeError("--tarball: must be an absolute path inside the root filesystem, such as /boot/root.tar.gz");
  }
  SEA_ASSIGN_OR_RETURN(c.root_device, ParseDeviceSpec(o.root_device));
  SEA_ASSIGN_OR_RETURN(c.cidata_device, ParseDeviceSpec(o.cidata_device));
  if (!o.root_disk.empty()) {
    auto disk = ParseDeviceSpec(o.root_disk);
    if (!disk) return MakeError("--root-disk: " + disk.error().message);
    c.root_disk = *disk;
  }

  auto attestation = ReadPrivateKeyFile(o.attestation_key, kMinRsaKeyBits, kAttestationKeyBits);
  if (!attestation) return WithContext("attestation key", attestation.error());
  auto contract = ReadPrivateKeyFile(o.contract_key, kMinRsaKeyBits, 0);
  if (!contract) return WithContext("contract key", contract.error());
  SEA_ASSIGN_OR_RETURN(Sha256Digest fingerprint, PublicKeyFingerprint(attestation->key.get()));
  for (std::size_t i = 0; i < o.contract_signing_keys.size(); ++i) {
    SEA_ASSIGN_OR_RETURN(Sha256Digest key, ContractSigningKeyFingerprint(o.contract_signing_keys[i]));
    for (std::size_t j = 0; j < i; ++j) {
      if (c.contract_signing_keys_sha256[j] == key) {
        return MakeError("--contract-signing-key " + o.contract_signing_keys[i] + ": the same key as " +
                         o.contract_signing_keys[j]);
      }
    }
    c.contract_signing_keys_sha256.push_back(key);
  }

  if (o.baseimage_file.has_value() == o.baseimage_sha256.has_value()) {
    return MakeError("give exactly one of --baseimage FILE and --baseimage-sha256 HEX");
  }
  if (o.baseimage_sha256) {
    auto d = ParseSha256Hex(*o.baseimage_sha256);
    if (!d) return MakeError("--baseimage-sha256: expected 64 hex digits");
    c.baseimage_sha256 = *d;
  } else {
    SEA_ASSIGN_OR_RETURN(StreamDigest d, HashPath(*o.baseimage_file));
    c.baseimage_sha256 = d.digest;
  }

  // Where root.tar.gz lies in the root partition, and its digest, from its filesystem (mounted
  // read-only here, on the builder's machine; the agent never mounts it) ...
  FileLayout layout;
  Sha256Digest file_digest{};
  {
    SEA_ASSIGN_OR_RETURN(std::string fs_type, devices.FilesystemType(o.root));
    SEA_ASSIGN_OR_RETURN(std::unique_ptr<MountedFs> mounted, mounter.MountReadOnly(o.root, fs_type));
    const std::string path = mounted->dir() + c.root_tarball;
    auto mapped = MapFile(path);
    if (!mapped) return MakeError("--tarball: " + c.root_tarball + " in " + o.root + ": " + mapped.error().message);
    layout = std::move(*mapped);
    HashOptions file_how;
    file_how.follow = Follow::kNoSymlinks;
    auto tar = HashPath(path, file_how);
    if (!tar) return MakeError("--tarball: " + c.root_tarball + " in " + o.root + ": " + tar.error().message);
    file_digest = tar->digest;
  }
  // ... then the root partition read once, as the agent will read it: its digest, and root.tar.gz
  // picked out of it at those extents, which must give the file back: only offsets that name the
  // partition's own bytes do.
  const std::string tarball_where = "--tarball " + c.root_tarball + " in " + o.root;
  constexpr std::uint64_t kAnySize = ~std::uint64_t{0};
  if (auto s = CheckExtents(layout.extents, layout.size, kAnySize, tarball_where); !s) {
    return MakeError(s.error().message + " (the agent reads it in one forward pass over the partition: copy it anew "
                                         "onto a fresh filesystem)");
  }
  SEA_ASSIGN_OR_RETURN(Sha256 tar_sha, Sha256::Create());
  ExtentPicker picker(layout.extents, [&tar_sha](const std::uint8_t* data, std::size_t size) -> Status {
    tar_sha.Update(data, size);
    return {};
  });
  HashOptions how;
  how.on_chunk = [&picker](std::uint64_t offset, const std::uint8_t* data, std::size_t size) {
    return picker.Feed(offset, data, size);
  };
  SEA_ASSIGN_OR_RETURN(StreamDigest root, HashPath(o.root, how));
  SEA_RETURN_IF_ERROR(CheckExtents(layout.extents, layout.size, root.size, tarball_where));
  c.root_sha256 = root.digest;
  c.root_size = root.size;
  c.root_tarball_size = layout.size;
  c.root_tarball_extents = layout.extents;
  c.root_tarball_sha256 = tar_sha.Finish();
  if (!picker.done() || !DigestsEqual(file_digest, c.root_tarball_sha256)) {
    return MakeError(tarball_where + ": the bytes at its extents differ from the file: its filesystem's offsets are "
                                     "not the partition's (give the partition itself, not a whole disk or a volume)");
  }

  // What the agent will read at boot must parse now, or nothing is written.
  const std::string config_text = RenderAgentConfig(c);
  if (auto back = ParseAgentConfig(config_text, "agent.yaml"); !back) return back.error();
  const std::string config_dir = o.out + "/" + kConfigDir;
  SEA_RETURN_IF_ERROR(MakeDirs(config_dir, 0755));
  SEA_RETURN_IF_ERROR(WriteFileAtomic(config_dir, c.attestation_key, attestation->pem.view(), 0600));
  SEA_RETURN_IF_ERROR(WriteFileAtomic(config_dir, c.contract_key, contract->pem.view(), 0600));
  SEA_RETURN_IF_ERROR(WriteFileAtomic(config_dir, "agent.yaml", config_text, 0644));
  SealResult result;
  result.config_path = config_dir + "/agent.yaml";
  result.reference_path = o.out + "/reference.yaml";
  result.reference_text = ReferenceText(c, root.size, fingerprint);
  SEA_RETURN_IF_ERROR(WriteFileAtomic(o.out, "reference.yaml", result.reference_text, 0644));
  return result;
}

}  // namespace seattest
