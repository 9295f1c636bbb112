// Boot steps 5 and 6: the root partition, read whole once on a thread of its own (hashed, and
// root.tar.gz picked out of it at the extents seal recorded, hashed and copied, and the SBOM when
// sealed with one; it is never mounted), then the verdicts on it, on root.tar.gz and on the SBOM,
// on the main thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>

#include "boot/background_task.h"
#include "boot/failure.h"
#include "boot/step_log.h"
#include "core/config.h"
#include "platform/block_devices.h"
#include "platform/hash_path.h"

namespace seattest {

// The root partition's device, waited for up to `wait_seconds` (not after `give_up` is set).
Outcome<std::string> ResolveRoot(BlockDevices& devices, const DeviceSpec& spec, int wait_seconds,
                                 const std::atomic<bool>* give_up = nullptr);

// What reading the root partition found; judged by CheckRootDigest and CheckRootTarball.
struct RootRead {
  std::string device;
  Result<StreamDigest> digest = MakeError("not hashed");
  std::optional<Sha256Digest> tarball_sha256;  // set when every extent of root.tar.gz was read
  bool copy_failed = false;  // writing root.tar.gz's copy failed: our own output, not the root
  // The SBOM (seal --sbom), picked out of the same pass: set when every extent was read.
  std::optional<Sha256Digest> sbom_sha256;
  std::string sbom;
};

// Looks up the root partition on `devices` (ResolveRoot) and reads it, on a thread of its own from
// its construction on (a reader thread feeds it: platform/hash_path.h), writing root.tar.gz's
// bytes to `copy_fd` (-1: no copy); reports progress to `log`. A device of another size than
// sealed is not read at all. Meanwhile the main thread loads the keys: their failures still come
// first, and a reader dropped before Wait() stops looking and reading and is joined.
class RootReader {
 public:
  RootReader(const AgentConfig& config, BlockDevices& devices, int wait_seconds, int copy_fd, Logger& log);
  RootReader(const RootReader&) = delete;
  RootReader& operator=(const RootReader&) = delete;
  ~RootReader() { stop_ = true; }  // then the thread is joined (task_ goes first)
  // Set as soon as the root partition is known to have failed: whatever the main thread still
  // does for the boot (waiting for cidata, hashing it) is then in vain.
  const std::atomic<bool>& failed() const { return failed_; }
  // Waits until the partition is looked up: its device, or the lookup's failure. `devices` is the
  // main thread's again from here on.
  Outcome<std::string> Device();
  // Waits until the partition is read (after Device() succeeded).
  const RootRead& Wait();

 private:
  void Run(BlockDevices& devices, int wait_seconds);
  Result<StreamDigest> Hash();

  const AgentConfig& config_;
  const int copy_fd_;
  Logger& log_;
  RootRead read_;  // written by the root thread, read after it ended
  std::atomic<bool> failed_{false};
  std::atomic<bool> stop_{false};  // the boot ended before the root partition's verdict
  std::mutex mutex_;
  std::condition_variable looked_up_;
  std::optional<Outcome<std::string>> lookup_;  // set once, under mutex_
  BackgroundTask task_;  // last: started once all of the above is, joined before it goes
};

// The root partition's digest compared with the build's (constant time): its "verified" line.
Outcome<StepLine> CheckRootDigest(const RootRead& read, const AgentConfig& config);

// root.tar.gz as picked out of the verified partition: its "measured" line. It cannot differ from
// the build unless the configuration contradicts itself (its extents and its digest), but it is
// compared anyway: the record states what was read, not what was expected.
Outcome<StepLine> CheckRootTarball(const RootRead& read, const AgentConfig& config);

// The SBOM as picked out of the verified partition (seal --sbom): its "measured" line, or none
// when the image has no SBOM. Compared with the build's digest as root.tar.gz is: a mismatch is an
// integrity failure.
Outcome<std::optional<StepLine>> CheckRootSbom(const RootRead& read, const AgentConfig& config);

}  // namespace seattest
