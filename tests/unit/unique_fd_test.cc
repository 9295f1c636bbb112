#include "platform/unique_fd.h"

#include <fcntl.h>
#include <gtest/gtest.h>

#include <utility>

namespace seattest {
namespace {

bool IsOpen(int fd) { return fcntl(fd, F_GETFD) != -1; }

TEST(UniqueFdTest, ClosesOnceWhereverItWasMovedTo) {
  int raw = -1;
  {
    UniqueFd first(open("/dev/null", O_RDONLY | O_CLOEXEC));
    raw = first.get();
    ASSERT_GE(raw, 0);
    UniqueFd second(std::move(first));
    EXPECT_EQ(first.get(), -1);  // NOLINT(bugprone-use-after-move): the moved-from state is the point
    EXPECT_EQ(second.get(), raw);
    UniqueFd third(-1);
    third = std::move(second);
    EXPECT_TRUE(IsOpen(raw));
  }
  EXPECT_FALSE(IsOpen(raw));
}

TEST(UniqueFdTest, ReleaseGivesTheDescriptorUp) {
  UniqueFd given_up(open("/dev/null", O_RDONLY | O_CLOEXEC));
  const int fd = given_up.get();
  ASSERT_GE(fd, 0);
  UniqueFd kept(-1);
  {
    UniqueFd moved(given_up.release());
    EXPECT_EQ(given_up.get(), -1);
    kept = UniqueFd(moved.release());
  }
  EXPECT_TRUE(IsOpen(fd));
  EXPECT_EQ(kept.get(), fd);
}

}  // namespace
}  // namespace seattest
