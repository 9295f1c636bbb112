// A device of the boot (the root partition, cidata), which udev may still be probing early in the
// boot: looked up again every 250 ms for up to --wait seconds.
#pragma once

#include <atomic>
#include <string>

#include "core/device_spec.h"
#include "core/result.h"
#include "platform/block_devices.h"

namespace seattest {

// The one device `spec` names, waiting up to `wait_seconds` while there is none yet. An ambiguous
// spec fails at once: waiting would not make it less ambiguous. Once `give_up` is set (the root
// partition failed: the boot stops on that), a device still missing is not waited for any more.
Result<std::string> ResolveDevice(BlockDevices& devices, const DeviceSpec& spec, int wait_seconds,
                                  const std::atomic<bool>* give_up = nullptr);

}  // namespace seattest
