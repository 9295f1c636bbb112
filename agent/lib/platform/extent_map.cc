#include "platform/extent_map.h"

#include <fcntl.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "platform/errno_text.h"
#include "platform/unique_fd.h"

namespace seattest {
namespace {

constexpr std::uint32_t kBatch = 256;  // extents asked for per ioctl

// FIEMAP flags under which an extent's bytes are not simply stored at fe_physical.
constexpr std::uint32_t kRefusedFlags = FIEMAP_EXTENT_UNKNOWN | FIEMAP_EXTENT_DELALLOC | FIEMAP_EXTENT_ENCODED |
                                        FIEMAP_EXTENT_DATA_ENCRYPTED | FIEMAP_EXTENT_NOT_ALIGNED |
                                        FIEMAP_EXTENT_DATA_INLINE | FIEMAP_EXTENT_DATA_TAIL |
                                        FIEMAP_EXTENT_UNWRITTEN;

struct FreeFiemap {
  void operator()(fiemap* p) const { std::free(p); }  // NOLINT(cppcoreguidelines-no-malloc)
};

}  // namespace

Result<FileLayout> MapFile(const std::string& path) {
  UniqueFd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK));
  if (fd.get() < 0) {
    if (errno == ELOOP) return MakeError(path + ": is a symbolic link");
    return MakeError(path + ": " + ErrnoText(errno));
  }
  struct stat st {};
  if (fstat(fd.get(), &st) != 0) return MakeError(path + ": " + ErrnoText(errno));
  if (!S_ISREG(st.st_mode)) return MakeError(path + ": not a regular file");
  FileLayout layout;
  layout.size = static_cast<std::uint64_t>(st.st_size);
  if (layout.size == 0) return MakeError(path + ": empty");

  const std::size_t bytes = sizeof(fiemap) + kBatch * sizeof(fiemap_extent);
  std::unique_ptr<fiemap, FreeFiemap> map(static_cast<fiemap*>(std::calloc(1, bytes)));  // NOLINT(cppcoreguidelines-no-malloc)
  if (!map) return MakeError(path + ": out of memory for its extent map");
  std::uint64_t logical = 0;  // the file's bytes mapped so far
  bool last = false;
  std::uint32_t flags = FIEMAP_FLAG_SYNC;
  while (!last && logical < layout.size) {
    std::memset(map.get(), 0, bytes);
    map->fm_start = logical;
    map->fm_length = FIEMAP_MAX_OFFSET - logical;
    map->fm_flags = flags;
    map->fm_extent_count = kBatch;
    if (ioctl(fd.get(), FS_IOC_FIEMAP, map.get()) != 0) {
      return MakeError(path + ": its filesystem cannot map it to device offsets (FIEMAP: " + ErrnoText(errno) + ")");
    }
    flags = 0;  // synced once is enough
    if (map->fm_mapped_extents == 0) break;
    for (std::uint32_t i = 0; i < map->fm_mapped_extents && !last; ++i) {
      const fiemap_extent& e = map->fm_extents[i];  // NOLINT(cppcoreguidelines-pro-bounds-constant-array-index)
      // Space allocated past the end of the file (preallocated) is none of its bytes.
      if (logical == layout.size) break;
      last = (e.fe_flags & FIEMAP_EXTENT_LAST) != 0;
      if ((e.fe_flags & kRefusedFlags) != 0) {
        return MakeError(path + ": its bytes at " + std::to_string(e.fe_logical) +
                         " are not stored plainly on the device (FIEMAP extent flags " + std::to_string(e.fe_flags) +
                         ": inline, encoded, unwritten or not yet allocated)");
      }
      if (e.fe_logical != logical) {
        return MakeError(path + ": has a hole at byte " + std::to_string(logical) + " (a sparse file)");
      }
      if (e.fe_length == 0) return MakeError(path + ": an empty extent at byte " + std::to_string(logical));
      std::uint64_t length = e.fe_length;
      if (length > layout.size - logical) length = layout.size - logical;  // the last block's tail
      if (!layout.extents.empty() &&
          layout.extents.back().physical + layout.extents.back().length == e.fe_physical) {
        layout.extents.back().length += length;
      } else {
        layout.extents.push_back(Extent{e.fe_physical, length});
      }
      logical += length;
    }
  }
  if (logical != layout.size) {
    return MakeError(path + ": has a hole at byte " + std::to_string(logical) + " (a sparse file)");
  }
  return layout;
}

}  // namespace seattest
