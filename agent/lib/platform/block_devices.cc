#include "platform/block_devices.h"

#include <blkid/blkid.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <sstream>
#include <utility>

#include "platform/errno_text.h"

namespace seattest {
namespace {

struct ProbeDeleter {
  void operator()(blkid_struct_probe* p) const { blkid_free_probe(p); }
};
using ProbePtr = std::unique_ptr<blkid_struct_probe, ProbeDeleter>;

struct Probed {
  std::string type, label, label_fatboot, uuid, part_name, part_uuid;
};

std::string Value(blkid_probe pr, const char* name) {
  const char* data = nullptr;
  if (blkid_probe_lookup_value(pr, name, &data, nullptr) == 0 && data != nullptr) return data;
  return {};
}

enum class ProbeFor { kSuperblock, kSuperblockAndPartition };

// A fresh low-level probe of one device: superblock tags and, when asked (PARTLABEL=, PARTUUID=),
// the GPT/MBR entry details, which cost reading the parent disk's partition table.
Result<Probed> ProbeDevice(const std::string& device, ProbeFor what) {
  ProbePtr pr(blkid_new_probe_from_filename(device.c_str()));
  if (!pr) return MakeError(device + ": cannot be probed: " + ErrnoText(errno));
  blkid_probe_enable_superblocks(pr.get(), 1);
  blkid_probe_set_superblocks_flags(pr.get(), BLKID_SUBLKS_LABEL | BLKID_SUBLKS_UUID | BLKID_SUBLKS_TYPE);
  if (what == ProbeFor::kSuperblockAndPartition) {
    blkid_probe_enable_partitions(pr.get(), 1);
    blkid_probe_set_partitions_flags(pr.get(), BLKID_PARTS_ENTRY_DETAILS);
  }
  int rc = blkid_do_safeprobe(pr.get());
  if (rc == -2) return MakeError(device + ": ambiguous: more than one filesystem signature");
  if (rc < 0) return MakeError(device + ": probe failed");
  Probed p;
  p.type = Value(pr.get(), "TYPE");
  p.label = Value(pr.get(), "LABEL");
  p.label_fatboot = Value(pr.get(), "LABEL_FATBOOT");
  p.uuid = Value(pr.get(), "UUID");
  p.part_name = Value(pr.get(), "PART_ENTRY_NAME");
  p.part_uuid = Value(pr.get(), "PART_ENTRY_UUID");
  return p;
}

bool Matches(const Probed& p, const DeviceSpec& spec) {
  switch (spec.kind) {
    case DeviceSpec::Kind::kLabel:
      for (const std::string& l : LabelSpellings(spec.value)) {
        if (p.label == l || p.label_fatboot == l) return true;
      }
      return false;
    case DeviceSpec::Kind::kPartLabel: return p.part_name == spec.value;
    case DeviceSpec::Kind::kUuid: return strcasecmp(p.uuid.c_str(), spec.value.c_str()) == 0;
    case DeviceSpec::Kind::kPartUuid: return strcasecmp(p.part_uuid.c_str(), spec.value.c_str()) == 0;
    case DeviceSpec::Kind::kPath: return false;
  }
  return false;
}

// Every block device the kernel lists in /proc/partitions that has a size, whether or not it can
// be probed (libblkid's own listing probes each device in full first, and silently leaves out one
// whose probe fails).
std::vector<std::string> ListDevices() {
  std::vector<std::string> out;
  FILE* f = std::fopen("/proc/partitions", "re");
  if (f == nullptr) return out;
  char line[256];
  while (std::fgets(line, sizeof line, f) != nullptr) {
    // "major minor #blocks name"; the header and the blank line do not parse.
    std::istringstream fields(line);
    unsigned major = 0, minor = 0;
    unsigned long long blocks = 0;
    std::string name;
    if (!(fields >> major >> minor >> blocks >> name) || blocks == 0) continue;
    const std::string dev = "/dev/" + name;
    struct stat st {};
    if (stat(dev.c_str(), &st) == 0 && S_ISBLK(st.st_mode)) out.push_back(dev);
  }
  (void)std::fclose(f);  // read only: nothing to lose
  std::sort(out.begin(), out.end());
  return out;
}

class LibblkidDevices final : public BlockDevices {
 public:
  Result<std::string> Resolve(const DeviceSpec& spec) override {
    if (spec.kind == DeviceSpec::Kind::kPath) {
      struct stat st {};
      if (stat(spec.value.c_str(), &st) != 0) {
        return Error{spec.value + ": " + ErrnoText(errno), errno == ENOENT ? Error::Kind::kNotFound : Error::Kind::kGeneric};
      }
      return spec.value;
    }
    const ProbeFor what = spec.kind == DeviceSpec::Kind::kPartLabel || spec.kind == DeviceSpec::Kind::kPartUuid
                              ? ProbeFor::kSuperblockAndPartition
                              : ProbeFor::kSuperblock;
    std::vector<std::string> found;
    std::string unprobed;  // devices that could not be probed: one of them may be the one sought
    for (const std::string& dev : ListDevices()) {
      const Result<Probed>& probed = Probe(dev, what);
      if (!probed) unprobed += (unprobed.empty() ? "" : ", ") + probed.error().message;
      if (probed && Matches(*probed, spec)) found.push_back(dev);
    }
    if (found.empty()) {
      seen_.clear();  // the next look (waiting for the device to appear) probes afresh
      return Error{spec.ToString() + ": no such device" + (unprobed.empty() ? "" : " (not probed: " + unprobed + ")"),
                   Error::Kind::kNotFound};
    }
    if (found.size() > 1) {
      std::string list;
      for (const std::string& d : found) list += (list.empty() ? "" : ", ") + d;
      return MakeError(spec.ToString() + ": ambiguous, " + std::to_string(found.size()) +
                       " devices carry it: " + list);
    }
    return found.front();
  }

  Result<std::string> FilesystemType(const std::string& device) override {
    SEA_ASSIGN_OR_RETURN(Probed p, ProbeDevice(device, ProbeFor::kSuperblock));
    if (p.type.empty()) return MakeError(device + ": no filesystem found");
    return p.type;
  }

 private:
  // One run resolves the root and then cidata over the same devices: each device is probed once
  // (a probe reads a few dozen small blocks) unless a lookup found nothing. A probe for partition
  // details answers a superblock-only question too.
  const Result<Probed>& Probe(const std::string& device, ProbeFor what) {
    auto full = seen_.find({device, ProbeFor::kSuperblockAndPartition});
    if (full != seen_.end()) return full->second;
    auto it = seen_.find({device, what});
    if (it == seen_.end()) it = seen_.emplace(std::make_pair(device, what), ProbeDevice(device, what)).first;
    return it->second;
  }

  std::map<std::pair<std::string, ProbeFor>, Result<Probed>> seen_;
};

}  // namespace

std::vector<std::string> LabelSpellings(const std::string& value) {
  std::string upper = value, lower = value;
  std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  std::vector<std::string> out{value};
  for (const std::string& s : {upper, lower}) {
    if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
  }
  return out;
}

std::unique_ptr<BlockDevices> MakeLibblkidDevices() { return std::make_unique<LibblkidDevices>(); }

}  // namespace seattest
