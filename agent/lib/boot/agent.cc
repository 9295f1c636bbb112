#include "boot/agent.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <functional>
#include <thread>
#include <vector>

#include "boot/output.h"
#include "core/config.h"
#include "core/contract.h"
#include "core/extents.h"
#include "core/filesystems.h"
#include "core/hex.h"
#include "core/progress.h"
#include "core/record.h"
#include "core/sysinfo.h"
#include "crypto/contract_signature.h"
#include "crypto/keys.h"
#include "crypto/rsa.h"
#include "crypto/sha256.h"
#include "crypto/token.h"
#include "platform/errno_text.h"
#include "platform/file_io.h"
#include "platform/key_file.h"
#include "platform/thread.h"
#include "platform/unique_fd.h"

namespace seattest {
namespace {

// A failed step: the exit code and everything the one log entry says about it.
struct Failure {
  int exit_code;
  std::string_view message_id;
  std::string message;
  std::string item;
  std::string expected;
  std::string actual;
};

Failure Fail(int code, std::string_view id, std::string message, std::string item = {},
             std::string expected = {}, std::string actual = {}) {
  return Failure{code, id, std::move(message), std::move(item), std::move(expected), std::move(actual)};
}

struct Keys {
  EvpPkeyPtr attestation;
  EvpPkeyPtr contract;
};

struct CidataFile {
  OutputItem item;
  std::string_view record_name;  // "cidata/user-data"
  std::string file_name;         // "user-data"
  bool required;
  std::optional<Bytes> content;  // what was read, hashed and kept
};

// The copy of root.tar.gz made while it is hashed: a temporary file, renamed into place only once
// the digest matched the build, removed otherwise.
class KeptCopy {
 public:
  static Result<KeptCopy> Open(const std::string& path) {
    SEA_RETURN_IF_ERROR(MakeDirs(DirName(path), 0700));
    const std::string tmp = path + ".partial";
    unlink(tmp.c_str());
    // An older run's copy must not pass for this one's.
    if (unlink(path.c_str()) != 0 && errno != ENOENT) return MakeError(path + ": " + ErrnoText(errno));
    UniqueFd out(open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (out.get() < 0) return MakeError(tmp + ": " + ErrnoText(errno));
    return KeptCopy(path, std::move(out));
  }
  KeptCopy(KeptCopy&&) noexcept = default;  // the moved-from copy holds no descriptor
  KeptCopy(const KeptCopy&) = delete;
  KeptCopy& operator=(const KeptCopy&) = delete;
  KeptCopy& operator=(KeptCopy&&) = delete;
  ~KeptCopy() {
    if (fd_.get() >= 0) unlink((path_ + ".partial").c_str());  // not kept: the descriptor closes itself
  }
  int fd() const { return fd_.get(); }
  Status Keep() {
    const std::string tmp = path_ + ".partial";
    if (close(fd_.release()) != 0 || rename(tmp.c_str(), path_.c_str()) != 0) {
      Error e = MakeError(path_ + ": " + ErrnoText(errno));
      unlink(tmp.c_str());
      return e;
    }
    return {};
  }

 private:
  KeptCopy(std::string path, UniqueFd fd) : path_(std::move(path)), fd_(std::move(fd)) {}
  std::string path_;
  UniqueFd fd_;
};

// Runs a task on a thread of its own and joins it when it goes out of scope; where no thread can
// be started, runs it right away on this one (slower, same result).
class BackgroundTask {
 public:
  explicit BackgroundTask(const std::function<void()>& task) {
    auto started = StartThread(task, "a background task");
    if (started) {
      thread_ = std::move(*started);
    } else {
      task();
    }
  }
  BackgroundTask(const BackgroundTask&) = delete;
  BackgroundTask& operator=(const BackgroundTask&) = delete;
  ~BackgroundTask() {
    if (thread_.joinable()) thread_.join();
  }

 private:
  std::thread thread_;
};

class AgentRun {
 public:
  AgentRun(const AgentOptions& options, Platform& platform) : options_(options), p_(platform) {}

