#include "platform/process_secrets.h"

#include <sys/prctl.h>
#include <sys/resource.h>

namespace seattest {

void KeepSecretsInProcess() noexcept {
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  rlimit no_core{0, 0};
  setrlimit(RLIMIT_CORE, &no_core);
}

}  // namespace seattest
