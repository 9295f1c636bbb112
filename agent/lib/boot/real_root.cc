#include "boot/real_root.h"

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string_view>
#include <utility>

#include "boot/configuration.h"
#include "boot/device_wait.h"
#include "boot/failure.h"
#include "boot/step_log.h"
#include "core/crypt_status.h"
#include "core/limits_and_defaults.h"
#include "core/output_layout.h"

namespace seattest {
namespace {

const std::string kMapperDevice = "/dev/mapper/" + std::string(kRootDiskMapping);

std::string MiB(std::uint64_t bytes) { return std::to_string((bytes + (1u << 20) - 1) >> 20) + " MiB"; }

// A tool's last words, on one line.
std::string OneLine(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  std::string out;
  for (char c : text) {
    if (c == '\n') {
      out += " / ";
    } else {
      out += c;
    }
  }
  return out.empty() ? "no message" : out;
}

// How long each tool took, for the lines of the steps that went well ("luksFormat 0.41 s, ...").
class Durations {
 public:
  void Add(const std::string& name, std::chrono::steady_clock::duration d) {
    const double s = std::chrono::duration<double>(d).count();
    char buf[32];
    (void)std::snprintf(buf, sizeof buf, "%.2f s", s);
    text_ += (text_.empty() ? "" : ", ") + name + " " + buf;
    total_ += s;
  }
  // "in 2.41 s (luksFormat 0.41 s, ...)"
  std::string Text() const {
    char buf[32];
    (void)std::snprintf(buf, sizeof buf, "%.2f s", total_);
    return std::string("in ") + buf + " (" + text_ + ")";
  }

