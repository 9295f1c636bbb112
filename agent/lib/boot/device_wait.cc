#include "boot/device_wait.h"

#include <chrono>
#include <thread>

namespace seattest {

Result<std::string> ResolveDevice(BlockDevices& devices, const DeviceSpec& spec, int wait_seconds,
                                  const std::atomic<bool>* give_up) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(wait_seconds);
  for (;;) {
    auto device = devices.Resolve(spec);
    if (device || device.error().kind != Error::Kind::kNotFound || std::chrono::steady_clock::now() >= deadline) {
      if (!device && device.error().kind == Error::Kind::kNotFound && wait_seconds > 0) {
        return MakeError(device.error().message + " (waited " + std::to_string(wait_seconds) + " s)");
      }
      return device;
    }
    if (give_up != nullptr && *give_up) {
      return MakeError(device.error().message + " (not waited for: the root partition failed)");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
}

}  // namespace seattest
