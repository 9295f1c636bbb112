#include "core/base64.h"

#include <gtest/gtest.h>

#include <string>

namespace seattest {
namespace {

TEST(Base64Test, EncodesRfc4648Vectors) {
  EXPECT_EQ(Base64Encode(ToBytes("")), "");
  EXPECT_EQ(Base64Encode(ToBytes("f")), "Zg==");
  EXPECT_EQ(Base64Encode(ToBytes("fo")), "Zm8=");
  EXPECT_EQ(Base64Encode(ToBytes("foo")), "Zm9v");
  EXPECT_EQ(Base64Encode(ToBytes("foob")), "Zm9vYg==");
  EXPECT_EQ(Base64Encode(ToBytes("fooba")), "Zm9vYmE=");
  EXPECT_EQ(Base64Encode(ToBytes("foobar")), "Zm9vYmFy");
}

TEST(Base64Test, DecodesRfc4648Vectors) {
  for (const char* plain : {"", "f", "fo", "foo", "foob", "fooba", "foobar"}) {
    auto decoded = Base64Decode(Base64Encode(ToBytes(plain)));
    ASSERT_TRUE(decoded.has_value()) << plain;
    EXPECT_EQ(AsText(*decoded), plain);
  }
}

TEST(Base64Test, UsesTheStandardAlphabetNotUrlSafe) {
  const Bytes bytes = {0xfb, 0xff, 0xbf};
  EXPECT_EQ(Base64Encode(bytes), "+/+/");
  auto decoded = Base64Decode("+/+/");
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(*decoded, bytes);
  EXPECT_FALSE(Base64Decode("-_-_").has_value());
}

TEST(Base64Test, RoundTripsEveryByteValueAndEveryLength) {
  Bytes all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<std::uint8_t>(i));
  for (std::size_t len = 0; len <= all.size(); len += 1) {
    Bytes part(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(len));
    const std::string text = Base64Encode(part);
    EXPECT_EQ(text.size(), (len + 2) / 3 * 4);
    auto back = Base64Decode(text);
    ASSERT_TRUE(back.has_value()) << len;
    EXPECT_EQ(*back, part) << len;
  }
}

TEST(Base64Test, RejectsWrongPadding) {
  EXPECT_FALSE(Base64Decode("Zg").has_value());       // padding left out
  EXPECT_FALSE(Base64Decode("Zg=").has_value());      // half the padding
  EXPECT_FALSE(Base64Decode("Zg===").has_value());    // too much
  EXPECT_FALSE(Base64Decode("Z===").has_value());     // one symbol cannot carry a byte
  EXPECT_FALSE(Base64Decode("====").has_value());
  EXPECT_FALSE(Base64Decode("Zg=a").has_value());     // data after padding
  EXPECT_FALSE(Base64Decode("Zg==Zm9v").has_value()); // padding in the middle
  EXPECT_FALSE(Base64Decode("Zm9vYg==\n").has_value());
}

TEST(Base64Test, RejectsNonCanonicalEncodings) {
  // "Zg==" is "f"; "Zh==" has stray bits in the last symbol and must not also mean "f".
  EXPECT_FALSE(Base64Decode("Zh==").has_value());
  EXPECT_FALSE(Base64Decode("Zm9=").has_value());  // canonical: Zm8=
  EXPECT_TRUE(Base64Decode("Zm8=").has_value());
}

TEST(Base64Test, RejectsCharactersOutsideTheAlphabet) {
  EXPECT_FALSE(Base64Decode("Zm9*").has_value());
  EXPECT_FALSE(Base64Decode("Zm 9v").has_value());
  EXPECT_FALSE(Base64Decode(std::string("Zm\0v", 4)).has_value());
  EXPECT_FALSE(Base64Decode("Zm9v\xc3\xa9").has_value());
}

TEST(Base64Test, WhitespaceOnlyWhenAsked) {
  const std::string wrapped = "Zm9v\nYmFy\r\n Zm9v\tYg==\n";
  EXPECT_FALSE(Base64Decode(wrapped).has_value());
  auto decoded = Base64Decode(wrapped, /*ignore_whitespace=*/true);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(AsText(*decoded), "foobarfoob");
  // Skipping white space does not relax the rest.
  EXPECT_FALSE(Base64Decode("Zm9v\nYg=", true).has_value());
  EXPECT_FALSE(Base64Decode("Zh==\n", true).has_value());
  EXPECT_FALSE(Base64Decode("Zm9v*\n", true).has_value());
  auto blank = Base64Decode(" \n\t", true);
  ASSERT_TRUE(blank.has_value());
  EXPECT_TRUE(blank->empty());
}

TEST(Base64Test, EmptyTextIsEmptyBytes) {
  auto decoded = Base64Decode("");
  ASSERT_TRUE(decoded.has_value());
  EXPECT_TRUE(decoded->empty());
}

}  // namespace
}  // namespace seattest
