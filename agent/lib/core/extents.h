// Where a file lies on its partition: byte extents that `se-attest seal` takes from the sealed
// filesystem and the agent reads back from the raw partition, in the same pass that hashes it, so
// the root partition is never mounted (nothing can change between the check and the use). Pure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace seattest {

// `length` bytes at byte `physical` of the partition. A file's extents, in order, hold its bytes
// one after the other: the first extent's bytes are the file's first bytes, and so on.
struct Extent {
  std::uint64_t physical = 0;
  std::uint64_t length = 0;
  bool operator==(const Extent&) const = default;
};

// At most this many extents (a gzip file written once on a fresh filesystem has a handful).
inline constexpr std::size_t kMaxExtents = 4096;

// Extents that can be read in one forward pass over a partition of `partition_size` bytes: at
// least one, none empty, each after the end of the one before (ascending, not overlapping),
// inside the partition, their lengths adding up to `file_size`. `what` names them in errors.
Status CheckExtents(const std::vector<Extent>& extents, std::uint64_t file_size,
                    std::uint64_t partition_size, std::string_view what);

// "PHYSICAL+LENGTH" items separated by single spaces ("4096+8192 65536+100"): the form of
// agent.yaml's root.tarball_extents. Decimal digits only, no sign, no leading zeros.
std::string RenderExtents(const std::vector<Extent>& extents);
Result<std::vector<Extent>> ParseExtents(std::string_view text, std::string_view what);

// Picks a file's bytes out of a partition read front to back in chunks: Feed each chunk with its
// offset in the partition, in order; `sink` gets the file's bytes in file order. The extents must
// pass CheckExtents.
class ExtentPicker {
 public:
  using Sink = std::function<Status(const std::uint8_t* data, std::size_t size)>;
  ExtentPicker(std::vector<Extent> extents, Sink sink) : extents_(std::move(extents)), sink_(std::move(sink)) {}

  // A chunk of the partition starting at byte `offset`; chunks must follow one another.
  Status Feed(std::uint64_t offset, const std::uint8_t* data, std::size_t size);
  // Every byte of every extent was handed to the sink.
  bool done() const { return next_ == extents_.size(); }
  // The file's bytes handed to the sink so far.
  std::uint64_t picked() const { return picked_; }

 private:
  std::vector<Extent> extents_;
  Sink sink_;
  std::size_t next_ = 0;          // the extent being picked
  std::uint64_t picked_ = 0;
};

}  // namespace seattest
