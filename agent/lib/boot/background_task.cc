#include "boot/background_task.h"

#include <utility>

#include "platform/thread.h"

namespace seattest {

BackgroundTask::BackgroundTask(const std::function<void()>& task) {
  auto started = StartThread(task, "a background task");
  if (started) {
    thread_ = std::move(*started);
  } else {
    task();
  }
}

}  // namespace seattest
