#include "boot/root_check.h"

#include <cstdint>
#include <utility>

#include "boot/device_wait.h"
#include "core/extents.h"
#include "core/hex.h"
#include "crypto/sha256.h"
#include "platform/atomic_write.h"

namespace seattest {

Outcome<std::string> ResolveRoot(BlockDevices& devices, const DeviceSpec& spec, int wait_seconds,
                                 const std::atomic<bool>* give_up) {
  auto device = ResolveDevice(devices, spec, wait_seconds, give_up);
  if (!device) return Fail(FailureClass::kRootPartition, "root partition: " + device.error().message, spec.ToString());
  return std::move(*device);
}

RootReader::RootReader(const AgentConfig& config, BlockDevices& devices, int wait_seconds, int copy_fd, Logger& log)
    : config_(config),
      copy_fd_(copy_fd),
      log_(log),
      read_{{}, MakeError("not hashed"), std::nullopt, false, std::nullopt, {}},
      task_([this, &devices, wait_seconds] { Run(devices, wait_seconds); }) {}

void RootReader::Run(BlockDevices& devices, int wait_seconds) {
  Outcome<std::string> device = ResolveRoot(devices, config_.root_device, wait_seconds, &stop_);
  if (device) read_.device = *device;
  const bool found = device.ok();
  {
    std::lock_guard lock(mutex_);
    lookup_.emplace(std::move(device));
  }
  looked_up_.notify_all();
  if (!found) {
    failed_ = true;
    return;
  }
  read_.digest = Hash();
  // The verdict is CheckRootDigest's; this only ends the work of the main thread, now in vain.
  failed_ = !read_.digest || !DigestsEqual(read_.digest->Of(config_.root_digest), config_.root_hash);
}

Outcome<std::string> RootReader::Device() {
  std::unique_lock lock(mutex_);
  looked_up_.wait(lock, [this] { return lookup_.has_value(); });
  return *lookup_;
}

const RootRead& RootReader::Wait() {
  task_.Join();
  return read_;
}

// On the root thread: reads, hashes and copies only, and reports progress (thread-safe).
Result<StreamDigest> RootReader::Hash() {
  SEA_ASSIGN_OR_RETURN(Sha256 tar_sha, Sha256::Create());
  ExtentPicker picker(config_.root_tarball_extents, [this, &tar_sha](const std::uint8_t* data, std::size_t size) -> Status {
    tar_sha.Update(data, size);
    if (copy_fd_ < 0) return {};
    Status written = WriteAll(copy_fd_, data, size, "root.tarball_copy");
    if (!written) read_.copy_failed = true;  // our own output failed, not the root partition
    return written;
  });
  // The SBOM, when sealed with one, from the same pass: kept whole (at most kMaxSbomSize, as
  // agent.yaml says) for the output folder.
  SEA_ASSIGN_OR_RETURN(Sha256 sbom_sha, Sha256::Create());
  const bool has_sbom = !config_.root_sbom.empty();
  if (has_sbom) read_.sbom.reserve(config_.root_sbom_size);
  ExtentPicker sbom_picker(config_.root_sbom_extents, [this, &sbom_sha](const std::uint8_t* data, std::size_t size) -> Status {
    sbom_sha.Update(data, size);
    read_.sbom.append(reinterpret_cast<const char*>(data), size);
    return {};
  });
  // The digest agent.yaml names; sha256-4m with every CPU there is (the picked files' chunks are
  // read one at a time, in order).
  HashOptions how = HashOptions::Only(config_.root_digest);
  how.on_chunk_ranges = config_.root_tarball_extents;
  how.on_chunk_ranges.insert(how.on_chunk_ranges.end(), config_.root_sbom_extents.begin(),
                             config_.root_sbom_extents.end());
  how.expected_size = config_.root_size;
  how.on_chunk = [&picker, &sbom_picker, has_sbom](std::uint64_t offset, const std::uint8_t* data,
                                                    std::size_t size) -> Status {
    SEA_RETURN_IF_ERROR(picker.Feed(offset, data, size));
    return has_sbom ? sbom_picker.Feed(offset, data, size) : Status();
  };
  how.progress = ProgressTo(log_, "root partition " + read_.device);
  how.cancel = &stop_;
  auto digest = HashPath(read_.device, how);
  if (digest && picker.done()) read_.tarball_sha256 = tar_sha.Finish();
  if (digest && has_sbom && sbom_picker.done()) read_.sbom_sha256 = sbom_sha.Finish();
  return digest;
}

Outcome<StepLine> CheckRootDigest(const RootRead& read, const AgentConfig& config) {
  const Result<StreamDigest>& digest = read.digest;
  if (!digest && read.copy_failed) return Fail(FailureClass::kOutput, digest.error().message, config.root_tarball_copy);
  if (!digest) return Fail(FailureClass::kRootPartition, "root partition: " + digest.error().message, read.device);
  const std::string name(RootDigestName(config.root_digest));
  const std::string expected = ToHex(config.root_hash);
  const Sha256Digest& actual = digest->Of(config.root_digest);
  const std::string found = ToHex(actual);
  if (!DigestsEqual(actual, config.root_hash)) {
    return Fail(FailureClass::kRootPartition,
                "root partition " + read.device + " (" + config.root_device.ToString() +
                    ") differs from the build: expected " + name + " " + expected + ", found " + found,
                read.device, expected, found);
  }
  return InfoLine(message_id::kMeasured,
                  "root partition " + read.device + " verified: " + name + " " + found + " (" +
                      std::to_string(digest->size) + " bytes, " + std::to_string(digest->hashing_threads) +
                      (digest->hashing_threads == 1 ? " hashing thread)" : " hashing threads)"),
                  {{"SE_ATTEST_ITEM", read.device}, {"SE_ATTEST_EXPECTED", expected}, {"SE_ATTEST_ACTUAL", found}});
}

namespace {

// A file of the root filesystem as picked out of the verified partition (root.tar.gz, the SBOM):
// every extent read, and the bytes' digest the build's.
struct PickedFile {
  std::string_view name;            // its record line
  FailureClass failure_class;
  const std::string& path;          // in the root filesystem
  const std::optional<Sha256Digest>& picked;
  const Sha256Digest& sealed;
  std::uint64_t size;
  std::size_t extents;
};

Outcome<StepLine> CheckPicked(const PickedFile& f, const std::string& device) {
  const std::string name(f.name);
  const std::string where = f.path + " in " + device;
  if (!f.picked) return Fail(f.failure_class, name + " (" + where + "): not all of its extents were read", name);
  const std::string expected = ToHex(f.sealed);
  const std::string found = ToHex(*f.picked);
  if (!DigestsEqual(*f.picked, f.sealed)) {
    return Fail(f.failure_class,
                name + " (" + where + ") differs from the build: expected sha256 " + expected + ", found " + found,
                name, expected, found);
  }
  return MeasuredLine(f.name, *f.picked,
                      where + " (" + std::to_string(f.size) + " bytes at " + std::to_string(f.extents) + " extents)");
}

}  // namespace

Outcome<StepLine> CheckRootTarball(const RootRead& read, const AgentConfig& config) {
  return CheckPicked({kNameRootTarball, FailureClass::kRootTarball, config.root_tarball, read.tarball_sha256,
                      config.root_tarball_sha256, config.root_tarball_size, config.root_tarball_extents.size()},
                     read.device);
}

Outcome<std::optional<StepLine>> CheckRootSbom(const RootRead& read, const AgentConfig& config) {
  if (config.root_sbom.empty()) return std::optional<StepLine>();
  SEA_ASSIGN_OR_RETURN(StepLine line, CheckPicked({kNameSbom, FailureClass::kRootSbom, config.root_sbom, read.sbom_sha256,
                                                   config.root_sbom_sha256, config.root_sbom_size,
                                                   config.root_sbom_extents.size()},
                                                  read.device));
  return std::optional<StepLine>(std::move(line));
}

}  // namespace seattest