  int Run() {
    Info(message_id::kStarted, "started with configuration " + options_.config_path);
    std::optional<Failure> failure = Flow();
    if (failure) {
      // Nothing of a failed run is used: not even a root.tar.gz that was verified.
      if (!config_.root_tarball_copy.empty()) unlink(config_.root_tarball_copy.c_str());
      LogEntry e{Priority::kErr, failure->message_id, failure->message, {}};
      if (!failure->item.empty()) e.fields.emplace_back("SE_ATTEST_ITEM", failure->item);
      if (!failure->expected.empty()) e.fields.emplace_back("SE_ATTEST_EXPECTED", failure->expected);
      if (!failure->actual.empty()) e.fields.emplace_back("SE_ATTEST_ACTUAL", failure->actual);
      e.fields.emplace_back("SE_ATTEST_EXIT", std::to_string(failure->exit_code));
      p_.log.Log(e);
      return failure->exit_code;
    }
    return kExitOk;
  }

 private:
  // A step done while the root partition is still being hashed is logged and recorded only once
  // the root is verified: the log and the record read in the order of the SPEC's boot.
  struct Step {
    LogEntry entry;
    std::optional<RecordEntry> measured;
  };

  void Done(Step step) {
    if (defer_) {
      deferred_.push_back(std::move(step));
      return;
    }
    p_.log.Log(step.entry);
    if (step.measured) entries_.push_back(std::move(*step.measured));
  }

  void Info(std::string_view id, std::string message,
            std::vector<std::pair<std::string, std::string>> fields = {}) {
    Done(Step{LogEntry{Priority::kInfo, id, std::move(message), std::move(fields)}, std::nullopt});
  }

  void Measured(std::string_view name, const Sha256Digest& d, const std::string& source) {
    Done(Step{LogEntry{Priority::kInfo, message_id::kMeasured,
                       "measured " + std::string(name) + " from " + source + ": " + ToHex(d),
                       {{"SE_ATTEST_ITEM", std::string(name)}, {"SE_ATTEST_ACTUAL", ToHex(d)}, {"SE_ATTEST_SOURCE", source}}},
              RecordEntry{d, std::string(name)}});
  }

  void FlushDeferred() {
    for (Step& step : deferred_) Done(std::move(step));
    deferred_.clear();
  }

  std::optional<Failure> Flow() {
    if (auto f = LoadConfig()) return f;
    // A failed run must not leave an older record behind that could pass for this one.
    if (auto s = ClearOutputFolder(output_dir_); !s) {
      return Fail(kExitOutput, message_id::kOutputFailure, "cannot clear the output folder: " + s.error().message, output_dir_);
    }
    if (auto f = LoadKeys()) return f;
    if (auto f = ReadMachine()) return f;
    if (auto f = CheckSecureExecution()) return f;
    if (auto f = ResolveRoot()) return f;
    if (auto f = OpenTarballCopy()) return f;
    // The root partition is read once, on a thread of its own (a reader thread feeds it): hashed,
    // and root.tar.gz copied out of it at the extents seal recorded; it is never mounted. This
    // thread meanwhile measures cidata and reads the contract: the run costs about the root's hash
    // alone. Failures keep the order of the boot: root partition, root.tar.gz, cidata, contract.
    std::optional<Failure> cidata_failure;
    Result<StreamDigest> root_digest = MakeError("not hashed");
    {
      BackgroundTask root_hash([this, &root_digest] {
        root_digest = HashRoot();
        // The verdict is CheckRootDigest's; this only ends the cidata work, now in vain.
        root_failed_ = !root_digest || !DigestsEqual(root_digest->digest, config_.root_sha256);
      });
      defer_ = true;
      cidata_failure = MeasureCidata();
      if (!cidata_failure) cidata_failure = ReadContract();
    }
    defer_ = false;
    if (auto f = CheckRootDigest(root_digest)) return f;
    Measured(kNameBaseimage, config_.baseimage_sha256, "the build");
    if (auto f = CheckRootTarball()) return f;
    if (cidata_failure) return cidata_failure;
    FlushDeferred();
    // The copy before the record: once the record is written nothing can fail any more (a record
    // exists only for a run that succeeded; Run() removes the copy of one that failed).
    if (auto f = KeepTarballCopy()) return f;
    return WriteRecord();
  }

