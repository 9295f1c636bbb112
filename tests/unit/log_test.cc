#include "platform/log.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace seattest {
namespace {

TEST(LogTest, FormatLineWithoutFields) {
  LogEntry e{Priority::kInfo, message_id::kStarted, "se-attest-agent started", {}};
  EXPECT_EQ(FormatLine(e), "se-attest-agent started");
}

TEST(LogTest, FormatLineWithFields) {
  LogEntry e{Priority::kErr,
             message_id::kIntegrityFailure,
             "root partition differs",
             {{"SE_ATTEST_ITEM", "/dev/vda1"},
              {"SE_ATTEST_EXPECTED", "aa"},
              {"SE_ATTEST_ACTUAL", "bb"},
              {"OTHER_FIELD", "x"}}};
  EXPECT_EQ(FormatLine(e), "root partition differs [item=/dev/vda1, expected=aa, actual=bb, other_field=x]");
}

// A long value the message already quotes is not repeated; a short one (the exit code) always
// shows, even when its digit happens to appear in the message (a digest holding a "2").
TEST(LogTest, FormatLineRepeatsNoDigestButAlwaysShowsTheExitCode) {
  const std::string digest = "2a152c894398719c0570f83fac34ac03a0f6e8e474b995c2403aa5434f7b9dd4";
  LogEntry e{Priority::kErr,
             message_id::kIntegrityFailure,
             "root partition /dev/vda1 differs: found " + digest,
             {{"SE_ATTEST_ITEM", "/dev/vda1"}, {"SE_ATTEST_ACTUAL", digest}, {"SE_ATTEST_EXIT", "2"}}};
  EXPECT_EQ(FormatLine(e), "root partition /dev/vda1 differs: found " + digest + " [exit=2]");
}

TEST(LogTest, FormatLineIsOneLine) {
  LogEntry e{Priority::kErr, message_id::kInvalidContract, "two\nlines", {{"SE_ATTEST_ITEM", "a\nb"}}};
  EXPECT_EQ(FormatLine(e), "two\\x0alines [item=a\\x0ab]");
}

// Host-controlled text (a contract key) cannot put escape sequences on the console or flood it.
TEST(LogTest, FormatLineEscapesControlCharactersAndIsBounded) {
  LogEntry e{Priority::kErr, message_id::kInvalidContract, "key \x1b[31menv\r: unknown", {}};
  EXPECT_EQ(FormatLine(e), "key \\x1b[31menv\\x0d: unknown");
  LogEntry big{Priority::kErr, message_id::kInvalidContract, std::string(100000, 'k'), {}};
  EXPECT_LE(FormatLine(big).size(), 2048u + 3);
}

// The kernel refuses a long /dev/kmsg write (EINVAL), which would lose the entry: a long line is
// cut to fit instead.
TEST(LogTest, KernelLogRecordFitsTheKernelsLimit) {
  EXPECT_EQ(KernelLogRecord(Priority::kErr, "se-attest-agent", "root partition differs"),
            "<3>se-attest-agent: root partition differs\n");
  EXPECT_EQ(KernelLogRecord(Priority::kInfo, "x", ""), "<6>x: \n");
  const std::string prefix = "<4>se-attest-agent: ";
  const std::size_t fits = kMaxKernelLogRecord - prefix.size() - 1;
  const std::string exact(fits, 'a');
  EXPECT_EQ(KernelLogRecord(Priority::kWarning, "se-attest-agent", exact), prefix + exact + "\n");
  const std::string cut = KernelLogRecord(Priority::kWarning, "se-attest-agent", exact + "b");
  EXPECT_EQ(cut.size(), kMaxKernelLogRecord);
  EXPECT_EQ(cut, prefix + std::string(fits - 3, 'a') + "...\n");
  LogEntry big{Priority::kErr, message_id::kInvalidContract, std::string(100000, 'k'), {}};
  EXPECT_EQ(KernelLogRecord(big.priority, "se-attest-agent", FormatLine(big)).size(), kMaxKernelLogRecord);
  EXPECT_LE(kMaxKernelLogRecord, 976u);  // Linux 6.1 with CONFIG_PRINTK_CALLER
}

TEST(LogTest, MessageIdsAreDistinct128BitHex) {
  const std::set<std::string_view> ids = {
      message_id::kStarted,          message_id::kMeasured,         message_id::kRecordWritten,
      message_id::kUsageError,       message_id::kIntegrityFailure, message_id::kInvalidContract,
      message_id::kOutputFailure,    message_id::kSecureExecution};
  EXPECT_EQ(ids.size(), 8u);
  for (std::string_view id : ids) {
    EXPECT_EQ(id.size(), 32u) << id;
    EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string_view::npos) << id;
  }
}

TEST(LogTest, StderrLoggerWritesFailuresAsOneLine) {
  auto logger = MakeLogger("se-attest-agent", LogTarget::kStderr);
  ::testing::internal::CaptureStderr();
  logger->Log(LogEntry{Priority::kErr, message_id::kOutputFailure, "cannot write", {{"SE_ATTEST_ITEM", "/run/x"}}});
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(err, "se-attest-agent: cannot write [item=/run/x]\n");
}

TEST(LogTest, PriorityValuesAreSyslogs) {
  EXPECT_EQ(static_cast<int>(Priority::kErr), 3);
  EXPECT_EQ(static_cast<int>(Priority::kWarning), 4);
  EXPECT_EQ(static_cast<int>(Priority::kNotice), 5);
  EXPECT_EQ(static_cast<int>(Priority::kInfo), 6);
}

}  // namespace
}  // namespace seattest
