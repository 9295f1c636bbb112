// Structured logging for the top level only (thread-safe): systemd's journal when it runs, otherwise the
// kernel log (/dev/kmsg, so a busybox initrd's console shows it) and stderr.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace seattest {

// MESSAGE_ID= values (128-bit, `journalctl MESSAGE_ID=...`); docs/logging.md lists them.
namespace message_id {
inline constexpr std::string_view kStarted = "4f3a8c1e2b5d4e6f9a0b1c2d3e4f5a61";
inline constexpr std::string_view kMeasured = "7c2e9a4b1d3f4a5b8c6d7e8f9a0b1c72";
inline constexpr std::string_view kSecureExecution = "8a1d3c5e7f9b4d2a9c4e6a8b0d2f4e18";
inline constexpr std::string_view kRecordWritten = "2b8d4f6a1c3e4b5d9f7a8c0e1d2b3a83";
inline constexpr std::string_view kUsageError = "9e1c3a5b7d2f4e6a8b0c1d3e5f7a9b94";
inline constexpr std::string_view kIntegrityFailure = "c4a6e8f0b2d44c1e9a3b5d7f9e1c3aa5";
inline constexpr std::string_view kInvalidContract = "5d7f9b1e3a6c4d8e8f0a2c4e6b8d0fb6";
inline constexpr std::string_view kOutputFailure = "e2f4a6c8b0d34e5f9a1b3c5d7e9f1bc7";
// se-attest-root: the real root (docs/boot.md), one MESSAGE_ID a step.
inline constexpr std::string_view kRootDiskMissing = "ce6bd374b10d431dcd9dedf7370028ea";
inline constexpr std::string_view kRootDiskTooSmall = "0cdfcacd24c54e2198a7c1fa512f1fc0";
inline constexpr std::string_view kRootDiskFormat = "4b3e4aeb9e064a9aa42c03e9662648b2";
inline constexpr std::string_view kRootDiskOpen = "461db7325c8b450497c53fd40fec58f1";
inline constexpr std::string_view kRootDiskMkfs = "f760d9d959b1442be4f737c32582b915";
inline constexpr std::string_view kRootDiskReady = "d0eda8fc17f44a458ff0fd8587de8999";
inline constexpr std::string_view kRealRootUnpack = "31a925521a0f4f23272ca8dafc39b8a8";
inline constexpr std::string_view kRealRootReady = "3e9680ee75404a0a7642048e8f6b7890";
}  // namespace message_id

enum class Priority { kErr = 3, kWarning = 4, kNotice = 5, kInfo = 6 };

struct LogEntry {
  Priority priority = Priority::kInfo;
  std::string_view message_id;
  std::string message;  // one line
  // Extra journal fields, upper-case names: SE_ATTEST_ITEM, SE_ATTEST_EXPECTED, ...
  std::vector<std::pair<std::string, std::string>> fields;
};

class Logger {
 public:
  virtual ~Logger() = default;
  // Failures (priority kErr/kWarning) always go to stderr as well.
  virtual void Log(const LogEntry& entry) = 0;
  // Progress of a long step, not a log entry (the journal keeps the steps, not their progress):
  // the service status (sd_notify STATUS=, shown by `systemctl status`) and, when `console`, the
  // same line on stderr, which the initrd sends to the console. Safe to call from another thread.
  virtual void Progress(const std::string& line, bool console) = 0;
};

enum class LogTarget {
  kAuto,    // the journal if its socket exists, else /dev/kmsg (if writable) and stderr
  kStderr,  // stderr only
};

std::unique_ptr<Logger> MakeLogger(std::string_view identifier, LogTarget target);

// A console line (stderr, the kernel log) is at most this long: messages may quote host-controlled
// text (contract keys), and no line may flood the console.
inline constexpr std::size_t kMaxLine = 2048;

// The human form of an entry: "<message> [item=..., expected=..., actual=...]", fields whose
// value the message already says left out; control characters as \xNN; at most kMaxLine bytes
// (a longer one cut, ending in "..."). The console line of an info or notice entry, and progress.
std::string FormatLine(const LogEntry& entry);

// The line of an entry on the console (stderr, the kernel log), at most max_size bytes.
// Info, notice: FormatLine (cut to max_size, ending in "...").
// Warning, err: the message, then a machine-readable tail that ends the line (docs/logging.md):
//   "<message> [MESSAGE_ID=<32 hex> NAME=value ...]", every field of the entry under its journal
//   name, in the entry's order (SE_ATTEST_ITEM=/dev/vdb1 ... SE_ATTEST_EXIT=2). A tail value has
//   every byte outside '!'..'~', and '\' and ']', as \xNN: no space, no ']' inside. The tail is
//   never cut: the message is cut to make room (ending in "..."; kMinConsoleMessage bytes of it
//   stay); a field whose value does not fit whole is written as its bare NAME (no '='), its value
//   only in the journal.
std::string ConsoleLine(const LogEntry& entry, std::size_t max_size = kMaxLine);
inline constexpr std::size_t kMinConsoleMessage = 64;

// The kernel refuses a longer /dev/kmsg record (EINVAL: the entry would be lost), so a longer
// line is cut to fit, ending in "...". (stderr has the whole line for failures.) The limit: 1024
// bytes since Linux 6.6 (measured: 1014 taken, 1114 refused on 6.18); before, 1024 less the
// prefix room: 992, or 976 with CONFIG_PRINTK_CALLER (the Debian 12 guest runs 6.1 without it).
inline constexpr std::size_t kMaxKernelLogRecord = 976;
// One /dev/kmsg write: "<priority>identifier: line\n", at most kMaxKernelLogRecord bytes.
std::string KernelLogRecord(Priority priority, std::string_view identifier, std::string_view line);
// The kernel log record of an entry: its ConsoleLine made to fit the record, so that a warning's
// or a failure's tail arrives whole (the message is cut instead).
std::string KernelLogRecord(const LogEntry& entry, std::string_view identifier);

}  // namespace seattest
