#include "platform/file_io.h"

#include <fcntl.h>
#include <cerrno>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "core/hex.h"
#include "crypto/sha256.h"
#include "platform/unique_fd.h"
#include "test_support.h"

namespace seattest {
namespace {

using test::Exists;
using test::ModeOf;
using test::ReadText;
using test::TempDir;
using test::WriteText;

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

// The reader thread and its ring of buffers: every size around the chunk and ring boundaries,
// for every ring size, gives the digest of the bytes, in order, copied and reported in progress.
TEST(HashPathTest, EveryBoundaryOfTheReadAheadRing) {
  TempDir tmp;
  constexpr std::size_t kChunk = 4096;
  std::string content;
  for (std::size_t i = 0; i < 5 * kChunk + 100; ++i) content += static_cast<char>((i * 131 + i / 7) & 0xff);
  for (std::size_t buffers : {2u, 3u, 4u}) {
    for (std::size_t size : {std::size_t{0}, std::size_t{1}, kChunk - 1, kChunk, kChunk + 1, 2 * kChunk,
                             3 * kChunk - 1, 3 * kChunk, 4 * kChunk + 1, 5 * kChunk + 100}) {
      SCOPED_TRACE("buffers " + std::to_string(buffers) + ", size " + std::to_string(size));
      const std::string part = content.substr(0, size);
      WriteText(tmp.Sub("f"), part);
      const std::string copy_path = tmp.Sub("copy");
      int copy = open(copy_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
      ASSERT_GE(copy, 0);
      std::vector<std::pair<std::uint64_t, std::uint64_t>> seen;
      HashOptions how;
      std::uint64_t next_offset = 0;
      how.on_chunk = [&](std::uint64_t offset, const std::uint8_t* data, std::size_t n) {
        EXPECT_EQ(offset, next_offset);
        next_offset += n;
        return WriteAll(copy, data, n, copy_path);
      };
      how.progress = [&](std::uint64_t done, std::uint64_t total) { seen.emplace_back(done, total); };
      how.chunk = kChunk;
      how.buffers = buffers;
      auto d = HashPath(tmp.Sub("f"), how);
      close(copy);
      ASSERT_TRUE(d.ok()) << d.error().message;
      EXPECT_EQ(d->size, size);
      EXPECT_EQ(ToHex(d->digest), ToHex(Sha256Of(part)));
      EXPECT_EQ(ReadText(copy_path), part);
      ASSERT_EQ(seen.size(), (size + kChunk - 1) / kChunk);
      for (std::size_t i = 0; i < seen.size(); ++i) {
        EXPECT_EQ(seen[i].first, std::min(size, (i + 1) * kChunk));
        EXPECT_EQ(seen[i].second, size);
      }
    }
  }
}

// A read that fails part-way is an error naming the file and the byte, never a digest of what
// came before it. /proc/self/mem fails its first read (EIO) without any privilege.
TEST(HashPathTest, ReadErrorNamesTheByte) {
  auto d = HashPath("/proc/self/mem");
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.error().message.find("reading /proc/self/mem at byte 0: Input/output error"), std::string::npos)
      << d.error().message;
}

TEST(HashPathTest, RefusesBuffersThatCannotWork) {
  TempDir tmp;
  WriteText(tmp.Sub("f"), "x");
  for (auto [chunk, buffers] : {std::pair<std::size_t, std::size_t>{1000, 2}, {0, 2}, {4096, 1}}) {
    HashOptions how;
    how.chunk = chunk;
    how.buffers = buffers;
    EXPECT_FALSE(HashPath(tmp.Sub("f"), how).ok()) << chunk << " x " << buffers;
  }
}

// A copy that cannot be written stops the hash with the write's error (the agent's exit 4), and the
// reader thread is stopped and joined on the way out.
TEST(HashPathTest, CopyFailureIsAWriteError) {
  TempDir tmp;
  WriteText(tmp.Sub("f"), std::string(3 * 4096 + 1, 'z'));
  const UniqueFd full(open("/dev/full", O_WRONLY | O_CLOEXEC));
  ASSERT_GE(full.get(), 0);
  HashOptions how;
  how.on_chunk = [&full](std::uint64_t, const std::uint8_t* data, std::size_t n) {
    return WriteAll(full.get(), data, n, "/dev/full");
  };
  how.chunk = 4096;
  how.buffers = 2;
  auto d = HashPath(tmp.Sub("f"), how);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().sys_errno, ENOSPC);  // the write's own error, as the copy's writer saw it
  EXPECT_NE(d.error().message.find("writing /dev/full: No space left on device"), std::string::npos) << d.error().message;
}

// A size other than expected, or over the limit, is refused before the first read.
TEST(HashPathTest, ExpectedAndMaximumSizeAreCheckedFirst) {
  TempDir tmp;
  WriteText(tmp.Sub("f"), std::string(10000, 'z'));
  int chunks = 0;
  HashOptions how;
  how.chunk = 4096;
  how.on_chunk = [&chunks](std::uint64_t, const std::uint8_t*, std::size_t) -> Status {
    ++chunks;
    return {};
  };
  how.expected_size = 9999;
  auto d = HashPath(tmp.Sub("f"), how);
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.error().message.find("/f: 10000 bytes, expected 9999"), std::string::npos) << d.error().message;
  how.expected_size = 10000;
  how.max_size = 9999;
  d = HashPath(tmp.Sub("f"), how);
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.error().message.find("/f: 10000 bytes, more than the limit of 9999"), std::string::npos) << d.error().message;
  EXPECT_EQ(chunks, 0);
  how.max_size = 10000;
  EXPECT_TRUE(HashPath(tmp.Sub("f"), how).ok());
  EXPECT_EQ(chunks, 3);
}

