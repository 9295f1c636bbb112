#include "core/record.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/hex.h"
#include "crypto/sha256.h"
#include "crypto/token.h"
#include "test_support.h"

namespace seattest {
namespace {

using test::Fixture;
using test::SharedPath;

Sha256Digest D(std::string_view hex) {
  auto d = ParseSha256Hex(hex);
  EXPECT_TRUE(d.has_value()) << hex;
  return d.value_or(Sha256Digest{});
}

// The example record of the HPCR attestation documentation (SPEC "Record format").
std::vector<RecordEntry> SpecExampleEntries() {
  return {
      {D("71ea00241774e638085af4dc95f9b157ffd6c7bc0e604583cc1e6722ade6f181"), std::string(kNameBaseimage)},
      {D("2d290fcafca295cd2de49e7246a5a5a080f503cb066d451b008a863b84a82ee1"), std::string(kNameRootTarball)},
      {D("2d43b2ffeb1c543d3b3a5b0b96d5417f79d8245f1e085f5e3f150390d093fc6b"), std::string(kNameCidataDevice)},
      {D("6dc2640b909f4077b17059f3edc1d0f3c1d286f4afc9f3d28f9ee9e72509ca51"), std::string(kNameMetaData)},
      {D("272aa3529571b4fc592bf89e9242d3f57ae8ff29fb514c4ee6d7ce1eeb2ac1ee"), std::string(kNameUserData)},
      {D("baef972e58d4362d97f822d8ff4c5339c5898a0dc184d88d29e5b010b9835ed6"), std::string(kNameVendorData)},
      {D("d388326d90583b2140831e821311aedaee1ad4b4e721b458f8769d3f9267b0dc"),
       std::string(kNameAttestationPublicKey)},
  };
}

TEST(RecordTest, NamesAreTheSpecNames) {
  EXPECT_EQ(kNameBaseimage, "baseimage");
  EXPECT_EQ(kNameRootTarball, "root.tar.gz");
  EXPECT_EQ(kNameCidataDevice, "/dev/disk/by-label/cidata");
  EXPECT_EQ(kNameMetaData, "cidata/meta-data");
  EXPECT_EQ(kNameUserData, "cidata/user-data");
  EXPECT_EQ(kNameVendorData, "cidata/vendor-data");
  EXPECT_EQ(kNameAttestationPublicKey, "attestationPublicKey");
}

TEST(RecordTest, MakeRecordPutsVersionThenMachineLine) {
  Record r = MakeRecord("1.0.0", "3932/02/860A8", {});
  EXPECT_EQ(r.header, (std::vector<std::string>{"1.0.0", "Machine Type/Plant/Serial: 3932/02/860A8"}));
  EXPECT_TRUE(r.entries.empty());
}

// An image sealed with --development says so in the header, right after the machine line, where
// the signature covers it like every line; a production record never has that line.
TEST(RecordTest, DevelopmentImageHeaderLineFollowsTheMachineLine) {
  Record dev = MakeRecord("1.0.0", "3932/02/860A8", SpecExampleEntries(), /*development_image=*/true);
  EXPECT_EQ(dev.header, (std::vector<std::string>{"1.0.0", "Machine Type/Plant/Serial: 3932/02/860A8",
                                                  std::string(kDevelopmentHeaderLine)}));
  auto text = RenderRecord(dev);
  ASSERT_TRUE(text.ok()) << text.error().message;
  const std::string production = Fixture("record/spec-example.txt");
  const std::string machine_line = "Machine Type/Plant/Serial: 3932/02/860A8\n";
  std::string expected = production;
  expected.insert(production.find(machine_line) + machine_line.size(), std::string(kDevelopmentHeaderLine) + "\n");
  EXPECT_EQ(*text, expected);
  auto back = ParseRecord(*text);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, dev);
  // The auditor's syntax check reads it as a header line, no problem.
  const RecordLint lint = LintRecord(*text);
  EXPECT_TRUE(lint.problems.empty()) << lint.problems.front();
  EXPECT_EQ(lint.machine, "3932/02/860A8");
  // Production (the default) has no such line.
  auto prod = RenderRecord(MakeRecord("1.0.0", "3932/02/860A8", SpecExampleEntries(), false));
  ASSERT_TRUE(prod.ok());
  EXPECT_EQ(*prod, production);
  EXPECT_EQ(prod->find(kDevelopmentHeaderLine), std::string::npos);
}

TEST(RecordTest, RendersTheSpecExampleByteForByte) {
  auto text = RenderRecord(MakeRecord("1.0.0", "3932/02/860A8", SpecExampleEntries()));
  ASSERT_TRUE(text.ok()) << text.error().message;
  EXPECT_EQ(*text, Fixture("record/spec-example.txt"));
  EXPECT_EQ(*text,
            "1.0.0\n"
            "Machine Type/Plant/Serial: 3932/02/860A8\n"
            "71ea00241774e638085af4dc95f9b157ffd6c7bc0e604583cc1e6722ade6f181 baseimage\n"
            "2d290fcafca295cd2de49e7246a5a5a080f503cb066d451b008a863b84a82ee1 root.tar.gz\n"
            "2d43b2ffeb1c543d3b3a5b0b96d5417f79d8245f1e085f5e3f150390d093fc6b /dev/disk/by-label/cidata\n"
            "6dc2640b909f4077b17059f3edc1d0f3c1d286f4afc9f3d28f9ee9e72509ca51 cidata/meta-data\n"
            "272aa3529571b4fc592bf89e9242d3f57ae8ff29fb514c4ee6d7ce1eeb2ac1ee cidata/user-data\n"
            "baef972e58d4362d97f822d8ff4c5339c5898a0dc184d88d29e5b010b9835ed6 cidata/vendor-data\n"
            "d388326d90583b2140831e821311aedaee1ad4b4e721b458f8769d3f9267b0dc attestationPublicKey\n");
}

TEST(RecordTest, LeftOutLinesAreLeftOut) {
  std::vector<RecordEntry> entries = SpecExampleEntries();
  entries.resize(5);  // no vendor-data, no attestationPublicKey
  auto text = RenderRecord(MakeRecord("1.0.0", "3932/02/860A8", entries));
  ASSERT_TRUE(text.ok()) << text.error().message;
  EXPECT_EQ(*text, Fixture("record/no-optional-lines.txt"));
}

TEST(RecordTest, VersionOnly) {
  Record r;
  r.header = {"1.0.0"};
  auto text = RenderRecord(r);
  ASSERT_TRUE(text.ok()) << text.error().message;
  EXPECT_EQ(*text, "1.0.0\n");
  EXPECT_EQ(*text, Fixture("record/version-only.txt"));
}

TEST(RecordTest, RenderRejectsWhatCannotBeALine) {
  EXPECT_FALSE(RenderRecord(Record{}).ok());  // no version line
  EXPECT_FALSE(RenderRecord(MakeRecord("", "3932/02/860A8", {})).ok());
  EXPECT_FALSE(RenderRecord(MakeRecord("1.0\n2.0", "3932/02/860A8", {})).ok());
  EXPECT_FALSE(RenderRecord(MakeRecord("1.0\r", "3932/02/860A8", {})).ok());
  EXPECT_FALSE(RenderRecord(MakeRecord("1.0", "3932/02/860A8\nforged", {})).ok());
  EXPECT_FALSE(RenderRecord(MakeRecord("1.0", "x", {{Sha256Digest{}, ""}})).ok());
  EXPECT_FALSE(RenderRecord(MakeRecord("1.0", "x", {{Sha256Digest{}, "a\nb"}})).ok());
  EXPECT_FALSE(RenderRecord(MakeRecord("1.0", "x", {{Sha256Digest{}, "a\r"}})).ok());
  // A header line that reads as a hash line would change meaning when parsed back.
  const std::string fake_hash_line = std::string(64, 'a') + " baseimage";
  EXPECT_FALSE(RenderRecord(MakeRecord(fake_hash_line, "x", {})).ok());
}

TEST(RecordTest, ParsesTheSpecExample) {
  auto r = ParseRecord(Fixture("record/spec-example.txt"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(*r, MakeRecord("1.0.0", "3932/02/860A8", SpecExampleEntries()));
}

TEST(RecordTest, RenderParseRoundTrip) {
  Record r = MakeRecord("23.11.0 (build 42)", "8561/QEMU/QEMU", SpecExampleEntries());
  r.header.emplace_back("Image age: 3 days since creation.");
  r.entries.push_back({Sha256Of("x"), "contract:env"});
  auto text = RenderRecord(r);
  ASSERT_TRUE(text.ok()) << text.error().message;
  auto back = ParseRecord(*text);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, r);
}

TEST(RecordTest, ParsesVersionOnly) {
  auto r = ParseRecord(Fixture("record/version-only.txt"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->header, std::vector<std::string>{"1.0.0"});
  EXPECT_TRUE(r->entries.empty());
}

// A record whose last line has no '\n' is read (real HPCR records are signed that way) and the
// missing newline is reported, for the verifier to show; rendering gives the same bytes back.
TEST(RecordTest, MissingFinalNewlineIsReportedNotFatal) {
  const std::string text = Fixture("record/truncated-no-final-newline.txt");
  auto r = ParseRecord(text);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_FALSE(r->final_newline);
  EXPECT_EQ(r->entries.back().name, "attestationPublicKey");
  auto again = RenderRecord(*r);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, text);
  auto with_newline = ParseRecord(text + "\n");
  ASSERT_TRUE(with_newline.ok());
  EXPECT_TRUE(with_newline->final_newline);
}

class RecordBadFixtureTest : public ::testing::TestWithParam<const char*> {};

TEST_P(RecordBadFixtureTest, IsRejected) {
  const std::string text = Fixture(std::string("record/") + GetParam());
  auto r = ParseRecord(text);
  ASSERT_FALSE(r.ok()) << GetParam() << " was accepted";
  EXPECT_EQ(r.error().message.rfind("record", 0), 0u) << r.error().message;
}

INSTANTIATE_TEST_SUITE_P(Fixtures, RecordBadFixtureTest,
                         ::testing::Values("empty.txt", "truncated-mid-line.txt", "malformed-uppercase-hex.txt",
                                           "malformed-short-hash.txt",
                                           "malformed-text-after-hashes.txt", "malformed-crlf.txt",
                                           "malformed-empty-version.txt", "malformed-empty-name.txt"),
                         [](const auto& p) { return test::ParamName(p.param); });

TEST(RecordTest, ErrorsNameTheLine) {
  auto r = ParseRecord(Fixture("record/malformed-short-hash.txt"));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("line 5"), std::string::npos) << r.error().message;
}

TEST(RecordTest, RejectsTwoSpacesBetweenHashAndName) {
  // SPEC: 64 lower-case hex digits, then *one* space, then the name. `sha256sum` writes two;
  // such a line must not be read as a record line whose name starts with a space.
  auto r = ParseRecord(Fixture("record/malformed-two-spaces.txt"));
  EXPECT_FALSE(r.ok());
}

std::string DecryptInterop(const std::string& enc, const std::string& key_pem) {
  auto key = PrivateKeyFromPem(test::ReadText(SharedPath(key_pem)), key_pem);
  if (!key) {
    ADD_FAILURE() << key.error().message;
    return {};
  }
  auto plain = DecryptToken(key->get(), test::ReadText(SharedPath(enc)));
  if (!plain) {
    ADD_FAILURE() << plain.error().message;
    return {};
  }
  return std::string(plain->view());
}

// The real HPCR 23.3.0 record: version line only, then eight hash lines.
TEST(RecordInteropTest, ParsesHpcr2330Record) {
  const std::string text = DecryptInterop("interop/hpcr-23.3.0/se-checksums.txt.enc",
                                          "interop/hpcr-23.3.0.attestation-private.pem");
  auto r = ParseRecord(text);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->header, std::vector<std::string>{"23.3.0"});
  std::vector<std::string> names;
  for (const RecordEntry& e : r->entries) names.push_back(e.name);
  EXPECT_EQ(names, (std::vector<std::string>{"root.tar.gz", "baseimage", "/dev/disk/by-label/cidata",
                                             "cidata/meta-data", "cidata/user-data", "cidata/vendor-data",
                                             "user-data.decrypted", "attestationPublicKey"}));
  EXPECT_EQ(ToHex(r->entries[0].digest), "c29427f82520e3db4fece633b730df7348c664f6af020749cfc8d2b3d5536d3d");
  // Every line naming a file of the folder is sha256sum of that file.
  for (const RecordEntry& e : r->entries) {
    if (e.name == "root.tar.gz" || e.name == "baseimage" || e.name[0] == '/') continue;
    const std::string content = test::ReadText(SharedPath("interop/hpcr-23.3.0/" + e.name));
    EXPECT_EQ(ToHex(e.digest), ToHex(Sha256Of(content))) << e.name;
  }
  // se-version holds the first line; the record renders back to the same bytes.
  EXPECT_EQ(test::ReadText(SharedPath("interop/hpcr-23.3.0/se-version")), r->header[0] + "\n");
  auto again = RenderRecord(*r);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, text);
}

