#include "platform/extent_map.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>

#include "platform/unique_fd.h"
#include "test_support.h"

namespace seattest {
namespace {

using test::TempDir;
using test::WriteText;

// MapFile on the test's own filesystem, where it supports FIEMAP (not tmpfs): the extents hold
// exactly the file's bytes, ascending; a file with a hole, a symbolic link and an empty file are
// refused. Reading the extents back from the device needs root (seal does it; host-e2e).
class ExtentMapTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteText(tmp_.Sub("probe"), "x");
    auto probe = MapFile(tmp_.Sub("probe"));
    if (!probe && probe.error().message.find("FIEMAP") != std::string::npos) {
      GTEST_SKIP() << "no FIEMAP here: " << probe.error().message;
    }
  }
  TempDir tmp_;
};

TEST_F(ExtentMapTest, ExtentsHoldTheFilesBytesInOrder) {
  const std::string path = tmp_.Sub("f");
  WriteText(path, std::string(3 * 65536 + 123, 'f'));
  auto layout = MapFile(path);
  ASSERT_TRUE(layout.ok()) << layout.error().message;
  EXPECT_EQ(layout->size, 3u * 65536 + 123);
  std::uint64_t total = 0;
  for (const Extent& e : layout->extents) total += e.length;
  EXPECT_EQ(total, layout->size) << "the last extent is cut at the end of the file";
  EXPECT_TRUE(CheckExtents(layout->extents, layout->size, ~std::uint64_t{0}, "f").ok() ||
              layout->extents.size() > 1);  // a fragmented file may descend: seal refuses it, not MapFile
}

TEST_F(ExtentMapTest, PreallocatedSpacePastTheEndIsNotPartOfTheFile) {
  const std::string path = tmp_.Sub("prealloc");
  WriteText(path, std::string(5000, 'p'));
  {
    UniqueFd fd(open(path.c_str(), O_RDWR | O_CLOEXEC));
    ASSERT_GE(fd.get(), 0);
    if (fallocate(fd.get(), FALLOC_FL_KEEP_SIZE, 0, 1 << 20) != 0) GTEST_SKIP() << "no fallocate here";
  }
  auto layout = MapFile(path);
  ASSERT_TRUE(layout.ok()) << layout.error().message;
  std::uint64_t total = 0;
  for (const Extent& e : layout->extents) total += e.length;
  EXPECT_EQ(total, 5000u);
}

TEST_F(ExtentMapTest, RefusesHolesLinksAndEmptyFiles) {
  const std::string sparse = tmp_.Sub("sparse");
  {
    UniqueFd fd(open(sparse.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600));
    ASSERT_GE(fd.get(), 0);
    ASSERT_EQ(pwrite(fd.get(), "end", 3, 1 << 20), 3);
    ASSERT_EQ(fsync(fd.get()), 0);
  }
  auto holed = MapFile(sparse);
  ASSERT_FALSE(holed.ok());
  EXPECT_NE(holed.error().message.find("has a hole at byte 0 (a sparse file)"), std::string::npos)
      << holed.error().message;

  ASSERT_EQ(symlink(sparse.c_str(), tmp_.Sub("link").c_str()), 0);
  auto link = MapFile(tmp_.Sub("link"));
  ASSERT_FALSE(link.ok());
  EXPECT_NE(link.error().message.find("is a symbolic link"), std::string::npos) << link.error().message;

  WriteText(tmp_.Sub("empty"), "");
  auto empty = MapFile(tmp_.Sub("empty"));
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.error().message.find("empty"), std::string::npos) << empty.error().message;
}

}  // namespace
}  // namespace seattest
