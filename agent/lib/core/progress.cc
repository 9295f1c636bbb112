#include "core/progress.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <system_error>

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

namespace {

// "12.6": one decimal, without printf's format strings.
std::string OneDecimal(double value) {
  char buf[32];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed, 1);
  return ec == std::errc() ? std::string(buf, end) : std::string("?");
}

}  // namespace

std::string FormatProgress(std::uint64_t done, std::uint64_t total, std::chrono::duration<double> elapsed) {
  constexpr double kMiB = 1024.0 * 1024.0;
  const double seconds = elapsed.count();
  const double rate = seconds > 0 ? static_cast<double>(done) / kMiB / seconds : 0.0;
  const std::string speed = OneDecimal(rate) + " MiB/s";
  if (total == 0) return std::to_string(done >> 20) + " MiB, " + speed;
  const std::uint64_t shown = done > total ? total : done;
  std::string left = "time left unknown";
  if (rate > 0) {
    // Capped so that a stalled read (a rate near 0) cannot overflow the conversion.
    const double remaining = std::min(static_cast<double>(total - shown) / kMiB / rate, 1e9);
    left = std::to_string(std::llround(remaining)) + " s left";
  }
  return std::to_string(shown * 100 / total) + "% (" + std::to_string(shown >> 20) + " of " +
         std::to_string(total >> 20) + " MiB), " + speed + ", " + left;
}

}  // namespace seattest
