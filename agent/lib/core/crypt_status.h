// What `cryptsetup status NAME` says about an active dm-crypt device, and whether it is the root
// disk se-attest-root formatted: pure. cryptsetup reads these values back from the kernel's live
// table, not from the disk's header, so they are what the device really does.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "core/result.h"

namespace seattest {

// "  cipher:  aes-xts-plain64" lines, as field -> value (both trimmed). The first line
// ("/dev/mapper/NAME is active.") and lines without a colon are left out.
std::map<std::string, std::string> ParseCryptStatus(std::string_view text);

// The live device must be what was asked for: LUKS2, aes-xts-plain64, a 512-bit key, on `device`,
// 4096-byte sectors, its data after the header. The header on the disk is the host's to rewrite
// between luksFormat and open (its checksum is a plain SHA-256): a null cipher, another offset or
// a smaller key would be loaded as written. An error names the first field that differs, both
// values.
Status CheckRootDiskStatus(std::string_view status_text, std::string_view device);

}  // namespace seattest
