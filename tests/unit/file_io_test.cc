#include "platform/file_io.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "core/hex.h"
#include "crypto/sha256.h"
#include "test_support.h"

namespace seattest {
namespace {

using test::Exists;
using test::ModeOf;
using test::ReadText;
using test::TempDir;
using test::WriteText;

TEST(ReadFileTest, WholeFile) {
  TempDir tmp;
  const std::string data("a\0b\nc\xff", 6);
  WriteText(tmp.Sub("f"), data);
  auto bytes = ReadFile(tmp.Sub("f"), 100);
  ASSERT_TRUE(bytes.ok()) << bytes.error().message;
  EXPECT_EQ(AsText(*bytes), data);
  auto exact = ReadFile(tmp.Sub("f"), 6);
  ASSERT_TRUE(exact.ok()) << exact.error().message;
  EXPECT_EQ(AsText(*exact), data);
}

TEST(ReadFileTest, EmptyFile) {
  TempDir tmp;
  WriteText(tmp.Sub("f"), "");
  auto bytes = ReadFile(tmp.Sub("f"), 100);
  ASSERT_TRUE(bytes.ok()) << bytes.error().message;
  EXPECT_TRUE(bytes->empty());
}

TEST(ReadFileTest, OverTheLimitIsAnErrorNamingThePath) {
  TempDir tmp;
  WriteText(tmp.Sub("f"), "1234567");
  auto bytes = ReadFile(tmp.Sub("f"), 6);
  ASSERT_FALSE(bytes.ok());
  EXPECT_EQ(bytes.error().message.rfind(tmp.Sub("f") + ": ", 0), 0u) << bytes.error().message;
}

TEST(ReadFileTest, MissingFolderAndDeviceAreErrors) {
  TempDir tmp;
  auto missing = ReadFile(tmp.Sub("nope"), 100);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find(tmp.Sub("nope")), std::string::npos);
  EXPECT_FALSE(ReadFile(tmp.path(), 100).ok());
  EXPECT_FALSE(ReadFile("/dev/null", 100).ok());
}

TEST(ReadFileTest, SymlinksOnlyWhenAllowed) {
  TempDir tmp;
  WriteText(tmp.Sub("target"), "data");
  ASSERT_EQ(symlink("target", tmp.Sub("link").c_str()), 0);
  auto followed = ReadFile(tmp.Sub("link"), 100, Follow::kSymlinks);
  ASSERT_TRUE(followed.ok()) << followed.error().message;
  EXPECT_EQ(AsText(*followed), "data");
  auto refused = ReadFile(tmp.Sub("link"), 100, Follow::kNoSymlinks);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("symbolic link"), std::string::npos) << refused.error().message;
  EXPECT_FALSE(HashPath(tmp.Sub("link"), Follow::kNoSymlinks).ok());
  EXPECT_TRUE(HashPath(tmp.Sub("link"), Follow::kSymlinks).ok());
}

TEST(ReadSecretFileTest, ReadsAndLimits) {
  TempDir tmp;
  WriteText(tmp.Sub("key"), "-----BEGIN PRIVATE KEY-----\n");
  auto secret = ReadSecretFile(tmp.Sub("key"), 1000);
  ASSERT_TRUE(secret.ok()) << secret.error().message;
  EXPECT_EQ(secret->view(), "-----BEGIN PRIVATE KEY-----\n");
  EXPECT_FALSE(ReadSecretFile(tmp.Sub("key"), 10).ok());
  EXPECT_FALSE(ReadSecretFile(tmp.Sub("missing"), 1000).ok());
}

