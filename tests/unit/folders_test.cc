#include "platform/folders.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "file_kinds.h"
#include "platform/unique_fd.h"
#include "test_support.h"

namespace seattest {
namespace {

using test::Exists;
using test::IsFolder;
using test::IsSymlink;
using test::ModeOf;
using test::OpenDir;
using test::ReadText;
using test::TempDir;
using test::WriteText;

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

TEST(OpenFolderNoFollowTest, CreatesMissingAndNeverFollowsTheFolderItself) {
  TempDir tmp;
  auto missing = OpenFolderNoFollow(tmp.Sub("a/b"), Create::kNo, 0755);
  ASSERT_TRUE(missing.ok()) << missing.error().message;
  EXPECT_LT(missing->get(), 0);
  EXPECT_FALSE(Exists(tmp.Sub("a")));
  auto made = OpenFolderNoFollow(tmp.Sub("a/b/"), Create::kYes, 0750);
  ASSERT_TRUE(made.ok()) << made.error().message;
  EXPECT_GE(made->get(), 0);
  EXPECT_TRUE(IsFolder(tmp.Sub("a/b")));
  EXPECT_EQ(ModeOf(tmp.Sub("a/b")) & 0777 & ~0750, 0);
  // The folder a symbolic link: refused, created or not, and the link's target is not touched.
  ASSERT_EQ(mkdir(tmp.Sub("elsewhere").c_str(), 0755), 0);
  ASSERT_EQ(symlink(tmp.Sub("elsewhere").c_str(), tmp.Sub("a/link").c_str()), 0);
  for (Create create : {Create::kNo, Create::kYes}) {
    auto linked = OpenFolderNoFollow(tmp.Sub("a/link"), create, 0755);
    ASSERT_FALSE(linked.ok());
    EXPECT_NE(linked.error().message.find("a/link: is a symbolic link"), std::string::npos) << linked.error().message;
  }
  ASSERT_EQ(symlink("/nonexistent", tmp.Sub("a/dangling").c_str()), 0);
  EXPECT_FALSE(OpenFolderNoFollow(tmp.Sub("a/dangling"), Create::kYes, 0755).ok());
  EXPECT_FALSE(OpenFolderNoFollow(tmp.Sub("a/dangling"), Create::kNo, 0755).ok());
  EXPECT_TRUE(IsSymlink(tmp.Sub("a/dangling")));
  // The components above it may be symbolic links (the configured path is trusted).
  auto above = OpenFolderNoFollow(tmp.Sub("a/link/out"), Create::kYes, 0755);
  ASSERT_TRUE(above.ok()) << above.error().message;
  EXPECT_TRUE(IsFolder(tmp.Sub("elsewhere/out")));
  // A file where the folder should be.
  WriteText(tmp.Sub("a/file"), "x");
  auto file = OpenFolderNoFollow(tmp.Sub("a/file"), Create::kYes, 0755);
  ASSERT_FALSE(file.ok());
  EXPECT_NE(file.error().message.find("exists and is not a folder"), std::string::npos) << file.error().message;
  EXPECT_FALSE(OpenFolderNoFollow(tmp.Sub("a/file/below"), Create::kNo, 0755).ok());
}

TEST(OpenOwnedSubfolderTest, ReplacesWhatIsNotAFolderNeverFollowingIt) {
  TempDir tmp;
  UniqueFd dir = OpenDir(tmp.path());
  ASSERT_GE(dir.get(), 0);
  ASSERT_EQ(mkdir(tmp.Sub("outside").c_str(), 0755), 0);
  WriteText(tmp.Sub("outside/user-data"), "keep");
  // A symbolic link to a folder: removed (kNo leaves nothing), or replaced by a folder (kYes).
  ASSERT_EQ(symlink(tmp.Sub("outside").c_str(), tmp.Sub("cidata").c_str()), 0);
  auto none = OpenOwnedSubfolder(dir.get(), "cidata", Create::kNo, 0755, tmp.Sub("cidata"));
  ASSERT_TRUE(none.ok()) << none.error().message;
  EXPECT_LT(none->get(), 0);
  EXPECT_FALSE(Exists(tmp.Sub("cidata")));
  ASSERT_EQ(symlink(tmp.Sub("outside").c_str(), tmp.Sub("cidata").c_str()), 0);
  auto made = OpenOwnedSubfolder(dir.get(), "cidata", Create::kYes, 0755, tmp.Sub("cidata"));
  ASSERT_TRUE(made.ok()) << made.error().message;
  EXPECT_GE(made->get(), 0);
  EXPECT_TRUE(IsFolder(tmp.Sub("cidata")));
  EXPECT_EQ(ReadText(tmp.Sub("outside/user-data")), "keep");
  // A folder is kept with what it holds; a file or a dangling link at the name is replaced.
  WriteText(tmp.Sub("cidata/network-config"), "theirs");
  auto kept = OpenOwnedSubfolder(dir.get(), "cidata", Create::kYes, 0755, tmp.Sub("cidata"));
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ(ReadText(tmp.Sub("cidata/network-config")), "theirs");
  WriteText(tmp.Sub("file"), "x");
  ASSERT_EQ(symlink("/nonexistent", tmp.Sub("dangling").c_str()), 0);
  for (const char* name : {"file", "dangling"}) {
    auto replaced = OpenOwnedSubfolder(dir.get(), name, Create::kYes, 0755, tmp.Sub(name));
    ASSERT_TRUE(replaced.ok()) << name << ": " << replaced.error().message;
    EXPECT_TRUE(IsFolder(tmp.Sub(name))) << name;
  }
}

TEST(RemoveIfExistsTest, AtRemovesASymlinkNotItsTarget) {
  TempDir tmp;
  UniqueFd dir = OpenDir(tmp.path());
  WriteText(tmp.Sub("target"), "keep");
  ASSERT_EQ(symlink(tmp.Sub("target").c_str(), tmp.Sub("link").c_str()), 0);
  EXPECT_TRUE(RemoveIfExistsAt(dir.get(), "link", tmp.Sub("link")).ok());
  EXPECT_FALSE(Exists(tmp.Sub("link")));
  EXPECT_EQ(ReadText(tmp.Sub("target")), "keep");
  EXPECT_TRUE(RemoveIfExistsAt(dir.get(), "link", tmp.Sub("link")).ok());
  ASSERT_EQ(mkdir(tmp.Sub("folder").c_str(), 0755), 0);
  Status s = RemoveIfExistsAt(dir.get(), "folder", tmp.Sub("folder"));
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("removing " + tmp.Sub("folder")), std::string::npos) << s.error().message;
}

TEST(DirNameTest, Cases) {
  EXPECT_EQ(DirName("/run/se-attest/agent.yaml"), "/run/se-attest");
  EXPECT_EQ(DirName("cidata/user-data"), "cidata");
  EXPECT_EQ(DirName("/agent.yaml"), "/");
  EXPECT_EQ(DirName("agent.yaml"), ".");
}

}  // namespace
}  // namespace seattest
