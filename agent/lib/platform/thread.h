// Starting a thread without letting std::system_error out (EAGAIN under a thread limit): the
// caller decides what a missing thread means. The hashing reader then reads on the caller's
// thread, the parallel hash uses the threads it got (or the one-thread reader), and the root's
// background task runs on the caller's thread.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>

#include "core/result.h"

namespace seattest {

// `task` on a new thread, or an error naming `what` ("the reader thread").
inline Result<std::thread> StartThread(std::function<void()> task, std::string_view what) {
  try {
    return std::thread(std::move(task));
  } catch (const std::system_error& e) {
    return MakeError("cannot start " + std::string(what) + ": " + e.what());
  }
}

}  // namespace seattest
