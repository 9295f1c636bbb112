#include "platform/log.h"

#include <gtest/gtest.h>

#include <regex>
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
  EXPECT_EQ(err, "se-attest-agent: cannot write [MESSAGE_ID=e2f4a6c8b0d34e5f9a1b3c5d7e9f1bc7 SE_ATTEST_ITEM=/run/x]\n");
}

// --- The console line of a warning or a failure: the message and a machine-readable tail -----

// How docs/logging.md tells a reader to find the tail: anchored at the end of the line.
const std::regex kTail(R"( \[MESSAGE_ID=([0-9a-f]{32})((?: [A-Z0-9_]+(?:=[^\] ]*)?)*)\]$)");

const std::string kRootSha = "896c9e789e08ec46d28c7fece0f56cf40a2cc40df3a778c5605d439300f6320b";
const std::string kFoundSha = "03ac53f4203762351771533f69ada8d4937c688bcd2072050d7ee76e364ff6bb";

LogEntry RootDiffers(std::string message) {
  return LogEntry{Priority::kErr,
                  message_id::kIntegrityFailure,
                  std::move(message),
                  {{"SE_ATTEST_ITEM", "/dev/vdb1"},
                   {"SE_ATTEST_EXPECTED", kRootSha},
                   {"SE_ATTEST_ACTUAL", kFoundSha},
                   {"SE_ATTEST_EXIT", "2"}}};
}

// Every field, under its journal name, in the entry's order, even those the message says already:
// a reader of the tail never reads the message.
TEST(LogTest, ConsoleLineOfAFailureEndsInItsMessageIdAndEveryField) {
  const std::string message = "root partition /dev/vdb1 (PARTLABEL=se-root) differs from the build: expected sha256 " +
                              kRootSha + ", found " + kFoundSha;
  EXPECT_EQ(ConsoleLine(RootDiffers(message)),
            message + " [MESSAGE_ID=c4a6e8f0b2d44c1e9a3b5d7f9e1c3aa5 SE_ATTEST_ITEM=/dev/vdb1 SE_ATTEST_EXPECTED=" +
                kRootSha + " SE_ATTEST_ACTUAL=" + kFoundSha + " SE_ATTEST_EXIT=2]");
  LogEntry bare{Priority::kErr, message_id::kUsageError, "usage", {}};
  EXPECT_EQ(ConsoleLine(bare), "usage [MESSAGE_ID=9e1c3a5b7d2f4e6a8b0c1d3e5f7a9b94]");
}

TEST(LogTest, ConsoleLineOfAWarningEndsInItsMessageId) {
  LogEntry e{Priority::kWarning, message_id::kSecureExecution, "Secure Execution: NOT a protected guest",
             {{"SE_ATTEST_PROTECTED_GUEST", "0"}}};
  EXPECT_EQ(ConsoleLine(e),
            "Secure Execution: NOT a protected guest [MESSAGE_ID=8a1d3c5e7f9b4d2a9c4e6a8b0d2f4e18 SE_ATTEST_PROTECTED_GUEST=0]");
}

// Info and notice lines keep their human form: no tail.
TEST(LogTest, ConsoleLineOfInfoIsTheHumanForm) {
  LogEntry e{Priority::kInfo, message_id::kMeasured, "root partition /dev/vdb1 verified: " + kRootSha,
             {{"SE_ATTEST_ITEM", "/dev/vdb1"}, {"SE_ATTEST_ACTUAL", kRootSha}, {"SE_ATTEST_SOURCE", "disk"}}};
  EXPECT_EQ(ConsoleLine(e), FormatLine(e));
  EXPECT_EQ(ConsoleLine(e), "root partition /dev/vdb1 verified: " + kRootSha + " [source=disk]");
  e.priority = Priority::kNotice;
  EXPECT_EQ(ConsoleLine(e), FormatLine(e));
}

// A tail value has no space, no ']', no control character and no byte past '~': each is \xNN,
// and so is '\\' (the escape itself), so the value reads back exactly. The message keeps its form.
TEST(LogTest, ConsoleLineTailValuesAreEscapedReversibly) {
  LogEntry e{Priority::kErr, message_id::kInvalidContract, "bad \x1b key\n",
             {{"SE_ATTEST_ITEM", "a b]c\\d\n\x7f\xc3\xa9=[x"}, {"SE_ATTEST_EXPECTED", ""}, {"SE_ATTEST_EXIT", "3"}}};
  EXPECT_EQ(ConsoleLine(e),
            "bad \\x1b key\\x0a [MESSAGE_ID=5d7f9b1e3a6c4d8e8f0a2c4e6b8d0fb6 "
            "SE_ATTEST_ITEM=a\\x20b\\x5dc\\x5cd\\x0a\\x7f\\xc3\\xa9=[x SE_ATTEST_EXPECTED= SE_ATTEST_EXIT=3]");
}