// The real HPCR 24.3.3 record: version and machine line, then hash lines, env and workload last.
TEST(RecordInteropTest, ParsesHpcr2433Record) {
  const std::string text = DecryptInterop("interop/hpcr-24.3.3/se-checksums.txt.enc",
                                          "interop/hpcr-24.3.3.attestation-private.pem");
  auto r = ParseRecord(text);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->header,
            (std::vector<std::string>{"24.3.3", "Machine Type/Plant/Serial: 8562/02/4C598"}));
  ASSERT_EQ(r->entries.size(), 9u);
  EXPECT_EQ(r->entries[0].name, "root.tar.gz");
  EXPECT_EQ(ToHex(r->entries[0].digest), "0bf377eea1136f03cbd5fbb1f2d12bb9a40a3e9f97a8438196b549fdafd0786e");
  EXPECT_EQ(r->entries[6].name, "attestationPublicKey");
  EXPECT_EQ(r->entries[8].name, "workload");
  EXPECT_EQ(ToHex(r->entries[8].digest), "9b10f72e8704f4e2e652251a6c8da5d922722fcb03bc58e1aa7a6a787517cd74");
  auto again = RenderRecord(*r);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, text);
}

// The signed HPCR 25.11.0 example: free-text lines between the machine line and the hashes, and
// names such as "AP(1):secret" and "contract:env".
TEST(RecordInteropTest, ParsesSignedExampleRecord) {
  const std::string text = test::ReadText(SharedPath("interop/signed-example/se-checksums.txt"));
  ASSERT_FALSE(text.empty());
  auto r = ParseRecord(text);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->header.size(), 8u);
  EXPECT_EQ(r->header[0], "25.11.0");
  EXPECT_EQ(r->header[1], "Machine Type/Plant/Serial: 9175/02/C25B8");
  ASSERT_EQ(r->entries.size(), 12u);
  EXPECT_EQ(r->entries[0].name, "AP(1):secret");
  EXPECT_EQ(r->entries[2].name, "root.tar.gz");
  EXPECT_EQ(r->entries[11].name, "contract:attestationPublicKey");
  EXPECT_EQ(ToHex(r->entries[11].digest), "97285dd941e3f1a321b1ac914d7a29ba4492e9203b6284c0d4c92f5f0d61dbfb");
}

