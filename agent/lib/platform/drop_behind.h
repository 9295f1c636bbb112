// Dropping what was read of a block device from the page cache (POSIX_FADV_DONTNEED) behind a
// reader: a partition hashed at boot must not stay in the guest's memory. In batches, a little
// behind the reads: the kernel drains every CPU's page lists (lru_add_drain_all, waiting for a
// worker on each CPU) whenever a page to drop is still on one, which pages just read often are;
// dropping every 256 KiB chunk right after its read made that wait the reader's pace on a busy
// machine.
#pragma once

#include <fcntl.h>

#include <cstdint>

namespace seattest {

class DropBehind {
 public:
  // Drops in batches of this size, this far behind the reads.
  static constexpr std::uint64_t kBatch = std::uint64_t{8} << 20;
  static constexpr std::uint64_t kLag = std::uint64_t{1} << 20;

  // Does nothing unless `enabled` (a regular file's pages are kept).
  DropBehind(int fd, bool enabled) : fd_(fd), enabled_(enabled) {}
  DropBehind(const DropBehind&) = delete;
  DropBehind& operator=(const DropBehind&) = delete;
  // At the end, all that was read once more from the start: a page the kernel could not drop
  // when its batch went (still locked or on a CPU's list) goes now.
  ~DropBehind() {
    dropped_to_ = 0;
    DropTo(read_to_);
  }

  // Everything before `end` has been read (and copied out of the page cache); the destructor
  // drops it all.
  void Read(std::uint64_t end) {
    if (end > read_to_) read_to_ = end;
    if (read_to_ >= dropped_to_ + kBatch + kLag) DropTo(read_to_ - kLag);
  }

 private:
  void DropTo(std::uint64_t end) {
    if (!enabled_ || end <= dropped_to_) return;
    posix_fadvise(fd_, static_cast<off_t>(dropped_to_), static_cast<off_t>(end - dropped_to_), POSIX_FADV_DONTNEED);
    dropped_to_ = end;
  }

  const int fd_;
  const bool enabled_;
  std::uint64_t read_to_ = 0;
  std::uint64_t dropped_to_ = 0;
};

}  // namespace seattest
