// Folders and the names in them: opening a folder without following it, creating folders
// (mkdir -p), fsync of a folder, removing a name, the folder part of a path. Writing a file into
// a folder is platform/atomic_write.h.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

#include "core/result.h"
#include "platform/unique_fd.h"

namespace seattest {

enum class Create { kNo, kYes };

// The folder `path`, opened O_DIRECTORY. The components of `path` above the folder are followed
// as the path says (it comes from trusted configuration, and /var/run is a symbolic link on most
// systems); the folder itself never is (O_NOFOLLOW): a symbolic link there is an error. With
// Create::kYes missing components are created with `mode` (the folder itself by mkdirat from
// its parent's descriptor); with Create::kNo a missing folder is an empty descriptor (get() < 0),
// not an error.
Result<UniqueFd> OpenFolderNoFollow(const std::string& path, Create create, mode_t mode);

// The subfolder `name` (one component) of the open folder `dir_fd`, for a caller that owns the
// name: it is never followed, and whatever else is there (a symbolic link, a file) is unlinked
// first, without following. With Create::kNo a missing (or removed) subfolder is an empty
// descriptor; with Create::kYes it is created with `mode`. `shown` is its path in messages.
Result<UniqueFd> OpenOwnedSubfolder(int dir_fd, const std::string& name, Create create, mode_t mode,
                                    const std::string& shown);

// mkdir -p with `mode` for what it creates.
Status MakeDirs(const std::string& path, mode_t mode);

// fsync of a folder, so renames in it are durable.
Status SyncDir(const std::string& path);

// Removes `path` if it exists (not an error when it does not).
Status RemoveIfExists(const std::string& path);
// The same for `name` (one component) in the open folder `dir_fd`: unlinkat, which removes a
// symbolic link itself, never what it points to. `shown` is its path in messages.
Status RemoveIfExistsAt(int dir_fd, const std::string& name, const std::string& shown);
// fsync of an open folder; `shown` names it in messages.
Status SyncFolder(int dir_fd, const std::string& shown);

std::string DirName(std::string_view path);

}  // namespace seattest
