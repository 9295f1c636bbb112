#include "platform/system_tools.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <poll.h>
#include <spawn.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <linux/magic.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <csignal>
#include <cerrno>
#include <string_view>

#include "platform/folders.h"
#include "platform/sys_error.h"
#include "platform/unique_fd.h"

namespace seattest {
namespace {

// The tool's absolute path: the first kToolPath folder that has it executable.
Result<std::string> FindTool(const std::string& name) {
  if (name.empty() || name.find('/') != std::string::npos) return MakeError("'" + name + "': not a tool's name");
  std::string_view dirs = kToolPath;
  while (!dirs.empty()) {
    const std::size_t colon = dirs.find(':');
    const std::string path = std::string(dirs.substr(0, colon)) + "/" + name;
    if (access(path.c_str(), X_OK) == 0) return path;
    dirs = colon == std::string_view::npos ? std::string_view{} : dirs.substr(colon + 1);
  }
  return MakeError(name + ": not found in " + kToolPath);
}

struct Pipe {
  UniqueFd read{-1};
  UniqueFd write{-1};
};

Result<Pipe> MakePipe() {
  std::array<int, 2> fds{};
  if (pipe2(fds.data(), O_CLOEXEC) != 0) return SysError("pipe");
  return Pipe{UniqueFd(fds[0]), UniqueFd(fds[1])};
}

// Keeps the last kMaxToolOutput bytes.
void KeepTail(std::string& tail, const char* data, std::size_t size) {
  tail.append(data, size);
  if (tail.size() > kMaxToolOutput) tail.erase(0, tail.size() - kMaxToolOutput);
}

class SpawnAttributes {
 public:
  SpawnAttributes() { ok_ = posix_spawnattr_init(&attr_) == 0; }
  ~SpawnAttributes() {
    if (ok_) posix_spawnattr_destroy(&attr_);
  }
  SpawnAttributes(const SpawnAttributes&) = delete;
  SpawnAttributes& operator=(const SpawnAttributes&) = delete;
  // The tools get SIGPIPE at its default: ignored here (main), it would be ignored in them too.
  bool DefaultSigpipe() {
    sigset_t defaults;
    return ok_ && sigemptyset(&defaults) == 0 && sigaddset(&defaults, SIGPIPE) == 0 &&
           posix_spawnattr_setsigdefault(&attr_, &defaults) == 0 &&
           posix_spawnattr_setflags(&attr_, POSIX_SPAWN_SETSIGDEF) == 0;
  }
  posix_spawnattr_t* get() { return &attr_; }

 private:
  posix_spawnattr_t attr_{};
  bool ok_ = false;
};

class SpawnActions {
 public:
  SpawnActions() { ok_ = posix_spawn_file_actions_init(&actions_) == 0; }
  ~SpawnActions() {
    if (ok_) posix_spawn_file_actions_destroy(&actions_);
  }
  SpawnActions(const SpawnActions&) = delete;
  SpawnActions& operator=(const SpawnActions&) = delete;
  bool ok() const { return ok_; }
  posix_spawn_file_actions_t* get() { return &actions_; }

 private:
  posix_spawn_file_actions_t actions_{};
  bool ok_ = false;
};

class RealSystemTools final : public SystemTools {
 public:
  Result<ProgramResult> Run(const ProgramCall& call) override {
    if (call.argv.empty()) return MakeError("no tool to run");
    SEA_ASSIGN_OR_RETURN(std::string path, FindTool(call.argv[0]));
    SEA_ASSIGN_OR_RETURN(Pipe out, MakePipe());
    SEA_ASSIGN_OR_RETURN(Pipe err, MakePipe());
    Pipe in;
    if (call.stdin_secret != nullptr) {
      SEA_ASSIGN_OR_RETURN(in, MakePipe());
    } else {
      in.read = UniqueFd(open("/dev/null", O_RDONLY | O_CLOEXEC));
      if (in.read.get() < 0) return SysError("/dev/null");
    }
    SpawnActions actions;
    if (!actions.ok() || posix_spawn_file_actions_adddup2(actions.get(), in.read.get(), 0) != 0 ||
        posix_spawn_file_actions_adddup2(actions.get(), out.write.get(), 1) != 0 ||
        posix_spawn_file_actions_adddup2(actions.get(), err.write.get(), 2) != 0) {
      return MakeError(call.argv[0] + ": cannot set up its standard streams");
    }
    std::vector<char*> argv;
    argv.reserve(call.argv.size() + 1);
    for (const std::string& a : call.argv) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    std::string path_env = std::string("PATH=") + kToolPath;
    std::array<char*, 4> envp{path_env.data(), const_cast<char*>("LC_ALL=C"), const_cast<char*>("DM_DISABLE_UDEV=1"),
                              nullptr};
    SpawnAttributes attributes;
    if (!attributes.DefaultSigpipe()) return MakeError(call.argv[0] + ": cannot set up its signals");
    pid_t pid = 0;
    const int spawned = posix_spawn(&pid, path.c_str(), actions.get(), attributes.get(), argv.data(), envp.data());
    if (spawned != 0) {
      errno = spawned;
      return SysError(path);
    }
    // The child has its copies; ours go, so that its reads and our reads see the ends.
    in.read = UniqueFd(-1);
    out.write = UniqueFd(-1);
    err.write = UniqueFd(-1);

    ProgramResult result;
    if (call.stdin_secret != nullptr) {
      // A secret of a few dozen bytes fits the pipe's buffer whole: one write, never blocking.
      // A tool that exits without reading makes it fail with EPIPE (SIGPIPE is ignored by the
      // program, se-attest-root's main); its exit status then says why.
      const SecretBytes& secret = *call.stdin_secret;
      std::size_t done = 0;
      while (done < secret.size()) {
        const ssize_t n = write(in.write.get(), secret.data() + done, secret.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        done += static_cast<std::size_t>(n);
      }
      in.write = UniqueFd(-1);
    }
    std::array<pollfd, 2> fds{pollfd{out.read.get(), POLLIN, 0}, pollfd{err.read.get(), POLLIN, 0}};
    std::array<char, 4096> buf{};
    int open_streams = 2;
    while (open_streams > 0) {
      if (poll(fds.data(), fds.size(), -1) < 0) {
        if (errno == EINTR) continue;
        break;
      }
      for (pollfd& p : fds) {
        if (p.fd < 0 || p.revents == 0) continue;
        const ssize_t n = read(p.fd, buf.data(), buf.size());
        if (n < 0 && errno == EINTR) continue;
        const bool is_out = p.fd == out.read.get();
        if (n <= 0) {
          p.fd = -1;
          --open_streams;
          continue;
        }
        if (!is_out) {
          KeepTail(result.err, buf.data(), static_cast<std::size_t>(n));
        } else if (call.count_stdout) {
          result.stdout_bytes += static_cast<std::uint64_t>(n);
        } else {
          KeepTail(result.out, buf.data(), static_cast<std::size_t>(n));
        }
      }
    }
    // Read to the end, or given up on (a failed poll or read): either way the tool must not block
    // on a full pipe while we wait for it.
    out.read = UniqueFd(-1);
    err.read = UniqueFd(-1);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
      if (errno != EINTR) return SysError("waiting for " + call.argv[0]);
    }
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return result;
  }

