// Decimal numbers in the formats the project writes (agent.yaml's sizes and extents): pure.
#pragma once

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <optional>
#include <string_view>

namespace seattest {

// A number of decimal digits only: no sign, no space, no leading zero (but "0" itself), that
// fits 64 bits; nullopt for anything else.
inline std::optional<std::uint64_t> ParseDecimal(std::string_view s) {
  if (s.empty() || (s.size() > 1 && s.front() == '0')) return std::nullopt;
  if (!std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) return std::nullopt;
  std::uint64_t out = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return out;
}

}  // namespace seattest
