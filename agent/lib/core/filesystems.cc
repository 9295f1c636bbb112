#include "core/filesystems.h"

#include <algorithm>

namespace seattest {
namespace {

std::uint32_t Le(const std::uint8_t* p, int bytes) {
  std::uint32_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

// Offsets in the superblock (e2fsprogs lib/ext2fs/ext2_fs.h).
constexpr std::size_t kMagic = 0x38;
constexpr std::size_t kFeatureCompat = 0x5c;
constexpr std::size_t kFeatureIncompat = 0x60;
constexpr std::size_t kJournalInum = 0xe0;
constexpr std::uint32_t kExtMagic = 0xef53;
constexpr std::uint32_t kCompatHasJournal = 0x4;
constexpr std::uint32_t kIncompatRecover = 0x4;
constexpr std::uint32_t kIncompatJournalDev = 0x8;

}  // namespace

std::vector<std::string> CidataFilesystems(bool development_image) {
  std::vector<std::string> allowed{"iso9660", "vfat"};
  if (development_image) allowed.emplace_back("ext4");
  return allowed;
}

Status CheckCidataFilesystem(const std::string& device, const std::string& probed_type,
                             const std::vector<std::string>& allowed) {
  if (std::find(allowed.begin(), allowed.end(), probed_type) != allowed.end()) return {};
  std::string list;
  for (const std::string& t : allowed) list += (list.empty() ? "" : ", ") + t;
  return MakeError(device + ": filesystem type '" + probed_type + "' is not one cidata is delivered on (" + list +
                   (std::find(allowed.begin(), allowed.end(), "ext4") == allowed.end()
                        ? "; ext4 only in an image sealed with --development"
                        : "") +
                   ")");
}

Status CheckExtSuperblock(const std::string& device, const std::uint8_t* superblock, std::size_t size) {
  const std::uint8_t* sb = superblock;
  if (size < kExtSuperblockSize || Le(sb + kMagic, 2) != kExtMagic) {
    return MakeError(device + ": no ext2/3/4 superblock at byte " + std::to_string(kExtSuperblockOffset));
  }
  const std::uint32_t compat = Le(sb + kFeatureCompat, 4);
  const std::uint32_t incompat = Le(sb + kFeatureIncompat, 4);
  if ((incompat & kIncompatJournalDev) != 0) return MakeError(device + ": an ext4 external journal, not a filesystem");
  if ((incompat & kIncompatRecover) != 0) {
    return MakeError(device +
                     ": the ext4 journal needs recovery (not cleanly unmounted): what the agent would read is not what "
                     "a later mount shows once the journal is replayed");
  }
  if ((compat & kCompatHasJournal) != 0 && Le(sb + kJournalInum, 4) == 0) {
    return MakeError(device + ": the ext4 journal is on another device");
  }
  return {};
}

}  // namespace seattest