  Result<SecretBytes> RandomKey(std::size_t size) override {
    SecretBytes key(size);
    std::size_t done = 0;
    while (done < size) {
      const ssize_t n = getrandom(key.data() + done, size - done, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return SysError("getrandom");
      done += static_cast<std::size_t>(n);
    }
    return key;
  }

  Result<std::uint64_t> DeviceSize(const std::string& path) override {
    UniqueFd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) return SysPathError(path);
    struct stat st {};
    if (fstat(fd.get(), &st) != 0) return SysPathError(path);
    if (S_ISREG(st.st_mode)) return static_cast<std::uint64_t>(st.st_size);
    std::uint64_t size = 0;
    if (!S_ISBLK(st.st_mode)) return PathError(path, "not a block device");
    if (ioctl(fd.get(), BLKGETSIZE64, &size) != 0) return SysPathError(path);
    return size;
  }

  Result<std::uint64_t> FreeBytes(const std::string& dir) override {
    struct statvfs fs {};
    if (statvfs(dir.c_str(), &fs) != 0) return SysPathError(dir);
    return static_cast<std::uint64_t>(fs.f_bfree) * fs.f_frsize;
  }

  Result<MountState> MountAt(const std::string& dir) override {
    struct stat here {};
    struct stat parent {};
    if (stat(dir.c_str(), &here) != 0) return SysPathError(dir);
    const std::string up = dir + "/..";
    if (stat(up.c_str(), &parent) != 0) return SysPathError(up);
    if (here.st_dev == parent.st_dev && here.st_ino != parent.st_ino) return MountState::kNotMounted;
    struct statfs fs {};
    if (statfs(dir.c_str(), &fs) != 0) return SysPathError(dir);
    return fs.f_type == TMPFS_MAGIC ? MountState::kTmpfs : MountState::kOther;
  }

  Status Mount(const std::string& source, const std::string& dir, const std::string& fs_type,
               const std::string& options) override {
    SEA_RETURN_IF_ERROR(MakeDirs(dir, 0755));
    if (mount(source.c_str(), dir.c_str(), fs_type.c_str(), 0, options.empty() ? nullptr : options.c_str()) != 0) {
      return SysError("mount " + source + " (" + fs_type + ") at " + dir);
    }
    return {};
  }

  Status BindReadOnly(const std::string& from, const std::string& to) override {
    SEA_RETURN_IF_ERROR(MakeDirs(to, 0755));
    if (mount(from.c_str(), to.c_str(), nullptr, MS_BIND, nullptr) != 0) return SysError("bind " + from + " at " + to);
    if (mount(nullptr, to.c_str(), nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY, nullptr) != 0) {
      Error e = SysError("make " + to + " read-only");
      umount2(to.c_str(), MNT_DETACH);
      return e;
    }
    return {};
  }

  Status RemoveFile(const std::string& path) override {
    if (unlink(path.c_str()) != 0) return SysPathError(path);
    return {};
  }
};

}  // namespace

std::unique_ptr<SystemTools> MakeSystemTools() { return std::make_unique<RealSystemTools>(); }

}  // namespace seattest
