// sha256-4m (core/root_digest.h, crypto/chunked_sha256.h, platform/hash_path.h): the chunked root
// digest against the coreutils line docs/formats.md gives for it, at every chunk boundary, for
// every thread count, and the parallel engine's callbacks, errors and cancellation. The content is
// pseudo-random (a fixed seed, bytes made by shifts: the same on big-endian) so that chunks in
// another order give another digest.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <limits>
#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "core/extents.h"
#include "core/hex.h"
#include "core/root_digest.h"
#include "crypto/chunked_sha256.h"
#include "crypto/sha256.h"
#include "platform/atomic_write.h"
#include "platform/hash_path.h"
#include "platform/loop.h"
#include "platform/unique_fd.h"
#include "test_support.h"

namespace seattest {
namespace {

using test::TempDir;
using test::WriteText;

constexpr std::size_t kMiB = std::size_t{1} << 20;
constexpr std::size_t kChunk = 4 * kMiB;

// `size` deterministic pseudo-random bytes (splitmix64), the same on every byte order.
std::string PseudoRandom(std::size_t size, std::uint64_t seed) {
  std::string out(size, '\0');
  std::uint64_t state = seed;
  for (std::size_t i = 0; i < size; i += 8) {
    state += 0x9e3779b97f4a7c15u;
    std::uint64_t z = state;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    z ^= z >> 31;
    for (std::size_t b = 0; b < 8 && i + b < size; ++b) out[i + b] = static_cast<char>((z >> (8 * b)) & 0xff);
  }
  return out;
}

// The coreutils line is what these tests check against: the shell on purpose.
// NOLINTNEXTLINE(cert-env33-c,concurrency-mt-unsafe)
bool HaveCoreutils() { return std::system("command -v split >/dev/null 2>&1 && command -v sha256sum >/dev/null 2>&1") == 0; }

// The documented recomputation, run by the shell on `path`: 64 hex digits ("" and a test failure
// when it cannot run).
std::string CoreutilsSha256_4m(const std::string& path) {
  const std::string command =
      "split -b 4194304 --filter='sha256sum | cut -c1-64' '" + path + "' | sha256sum | cut -c1-64";
  FILE* pipe = popen(command.c_str(), "r");  // NOLINT(cert-env33-c): the shell line is the point
  if (pipe == nullptr) {
    ADD_FAILURE() << "popen " << command;
    return {};
  }
  std::string out;
  char buffer[256];
  while (std::size_t n = fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, n);
  const int status = pclose(pipe);
  EXPECT_EQ(status, 0) << command;
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  EXPECT_EQ(out.size(), 64u) << command << ": '" << out << "'";
  return out;
}

// The definition, by hand: the SHA-256 of the chunks' SHA-256 hex lines.
std::string ByHand(const std::string& data) {
  std::string lines;
  for (std::size_t at = 0; at < data.size(); at += kChunk) {
    lines += ToHex(Sha256Of(std::string_view(data).substr(at, kChunk))) + "\n";
  }
  return ToHex(Sha256Of(lines));
}

HashOptions Chunked(unsigned threads) {
  HashOptions how;
  how.sha256 = false;
  how.sha256_4m = true;
  how.threads = threads;
  return how;
}

// HashPath's sha256-4m of `path` with `threads`, as hex; "" and a test failure on an error.
std::string HashedWith(const std::string& path, unsigned threads, std::uint64_t expected_size) {
  auto d = HashPath(path, Chunked(threads));
  if (!d.ok()) {
    ADD_FAILURE() << "threads " << threads << ": " << d.error().message;
    return {};
  }
  EXPECT_EQ(d->size, expected_size) << "threads " << threads;
  EXPECT_EQ(&d->Of(RootDigest::kSha256_4m), &d->sha256_4m);
  return ToHex(d->sha256_4m);
}

// --- names -------------------------------------------------------------------------------------

TEST(RootDigestTest, NamesRoundTripAndTheDefaultIsChunked) {
  for (RootDigest d : {RootDigest::kSha256, RootDigest::kSha256_4m}) {
    auto back = ParseRootDigest(RootDigestName(d));
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(*back, d);
  }
  EXPECT_EQ(RootDigestName(RootDigest::kSha256), "sha256");
  EXPECT_EQ(RootDigestName(RootDigest::kSha256_4m), "sha256-4m");
  EXPECT_EQ(kDefaultRootDigest, RootDigest::kSha256_4m);
  EXPECT_EQ(kDigestChunkSize, 4194304u);
}

TEST(RootDigestTest, AnythingElseIsRefusedNamingBoth) {
  for (const char* bad : {"", "x", "SHA256", "sha256-4M", "sha256 ", " sha256-4m", "sha256-4", "sha256-4mb", "sha512"}) {
    auto d = ParseRootDigest(bad);
    ASSERT_FALSE(d.ok()) << "'" << bad << "' was accepted";
    EXPECT_EQ(d.error().message, "unknown digest '" + std::string(bad) + "' (expected sha256 or sha256-4m)");
  }
}

// --- the digest ----------------------------------------------------------------------------------

// The known values: no chunk is sha256 of nothing; one byte is the sha256 of one hex line.
TEST(ChunkedSha256Test, EmptyAndOneByte) {
  EXPECT_EQ(ToHex(ChunkedSha256Of("", 0)), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  // printf a | sha256sum | cut -c1-64 | sha256sum
  EXPECT_EQ(ToHex(ChunkedSha256Of("a", 1)),
            ToHex(Sha256Of("ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb\n")));
}

// Every size around the chunk boundaries, and several chunks: the coreutils line, the definition
// by hand, the in-memory digest, the streaming one fed in odd splits, AddChunk, and HashPath with
// 1 to 8 threads (and 0: every CPU; and more than kMaxHashThreads), all the same.
TEST(ChunkedSha256Test, MatchesCoreutilsAtEveryBoundaryForEveryThreadCount) {
  if (!HaveCoreutils()) GTEST_SKIP() << "no split or sha256sum";
  TempDir tmp;
  const std::string all = PseudoRandom(9 * kChunk + 1, 19);
  for (std::size_t size : {std::size_t{0}, std::size_t{1}, kChunk - 1, kChunk, kChunk + 1, 2 * kChunk,
                           3 * kChunk + 12345, 9 * kChunk}) {
    SCOPED_TRACE("size " + std::to_string(size));
    const std::string data = all.substr(0, size);
    const std::string path = tmp.Sub("f");
    WriteText(path, data);
    const std::string expected = CoreutilsSha256_4m(path);
    EXPECT_EQ(ByHand(data), expected);
    EXPECT_EQ(ToHex(ChunkedSha256Of(data.data(), data.size())), expected);

    // Streaming, in splits that fall everywhere but on the chunk boundaries.
    auto streamed = ChunkedSha256::Create();
    ASSERT_TRUE(streamed.ok()) << streamed.error().message;
    const std::size_t splits[] = {1, 7, 4093, 65537, kChunk - 3, 2, kChunk + 5, 1 << 20, 333};
    std::size_t at = 0;
    for (std::size_t i = 0; at < size; ++i) {
      const std::size_t n = std::min(splits[i % std::size(splits)], size - at);
      streamed->Update(data.data() + at, n);
      at += n;
    }
    streamed->Update(data.data(), 0);  // nothing: no chunk
    EXPECT_EQ(ToHex(streamed->Finish()), expected);

    // Chunks hashed elsewhere, handed in order.
    auto added = ChunkedSha256::Create();
    ASSERT_TRUE(added.ok());
    for (std::size_t c = 0; c < size; c += kChunk) added->AddChunk(Sha256Of(std::string_view(data).substr(c, kChunk)));
    EXPECT_EQ(ToHex(added->Finish()), expected);

    for (unsigned threads = 1; threads <= 8; ++threads) EXPECT_EQ(HashedWith(path, threads, size), expected) << threads;
    EXPECT_EQ(HashedWith(path, 0, size), expected) << "threads 0 (every CPU)";
    if (size <= 3 * kChunk + 12345) {
      EXPECT_EQ(HashedWith(path, kMaxHashThreads, size), expected);
      EXPECT_EQ(HashedWith(path, 64, size), expected) << "more than kMaxHashThreads";
    }
  }
}

TEST(ChunkedSha256Test, HashThreadsAvailableIsBetweenOneAndTheCap) {
  const unsigned n = HashThreadsAvailable();
  EXPECT_GE(n, 1u);
  EXPECT_LE(n, kMaxHashThreads);
}

// The order of the chunks is part of the digest (and of the coreutils line's): two chunks swapped
// give another digest, however many threads hash them.
TEST(ChunkedSha256Test, SwappedChunksGiveAnotherDigest) {
  if (!HaveCoreutils()) GTEST_SKIP() << "no split or sha256sum";
  TempDir tmp;
  const std::string data = PseudoRandom(3 * kChunk + 100, 7);
  std::string swapped = data;
  std::copy(data.begin() + kChunk, data.begin() + 2 * kChunk, swapped.begin());
  std::copy(data.begin(), data.begin() + kChunk, swapped.begin() + kChunk);
  ASSERT_NE(swapped, data);
  WriteText(tmp.Sub("data"), data);
  WriteText(tmp.Sub("swapped"), swapped);
  const std::string a = CoreutilsSha256_4m(tmp.Sub("data"));
  const std::string b = CoreutilsSha256_4m(tmp.Sub("swapped"));
  EXPECT_NE(a, b);
  // The same chunk digests, as a multiset: only the order differs.
  EXPECT_EQ(ToHex(Sha256Of(std::string_view(data).substr(0, kChunk))),
            ToHex(Sha256Of(std::string_view(swapped).substr(kChunk, kChunk))));
  for (unsigned threads : {1u, 2u, 3u, 4u, 8u}) {
    EXPECT_EQ(HashedWith(tmp.Sub("data"), threads, data.size()), a) << threads;
    EXPECT_EQ(HashedWith(tmp.Sub("swapped"), threads, swapped.size()), b) << threads;
  }
  // AddChunk in the wrong order is the swapped file's digest, not the file's.
  auto added = ChunkedSha256::Create();
  ASSERT_TRUE(added.ok());
  added->AddChunk(Sha256Of(std::string_view(data).substr(kChunk, kChunk)));
  added->AddChunk(Sha256Of(std::string_view(data).substr(0, kChunk)));
  added->AddChunk(Sha256Of(std::string_view(data).substr(2 * kChunk, kChunk)));
  added->AddChunk(Sha256Of(std::string_view(data).substr(3 * kChunk)));
  EXPECT_EQ(ToHex(added->Finish()), b);
}

// The chunked digest is not the flat one (but of nothing, and it is no flat digest of the data).
TEST(ChunkedSha256Test, IsNotTheFlatDigest) {
  const std::string data = PseudoRandom(kChunk + 1, 3);
  EXPECT_NE(ToHex(ChunkedSha256Of(data.data(), data.size())), ToHex(Sha256Of(data)));
  EXPECT_NE(ToHex(ChunkedSha256Of(data.data(), 1)), ToHex(Sha256Of(std::string_view(data).substr(0, 1))));
}

// --- HashPath: both digests, callbacks ------------------------------------------------------------

// Both digests from one read equal each one read alone, whatever the threads asked for.
TEST(HashPathChunkedTest, BothDigestsFromOneReadEqualTheSeparateOnes) {
  TempDir tmp;
  for (std::size_t size : {std::size_t{0}, kChunk - 1, 2 * kChunk + 4097}) {
    SCOPED_TRACE("size " + std::to_string(size));
    const std::string data = PseudoRandom(size, 11);
    WriteText(tmp.Sub("f"), data);
    HashOptions flat;
    auto alone = HashPath(tmp.Sub("f"), flat);
    ASSERT_TRUE(alone.ok()) << alone.error().message;
    EXPECT_EQ(ToHex(alone->digest), ToHex(Sha256Of(data)));
    EXPECT_EQ(&alone->Of(RootDigest::kSha256), &alone->digest);
    for (unsigned threads : {0u, 1u, 4u}) {
      HashOptions both = Chunked(threads);
      both.sha256 = true;
      std::uint64_t seen = 0;
      both.on_chunk = [&](std::uint64_t offset, const std::uint8_t* bytes, std::size_t n) -> Status {
        EXPECT_EQ(offset, seen);
        EXPECT_EQ(std::string(reinterpret_cast<const char*>(bytes), n), data.substr(offset, n));
        seen += n;
        return {};
      };
      auto d = HashPath(tmp.Sub("f"), both);
      ASSERT_TRUE(d.ok()) << d.error().message;
      EXPECT_EQ(d->size, size);
      EXPECT_EQ(seen, size);
      EXPECT_EQ(ToHex(d->digest), ToHex(alone->digest)) << threads;
      EXPECT_EQ(ToHex(d->sha256_4m), HashedWith(tmp.Sub("f"), threads, size)) << threads;
      EXPECT_EQ(ToHex(d->sha256_4m), ByHand(data)) << threads;
    }
  }
}

// The threads that hashed (the verified line names them): sha256-4m alone, one per thread asked
// for but at most one per chunk; one for an empty file, for one thread asked, and with sha256.
TEST(HashPathChunkedTest, HashingThreadsAreTheThreadsThatHashedAChunk) {
  TempDir tmp;
  struct Case {
    std::size_t size;
    unsigned threads;
    bool with_flat;
    unsigned expected;
  };
  for (const Case& c : {Case{0, 4, false, 1}, Case{1, 4, false, 1}, Case{kChunk, 4, false, 1},
                        Case{kChunk + 1, 4, false, 2}, Case{3 * kChunk, 2, false, 2}, Case{9 * kChunk, 4, false, 4},
                        Case{9 * kChunk, 1, false, 1}, Case{9 * kChunk, 4, true, 1}}) {
    SCOPED_TRACE("size " + std::to_string(c.size) + ", threads " + std::to_string(c.threads) +
                 (c.with_flat ? ", with sha256" : ""));
    WriteText(tmp.Sub("f"), std::string(c.size, 'x'));
    HashOptions how = Chunked(c.threads);
    how.sha256 = c.with_flat;
    auto d = HashPath(tmp.Sub("f"), how);
    ASSERT_TRUE(d.ok()) << d.error().message;
    EXPECT_EQ(d->hashing_threads, c.expected);
  }
}

// Under several threads, on_chunk without ranges still sees every byte, in order, once.
TEST(HashPathChunkedTest, OnChunkWithoutRangesSeesEveryByteInOrder) {
  TempDir tmp;
  const std::string data = PseudoRandom(3 * kChunk + 12345, 23);
  WriteText(tmp.Sub("f"), data);
  for (unsigned threads : {2u, 4u}) {
    HashOptions how = Chunked(threads);
    std::string copy;
    how.on_chunk = [&](std::uint64_t offset, const std::uint8_t* bytes, std::size_t n) -> Status {
      EXPECT_EQ(offset, copy.size());
      copy.append(reinterpret_cast<const char*>(bytes), n);
      return {};
    };
    auto d = HashPath(tmp.Sub("f"), how);
    ASSERT_TRUE(d.ok()) << d.error().message;
    EXPECT_TRUE(copy == data) << "threads " << threads << ": " << copy.size() << " bytes seen of " << data.size();
    EXPECT_EQ(ToHex(d->sha256_4m), ByHand(data));
  }
}

// With on_chunk_ranges, what an ExtentPicker over those ranges picks is exactly their bytes, in
// order, for ranges across chunk boundaries, inside one chunk, and in the short last chunk.
TEST(HashPathChunkedTest, OnChunkRangesGiveThePickerEveryByteOfTheRanges) {
  TempDir tmp;
  const std::string data = PseudoRandom(5 * kChunk + 777, 29);
  WriteText(tmp.Sub("f"), data);
  const std::vector<Extent> ranges = {
      {100, 1},                                       // one byte in the first chunk
      {kChunk - 10, 20},                              // across the first boundary
      {2 * kChunk - 1, kChunk + 2},                   // chunk 1's last byte, all of chunk 2, chunk 3's first
      {3 * kChunk + 4096, 8192},                      // inside chunk 3
      {5 * kChunk - 5, 5 + 700},                      // into the short last chunk
  };
  std::string expected;
  for (const Extent& e : ranges) expected += data.substr(e.physical, e.length);
  for (unsigned threads : {1u, 2u, 4u, 8u}) {
    SCOPED_TRACE("threads " + std::to_string(threads));
    std::string picked;
    ExtentPicker picker(ranges, [&picked](const std::uint8_t* bytes, std::size_t n) -> Status {
      picked.append(reinterpret_cast<const char*>(bytes), n);
      return {};
    });
    HashOptions how = Chunked(threads);
    how.on_chunk_ranges = ranges;
    std::uint64_t last_end = 0;
    how.on_chunk = [&](std::uint64_t offset, const std::uint8_t* bytes, std::size_t n) -> Status {
      EXPECT_GE(offset, last_end) << "out of order";
      last_end = offset + n;
      EXPECT_LE(last_end, data.size());
      EXPECT_TRUE(std::equal(bytes, bytes + n, reinterpret_cast<const std::uint8_t*>(data.data()) + offset))
          << "at " << offset;
      return picker.Feed(offset, bytes, n);
    };
    auto d = HashPath(tmp.Sub("f"), how);
    ASSERT_TRUE(d.ok()) << d.error().message;
    EXPECT_TRUE(picker.done());
    EXPECT_EQ(picker.picked(), expected.size());
    EXPECT_TRUE(picked == expected) << picked.size() << " bytes picked of " << expected.size();
    EXPECT_EQ(ToHex(d->sha256_4m), ByHand(data));
  }
}

// Ranges in some chunks only (chunks 2 and 6 of 9): with several threads those chunks are read
// alone and given to on_chunk in order, the others in windows of several, never to on_chunk
// (an engine that read every chunk alone would pass the test above, not this one).
TEST(HashPathChunkedTest, OnlyTheChunksOfTheRangesGoToOnChunk) {
  TempDir tmp;
  const std::string data = PseudoRandom(9 * kChunk + 3, 31);
  WriteText(tmp.Sub("f"), data);
  const std::vector<Extent> ranges = {{2 * kChunk + 5, 10}, {6 * kChunk + kChunk / 2, 100}};
  for (unsigned threads : {2u, 3u, 4u}) {
    SCOPED_TRACE("threads " + std::to_string(threads));
    HashOptions how = Chunked(threads);
    how.on_chunk_ranges = ranges;
    std::uint64_t seen_in_2 = 0;
    std::uint64_t seen_in_6 = 0;
    std::uint64_t last_end = 0;
    how.on_chunk = [&](std::uint64_t offset, const std::uint8_t* bytes, std::size_t n) -> Status {
      const std::uint64_t chunk = offset / kChunk;
      EXPECT_EQ((offset + n - 1) / kChunk, chunk) << "a piece across chunks at " << offset;
      EXPECT_TRUE(chunk == 2 || chunk == 6) << "on_chunk got a piece of chunk " << chunk;
      EXPECT_GE(offset, last_end) << "out of order";
      last_end = offset + n;
      EXPECT_TRUE(std::equal(bytes, bytes + n, reinterpret_cast<const std::uint8_t*>(data.data()) + offset));
      (chunk == 2 ? seen_in_2 : seen_in_6) += n;
      return {};
    };
    auto d = HashPath(tmp.Sub("f"), how);
    ASSERT_TRUE(d.ok()) << d.error().message;
    EXPECT_EQ(seen_in_2, kChunk);  // the whole of each such chunk, in order
    EXPECT_EQ(seen_in_6, kChunk);
    EXPECT_EQ(ToHex(d->sha256_4m), ByHand(data));
  }
}

// The progress line: non-decreasing, out of the size, ending at it.
TEST(HashPathChunkedTest, ProgressReachesTheSize) {
  TempDir tmp;
  const std::string data = PseudoRandom(2 * kChunk + 3, 31);
  WriteText(tmp.Sub("f"), data);
  HashOptions how = Chunked(4);
  std::vector<std::pair<std::uint64_t, std::uint64_t>> seen;
  how.progress = [&](std::uint64_t done, std::uint64_t total) { seen.emplace_back(done, total); };
  auto d = HashPath(tmp.Sub("f"), how);
  ASSERT_TRUE(d.ok()) << d.error().message;
  ASSERT_FALSE(seen.empty());
  for (std::size_t i = 0; i < seen.size(); ++i) {
    EXPECT_EQ(seen[i].second, data.size());
    EXPECT_LE(seen[i].first, data.size());
    if (i > 0) {
      EXPECT_GE(seen[i].first, seen[i - 1].first);
    }
  }
  EXPECT_EQ(seen.back().first, data.size());
}

// --- HashPath: errors under the parallel engine ---------------------------------------------------

// A read that fails names the file and the byte (hash_path_test's /proc/self/mem: EIO, no privilege).
TEST(HashPathChunkedTest, ReadErrorNamesTheByte) {
  for (unsigned threads : {1u, 4u}) {
    auto d = HashPath("/proc/self/mem", Chunked(threads));
    ASSERT_FALSE(d.ok()) << "threads " << threads << ": " << ToHex(d->sha256_4m);
    EXPECT_NE(d.error().message.find("reading /proc/self/mem at byte 0: Input/output error"), std::string::npos)
        << "threads " << threads << ": " << d.error().message;
  }
}

// An on_chunk error (a copy that cannot be written) stops the hash with that error.
TEST(HashPathChunkedTest, OnChunkErrorStopsTheHash) {
  TempDir tmp;
  WriteText(tmp.Sub("f"), PseudoRandom(3 * kChunk + 1, 37));
  const UniqueFd full(open("/dev/full", O_WRONLY | O_CLOEXEC));
  ASSERT_GE(full.get(), 0);
  HashOptions how = Chunked(4);
  how.on_chunk = [&full](std::uint64_t, const std::uint8_t* data, std::size_t n) {
    return WriteAll(full.get(), data, n, "/dev/full");
  };
  auto d = HashPath(tmp.Sub("f"), how);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().sys_errno, ENOSPC);
  EXPECT_NE(d.error().message.find("writing /dev/full: No space left on device"), std::string::npos) << d.error().message;
}

// A size other than expected, or over the limit, is refused before the first read.
TEST(HashPathChunkedTest, ExpectedAndMaximumSizeAreCheckedFirst) {
  TempDir tmp;
  WriteText(tmp.Sub("f"), PseudoRandom(kChunk + 10, 41));
  int calls = 0;
  HashOptions how = Chunked(4);
  how.on_chunk = [&calls](std::uint64_t, const std::uint8_t*, std::size_t) -> Status {
    ++calls;
    return {};
  };
  how.expected_size = kChunk + 9;
  auto d = HashPath(tmp.Sub("f"), how);
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.error().message.find("/f: 4194314 bytes, expected 4194313"), std::string::npos) << d.error().message;
  how.expected_size = kChunk + 10;
  how.max_size = kChunk + 9;
  d = HashPath(tmp.Sub("f"), how);
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.error().message.find("/f: 4194314 bytes, more than the limit of 4194313"), std::string::npos)
      << d.error().message;
  EXPECT_EQ(calls, 0);
  how.max_size = kChunk + 10;
  EXPECT_TRUE(HashPath(tmp.Sub("f"), how).ok());
  EXPECT_GT(calls, 0);
}

