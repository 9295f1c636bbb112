#include "core/extents.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace seattest {
namespace {

TEST(ExtentsTest, RenderParseRoundTrip) {
  const std::vector<Extent> e{{0, 1}, {4096, 8192}, {18446744073709551614u, 1}};
  EXPECT_EQ(RenderExtents(e), "0+1 4096+8192 18446744073709551614+1");
  auto back = ParseExtents(RenderExtents(e), "x");
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, e);
}

TEST(ExtentsTest, ParseRefusesAnythingButDecimalPairsSeparatedBySingleSpaces) {
  for (const char* bad : {"", " ", "1+2 ", " 1+2", "1+2  3+4", "1+", "+2", "1 2", "1+2+3", "01+2", "1+02", "-1+2",
                          "1+-2", "0x10+2", "1+2\n", "18446744073709551616+1", "1+18446744073709551616", "a+b",
                          "1,2", "\xef\xbc\x91+2"}) {
    auto e = ParseExtents(bad, "root.tarball_extents");
    EXPECT_FALSE(e.ok()) << "'" << bad << "' was accepted";
    if (!e.ok()) {
      EXPECT_EQ(e.error().message.rfind("root.tarball_extents: item ", 0), 0u) << e.error().message;
    }
  }
  std::string many;
  for (std::size_t i = 0; i <= kMaxExtents; ++i) many += (many.empty() ? "" : " ") + std::to_string(i * 2) + "+1";
  auto e = ParseExtents(many, "x");
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.error().message.find("more than 4096 extents"), std::string::npos) << e.error().message;
}

TEST(ExtentsTest, CheckAcceptsAscendingExtentsInsideThePartition) {
  EXPECT_TRUE(CheckExtents({{0, 10}}, 10, 10, "x").ok());
  EXPECT_TRUE(CheckExtents({{0, 10}, {10, 5}}, 15, 15, "x").ok());  // adjacent
  EXPECT_TRUE(CheckExtents({{100, 10}, {4096, 5}}, 15, 8192, "x").ok());
}

TEST(ExtentsTest, CheckRefusesEachBrokenRule) {
  struct Case {
    std::vector<Extent> extents;
    std::uint64_t file_size;
    std::uint64_t partition_size;
    const char* message;
  };
  const std::uint64_t max = ~std::uint64_t{0};
  for (const Case& c : std::vector<Case>{
           {{}, 0, 100, "x: no extents"},
           {{{0, 0}}, 0, 100, "x: extent 0 (0+0): empty"},
           {{{90, 11}}, 11, 100, "x: extent 0 (90+11): ends after the partition's 100 bytes"},
           {{{101, 1}}, 1, 100, "x: extent 0 (101+1): ends after the partition's 100 bytes"},
           {{{1, max}}, max, max, "ends after the partition's"},  // would wrap around
           {{{10, 10}, {15, 10}}, 20, 100, "x: extent 1 (15+10): starts before the end of the extent before it (20)"},
           {{{50, 10}, {0, 10}}, 20, 100, "starts before the end"},
           {{{0, 10}}, 11, 100, "x: the extents hold 10 bytes, the file 11"},
       }) {
    const Status s = CheckExtents(c.extents, c.file_size, c.partition_size, "x");
    ASSERT_FALSE(s.ok()) << c.message;
    EXPECT_NE(s.error().message.find(c.message), std::string::npos) << s.error().message;
  }
  std::vector<Extent> many;
  for (std::size_t i = 0; i <= kMaxExtents; ++i) many.push_back({i * 2, 1});
  EXPECT_FALSE(CheckExtents(many, many.size(), max, "x").ok());
}

// The picker against the simple answer (the file's bytes at their offsets), for every chunk size
// from 1 byte up: extents inside one chunk, across chunk borders, adjacent, at the very start and
// at the very end of the partition.
TEST(ExtentsTest, PickerGivesTheFileInOrderWhateverTheChunks) {
  std::string partition;
  for (int i = 0; i < 300; ++i) partition += static_cast<char>('A' + i % 26);
  const std::vector<Extent> extents{{0, 3}, {3, 2}, {10, 40}, {99, 1}, {120, 70}, {290, 10}};
  std::string expected;
  for (const Extent& e : extents) expected += partition.substr(e.physical, e.length);
  for (std::size_t chunk = 1; chunk <= partition.size() + 1; ++chunk) {
    std::string got;
    ExtentPicker picker(extents, [&got](const std::uint8_t* data, std::size_t size) -> Status {
      got.append(reinterpret_cast<const char*>(data), size);
      return {};
    });
    for (std::size_t at = 0; at < partition.size(); at += chunk) {
      const std::size_t n = std::min(chunk, partition.size() - at);
      ASSERT_TRUE(picker.Feed(at, reinterpret_cast<const std::uint8_t*>(partition.data() + at), n).ok());
    }
    EXPECT_TRUE(picker.done()) << chunk;
    EXPECT_EQ(picker.picked(), expected.size());
    EXPECT_EQ(got, expected) << "chunk " << chunk;
  }
}

TEST(ExtentsTest, PickerStopsAtTheSinksErrorAndIsNotDoneEarly) {
  const std::string partition(100, 'p');
  ExtentPicker picker({{10, 10}, {50, 10}}, [](const std::uint8_t*, std::size_t) -> Status {
    return MakeError("disk full");
  });
  const auto* data = reinterpret_cast<const std::uint8_t*>(partition.data());
  auto s = picker.Feed(0, data, 100);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message, "disk full");
  EXPECT_FALSE(picker.done());

  ExtentPicker partial({{10, 10}, {50, 10}}, [](const std::uint8_t*, std::size_t) -> Status { return {}; });
  ASSERT_TRUE(partial.Feed(0, data, 40).ok());
  EXPECT_FALSE(partial.done()) << "the partition ended before the last extent";
  EXPECT_EQ(partial.picked(), 10u);
  // A chunk that skips over an extent's bytes is refused, not silently passed by.
  EXPECT_FALSE(partial.Feed(60, data, 40).ok());
}

}  // namespace
}  // namespace seattest
