// Writing files: all of a buffer to a descriptor, and a whole file or nothing (a temporary file
// beside it, fsync, chmod, rename). Opening, creating and syncing folders is platform/folders.h.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace seattest {

// Writes all of `data` to `fd`; an error names `what`.
Status WriteAll(int fd, const std::uint8_t* data, std::size_t size, const std::string& what);

// Writes `dir/name` whole or not at all: a temporary file beside it, fsync, chmod, rename.
// `name` may contain one folder ("cidata/user-data"), which must exist.
Status WriteFileAtomic(const std::string& dir, const std::string& name, std::string_view data,
                       mode_t mode);

// The same relative to an open folder, `name` one component (no '/'); `shown` is the file's path
// in messages. Nothing at `name` or at its temporary is ever followed: whatever is at the
// temporary's name (a symbolic link included) is unlinked, the temporary is created
// O_CREAT|O_EXCL|O_NOFOLLOW, and renameat replaces a symbolic link at `name` itself.
Status WriteFileAtomicAt(int dir_fd, const std::string& name, std::string_view data, mode_t mode,
                         const std::string& shown);

// The temporary file WriteFileAtomic uses for `dir`/`name`.
std::string TempPathFor(const std::string& dir, const std::string& name);
// Its last component: the temporary of `name` (one component) in the same folder.
std::string TempNameFor(const std::string& name);

}  // namespace seattest
