#include "core/read_fault.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <utility>
#include <vector>

namespace seattest {
namespace {

constexpr std::uint64_t kMiB = 1 << 20;
constexpr std::uint64_t kSector = 512;
constexpr std::uint64_t kWindow = 64 << 10;  // FaultSearch::window

// A disk as direct reads see it: reads must be whole blocks (else EINVAL, as O_DIRECT answers),
// and a read fails with `fault` (EIO unless set) if it overlaps a bad range. Counts the reads
// and where they went.
struct FakeDisk {
  std::size_t block = 512;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> bad;  // [start, end)
  int fault = EIO;           // what a read of a bad range fails with
  int refuse = 0;            // != 0: every read fails with it
  bool blocks_read = false;  // true: a bad range fails only reads longer than one block
  std::vector<std::pair<std::uint64_t, std::size_t>> reads;

  ReadAt reader() {
    return [this](std::uint64_t offset, std::size_t length) {
      reads.emplace_back(offset, length);
      if (refuse != 0) return refuse;
      if (offset % block != 0 || length % block != 0) return EINVAL;
      if (blocks_read && length <= block) return 0;
      for (auto [start, end] : bad) {
        if (offset < end && offset + length > start) return fault;
      }
      return 0;
    };
  }
};

FaultSearch Search(std::uint64_t from, std::uint64_t end) {
  FaultSearch s;
  s.from = from;
  s.end = end;
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

// A direct read reports the block layer's status, not always the EIO of the buffered read: a
// medium error is ENODATA. Any error but EINVAL is the fault.
TEST(FindFailingBlockTest, AnyErrorButEinvalIsTheFault) {
  for (int error : {EIO, ENODATA, EILSEQ, ENOLINK}) {
    FakeDisk disk;
    disk.fault = error;
    disk.bad = {{kMiB + 4096, kMiB + 4608}};
    EXPECT_EQ(FindFailingBlock(disk.reader(), Search(kMiB, 2 * kMiB)), std::optional<std::uint64_t>(kMiB + 4096))
        << error;
  }
}

TEST(FindFailingBlockTest, DirectReadsRefusedGiveNoAnswer) {
  // EINVAL: O_DIRECT not supported, or misaligned. The first read says so; nothing more is read.
  FakeDisk refused;
  refused.refuse = EINVAL;
  EXPECT_EQ(FindFailingBlock(refused.reader(), Search(0, kMiB)), std::nullopt);
  EXPECT_EQ(refused.reads.size(), 1u);

  // EINVAL for a block inside a failing window: no answer either.
  FakeDisk mixed;
  mixed.bad = {{0, 512}};
  int calls = 0;
  ReadAt read_at = [&](std::uint64_t offset, std::size_t length) {
    ++calls;
    return calls == 1 ? mixed.reader()(offset, length) : EINVAL;
  };
  EXPECT_EQ(FindFailingBlock(read_at, Search(0, kMiB)), std::nullopt);
  EXPECT_EQ(calls, 2);
}

// `from` is where the buffered read failed, a block but not a window boundary: the windows start
// there, nothing before it is read.
TEST(FindFailingBlockTest, WindowsStartAtFromNotAtAWindowBoundary) {
  FakeDisk disk;
  disk.bad = {{kMiB, kMiB + 512}, {kMiB + 3 * kWindow + 1024, kMiB + 3 * kWindow + 1536}};
  auto at = FindFailingBlock(disk.reader(), Search(kMiB + 4096, 2 * kMiB));
  EXPECT_EQ(at, std::optional<std::uint64_t>(kMiB + 3 * kWindow + 1024));
  ASSERT_FALSE(disk.reads.empty());
  EXPECT_EQ(disk.reads.front().first, kMiB + 4096);
  for (auto [offset, length] : disk.reads) EXPECT_GE(offset, kMiB + 4096);
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
  FaultSearch odd_end = Search(0, kMiB + 100);  // a direct read of the last piece would be refused
  FaultSearch empty = Search(kMiB, kMiB);
  FaultSearch backwards = Search(2 * kMiB, kMiB);
  for (const FaultSearch& s : {zero_block, odd_window, small_window, odd_from, odd_end, empty, backwards}) {
    EXPECT_EQ(FindFailingBlock(disk.reader(), s), std::nullopt);
  }
  EXPECT_TRUE(disk.reads.empty());
}

TEST(PlanFaultSearchTest, FromTheFailedReadsBlockToTheBoundOrTheEnd) {
  // A 16 MiB partition failing at 14 MiB: to its end (less than the bound).
  FaultSearch s = PlanFaultSearch(14 * kMiB, 16 * kMiB, 512);
  EXPECT_EQ(s.from, 14 * kMiB);
  EXPECT_EQ(s.end, 16 * kMiB);
  EXPECT_EQ(s.block, 512u);
  // Far from the end: the bound.
  s = PlanFaultSearch(kMiB, 1024 * kMiB, 512);
  EXPECT_EQ(s.end, kMiB + kFaultSearchBound);
  // Size unknown (0): the bound.
  s = PlanFaultSearch(kMiB, 0, 4096);
  EXPECT_EQ(s.end, kMiB + kFaultSearchBound);
  // A failed read that ended inside a block: from its start. A regular file whose size is not a
  // whole number of pages: its last page is read whole (it comes back short).
  s = PlanFaultSearch(3 * 4096 + 100, 10 * 4096 + 1, 4096);
  EXPECT_EQ(s.from, 3u * 4096);
  EXPECT_EQ(s.end, 11u * 4096);
  // The plan is one FindFailingBlock accepts.
  FakeDisk disk;
  disk.block = 4096;
  disk.bad = {{10 * 4096, 10 * 4096 + 1}};
  EXPECT_EQ(FindFailingBlock(disk.reader(), s), std::optional<std::uint64_t>(10 * 4096));
  // Block 0: a plan that reads nothing.
  FakeDisk none;
  EXPECT_EQ(FindFailingBlock(none.reader(), PlanFaultSearch(kMiB, 0, 0)), std::nullopt);
  EXPECT_TRUE(none.reads.empty());
}

}  // namespace
}  // namespace seattest
