// Page-aligned buffers, as direct reads (O_DIRECT) need them and page-sized copies like them: the
// hashing reader's ring (platform/read_ahead.h) and the bad-block search (read_fault_search.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>

namespace seattest {

inline constexpr std::size_t kPageSize = 4096;

struct FreeAligned {
  void operator()(std::uint8_t* p) const { std::free(p); }
};
using AlignedBuffer = std::unique_ptr<std::uint8_t, FreeAligned>;

// `size` bytes starting at a page boundary, or an empty buffer when out of memory.
inline AlignedBuffer AllocateAligned(std::size_t size) {
  return AlignedBuffer(static_cast<std::uint8_t*>(std::aligned_alloc(kPageSize, size)));
}

}  // namespace seattest