TEST(RecordInteropTest, SignedExampleParsesOnceTheNewlineIsThere) {
  // The same record with the final newline our own records carry: everything else reads.
  auto r = ParseRecord(test::ReadText(SharedPath("interop/signed-example/se-checksums.txt")) + "\n");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->header.size(), 8u);
  EXPECT_EQ(r->header[2], "Image age: 3 days since creation.");
  ASSERT_EQ(r->entries.size(), 12u);
  EXPECT_EQ(r->entries[11].name, "contract:attestationPublicKey");
}

// The auditor's reading (LintRecord): problems fail the syntax check, notes are reported.
struct LintCase {
  const char* name;
  std::string text;
  const char* problem;  // a part of the first problem, or nullptr when there must be none
};

std::string H(char c) { return std::string(64, c); }

class RecordLintTest : public ::testing::TestWithParam<LintCase> {};

TEST_P(RecordLintTest, Problems) {
  const LintCase& c = GetParam();
  const RecordLint lint = LintRecord(c.text);
  if (c.problem == nullptr) {
    EXPECT_TRUE(lint.problems.empty()) << lint.problems.front();
  } else {
    ASSERT_FALSE(lint.problems.empty());
    EXPECT_NE(lint.problems.front().find(c.problem), std::string::npos) << lint.problems.front();
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, RecordLintTest,
    ::testing::Values(
        LintCase{"good", "1.0\nMachine Type/Plant/Serial: 3932/02/860A8\n" + H('a') + " baseimage\n", nullptr},
        LintCase{"empty", "", "empty"},
        LintCase{"no_hash_lines", "1.0\nMachine Type/Plant/Serial: 3932/02/860A8\n", "no hash lines"},
        LintCase{"duplicate", "1.0\n" + H('a') + " baseimage\n" + H('b') + " baseimage\n", "appears twice"},
        LintCase{"two_spaces", "1.0\n" + H('a') + "  baseimage\n", "more than one space"},
        LintCase{"upper_case_hex", "1.0\n" + H('A') + " baseimage\n", "almost a hash line"},
        LintCase{"header_after_hashes", "1.0\n" + H('a') + " baseimage\nfree text\n", "expected '<64"},
        LintCase{"bad_machine", "1.0\nMachine Type/Plant/Serial: 3932/02\n" + H('a') + " baseimage\n", "machine line"},
        LintCase{"machine_not_second", "1.0\nx\nMachine Type/Plant/Serial: 3932/02/860A8\n" + H('a') + " baseimage\n",
                 "second line"},
        LintCase{"carriage_return", "1.0\r\n" + H('a') + " baseimage\n", "carriage return"},
        LintCase{"escape_in_version", "1.0\x1b[8m\n" + H('a') + " baseimage\n", "control character"},
        LintCase{"tab_in_name", "1.0\n" + H('a') + " base\timage\n", "control character"},
        LintCase{"text_after_last_newline", "1.0\n" + H('a') + " baseimage\ntrailing", "expected '<64"}),
    [](const ::testing::TestParamInfo<LintCase>& param) { return std::string(param.param.name); });

TEST(RecordLintNotesTest, RealRecordsGetNotesNotProblems) {
  const RecordLint lint = LintRecord(test::ReadText(SharedPath("interop/signed-example/se-checksums.txt")));
  EXPECT_TRUE(lint.problems.empty());
  EXPECT_EQ(lint.machine, "9175/02/C25B8");
  ASSERT_EQ(lint.notes.size(), 2u);
  EXPECT_NE(lint.notes[0].find("AP(1):secret"), std::string::npos);
  EXPECT_NE(lint.notes[1].find("no final newline"), std::string::npos);

  const RecordLint old = LintRecord("23.3.0\n" + H('a') + " baseimage\n");
  EXPECT_TRUE(old.problems.empty());
  EXPECT_EQ(old.notes, std::vector<std::string>{"no machine line"});
}

}  // namespace
}  // namespace seattest
