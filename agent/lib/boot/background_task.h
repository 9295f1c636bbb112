// A task on a thread of its own (the root partition's hash, boot step 5).
#pragma once

#include <functional>
#include <thread>

namespace seattest {

// Runs `task` on a thread of its own, joined by Join() or when it goes out of scope; where no
// thread can be started, runs it right away on this one (slower, same result).
class BackgroundTask {
 public:
  explicit BackgroundTask(const std::function<void()>& task);
  BackgroundTask(const BackgroundTask&) = delete;
  BackgroundTask& operator=(const BackgroundTask&) = delete;
  ~BackgroundTask() { Join(); }
  // Waits for the task to end.
  void Join() {
    if (thread_.joinable()) thread_.join();
  }

 private:
  std::thread thread_;
};

}  // namespace seattest
