#include "core/sysinfo.h"

#include <gtest/gtest.h>

#include <string>

#include "test_support.h"

namespace seattest {
namespace {

using test::Fixture;

Result<MachineId> ParseFixture(const std::string& name) {
  return ParseSysinfo(Fixture("sysinfo/" + name), "/proc/sysinfo");
}

TEST(SysinfoTest, ZvmGuestOnZ16) {
  auto id = ParseFixture("zvm-3932.txt");
  ASSERT_TRUE(id.ok()) << id.error().message;
  EXPECT_EQ(id->type, "3932");
  EXPECT_EQ(id->plant, "02");
  EXPECT_EQ(id->serial, "860A8");
  EXPECT_EQ(id->ToString(), "3932/02/860A8");
}

TEST(SysinfoTest, LparWithoutVmSection) {
  auto id = ParseFixture("lpar-3932.txt");
  ASSERT_TRUE(id.ok()) << id.error().message;
  EXPECT_EQ(id->ToString(), "3932/02/860A8");
}

TEST(SysinfoTest, QemuTcgSequenceCodeShorterThanFive) {
  auto id = ParseFixture("qemu-tcg.txt");
  ASSERT_TRUE(id.ok()) << id.error().message;
  EXPECT_EQ(id->type, "8561");
  EXPECT_EQ(id->plant, "QEMU");
  EXPECT_EQ(id->serial, "QEMU");
  EXPECT_EQ(id->ToString(), "8561/QEMU/QEMU");
}

TEST(SysinfoTest, CarriageReturnsAreNotPartOfValues) {
  auto id = ParseFixture("zvm-3932-crlf.txt");
  ASSERT_TRUE(id.ok()) << id.error().message;
  EXPECT_EQ(id->ToString(), "3932/02/860A8");
}

TEST(SysinfoTest, KeysMatchExactlyNotByPrefix) {
  // "Type 1 Percentage:" and "LPAR Name:" must not be read as "Type:" or "Name:".
  auto id = ParseSysinfo("Type 1 Percentage:    0\nType:  3932\nPlant: 02\nSequence Code: 860A8\n", "t");
  ASSERT_TRUE(id.ok()) << id.error().message;
  EXPECT_EQ(id->type, "3932");
}

TEST(SysinfoTest, FirstOccurrenceWins) {
  auto id = ParseSysinfo("Type: 3932\nPlant: 02\nSequence Code: 00000000000860A8\n"
                         "Type: 9999\nPlant: 99\nSequence Code: 0000000000099999\n",
                         "t");
  ASSERT_TRUE(id.ok()) << id.error().message;
  EXPECT_EQ(id->ToString(), "3932/02/860A8");
}

TEST(SysinfoTest, LastLineWithoutNewline) {
  auto id = ParseSysinfo("Type: 3932\nPlant: 02\nSequence Code: 00000000000860A8", "t");
  ASSERT_TRUE(id.ok()) << id.error().message;
  EXPECT_EQ(id->serial, "860A8");
}

TEST(SysinfoTest, SerialIsTheLastFiveCharacters) {
  auto five = ParseSysinfo("Type: 1\nPlant: 2\nSequence Code: ABCDE\n", "t");
  ASSERT_TRUE(five.ok());
  EXPECT_EQ(five->serial, "ABCDE");
  auto six = ParseSysinfo("Type: 1\nPlant: 2\nSequence Code: ZABCDE\n", "t");
  ASSERT_TRUE(six.ok());
  EXPECT_EQ(six->serial, "ABCDE");
}

struct BadCase {
  const char* fixture;
  const char* expected_in_message;
};

class SysinfoBadTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(SysinfoBadTest, IsRejectedWithAReason) {
  auto id = ParseFixture(GetParam().fixture);
  ASSERT_FALSE(id.ok()) << GetParam().fixture << " gave " << id->ToString();
  EXPECT_NE(id.error().message.find("/proc/sysinfo"), std::string::npos) << id.error().message;
  EXPECT_NE(id.error().message.find(GetParam().expected_in_message), std::string::npos)
      << id.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    Fixtures, SysinfoBadTest,
    ::testing::Values(BadCase{"empty.txt", "Type:"}, BadCase{"missing-type.txt", "Type:"},
                      BadCase{"missing-plant.txt", "Plant:"},
                      BadCase{"missing-sequence-code.txt", "Sequence Code:"},
                      BadCase{"truncated.txt", "Plant:"},
                      BadCase{"malformed-plant-slash.txt", "0/2"},
                      BadCase{"malformed-type-space.txt", "39 32"},
                      BadCase{"malformed-empty-sequence-code.txt", "Sequence Code:"},
                      BadCase{"malformed-not-sysinfo.txt", "Type:"}),
    [](const auto& p) { return test::ParamName(p.param.fixture); });

}  // namespace
}  // namespace seattest