  std::optional<Failure> LoadConfig() {
    auto text = ReadFile(options_.config_path, kMaxConfigSize);
    if (!text) return Fail(kExitUsage, message_id::kUsageError, "configuration: " + text.error().message, options_.config_path);
    auto config = ParseAgentConfig(AsText(*text), options_.config_path);
    if (!config) return Fail(kExitUsage, message_id::kUsageError, config.error().message, options_.config_path);
    config_ = std::move(*config);
    config_dir_ = DirName(options_.config_path);
    output_dir_ = options_.output_dir ? *options_.output_dir : ResolvePath(config_dir_, config_.output_dir);
    return std::nullopt;
  }

  std::optional<Failure> LoadKey(const std::string& configured, const char* what, int exact_bits, EvpPkeyPtr& out) {
    const std::string path = ResolvePath(config_dir_, configured);
    auto file = ReadPrivateKeyFile(path, kMinRsaKeyBits, exact_bits);
    if (!file) return Fail(kExitUsage, message_id::kUsageError, std::string(what) + " key: " + file.error().message, path);
    out = std::move(file->key);
    return std::nullopt;
  }

  std::optional<Failure> LoadKeys() {
    if (auto f = LoadKey(config_.attestation_key, "attestation", kAttestationKeyBits, keys_.attestation)) return f;
    return LoadKey(config_.contract_key, "contract", 0, keys_.contract);
  }

  std::optional<Failure> ReadMachine() {
    auto text = ReadFile(options_.sysinfo_path, kMaxSysinfoSize);
    if (!text) return Fail(kExitUsage, message_id::kUsageError, "machine: " + text.error().message, options_.sysinfo_path);
    auto id = ParseSysinfo(AsText(*text), options_.sysinfo_path);
    if (!id) return Fail(kExitUsage, message_id::kUsageError, "machine: " + id.error().message, options_.sysinfo_path);
    machine_ = id->ToString();
    return std::nullopt;
  }

  // Logs what the ultravisor says (under emulation this is no Secure Execution guest, and the log
  // says so rather than let anyone assume otherwise); refuses to go on outside Secure Execution
  // unless the image was sealed for development.
  std::optional<Failure> CheckSecureExecution() {
    auto flag = ReadFile(options_.prot_virt_guest_path, 64);
    const bool protected_guest = flag && AsText(*flag).substr(0, 1) == "1";
    if (!protected_guest && config_.require_secure_execution) {
      return Fail(kExitUsage, message_id::kSecureExecution,
                  "Secure Execution required (the image was not sealed with --development), but this is not a "
                  "protected guest: " + options_.prot_virt_guest_path + (flag ? " is not 1" : " cannot be read"),
                  options_.prot_virt_guest_path);
    }
    // A warning when it is not, so it reaches the console (stderr) under systemd too.
    p_.log.Log(LogEntry{protected_guest ? Priority::kInfo : Priority::kWarning, message_id::kSecureExecution,
                        protected_guest ? "Secure Execution: this is a protected guest (" + options_.prot_virt_guest_path + " = 1)"
                                        : "Secure Execution: NOT a protected guest (" + options_.prot_virt_guest_path +
                                              (flag ? " is not 1" : " cannot be read") +
                                              "); the record attests nothing about the hypervisor",
                        {{"SE_ATTEST_PROTECTED_GUEST", protected_guest ? "1" : "0"}}});
    return std::nullopt;
  }

  // Resolves a device, waiting up to --wait seconds while it is not there yet. An ambiguous spec
  // fails at once: waiting would not make it less ambiguous. Neither is a wait for cidata worth
  // anything once the root partition has failed: the boot stops on that.
  Result<std::string> ResolveDevice(const DeviceSpec& spec) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(options_.wait_seconds);
    for (;;) {
      auto device = p_.devices.Resolve(spec);
      if (device || device.error().kind != Error::Kind::kNotFound ||
          std::chrono::steady_clock::now() >= deadline) {
        if (!device && device.error().kind == Error::Kind::kNotFound && options_.wait_seconds > 0) {
          return MakeError(device.error().message + " (waited " + std::to_string(options_.wait_seconds) + " s)");
        }
        return device;
      }
      if (root_failed_) return MakeError(device.error().message + " (not waited for: the root partition failed)");
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
  }