TEST(HashPathTest, EmptyAndLargerThanOneChunk) {
  TempDir tmp;
  WriteText(tmp.Sub("empty"), "");
  auto empty = HashPath(tmp.Sub("empty"));
  ASSERT_TRUE(empty.ok()) << empty.error().message;
  EXPECT_EQ(empty->size, 0u);
  EXPECT_EQ(ToHex(empty->digest), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");

  // 3,000,000 bytes of 'a' (more than the 1 MiB read size): `head -c 3000000 | sha256sum`.
  WriteText(tmp.Sub("big"), std::string(3000000, 'a'));
  auto big = HashPath(tmp.Sub("big"));
  ASSERT_TRUE(big.ok()) << big.error().message;
  EXPECT_EQ(big->size, 3000000u);
  EXPECT_EQ(ToHex(big->digest), "2a152c894398719c0570f83fac34ac03a0f6e8e474b995c2403aa5434f7b9dd4");
}

TEST(HashPathTest, NeitherFileNorBlockDevice) {
  TempDir tmp;
  EXPECT_FALSE(HashPath(tmp.path()).ok());
  EXPECT_FALSE(HashPath("/dev/null").ok());
  EXPECT_FALSE(HashPath(tmp.Sub("missing")).ok());
}

TEST(WriteFileAtomicTest, WritesWithModeAndLeavesNoTemporary) {
  TempDir tmp;
  ASSERT_TRUE(WriteFileAtomic(tmp.path(), "se-version", "1.0.0\n", 0400).ok());
  EXPECT_EQ(ReadText(tmp.Sub("se-version")), "1.0.0\n");
  EXPECT_EQ(ModeOf(tmp.Sub("se-version")), 0400);
  ASSERT_TRUE(WriteFileAtomic(tmp.path(), "README", "", 0444).ok());
  EXPECT_EQ(ModeOf(tmp.Sub("README")), 0444);
  EXPECT_EQ(ReadText(tmp.Sub("README")), "");
  int entries = 0;
  for (const auto& e : std::filesystem::directory_iterator(tmp.path())) {
    ++entries;
    EXPECT_NE(e.path().filename().string().rfind(".tmp", 0), 0u) << e.path();
  }
  EXPECT_EQ(entries, 2);
}

TEST(WriteFileAtomicTest, ReplacesAnExistingFileEvenReadOnly) {
  TempDir tmp;
  ASSERT_TRUE(WriteFileAtomic(tmp.path(), "f", "old", 0400).ok());
  ASSERT_TRUE(WriteFileAtomic(tmp.path(), "f", "new", 0400).ok());
  EXPECT_EQ(ReadText(tmp.Sub("f")), "new");
}

TEST(WriteFileAtomicTest, ReplacesALeftOverTemporary) {
  TempDir tmp;
  WriteText(tmp.Sub(".tmp.f"), "left by a killed run");
  ASSERT_TRUE(WriteFileAtomic(tmp.path(), "f", "data", 0400).ok());
  EXPECT_EQ(ReadText(tmp.Sub("f")), "data");
  EXPECT_FALSE(Exists(tmp.Sub(".tmp.f")));
}

TEST(WriteFileAtomicTest, OneFolderDeepWhenItExists) {
  TempDir tmp;
  EXPECT_FALSE(WriteFileAtomic(tmp.path(), "cidata/user-data", "x", 0400).ok());
  ASSERT_EQ(mkdir(tmp.Sub("cidata").c_str(), 0755), 0);
  ASSERT_TRUE(WriteFileAtomic(tmp.path(), "cidata/user-data", "x", 0400).ok());
  EXPECT_EQ(ReadText(tmp.Sub("cidata/user-data")), "x");
  EXPECT_FALSE(Exists(tmp.Sub("cidata/.tmp.user-data")));
}

TEST(WriteFileAtomicTest, FailsWhereTheFolderIsAFile) {
  TempDir tmp;
  WriteText(tmp.Sub("file"), "x");
  EXPECT_FALSE(WriteFileAtomic(tmp.Sub("file"), "se-version", "1", 0400).ok());
  EXPECT_FALSE(WriteFileAtomic(tmp.Sub("missing"), "se-version", "1", 0400).ok());
}

TEST(MakeDirsTest, NestedExistingAndBlocked) {
  TempDir tmp;
  ASSERT_TRUE(MakeDirs(tmp.Sub("a/b/c"), 0755).ok());
  struct stat st {};
  ASSERT_EQ(stat(tmp.Sub("a/b/c").c_str(), &st), 0);
  EXPECT_TRUE(S_ISDIR(st.st_mode));
  EXPECT_TRUE(MakeDirs(tmp.Sub("a/b/c"), 0755).ok());
  EXPECT_TRUE(MakeDirs("", 0755).ok());
  WriteText(tmp.Sub("file"), "x");
  EXPECT_FALSE(MakeDirs(tmp.Sub("file"), 0755).ok());
  EXPECT_FALSE(MakeDirs(tmp.Sub("file/sub"), 0755).ok());
}

TEST(SyncDirTest, ExistingAndMissing) {
  TempDir tmp;
  EXPECT_TRUE(SyncDir(tmp.path()).ok());
  EXPECT_FALSE(SyncDir(tmp.Sub("missing")).ok());
}

TEST(RemoveIfExistsTest, PresentAndAbsent) {
  TempDir tmp;
  WriteText(tmp.Sub("f"), "x");
  EXPECT_TRUE(RemoveIfExists(tmp.Sub("f")).ok());
  EXPECT_FALSE(Exists(tmp.Sub("f")));
  EXPECT_TRUE(RemoveIfExists(tmp.Sub("f")).ok());
  WriteText(tmp.Sub("file"), "x");
  EXPECT_FALSE(RemoveIfExists(tmp.Sub("file/below")).ok());  // ENOTDIR is not "absent"
}

TEST(DirNameTest, Cases) {
  EXPECT_EQ(DirName("/run/se-attest/agent.yaml"), "/run/se-attest");
  EXPECT_EQ(DirName("cidata/user-data"), "cidata");
  EXPECT_EQ(DirName("/agent.yaml"), "/");
  EXPECT_EQ(DirName("agent.yaml"), ".");
}

}  // namespace
}  // namespace seattest
