#!/usr/bin/env bash
# Every test: installs what it needs, then
#   1. builds natively and runs the unit and host end-to-end tests (CTest, labels unit and e2e:
#      host_e2e, hostile_e2e, valgrind_agent), and the benchmark script once, small (--quick);
#   2. cross-builds for s390x and runs the unit tests as big-endian s390x binaries (qemu-user);
#   3. boots the sealed demo image under qemu-system-s390x in every scenario (CTest label qemu:
#      an s390x Debian tree, cached in build/cache, the initrds, one real boot per scenario) and
#      checks the units with systemd-analyze verify;
#   4. meanwhile, on the core the boots leave free, one after the other: the libFuzzer targets
#      5 s each (tests/fuzz/run.sh), and the unit and host end-to-end tests built again with
#      ASan+UBSan (build-asan);
#   5. from the start, at the lowest CPU priority so that it only takes a core the steps above
#      leave idle: static analysis (scripts/lint.sh: clang-tidy and cppcheck, any finding fails).
# docs/hardening.md has 4 and 5.
# As root on Debian 12 (loop devices, chroot, binfmt_misc).
set -euo pipefail
cd "$(dirname "$0")/.."

start=$(date +%s)
bash scripts/install-deps.sh clang libclang-rt-14-dev clang-tidy cppcheck time bc
bash qemu-s390x/host-setup.sh
BUILD=${BUILD_DIR:-build}
# ctest_summed DIR ARG...: ctest in DIR; when a test fails, the failed checks of every test ("not
# ok" lines of the TAP-style e2e scripts) are printed again at the end, where a shortened CI log
# still shows them.
ctest_summed() {
  local dir=$1
  shift
  (cd "$dir" && ctest "$@") && return 0
  echo "test.sh: the failed checks (from $dir/Testing/Temporary/LastTest.log):"
  grep -h '^not ok' "$dir/Testing/Temporary/LastTest.log" | head -n 40 || true
  return 1
}
# Whatever still runs in the background when a step fails is stopped with it. The side checks
# and the static analysis run in process groups of their own (setsid: each job leads its group,
# $! is its id), stopped as a whole; the side checks are waited for (up to 20 s), so that an e2e
# test under their ctest ends with its EXIT trap (its loop devices detached, the device lock let
# go) instead of living on into the next run, then killed. The tree's job as before (its
# mmdebstrap cleans up after itself when left to end on its own). Only a job still running is
# signalled: the number of one that ended may belong to another process by now (`ours`).
side_pid=
lint_pid=
ours() { [ "$(ps -o ppid= -p "$1" 2>/dev/null | tr -d ' ')" = "$$" ]; }
stop_background() {
  local job
  if [ -n "$lint_pid" ] && ours "$lint_pid"; then kill -TERM -- "-$lint_pid" 2>/dev/null || true; fi
  if [ -n "$side_pid" ] && ours "$side_pid" && kill -TERM -- "-$side_pid" 2>/dev/null; then
    for _ in $(seq 40); do kill -0 -- "-$side_pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL -- "-$side_pid" 2>/dev/null || true
  fi
  for job in $(jobs -p); do
    if ours "$job"; then kill "$job" 2>/dev/null || true; fi
  done
}
trap stop_background EXIT
# The s390x Debian tree (minutes of downloads and qemu-user) is made while the builds run.
cache=${SE_ATTEST_CACHE:-$PWD/build/cache}
mkdir -p "$cache"
bash qemu-s390x/make-tree.sh "$cache/tree" >"$cache/make-tree.log" 2>&1 &
tree_pid=$!
# Static analysis needs only a compilation database (build-lint, configure only). It runs from
# here to the end at nice 19: it gets the idle moments of the steps below (single-threaded
# tests, the core the QEMU boots leave) and all of the machine once they are done.
start_lint=$(date +%s)
setsid -w nice -n 19 env JOBS=2 bash scripts/lint.sh >"$cache/lint.log" 2>&1 &
lint_pid=$!
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSE_ATTEST_WERROR=ON
cmake --build "$BUILD" -j"$(nproc)"
ctest_summed "$BUILD" --output-on-failure -LE qemu
bash tests/bench/run.sh --quick --build "$BUILD"
native=$(date +%s)

bash qemu-s390x/test-s390x.sh
s390x=$(date +%s)

if ! wait "$tree_pid"; then
  cat "$cache/make-tree.log"
  echo "test.sh: making the s390x Debian tree failed" >&2
  exit 1
fi
tail -n1 "$cache/make-tree.log"

# What runs beside the boots, one step after the other, each timed. A failing step does not stop
# the other: a fuzz crash must not hide a sanitizer report.
side_checks() {
  local t1 t2 failed=0 asan=${ASAN_BUILD_DIR:-build-asan}
  t1=$(date +%s)
  JOBS=1 bash tests/fuzz/run.sh 5 || { echo "test.sh: a fuzz target failed (reproducers in build-fuzz/crashes)"; failed=1; }
  t2=$(date +%s)
  # -O0: the sanitizers need no optimizer, and GCC builds the instrumented tests three times
  # faster without it. Only what the tests run.
  if ! { cmake -S . -B "$asan" -DCMAKE_BUILD_TYPE=Debug -DSE_ATTEST_SANITIZE=ON -DSE_ATTEST_WERROR=ON >/dev/null &&
    cmake --build "$asan" -j1 --target se-attest se-attest-agent se-attest-root unit_tests man-pages >/dev/null &&
    (cd "$asan" &&
      ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1 \
      UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -LE qemu); }; then
    echo "test.sh: the ASan+UBSan build or a test under it failed (above)"
    failed=1
  fi
  echo "side checks: fuzz $((t2 - t1)) s, ASan+UBSan build and tests $(($(date +%s) - t2)) s"
  return "$failed"
}
export -f side_checks
setsid -w bash -c side_checks >"$cache/side.log" 2>&1 &
side_pid=$!
SE_ATTEST_CACHE=$cache ctest_summed "$BUILD" --output-on-failure -L qemu
qemu=$(date +%s)
side_ok=1
wait "$side_pid" || side_ok=0
side_pid=
if [ "$side_ok" = 0 ]; then
  cat "$cache/side.log"
  # Again at the end, where a shortened log still shows it: the failed checks and sanitizer reports.
  echo "test.sh: what failed beside the boots:"
  grep -a -E '^(not ok|[0-9]+ - .*\(Failed|[[:space:]]+[0-9]+ - )|ERROR: (Address|Leak)Sanitizer|runtime error:|\[  FAILED  \]' "$cache/side.log" | tail -n 40 || true
  echo "test.sh: the checks beside the boots failed" >&2
  exit 1
fi
grep -E '^(fuzz_|side checks:)|tests passed' "$cache/side.log" || tail -n 20 "$cache/side.log"
side=$(date +%s)
lint_ok=1
wait "$lint_pid" || lint_ok=0
lint_pid=
if [ "$lint_ok" = 0 ]; then
  cat "$cache/lint.log"
  echo "test.sh: static analysis has findings (above; scripts/lint.sh FILE... to re-check)" >&2
  exit 1
fi
grep '^lint:' "$cache/lint.log"
end=$(date +%s)
echo "test.sh: native $((native - start)) s, s390x unit tests $((s390x - native)) s, QEMU boots $((qemu - s390x)) s, side checks after the boots $((side - qemu)) s, static analysis after those $((end - side)) s (it ran $((end - start_lint)) s in all), total $((end - start)) s"