  std::optional<Failure> ResolveRoot() {
    auto device = ResolveDevice(config_.root_device);
    if (!device) {
      return Fail(kExitIntegrity, message_id::kIntegrityFailure, "root partition: " + device.error().message,
                  config_.root_device.ToString());
    }
    root_device_ = *device;
    return std::nullopt;
  }

  // root.tar.gz's copy, when the image keeps one: opened before the root partition is read.
  std::optional<Failure> OpenTarballCopy() {
    if (config_.root_tarball_copy.empty()) return std::nullopt;
    auto opened = KeptCopy::Open(config_.root_tarball_copy);
    if (!opened) return Fail(kExitOutput, message_id::kOutputFailure, "root.tarball_copy: " + opened.error().message, config_.root_tarball_copy);
    tarball_copy_.emplace(std::move(*opened));
    return std::nullopt;
  }

  // On the root hashing thread: reads, hashes and copies only, and reports progress
  // (thread-safe); the verdicts are CheckRootDigest's and CheckRootTarball's, on the main thread.
  // A device of another size than sealed is not read at all.
  Result<StreamDigest> HashRoot() {
    SEA_ASSIGN_OR_RETURN(Sha256 tar_sha, Sha256::Create());
    const int copy_fd = tarball_copy_ ? tarball_copy_->fd() : -1;
    ExtentPicker picker(config_.root_tarball_extents, [this, &tar_sha, copy_fd](const std::uint8_t* data, std::size_t size) -> Status {
      tar_sha.Update(data, size);
      if (copy_fd < 0) return {};
      Status written = WriteAll(copy_fd, data, size, "root.tarball_copy");
      if (!written) copy_failed_ = true;  // our own output failed, not the root partition
      return written;
    });
    ProgressMeter meter("root partition " + root_device_, ProgressMeter::Clock::now());
    HashOptions how;
    how.expected_size = config_.root_size;
    how.on_chunk = [&picker](std::uint64_t offset, const std::uint8_t* data, std::size_t size) {
      return picker.Feed(offset, data, size);
    };
    how.progress = [this, &meter](std::uint64_t done, std::uint64_t total) {
      if (auto line = meter.At(done, total, ProgressMeter::Clock::now())) p_.log.Progress(line->text, line->console);
    };
    auto digest = HashPath(root_device_, how);
    if (digest && picker.done()) tarball_sha256_ = tar_sha.Finish();
    return digest;
  }

  std::optional<Failure> CheckRootDigest(const Result<StreamDigest>& digest) {
    const std::string& device = root_device_;
    if (!digest && copy_failed_) {
      return Fail(kExitOutput, message_id::kOutputFailure, digest.error().message, config_.root_tarball_copy);
    }
    if (!digest) return Fail(kExitIntegrity, message_id::kIntegrityFailure, "root partition: " + digest.error().message, device);
    if (!DigestsEqual(digest->digest, config_.root_sha256)) {
      return Fail(kExitIntegrity, message_id::kIntegrityFailure,
                  "root partition " + device + " (" + config_.root_device.ToString() +
                      ") differs from the build: expected sha256 " + ToHex(config_.root_sha256) + ", found " +
                      ToHex(digest->digest),
                  device, ToHex(config_.root_sha256), ToHex(digest->digest));
    }
    Info(message_id::kMeasured, "root partition " + device + " verified: " + ToHex(digest->digest) + " (" +
                                    std::to_string(digest->size) + " bytes)",
         {{"SE_ATTEST_ITEM", device}, {"SE_ATTEST_EXPECTED", ToHex(config_.root_sha256)},
          {"SE_ATTEST_ACTUAL", ToHex(digest->digest)}});
    return std::nullopt;
  }

