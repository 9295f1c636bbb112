// strerror(3)'s text for an errno value without strerror's shared buffer: the agent runs threads
// (the hashing reader, background tasks), so "path: No such file or directory" is made here.
#pragma once

#include <cstring>
#include <string>

namespace seattest {

inline std::string ErrnoText(int err) {
  char buf[256];
  // The GNU strerror_r (glibc, _GNU_SOURCE as g++ and clang++ define it for C++) returns either
  // `buf` or a static string, with the same text strerror gives.
  return strerror_r(err, buf, sizeof buf);
}

}  // namespace seattest