// Host-controlled text in the message (a contract key) cannot forge the tail: a reader anchored
// at the end of the line finds the real one, and only it.
TEST(LogTest, ConsoleLineTailCannotBeForgedByTheMessage) {
  const std::string forged =
      "key x [MESSAGE_ID=c4a6e8f0b2d44c1e9a3b5d7f9e1c3aa5 SE_ATTEST_EXIT=0] SE_ATTEST_EXIT=0]";
  LogEntry e{Priority::kErr, message_id::kInvalidContract, "contract: unknown " + forged + "]",
             {{"SE_ATTEST_ITEM", "env"}, {"SE_ATTEST_EXIT", "3"}}};
  const std::string line = ConsoleLine(e);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(line, m, kTail)) << line;
  EXPECT_EQ(m[1].str(), message_id::kInvalidContract);
  EXPECT_EQ(m[2].str(), " SE_ATTEST_ITEM=env SE_ATTEST_EXIT=3");
  EXPECT_EQ(m.suffix().str(), "");
  EXPECT_EQ(m.prefix().str(), "contract: unknown " + forged + "]");
  // The same with a forged tail at the very end of a message that is cut: still the real one.
  e.message = std::string(5000, 'k') + forged;
  const std::string cut = ConsoleLine(e);
  ASSERT_TRUE(std::regex_search(cut, m, kTail)) << cut;
  EXPECT_EQ(m[1].str(), message_id::kInvalidContract);
  EXPECT_EQ(m[2].str(), " SE_ATTEST_ITEM=env SE_ATTEST_EXIT=3");
}

// A long message is cut to make room; the tail arrives whole, at the end.
TEST(LogTest, ConsoleLineCutsTheMessageNeverTheTail) {
  const std::string tail = " [MESSAGE_ID=c4a6e8f0b2d44c1e9a3b5d7f9e1c3aa5 SE_ATTEST_ITEM=/dev/vdb1 SE_ATTEST_EXPECTED=" +
                           kRootSha + " SE_ATTEST_ACTUAL=" + kFoundSha + " SE_ATTEST_EXIT=2]";
  const std::string line = ConsoleLine(RootDiffers(std::string(100000, 'k')));
  EXPECT_EQ(line.size(), kMaxLine);
  EXPECT_EQ(line, std::string(kMaxLine - tail.size() - 3, 'k') + "..." + tail);
  // Exactly fitting: not cut.
  const std::string fits(kMaxLine - tail.size(), 'k');
  EXPECT_EQ(ConsoleLine(RootDiffers(fits)), fits + tail);
  EXPECT_EQ(ConsoleLine(RootDiffers(fits + "k")), fits.substr(3) + "..." + tail);
  // Any size: the tail whole, the line within the bound.
  for (std::size_t max : {tail.size() + kMinConsoleMessage, std::size_t{500}, std::size_t{976}, kMaxLine}) {
    const std::string l = ConsoleLine(RootDiffers(std::string(3000, 'k')), max);
    EXPECT_EQ(l.size(), max);
    EXPECT_EQ(l.substr(l.size() - tail.size()), tail) << max;
  }
}

// A cut never splits an \xNN escape, and a line of escapes stays within the bound.
TEST(LogTest, ConsoleLineCutKeepsEscapesWhole) {
  LogEntry e{Priority::kErr, message_id::kInvalidContract, std::string(3000, '\x1b'), {{"SE_ATTEST_EXIT", "3"}}};
  const std::string tail = " [MESSAGE_ID=5d7f9b1e3a6c4d8e8f0a2c4e6b8d0fb6 SE_ATTEST_EXIT=3]";
  for (std::size_t max : {std::size_t{300}, std::size_t{301}, std::size_t{302}, std::size_t{303}, kMaxLine}) {
    const std::string l = ConsoleLine(e, max);
    EXPECT_LE(l.size(), max);
    EXPECT_GE(l.size(), max - 3);
    ASSERT_GT(l.size(), tail.size());
    EXPECT_EQ(l.substr(l.size() - tail.size()), tail);
    EXPECT_TRUE(std::regex_match(l.substr(0, l.size() - tail.size()), std::regex(R"((\\x1b)*\.\.\.)"))) << l;
  }
  LogEntry info{Priority::kInfo, message_id::kMeasured, std::string(3000, '\x1b'), {}};
  EXPECT_LE(FormatLine(info).size(), kMaxLine);
  EXPECT_TRUE(std::regex_match(FormatLine(info), std::regex(R"((\\x1b)*\.\.\.)")));
}

