#!/usr/bin/env bash
# Every test: installs what it needs, builds natively, runs the unit and host end-to-end tests
# (CTest), then cross-builds for s390x and runs the unit tests as big-endian s390x binaries under
# qemu-user. As root on Debian 12 (the end-to-end tests use loop devices).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
BUILD=${BUILD_DIR:-build}
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build "$BUILD" -j"$(nproc)"
(cd "$BUILD" && ctest --output-on-failure)

bash qemu-s390x/test-s390x.sh
