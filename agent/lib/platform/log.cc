#include "platform/log.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#define SD_JOURNAL_SUPPRESS_LOCATION
#include <systemd/sd-daemon.h>
#include <systemd/sd-journal.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <mutex>

namespace seattest {
namespace {

constexpr const char* kJournalSocket = "/run/systemd/journal/socket";

bool IsFailure(Priority p) { return p == Priority::kErr || p == Priority::kWarning; }

void WriteAll(int fd, const std::string& s) {
  std::size_t done = 0;
  while (done < s.size()) {
    ssize_t n = write(fd, s.data() + done, s.size() - done);
    if (n <= 0) return;
    done += static_cast<std::size_t>(n);
  }
}

constexpr char kHex[] = "0123456789abcdef";

// How one byte is written: as it is, or as \xNN.
enum class Escape { kControl, kTailValue };

void AppendByte(std::string& out, unsigned char c, Escape how) {
  const bool plain = how == Escape::kControl ? !(c < 0x20 || c == 0x7f)
                                             : (c > 0x20 && c < 0x7f && c != '\\' && c != ']');
  if (plain) {
    out += static_cast<char>(c);
  } else {
    out += "\\x";
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
}

// The text escaped; when that is longer than max_size (at least 3), cut to fit with "...",
// never inside an \xNN.
std::string Escaped(std::string_view text, Escape how, std::size_t max_size) {
  std::string out;
  std::size_t cut = std::string::npos;  // the longest prefix that leaves room for "..."
  for (unsigned char c : text) {
    const std::size_t before = out.size();
    AppendByte(out, c, how);
    if (cut == std::string::npos && out.size() + 3 > max_size) cut = before;
    if (out.size() > max_size) {
      out.resize(cut);
      out += "...";
      return out;
    }
  }
  return out;
}

// The human form (FormatLine) in at most max_size bytes.
std::string HumanLine(const LogEntry& entry, std::size_t max_size) {
  std::string line = entry.message;
  std::string extra;
  for (const auto& [name, value] : entry.fields) {
    // A digest or a path the message says already is not repeated; short values (an exit code,
    // "2") would be found anywhere in the message by chance, so they are always shown.
    if (value.size() >= 8 && line.find(value) != std::string::npos) continue;
    std::string key = name.substr(name.rfind("SE_ATTEST_") == 0 ? 10 : 0);
    std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) { return std::tolower(c); });
    extra += (extra.empty() ? "" : ", ") + key + "=" + value;
  }
  if (!extra.empty()) line += " [" + extra + "]";
  // Messages can quote host-controlled text (contract keys): no control character reaches a
  // terminal, and no line floods the console.
  return Escaped(line, Escape::kControl, max_size);
}

class DefaultLogger final : public Logger {
 public:
  DefaultLogger(std::string identifier, LogTarget target) : identifier_(std::move(identifier)) {
    if (target == LogTarget::kAuto) {
      struct stat st {};
      journal_ = stat(kJournalSocket, &st) == 0 && S_ISSOCK(st.st_mode);
      if (!journal_) kmsg_ = open("/dev/kmsg", O_WRONLY | O_CLOEXEC | O_NOCTTY);
    }
  }
  DefaultLogger(const DefaultLogger&) = delete;
  DefaultLogger& operator=(const DefaultLogger&) = delete;
  ~DefaultLogger() override {
    if (kmsg_ >= 0) close(kmsg_);
  }

  void Log(const LogEntry& entry) override {
    std::lock_guard lock(mutex_);
    if (journal_) {
      SendToJournal(entry);
    } else if (kmsg_ >= 0) {
      WriteAll(kmsg_, KernelLogRecord(entry, identifier_));
    }
    // stderr: every failure; every step too when nothing else records it.
    if (IsFailure(entry.priority) || (!journal_ && kmsg_ < 0)) {
      WriteAll(STDERR_FILENO, identifier_ + ": " + ConsoleLine(entry) + "\n");
    }
  }

