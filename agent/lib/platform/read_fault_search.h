// The search for the bad block after a buffered read failed (docs/design.md "Read errors"): the
// direct reads (O_DIRECT) that carry out core/read_fault.h's pure plan on a real descriptor.
#pragma once

#include <cstdint>
#include <optional>

namespace seattest {

// After a buffered read of `fd` (a block device, else a regular file, of `size` bytes) failed at
// `from`: the failing block, found by direct reads from there (core/read_fault.h), or nullopt
// (then `from` is the best answer there is). Switches `fd` to O_DIRECT; call it once nothing else
// reads `fd`.
std::optional<std::uint64_t> LocateReadError(int fd, bool block_device, std::uint64_t size,
                                             std::uint64_t from);

}  // namespace seattest
