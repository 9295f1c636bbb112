#!/usr/bin/env bash
# Every test: installs what it needs, then
#   1. builds natively and runs the unit and host end-to-end tests (CTest, labels unit and e2e);
#      then builds them again with ASan+UBSan (build-asan) and runs them there too;
#   2. cross-builds for s390x and runs the unit tests as big-endian s390x binaries (qemu-user);
#   3. boots the sealed demo image under qemu-system-s390x in every scenario (CTest label qemu:
#      an s390x Debian tree, cached in build/cache, the initrds, one real boot per scenario) and
#      checks the units with systemd-analyze verify;
#   4. meanwhile, builds the libFuzzer targets and runs each for 5 s (tests/fuzz/run.sh).
# As root on Debian 12 (loop devices, chroot, binfmt_misc).
set -euo pipefail
cd "$(dirname "$0")/.."

start=$(date +%s)
bash scripts/install-deps.sh clang libclang-rt-14-dev
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

# The same tests, unit and host e2e, built with ASan+UBSan (docs/hardening.md); any finding fails.
cmake -S . -B "${ASAN_BUILD_DIR:-build-asan}" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSE_ATTEST_SANITIZE=ON
# Only what the tests run (ASan+UBSan make GCC about 3 times slower).
cmake --build "${ASAN_BUILD_DIR:-build-asan}" -j"$(nproc)" --target se-attest se-attest-agent unit_tests
(cd "${ASAN_BUILD_DIR:-build-asan}" &&
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -LE qemu -j"$(nproc)")
asan=$(date +%s)

bash qemu-s390x/test-s390x.sh
s390x=$(date +%s)

if ! wait "$tree_pid"; then
  cat "$cache/make-tree.log"
  echo "test.sh: making the s390x Debian tree failed" >&2
  exit 1
fi
tail -n1 "$cache/make-tree.log"
# The fuzz targets (clang, ASan+UBSan, libFuzzer), 5 s each, on the core the boots leave free.
JOBS=1 bash tests/fuzz/run.sh 5 >"$cache/fuzz.log" 2>&1 &
fuzz_pid=$!
(cd "$BUILD" && SE_ATTEST_CACHE=$cache ctest --output-on-failure -L qemu)
qemu=$(date +%s)
if ! wait "$fuzz_pid"; then
  cat "$cache/fuzz.log"
  echo "test.sh: a fuzz target failed (reproducers in build-fuzz/crashes)" >&2
  exit 1
fi
grep -E '^fuzz_' "$cache/fuzz.log" || tail -n 8 "$cache/fuzz.log"
end=$(date +%s)
echo "test.sh: native $((native - start)) s, ASan+UBSan $((asan - native)) s, s390x unit tests $((s390x - asan)) s, QEMU boots $((qemu - s390x)) s, fuzz (after the boots) $((end - qemu)) s, total $((end - start)) s"
