#include "core/read_fault.h"

#include <algorithm>
#include <cerrno>

namespace seattest {
namespace {

enum class Outcome { kRead, kFault, kRefused };

Outcome Try(const ReadAt& read_at, std::uint64_t offset, std::size_t length) {
  const int error = read_at(offset, length);
  if (error == 0) return Outcome::kRead;
  return error == EINVAL ? Outcome::kRefused : Outcome::kFault;
}

}  // namespace

FaultSearch PlanFaultSearch(std::uint64_t failed_at, std::uint64_t size, std::size_t block) {
  FaultSearch search;
  search.block = block;
  if (block == 0) return search;  // ill-formed: FindFailingBlock reads nothing
  search.from = failed_at / block * block;
  search.end = search.from + kFaultSearchBound;
  if (size > 0) search.end = std::min(search.end, (size + block - 1) / block * block);
  return search;
}

std::optional<std::uint64_t> FindFailingBlock(const ReadAt& read_at, const FaultSearch& search) {
  const std::size_t block = search.block;
  if (block == 0 || search.window < block || search.window % block != 0 || search.from % block != 0 ||
      search.end % block != 0) {
    return std::nullopt;
  }
  for (std::uint64_t at = search.from; at < search.end; at += search.window) {
    const auto length = static_cast<std::size_t>(std::min<std::uint64_t>(search.window, search.end - at));
    const Outcome window = Try(read_at, at, length);
    if (window == Outcome::kRefused) return std::nullopt;
    if (window == Outcome::kRead) continue;
    for (std::uint64_t b = at; b < at + length; b += block) {
      const Outcome one = Try(read_at, b, block);
      if (one == Outcome::kFault) return b;
      if (one == Outcome::kRefused) return std::nullopt;
    }
    // The window failed and none of its blocks did: a fault that comes and goes. The window's
    // start is where a read failed.
    return at;
  }
  return std::nullopt;
}

}  // namespace seattest
