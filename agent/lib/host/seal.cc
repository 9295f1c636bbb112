#include "host/seal.h"

#include <yaml-cpp/yaml.h>

#include <memory>
#include <tuple>
#include <utility>

#include "core/config.h"
#include "core/decimal.h"
#include "core/extents.h"
#include "core/hex.h"
#include "core/limits_and_defaults.h"
#include "core/pem_text.h"
#include "core/record.h"
#include "core/reference.h"
#include "crypto/cert_validity.h"
#include "crypto/contract_signature.h"
#include "crypto/keys.h"
#include "crypto/sha256.h"
#include "platform/atomic_write.h"
#include "platform/extent_map.h"
#include "platform/folders.h"
#include "platform/hash_path.h"
#include "platform/key_file.h"
#include "platform/read_file.h"

namespace seattest {
namespace {

constexpr const char* kConfigDir = "etc/se-attest";
// The files seal writes beside agent.yaml; agent.yaml names them (the initrd hooks copy them).
constexpr const char* kAttestationKeyName = "attestation.key";
constexpr const char* kContractKeyName = "contract.key";
constexpr const char* kAttestationCertName = "attestation.crt";
constexpr const char* kContractCertName = "contract.crt";
// The last second FormatIso8601 writes with four digits of year: 9999-12-31T23:59:59Z.
constexpr UnixTime kLastIso8601Second = 253402300799;

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

// --- the options ------------------------------------------------------------------------------

std::string Hpcr2026Only(const std::string& option) {
  return option + ": only with --record-profile " + std::string(kRecordProfileHpcr2026) +
         " (hpcr-2023 records have no line for it)";
}

// What the profile allows and needs: hpcr-2023 takes none of the hpcr-2026 inputs; hpcr-2026
// needs both certificates and a build time.
Status CheckProfileOptions(const SealOptions& o) {
  if (o.record_profile == RecordProfile::kHpcr2023) {
    for (auto [option, given] : {std::pair{"--sbom", !o.sbom.empty()},
                                 {"--attestation-cert", !o.attestation_cert.empty()},
                                 {"--contract-cert", !o.contract_cert.empty()},
                                 {"--build-time", o.build_time.has_value()}}) {
      if (given) return MakeError(Hpcr2026Only(option));
    }
    return {};
  }
  if (o.attestation_cert.empty() || o.contract_cert.empty()) {
    return MakeError("--record-profile " + std::string(kRecordProfileHpcr2026) +
                     " needs --attestation-cert and --contract-cert, the certificates of the attestation and contract "
                     "keys (its records state their notAfter; `se-attest keygen` writes both), or seal with "
                     "--record-profile " + std::string(kRecordProfileHpcr2023));
  }
  if (!o.build_time) return MakeError("--record-profile " + std::string(kRecordProfileHpcr2026) + " needs a build time");
  if (*o.build_time < 0 || *o.build_time > kLastIso8601Second) {
    return MakeError("build time: " + std::to_string(*o.build_time) + " is not between 1970 and 9999");
  }
  if (!o.sbom.empty()) {
    if (o.sbom.front() != '/') {
      return MakeError("--sbom: must be an absolute path inside the root filesystem, such as /boot/sbom.spdx.json");
    }
    if (o.sbom == o.tarball) return MakeError("--sbom: the same file as --tarball");
  }
  return {};
}

// agent.yaml's values that come from the options alone, checked.
Result<AgentConfig> ConfigFromOptions(const SealOptions& o) {
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
  c.attestation_key = kAttestationKeyName;
  c.contract_key = kContractKeyName;
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
  SEA_RETURN_IF_ERROR(CheckProfileOptions(o));
  c.record_profile = o.record_profile;
  c.token_prefix = o.token_prefix;
  if (o.record_profile == RecordProfile::kHpcr2026) {
    c.build_time = *o.build_time;
    c.attestation_cert = kAttestationCertName;
    c.contract_cert = kContractCertName;
    c.root_sbom = o.sbom;  // its digest, size and extents once the root is read
  }
  return c;
}

// --- the keys and their certificates -----------------------------------------------------------

// A --attestation-cert or --contract-cert: one PEM certificate, of `key`. Read as a secret, like
// a signing key, so that a private key given by mistake is wiped and refused unshown.
struct SealedCertificate {
  std::string pem;  // the certificate alone, as PEM: what goes into the initrd
  CertificateValidity validity;
};

Result<SealedCertificate> ReadCertificateOf(const std::string& option, const std::string& path, const EVP_PKEY* key,
                                            const std::string& key_option, const std::string& key_path) {
  const std::string where = option + " " + path;
  auto bytes = ReadSecretFile(path, kMaxPublicKeyFileSize);
  if (!bytes) return WithContext(option, bytes.error());
  const std::string_view pem = bytes->view();
  if (pem.find("PRIVATE KEY") != std::string_view::npos) {
    return MakeError(where + ": holds a private key; give the certificate of " + key_option);
  }
  if (const std::size_t blocks = CountPemBlocks(pem); blocks != 1) {
    return MakeError(where + ": expected one PEM certificate, found " + std::to_string(blocks) + " PEM blocks");
  }
  auto cert = CertificateFromPem(pem, path);
  if (!cert) return WithContext(option, cert.error());
  SEA_RETURN_IF_ERROR(CertificateMatchesKey(cert->get(), key, where + ", for " + key_option + " " + key_path));
  auto validity = CertificateValidityOf(cert->get());
  if (!validity) return WithContext(where, validity.error());
  if (validity->subject.empty()) return MakeError(where + ": the certificate has an empty subject");
  SEA_ASSIGN_OR_RETURN(std::string normalized, CertificatePem(cert->get()));
  return SealedCertificate{std::move(normalized), std::move(*validity)};
}

struct SealKeys {
  PrivateKeyFile attestation;
  PrivateKeyFile contract;
  Sha256Digest attestation_fingerprint{};
  // hpcr-2026: the two certificates.
  std::optional<SealedCertificate> attestation_cert;
  std::optional<SealedCertificate> contract_cert;
};

// The keys, their certificates (hpcr-2026) and the contract signing keys' fingerprints (into
// `c`). A certificate expired at the build time adds a warning: the image is sealed all the same.
Result<SealKeys> ReadKeys(const SealOptions& o, AgentConfig& c, std::vector<std::string>& warnings) {
  auto attestation = ReadPrivateKeyFile(o.attestation_key, kMinRsaKeyBits, kAttestationKeyBits, o.passphrase);
  if (!attestation) return WithContext("attestation key", attestation.error());
  auto contract = ReadPrivateKeyFile(o.contract_key, kMinRsaKeyBits, 0, o.passphrase);
  if (o.passphrase != nullptr) o.passphrase->Forget();  // before the long read of the root partition
  if (!contract) return WithContext("contract key", contract.error());
  SealKeys keys{std::move(*attestation), std::move(*contract), {}, std::nullopt, std::nullopt};
  SEA_ASSIGN_OR_RETURN(keys.attestation_fingerprint, PublicKeyFingerprint(keys.attestation.key.get()));
  if (c.record_profile == RecordProfile::kHpcr2026) {
    SEA_ASSIGN_OR_RETURN(keys.attestation_cert, ReadCertificateOf("--attestation-cert", o.attestation_cert,
                                                                  keys.attestation.key.get(), "--attestation-key",
                                                                  o.attestation_key));
    SEA_ASSIGN_OR_RETURN(keys.contract_cert, ReadCertificateOf("--contract-cert", o.contract_cert, keys.contract.key.get(),
                                                               "--contract-key", o.contract_key));
    for (auto [option, path, cert] : {std::tuple{"--attestation-cert", &o.attestation_cert, &*keys.attestation_cert},
                                      {"--contract-cert", &o.contract_cert, &*keys.contract_cert}}) {
      if (cert->validity.not_after < c.build_time) {
        warnings.push_back(std::string(option) + " " + *path + ": expired on " + FormatIso8601(cert->validity.not_after) +
                           ", before the build time " + FormatIso8601(c.build_time) +
                           "; its records will say so (sealed all the same)");
      }
    }
  }
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
  return keys;
}

Result<Sha256Digest> BaseimageDigest(const SealOptions& o) {
  if (o.baseimage_file.has_value() == o.baseimage_sha256.has_value()) {
    return MakeError("give exactly one of --baseimage FILE and --baseimage-sha256 HEX");
  }
  if (o.baseimage_sha256) {
    auto d = ParseSha256Hex(*o.baseimage_sha256);
    if (!d) return MakeError("--baseimage-sha256: expected 64 hex digits");
    return *d;
  }
  SEA_ASSIGN_OR_RETURN(StreamDigest d, HashPath(*o.baseimage_file));
  return d.digest;
}

// --- the root partition --------------------------------------------------------------------------

// A file of the root filesystem the agent picks out of the partition (root.tar.gz, the SBOM):
// where it lies, and its digest read through the filesystem.
struct FileInRoot {
  std::string where;  // "--tarball /boot/root.tar.gz in root.img"
  FileLayout layout;
  Sha256Digest file_digest{};
};

Result<FileInRoot> MapInRoot(const std::string& mount_dir, const std::string& option, const std::string& path,
                             const std::string& root, std::uint64_t max_size) {
  FileInRoot f;
  f.where = option + " " + path + " in " + root;
  const std::string full = mount_dir + path;
  auto mapped = MapFile(full);
  if (!mapped) return MakeError(option + ": " + path + " in " + root + ": " + mapped.error().message);
  f.layout = std::move(*mapped);
  if (max_size != 0 && f.layout.size > max_size) {
    return MakeError(f.where + ": " + std::to_string(f.layout.size) + " bytes, more than the agent keeps (" +
                     std::to_string(max_size) + ")");
  }
  HashOptions how;
  how.follow = Follow::kNoSymlinks;
  how.max_size = max_size;
  auto digest = HashPath(full, how);
  if (!digest) return MakeError(option + ": " + path + " in " + root + ": " + digest.error().message);
  f.file_digest = digest->digest;
  // The agent reads it in one forward pass over the partition.
  constexpr std::uint64_t kAnySize = ~std::uint64_t{0};
  if (auto s = CheckExtents(f.layout.extents, f.layout.size, kAnySize, f.where); !s) {
    return MakeError(s.error().message + " (the agent reads it in one forward pass over the partition: copy it anew "
                                         "onto a fresh filesystem)");
  }
  return f;
}

// One file's bytes picked out of the partition while it is hashed, and their digest.
class PickedFile {
 public:
  static Result<std::unique_ptr<PickedFile>> Create(FileInRoot file) {
    SEA_ASSIGN_OR_RETURN(Sha256 sha, Sha256::Create());
    return std::unique_ptr<PickedFile>(new PickedFile(std::move(file), std::move(sha)));
  }
  Status Feed(std::uint64_t offset, const std::uint8_t* data, std::size_t size) {
    return picker_.Feed(offset, data, size);
  }
  // After the pass: the extents lie in the partition, and their bytes are the file's.
  Result<Sha256Digest> Finish(std::uint64_t partition_size) {
    SEA_RETURN_IF_ERROR(CheckExtents(file_.layout.extents, file_.layout.size, partition_size, file_.where));
    const Sha256Digest picked = sha_.Finish();
    if (!picker_.done() || !DigestsEqual(file_.file_digest, picked)) {
      return MakeError(file_.where + ": the bytes at its extents differ from the file: its filesystem's offsets are "
                                     "not the partition's (give the partition itself, not a whole disk or a volume)");
    }
    return picked;
  }
  const FileLayout& layout() const { return file_.layout; }
  // Neither copied nor moved: the picker's sink points at this object.
  PickedFile(const PickedFile&) = delete;
  PickedFile& operator=(const PickedFile&) = delete;
  PickedFile(PickedFile&&) = delete;
  PickedFile& operator=(PickedFile&&) = delete;
  ~PickedFile() = default;

