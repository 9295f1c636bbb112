// Where a file's bytes lie on the device its filesystem is mounted from (FIEMAP), for
// `se-attest seal` to record them: the agent reads them back from the raw partition.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/extents.h"
#include "core/result.h"

namespace seattest {

struct FileLayout {
  std::uint64_t size = 0;
  std::vector<Extent> extents;  // in file order, adjacent ones merged, the last cut at `size`
};

// The layout of the regular file `path` (not a symbolic link), after its data reached the
// device (FIEMAP_FLAG_SYNC). Refused: a file with holes, inline or encoded data (compressed,
// encrypted), extents not yet placed (delayed allocation) or unwritten (preallocated), or data
// not on block boundaries — anything whose bytes are not stored as they are at a device offset.
// Whether the offsets are the partition's (and not a volume manager's) is for the caller to check
// by reading them back.
Result<FileLayout> MapFile(const std::string& path);

}  // namespace seattest
