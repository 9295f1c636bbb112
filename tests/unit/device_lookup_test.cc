// The rules that decide a LABEL=/PARTLABEL=/UUID= lookup from the probes of every device
// (core/device_lookup.h), without devices.
#include "core/device_lookup.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace seattest {
namespace {

using State = DeviceProbe::State;

DeviceSpec Label(const std::string& v) { return DeviceSpec{DeviceSpec::Kind::kLabel, v}; }

DeviceProbe Found(const std::string& dev, const std::string& type, const std::string& label) {
  DeviceProbe p;
  p.device = dev;
  p.state = State::kFound;
  p.tags.push_back(DeviceTags{type, label, "", "", "", ""});
  return p;
}
DeviceProbe Nothing(const std::string& dev) {
  DeviceProbe p;
  p.device = dev;
  return p;
}
DeviceProbe Ambivalent(const std::string& dev, std::vector<DeviceTags> tags, bool all_read = true) {
  DeviceProbe p;
  p.device = dev;
  p.state = State::kAmbivalent;
  p.tags = std::move(tags);
  p.all_signatures_read = all_read;
  return p;
}
DeviceProbe Failed(const std::string& dev, State state, const std::string& why) {
  DeviceProbe p;
  p.device = dev;
  p.state = state;
  p.why = why;
  return p;
}
DeviceTags Sig(const std::string& type, const std::string& label) { return DeviceTags{type, label, "", "", "", ""}; }

// This CI host's own disk (refused even to root), a blank disk and another labelled filesystem:
// what every lookup sees besides the devices of the case.
std::vector<DeviceProbe> Machine() {
  return {Failed("/dev/vda", State::kUnopenable, "cannot be probed: Operation not permitted"), Nothing("/dev/vdb"),
          Found("/dev/vdc1", "ext4", "se-root")};
}

TEST(DecideLookupTest, OneCarrierAmongOthersIsTheAnswer) {
  auto probes = Machine();
  probes.push_back(Found("/dev/loop3", "iso9660", "cidata"));
  auto r = DecideLookup(Label("cidata"), probes);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(*r, "/dev/loop3");
}

TEST(DecideLookupTest, LabelSpellingsAndFatbootLabelMatch) {
  for (const char* label : {"cidata", "CIDATA"}) {
    auto probes = Machine();
    probes.push_back(Found("/dev/sr0", "vfat", label));
    EXPECT_TRUE(DecideLookup(Label("cidata"), probes).ok()) << label;
  }
  auto probes = Machine();
  DeviceProbe fat = Found("/dev/vdd", "vfat", "");
  fat.tags[0].label_fatboot = "CIDATA";
  probes.push_back(fat);
  EXPECT_TRUE(DecideLookup(Label("cidata"), probes).ok());
  EXPECT_FALSE(DecideLookup(Label("cidatb"), probes).ok());
}

TEST(DecideLookupTest, NoCarrierIsNotFoundNamingWhatWasNotProbed) {
  auto probes = Machine();
  probes.push_back(Failed("/dev/loop4", State::kFailed, "probe failed: Input/output error"));
  auto r = DecideLookup(Label("cidata"), probes);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, Error::Kind::kNotFound);  // may still appear: the agent waits
  EXPECT_EQ(r.error().message,
            "LABEL=cidata: no such device (not probed: /dev/vda: cannot be probed: Operation not permitted, "
            "/dev/loop4: probe failed: Input/output error)");
}

TEST(DecideLookupTest, TwoCarriersKeepTheMessageScriptsRelyOn) {
  auto probes = Machine();
  probes.push_back(Found("/dev/vde", "iso9660", "cidata"));
  probes.push_back(Found("/dev/vdf", "vfat", "CIDATA"));
  auto r = DecideLookup(Label("cidata"), probes);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, Error::Kind::kGeneric);
  EXPECT_EQ(r.error().message, "LABEL=cidata: ambiguous, 2 devices carry it: /dev/vde, /dev/vdf");
}

// Item: an ext4 labelled cidata with a squashfs superblock at byte 0 (blkid: ambivalent) beside a
// good cidata device was left out, and the good one measured.
TEST(DecideLookupTest, AmbivalentDeviceWithTheLabelMakesTheLookupAmbiguous) {
  auto probes = Machine();
  probes.push_back(Found("/dev/loop2", "ext4", "cidata"));
  probes.push_back(Ambivalent("/dev/loop3", {Sig("ext4", "cidata"), Sig("squashfs", "")}));
  auto r = DecideLookup(Label("cidata"), probes);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, Error::Kind::kGeneric);
  EXPECT_EQ(r.error().message,
            "LABEL=cidata: ambiguous, 2 devices carry it or may: /dev/loop2, /dev/loop3 (more than one filesystem "
            "signature: ext4 labelled 'cidata', squashfs)");
}

