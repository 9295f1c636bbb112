// Boot step 7: the cidata device (cloud-init NoCloud), hashed whole, mounted read-only, and its
// files read once each. The bytes hashed are the bytes copied to the output folder.
#pragma once

#include <atomic>
#include <optional>
#include <string>
#include <vector>

#include "boot/agent.h"
#include "boot/failure.h"
#include "boot/output.h"
#include "boot/step_log.h"
#include "core/bytes.h"
#include "core/config.h"

namespace seattest {

struct CidataFiles {
  std::string device;           // the cidata device they were read from
  std::optional<Bytes> meta;    // cidata/meta-data (required: always read)
  std::optional<Bytes> user;    // cidata/user-data, the contract (required: always read)
  std::optional<Bytes> vendor;  // cidata/vendor-data, when the device has one
  // "measured": the device, then each file read. Logged once the root partition is verified.
  StepLines lines;
};

// Finds the cidata device (waiting up to `wait_seconds`, or no longer once `root_failed` is set),
// hashes it (stopped by `root_failed` at its next chunk), mounts it read-only as one of the types
// the sealed image allows, and reads meta-data, user-data and vendor-data: regular files only,
// never through a symbolic link, kMaxCidataFileSize at most each.
Outcome<CidataFiles> MeasureCidata(const AgentConfig& config, Platform& platform, int wait_seconds,
                                   const std::atomic<bool>& root_failed);

// The files read, as files of the output folder (cidata/...), in the folder's order.
std::vector<OutputFile> CidataOutputFiles(const CidataFiles& files);

}  // namespace seattest