  void Progress(const std::string& line, bool console) override {
    const std::string safe = FormatLine(LogEntry{Priority::kInfo, {}, line, {}});
    std::lock_guard lock(mutex_);
    sd_notify(0, ("STATUS=" + safe).c_str());  // nothing when not run by systemd
    if (console) WriteAll(STDERR_FILENO, identifier_ + ": " + safe + "\n");
  }

 private:
  void SendToJournal(const LogEntry& entry) {
    std::vector<std::string> fields;
    fields.push_back("MESSAGE=" + entry.message);
    fields.push_back("MESSAGE_ID=" + std::string(entry.message_id));
    fields.push_back("PRIORITY=" + std::to_string(static_cast<int>(entry.priority)));
    fields.push_back("SYSLOG_IDENTIFIER=" + identifier_);
    for (const auto& [name, value] : entry.fields) fields.push_back(name + "=" + value);
    std::vector<iovec> iov;
    iov.reserve(fields.size());
    for (std::string& f : fields) iov.push_back({f.data(), f.size()});
    sd_journal_sendv(iov.data(), static_cast<int>(iov.size()));
  }

  std::mutex mutex_;  // one entry at a time, whichever thread logs
  std::string identifier_;
  bool journal_ = false;
  int kmsg_ = -1;
};

}  // namespace

std::string FormatLine(const LogEntry& entry) { return HumanLine(entry, kMaxLine); }

std::string ConsoleLine(const LogEntry& entry, std::size_t max_size) {
  if (!IsFailure(entry.priority)) return HumanLine(entry, std::min(max_size, kMaxLine));
  // The tail, whole; fields that do not fit as bare names. `rest`: room kept for the bare names
  // of the fields not yet written and the closing bracket.
  const std::size_t keep = std::min(Escaped(entry.message, Escape::kControl, kMaxLine).size(), kMinConsoleMessage);
  const std::size_t budget = max_size > keep ? max_size - keep : 0;
  std::vector<std::string> names;
  std::size_t rest = 1;
  for (const auto& field : entry.fields) {
    names.push_back(Escaped(field.first, Escape::kTailValue, std::string::npos));
    rest += 1 + names.back().size();
  }
  std::string tail = " [MESSAGE_ID=" + Escaped(entry.message_id, Escape::kTailValue, std::string::npos);
  for (std::size_t i = 0; i < names.size(); ++i) {
    rest -= 1 + names[i].size();
    const std::string field = " " + names[i] + "=" + Escaped(entry.fields[i].second, Escape::kTailValue, std::string::npos);
    tail += tail.size() + field.size() + rest <= budget ? field : " " + names[i];
  }
  tail += "]";
  const std::size_t room = max_size > tail.size() + 3 ? max_size - tail.size() : 3;
  return Escaped(entry.message, Escape::kControl, std::min(room, kMaxLine)) + tail;
}

std::string KernelLogRecord(Priority priority, std::string_view identifier, std::string_view line) {
  // (Appended piece by piece: GCC 12 at -O3 warns falsely about "<" + std::to_string().)
  std::string record(1, '<');
  record += std::to_string(static_cast<int>(priority));
  record += '>';
  record += identifier;
  record += ": ";
  if (record.size() + line.size() + 1 > kMaxKernelLogRecord) {  // + 1: the newline
    const std::size_t used = record.size() + 3 + 1;                 // "..." and the newline
    record += line.substr(0, kMaxKernelLogRecord > used ? kMaxKernelLogRecord - used : 0);
    record += "...";
  } else {
    record += line;
  }
  record += '\n';
  return record;
}

std::string KernelLogRecord(const LogEntry& entry, std::string_view identifier) {
  const std::size_t prefix = 1 + std::to_string(static_cast<int>(entry.priority)).size() + 1 + identifier.size() + 2;
  const std::size_t room = kMaxKernelLogRecord > prefix + 1 ? kMaxKernelLogRecord - prefix - 1 : 0;  // 1: the newline
  return KernelLogRecord(entry.priority, identifier, ConsoleLine(entry, room));
}

std::unique_ptr<Logger> MakeLogger(std::string_view identifier, LogTarget target) {
  return std::make_unique<DefaultLogger>(std::string(identifier), target);
}

}  // namespace seattest
