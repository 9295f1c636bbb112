// Record profiles (core/record_profile.h): the hpcr-2026 layout byte for byte, its dates, the image
// age, certificate_expiry_date.json.
#include "core/record_profile.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/hex.h"
#include "test_support.h"

namespace seattest {
namespace {

using test::SharedPath;

Sha256Digest D(char c) {
  Sha256Digest d{};
  d.fill(static_cast<std::uint8_t>(c));
  return d;
}

RecordEntry E(std::string_view name, char c) { return RecordEntry{D(c), std::string(name)}; }

// 2027-07-06T06:44:41Z and 2027-07-06T12:28:59Z: the dates of IBM's 26.7.1 example.
constexpr UnixTime kEncryptionNotAfter = 1814856281;
constexpr UnixTime kAttestationNotAfter = 1814876939;

RecordContent Content2026(std::vector<RecordEntry> entries) {
  RecordContent c;
  c.profile = RecordProfile::kHpcr2026;
  c.version = "1.2.3";
  c.machine = "8562/02/4C598";
  c.image_age_days = 10;
  c.encryption_not_after = kEncryptionNotAfter;
  c.attestation_not_after = kAttestationNotAfter;
  c.entries = std::move(entries);
  return c;
}

std::string Render(const RecordContent& c) {
  auto record = MakeProfileRecord(c);
  EXPECT_TRUE(record.ok()) << record.error().message;
  if (!record) return {};
  auto text = RenderRecord(*record);
  EXPECT_TRUE(text.ok());
  return text ? *text : std::string();
}

std::string Hex(char c) { return ToHex(D(c)); }

TEST(RecordProfileTest, Hpcr2026ExactBytesWithEveryOptionalLine) {
  // Given in scrambled order: the profile lays them out.
  const std::string text = Render(Content2026({
      E(kNameContractAttestationPublicKey, 'l'), E(kNameUserData, 'g'), E(kNameContractEnvWorkloadSignature, 'k'),
      E(kNameSbom, 'd'), E(kNameCertificateExpiry, 'a'), E(kNameRootTarball, 'b'), E(kNameBaseimage, 'c'),
      E(kNameCidataDevice, 'e'), E(kNameMetaData, 'f'), E(kNameVendorData, 'h'), E(kNameContractWorkload, 'i'),
      E(kNameContractEnv, 'j')}));
  EXPECT_EQ(text,
            "1.2.3\n"
            "Machine Type/Plant/Serial: 8562/02/4C598\n"
            "Image age: 10 days since creation.\n"
            "Encryption Certificate valid until: Jul 06 06:44:41 2027 UTC\n"
            "Attestation Certificate valid until: Jul 06 12:28:59 2027 UTC\n" +
                Hex('a') + " certificate_expiry_date.json\n" + Hex('b') + " root.tar.gz\n" + Hex('c') +
                " baseimage\n" + Hex('d') + " sbom\n" + Hex('e') + " /dev/disk/by-label/cidata\n" + Hex('f') +
                " cidata/meta-data\n" + Hex('g') + " cidata/user-data\n" + Hex('h') + " cidata/vendor-data\n" +
                Hex('i') + " contract:workload\n" + Hex('j') + " contract:env\n" + Hex('k') +
                " contract:envWorkloadSignature\n" + Hex('l') + " contract:attestationPublicKey\n");
}

TEST(RecordProfileTest, Hpcr2026ExactBytesWithoutTheOptionalLines) {
  RecordContent c = Content2026({E(kNameCertificateExpiry, 'a'), E(kNameRootTarball, 'b'), E(kNameBaseimage, 'c'),
                                 E(kNameCidataDevice, 'e'), E(kNameMetaData, 'f'), E(kNameUserData, 'g'),
                                 E(kNameContractWorkload, 'i'), E(kNameContractEnv, 'j')});
  c.development_image = true;
  c.image_age_days = 0;
  EXPECT_EQ(Render(c), "1.2.3\n"
                       "Machine Type/Plant/Serial: 8562/02/4C598\n" +
                           std::string(kDevelopmentHeaderLine) +
                           "\n"
                           "Image age: 0 days since creation.\n"
                           "Encryption Certificate valid until: Jul 06 06:44:41 2027 UTC\n"
                           "Attestation Certificate valid until: Jul 06 12:28:59 2027 UTC\n" +
                           Hex('a') + " certificate_expiry_date.json\n" + Hex('b') + " root.tar.gz\n" + Hex('c') +
                           " baseimage\n" + Hex('e') + " /dev/disk/by-label/cidata\n" + Hex('f') +
                           " cidata/meta-data\n" + Hex('g') + " cidata/user-data\n" + Hex('i') +
                           " contract:workload\n" + Hex('j') + " contract:env\n");
}

// IBM's own 26.7.1 example, read and laid out again, comes back byte for byte.
TEST(RecordProfileTest, IbmsExampleLaysOutToItself) {
  const std::string example = test::ReadText(SharedPath("interop/hpcr-26.7.1-record-example.txt"));
  auto record = ParseRecord(example);
  ASSERT_TRUE(record.ok()) << record.error().message;
  EXPECT_EQ(DetectRecordProfile(*record), RecordProfile::kHpcr2026);
  ASSERT_EQ(record->header.size(), 5u);
  RecordContent c;
  c.profile = RecordProfile::kHpcr2026;
  c.version = record->header[0];
  c.machine = record->header[1].substr(kMachineLinePrefix.size());
  auto age = ParseImageAgeLine(record->header[2]);
  auto enc = ParseValidUntilLine(record->header[3], kEncryptionValidPrefix);
  auto att = ParseValidUntilLine(record->header[4], kAttestationValidPrefix);
  ASSERT_TRUE(age.ok() && enc.ok() && att.ok());
  EXPECT_EQ(*age, 10);
  EXPECT_EQ(*enc, kEncryptionNotAfter);
  EXPECT_EQ(*att, kAttestationNotAfter);
  c.image_age_days = *age;
  c.encryption_not_after = *enc;
  c.attestation_not_after = *att;
  c.entries.assign(record->entries.rbegin(), record->entries.rend());
  EXPECT_EQ(Render(c), example);
}

TEST(RecordProfileTest, Hpcr2023IsTheSeedsLayout) {
  RecordContent c;
  c.version = "v";
  c.machine = "3932/02/860A8";
  c.entries = {E(kNameAttestationPublicKey, 'z'), E(kNameUserData, 'u'), E(kNameMetaData, 'm'),
               E(kNameCidataDevice, 'c'), E(kNameRootTarball, 'r'), E(kNameBaseimage, 'b')};
  EXPECT_EQ(Render(c), "v\nMachine Type/Plant/Serial: 3932/02/860A8\n" + Hex('b') + " baseimage\n" + Hex('r') +
                           " root.tar.gz\n" + Hex('c') + " /dev/disk/by-label/cidata\n" + Hex('m') +
                           " cidata/meta-data\n" + Hex('u') + " cidata/user-data\n" + Hex('z') +
                           " attestationPublicKey\n");
  auto record = MakeProfileRecord(c);
  ASSERT_TRUE(record.ok());
  EXPECT_EQ(DetectRecordProfile(*record), RecordProfile::kHpcr2023);
}

TEST(RecordProfileTest, RefusesLinesOutsideTheProfileTwiceOrMissing) {
  RecordContent c = Content2026({E(kNameCertificateExpiry, 'a'), E(kNameRootTarball, 'b'), E(kNameBaseimage, 'c'),
                                 E(kNameCidataDevice, 'e'), E(kNameMetaData, 'f'), E(kNameUserData, 'g')});
  EXPECT_TRUE(MakeProfileRecord(c).ok());
  RecordContent plain_key = c;
  plain_key.entries.push_back(E(kNameAttestationPublicKey, 'z'));  // hpcr-2023's line, not hpcr-2026's
  EXPECT_NE(MakeProfileRecord(plain_key).error().message.find("not a line of profile hpcr-2026"), std::string::npos);
  RecordContent twice = c;
  twice.entries.push_back(E(kNameBaseimage, 'x'));
  EXPECT_NE(MakeProfileRecord(twice).error().message.find("twice"), std::string::npos);
  RecordContent missing = c;
  missing.entries.erase(missing.entries.begin());
  EXPECT_NE(MakeProfileRecord(missing).error().message.find("certificate_expiry_date.json"), std::string::npos);
  RecordContent old = c;
  old.profile = RecordProfile::kHpcr2023;
  EXPECT_FALSE(MakeProfileRecord(old).ok());  // certificate_expiry_date.json is no hpcr-2023 line
  RecordContent negative = c;
  negative.image_age_days = -1;
  EXPECT_FALSE(MakeProfileRecord(negative).ok());
}

TEST(RecordProfileTest, ProfileNames) {
  EXPECT_EQ(*ParseRecordProfile("hpcr-2023"), RecordProfile::kHpcr2023);
  EXPECT_EQ(*ParseRecordProfile("hpcr-2026"), RecordProfile::kHpcr2026);
  EXPECT_EQ(RecordProfileName(RecordProfile::kHpcr2026), "hpcr-2026");
  for (const char* bad : {"", "hpcr-2025", "HPCR-2026", "hpcr-2026 "}) {
    auto p = ParseRecordProfile(bad);
    ASSERT_FALSE(p.ok()) << bad;
    EXPECT_NE(p.error().message.find("hpcr-2023 or hpcr-2026"), std::string::npos);
  }
}

TEST(RecordProfileTest, RecordDatesAcrossMonthsAndSingleDigitDays) {
  const std::pair<UnixTime, const char*> cases[] = {
      {0, "Jan 01 00:00:00 1970"},          {951782400, "Feb 29 00:00:00 2000"},
      {1709251199, "Feb 29 23:59:59 2024"}, {1709251200, "Mar 01 00:00:00 2024"},
      {1775055789, "Apr 01 15:03:09 2026"}, {1798761599, "Dec 31 23:59:59 2026"},
      {1798761600, "Jan 01 00:00:00 2027"}, {kEncryptionNotAfter, "Jul 06 06:44:41 2027"},
      {1825000000, "Oct 31 16:26:40 2027"}, {253402300799, "Dec 31 23:59:59 9999"},
  };
  for (const auto& [t, text] : cases) {
    EXPECT_EQ(FormatRecordDate(t), text);
    auto back = ParseRecordDate(text);
    ASSERT_TRUE(back.ok()) << text << ": " << back.error().message;
    EXPECT_EQ(*back, t) << text;
  }
  EXPECT_EQ(ValidUntilLine(kEncryptionValidPrefix, 1775055789),
            "Encryption Certificate valid until: Apr 01 15:03:09 2026 UTC");
  for (const char* bad : {"Jul 6 06:44:41 2027", "Jul 06 06:44:41 2027 UTC", "jul 06 06:44:41 2027",
                          "Feb 29 00:00:00 2023", "Jun 31 00:00:00 2027", "Jul 06 24:00:00 2027",
                          "Jul 06 06:60:00 2027", "Jul-06 06:44:41 2027", "Jul 06 06:44:4x 2027"}) {
    EXPECT_FALSE(ParseRecordDate(bad).ok()) << bad;
  }
  EXPECT_FALSE(ParseValidUntilLine("Encryption Certificate valid until: Jul 06 06:44:41 2027 GMT", kEncryptionValidPrefix).ok());
  EXPECT_FALSE(ParseValidUntilLine("Attestation Certificate valid until: Jul 06 06:44:41 2027 UTC", kEncryptionValidPrefix).ok());
}

TEST(RecordProfileTest, Iso8601) {
  EXPECT_EQ(FormatIso8601(kEncryptionNotAfter), "2027-07-06T06:44:41Z");
  EXPECT_EQ(*ParseIso8601("2027-07-06T06:44:41Z"), kEncryptionNotAfter);
  EXPECT_EQ(*ParseIso8601("1970-01-01T00:00:00Z"), 0);
  for (const char* bad : {"2027-07-06 06:44:41Z", "2027-07-06T06:44:41", "2027-07-06T06:44:41+00:00", "2027-13-01T00:00:00Z",
                          "2027-02-29T00:00:00Z", "1969-12-31T23:59:59Z", "+027-07-06T06:44:41Z", ""}) {
    EXPECT_FALSE(ParseIso8601(bad).ok()) << bad;
  }
}

TEST(RecordProfileTest, ImageAgeCountsWholeDaysAndNeverGoesNegative) {
  const UnixTime build = 1764547200;  // 2025-12-01T00:00:00Z
  EXPECT_EQ(ImageAgeDays(build, build), 0);
  EXPECT_EQ(ImageAgeDays(build, build + 86399), 0);
  EXPECT_EQ(ImageAgeDays(build, build + 86400), 1);
  EXPECT_EQ(ImageAgeDays(build + 43200, build + 86400 + 43199), 0);  // a day boundary is not a day
  EXPECT_EQ(ImageAgeDays(build, build + std::int64_t{365} * 86400 + 5), 365);
  // A guest clock before the build (set back by the host): 0, never negative.
  EXPECT_EQ(ImageAgeDays(build, build - 1), 0);
  EXPECT_EQ(ImageAgeDays(build, 0), 0);
  EXPECT_EQ(ImageAgeLine(3), "Image age: 3 days since creation.");
  EXPECT_EQ(*ParseImageAgeLine("Image age: 3 days since creation."), 3);
  for (const char* bad : {"Image age: -1 days since creation.", "Image age: 03 days since creation.",
                          "Image age: 3 days since creation", "Image age:  3 days since creation.",
                          "Image age: days since creation."}) {
    EXPECT_FALSE(ParseImageAgeLine(bad).ok()) << bad;
  }
}

TEST(RecordProfileTest, CertificateExpiryJsonRoundTripsAndIsStrict) {
  CertificateExpiry e;
  e.encryption = {"CN=contract \"key\",O=Ex\\ample", D('e'), kEncryptionNotAfter};
  e.attestation = {"CN=attestation", D('a'), kAttestationNotAfter};
  const std::string json = RenderCertificateExpiryJson(e);
  EXPECT_EQ(json.substr(0, 32), "{\n  \"encryption_certificate\": {\n");
  EXPECT_NE(json.find("\"subject\": \"CN=contract \\\"key\\\",O=Ex\\\\ample\",\n"), std::string::npos) << json;
  EXPECT_NE(json.find("\"not_after\": \"2027-07-06T12:28:59Z\""), std::string::npos);
  EXPECT_EQ(json.back(), '\n');
  auto back = ParseCertificateExpiryJson(json);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, e);
  const std::string hex = ToHex(D('a'));
  for (const std::string& bad : {std::string(""), std::string("[]"), std::string("encryption_certificate: {}"),
                                 std::string("{\"encryption_certificate\": {}}"),
                                 json.substr(0, json.size() - 3),
                                 std::string(json).replace(json.find("sha256_fingerprint"), 18, "sha1_fingerprint__"),
                                 std::string(json).replace(json.find("2027-07-06T12"), 4, "2O27"),
                                 std::string(json).insert(2, "\"extra\": \"x\",\n  "),
                                 std::string(json).replace(json.find(hex), 64, hex.substr(0, 63)),
                                 // YAML's forms that a JSON reader refuses, and a second document
                                 std::string(json).replace(json.find("\"subject\""), 9, "subject"),
                                 std::string(json).replace(json.find("\"subject\""), 9, "'subject'"),
                                 json + "# comment\n", json + "---\nx: 1\n", std::string(json).insert(1, " ")}) {
    EXPECT_FALSE(ParseCertificateExpiryJson(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace seattest
