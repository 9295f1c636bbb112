#include "core/progress.h"

#include <cinttypes>
#include <cstdio>

namespace seattest {

ProgressMeter::ProgressMeter(std::string what, Clock::time_point start, Clock::duration status_every,
                             Clock::duration console_every)
    : what_(std::move(what)),
      start_(start),
      status_every_(status_every),
      console_every_(console_every),
      next_status_(start + status_every),
      next_console_(start + console_every) {}

std::optional<ProgressLine> ProgressMeter::At(std::uint64_t done, std::uint64_t total, Clock::time_point now) {
  if (now < next_status_) return std::nullopt;
  next_status_ = now + status_every_;
  ProgressLine line{what_ + ": " + FormatProgress(done, total, now - start_), false};
  if (now >= next_console_) {
    line.console = true;
    next_console_ = now + console_every_;
  }
  return line;
}

std::string FormatProgress(std::uint64_t done, std::uint64_t total, std::chrono::duration<double> elapsed) {
  constexpr double kMiB = 1024.0 * 1024.0;
  const double seconds = elapsed.count();
  const double rate = seconds > 0 ? static_cast<double>(done) / kMiB / seconds : 0.0;
  char buf[160];
  if (total == 0) {
    std::snprintf(buf, sizeof buf, "%" PRIu64 " MiB, %.1f MiB/s", done >> 20, rate);
    return buf;
  }
  const std::uint64_t shown = done > total ? total : done;
  const unsigned percent = static_cast<unsigned>(shown * 100 / total);
  std::string left = "time left unknown";
  if (rate > 0) {
    const double remaining = static_cast<double>(total - shown) / kMiB / rate;
    left = std::to_string(static_cast<std::uint64_t>(remaining + 0.5)) + " s left";
  }
  std::snprintf(buf, sizeof buf, "%u%% (%" PRIu64 " of %" PRIu64 " MiB), %.1f MiB/s, %s", percent, shown >> 20,
                total >> 20, rate, left.c_str());
  return buf;
}

}  // namespace seattest
