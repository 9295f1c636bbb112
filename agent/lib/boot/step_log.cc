#include "boot/step_log.h"

#include "core/hex.h"
#include "core/progress.h"

namespace seattest {

StepLine InfoLine(std::string_view id, std::string message, LogFields fields) {
  return StepLine{LogEntry{Priority::kInfo, id, std::move(message), std::move(fields)}, std::nullopt};
}

StepLine MeasuredLine(std::string_view name, const Sha256Digest& digest, const std::string& source) {
  return StepLine{LogEntry{Priority::kInfo, message_id::kMeasured,
                           "measured " + std::string(name) + " from " + source + ": " + ToHex(digest),
                           {{"SE_ATTEST_ITEM", std::string(name)}, {"SE_ATTEST_ACTUAL", ToHex(digest)}, {"SE_ATTEST_SOURCE", source}}},
                  RecordEntry{digest, std::string(name)}};
}

HashProgress ProgressTo(Logger& log, std::string what) {
  return [&log, meter = ProgressMeter(std::move(what), ProgressMeter::Clock::now())](std::uint64_t done,
                                                                                     std::uint64_t total) mutable {
    if (auto line = meter.At(done, total, ProgressMeter::Clock::now())) log.Progress(line->text, line->console);
  };
}

void BootLog::Done(StepLine line) {
  log_.Log(line.entry);
  if (line.measured) record_entries_.push_back(std::move(*line.measured));
}

void BootLog::Done(StepLines lines) {
  for (StepLine& line : lines) Done(std::move(line));
}

}  // namespace seattest
