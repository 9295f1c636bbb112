#include "platform/atomic_write.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "file_kinds.h"
#include "platform/unique_fd.h"
#include "test_support.h"

namespace seattest {
namespace {

using test::Exists;
using test::IsRegular;
using test::ModeOf;
using test::OpenDir;
using test::ReadText;
using test::TempDir;
using test::WriteText;

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

// Planted symbolic links at the name and at its temporary are replaced, never followed: the
// files they point to keep their bytes.
TEST(WriteFileAtomicTest, SymlinksAtTheNameAndTheTemporaryAreReplacedNotFollowed) {
  TempDir tmp;
  ASSERT_EQ(mkdir(tmp.Sub("out").c_str(), 0755), 0);
  WriteText(tmp.Sub("outside-name"), "keep 1");
  WriteText(tmp.Sub("outside-tmp"), "keep 2");
  ASSERT_EQ(symlink(tmp.Sub("outside-name").c_str(), tmp.Sub("out/f").c_str()), 0);
  ASSERT_EQ(symlink(tmp.Sub("outside-tmp").c_str(), tmp.Sub("out/.tmp.f").c_str()), 0);
  UniqueFd dir = OpenDir(tmp.Sub("out"));
  ASSERT_GE(dir.get(), 0);
  ASSERT_TRUE(WriteFileAtomicAt(dir.get(), "f", "new", 0400, tmp.Sub("out/f")).ok());
  EXPECT_TRUE(IsRegular(tmp.Sub("out/f")));
  EXPECT_EQ(ReadText(tmp.Sub("out/f")), "new");
  EXPECT_FALSE(Exists(tmp.Sub("out/.tmp.f")));
  EXPECT_EQ(ReadText(tmp.Sub("outside-name")), "keep 1");
  EXPECT_EQ(ReadText(tmp.Sub("outside-tmp")), "keep 2");
  // The path form does the same.
  ASSERT_EQ(unlink(tmp.Sub("out/f").c_str()), 0);
  ASSERT_EQ(symlink(tmp.Sub("outside-name").c_str(), tmp.Sub("out/f").c_str()), 0);
  ASSERT_EQ(symlink("/nonexistent/dangling", tmp.Sub("out/.tmp.f").c_str()), 0);
  ASSERT_TRUE(WriteFileAtomic(tmp.Sub("out"), "f", "newer", 0400).ok());
  EXPECT_TRUE(IsRegular(tmp.Sub("out/f")));
  EXPECT_EQ(ReadText(tmp.Sub("out/f")), "newer");
  EXPECT_EQ(ReadText(tmp.Sub("outside-name")), "keep 1");
}

}  // namespace
}  // namespace seattest
