#include "platform/hash_path.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <string>
#include <utility>
#include <vector>

#include "core/hex.h"
#include "crypto/sha256.h"
#include "platform/atomic_write.h"
#include "platform/unique_fd.h"
#include "test_support.h"

namespace seattest {
namespace {

using test::ReadText;
using test::TempDir;
using test::WriteText;

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

// By default the flat SHA-256 alone (sha256-4m: chunked_digest_test.cc); no digest at all is refused.
TEST(HashPathTest, DefaultIsTheFlatDigestAloneAndOneMustBeAsked) {
  const HashOptions defaults;
  EXPECT_TRUE(defaults.sha256);
  EXPECT_FALSE(defaults.sha256_4m);
  EXPECT_EQ(defaults.threads, 0u);
  EXPECT_TRUE(defaults.on_chunk_ranges.empty());
  TempDir tmp;
  WriteText(tmp.Sub("f"), "abc");
  auto d = HashPath(tmp.Sub("f"));
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_EQ(ToHex(d->digest), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(ToHex(d->Of(RootDigest::kSha256)), ToHex(d->digest));
  EXPECT_EQ(d->sha256_4m, Sha256Digest{}) << "not asked for";
  HashOptions none;
  none.sha256 = false;
  auto refused = HashPath(tmp.Sub("f"), none);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("no digest asked for"), std::string::npos) << refused.error().message;
}

TEST(HashPathTest, NeitherFileNorBlockDevice) {
  TempDir tmp;
  EXPECT_FALSE(HashPath(tmp.path()).ok());
  EXPECT_FALSE(HashPath("/dev/null").ok());
  EXPECT_FALSE(HashPath(tmp.Sub("missing")).ok());
}

}  // namespace
}  // namespace seattest
