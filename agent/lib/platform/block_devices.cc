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

#include "core/device_lookup.h"
#include "platform/errno_text.h"

namespace seattest {
namespace {

struct ProbeDeleter {
  void operator()(blkid_struct_probe* p) const { blkid_free_probe(p); }
};
using ProbePtr = std::unique_ptr<blkid_struct_probe, ProbeDeleter>;

std::string Value(blkid_probe pr, const char* name) {
  const char* data = nullptr;
  if (blkid_probe_lookup_value(pr, name, &data, nullptr) == 0 && data != nullptr) return data;
  return {};
}

DeviceTags Tags(blkid_probe pr) {
  DeviceTags t;
  t.type = Value(pr, "TYPE");
  t.label = Value(pr, "LABEL");
  t.label_fatboot = Value(pr, "LABEL_FATBOOT");
  t.uuid = Value(pr, "UUID");
  t.part_name = Value(pr, "PART_ENTRY_NAME");
  t.part_uuid = Value(pr, "PART_ENTRY_UUID");
  return t;
}

// Superblocks for LABEL= and UUID= (and the filesystem type); the GPT/MBR entry for PARTLABEL= and
// PARTUUID=, which costs reading the parent disk's partition table and does not depend on what
// the partition itself holds.
enum class ProbeFor { kSuperblocks, kPartitionEntry };

// A device that cannot be opened (gone since /proc/partitions was read, no medium, or refused to
// root, as this CI host refuses its own disk) can be read by nobody here: it carries no tag.
bool Unopenable(int err) {
  return err == ENOENT || err == ENXIO || err == ENODEV || err == ENOMEDIUM || err == EACCES || err == EPERM;
}

constexpr int kMaxSignatures = 16;  // an ambivalent device's signatures read one by one

// A fresh low-level probe of one device. When the superblocks are ambivalent, each signature is
// read on its own (blkid_do_probe in a loop), so that the caller knows which of them carry a tag.
DeviceProbe ProbeDevice(const std::string& device, ProbeFor what) {
  DeviceProbe out;
  out.device = device;
  errno = 0;
  ProbePtr pr(blkid_new_probe_from_filename(device.c_str()));
  if (!pr) {
    const int err = errno;
    out.state = Unopenable(err) ? DeviceProbe::State::kUnopenable : DeviceProbe::State::kFailed;
    out.why = "cannot be probed: " + (err != 0 ? ErrnoText(err) : std::string("libblkid cannot open it"));
    return out;
  }
  if (what == ProbeFor::kPartitionEntry) {
    blkid_probe_enable_superblocks(pr.get(), 0);
    blkid_probe_enable_partitions(pr.get(), 1);
    blkid_probe_set_partitions_flags(pr.get(), BLKID_PARTS_ENTRY_DETAILS);
  } else {
    blkid_probe_enable_superblocks(pr.get(), 1);
    blkid_probe_set_superblocks_flags(pr.get(), BLKID_SUBLKS_LABEL | BLKID_SUBLKS_UUID | BLKID_SUBLKS_TYPE);
  }
  errno = 0;
  const int rc = blkid_do_safeprobe(pr.get());
  if (rc == 0) {
    out.state = DeviceProbe::State::kFound;
    out.tags.push_back(Tags(pr.get()));
  } else if (rc == 1) {
    out.state = DeviceProbe::State::kNothing;
  } else if (rc == -2) {
    out.state = DeviceProbe::State::kAmbivalent;
    out.all_signatures_read = false;
    blkid_reset_probe(pr.get());
    for (int i = 0; i < kMaxSignatures; ++i) {
      const int step = blkid_do_probe(pr.get());
      if (step == 1) {
        out.all_signatures_read = true;
        break;
      }
      if (step != 0) break;
      out.tags.push_back(Tags(pr.get()));
    }
  } else {
    out.state = DeviceProbe::State::kFailed;
    out.why = "probe failed" + std::string(errno != 0 ? ": " + ErrnoText(errno) : "");
  }
  return out;
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
        const int err = errno;
        Error e = PathError(spec.value, ErrnoText(err), err);
        return e.sys_errno == ENOENT ? NotFoundError(std::move(e)) : e;
      }
      return spec.value;
    }
    const ProbeFor what = spec.kind == DeviceSpec::Kind::kPartLabel || spec.kind == DeviceSpec::Kind::kPartUuid
                              ? ProbeFor::kPartitionEntry
                              : ProbeFor::kSuperblocks;
    std::vector<DeviceProbe> probes;
    for (const std::string& dev : ListDevices()) probes.push_back(Probe(dev, what));
    Result<std::string> found = DecideLookup(spec, probes);
    if (!found && found.error().kind == Error::Kind::kNotFound) {
      seen_.clear();  // the next look (waiting for the device to appear) probes afresh
    }
    return found;
  }

  Result<std::string> FilesystemType(const std::string& device) override {
    const DeviceProbe p = ProbeDevice(device, ProbeFor::kSuperblocks);
    switch (p.state) {
      case DeviceProbe::State::kFound:
        if (!p.tags.front().type.empty()) return p.tags.front().type;
        return MakeError(device + ": no filesystem found");
      case DeviceProbe::State::kNothing: return MakeError(device + ": no filesystem found");
      case DeviceProbe::State::kAmbivalent: {
        std::string types;
        for (const DeviceTags& t : p.tags) types += (types.empty() ? "" : ", ") + t.type;
        return MakeError(device + ": ambiguous: more than one filesystem signature" +
                         (types.empty() ? "" : " (" + types + ")"));
      }
      case DeviceProbe::State::kFailed:
      case DeviceProbe::State::kUnopenable: return MakeError(device + ": " + p.why);
    }
    return MakeError(device + ": no filesystem found");
  }

 private:
  // One run resolves the root and then cidata over the same devices: each device is probed once
  // per kind of probe (a probe reads a few dozen small blocks) unless a lookup found nothing.
  const DeviceProbe& Probe(const std::string& device, ProbeFor what) {
    auto it = seen_.find({device, what});
    if (it == seen_.end()) it = seen_.emplace(std::make_pair(device, what), ProbeDevice(device, what)).first;
    return it->second;
  }

  std::map<std::pair<std::string, ProbeFor>, DeviceProbe> seen_;
};

}  // namespace

std::unique_ptr<BlockDevices> MakeLibblkidDevices() { return std::make_unique<LibblkidDevices>(); }

}  // namespace seattest
