#include "platform/passphrase.h"

#include <fcntl.h>
#include <pthread.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <utility>

#include "core/decimal.h"
#include "crypto/secret.h"
#include "platform/errno_text.h"
#include "platform/unique_fd.h"

namespace seattest {
namespace {

SecretBytes CopyOf(const SecretBytes& secret) {
  SecretBytes copy(secret.size());
  std::copy(secret.data(), secret.data() + secret.size(), copy.data());
  return copy;
}

SecretBytes SecretOf(std::string_view text) {
  SecretBytes secret(text.size());
  std::copy(text.begin(), text.end(), secret.data());
  return secret;
}

// The first line read from `fd`, without its newline, one byte at a time so that nothing after
// it is taken from a shared descriptor. `what` names the source in errors.
Result<SecretBytes> ReadFirstLine(int fd, const std::string& what) {
  SecretBytes line(kMaxPassphraseSize);
  std::size_t n = 0;
  bool any = false;
  while (true) {
    unsigned char c = 0;
    const ssize_t got = read(fd, &c, 1);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return MakeError(what + ": " + ErrnoText(errno));
    if (got == 0) break;
    any = true;
    if (c == '\n') break;
    if (n == line.size()) return MakeError(what + ": longer than " + std::to_string(kMaxPassphraseSize) + " bytes");
    line.data()[n++] = c;
    c = 0;
  }
  if (!any) return MakeError(what + ": nothing to read");
  line.Truncate(n);
  return line;
}

constexpr std::uint64_t kMaxFd = 1u << 20;

enum class PassinKind { kPass, kEnv, kFile, kFd, kStdin };

// One --passin SOURCE: read at the first key that asks, kept (or its error) for the others.
class Passin final : public PassphraseSource {
 public:
  Passin(PassinKind kind, std::string what, std::string argument, SecretBytes text, int fd)
      : kind_(kind), what_(std::move(what)), argument_(std::move(argument)), text_(std::move(text)), fd_(fd) {}

  Result<SecretBytes> Get(std::string_view /*key_name*/) override {
    if (!read_) {
      read_ = true;
      auto got = Read();
      if (got) {
        passphrase_ = std::move(*got);
      } else {
        error_ = got.error();
      }
    }
    if (error_) return *error_;
    return CopyOf(passphrase_);
  }
  void Forget() override {
    passphrase_ = SecretBytes();
    text_ = SecretBytes();
  }

 private:
  Result<SecretBytes> Read() {
    switch (kind_) {
      case PassinKind::kPass:
        return CopyOf(text_);
      case PassinKind::kEnv: {
        // Read before any thread starts (the host verbs start none while keys are read).
        const char* value = std::getenv(argument_.c_str());  // NOLINT(concurrency-mt-unsafe): see above
        if (value == nullptr) return MakeError(what_ + ": the variable is not set");
        return SecretOf(value);
      }
      case PassinKind::kFile: {
        const UniqueFd fd(open(argument_.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
        if (fd.get() < 0) return MakeError(what_ + ": " + ErrnoText(errno));
        return ReadFirstLine(fd.get(), what_);
      }
      case PassinKind::kFd:
      case PassinKind::kStdin:
        return ReadFirstLine(fd_, what_);
    }
    return MakeError(what_ + ": unknown source");
  }

  PassinKind kind_;
  std::string what_;      // "--passin env:PW", never the passphrase
  std::string argument_;  // the variable, path or descriptor
  SecretBytes text_;      // pass:TEXT
  int fd_;                // fd:N, stdin
  bool read_ = false;
  SecretBytes passphrase_;
  std::optional<Error> error_;
};

// The terminal's settings while echo is off, for the signal handler to put back.
// NOLINTBEGIN(cppcoreguidelines-avoid-non-const-global-variables): a signal handler reaches
// nothing else.
volatile std::sig_atomic_t g_tty_fd = -1;
struct termios g_tty_saved {};
// NOLINTEND(cppcoreguidelines-avoid-non-const-global-variables)

constexpr int kRestoringSignals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};

extern "C" void RestoreTerminalAndRaise(int sig) {
  const int fd = g_tty_fd;
  if (fd >= 0) (void)tcsetattr(fd, TCSANOW, &g_tty_saved);
  (void)std::signal(sig, SIG_DFL);  // NOLINT(cert-msc54-cpp): async-signal-safe, extern "C"
  (void)std::raise(sig);            // delivered once this handler returns
}

// Echo off on `fd` from construction to destruction, and on the signals above until then.
class EchoOff {
 public:
  explicit EchoOff(int fd) : fd_(fd) {
    if (tcgetattr(fd_, &saved_) != 0) return;
    struct termios quiet = saved_;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    quiet.c_lflag |= ICANON;
    g_tty_saved = saved_;
    g_tty_fd = fd_;
    // Job control waits until echo is back on: a job stopped here (Ctrl-Z) would leave the shell
    // to restore the terminal and `fg` to go on reading with echo on. Delivered after.
    sigset_t job_control;
    sigemptyset(&job_control);
    for (int sig : {SIGTSTP, SIGTTIN, SIGTTOU}) sigaddset(&job_control, sig);
    (void)pthread_sigmask(SIG_BLOCK, &job_control, &old_mask_);
    for (std::size_t i = 0; i < std::size(kRestoringSignals); ++i) {
      struct sigaction now {};
      now.sa_handler = RestoreTerminalAndRaise;
      sigemptyset(&now.sa_mask);
      (void)sigaction(kRestoringSignals[i], nullptr, &old_[i]);
      if (old_[i].sa_handler != SIG_IGN) (void)sigaction(kRestoringSignals[i], &now, nullptr);
    }
    ok_ = tcsetattr(fd_, TCSAFLUSH, &quiet) == 0;
    errno_ = errno;
  }
  EchoOff(const EchoOff&) = delete;
  EchoOff& operator=(const EchoOff&) = delete;
  EchoOff(EchoOff&&) = delete;
  EchoOff& operator=(EchoOff&&) = delete;
  ~EchoOff() {
    if (g_tty_fd < 0) return;
    (void)tcsetattr(fd_, TCSAFLUSH, &saved_);
    g_tty_fd = -1;
    for (std::size_t i = 0; i < std::size(kRestoringSignals); ++i) (void)sigaction(kRestoringSignals[i], &old_[i], nullptr);
    (void)pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
  }
  bool ok() const { return ok_; }
  int error() const { return errno_; }

