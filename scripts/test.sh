#!/usr/bin/env bash
# Every test: installs what it needs, then
#   1. builds natively and runs the unit and host end-to-end tests (CTest, labels unit and e2e);
#   2. cross-builds for s390x and runs the unit tests as big-endian s390x binaries (qemu-user);
#   3. boots the sealed demo image under qemu-system-s390x in every scenario (CTest label qemu:
#      an s390x Debian tree, cached in build/cache, the initrds, one real boot per scenario) and
#      checks the units with systemd-analyze verify.
# As root on Debian 12 (loop devices, chroot, binfmt_misc).
set -euo pipefail
cd "$(dirname "$0")/.."

start=$(date +%s)
bash scripts/install-deps.sh
BUILD=${BUILD_DIR:-build}
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build "$BUILD" -j"$(nproc)"
(cd "$BUILD" && ctest --output-on-failure -LE qemu)
native=$(date +%s)

bash qemu-s390x/test-s390x.sh
s390x=$(date +%s)

(cd "$BUILD" && ctest --output-on-failure -L qemu)
end=$(date +%s)
echo "test.sh: native $((native - start)) s, s390x unit tests $((s390x - native)) s, QEMU boots $((end - s390x)) s"