  // root.tar.gz as picked out of the verified partition. It cannot differ from the build unless
  // the configuration contradicts itself (its extents and its digest), but it is compared anyway:
  // the record states what was read, not what was expected.
  std::optional<Failure> CheckRootTarball() {
    const std::string where = config_.root_tarball + " in " + root_device_;
    if (!tarball_sha256_) {
      return Fail(kExitIntegrity, message_id::kIntegrityFailure,
                  std::string(kNameRootTarball) + " (" + where + "): not all of its extents were read",
                  std::string(kNameRootTarball));
    }
    if (!DigestsEqual(*tarball_sha256_, config_.root_tarball_sha256)) {
      return Fail(kExitIntegrity, message_id::kIntegrityFailure,
                  std::string(kNameRootTarball) + " (" + where + ") differs from the build: expected sha256 " +
                      ToHex(config_.root_tarball_sha256) + ", found " + ToHex(*tarball_sha256_),
                  std::string(kNameRootTarball), ToHex(config_.root_tarball_sha256), ToHex(*tarball_sha256_));
    }
    Measured(kNameRootTarball, *tarball_sha256_, where + " (" + std::to_string(config_.root_tarball_size) + " bytes at " +
                                                      std::to_string(config_.root_tarball_extents.size()) + " extents)");
    return std::nullopt;
  }

  // Renamed into place only once everything but writing the record succeeded; a run that fails
  // after all the same loses it again (Run()).
  std::optional<Failure> KeepTarballCopy() {
    if (!tarball_copy_) return std::nullopt;
    if (auto kept = tarball_copy_->Keep(); !kept) {
      return Fail(kExitOutput, message_id::kOutputFailure, "root.tarball_copy: " + kept.error().message, config_.root_tarball_copy);
    }
    return std::nullopt;
  }

  std::optional<Failure> MeasureCidata() {
    const std::string spec = config_.cidata_device.ToString();
    auto device = ResolveDevice(config_.cidata_device);
    if (!device) return Fail(kExitContract, message_id::kInvalidContract, "cidata device: " + device.error().message, spec);
    ProgressMeter meter("cidata device " + *device, ProgressMeter::Clock::now());
    HashOptions how;
    how.max_size = kMaxCidataDeviceSize;
    how.cancel = &root_failed_;  // the boot stops on the root partition: no use reading on
    how.progress = [this, &meter](std::uint64_t done, std::uint64_t total) {
      if (auto line = meter.At(done, total, ProgressMeter::Clock::now())) p_.log.Progress(line->text, line->console);
    };
    auto digest = HashPath(*device, how);
    if (!digest) return Fail(kExitContract, message_id::kInvalidContract, "cidata device: " + digest.error().message, *device);
    Measured(kNameCidataDevice, digest->digest, *device);

    // The types cidata may be mounted as follow from the sealed image alone (docs/threat-model.md,
    // "The cidata filesystem"); the probe only says which of them this device claims to be.
    const std::vector<std::string> allowed = CidataFilesystems(!config_.require_secure_execution);
    auto fs_type = p_.devices.FilesystemType(*device);
    if (!fs_type) return Fail(kExitContract, message_id::kInvalidContract, "cidata device: " + fs_type.error().message, *device);
    if (auto s = CheckCidataFilesystem(*device, *fs_type, allowed); !s) {
      return Fail(kExitContract, message_id::kInvalidContract, "cidata device: " + s.error().message, *device);
    }
    // Read as cloud-init reads it (`mount -o ro`, files opened by name): the kernel's default view
    // of that type; the workload is told to trust only the copies (README).
    auto mounted = p_.mounter.MountReadOnly(*device, *fs_type);
    if (!mounted) return Fail(kExitContract, message_id::kInvalidContract, "cidata device: " + mounted.error().message, *device);
    cidata_ = {{OutputItem::kMetaData, kNameMetaData, "meta-data", true, {}},
               {OutputItem::kUserData, kNameUserData, "user-data", true, {}},
               {OutputItem::kVendorData, kNameVendorData, "vendor-data", false, {}}};
    for (CidataFile& f : cidata_) {
      const std::string path = (*mounted)->dir() + "/" + f.file_name;
      struct stat st {};
      if (!f.required && lstat(path.c_str(), &st) != 0 && errno == ENOENT) continue;  // absent, not a dangling link
      // Read once; what is hashed is what is kept and copied to the output folder.
      auto content = ReadFile(path, kMaxCidataFileSize, Follow::kNoSymlinks);
      if (!content) {
        // The mount point's path means nothing to the reader: the file is named by its record name.
        const std::string& why = content.error().path == path ? content.error().detail : content.error().message;
        return Fail(kExitContract, message_id::kInvalidContract,
                    std::string(f.record_name) + " on " + *device + ": " + why, std::string(f.record_name));
      }
      Measured(f.record_name, Sha256Of(*content), *device);
      f.content = std::move(*content);
    }
    return std::nullopt;
  }

