#include "core/device_spec.h"

#include <gtest/gtest.h>

#include <string>

#include "test_support.h"

namespace seattest {
namespace {

struct SpecCase {
  const char* text;
  DeviceSpec::Kind kind;
  const char* value;
  const char* tag;
};

class DeviceSpecGoodTest : public ::testing::TestWithParam<SpecCase> {};

TEST_P(DeviceSpecGoodTest, ParsesAndRendersBack) {
  const SpecCase& c = GetParam();
  auto spec = ParseDeviceSpec(c.text);
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  EXPECT_EQ(spec->kind, c.kind);
  EXPECT_EQ(spec->value, c.value);
  EXPECT_EQ(spec->TagName(), c.tag);
  EXPECT_EQ(spec->ToString(), c.text);
}

INSTANTIATE_TEST_SUITE_P(
    AllKinds, DeviceSpecGoodTest,
    ::testing::Values(
        SpecCase{"LABEL=cidata", DeviceSpec::Kind::kLabel, "cidata", "LABEL"},
        SpecCase{"PARTLABEL=root", DeviceSpec::Kind::kPartLabel, "root", "PARTLABEL"},
        SpecCase{"UUID=3f1c2e4a-5b6d-4e7f-8a9b-0c1d2e3f4a5b", DeviceSpec::Kind::kUuid,
                 "3f1c2e4a-5b6d-4e7f-8a9b-0c1d2e3f4a5b", "UUID"},
        SpecCase{"PARTUUID=0a1b2c3d-01", DeviceSpec::Kind::kPartUuid, "0a1b2c3d-01", "PARTUUID"},
        SpecCase{"/dev/vda1", DeviceSpec::Kind::kPath, "/dev/vda1", ""},
        SpecCase{"/dev/disk/by-label/cidata", DeviceSpec::Kind::kPath, "/dev/disk/by-label/cidata", ""},
        // The value is everything after the first '=', spaces and '=' included.
        SpecCase{"LABEL=my root=1", DeviceSpec::Kind::kLabel, "my root=1", "LABEL"}),
    [](const auto& p) { return test::ParamName(p.param.text); });

TEST(DeviceSpecTest, RejectsEmptyTagValue) {
  for (const char* text : {"LABEL=", "PARTLABEL=", "UUID=", "PARTUUID="}) {
    auto spec = ParseDeviceSpec(text);
    ASSERT_FALSE(spec.ok()) << text;
    EXPECT_NE(spec.error().message.find(text), std::string::npos) << spec.error().message;
  }
}

TEST(DeviceSpecTest, RejectsRelativePathsAndUnknownTags) {
  for (const char* text : {"", "vda1", "dev/vda1", "label=cidata", "ID=x", "TYPE=ext4", " /dev/vda"}) {
    auto spec = ParseDeviceSpec(text);
    EXPECT_FALSE(spec.ok()) << "'" << text << "' was accepted";
  }
}

TEST(DeviceSpecTest, RejectsControlCharacters) {
  EXPECT_FALSE(ParseDeviceSpec("LABEL=cid\nata").ok());
  EXPECT_FALSE(ParseDeviceSpec("/dev/vda\t1").ok());
  EXPECT_FALSE(ParseDeviceSpec("/dev/vda1\x7f").ok());
  EXPECT_FALSE(ParseDeviceSpec(std::string("/dev/vda\0" "1", 10)).ok());
}

TEST(DeviceSpecTest, AcceptsNonAsciiLabelsOnEveryArchitecture) {
  auto spec = ParseDeviceSpec("LABEL=donn\xc3\xa9" "es");
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  EXPECT_EQ(spec->value, "donn\xc3\xa9" "es");
}

}  // namespace
}  // namespace seattest
