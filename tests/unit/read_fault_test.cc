#include "core/read_fault.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <utility>
#include <vector>

namespace seattest {
namespace {

constexpr std::uint64_t kMiB = 1 << 20;
constexpr std::uint64_t kSector = 512;

// A disk as direct reads see it: reads must be whole blocks (else EINVAL, as O_DIRECT answers),
// and a read fails with EIO if it overlaps a bad range. Counts the reads and where they went.
struct FakeDisk {
  std::size_t block = 512;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> bad;  // [start, end)
  int refuse = 0;          // != 0: every read fails with it
  bool blocks_read = false;  // true: a bad range fails only reads longer than one block
  std::vector<std::pair<std::uint64_t, std::size_t>> reads;

  ReadAt reader() {
    return [this](std::uint64_t offset, std::size_t length) {
      reads.emplace_back(offset, length);
      if (refuse != 0) return refuse;
      if (offset % block != 0 || length % block != 0) return EINVAL;
      if (blocks_read && length <= block) return 0;
      for (auto [start, end] : bad) {
        if (offset < end && offset + length > start) return EIO;
      }
      return 0;
    };
  }
};

FaultSearch Search(std::uint64_t from, std::uint64_t end) {
  FaultSearch s;
  s.from = from;
  s.end = end;
  s.error = EIO;
  return s;
}

// The case hostile_e2e met: 4 KiB bad at the end of a 16 MiB partition, and read() failing at
// 14 MiB, the start of the 2 MiB folio around it.
TEST(FindFailingBlockTest, FindsTheBadBlockAFolioAfterTheFailedRead) {
  FakeDisk disk;
  disk.bad = {{16 * kMiB - 4096, 16 * kMiB}};
  auto at = FindFailingBlock(disk.reader(), Search(14 * kMiB, 16 * kMiB));
  ASSERT_TRUE(at.has_value());
  EXPECT_EQ(*at, 16 * kMiB - 4096);
  // 32 windows of 64 KiB, then 128 blocks of the last window at most.
  EXPECT_LE(disk.reads.size(), 32u + 128u);
}

TEST(FindFailingBlockTest, ToTheLogicalBlockNotTheWindowOrThePage) {
  FakeDisk disk;
  disk.bad = {{8 * kMiB + 65536 + 1536, 8 * kMiB + 65536 + 2048}, {9 * kMiB, 9 * kMiB + 512}};
  auto at = FindFailingBlock(disk.reader(), Search(8 * kMiB, 12 * kMiB));
  ASSERT_TRUE(at.has_value());
  EXPECT_EQ(*at, 8 * kMiB + 65536 + 1536);  // the first of the two

  FakeDisk four_k;
  four_k.block = 4096;
  four_k.bad = {{5 * 4096, 6 * 4096}};
  FaultSearch s = Search(0, kMiB);
  s.block = 4096;
  EXPECT_EQ(FindFailingBlock(four_k.reader(), s), std::optional<std::uint64_t>(5 * 4096));
}

TEST(FindFailingBlockTest, TheFaultAtTheFailedReadItself) {
  FakeDisk disk;
  disk.bad = {{3 * kMiB, 3 * kMiB + 512}};
  EXPECT_EQ(FindFailingBlock(disk.reader(), Search(3 * kMiB, 7 * kMiB)), std::optional<std::uint64_t>(3 * kMiB));
}

TEST(FindFailingBlockTest, NeverReadsBeforeFromNorAtOrPastEnd) {
  FakeDisk disk;
  disk.bad = {{kMiB - 512, kMiB}, {3 * kMiB, 3 * kMiB + 512}};
  // The fault before `from` and the one at `end` are outside the search.
  EXPECT_EQ(FindFailingBlock(disk.reader(), Search(kMiB, 3 * kMiB)), std::nullopt);
  ASSERT_FALSE(disk.reads.empty());
  for (auto [offset, length] : disk.reads) {
    EXPECT_GE(offset, kMiB);
    EXPECT_LE(offset + length, 3 * kMiB);
  }
  EXPECT_EQ(disk.reads.size(), 32u);  // 2 MiB in windows of 64 KiB
}

TEST(FindFailingBlockTest, AnEndThatIsNotAWholeWindow) {
  FakeDisk disk;
  disk.bad = {{kMiB + 70 * kSector, kMiB + 71 * kSector}};
  // [1 MiB, 1 MiB + 36 KiB): one short window of 72 blocks.
  EXPECT_EQ(FindFailingBlock(disk.reader(), Search(kMiB, kMiB + 72 * kSector)),
            std::optional<std::uint64_t>(kMiB + 70 * kSector));
  for (auto [offset, length] : disk.reads) EXPECT_LE(offset + length, kMiB + 72 * kSector);
}

TEST(FindFailingBlockTest, AFaultThatDoesNotComeBackIsNotInvented) {
  FakeDisk disk;  // reads fine now
  EXPECT_EQ(FindFailingBlock(disk.reader(), Search(0, 4 * kMiB)), std::nullopt);
}

TEST(FindFailingBlockTest, AWindowThatFailsWithNoBlockFailingIsWhereTheReadFailed) {
  FakeDisk disk;
  disk.bad = {{2 * kMiB + 4096, 2 * kMiB + 8192}};
  disk.blocks_read = true;
  EXPECT_EQ(FindFailingBlock(disk.reader(), Search(kMiB, 4 * kMiB)), std::optional<std::uint64_t>(2 * kMiB));
}

TEST(FindFailingBlockTest, OtherErrorsStopTheSearch) {
  // Direct reads refused (EINVAL) or another error than the buffered read's: no answer.
  FakeDisk refused;
  refused.refuse = EINVAL;
  EXPECT_EQ(FindFailingBlock(refused.reader(), Search(0, kMiB)), std::nullopt);
  EXPECT_EQ(refused.reads.size(), 1u);

  FakeDisk other;
  other.bad = {{4096, 8192}};
  FaultSearch s = Search(0, kMiB);
  s.error = ENXIO;
  EXPECT_EQ(FindFailingBlock(other.reader(), s), std::nullopt);
  EXPECT_EQ(other.reads.size(), 1u);

  // A block read that fails otherwise inside a failing window: no answer either.
  FakeDisk mixed;
  mixed.bad = {{0, 512}};
  int calls = 0;
  ReadAt read_at = [&](std::uint64_t offset, std::size_t length) {
    ++calls;
    return calls == 1 ? mixed.reader()(offset, length) : ENOMEM;
  };
  EXPECT_EQ(FindFailingBlock(read_at, Search(0, kMiB)), std::nullopt);
}

TEST(FindFailingBlockTest, IllFormedSearchesReadNothing) {
  FakeDisk disk;
  disk.bad = {{0, 512}};
  FaultSearch zero_block = Search(0, kMiB);
  zero_block.block = 0;
  FaultSearch odd_window = Search(0, kMiB);
  odd_window.window = 1000;
  FaultSearch small_window = Search(0, kMiB);
  small_window.window = 256;
  FaultSearch odd_from = Search(100, kMiB);
  FaultSearch no_error = Search(0, kMiB);
  no_error.error = 0;
  FaultSearch empty = Search(kMiB, kMiB);
  for (const FaultSearch& s : {zero_block, odd_window, small_window, odd_from, no_error, empty}) {
    EXPECT_EQ(FindFailingBlock(disk.reader(), s), std::nullopt);
  }
  EXPECT_TRUE(disk.reads.empty());
}

}  // namespace
}  // namespace seattest
