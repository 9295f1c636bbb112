// PEM text, looked at as text (no decoding): what the agent, seal, contract and verify need to
// insist on one key and nothing else. Pure.
#pragma once

#include <cstddef>
#include <string_view>

namespace seattest {

inline constexpr std::string_view kPemBegin = "-----BEGIN ";

// How many "-----BEGIN " lines `text` has. OpenSSL reads the first PEM block of a file and ignores
// the rest, so a file of two keys is one key to it and another to a reader that takes the last:
// every place that takes one key from text counts first.
inline std::size_t CountPemBlocks(std::string_view text) {
  std::size_t blocks = 0;
  for (std::size_t pos = text.find(kPemBegin); pos != std::string_view::npos; pos = text.find(kPemBegin, pos + 1)) {
    ++blocks;
  }
  return blocks;
}

}  // namespace seattest
