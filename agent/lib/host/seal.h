// `se-attest seal`: from the root partition and the keys, the files a builder adds to the initrd
// (etc/se-attest/agent.yaml and the keys it names) and the reference values for auditors.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/bytes.h"
#include "core/config.h"
#include "core/limits_and_defaults.h"
#include "core/record_profile.h"
#include "core/token_format.h"
#include "core/result.h"
#include "platform/block_devices.h"
#include "platform/mount.h"

namespace seattest {

class PassphraseSource;

struct SealOptions {
  std::string root;         // the root partition: an image file or a block device
  std::string root_device;  // how the agent finds it at boot (LABEL=, PARTLABEL=, ..., or a path)
  std::string tarball;      // root.tar.gz's absolute path inside the root filesystem
  std::optional<std::string> baseimage_file;
  std::optional<std::string> baseimage_sha256;
  std::string image_version;
  std::string commit_id;
  std::string attestation_key;  // PEM private keys to bake in
  std::string contract_key;
  // The passphrase of either key when it is encrypted (crypto/keys.h): one source for both, each
  // encrypted key asks it (a prompt asks once per key). The keys are sealed decrypted.
  PassphraseSource* passphrase = nullptr;
  std::string cidata_device = std::string(kDefaultCidataSpec);
  // Where the agent keeps the measured root.tar.gz, for the initrd to unpack the real root from
  // (units/se-attest-root reads it from agent.yaml). Empty: nowhere (no shipped hook boots that).
  std::string tarball_copy = std::string(kDefaultTarballCopy);
  // The disk that becomes the real root, encrypted anew at every boot (agent.yaml's root_disk).
  // Empty: the real root is a tmpfs.
  std::string root_disk;
  bool development = false;  // the agent may run outside Secure Execution (QEMU, tests)
  // PEM public keys or certificates (RSA, at least kMinSigningKeyBits): the only keys a contract's
  // envWorkloadSignature may be made with. Empty: any key, and unsigned contracts too.
  std::vector<std::string> contract_signing_keys;
  std::string output_dir = std::string(kDefaultOutputDir);  // where the agent writes, at boot
  std::string out;  // the folder to fill
  // The layout of the records the image writes (agent.yaml's and reference.yaml's record_profile).
  RecordProfile record_profile = kDefaultRecordProfile;
  // The prefix of the encrypted records the image writes (agent.yaml's and reference.yaml's
  // token_prefix): hyper-protect-basic as HPVS/HPCR, contract-basic as CCRT/CCRV.
  TokenPrefix token_prefix = kDefaultTokenPrefix;
  // The root partition's digest in agent.yaml, the one the agent checks (reference.yaml has both).
  RootDigest root_digest = kDefaultRootDigest;
  // hpcr-2026 only (refused with hpcr-2023): the image's SBOM, an absolute path inside the root
  // filesystem, measured like `tarball`. Empty: none.
  std::string sbom;
  // hpcr-2026 only, and required with it: PEM certificates of attestation_key and contract_key
  // (their notAfter is in every record), copied beside the keys.
  std::string attestation_cert;
  std::string contract_cert;
  // hpcr-2026 only, and required with it: when the image was built (ResolveBuildTime).
  std::optional<UnixTime> build_time;
};

struct SealResult {
  std::string config_path;     // OUT/etc/se-attest/agent.yaml
  std::string reference_path;  // OUT/reference.yaml
  std::string reference_text;
  // One line each, for the caller to print: a certificate already expired at the build time (the
  // image is sealed all the same: its records state the date, the auditor judges it).
  std::vector<std::string> warnings;
  // One line each, for the caller to print as notes: a key that was encrypted and is sealed
  // without its passphrase.
  std::vector<std::string> notes;
};

// The build time of an hpcr-2026 seal: `flag` (--build-time, "YYYY-MM-DDTHH:MM:SSZ") when given,
// else `source_date_epoch` (the SOURCE_DATE_EPOCH of reproducible builds: decimal seconds) when
// set and not empty, else `now`. hpcr-2023 records have no image age: nullopt, and a `flag` is
// refused (SOURCE_DATE_EPOCH, set for a whole build, is ignored). Errors name the source.
Result<std::optional<UnixTime>> ResolveBuildTime(RecordProfile profile, const std::optional<std::string>& flag,
                                                 const std::optional<std::string>& source_date_epoch, UnixTime now);

// Both digests of the sealed root partition, from its one read: reference.yaml states both,
// whichever agent.yaml names (the auditor can recompute either with coreutils).
struct SealedRootDigests {
  Sha256Digest sha256{};
  Sha256Digest sha256_4m{};
};

// reference.yaml's text (docs/formats.md) for the sealed configuration `config`: the values the
// auditor checks records against, the root partition's two digests, the attestation key's
// fingerprint and, for hpcr-2026, the two certificates (ParseReference reads it back).
std::string RenderSealReference(const AgentConfig& config, const SealedRootDigests& root,
                                const Sha256Digest& attestation_fingerprint,
                                const std::optional<CertificateExpiry>& certificates);

// Needs root when `root` is an image file (a read-only loop device is attached to read the
// tarball and the SBOM); everything is checked before anything is written, and agent.yaml and
// reference.yaml are read back as the agent and verify read them.
Result<SealResult> Seal(const SealOptions& options, BlockDevices& devices, Mounter& mounter);

}  // namespace seattest
