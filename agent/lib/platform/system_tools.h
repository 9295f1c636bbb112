// What se-attest-root touches to make the real root: the system's tools (cryptsetup, mkfs.ext4,
// gzip, tar), the kernel's CSPRNG, block device sizes, free space and bind mounts. One small
// interface, so the steps above it (boot/real_root.h) are tested with a fake.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "crypto/secret.h"

namespace seattest {

// The folders a tool's name is looked up in, in order (the environment's PATH is not read).
inline constexpr const char* kToolPath = "/usr/sbin:/usr/bin:/sbin:/bin";
// How much of a tool's output an error quotes (its last bytes: where the tools say why).
inline constexpr std::size_t kMaxToolOutput = 512;

struct ProgramCall {
  std::vector<std::string> argv;  // argv[0]: a tool's name, looked up in kToolPath
  // Written to the tool's stdin through a pipe, then stdin is closed; never an argument, the
  // environment or a file. Null: stdin is /dev/null.
  const SecretBytes* stdin_secret = nullptr;
  bool count_stdout = false;  // stdout is counted (ProgramResult::stdout_bytes), not kept
};

struct ProgramResult {
  int exit_code = 0;  // the tool's exit status; 128 + N when signal N ended it
  std::uint64_t stdout_bytes = 0;
  std::string out;  // the last kMaxToolOutput bytes of its stdout (unless counted)
  std::string err;  // the last kMaxToolOutput bytes of its stderr
};

// What is mounted at a folder.
enum class MountState { kNotMounted, kTmpfs, kOther };

class SystemTools {
 public:
  virtual ~SystemTools() = default;
  // Runs a tool to its end, with a fixed environment (PATH=kToolPath, LC_ALL=C, and
  // DM_DISABLE_UDEV=1: device-mapper makes its own nodes rather than wait for udev rules an initrd
  // may lack) and SIGPIPE at its default. An error only when it could not be run at all.
  virtual Result<ProgramResult> Run(const ProgramCall& call) = 0;
  // `size` bytes from the kernel's CSPRNG (getrandom(2), waiting until it is seeded).
  virtual Result<SecretBytes> RandomKey(std::size_t size) = 0;
  // The size of a block device (or a regular file) in bytes.
  virtual Result<std::uint64_t> DeviceSize(const std::string& path) = 0;
  // The bytes root may still write in the filesystem of `dir` (statvfs: f_bfree * f_frsize).
  virtual Result<std::uint64_t> FreeBytes(const std::string& dir) = 0;
  // Whether `dir` is the root of a mount (its device differs from its parent's), and of what.
  virtual Result<MountState> MountAt(const std::string& dir) = 0;
  // mount(2) of `source` (a device, or "tmpfs") at `dir` (created, with its parents, 0755).
  virtual Status Mount(const std::string& source, const std::string& dir, const std::string& fs_type,
                       const std::string& options) = 0;
  // Binds `from` at `to` (created, with its parents, 0755), then makes that mount read-only.
  virtual Status BindReadOnly(const std::string& from, const std::string& to) = 0;
  virtual Status RemoveFile(const std::string& path) = 0;
};

std::unique_ptr<SystemTools> MakeSystemTools();

}  // namespace seattest
