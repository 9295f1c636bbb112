#include "platform/block_devices.h"

#include <blkid/blkid.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>

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

// A fresh low-level probe of one device: superblock tags and GPT/MBR entry details.
Result<Probed> ProbeDevice(const std::string& device) {
  ProbePtr pr(blkid_new_probe_from_filename(device.c_str()));
  if (!pr) return MakeError(device + ": cannot be probed: " + std::strerror(errno));
  blkid_probe_enable_superblocks(pr.get(), 1);
  blkid_probe_set_superblocks_flags(pr.get(), BLKID_SUBLKS_LABEL | BLKID_SUBLKS_UUID | BLKID_SUBLKS_TYPE);
  blkid_probe_enable_partitions(pr.get(), 1);
  blkid_probe_set_partitions_flags(pr.get(), BLKID_PARTS_ENTRY_DETAILS);
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

// Every block device the kernel lists, through libblkid with no cache file.
std::vector<std::string> ListDevices() {
  std::vector<std::string> out;
  blkid_cache cache = nullptr;
  if (blkid_get_cache(&cache, "/dev/null") != 0) return out;
  blkid_probe_all(cache);
  blkid_dev_iterate it = blkid_dev_iterate_begin(cache);
  blkid_dev dev = nullptr;
  while (blkid_dev_next(it, &dev) == 0) out.emplace_back(blkid_dev_devname(dev));
  blkid_dev_iterate_end(it);
  blkid_put_cache(cache);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

class LibblkidDevices final : public BlockDevices {
 public:
  Result<std::string> Resolve(const DeviceSpec& spec) override {
    if (spec.kind == DeviceSpec::Kind::kPath) {
      struct stat st {};
      if (stat(spec.value.c_str(), &st) != 0) {
        return Error{spec.value + ": " + std::strerror(errno), errno == ENOENT ? Error::Kind::kNotFound : Error::Kind::kGeneric};
      }
      return spec.value;
    }
    std::vector<std::string> found;
    for (const std::string& dev : ListDevices()) {
      auto probed = ProbeDevice(dev);
      if (probed && Matches(*probed, spec)) found.push_back(dev);
    }
    if (found.empty()) return Error{spec.ToString() + ": no such device", Error::Kind::kNotFound};
    if (found.size() > 1) {
      std::string list;
      for (const std::string& d : found) list += (list.empty() ? "" : ", ") + d;
      return MakeError(spec.ToString() + ": ambiguous, " + std::to_string(found.size()) +
                       " devices carry it: " + list);
    }
    return found.front();
  }

  Result<std::string> FilesystemType(const std::string& device) override {
    SEA_ASSIGN_OR_RETURN(Probed p, ProbeDevice(device));
    if (p.type.empty()) return MakeError(device + ": no filesystem found");
    return p.type;
  }
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
