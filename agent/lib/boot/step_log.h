// What the steps of the boot did, for the log and the record: a step returns its lines, and the
// top level (RunAgent) logs them through BootLog, which builds the record's hash lines from them in
// the order they are logged. The lines of the steps that run while the root partition is read are
// logged only once the root is verified: the log and the record read in the order of the SPEC's
// boot.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/record.h"
#include "platform/hash_path.h"
#include "platform/log.h"

namespace seattest {

// One log entry, and the record's hash line when the step measured something.
struct StepLine {
  LogEntry entry;
  std::optional<RecordEntry> measured;
};
using StepLines = std::vector<StepLine>;

using LogFields = std::vector<std::pair<std::string, std::string>>;

// An informational line, not in the record.
StepLine InfoLine(std::string_view id, std::string message, LogFields fields = {});

// "measured NAME from SOURCE: DIGEST", and NAME's line in the record.
StepLine MeasuredLine(std::string_view name, const Sha256Digest& digest, const std::string& source);

// The progress of a long hash of `what` ("root partition /dev/vda1"), to the service status and
// now and then the console (core/progress.h). Thread-safe as Logger::Progress is.
HashProgress ProgressTo(Logger& log, std::string what);

// The log of the boot, and the record's hash lines of what it logged.
class BootLog {
 public:
  explicit BootLog(Logger& log) : log_(log) {}
  void Done(StepLine line);
  void Done(StepLines lines);
  const std::vector<RecordEntry>& record_entries() const { return record_entries_; }

 private:
  Logger& log_;
  std::vector<RecordEntry> record_entries_;
};

}  // namespace seattest
