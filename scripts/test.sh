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
bash qemu-s390x/host-setup.sh
BUILD=${BUILD_DIR:-build}
# The s390x Debian tree (minutes of downloads and qemu-user) is made while the builds run.
cache=${SE_ATTEST_CACHE:-$PWD/build/cache}
mkdir -p "$cache"
bash qemu-s390x/make-tree.sh "$cache/tree" >"$cache/make-tree.log" 2>&1 &
tree_pid=$!
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build "$BUILD" -j"$(nproc)"
(cd "$BUILD" && ctest --output-on-failure -LE qemu)
native=$(date +%s)

bash qemu-s390x/test-s390x.sh
s390x=$(date +%s)

if ! wait "$tree_pid"; then
  cat "$cache/make-tree.log"
  echo "test.sh: making the s390x Debian tree failed" >&2
  exit 1
fi
tail -n1 "$cache/make-tree.log"
(cd "$BUILD" && SE_ATTEST_CACHE=$cache ctest --output-on-failure -L qemu)
end=$(date +%s)
echo "test.sh: native $((native - start)) s, s390x unit tests $((s390x - native)) s, QEMU boots $((end - s390x)) s"
