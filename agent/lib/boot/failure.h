// How the boot fails: each class of failure, and in one table the exit code (SPEC "Exit codes of
// se-attest-agent") and the MESSAGE_ID (docs/logging.md) it ends the boot with. A step that fails
// returns a Failure of its class; only the top level (RunAgent) logs it, once.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

#include "boot/agent.h"
#include "core/result.h"
#include "platform/log.h"

namespace seattest {

// In the order of kFailureTable's rows.
enum class FailureClass {
  kConfiguration,    // agent.yaml cannot be read or is not valid
  kKeys,             // the attestation or the contract key
  kMachine,          // /proc/sysinfo
  kSecureExecution,  // an image sealed for production, outside Secure Execution
  kRootPartition,    // the root partition: not found, unreadable, or not as built
  kRootTarball,      // root.tar.gz in it: not all read, or not as built
  kRootSbom,         // the SBOM in it (seal --sbom): not all read, or not as built
  kCidata,           // the cidata device or its files
  kContract,         // the contract (cidata/user-data)
  kRecord,           // rendering, signing or encrypting the record
  kOutput,           // clearing or writing the output folder, the copy of root.tar.gz
  kUnexpected,       // an exception (std::bad_alloc and its kind): no library code throws on purpose
  // se-attest-root, after the agent (boot/real_root.h): one class, one MESSAGE_ID a step.
  kRootDiskMissing,   // the root disk: no device carries the spec (or more than one)
  kRootDiskTooSmall,  // the root disk, or the filesystem made on it: no room for the unpacked root
  kRootDiskFormat,    // the key, luksFormat, or erasing the keyslots
  kRootDiskOpen,      // cryptsetup open
  kRootDiskMkfs,      // mkfs.ext4 on the opened device
  kRealRootUnpack,    // the kept root.tar.gz unpacked into the real root, the record bound in it
};

struct FailureRow {
  FailureClass failure_class;
  AgentExit exit_code;
  std::string_view message_id;
};

inline constexpr std::array<FailureRow, 18> kFailureTable{{
    {FailureClass::kConfiguration, kExitUsage, message_id::kUsageError},
    {FailureClass::kKeys, kExitUsage, message_id::kUsageError},
    {FailureClass::kMachine, kExitUsage, message_id::kUsageError},
    {FailureClass::kSecureExecution, kExitUsage, message_id::kSecureExecution},
    {FailureClass::kRootPartition, kExitIntegrity, message_id::kIntegrityFailure},
    {FailureClass::kRootTarball, kExitIntegrity, message_id::kIntegrityFailure},
    {FailureClass::kRootSbom, kExitIntegrity, message_id::kIntegrityFailure},
    {FailureClass::kCidata, kExitContract, message_id::kInvalidContract},
    {FailureClass::kContract, kExitContract, message_id::kInvalidContract},
    {FailureClass::kRecord, kExitOutput, message_id::kOutputFailure},
    {FailureClass::kOutput, kExitOutput, message_id::kOutputFailure},
    {FailureClass::kUnexpected, kExitOutput, message_id::kOutputFailure},
    {FailureClass::kRootDiskMissing, kExitRealRoot, message_id::kRootDiskMissing},
    {FailureClass::kRootDiskTooSmall, kExitRealRoot, message_id::kRootDiskTooSmall},
    {FailureClass::kRootDiskFormat, kExitRealRoot, message_id::kRootDiskFormat},
    {FailureClass::kRootDiskOpen, kExitRealRoot, message_id::kRootDiskOpen},
    {FailureClass::kRootDiskMkfs, kExitRealRoot, message_id::kRootDiskMkfs},
    {FailureClass::kRealRootUnpack, kExitRealRoot, message_id::kRealRootUnpack},
}};

constexpr bool FailureTableInOrder() {
  for (std::size_t i = 0; i < kFailureTable.size(); ++i) {
    if (static_cast<std::size_t>(kFailureTable[i].failure_class) != i) return false;
  }
  return true;
}
static_assert(FailureTableInOrder(), "kFailureTable: one row per FailureClass, in its order");

constexpr const FailureRow& RowOf(FailureClass c) { return kFailureTable.at(static_cast<std::size_t>(c)); }

// A failed step: its class and everything the one log entry says about it. Empty fields are
// left out of the entry.
struct Failure {
  FailureClass failure_class = FailureClass::kUnexpected;
  std::string message;
  std::string item;      // SE_ATTEST_ITEM
  std::string expected;  // SE_ATTEST_EXPECTED
  std::string actual;    // SE_ATTEST_ACTUAL
};

inline Failure Fail(FailureClass c, std::string message, std::string item = {}, std::string expected = {},
                    std::string actual = {}) {
  return Failure{c, std::move(message), std::move(item), std::move(expected), std::move(actual)};
}

inline int ExitCodeOf(const Failure& f) { return RowOf(f.failure_class).exit_code; }

// The failure's one log entry: an error with its MESSAGE_ID, item, expected and actual values,
// and SE_ATTEST_EXIT.
LogEntry FailureEntry(const Failure& f);

// A step's value, or the Failure that ends the boot: Result<T>'s shape (core/result.h), so
// SEA_RETURN_IF_ERROR and SEA_ASSIGN_OR_RETURN work on it as well.
template <class T>
using Outcome = BasicResult<T, Failure>;

}  // namespace seattest