  std::optional<Failure> ReadContract() {
    const Bytes& user_data = *cidata_[1].content;
    EVP_PKEY* contract_key = keys_.contract.get();
    TokenDecryptor decrypt = [contract_key](std::string_view token) -> Result<std::string> {
      auto plain = DecryptToken(contract_key, token);
      // One text for every failure past the token's form, whatever failed (the host reads the
      // console: no padding oracle); a malformed token says what is wrong with its form.
      if (!plain && IsUndecryptableToken(plain.error())) return MakeError(std::string(kUnreadableTokenSection));
      if (!plain) return MakeError("token cannot be decrypted with the contract key: " + plain.error().message);
      return std::string(plain->view());
    };
    auto contract = ParseContract(AsText(user_data), kNameUserData, decrypt);
    if (!contract) return Fail(kExitContract, message_id::kInvalidContract, contract.error().message, std::string(kNameUserData));
    contract_ = std::move(*contract);
    if (auto f = CheckEnvWorkloadSignature()) return f;
    if (contract_.attestation_public_key_pem) {
      const std::string where = std::string(kNameUserData) + ": attestationPublicKey";
      auto key = PublicKeyFromPem(*contract_.attestation_public_key_pem, where);
      if (!key) return Fail(kExitContract, message_id::kInvalidContract, "contract " + key.error().message, "attestationPublicKey");
      // The record is encrypted for this key: one that protects nothing (e = 1), or so large that
      // encrypting stalls the boot, is an invalid contract like any other bad key.
      if (auto s = RequireRecipientKey(key->get(), where); !s) {
        return Fail(kExitContract, message_id::kInvalidContract, "contract " + s.error().message, "attestationPublicKey");
      }
      recipient_ = std::move(*key);
      Measured(kNameAttestationPublicKey, Sha256Of(*contract_.attestation_public_key_pem), "the contract");
    }
    return std::nullopt;
  }

  // envWorkloadSignature, when the contract has one, verified with env.signingKey; and when the
  // image was sealed with --contract-signing-key, that key must be one of those sealed, and an
  // unsigned contract is refused: env.signingKey travels inside env, so without such a pin anyone
  // can pair the owner's workload with an env (and a key) of their own.
  std::optional<Failure> CheckEnvWorkloadSignature() {
    const std::string where = "contract " + std::string(kNameUserData) + ": ";
    const std::string item = "envWorkloadSignature";
    const std::vector<Sha256Digest>& pinned = config_.contract_signing_keys_sha256;
    std::string allowed;
    for (const Sha256Digest& d : pinned) allowed += (allowed.empty() ? "" : ",") + ToHex(d);
    const std::string allowed_text = pinned.size() == 1 ? "the key " + allowed : "one of the keys " + allowed;
    if (!contract_.env_workload_signature) {
      if (pinned.empty()) return std::nullopt;
      return Fail(kExitContract, message_id::kInvalidContract,
                  where + "no envWorkloadSignature, but this image accepts only contracts signed with " + allowed_text +
                      " (sha256 of the signing key)",
                  item, allowed, "none");
    }
    auto key = VerifyEnvWorkloadSignature(*contract_.env_workload_signature);
    if (!key) return Fail(kExitContract, message_id::kInvalidContract, where + key.error().message, item);
    const std::string found = ToHex(*key);
    const bool is_pinned = std::find(pinned.begin(), pinned.end(), *key) != pinned.end();
    if (!pinned.empty() && !is_pinned) {
      return Fail(kExitContract, message_id::kInvalidContract,
                  where + "envWorkloadSignature is made with env.signingKey " + found +
                      ", but this image accepts only contracts signed with " + allowed_text + " (sha256 of the signing key)",
                  item, allowed, found);
    }
    std::vector<std::pair<std::string, std::string>> fields{{"SE_ATTEST_ITEM", item}, {"SE_ATTEST_ACTUAL", found}};
    if (is_pinned) fields.emplace_back("SE_ATTEST_EXPECTED", allowed);
    Info(message_id::kMeasured,
         where + "envWorkloadSignature verified with env.signingKey (key sha256 " + found + ")" +
             (is_pinned ? ", a contract signing key sealed into the image" : ""),
         std::move(fields));
    return std::nullopt;
  }