 private:
  std::string text_;
  double total_ = 0;
};

// Runs one tool of a step (`name` in messages); its failure is that step's.
Outcome<ProgramResult> RunStep(SystemTools& tools, FailureClass step, const std::string& item, const std::string& name,
                               const ProgramCall& call, Durations* durations = nullptr) {
  const auto start = std::chrono::steady_clock::now();
  auto result = tools.Run(call);
  if (durations != nullptr) durations->Add(name, std::chrono::steady_clock::now() - start);
  if (!result) return Fail(step, item + ": " + name + ": " + result.error().message, item);
  if (result->exit_code != 0) {
    return Fail(step, item + ": " + name + " failed (exit " + std::to_string(result->exit_code) + "): " +
                          OneLine(result->err.empty() ? result->out : result->err),
                item);
  }
  return std::move(*result);
}

// The byte count of the kept root.tar.gz unpacked: its tar stream, which the files' contents
// and their headers make up.
Outcome<std::uint64_t> UnpackedSize(SystemTools& tools, const std::string& tarball) {
  const ProgramCall call{{"gzip", "-dc", tarball}, nullptr, true};
  SEA_ASSIGN_OR_RETURN(ProgramResult r,
                       RunStep(tools, FailureClass::kRealRootUnpack, tarball, "gzip -dc", call));
  return r.stdout_bytes;
}

struct Paths {
  std::string tarball;  // the kept root.tar.gz
  std::string record;   // the output folder
};

Outcome<Paths> KeptPaths(const Configuration& config) {
  if (config.agent.root_tarball_copy.empty()) {
    return Fail(FailureClass::kConfiguration,
                "configuration has no root.tarball_copy: the agent kept no measured root.tar.gz to unpack (seal it anew)",
                "root.tarball_copy");
  }
  return Paths{ResolvePath(config.dir, config.agent.root_tarball_copy), config.output_dir};
}

// The root disk, made anew and mounted at `root` (see real_root.h); its device. `unpacked` gets
// the unpacked root.tar.gz's size it measured, for MakeRoot's own check (one decompression).
Outcome<std::string> MakeDisk(const Configuration& config, const Paths& paths, const RealRootOptions& options,
                              const std::string& root, RealRootPlatform& p, StepLines& lines,
                              std::optional<std::uint64_t>& unpacked_out) {
  const std::string spec = config.agent.root_disk->ToString();

  auto found = ResolveDevice(p.devices, *config.agent.root_disk, options.wait_seconds);
  if (!found) return Fail(FailureClass::kRootDiskMissing, "root disk " + found.error().message, spec);
  const std::string disk = *found;
  const std::string item = disk + " (" + spec + ")";

  // Nothing is written to the disk unless the root fits: the LUKS2 header, then the unpacked tar
  // stream (the filesystem's own room is checked once it is made, by MakeRealRoot).
  SEA_ASSIGN_OR_RETURN(std::uint64_t unpacked, UnpackedSize(p.tools, paths.tarball));
  unpacked_out = unpacked;
  auto size = p.tools.DeviceSize(disk);
  if (!size) return Fail(FailureClass::kRootDiskMissing, "root disk " + size.error().message, disk);
  const std::uint64_t needed = kLuks2HeaderBytes + unpacked;
  if (*size < needed) {
    return Fail(FailureClass::kRootDiskTooSmall,
                "root disk " + item + " is too small: " + std::to_string(*size) + " bytes (" + MiB(*size) +
                    "), the LUKS2 header and the unpacked root.tar.gz need " + std::to_string(needed) + " (" +
                    MiB(needed) + ")",
                disk, std::to_string(needed), std::to_string(*size));
  }

  Durations took;
  const std::string where = "root disk " + item;
  {
    // The keyslot's passphrase lives here, and in the pipes to cryptsetup, only until the device
    // is open; the volume key, cryptsetup's, only in cryptsetup and then in dm-crypt.
    auto key = p.tools.RandomKey(kRootDiskPassphraseBytes);
    if (!key) return Fail(FailureClass::kRootDiskFormat, where + ": no passphrase: " + key.error().message, disk);
    SEA_RETURN_IF_ERROR(RunStep(p.tools, FailureClass::kRootDiskFormat, where, "cryptsetup luksFormat",
                                ProgramCall{LuksFormatArgs(disk), &*key, false}, &took));
    // dm-crypt (and dm-mod under it), from the initrd's modules unless built in.
    SEA_RETURN_IF_ERROR(RunStep(p.tools, FailureClass::kRootDiskOpen, where, "modprobe dm_crypt",
                                ProgramCall{{"modprobe", "dm_crypt"}, nullptr, false}, &took));
    SEA_RETURN_IF_ERROR(RunStep(p.tools, FailureClass::kRootDiskOpen, where, "cryptsetup open",
                                ProgramCall{LuksOpenArgs(disk), &*key, false}, &took));
  }
  // open loaded what the header on the disk says, and the host could have rewritten it since
  // luksFormat: the live device must be what was formatted, or nothing is written through it.
  SEA_ASSIGN_OR_RETURN(ProgramResult status,
                       RunStep(p.tools, FailureClass::kRootDiskOpen, where, "cryptsetup status",
                               ProgramCall{{"cryptsetup", "status", std::string(kRootDiskMapping)}, nullptr, false}));
  if (auto live = CheckRootDiskStatus(status.out, disk); !live) {
    return Fail(FailureClass::kRootDiskOpen,
                where + ": " + live.error().message + ": its LUKS2 header was changed between luksFormat and open",
                disk);
  }
  SEA_RETURN_IF_ERROR(RunStep(p.tools, FailureClass::kRootDiskFormat, where, "cryptsetup luksErase",
                              ProgramCall{LuksEraseArgs(disk), nullptr, false}, &took));
  SEA_RETURN_IF_ERROR(RunStep(p.tools, FailureClass::kRootDiskMkfs, kMapperDevice, "mke2fs",
                              ProgramCall{MkfsArgs(), nullptr, false}, &took));
  if (auto mounted = p.tools.Mount(kMapperDevice, root, "ext4", ""); !mounted) {
    return Fail(FailureClass::kRootDiskMkfs, "root disk " + item + ": " + mounted.error().message, kMapperDevice);
  }
  lines.push_back(InfoLine(message_id::kRootDiskReady,
                           where + ": new LUKS2 (aes-xts-plain64, a 512-bit volume key made at this boot, no "
                           "keyslot kept), "
                           "opened as " + kMapperDevice + ", a new ext4 on it mounted at " + root + ", " + took.Text(),
                           {{"SE_ATTEST_ITEM", disk}}));
  return disk;
}

Outcome<std::string> MakeRoot(const RealRootOptions& options, const std::string& root, RealRootPlatform& p,
                              StepLines& lines) {
  AgentOptions agent_options;
  agent_options.config_path = options.config_path;
  SEA_ASSIGN_OR_RETURN(Configuration config, LoadConfiguration(agent_options));
  SEA_ASSIGN_OR_RETURN(Paths paths, KeptPaths(config));
  auto mounted = p.tools.MountAt(root);
  if (!mounted) return Fail(FailureClass::kRealRootUnpack, "real root " + mounted.error().message, root);
  std::optional<std::uint64_t> unpacked_size;  // measured once: by MakeDisk, or below
  if (config.agent.root_disk) {
    // Something else mounted it (a sysroot.mount from a root= on the kernel command line): the
    // real root is the encrypted disk or nothing.
    if (*mounted != MountState::kNotMounted) {
      return Fail(FailureClass::kRootDiskMkfs,
                  "real root " + root + " is mounted already: an image sealed with --root-disk mounts its root disk "
                  "there itself (is there a root= on the kernel command line?)",
                  root);
    }
    SEA_RETURN_IF_ERROR(MakeDisk(config, paths, options, root, p, lines, unpacked_size));
  } else if (*mounted == MountState::kOther) {
    // A tmpfs the initrd mounted (sysroot.mount) is taken; anything else is no real root of ours.
    return Fail(FailureClass::kRealRootUnpack,
                "real root " + root + " is mounted, and not as a tmpfs: this image's real root is a tmpfs (something "
                "else mounted it: a root= on the kernel command line?)",
                root);
  } else if (*mounted == MountState::kNotMounted) {
    if (auto tmpfs = p.tools.Mount("tmpfs", root, "tmpfs", kTmpfsRootOptions); !tmpfs) {
      return Fail(FailureClass::kRealRootUnpack, "real root: " + tmpfs.error().message, root);
    }
  }
  if (!unpacked_size) {
    SEA_ASSIGN_OR_RETURN(unpacked_size, UnpackedSize(p.tools, paths.tarball));
  }
  const std::uint64_t unpacked = *unpacked_size;
  auto free_bytes = p.tools.FreeBytes(root);
  if (!free_bytes) return Fail(FailureClass::kRealRootUnpack, "real root " + free_bytes.error().message, root);
  if (*free_bytes < unpacked) {
    const std::string what = config.agent.root_disk ? "the root disk's filesystem" : "the tmpfs";
    return Fail(FailureClass::kRootDiskTooSmall,
                "real root " + root + ": " + what + " has " + std::to_string(*free_bytes) + " bytes free (" +
                    MiB(*free_bytes) + "), the unpacked root.tar.gz needs " + std::to_string(unpacked) + " (" +
                    MiB(unpacked) + ")",
                root, std::to_string(unpacked), std::to_string(*free_bytes));
  }
  Durations took;
  SEA_RETURN_IF_ERROR(RunStep(p.tools, FailureClass::kRealRootUnpack, "real root " + root, "tar -xzf",
                              ProgramCall{{"tar", "-xzf", paths.tarball, "-C", root}, nullptr, false}, &took));
  if (auto removed = p.tools.RemoveFile(paths.tarball); !removed) {
    return Fail(FailureClass::kRealRootUnpack, "kept root.tar.gz: " + removed.error().message, paths.tarball);
  }
  const std::string record_at = root + "/" + std::string(kRecordMountPoint);
  if (auto bound = p.tools.BindReadOnly(paths.record, record_at); !bound) {
    return Fail(FailureClass::kRealRootUnpack, "record: " + bound.error().message, paths.record);
  }
  lines.push_back(InfoLine(message_id::kRealRootReady,
                           "real root " + root + " unpacked from the measured root.tar.gz (" +
                               std::string(config.agent.root_disk ? "on the encrypted root disk " + kMapperDevice
                                                                  : "in a tmpfs") +
                               ") " + took.Text() + "; record at /" + std::string(kRecordMountPoint) + " (read-only)",
                           {{"SE_ATTEST_ITEM", root}}));
  return root;
}

// Logs the step lines, or the one failure; the exit code.
template <class T>
int Finish(const Outcome<T>& outcome, const StepLines& lines, Logger& log, std::FILE* out) {
  for (const StepLine& line : lines) {
    log.Log(line.entry);
    if (out != nullptr) (void)std::fprintf(out, "se-attest-root: %s\n", FormatLine(line.entry).c_str());
  }
  if (!outcome) {
    log.Log(FailureEntry(outcome.error()));
    return ExitCodeOf(outcome.error());
  }
  return kExitOk;
}

}  // namespace

std::vector<std::string> LuksFormatArgs(const std::string& device) {
  // cryptsetup makes the volume key (from the kernel's CSPRNG). The keyslot's passphrase is 512
  // random bits: no guessing to slow down, so the cheapest PBKDF cryptsetup takes (PBKDF2, its
  // least iteration count, no benchmark) rather than Argon2id's seconds and its memory (a
  // gigabyte, or half the guest's RAM). 4096-byte sectors: an eighth of the IVs, and the ext4
  // block size. The label names what the disk is to a host that looks.
  return {"cryptsetup", "luksFormat", "--batch-mode", "--type", "luks2", "--cipher", "aes-xts-plain64",
          "--key-size", std::to_string(kRootDiskKeyBits), "--hash", "sha256", "--pbkdf", "pbkdf2", "--pbkdf-force-iterations", "1000",
          "--sector-size", "4096", "--label", std::string(kRootDiskMapping), "--key-file", "-", "--keyfile-size",
          std::to_string(kRootDiskPassphraseBytes), device};
}

std::vector<std::string> LuksOpenArgs(const std::string& device) {
  // --disable-keyring: the volume key goes to dm-crypt in its table, not through the kernel
  // keyring (docs/boot.md: what that changes, and why it gives the workload nothing). No
  // --allow-discards: discards would show the host which blocks are in use.
  return {"cryptsetup", "open", "--type", "luks2", "--disable-keyring", "--key-file", "-", "--keyfile-size",
          std::to_string(kRootDiskPassphraseBytes), device, std::string(kRootDiskMapping)};
}

std::vector<std::string> LuksEraseArgs(const std::string& device) {
  // The open device keeps the volume key in the kernel; the header keeps no keyslot: nothing on
  // the disk, wrapped or not, opens it again.
  return {"cryptsetup", "luksErase", "--batch-mode", device};
}

std::vector<std::string> MkfsArgs() {
  // mke2fs (mkfs.ext4 is a link to it). No discard pass: it would tell the host the filesystem's layout, and the device is new.
  return {"mke2fs", "-t", "ext4", "-q", "-F", "-E", "nodiscard", "-L", "se-rootfs", kMapperDevice};
}

int MakeRealRoot(const RealRootOptions& options, const std::string& root, RealRootPlatform& platform) {
  StepLines lines;
  const Outcome<std::string> outcome = MakeRoot(options, root, platform, lines);
  return Finish(outcome, lines, platform.log, platform.out);
}

}  // namespace seattest
