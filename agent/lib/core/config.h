// The agent's configuration, etc/se-attest/agent.yaml, written by `se-attest seal`: pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/device_spec.h"
#include "core/extents.h"
#include "core/limits_and_defaults.h"
#include "core/record_profile.h"
#include "core/token_format.h"
#include "core/result.h"
#include "core/root_digest.h"

namespace seattest {

struct AgentConfig {
  std::string image_version;
  std::string commit_id;
  std::string output_dir;       // as written; relative paths are relative to the config's folder
  Sha256Digest baseimage_sha256{};
  DeviceSpec root_device;
  // The whole root partition's digest (root.sha256 or root.sha256-4m, core/root_digest.h): which
  // one, and its value.
  RootDigest root_digest = RootDigest::kSha256;
  Sha256Digest root_hash{};
  std::uint64_t root_size = 0;  // its size in bytes: a device of another size is refused unread
  std::string root_tarball;     // absolute path inside the root partition's filesystem
  Sha256Digest root_tarball_sha256{};
  std::uint64_t root_tarball_size = 0;
  // Where root_tarball's bytes lie in the root partition (seal maps them in the filesystem it
  // sealed): the agent copies them out while it hashes the partition, and never mounts it.
  std::vector<Extent> root_tarball_extents;
  // Optional: where the agent keeps the bytes of root.tar.gz it measured (for the initrd to
  // unpack the real root from, without reading the disk again). Empty: not kept.
  std::string root_tarball_copy;
  // Optional (`seal --sbom`, hpcr-2026 only): the image's SBOM in the root filesystem, picked out
  // of the partition at its extents in the same pass as root.tar.gz, compared with its digest
  // (an integrity failure, like root.tar.gz), copied into the output folder as `sbom`. Empty
  // root_sbom: none.
  std::string root_sbom;
  Sha256Digest root_sbom_sha256{};
  std::uint64_t root_sbom_size = 0;
  std::vector<Extent> root_sbom_extents;
  DeviceSpec cidata_device;
  // Optional (`seal --root-disk`): the disk that becomes the real root, encrypted anew at every
  // boot under a key made in the guest (se-attest-root). Absent: the real root is a
  // tmpfs. The agent itself never touches it.
  std::optional<DeviceSpec> root_disk;
  std::string attestation_key;  // as written, see output_dir
  std::string contract_key;
  // The record's layout (record_profile; absent: hpcr-2023, an image sealed before profiles).
  RecordProfile record_profile = RecordProfile::kHpcr2023;
  // The prefix of the encrypted records the agent writes (token_prefix; absent:
  // hyper-protect-basic, an image sealed before prefixes were chosen).
  TokenPrefix token_prefix = kDefaultTokenPrefix;
  // hpcr-2026 only, and required with it: when seal ran (the Image age line counts from it), and
  // the certificates of the two keys (paths as written, see output_dir), whose notAfter the
  // record's valid-until lines and certificate_expiry_date.json give.
  UnixTime build_time = 0;
  std::string attestation_cert;
  std::string contract_cert;
  // The agent refuses to run unless the ultravisor says this is a Secure Execution guest. Absent
  // from agent.yaml means true: an image is for production unless sealed with --development.
  bool require_secure_execution = true;
  // Fingerprints (SHA-256 of the DER SubjectPublicKeyInfo) of the keys a contract's
  // envWorkloadSignature must be made with (`seal --contract-signing-key`). Empty (absent from
  // agent.yaml): any key, and unsigned contracts too. Otherwise an unsigned contract, or one
  // signed with another key, is an invalid contract.
  std::vector<Sha256Digest> contract_signing_keys_sha256;
};

// Strict: every key is required (but cidata.device and output_dir, which have defaults), an
// unknown key is an error, so a typo can never silently change what is checked. `source` names
// the file in errors.
Result<AgentConfig> ParseAgentConfig(std::string_view yaml_text, std::string_view source);

// YAML text that ParseAgentConfig reads back to the same configuration.
std::string RenderAgentConfig(const AgentConfig& config);

// `path` if absolute, otherwise `base_dir`/`path`.
std::string ResolvePath(std::string_view base_dir, std::string_view path);

}  // namespace seattest