 private:
  int fd_;
  struct termios saved_ {};
  struct sigaction old_[std::size(kRestoringSignals)] {};
  sigset_t old_mask_{};
  bool ok_ = false;
  int errno_ = 0;
};

bool WriteAll(int fd, std::string_view text) {
  while (!text.empty()) {
    const ssize_t n = write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    text.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// The prompt on `tty` and the line typed, with echo off until the line is read.
Result<SecretBytes> AskWithEchoOff(int tty, const std::string& key) {
  const EchoOff quiet(tty);
  if (!quiet.ok()) return MakeError("/dev/tty: cannot turn echo off: " + ErrnoText(quiet.error()));
  if (!WriteAll(tty, "Enter the passphrase of " + key + ": ")) return MakeError("/dev/tty: " + ErrnoText(errno));
  return ReadFirstLine(tty, "/dev/tty");
}

class TerminalPrompt final : public PassphraseSource {
 public:
  Result<SecretBytes> Get(std::string_view key_name) override {
    const std::string key(key_name);
    const UniqueFd tty(open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC));
    if (tty.get() < 0) {
      return MakeError("passphrase required (an encrypted private key; no terminal to ask on: " + ErrnoText(errno) +
                       "; give --passin)");
    }
    auto line = AskWithEchoOff(tty.get(), key);
    (void)WriteAll(tty.get(), "\n");  // the Enter the user typed was not echoed
    if (!line) return line.error();
    if (line->empty()) return MakeError("no passphrase typed");
    return line;
  }
};

}  // namespace

Result<std::unique_ptr<PassphraseSource>> ParsePassin(std::string_view source) {
  auto make = [](PassinKind kind, std::string what, std::string argument, SecretBytes text,
                 int fd) -> std::unique_ptr<PassphraseSource> {
    return std::make_unique<Passin>(kind, std::move(what), std::move(argument), std::move(text), fd);
  };
  if (source == "stdin") return make(PassinKind::kStdin, "--passin stdin", {}, {}, STDIN_FILENO);
  if (source.rfind("pass:", 0) == 0) {
    // The text is never shown, not even in errors.
    return make(PassinKind::kPass, "--passin pass:", {}, SecretOf(source.substr(5)), -1);
  }
  const std::string what = "--passin " + std::string(source);
  for (auto [prefix, kind] : {std::pair{std::string_view("env:"), PassinKind::kEnv},
                              {std::string_view("file:"), PassinKind::kFile},
                              {std::string_view("fd:"), PassinKind::kFd}}) {
    if (source.rfind(prefix, 0) != 0) continue;
    const std::string argument(source.substr(prefix.size()));
    if (argument.empty()) return MakeError(what + ": nothing after '" + std::string(prefix) + "'");
    int fd = -1;
    if (kind == PassinKind::kFd) {
      const auto n = ParseDecimal(argument);
      if (!n || *n > kMaxFd) return MakeError(what + ": expected a file descriptor number");
      fd = static_cast<int>(*n);
    }
    return make(kind, what, argument, {}, fd);
  }
  return MakeError("--passin: expected pass:TEXT, env:VAR, file:PATH, fd:N or stdin");
}

bool PassinReadsStdin(std::string_view source) {
  if (source == "stdin" || source == "fd:0" || source == "file:/dev/stdin" || source == "file:/dev/fd/0") return true;
  if (source.rfind("fd:", 0) == 0) {
    const auto n = ParseDecimal(source.substr(3));
    return n && *n == 0;
  }
  return false;
}

std::unique_ptr<PassphraseSource> MakeTerminalPrompt() { return std::make_unique<TerminalPrompt>(); }

Result<std::unique_ptr<PassphraseSource>> PassphraseSourceFor(const std::optional<std::string>& passin) {
  if (passin) return ParsePassin(*passin);
  if (isatty(STDIN_FILENO) == 1) return MakeTerminalPrompt();
  return std::unique_ptr<PassphraseSource>();
}

}  // namespace seattest