 private:
  PickedFile(FileInRoot file, Sha256 sha)
      : file_(std::move(file)),
        sha_(std::move(sha)),
        picker_(file_.layout.extents, [this](const std::uint8_t* data, std::size_t size) -> Status {
          sha_.Update(data, size);
          return {};
        }) {}
  FileInRoot file_;
  Sha256 sha_;
  ExtentPicker picker_;
};

// The root partition read once, as the agent will read it: its digest and size, and root.tar.gz
// and the SBOM picked out of it at their extents (from the filesystem, mounted read-only here on
// the builder's machine; the agent never mounts it), which must give the files back: only
// offsets that name the partition's own bytes do. Fills `c`'s root fields.
Result<SealedRootDigests> MeasureRoot(const SealOptions& o, BlockDevices& devices, Mounter& mounter, AgentConfig& c) {
  std::vector<std::unique_ptr<PickedFile>> files;
  {
    SEA_ASSIGN_OR_RETURN(std::string fs_type, devices.FilesystemType(o.root));
    SEA_ASSIGN_OR_RETURN(std::unique_ptr<MountedFs> mounted, mounter.MountReadOnly(o.root, fs_type));
    SEA_ASSIGN_OR_RETURN(FileInRoot tarball, MapInRoot(mounted->dir(), "--tarball", c.root_tarball, o.root, 0));
    SEA_ASSIGN_OR_RETURN(std::unique_ptr<PickedFile> picked, PickedFile::Create(std::move(tarball)));
    files.push_back(std::move(picked));
    if (!c.root_sbom.empty()) {
      SEA_ASSIGN_OR_RETURN(FileInRoot sbom, MapInRoot(mounted->dir(), "--sbom", c.root_sbom, o.root, kMaxSbomSize));
      SEA_ASSIGN_OR_RETURN(std::unique_ptr<PickedFile> picked_sbom, PickedFile::Create(std::move(sbom)));
      files.push_back(std::move(picked_sbom));
    }
  }
  HashOptions how;
  how.sha256_4m = true;  // both, from the one read: reference.yaml states both
  how.on_chunk = [&files](std::uint64_t offset, const std::uint8_t* data, std::size_t size) -> Status {
    for (const std::unique_ptr<PickedFile>& f : files) SEA_RETURN_IF_ERROR(f->Feed(offset, data, size));
    return {};
  };
  SEA_ASSIGN_OR_RETURN(StreamDigest root, HashPath(o.root, how));
  c.root_digest = o.root_digest;
  c.root_hash = root.Of(o.root_digest);
  c.root_size = root.size;
  SEA_ASSIGN_OR_RETURN(c.root_tarball_sha256, files[0]->Finish(root.size));
  c.root_tarball_size = files[0]->layout().size;
  c.root_tarball_extents = files[0]->layout().extents;
  if (files.size() > 1) {
    SEA_ASSIGN_OR_RETURN(c.root_sbom_sha256, files[1]->Finish(root.size));
    c.root_sbom_size = files[1]->layout().size;
    c.root_sbom_extents = files[1]->layout().extents;
  }
  return SealedRootDigests{root.digest, root.sha256_4m};
}

// --- reference.yaml ------------------------------------------------------------------------------

void EmitCertificate(YAML::Emitter& out, const char* role, const CertificateValidity& v) {
  out << YAML::Key << role << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "subject" << YAML::Value << YAML::DoubleQuoted << v.subject;
  out << YAML::Key << "sha256" << YAML::Value << ToHex(v.sha256);
  out << YAML::Key << "not_after" << YAML::Value << YAML::DoubleQuoted << FormatIso8601(v.not_after);
  out << YAML::EndMap;
}

// Both texts read back as the agent and verify read them, or nothing is written.
Status CheckReadBack(const std::string& config_text, const std::string& reference_text,
                     const std::optional<CertificateExpiry>& certificates) {
  if (auto back = ParseAgentConfig(config_text, "agent.yaml"); !back) return back.error();
  auto back = ParseReference(reference_text, "reference.yaml");
  if (!back) return back.error();
  if (back->certificates != certificates) {
    return MakeError("reference reference.yaml: certificates: do not read back as written (a subject yaml-cpp cannot "
                     "write back unchanged?)");
  }
  return {};
}

}  // namespace

Result<std::optional<UnixTime>> ResolveBuildTime(RecordProfile profile, const std::optional<std::string>& flag,
                                                 const std::optional<std::string>& source_date_epoch, UnixTime now) {
  if (profile == RecordProfile::kHpcr2023) {
    if (flag) return MakeError(Hpcr2026Only("--build-time"));
    return std::optional<UnixTime>();
  }
  if (flag) {
    auto t = ParseIso8601(*flag);
    if (!t) return MakeError("--build-time: " + t.error().message);
    return std::optional<UnixTime>(*t);
  }
  if (source_date_epoch && !source_date_epoch->empty()) {
    const std::optional<std::uint64_t> seconds = ParseDecimal(*source_date_epoch);
    if (!seconds || *seconds > static_cast<std::uint64_t>(kLastIso8601Second)) {
      return MakeError("SOURCE_DATE_EPOCH: expected decimal seconds since 1970 (as `date +%s` prints them, before the "
                       "year 10000), found '" + source_date_epoch->substr(0, 40) + "'");
    }
    return std::optional<UnixTime>(static_cast<UnixTime>(*seconds));
  }
  return std::optional<UnixTime>(now);
}

std::string RenderSealReference(const AgentConfig& c, const SealedRootDigests& root,
                                const Sha256Digest& attestation_fingerprint,
                                const std::optional<CertificateExpiry>& certificates) {
  YAML::Emitter out;
  out << YAML::Comment("Expected values for auditors, written by `se-attest seal`.");
  out << YAML::BeginMap;
  out << YAML::Key << "image_version" << YAML::Value << YAML::DoubleQuoted << c.image_version;
  out << YAML::Key << "commit_id" << YAML::Value << YAML::DoubleQuoted << c.commit_id;
  // development: sealed with --development, it runs outside Secure Execution and its records are
  // no evidence of it (their header says so too).
  out << YAML::Key << "image_kind" << YAML::Value << std::string(ImageKindName(c.require_secure_execution ? ImageKind::kProduction : ImageKind::kDevelopment));
  // The records' layout; with hpcr-2026, what their header lines count from and state.
  out << YAML::Key << "record_profile" << YAML::Value << std::string(RecordProfileName(c.record_profile));
  if (c.record_profile == RecordProfile::kHpcr2026) {
    out << YAML::Key << "build_time" << YAML::Value << YAML::DoubleQuoted << FormatIso8601(c.build_time);
  }
  // The prefix of its encrypted records (se-checksums.txt.enc), which verify compares.
  out << YAML::Key << "token_prefix" << YAML::Value << std::string(TokenPrefixName(c.token_prefix));
  out << YAML::Key << "measurements" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "baseimage" << YAML::Value << ToHex(c.baseimage_sha256);
  out << YAML::Key << "root.tar.gz" << YAML::Value << ToHex(c.root_tarball_sha256);
  if (!c.root_sbom.empty()) out << YAML::Key << std::string(kNameSbom) << YAML::Value << ToHex(c.root_sbom_sha256);
  out << YAML::EndMap;
  out << YAML::Key << "root_partition" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "device" << YAML::Value << c.root_device.ToString();
  out << YAML::Key << std::string(kRootDigestSha256) << YAML::Value << ToHex(root.sha256);
  out << YAML::Key << std::string(kRootDigestSha256_4m) << YAML::Value << ToHex(root.sha256_4m);
  out << YAML::Key << "size" << YAML::Value << c.root_size;
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
  if (certificates) {
    // The certificates sealed beside the keys: what certificate_expiry_date.json and the records'
    // valid-until lines must state.
    out << YAML::Key << "certificates" << YAML::Value << YAML::BeginMap;
    EmitCertificate(out, "encryption", certificates->encryption);
    EmitCertificate(out, "attestation", certificates->attestation);
    out << YAML::EndMap;
  }
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

Result<SealResult> Seal(const SealOptions& o, BlockDevices& devices, Mounter& mounter) {
  SealResult result;
  SEA_ASSIGN_OR_RETURN(AgentConfig c, ConfigFromOptions(o));
  SEA_ASSIGN_OR_RETURN(SealKeys keys, ReadKeys(o, c, result.warnings));
  SEA_ASSIGN_OR_RETURN(c.baseimage_sha256, BaseimageDigest(o));
  SEA_ASSIGN_OR_RETURN(SealedRootDigests root, MeasureRoot(o, devices, mounter, c));
  std::optional<CertificateExpiry> certificates;
  if (keys.attestation_cert && keys.contract_cert) {
    certificates = CertificateExpiry{keys.contract_cert->validity, keys.attestation_cert->validity};
  }

  // What the agent and verify will read must parse now, or nothing is written.
  const std::string config_text = RenderAgentConfig(c);
  result.reference_text = RenderSealReference(c, root, keys.attestation_fingerprint, certificates);
  SEA_RETURN_IF_ERROR(CheckReadBack(config_text, result.reference_text, certificates));
  const std::string config_dir = o.out + "/" + kConfigDir;
  SEA_RETURN_IF_ERROR(MakeDirs(config_dir, 0755));
  // An encrypted key is written decrypted (PrivateKeyFile::pem): nobody can type at boot.
  SEA_RETURN_IF_ERROR(WriteFileAtomic(config_dir, c.attestation_key, keys.attestation.pem.view(), 0600));
  SEA_RETURN_IF_ERROR(WriteFileAtomic(config_dir, c.contract_key, keys.contract.pem.view(), 0600));
  for (auto [option, path, file, written] :
       {std::tuple{"--attestation-key", &o.attestation_key, &keys.attestation, &c.attestation_key},
        {"--contract-key", &o.contract_key, &keys.contract, &c.contract_key}}) {
    if (file->was_encrypted) {
      result.notes.push_back(std::string(option) + " " + *path + " was encrypted: " + config_dir + "/" + *written +
                             " is written unencrypted (PKCS#8, 0600): nobody can type a passphrase at boot; only "
                             "the Secure Execution image protects it");
    }
  }
  if (certificates) {
    SEA_RETURN_IF_ERROR(WriteFileAtomic(config_dir, c.attestation_cert, keys.attestation_cert->pem, 0644));
    SEA_RETURN_IF_ERROR(WriteFileAtomic(config_dir, c.contract_cert, keys.contract_cert->pem, 0644));
  }
  SEA_RETURN_IF_ERROR(WriteFileAtomic(config_dir, "agent.yaml", config_text, 0644));
  result.config_path = config_dir + "/agent.yaml";
  result.reference_path = o.out + "/reference.yaml";
  SEA_RETURN_IF_ERROR(WriteFileAtomic(o.out, "reference.yaml", result.reference_text, 0644));
  return result;
}

}  // namespace seattest