  std::optional<Failure> WriteRecord() {
    // An image sealed with --development says so in every record it signs.
    auto text = RenderRecord(
        MakeRecord(config_.image_version, machine_, entries_, /*development_image=*/!config_.require_secure_execution));
    if (!text) return Fail(kExitOutput, message_id::kOutputFailure, text.error().message);
    auto signature = SignSha256(keys_.attestation.get(), *text);
    if (!signature) return Fail(kExitOutput, message_id::kOutputFailure, "signing the record: " + signature.error().message);

    std::vector<OutputFile> files;
    for (const CidataFile& f : cidata_) {
      if (f.content) files.push_back(MakeOutputFile(f.item, std::string(AsText(*f.content))));
    }
    files.push_back(MakeOutputFile(OutputItem::kDecryptedContract, contract_.decrypted_text));
    if (contract_.attestation_public_key_pem) {
      files.push_back(MakeOutputFile(OutputItem::kAttestationPublicKey, *contract_.attestation_public_key_pem));
    }
    files.push_back(MakeOutputFile(OutputItem::kVersion, config_.image_version + "\n"));
    files.push_back(MakeOutputFile(OutputItem::kCommitId, config_.commit_id + "\n"));
    files.push_back(MakeOutputFile(OutputItem::kReadme, OutputReadme(recipient_ != nullptr)));
    files.push_back(MakeOutputFile(OutputItem::kSignature, std::string(AsText(*signature))));
    std::string record_name(kRecordFile);
    if (recipient_) {
      auto token = EncryptToken(recipient_.get(), *text);
      if (!token) return Fail(kExitOutput, message_id::kOutputFailure, "encrypting the record: " + token.error().message);
      files.push_back(MakeOutputFile(OutputItem::kEncryptedRecord, *token));
      record_name = kEncryptedRecordFile;
    } else {
      files.push_back(MakeOutputFile(OutputItem::kRecord, *text));
    }
    if (auto s = WriteOutputFolder(output_dir_, files); !s) {
      return Fail(kExitOutput, message_id::kOutputFailure, "writing the output folder: " + s.error().message, output_dir_);
    }
    const std::string record_digest = ToHex(Sha256Of(*text));
    Info(message_id::kRecordWritten,
         "record written to " + output_dir_ + "/" + record_name + " (" + std::to_string(entries_.size()) +
             " measurements, plaintext sha256 " + record_digest + ")",
         {{"SE_ATTEST_ITEM", output_dir_ + "/" + record_name}, {"SE_ATTEST_ACTUAL", record_digest}});
    return std::nullopt;
  }

  const AgentOptions& options_;
  Platform& p_;
  AgentConfig config_;
  std::string config_dir_;
  std::string output_dir_;
  Keys keys_;
  std::string machine_;
  std::string root_device_;
  std::atomic<bool> root_failed_{false};  // set by the root hashing thread
  std::optional<KeptCopy> tarball_copy_;
  bool copy_failed_ = false;  // set by the root hashing thread, read after it ended
  std::optional<Sha256Digest> tarball_sha256_;  // set by the root hashing thread, read after it ended
  std::vector<RecordEntry> entries_;
  bool defer_ = false;
  std::vector<Step> deferred_;
  std::vector<CidataFile> cidata_;
  Contract contract_;
  EvpPkeyPtr recipient_;
};

}  // namespace

int RunAgent(const AgentOptions& options, Platform& platform) {
  return AgentRun(options, platform).Run();
}

}  // namespace seattest