// A file that grows or shrinks while it is hashed gives no digest. (The change happens from the
// first on_chunk call, on the reader thread.)
TEST(HashPathChunkedTest, SizeChangedWhileReadIsAnError) {
  TempDir tmp;
  const std::string path = tmp.Sub("f");
  const std::string data = PseudoRandom(2 * kChunk + 5000, 43);
  for (const bool grow : {true, false}) {
    SCOPED_TRACE(grow ? "grown" : "shrunk");
    WriteText(path, data);
    HashOptions how = Chunked(4);
    bool changed = false;
    how.on_chunk = [&](std::uint64_t, const std::uint8_t*, std::size_t) -> Status {
      if (!changed) {
        changed = true;
        EXPECT_EQ(truncate(path.c_str(), grow ? 4 * kChunk : 4096), 0);
      }
      return {};
    };
    auto d = HashPath(path, how);
    ASSERT_FALSE(d.ok()) << ToHex(d->sha256_4m);
    EXPECT_NE(d.error().message.find("changed size while it was read (8393608 bytes at the start, "), std::string::npos)
        << d.error().message;
  }
}

// Cancelled from on_chunk: the hash stops with "stopped", before all the bytes were handed out.
TEST(HashPathChunkedTest, CancelStopsTheHash) {
  TempDir tmp;
  const std::string data = PseudoRandom(6 * kChunk + 1, 47);
  WriteText(tmp.Sub("f"), data);
  std::atomic<bool> cancel{false};
  HashOptions how = Chunked(4);
  how.cancel = &cancel;
  int calls = 0;
  std::uint64_t seen = 0;
  how.on_chunk = [&](std::uint64_t, const std::uint8_t*, std::size_t n) -> Status {
    seen += n;
    if (++calls == 2) cancel = true;
    return {};
  };
  auto d = HashPath(tmp.Sub("f"), how);
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.error().message.find("/f: stopped"), std::string::npos) << d.error().message;
  EXPECT_GE(calls, 2);
  EXPECT_LT(seen, data.size());
}

}  // namespace
}  // namespace seattest

