#include "crypto/sha256.h"

#include <gtest/gtest.h>

#include <string>

#include "core/hex.h"

namespace seattest {
namespace {

TEST(Sha256Test, KnownVectors) {
  EXPECT_EQ(ToHex(Sha256Of("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(ToHex(Sha256Of("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(ToHex(Sha256Of("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256Test, StreamingEqualsOneShot) {
  std::string data;
  for (int i = 0; i < 5000; ++i) data += static_cast<char>(i * 7 + 3);
  auto sha = Sha256::Create();
  ASSERT_TRUE(sha.ok());
  // Uneven pieces, an empty one included.
  std::size_t pos = 0;
  for (std::size_t piece : {std::size_t{1}, std::size_t{0}, std::size_t{63}, std::size_t{64},
                            std::size_t{65}, std::size_t{1000}}) {
    sha->Update(data.data() + pos, piece);
    pos += piece;
  }
  sha->Update(data.data() + pos, data.size() - pos);
  EXPECT_EQ(sha->Finish(), Sha256Of(data));
}

TEST(Sha256Test, BytesAndTextAgree) {
  EXPECT_EQ(Sha256Of(ToBytes("abc")), Sha256Of(std::string_view("abc")));
}

TEST(Sha256Test, DigestsEqual) {
  const Sha256Digest a = Sha256Of("a");
  Sha256Digest b = a;
  EXPECT_TRUE(DigestsEqual(a, b));
  b[31] ^= 1;
  EXPECT_FALSE(DigestsEqual(a, b));
  b = a;
  b[0] ^= 0x80;
  EXPECT_FALSE(DigestsEqual(a, b));
}

}  // namespace
}  // namespace seattest
