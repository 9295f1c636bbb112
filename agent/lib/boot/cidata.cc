#include "boot/cidata.h"

#include <sys/stat.h>

#include <array>
#include <cerrno>
#include <memory>
#include <string_view>
#include <utility>

#include "boot/device_wait.h"
#include "core/filesystems.h"
#include "core/limits_and_defaults.h"
#include "core/output_layout.h"
#include "crypto/sha256.h"
#include "platform/hash_path.h"
#include "platform/read_file.h"

namespace seattest {
namespace {

// The files of the cidata device, in the order they are read, measured and written.
struct CidataFileRow {
  std::optional<Bytes> CidataFiles::*content;
  OutputItem item;
  std::string_view record_name;  // "cidata/user-data"
  std::string_view file_name;    // "user-data"
  bool required;
};

constexpr std::array<CidataFileRow, 3> kCidataFiles{{
    {&CidataFiles::meta, OutputItem::kMetaData, kNameMetaData, "meta-data", true},
    {&CidataFiles::user, OutputItem::kUserData, kNameUserData, "user-data", true},
    {&CidataFiles::vendor, OutputItem::kVendorData, kNameVendorData, "vendor-data", false},
}};

Outcome<StepLine> HashCidataDevice(const std::string& device, Logger& log, const std::atomic<bool>& root_failed) {
  HashOptions how;
  how.max_size = kMaxCidataDeviceSize;
  how.cancel = &root_failed;  // the boot stops on the root partition: no use reading on
  how.progress = ProgressTo(log, "cidata device " + device);
  auto digest = HashPath(device, how);
  if (!digest) return Fail(FailureClass::kCidata, "cidata device: " + digest.error().message, device);
  return MeasuredLine(kNameCidataDevice, digest->digest, device);
}

// The types cidata may be mounted as follow from the sealed image alone (docs/threat-model.md,
// "The cidata filesystem"); the probe only says which of them this device claims to be. Mounted
// as cloud-init mounts it (`mount -o ro`, files opened by name): the kernel's default view of that
// type; the workload is told to trust only the copies (README).
Outcome<std::unique_ptr<MountedFs>> MountCidata(const std::string& device, bool development_image, Platform& platform) {
  const std::vector<std::string> allowed = CidataFilesystems(development_image);
  auto fs_type = platform.devices.FilesystemType(device);
  if (!fs_type) return Fail(FailureClass::kCidata, "cidata device: " + fs_type.error().message, device);
  if (auto s = CheckCidataFilesystem(device, *fs_type, allowed); !s) {
    return Fail(FailureClass::kCidata, "cidata device: " + s.error().message, device);
  }
  auto mounted = platform.mounter.MountReadOnly(device, *fs_type);
  if (!mounted) return Fail(FailureClass::kCidata, "cidata device: " + mounted.error().message, device);
  return std::move(*mounted);
}

// The file `row` in the mounted `dir`, read once; none when it is optional and absent (not a
// dangling link: that is refused like any other symbolic link).
Outcome<std::optional<Bytes>> ReadCidataFile(const std::string& dir, const CidataFileRow& row, const std::string& device) {
  const std::string path = dir + "/" + std::string(row.file_name);
  struct stat st {};
  if (!row.required && lstat(path.c_str(), &st) != 0 && errno == ENOENT) return std::optional<Bytes>();
  auto content = ReadFile(path, kMaxCidataFileSize, Follow::kNoSymlinks);
  if (!content) {
    // The mount point's path means nothing to the reader: the file is named by its record name.
    const std::string& why = content.error().path == path ? content.error().detail : content.error().message;
    return Fail(FailureClass::kCidata, std::string(row.record_name) + " on " + device + ": " + why,
                std::string(row.record_name));
  }
  return std::optional<Bytes>(std::move(*content));
}

}  // namespace

Outcome<CidataFiles> MeasureCidata(const AgentConfig& config, Platform& platform, int wait_seconds,
                                   const std::atomic<bool>& root_failed) {
  auto device = ResolveDevice(platform.devices, config.cidata_device, wait_seconds, &root_failed);
  if (!device) {
    return Fail(FailureClass::kCidata, "cidata device: " + device.error().message, config.cidata_device.ToString());
  }
  CidataFiles files;
  files.device = std::move(*device);
  SEA_ASSIGN_OR_RETURN(StepLine hashed, HashCidataDevice(files.device, platform.log, root_failed));
  files.lines.push_back(std::move(hashed));
  SEA_ASSIGN_OR_RETURN(std::unique_ptr<MountedFs> mounted,
                       MountCidata(files.device, !config.require_secure_execution, platform));
  for (const CidataFileRow& row : kCidataFiles) {
    // Read once: what is hashed is what is kept and copied to the output folder.
    SEA_ASSIGN_OR_RETURN(std::optional<Bytes> content, ReadCidataFile(mounted->dir(), row, files.device));
    if (!content) continue;
    files.lines.push_back(MeasuredLine(row.record_name, Sha256Of(*content), files.device));
    files.*row.content = std::move(content);
  }
  return files;
}

std::vector<OutputFile> CidataOutputFiles(const CidataFiles& files) {
  std::vector<OutputFile> out;
  for (const CidataFileRow& row : kCidataFiles) {
    if (const std::optional<Bytes>& content = files.*row.content) {
      out.push_back(MakeOutputFile(row.item, std::string(AsText(*content))));
    }
  }
  return out;
}

}  // namespace seattest
