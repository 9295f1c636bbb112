#include "core/read_fault.h"

#include <algorithm>

namespace seattest {
namespace {

enum class Outcome { kRead, kFault, kOther };

Outcome Try(const ReadAt& read_at, std::uint64_t offset, std::size_t length, int error) {
  const int got = read_at(offset, length);
  if (got == 0) return Outcome::kRead;
  return got == error ? Outcome::kFault : Outcome::kOther;
}

}  // namespace

std::optional<std::uint64_t> FindFailingBlock(const ReadAt& read_at, const FaultSearch& search) {
  const std::size_t block = search.block;
  if (block == 0 || search.window < block || search.window % block != 0 || search.from % block != 0 ||
      search.error == 0) {
    return std::nullopt;
  }
  for (std::uint64_t at = search.from; at < search.end; at += search.window) {
    const auto length = static_cast<std::size_t>(std::min<std::uint64_t>(search.window, search.end - at));
    const Outcome window = Try(read_at, at, length, search.error);
    if (window == Outcome::kOther) return std::nullopt;
    if (window == Outcome::kRead) continue;
    for (std::uint64_t b = at; b < at + length; b += block) {
      const auto one = static_cast<std::size_t>(std::min<std::uint64_t>(block, at + length - b));
      const Outcome result = Try(read_at, b, one, search.error);
      if (result == Outcome::kFault) return b;
      if (result == Outcome::kOther) return std::nullopt;
    }
    // The window failed and none of its blocks did: a fault that comes and goes. The window's
    // start is where a read failed.
    return at;
  }
  return std::nullopt;
}

}  // namespace seattest
