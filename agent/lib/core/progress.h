// Progress of a long step (hashing a partition), as an operator watching a boot reads it: the
// service status often, a console line every few seconds, nothing at all for a quick step.
// Pure: the caller passes the time.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace seattest {

struct ProgressLine {
  std::string text;      // "root partition /dev/vda1: 45% (230 of 512 MiB), 38.2 MiB/s, 7 s left"
  bool console = false;  // also print it on the console (not only the service status)
};

class ProgressMeter {
 public:
  using Clock = std::chrono::steady_clock;

  // `what` names the item ("root partition /dev/vda1"). The status is refreshed at most every
  // `status_every`; a console line is due at most every `console_every`, the first after
  // `console_every` has passed (a step shorter than that prints nothing on the console).
  ProgressMeter(std::string what, Clock::time_point start,
                Clock::duration status_every = std::chrono::seconds(1),
                Clock::duration console_every = std::chrono::seconds(5));

  // The line to show now, if one is due: `done` of `total` bytes (total 0: unknown).
  std::optional<ProgressLine> At(std::uint64_t done, std::uint64_t total, Clock::time_point now);

 private:
  std::string what_;
  Clock::time_point start_;
  Clock::duration status_every_;
  Clock::duration console_every_;
  Clock::time_point next_status_;
  Clock::time_point next_console_;
};

// "45% (230 of 512 MiB), 38.2 MiB/s, 7 s left" after `elapsed`; without the total (0): "230 MiB,
// 38.2 MiB/s".
std::string FormatProgress(std::uint64_t done, std::uint64_t total, std::chrono::duration<double> elapsed);

}  // namespace seattest
