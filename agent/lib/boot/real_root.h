// se-attest-root: the real root, made in the initrd after the agent succeeded (docs/boot.md "The
// real root"). With root_disk in agent.yaml (seal --root-disk) the disk is formatted anew under a
// key made now and never kept, opened, given a fresh ext4 and mounted at ROOT; without it ROOT is
// a tmpfs (mounted here unless the initrd mounted one already). Then the root.tar.gz the agent
// measured and kept is unpacked into it, and the record bound read-only in it. Every step logs
// its failure once (boot/failure.h: a MESSAGE_ID a step, exit kExitRealRoot).
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "boot/agent.h"
#include "platform/block_devices.h"
#include "platform/log.h"
#include "platform/system_tools.h"

namespace seattest {

struct RealRootOptions {
  std::string config_path;  // agent.yaml, as the agent read it
  int wait_seconds = 0;     // how long to wait for the root disk to appear
};

struct RealRootPlatform {
  BlockDevices& devices;
  SystemTools& tools;
  Logger& log;
  // Where the steps that went well are said, one line each, for the console (the initrd sends
  // se-attest-root's stdout there; the journal has the structured entries). Null: nowhere.
  std::FILE* out = nullptr;
};

// Makes the real root at `root` (see above); logs; returns the exit code.
int MakeRealRoot(const RealRootOptions& options, const std::string& root, RealRootPlatform& platform);

// The tmpfs real root's mount options.
inline constexpr const char* kTmpfsRootOptions = "mode=0755,size=75%";

// The tools' argument lists (docs/boot.md explains every choice). The key is never among them:
// it goes to cryptsetup's stdin (--key-file -).
std::vector<std::string> LuksFormatArgs(const std::string& device);
std::vector<std::string> LuksOpenArgs(const std::string& device);
std::vector<std::string> LuksEraseArgs(const std::string& device);
std::vector<std::string> MkfsArgs();

}  // namespace seattest
