#include "core/hex.h"

#include <gtest/gtest.h>

#include <cctype>
#include <string>

namespace seattest {
namespace {

constexpr std::string_view kAbcSha256 =
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

TEST(HexTest, LowerCaseTwoDigitsPerByte) {
  EXPECT_EQ(ToHex(Bytes{}), "");
  EXPECT_EQ(ToHex(Bytes{0x00, 0x01, 0x0a, 0xab, 0xf0, 0xff}), "00010aabf0ff");
}

TEST(HexTest, ParsesDigestAndRendersItBack) {
  auto d = ParseSha256Hex(kAbcSha256);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ((*d)[0], 0xba);
  EXPECT_EQ((*d)[31], 0xad);
  EXPECT_EQ(ToHex(*d), kAbcSha256);
}

TEST(HexTest, AcceptsUpperCaseAndRendersLowerCase) {
  std::string upper(kAbcSha256);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  auto d = ParseSha256Hex(upper);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(ToHex(*d), kAbcSha256);
}

TEST(HexTest, RejectsWrongLengthsAndNonHex) {
  const std::string good(kAbcSha256);
  EXPECT_FALSE(ParseSha256Hex("").has_value());
  EXPECT_FALSE(ParseSha256Hex(good.substr(0, 63)).has_value());
  EXPECT_FALSE(ParseSha256Hex(good + "0").has_value());
  EXPECT_FALSE(ParseSha256Hex(good.substr(0, 62)).has_value());
  EXPECT_FALSE(ParseSha256Hex(good + "00").has_value());
  EXPECT_FALSE(ParseSha256Hex(good.substr(0, 63) + "g").has_value());
  EXPECT_FALSE(ParseSha256Hex(good.substr(0, 63) + "\n").has_value());
  // The right length with a character or two replaced in place. (Not `" " + good.substr(1)`:
  // inlined at -O3, GCC 12 reports a false -Wrestrict in that operator+ and -Werror fails it.)
  std::string leading_space = good;
  leading_space[0] = ' ';
  EXPECT_FALSE(ParseSha256Hex(leading_space).has_value());
  std::string hex_prefix = good;
  hex_prefix[0] = '0';
  hex_prefix[1] = 'x';
  EXPECT_FALSE(ParseSha256Hex(hex_prefix).has_value());
}

}  // namespace
}  // namespace seattest
