#include "platform/read_file.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <string>

#include "platform/hash_path.h"
#include "platform/unique_fd.h"
#include "test_support.h"

namespace seattest {
namespace {

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
  HashOptions no_symlinks;
  no_symlinks.follow = Follow::kNoSymlinks;
  EXPECT_FALSE(HashPath(tmp.Sub("link"), no_symlinks).ok());
  EXPECT_TRUE(HashPath(tmp.Sub("link")).ok());
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

// A device node where a file is expected is named as such, also when the nodev mount makes its
// open fail (EACCES) before its type could be checked.
TEST(ReadFileTest, DeviceNodeIsNotARegularFile) {
  auto r = ReadFile("/dev/null", 100, Follow::kNoSymlinks);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("/dev/null: not a regular file"), std::string::npos) << r.error().message;
}

// A socket cannot be opened at all (ENXIO): it is named as a socket, not as the kernel's errno.
TEST(ReadFileTest, SocketIsNotARegularFile) {
  TempDir tmp;
  const UniqueFd fd(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  ASSERT_GE(fd.get(), 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  const std::string path = tmp.Sub("user-data");
  ASSERT_LT(path.size(), sizeof addr.sun_path);
  std::copy(path.begin(), path.end(), addr.sun_path);
  ASSERT_EQ(bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  auto r = ReadFile(path, 100, Follow::kNoSymlinks);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("user-data: not a regular file (a socket)"), std::string::npos) << r.error().message;
}

}  // namespace
}  // namespace seattest