TEST(DecideLookupTest, AmbivalentDeviceAloneIsNoAnswerEither) {
  auto probes = Machine();
  probes.push_back(Ambivalent("/dev/loop3", {Sig("ext4", "cidata"), Sig("squashfs", "")}));
  auto r = DecideLookup(Label("cidata"), probes);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, Error::Kind::kGeneric);
  EXPECT_NE(r.error().message.find("/dev/loop3 carries it but has more than one filesystem signature"),
            std::string::npos)
      << r.error().message;
}

TEST(DecideLookupTest, AmbivalentDeviceWhoseSignaturesAllCarryAnotherLabelIsLeftOut) {
  auto probes = Machine();
  probes.push_back(Found("/dev/loop2", "ext4", "cidata"));
  probes.push_back(Ambivalent("/dev/loop3", {Sig("ext4", "data"), Sig("squashfs", "")}));
  auto r = DecideLookup(Label("cidata"), probes);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(*r, "/dev/loop2");
}

TEST(DecideLookupTest, AmbivalentDeviceNotFullyReadMayCarryIt) {
  auto probes = Machine();
  probes.push_back(Found("/dev/loop2", "ext4", "cidata"));
  probes.push_back(Ambivalent("/dev/loop3", {Sig("ext4", "data")}, false));
  auto r = DecideLookup(Label("cidata"), probes);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("ext4 labelled 'data', and more that could not be read"), std::string::npos)
      << r.error().message;
}

TEST(DecideLookupTest, FailedProbeBesideACarrierMakesItAmbiguous) {
  auto probes = Machine();
  probes.push_back(Found("/dev/loop2", "ext4", "cidata"));
  probes.push_back(Failed("/dev/loop5", State::kFailed, "probe failed: Input/output error"));
  auto r = DecideLookup(Label("cidata"), probes);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message,
            "LABEL=cidata: ambiguous, 2 devices carry it or may: /dev/loop2, /dev/loop5 (not probed: probe failed: "
            "Input/output error)");
}

TEST(DecideLookupTest, UnopenableDevicesAreLeftOut) {
  auto probes = Machine();
  probes.push_back(Found("/dev/loop2", "ext4", "cidata"));
  probes.push_back(Failed("/dev/sr0", State::kUnopenable, "cannot be probed: No medium found"));
  auto r = DecideLookup(Label("cidata"), probes);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(*r, "/dev/loop2");
}

TEST(DecideLookupTest, PartitionLabelsFollowTheSameRules) {
  DeviceProbe a = Nothing("/dev/vdb1");
  a.state = State::kFound;
  a.tags.push_back(DeviceTags{"", "", "", "", "se-root", "0a1b2c3d-01"});
  DeviceProbe b = a;
  b.device = "/dev/vdc1";
  b.tags[0].part_uuid = "0a1b2c3d-02";
  const DeviceSpec part{DeviceSpec::Kind::kPartLabel, "se-root"};
  EXPECT_EQ(*DecideLookup(part, {a}), "/dev/vdb1");
  EXPECT_EQ(DecideLookup(part, {a, b}).error().message,
            "PARTLABEL=se-root: ambiguous, 2 devices carry it: /dev/vdb1, /dev/vdc1");
  EXPECT_FALSE(DecideLookup(part, {a, Failed("/dev/vdd", State::kFailed, "probe failed")}).ok());
  EXPECT_EQ(*DecideLookup(DeviceSpec{DeviceSpec::Kind::kPartUuid, "0A1B2C3D-02"}, {a, b}), "/dev/vdc1");
}

TEST(DecideLookupTest, EmptyTagsNeverMatch) {
  // A UUID= or PARTLABEL= spec never matches a device that has no such tag.
  EXPECT_FALSE(TagsMatch(DeviceTags{}, DeviceSpec{DeviceSpec::Kind::kUuid, ""}));
  EXPECT_FALSE(TagsMatch(DeviceTags{}, DeviceSpec{DeviceSpec::Kind::kPartLabel, ""}));
}

TEST(LabelSpellingsTest, ValueUpperAndLowerOnce) {
  EXPECT_EQ(LabelSpellings("cidata"), (std::vector<std::string>{"cidata", "CIDATA"}));
  EXPECT_EQ(LabelSpellings("CiData"), (std::vector<std::string>{"CiData", "CIDATA", "cidata"}));
  EXPECT_EQ(LabelSpellings("123"), (std::vector<std::string>{"123"}));
}

}  // namespace
}  // namespace seattest
