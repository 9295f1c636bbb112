#include "boot/output.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "file_kinds.h"
#include "test_support.h"

namespace seattest {
namespace {

using test::Exists;
using test::IsFolder;
using test::IsSymlink;
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
                                          "attestationPublicKey", "certificate_expiry_date.json", "sbom",
                                          "README"}));
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

// A folder outside the output folder holding files named like the agent's, which planted
// symbolic links point to: after any clear or write, every one of them holds its old bytes.
class Outside {
 public:
  explicit Outside(const TempDir& tmp) : dir_(tmp.Sub("outside")) {
    EXPECT_EQ(mkdir(dir_.c_str(), 0755), 0);
    for (const char* name : {"meta-data", "user-data", "vendor-data", ".tmp.user-data", "record", "readme-tmp"}) {
      WriteText(dir_ + "/" + name, std::string("outside ") + name);
    }
  }
  const std::string& dir() const { return dir_; }
  std::string Sub(const std::string& name) const { return dir_ + "/" + name; }
  ::testing::AssertionResult Unchanged() const {
    const std::set<std::string> expected = {"meta-data", "user-data", "vendor-data", ".tmp.user-data", "record",
                                            "readme-tmp"};
    if (FilesUnder(dir_) != expected) return ::testing::AssertionFailure() << "files outside changed";
    for (const std::string& name : expected) {
      if (ReadText(Sub(name)) != "outside " + name) return ::testing::AssertionFailure() << name << " changed";
    }
    return ::testing::AssertionSuccess();
  }

 private:
  std::string dir_;
};

const std::vector<OutputFile> kSomeFiles = {
    {"cidata/meta-data", "instance-id: x\n", 0400},
    {"cidata/user-data", "env: {}\n", 0400},
    {"README", "read me\n", 0444},
    {"se-checksums.txt", "1.0.0\n", 0400},
};

TEST(OutputTest, ACidataSymlinkIsRemovedNeverFollowed) {
  TempDir tmp;
  const Outside outside(tmp);
  const std::string out = tmp.Sub("out");
  ASSERT_EQ(mkdir(out.c_str(), 0755), 0);
  ASSERT_EQ(symlink(outside.dir().c_str(), (out + "/cidata").c_str()), 0);
  ASSERT_TRUE(ClearOutputFolder(out).ok());
  EXPECT_FALSE(test::Exists(out + "/cidata"));
  EXPECT_TRUE(outside.Unchanged());
  // Written over a planted link (without a clear first): a real folder replaces it.
  ASSERT_EQ(symlink(outside.dir().c_str(), (out + "/cidata").c_str()), 0);
  ASSERT_TRUE(WriteOutputFolder(out, kSomeFiles).ok());
  EXPECT_TRUE(IsFolder(out + "/cidata"));
  EXPECT_EQ(ReadText(out + "/cidata/user-data"), "env: {}\n");
  EXPECT_EQ(FilesUnder(out), (std::set<std::string>{"cidata/meta-data", "cidata/user-data", "README", "se-checksums.txt"}));
  EXPECT_TRUE(outside.Unchanged());
  // A file, or a dangling link, named cidata: replaced the same way.
  for (const bool dangling : {false, true}) {
    ASSERT_TRUE(ClearOutputFolder(out).ok());
    if (dangling) {
      ASSERT_EQ(symlink("/nonexistent/cidata", (out + "/cidata").c_str()), 0);
    } else {
      WriteText(out + "/cidata", "a file");
    }
    ASSERT_TRUE(WriteOutputFolder(out, kSomeFiles).ok()) << dangling;
    EXPECT_TRUE(IsFolder(out + "/cidata")) << dangling;
  }
}

