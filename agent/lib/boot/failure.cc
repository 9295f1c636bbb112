#include "boot/failure.h"

namespace seattest {

LogEntry FailureEntry(const Failure& f) {
  LogEntry e{Priority::kErr, RowOf(f.failure_class).message_id, f.message, {}};
  if (!f.item.empty()) e.fields.emplace_back("SE_ATTEST_ITEM", f.item);
  if (!f.expected.empty()) e.fields.emplace_back("SE_ATTEST_EXPECTED", f.expected);
  if (!f.actual.empty()) e.fields.emplace_back("SE_ATTEST_ACTUAL", f.actual);
  e.fields.emplace_back("SE_ATTEST_EXIT", std::to_string(ExitCodeOf(f)));
  return e;
}

}  // namespace seattest
