// Constant-time helpers over machine words, for code that handles secrets (the token's RSA
// padding check and password): a mask is all ones (true) or all zeros (false), and none of these
// branches or indexes memory on its arguments.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>

namespace seattest::ct {

using Word = std::size_t;
inline constexpr int kWordBits = std::numeric_limits<Word>::digits;

// Hides a value from the optimiser, so that a select over a mask it could see through is not
// turned back into a branch (OpenSSL's value_barrier does the same with a volatile).
inline Word Barrier(Word w) {
  volatile Word v = w;
  return v;
}
// All ones when the top bit of w is set.
inline Word MaskMsb(Word w) { return Word{0} - (w >> (kWordBits - 1)); }
inline Word IsZero(Word a) { return MaskMsb(~a & (a - 1)); }
inline Word IsEqual(Word a, Word b) { return IsZero(a ^ b); }
inline Word IsLess(Word a, Word b) { return MaskMsb(a ^ ((a ^ b) | ((a - b) ^ b))); }
// a where mask, else b.
inline Word Select(Word mask, Word a, Word b) {
  const Word m = Barrier(mask);
  return (m & a) | (~m & b);
}
inline std::uint8_t Select8(Word mask, std::uint8_t a, std::uint8_t b) {
  return static_cast<std::uint8_t>(Select(mask, a, b));
}

}  // namespace seattest::ct
