#include "platform/mount.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <optional>
#include <utility>

#include "core/filesystems.h"
#include "platform/errno_text.h"
#include "platform/folders.h"
#include "platform/loop.h"

namespace seattest {
namespace {

// Filesystems the agent mounts. No options: each is read as the kernel shows it to any later
// read-only mount (`mount -o ro`, as cloud-init mounts cidata): ISO9660 through its Rock Ridge
// names when it has them, else Joliet, else the plain names; vfat through its long names. ext3/4
// without `noload`: the journal is loaded, never replayed (CheckExtSuperblock refuses one that
// needs recovery, and the device is read-only while it is mounted, so the kernel refuses it too).
bool Mountable(const std::string& fs_type) {
  for (const char* t : {"ext2", "ext3", "ext4", "iso9660", "vfat", "erofs", "squashfs"}) {
    if (fs_type == t) return true;
  }
  return false;
}

bool IsExt(const std::string& fs_type) { return fs_type == "ext2" || fs_type == "ext3" || fs_type == "ext4"; }

// A block device made read-only (BLKROSET) while it is being mounted, as it was before
// afterwards. On a read-only device the kernel writes nothing while mounting: no journal replay
// (an ext4 that needs one fails with EROFS), no orphan cleanup.
class ReadOnlyWhileMounting {
 public:
  static Result<ReadOnlyWhileMounting> Set(const std::string& device) {
    UniqueFd fd(open(device.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) return MakeError(device + ": " + ErrnoText(errno));
    int was = 0;
    if (ioctl(fd.get(), BLKROGET, &was) != 0) return MakeError(device + ": BLKROGET: " + ErrnoText(errno));
    if (was == 0) {
      int one = 1;
      if (ioctl(fd.get(), BLKROSET, &one) != 0) {
        return MakeError(device + ": cannot make it read-only for the mount (BLKROSET): " + ErrnoText(errno));
      }
    }
    return ReadOnlyWhileMounting(std::move(fd), was == 0);
  }
  ReadOnlyWhileMounting(ReadOnlyWhileMounting&& other) noexcept
      : fd_(std::move(other.fd_)), restore_(std::exchange(other.restore_, false)) {}
  ReadOnlyWhileMounting(const ReadOnlyWhileMounting&) = delete;
  ReadOnlyWhileMounting& operator=(const ReadOnlyWhileMounting&) = delete;
  ReadOnlyWhileMounting& operator=(ReadOnlyWhileMounting&&) = delete;
  ~ReadOnlyWhileMounting() {
    int zero = 0;
    if (restore_) (void)ioctl(fd_.get(), BLKROSET, &zero);  // best effort: as it was
  }
 private:
  ReadOnlyWhileMounting(UniqueFd fd, bool restore) : fd_(std::move(fd)), restore_(restore) {}
  UniqueFd fd_;
  bool restore_;
};

Status CheckExt(const std::string& device, const std::string& source) {
  UniqueFd fd(open(source.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return MakeError(device + ": " + ErrnoText(errno));
  std::array<std::uint8_t, kExtSuperblockSize> sb{};
  const ssize_t n = pread(fd.get(), sb.data(), sb.size(), static_cast<off_t>(kExtSuperblockOffset));
  if (n < 0) return MakeError(device + ": reading the ext4 superblock: " + ErrnoText(errno));
  return CheckExtSuperblock(device, sb.data(), static_cast<std::size_t>(n));
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
    if (!Mountable(fs_type)) return MakeError(device + ": filesystem type '" + fs_type + "' is not one the agent mounts");
    struct stat st {};
    if (stat(device.c_str(), &st) != 0) return MakeError(device + ": " + ErrnoText(errno));
    std::optional<LoopDevice> loop;
    std::optional<ReadOnlyWhileMounting> read_only;
    std::string source = device;
    if (S_ISREG(st.st_mode)) {
      auto attached = LoopDevice::AttachReadOnly(device);  // read-only already
      if (!attached) return attached.error();
      loop.emplace(std::move(*attached));
      source = loop->path();
    } else if (S_ISBLK(st.st_mode)) {
      auto ro = ReadOnlyWhileMounting::Set(device);
      if (!ro) return ro.error();
      read_only.emplace(std::move(*ro));
    } else {
      return MakeError(device + ": neither a block device nor an image file");
    }
    if (IsExt(fs_type)) SEA_RETURN_IF_ERROR(CheckExt(device, source));
    SEA_RETURN_IF_ERROR(MakeDirs(base_, 0700));
    std::string dir = base_ + "/mnt.XXXXXX";
    if (mkdtemp(dir.data()) == nullptr) return MakeError(base_ + ": cannot create a mount point: " + ErrnoText(errno));
    if (mount(source.c_str(), dir.c_str(), fs_type.c_str(), MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "") != 0) {
      int err = errno;
      rmdir(dir.c_str());
      std::string why = ErrnoText(err);
      // The superblock was checked a moment ago: it changed since, or the kernel found more.
      if (IsExt(fs_type) && err == EROFS) why = "the ext4 journal needs recovery, which a read-only mount cannot do";
      return MakeError("mounting " + device + " (" + fs_type + ") read-only: " + why);
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