// A field whose value cannot fit whole is named without a value (never a cut value, which would
// read as another digest); the fields after it, and the exit code, still have theirs, and the
// message keeps kMinConsoleMessage bytes.
TEST(LogTest, ConsoleLineNamesAFieldThatDoesNotFitWithoutItsValue) {
  const std::string pinned = kRootSha + "," + kFoundSha + "," + kRootSha + "," + kFoundSha;  // 259 bytes
  LogEntry e{Priority::kErr, message_id::kInvalidContract, std::string(1000, 'm'),
             {{"SE_ATTEST_ITEM", "envWorkloadSignature"}, {"SE_ATTEST_EXPECTED", pinned},
              {"SE_ATTEST_ACTUAL", "none"}, {"SE_ATTEST_EXIT", "3"}}};
  const std::string tail =
      " [MESSAGE_ID=5d7f9b1e3a6c4d8e8f0a2c4e6b8d0fb6 SE_ATTEST_ITEM=envWorkloadSignature SE_ATTEST_EXPECTED "
      "SE_ATTEST_ACTUAL=none SE_ATTEST_EXIT=3]";
  const std::size_t max = 250;
  EXPECT_EQ(ConsoleLine(e, max), std::string(max - tail.size() - 3, 'm') + "..." + tail);
  EXPECT_GE(max - tail.size(), kMinConsoleMessage);
  // With room, the value is there.
  EXPECT_NE(ConsoleLine(e).find(" SE_ATTEST_EXPECTED=" + pinned + " "), std::string::npos);
}

// The kernel log record of a failure fits the kernel's limit with its tail whole (the message is
// cut instead); that of an info entry is the human form, cut as before.
TEST(LogTest, KernelLogRecordOfAFailureKeepsTheTail) {
  const std::string tail = " [MESSAGE_ID=c4a6e8f0b2d44c1e9a3b5d7f9e1c3aa5 SE_ATTEST_ITEM=/dev/vdb1 SE_ATTEST_EXPECTED=" +
                           kRootSha + " SE_ATTEST_ACTUAL=" + kFoundSha + " SE_ATTEST_EXIT=2]\n";
  const std::string record = KernelLogRecord(RootDiffers(std::string(5000, 'k')), "se-attest-agent");
  EXPECT_EQ(record.size(), kMaxKernelLogRecord);
  EXPECT_EQ(record.rfind("<3>se-attest-agent: kkk", 0), 0u);
  EXPECT_EQ(record.substr(record.size() - tail.size()), tail);
  EXPECT_EQ(record.substr(record.size() - tail.size() - 4, 4), "k...");
  EXPECT_EQ(KernelLogRecord(RootDiffers("short"), "se-attest-agent"), "<3>se-attest-agent: short" + tail);
  LogEntry info{Priority::kInfo, message_id::kStarted, std::string(5000, 'i'), {}};
  EXPECT_EQ(KernelLogRecord(info, "se-attest-agent"),
            KernelLogRecord(info.priority, "se-attest-agent", FormatLine(info)));
  LogEntry started{Priority::kInfo, message_id::kStarted, "started", {{"SE_ATTEST_SOURCE", "x"}}};
  EXPECT_EQ(KernelLogRecord(started, "se-attest-agent"), "<6>se-attest-agent: started [source=x]\n");
}

TEST(LogTest, StderrLoggerWritesWarningsWithTheirTail) {
  auto logger = MakeLogger("se-attest-agent", LogTarget::kStderr);
  ::testing::internal::CaptureStderr();
  logger->Log(LogEntry{Priority::kWarning, message_id::kSecureExecution, "NOT a protected guest",
                       {{"SE_ATTEST_PROTECTED_GUEST", "0"}}});
  logger->Log(LogEntry{Priority::kInfo, message_id::kMeasured, "measured", {{"SE_ATTEST_ITEM", "/dev/vdb1"}}});
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(err,
            "se-attest-agent: NOT a protected guest [MESSAGE_ID=8a1d3c5e7f9b4d2a9c4e6a8b0d2f4e18 SE_ATTEST_PROTECTED_GUEST=0]\n"
            "se-attest-agent: measured [item=/dev/vdb1]\n");
}

TEST(LogTest, PriorityValuesAreSyslogs) {
  EXPECT_EQ(static_cast<int>(Priority::kErr), 3);
  EXPECT_EQ(static_cast<int>(Priority::kWarning), 4);
  EXPECT_EQ(static_cast<int>(Priority::kNotice), 5);
  EXPECT_EQ(static_cast<int>(Priority::kInfo), 6);
}

}  // namespace
}  // namespace seattest
