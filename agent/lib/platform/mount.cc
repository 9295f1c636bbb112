#include "platform/mount.h"

#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>

#include "platform/errno_text.h"
#include "platform/file_io.h"
#include "platform/loop.h"

namespace seattest {
namespace {

// Filesystems the agent mounts, with the options that keep a read-only mount from writing (ext3/4
// would otherwise replay a journal).
const char* MountData(const std::string& fs_type, bool* allowed) {
  *allowed = true;
  if (fs_type == "ext4" || fs_type == "ext3") return "noload";
  if (fs_type == "ext2" || fs_type == "iso9660" || fs_type == "vfat" || fs_type == "erofs" ||
      fs_type == "squashfs") {
    return "";
  }
  *allowed = false;
  return nullptr;
}

class KernelMount final : public MountedFs {
 public:
  KernelMount(std::string dir, std::optional<LoopDevice> loop) : dir_(std::move(dir)), loop_(std::move(loop)) {}
  KernelMount(const KernelMount&) = delete;
  KernelMount& operator=(const KernelMount&) = delete;
  ~KernelMount() override {
    if (umount2(dir_.c_str(), 0) != 0) umount2(dir_.c_str(), MNT_DETACH);
    rmdir(dir_.c_str());
  }
  const std::string& dir() const override { return dir_; }

 private:
  std::string dir_;
  std::optional<LoopDevice> loop_;  // released after the unmount, so autoclear detaches it
};

class KernelMounter final : public Mounter {
 public:
  explicit KernelMounter(std::string base) : base_(std::move(base)) {}

  Result<std::unique_ptr<MountedFs>> MountReadOnly(const std::string& device,
                                                   const std::string& fs_type) override {
    bool allowed = false;
    const char* data = MountData(fs_type, &allowed);
    if (!allowed) return MakeError(device + ": filesystem type '" + fs_type + "' is not one the agent mounts");
    struct stat st {};
    if (stat(device.c_str(), &st) != 0) return MakeError(device + ": " + ErrnoText(errno));
    std::optional<LoopDevice> loop;
    std::string source = device;
    if (S_ISREG(st.st_mode)) {
      auto attached = LoopDevice::AttachReadOnly(device);
      if (!attached) return attached.error();
      loop.emplace(std::move(*attached));
      source = loop->path();
    } else if (!S_ISBLK(st.st_mode)) {
      return MakeError(device + ": neither a block device nor an image file");
    }
    SEA_RETURN_IF_ERROR(MakeDirs(base_, 0700));
    std::string dir = base_ + "/mnt.XXXXXX";
    if (mkdtemp(dir.data()) == nullptr) return MakeError(base_ + ": cannot create a mount point: " + ErrnoText(errno));
    if (mount(source.c_str(), dir.c_str(), fs_type.c_str(),
              MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, data) != 0) {
      int err = errno;
      rmdir(dir.c_str());
      return MakeError("mounting " + device + " (" + fs_type + ") read-only: " + ErrnoText(err));
    }
    return std::unique_ptr<MountedFs>(new KernelMount(dir, std::move(loop)));
  }

 private:
  std::string base_;
};

}  // namespace

std::unique_ptr<Mounter> MakeKernelMounter(std::string base_dir) {
  return std::make_unique<KernelMounter>(std::move(base_dir));
}

}  // namespace seattest
