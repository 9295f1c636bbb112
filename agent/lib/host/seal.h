// `se-attest seal`: from the root partition and the keys, the files a builder adds to the initrd
// (etc/se-attest/agent.yaml and the keys it names) and the reference values for auditors.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/limits_and_defaults.h"
#include "core/result.h"
#include "platform/block_devices.h"
#include "platform/mount.h"

namespace seattest {

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
};

struct SealResult {
  std::string config_path;     // OUT/etc/se-attest/agent.yaml
  std::string reference_path;  // OUT/reference.yaml
  std::string reference_text;
};

// Needs root when `root` is an image file (a read-only loop device is attached to read the
// tarball); everything is checked before anything is written.
Result<SealResult> Seal(const SealOptions& options, BlockDevices& devices, Mounter& mounter);

}  // namespace seattest
