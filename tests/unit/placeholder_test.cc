#include <gtest/gtest.h>
#include "core/hex.h"
TEST(Hex, Lower) { EXPECT_EQ(seattest::ToHex(seattest::Bytes{0xab, 0x01}), "ab01"); }
