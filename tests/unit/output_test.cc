#include "app/output.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <set>
#include <string>

#include "test_support.h"

namespace seattest {
namespace {

using test::Exists;
using test::FilesUnder;
using test::ModeOf;
using test::ReadText;
using test::TempDir;
using test::WriteText;

TEST(OutputTest, FileNamesAreTheSpecTable) {
  EXPECT_EQ(kRecordFile, "se-checksums.txt");
  EXPECT_EQ(kEncryptedRecordFile, "se-checksums.txt.enc");
  EXPECT_EQ(kSignatureFile, "se-signature.bin");
  const std::set<std::string> names(OutputFileNames().begin(), OutputFileNames().end());
  EXPECT_EQ(names, (std::set<std::string>{"se-checksums.txt", "se-checksums.txt.enc", "se-signature.bin",
                                          "se-version", "se-commit-id", "cidata/meta-data",
                                          "cidata/user-data", "cidata/vendor-data", "user-data.decrypted",
                                          "attestationPublicKey", "README"}));
  EXPECT_EQ(OutputFileNames().front(), "se-checksums.txt");  // the record goes first
}

TEST(OutputTest, WritesInOrderWithModes) {
  TempDir tmp;
  const std::string out = tmp.Sub("run/hyperprotect");
  const std::vector<OutputFile> files = {
      {"cidata/meta-data", "instance-id: x\n", 0400},
      {"se-version", "1.0.0\n", 0400},
      {"README", "read me\n", 0444},
      {"se-checksums.txt", "1.0.0\n", 0400},
  };
  ASSERT_TRUE(WriteOutputFolder(out, files).ok());
  EXPECT_EQ(FilesUnder(out),
            (std::set<std::string>{"cidata/meta-data", "se-version", "README", "se-checksums.txt"}));
  for (const OutputFile& f : files) {
    EXPECT_EQ(ReadText(out + "/" + f.name), f.content) << f.name;
    EXPECT_EQ(ModeOf(out + "/" + f.name), static_cast<int>(f.mode)) << f.name;
  }
}

TEST(OutputTest, FailureRemovesWhatThisRunWrote) {
  TempDir tmp;
  const std::string& out = tmp.path();
  // A folder where se-version should go makes the third file fail.
  ASSERT_EQ(mkdir(tmp.Sub("se-version").c_str(), 0755), 0);
  const std::vector<OutputFile> files = {
      {"cidata/user-data", "env: {}\n", 0400},
      {"README", "read me\n", 0444},
      {"se-version", "1.0.0\n", 0400},
      {"se-checksums.txt", "1.0.0\n", 0400},
  };
  Status s = WriteOutputFolder(out, files);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("se-version"), std::string::npos) << s.error().message;
  EXPECT_TRUE(FilesUnder(out).empty()) << *FilesUnder(out).begin();
  EXPECT_FALSE(Exists(tmp.Sub("cidata")));
}

TEST(OutputTest, FolderUnderARegularFileIsAnError) {
  TempDir tmp;
  WriteText(tmp.Sub("file"), "x");
  EXPECT_FALSE(WriteOutputFolder(tmp.Sub("file/out"), {{"se-version", "1\n", 0400}}).ok());
  EXPECT_FALSE(ClearOutputFolder(tmp.Sub("file/out")).ok());
  EXPECT_EQ(ReadText(tmp.Sub("file")), "x");
}

TEST(OutputTest, ClearRemovesEveryAgentFileAndNothingElse) {
  TempDir tmp;
  ASSERT_EQ(mkdir(tmp.Sub("cidata").c_str(), 0755), 0);
  for (const std::string& name : OutputFileNames()) WriteText(tmp.Sub(name), "old");
  WriteText(tmp.Sub("not-ours.txt"), "keep");
  ASSERT_TRUE(ClearOutputFolder(tmp.path()).ok());
  EXPECT_EQ(FilesUnder(tmp.path()), std::set<std::string>{"not-ours.txt"});
  EXPECT_FALSE(Exists(tmp.Sub("cidata")));
  // Nothing to clear, or no folder at all, is fine.
  EXPECT_TRUE(ClearOutputFolder(tmp.path()).ok());
  EXPECT_TRUE(ClearOutputFolder(tmp.Sub("missing")).ok());
}

TEST(OutputTest, ClearKeepsACidataFolderWithOtherFiles) {
  TempDir tmp;
  ASSERT_EQ(mkdir(tmp.Sub("cidata").c_str(), 0755), 0);
  WriteText(tmp.Sub("cidata/user-data"), "old");
  WriteText(tmp.Sub("cidata/network-config"), "keep");
  ASSERT_TRUE(ClearOutputFolder(tmp.path()).ok());
  EXPECT_EQ(FilesUnder(tmp.path()), std::set<std::string>{"cidata/network-config"});
}

TEST(OutputTest, ReadmeSaysWhichRecordIsThere) {
  const std::string plain = OutputReadme(false);
  const std::string encrypted = OutputReadme(true);
  EXPECT_NE(plain.find("se-checksums.txt "), std::string::npos);
  EXPECT_EQ(plain.find("se-checksums.txt.enc"), std::string::npos);
  EXPECT_NE(encrypted.find("se-checksums.txt.enc"), std::string::npos);
  EXPECT_NE(encrypted.find("attestationPublicKey"), std::string::npos);
  for (const std::string& r : {plain, encrypted}) {
    EXPECT_NE(r.find("se-signature.bin"), std::string::npos);
    EXPECT_NE(r.find("openssl dgst -sha256 -verify"), std::string::npos);
    EXPECT_EQ(r.back(), '\n');
  }
}

}  // namespace
}  // namespace seattest
