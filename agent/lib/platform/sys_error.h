// A failed system call as an Error: "<what>: <errno's text>", errno kept (Error::sys_errno).
// Call right after the failing call, before anything else can change errno.
#pragma once

#include <cerrno>
#include <string>

#include "core/result.h"
#include "platform/errno_text.h"

namespace seattest {

inline Error SysError(const std::string& what) {
  const int err = errno;
  Error e = MakeError(what + ": " + ErrnoText(err));
  e.sys_errno = err;
  return e;
}

// "<path>: <errno's text>", as a PathError.
inline Error SysPathError(const std::string& path) {
  const int err = errno;
  return PathError(path, ErrnoText(err), err);
}

}  // namespace seattest