namespace seattest {
namespace {

// The pages of `path` (a block device) in the page cache now, counted with mincore.
std::size_t CachedPages(const std::string& path, std::uint64_t size) {
  UniqueFd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return std::numeric_limits<std::size_t>::max();
  void* map = mmap(nullptr, size, PROT_READ, MAP_SHARED, fd.get(), 0);
  if (map == MAP_FAILED) return std::numeric_limits<std::size_t>::max();
  std::vector<unsigned char> resident((size + 4095) / 4096);
  std::size_t cached = std::numeric_limits<std::size_t>::max();
  if (mincore(map, size, resident.data()) == 0) {
    cached = static_cast<std::size_t>(std::count_if(resident.begin(), resident.end(), [](unsigned char c) { return (c & 1) != 0; }));
  }
  munmap(map, size);
  return cached;
}

// A block device's pages are dropped from the page cache behind the reads (in batches), whatever
// the digest and the thread count: a root partition hashed at boot does not stay in the guest's
// memory. Needs root and a loop device; skipped otherwise (and under qemu-user).
TEST(HashPathChunkedTest, BlockDevicePagesAreDroppedBehindTheReads) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root (a loop device)";
  TempDir tmp;
  constexpr std::uint64_t kSize = 10 * kChunk + 8192;
  const std::string data = PseudoRandom(kSize, 23);
  WriteText(tmp.Sub("disk.img"), data);
  auto loop = LoopDevice::AttachReadOnly(tmp.Sub("disk.img"));
  if (!loop) GTEST_SKIP() << "no loop device here: " << loop.error().message;
  const std::string want_flat = ToHex(Sha256Of(data));
  const std::string want_4m = ByHand(data);
  for (unsigned threads : {1u, 2u, 4u}) {
    for (bool flat : {false, true}) {
      SCOPED_TRACE("threads " + std::to_string(threads) + (flat ? ", both digests" : ", sha256-4m"));
      HashOptions how = Chunked(threads);
      how.sha256 = flat;
      auto d = HashPath(loop->path(), how);
      ASSERT_TRUE(d.ok()) << d.error().message;
      EXPECT_EQ(ToHex(d->sha256_4m), want_4m);
      if (flat) {
        EXPECT_EQ(ToHex(d->digest), want_flat);
      }
      // Read whole, then dropped whole: a few pages may come back from readahead past the
      // last read, none of the 10 MiB read.
      EXPECT_LE(CachedPages(loop->path(), kSize), std::size_t{64}) << "pages of " << loop->path() << " left cached";
    }
  }
}

}  // namespace
}  // namespace seattest