TEST(OutputTest, SymlinksAtTheAgentsFileNamesAreReplacedNeverFollowed) {
  TempDir tmp;
  const Outside outside(tmp);
  const std::string out = tmp.Sub("out");
  ASSERT_EQ(mkdir(out.c_str(), 0755), 0);
  ASSERT_EQ(mkdir((out + "/cidata").c_str(), 0755), 0);
  const std::pair<const char*, const char*> links[] = {
      {"se-checksums.txt", "record"},
      {"cidata/user-data", "user-data"},
      {"cidata/.tmp.meta-data", "meta-data"},
      {".tmp.README", "readme-tmp"},
      {"cidata/.tmp.user-data", ".tmp.user-data"},
  };
  auto plant = [&] {
    for (const auto& [name, target] : links) {
      ASSERT_EQ(symlink(outside.Sub(target).c_str(), (out + "/" + name).c_str()), 0) << name;
    }
  };
  // Cleared: the links go, their targets stay.
  plant();
  ASSERT_TRUE(ClearOutputFolder(out).ok());
  for (const auto& [name, target] : links) EXPECT_FALSE(test::Exists(out + "/" + name)) << name;
  EXPECT_TRUE(outside.Unchanged());
  // Written over them: regular files of ours in their place.
  ASSERT_EQ(mkdir((out + "/cidata").c_str(), 0755), 0);
  plant();
  ASSERT_TRUE(WriteOutputFolder(out, kSomeFiles).ok());
  EXPECT_TRUE(outside.Unchanged());
  for (const OutputFile& f : kSomeFiles) {
    EXPECT_FALSE(IsSymlink(out + "/" + f.name)) << f.name;
    EXPECT_EQ(ReadText(out + "/" + f.name), f.content) << f.name;
  }
  EXPECT_FALSE(test::Exists(out + "/.tmp.README"));
  EXPECT_FALSE(test::Exists(out + "/cidata/.tmp.meta-data"));
}

TEST(OutputTest, AFailedWriteUndoesWithoutFollowing) {
  TempDir tmp;
  const Outside outside(tmp);
  const std::string out = tmp.Sub("out");
  ASSERT_EQ(mkdir(out.c_str(), 0755), 0);
  ASSERT_EQ(symlink(outside.dir().c_str(), (out + "/cidata").c_str()), 0);
  ASSERT_EQ(mkdir((out + "/se-checksums.txt").c_str(), 0755), 0);  // the last file fails
  Status s = WriteOutputFolder(out, kSomeFiles);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("se-checksums.txt"), std::string::npos) << s.error().message;
  EXPECT_TRUE(FilesUnder(out).empty()) << *FilesUnder(out).begin();
  EXPECT_FALSE(test::Exists(out + "/cidata"));
  EXPECT_TRUE(outside.Unchanged());
}

// The folder itself a symbolic link: neither cleared nor written, whatever it points to.
TEST(OutputTest, ASymlinkedFolderIsRefused) {
  TempDir tmp;
  const Outside outside(tmp);
  const std::string out = tmp.Sub("out");
  ASSERT_EQ(symlink(outside.dir().c_str(), out.c_str()), 0);
  Status cleared = ClearOutputFolder(out);
  ASSERT_FALSE(cleared.ok());
  EXPECT_NE(cleared.error().message.find(out + ": is a symbolic link"), std::string::npos) << cleared.error().message;
  Status written = WriteOutputFolder(out, kSomeFiles);
  ASSERT_FALSE(written.ok());
  EXPECT_NE(written.error().message.find(out + ": is a symbolic link"), std::string::npos) << written.error().message;
  EXPECT_TRUE(IsSymlink(out));
  EXPECT_TRUE(outside.Unchanged());
}

// The configured path's components above the folder are followed (agent.yaml is trusted; /var/run
// is a symbolic link on most systems).
TEST(OutputTest, TheComponentsAboveTheFolderMayBeSymlinks) {
  TempDir tmp;
  ASSERT_EQ(mkdir(tmp.Sub("real").c_str(), 0755), 0);
  ASSERT_EQ(symlink(tmp.Sub("real").c_str(), tmp.Sub("run").c_str()), 0);
  ASSERT_TRUE(ClearOutputFolder(tmp.Sub("run/hyperprotect")).ok());
  ASSERT_TRUE(WriteOutputFolder(tmp.Sub("run/hyperprotect"), kSomeFiles).ok());
  EXPECT_EQ(ReadText(tmp.Sub("real/hyperprotect/se-checksums.txt")), "1.0.0\n");
  ASSERT_TRUE(ClearOutputFolder(tmp.Sub("run/hyperprotect")).ok());
  EXPECT_TRUE(FilesUnder(tmp.Sub("real/hyperprotect")).empty());
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
  EXPECT_EQ(plain.find("certificate_expiry_date.json"), std::string::npos);
  const std::string modern = OutputReadme(false, {.certificate_expiry = true, .sbom = true});
  EXPECT_NE(modern.find("sha256sum cidata/* attestationPublicKey certificate_expiry_date.json sbom"), std::string::npos);
  EXPECT_NE(modern.find("  sbom "), std::string::npos);
}

}  // namespace
}  // namespace seattest
