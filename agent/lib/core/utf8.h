// UTF-8, decoded one character at a time: the one decoder for every place that judges text.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace seattest {

struct Utf8Char {
  std::uint32_t code_point = 0;
  std::size_t length = 0;  // 0: no valid UTF-8 sequence starts here
};

// The character at s[i] (i < s.size()). Invalid: a stray continuation byte, a truncated sequence,
// an overlong form, a surrogate (U+D800..U+DFFF), anything above U+10FFFF.
inline Utf8Char DecodeUtf8(std::string_view s, std::size_t i) {
  static constexpr std::uint32_t kShortest[] = {0, 0, 0x80, 0x800, 0x10000};
  const auto c = static_cast<unsigned char>(s[i]);
  const std::size_t len = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
  if (len == 0 || i + len > s.size()) return {};
  std::uint32_t cp = len == 1 ? c : c & (0x7fu >> len);
  for (std::size_t k = 1; k < len; ++k) {
    const auto cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xc0) != 0x80) return {};
    cp = cp << 6 | (cc & 0x3fu);
  }
  if (cp < kShortest[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return {};
  return {cp, len};
}

}  // namespace seattest
