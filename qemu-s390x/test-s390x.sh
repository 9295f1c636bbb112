#!/usr/bin/env bash
# Cross-build se-attest for s390x (big-endian) and run the unit tests under qemu-s390x-static.
#
#   qemu-s390x/test-s390x.sh [--build-only]
#
# Steps: make (or reuse) the s390x sysroot, configure build-s390x with
# cmake/s390x-linux-gnu.cmake, build, run `ctest -L unit` (each test binary runs through
# CMAKE_CROSSCOMPILING_EMULATOR = qemu-s390x-static -L <sysroot>).
# Environment: BUILD_DIR (default <repo>/build-s390x), SE_ATTEST_S390X_SYSROOT (default
# $BUILD_DIR/sysroot), BUILD_TYPE (default RelWithDebInfo), JOBS (default 2).
# Exits non-zero when any step fails.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${BUILD_DIR:-$repo/build-s390x}
sysroot=${SE_ATTEST_S390X_SYSROOT:-$build/sysroot}
build_type=${BUILD_TYPE:-RelWithDebInfo}
jobs=${JOBS:-2}

step() { printf '\n==== %s\n' "$*"; }
now() { date +%s.%N; }
took() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f s", b - a }'; }

t0=$(now)
step "sysroot: $sysroot"
"$repo/qemu-s390x/make-sysroot.sh" "$sysroot"
t_sysroot=$(took "$t0")

# `file` names the architecture of what was built (in scripts/install-deps.sh's "cross" set).
bash "$repo/scripts/install-deps.sh" cross

t1=$(now)
step "configure: $build ($build_type)"
cmake -S "$repo" -B "$build" \
  -DCMAKE_TOOLCHAIN_FILE="$repo/cmake/s390x-linux-gnu.cmake" \
  -DSE_ATTEST_S390X_SYSROOT="$sysroot" \
  -DCMAKE_BUILD_TYPE="$build_type" \
  -DSE_ATTEST_BUILD_TESTS=ON \
  -DSE_ATTEST_WERROR=ON
t_configure=$(took "$t1")
t1b=$(now)
step "build (-j$jobs)"
cmake --build "$build" -j"$jobs"
t_build=$(took "$t1b")

unit=$build/tests/unit/unit_tests
[ -x "$unit" ] || { echo "error: $unit was not built" >&2; exit 1; }
step "architecture of the test binary"
if command -v file >/dev/null 2>&1; then
  file -L "$unit"
fi
# ELF header: EI_DATA (byte 5) 2 = big-endian, e_machine (bytes 18-19, big-endian) 22 = S390.
read -r ei_data m_hi m_lo < <(printf '%s %s\n' "$(od -An -tu1 -j5 -N1 "$unit")" "$(od -An -tu1 -j18 -N2 "$unit")")
if [ "$ei_data" != 2 ] || [ "$m_hi" != 0 ] || [ "$m_lo" != 22 ]; then
  echo "error: $unit is not a big-endian s390x ELF (EI_DATA=$ei_data e_machine=$m_hi,$m_lo)" >&2
  exit 1
fi
echo "ELF header: big-endian (EI_DATA=2), e_machine=22 (EM_S390)"
# The CTest files name the emulator each test runs under (TEST_EXECUTOR of
# gtest_discover_tests, or the add_test commands).
executor=$(grep -h -o '[^ ;"[]*qemu-s390x-static[; ]-L[; ][^] ";]*' "$build"/tests/unit/*.cmake | head -n1 || true)
if [ -z "$executor" ]; then
  echo "error: the unit tests are not set up to run under qemu-s390x-static" >&2
  exit 1
fi
echo "test emulator: ${executor//;/ }"

if [ "${1:-}" = --build-only ]; then
  step "times: sysroot $t_sysroot, configure $t_configure, build $t_build"
  exit 0
fi

t2=$(now)
step "ctest -L unit (under qemu-s390x-static)"
# qemu-s390x-static -L SYSROOT opens an absolute path inside the sysroot whenever the sysroot has
# it: /tmp it has, so openat() below a descriptor of "/tmp" (the output folder's code opens a
# folder's parent, then the folder from there) would look in the sysroot's empty /tmp. The
# tests' temporary folders (GoogleTest's TEST_TMPDIR) go below the build folder instead, a path
# the sysroot has no copy of.
test_tmp=$(cd "$build" && pwd)/test-tmp
rm -rf "$test_tmp" && mkdir -p "$test_tmp"
rc=0
(cd "$build" && TEST_TMPDIR=$test_tmp ctest -L unit --output-on-failure --no-tests=error -j"$jobs") || rc=$?
rm -rf "$test_tmp"
t_test=$(took "$t2")

step "times: sysroot $t_sysroot, configure $t_configure, build $t_build, ctest $t_test"
if [ "$rc" -ne 0 ]; then
  echo "FAILED: ctest exited $rc" >&2
  exit "$rc"
fi
echo "OK: all unit tests passed as s390x binaries under qemu-s390x-static"
