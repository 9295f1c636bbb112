#include "core/progress.h"

#include <gtest/gtest.h>

namespace seattest {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using Clock = ProgressMeter::Clock;

TEST(FormatProgressTest, PercentRateAndTimeLeft) {
  // 256 of 512 MiB in 8 s: 32 MiB/s, 8 s left.
  EXPECT_EQ(FormatProgress(256ull << 20, 512ull << 20, seconds(8)), "50% (256 of 512 MiB), 32.0 MiB/s, 8 s left");
  EXPECT_EQ(FormatProgress(512ull << 20, 512ull << 20, seconds(4)), "100% (512 of 512 MiB), 128.0 MiB/s, 0 s left");
  EXPECT_EQ(FormatProgress(0, 512ull << 20, seconds(1)), "0% (0 of 512 MiB), 0.0 MiB/s, time left unknown");
  EXPECT_EQ(FormatProgress(0, 512ull << 20, seconds(0)), "0% (0 of 512 MiB), 0.0 MiB/s, time left unknown");
  // A device that grew while read never shows more than 100 %.
  EXPECT_EQ(FormatProgress(600ull << 20, 512ull << 20, seconds(2)), "100% (512 of 512 MiB), 300.0 MiB/s, 0 s left");
  EXPECT_EQ(FormatProgress(30ull << 20, 0, seconds(3)), "30 MiB, 10.0 MiB/s");
  // A stalled read: the time left is capped, not an overflowed conversion.
  EXPECT_EQ(FormatProgress(1, 1ull << 40, seconds(1000000)), "0% (0 of 1048576 MiB), 0.0 MiB/s, 1000000000 s left");
}

TEST(ProgressMeterTest, QuickStepsPrintNothing) {
  const Clock::time_point t0{};
  ProgressMeter m("root partition /dev/vda1", t0);
  EXPECT_FALSE(m.At(1 << 20, 2 << 20, t0 + milliseconds(10)));
  EXPECT_FALSE(m.At(2 << 20, 2 << 20, t0 + milliseconds(999)));
}

TEST(ProgressMeterTest, StatusEverySecondConsoleEveryFive) {
  const Clock::time_point t0{};
  ProgressMeter m("root partition /dev/vda1", t0);
  int status = 0;
  int console = 0;
  std::string last_console;
  // 100 ms steps for 12 s.
  for (int i = 1; i <= 120; ++i) {
    auto line = m.At(static_cast<std::uint64_t>(i) << 20, 1200ull << 20, t0 + milliseconds(100 * i));
    if (!line) continue;
    ++status;
    if (line->console) {
      ++console;
      last_console = line->text;
    }
  }
  EXPECT_EQ(status, 12);  // at 1 s, 2 s, ..., 12 s
  EXPECT_EQ(console, 2);  // at 5 s and 10 s
  EXPECT_EQ(last_console, "root partition /dev/vda1: 8% (100 of 1200 MiB), 10.0 MiB/s, 110 s left");
}

}  // namespace
}  // namespace seattest
