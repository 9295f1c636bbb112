// Where a failed read went wrong, to the block. The page cache reads a device in folios of up to
// 2 MiB (x86-64; 1 MiB on s390x) and fails a folio whole, so a buffered read() that hits one bad
// sector fails at the folio's first byte, up to 2 MiB before the sector. Reading again from there
// in small direct reads finds the block itself, which is what an operator replacing a disk or
// reading a hypervisor's log needs.
// Pure: the reads are the caller's (ReadAt), so the search is tested without a failing disk.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>

namespace seattest {

// Reads `length` bytes at `offset`; 0 if that worked (a short read at the end counts as working),
// else the errno.
using ReadAt = std::function<int(std::uint64_t offset, std::size_t length)>;

struct FaultSearch {
  std::uint64_t from = 0;       // where the buffered read failed: the fault is at or after it
  std::uint64_t end = 0;        // search no further (the device's size, or from + a bound)
  std::size_t block = 512;      // the unit of a direct read: the logical block size
  std::size_t window = 64 << 10;  // first located to a window, then to a block within it
  int error = 0;                // the errno the buffered read failed with
};

// The offset of the first block in [from, end) whose read fails with `error`, or nullopt when no
// read there fails with it (the fault did not come back), a read fails otherwise (direct reads
// refused: EINVAL), or the search is ill-formed (block 0, window not a multiple of block, from
// not a multiple of block). Reads at most (end - from) / window + window / block times.
std::optional<std::uint64_t> FindFailingBlock(const ReadAt& read_at, const FaultSearch& search);

}  // namespace seattest
