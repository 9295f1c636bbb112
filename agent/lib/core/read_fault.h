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
// else the errno. EINVAL means direct reads are refused (or misaligned): no answer can be had.
// Any other error is a fault: a direct read reports the block layer's status (EIO, ENODATA for a
// medium error, EILSEQ, ...), not always the EIO the buffered read gave.
using ReadAt = std::function<int(std::uint64_t offset, std::size_t length)>;

struct FaultSearch {
  std::uint64_t from = 0;         // where the buffered read failed: the fault is at or after it
  std::uint64_t end = 0;          // search no further
  std::size_t block = 512;        // the unit of a direct read
  std::size_t window = 64 << 10;  // first located to a window, then to a block within it
};

// How far past a failed read the search goes: twice the largest page-cache folio.
inline constexpr std::uint64_t kFaultSearchBound = 4u << 20;

// The search after a buffered read failed at `failed_at` on something of `size` bytes (0: not
// known) read directly in units of `block`: from `failed_at` rounded down to a block, to
// kFaultSearchBound past it or the size rounded up to a block, whichever comes first (a direct
// read is whole blocks; past the end it comes back short).
FaultSearch PlanFaultSearch(std::uint64_t failed_at, std::uint64_t size, std::size_t block);

// The offset of the first block in [from, end) whose read fails, or the start of the first window
// whose read fails when none of its blocks does (a fault that comes and goes); nullopt when no read
// there fails (the fault did not come back), a read returns EINVAL, or the search is ill-formed
// (block 0, window not a multiple of block, from or end not a multiple of block). Reads at most
// ceil((end - from) / window) + window / block times, never outside [from, end).
std::optional<std::uint64_t> FindFailingBlock(const ReadAt& read_at, const FaultSearch& search);

}  // namespace seattest