// A file that grows or shrinks while it is hashed gives no digest: what was read is no one
// size's content. (The growth happens from the hashing thread, between two chunks.)
TEST(HashPathTest, SizeChangedWhileReadIsAnError) {
  TempDir tmp;
  const std::string path = tmp.Sub("f");
  for (const bool grow : {true, false}) {
    WriteText(path, std::string(std::size_t{64} * 4096, 'g'));
    HashOptions how;
    how.chunk = 4096;
    how.buffers = 2;
    bool changed = false;
    how.on_chunk = [&](std::uint64_t, const std::uint8_t*, std::size_t) -> Status {
      if (!changed) {
        changed = true;
        EXPECT_EQ(truncate(path.c_str(), grow ? 128 * 4096 : 4096), 0);
      }
      return {};
    };
    auto d = HashPath(path, how);
    ASSERT_FALSE(d.ok()) << (grow ? "grown" : "shrunk");
    EXPECT_NE(d.error().message.find("changed size while it was read (262144 bytes at the start, "), std::string::npos)
        << d.error().message;
  }
}

TEST(HashPathTest, CancelStopsTheHash) {
  TempDir tmp;
  WriteText(tmp.Sub("f"), std::string(std::size_t{8} * 4096, 'c'));
  std::atomic<bool> cancel{false};
  HashOptions how;
  how.chunk = 4096;
  how.cancel = &cancel;
  int chunks = 0;
  how.on_chunk = [&](std::uint64_t, const std::uint8_t*, std::size_t) -> Status {
    if (++chunks == 2) cancel = true;
    return {};
  };
  auto d = HashPath(tmp.Sub("f"), how);
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.error().message.find("/f: stopped"), std::string::npos) << d.error().message;
  EXPECT_EQ(chunks, 2);
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

// A symbolic link's own type, not its target's.
bool IsSymlink(const std::string& path) {
  struct stat st {};
  return lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode);
}
bool IsRegular(const std::string& path) {
  struct stat st {};
  return lstat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}
bool IsFolder(const std::string& path) {
  struct stat st {};
  return lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

UniqueFd OpenDir(const std::string& path) { return UniqueFd(open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)); }

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
