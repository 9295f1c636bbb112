// Which filesystems the agent mounts, and what it refuses in them: pure rules, tested without a
// kernel (platform/mount.cc and the agent's cidata step apply them).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"

namespace seattest {

// The filesystem types a cidata device may hold, decided from the image before any device is
// probed: what cloud-init's NoCloud reads (it looks only at devices of TYPE=iso9660 or vfat),
// and ext4 too in an image sealed with --development, for hosts whose kernel mounts neither
// (the host tests). Never the probed type alone.
std::vector<std::string> CidataFilesystems(bool development_image);

// The probed type of the cidata device `device` against `allowed`: an error naming the device,
// the type and the allowed ones when it is not among them.
Status CheckCidataFilesystem(const std::string& device, const std::string& probed_type,
                             const std::vector<std::string>& allowed);

// Where the ext2/3/4 superblock is, and how much of it CheckExtSuperblock reads.
constexpr std::uint64_t kExtSuperblockOffset = 1024;
constexpr std::size_t kExtSuperblockSize = 1024;

// An ext2/3/4 superblock (kExtSuperblockSize bytes from kExtSuperblockOffset) the agent may
// mount read-only and read as any later mount will: refused when its journal needs recovery
// (a replay would change what a later read-write mount shows, so the agent would read what the
// workload does not), when its journal is on another device (mounting would open that device),
// and when it is itself an external journal. `device` names it in the error.
Status CheckExtSuperblock(const std::string& device, const std::uint8_t* superblock, std::size_t size);

}  // namespace seattest
