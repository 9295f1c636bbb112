#!/usr/bin/env bash
# Benchmarks of the agent's boot-time cost (docs/performance.md): figures, not pass/fail.
#
#   bash tests/bench/run.sh [--quick] [--build DIR]
#
# Without --build: installs what it needs, builds build-bench (Release) and uses it. As root
# (loop devices, drop_caches). Prints, all measured side by side in this one run:
#   1. the limit: `openssl speed -evp sha256 -bytes 65536` (one core);
#   2. bench_hash (Google Benchmark): SHA-256 in memory, the old one-thread loop, HashPath;
#   3. per image size, from the page cache: `se-attest measure`, `openssl dgst -sha256` and
#      `sha256sum` on the same file, interleaved, median of RUNS runs, ratios;
#   4. the same from a loop device with a cold cache (caches dropped before every run, the loop
#      device reading its file with O_DIRECT so that nothing is cached under it either);
#   5. the whole agent on a sealed image (root partition 1 GiB + cidata) against hashing its root
#      partition alone, the fixed cost of a run on a tiny image, and the agent's peak RSS (GNU
#      time) for a tiny, a 1 GiB and a 4 GiB root partition.
# --quick (CI): 64 MiB images, 1 run, bench_hash skipped: shows the script still works.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)

QUICK=0
BUILD=
while [ $# -gt 0 ]; do
  case $1 in
    --quick) QUICK=1 ;;
    --build) BUILD=$(realpath "$2"); shift ;;
    *) echo "usage: $0 [--quick] [--build DIR]" >&2; exit 2 ;;
  esac
  shift
done
if [ "$(id -u)" -ne 0 ] || [ ! -e /dev/loop-control ]; then
  echo "skipped: needs root and loop devices"
  exit 77
fi
if [ -z "$BUILD" ]; then
  bash "$ROOT/scripts/install-deps.sh" time bc
  BUILD=$ROOT/build-bench
  cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$BUILD" -j"$(nproc)" --target se-attest se-attest-agent bench_hash >/dev/null
fi
SE_ATTEST=$BUILD/agent/se-attest
AGENT=$BUILD/agent/se-attest-agent
BENCH=$BUILD/tests/bench/bench_hash
[ -x "$SE_ATTEST" ] || SE_ATTEST=$BUILD/se-attest
[ -x "$AGENT" ] || AGENT=$BUILD/se-attest-agent
[ -x "$BENCH" ] || BENCH=

# shellcheck source=../lib/images.sh
. "$ROOT/tests/lib/images.sh"

if [ $QUICK = 1 ]; then
  SIZES=(64M) RUNS=1 AGENT_ROOT=64M RSS_SIZES=(16M 64M)
else
  SIZES=(1G 4G) RUNS=5 AGENT_ROOT=1G RSS_SIZES=(16M 1G 4G)
fi
WORK=$(mktemp -d /var/tmp/se-attest-bench.XXXXXX)
OUT=
cleanup() {
  set +e
  detach_all_loops
  if [ -n "$OUT" ]; then umount "$OUT" 2>/dev/null; rmdir "$OUT"; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
cd "$WORK"

# --- helpers --------------------------------------------------------------------------------
bytes() { numfmt --from=iec "$1"; }
# seconds COMMAND...: wall time of one run, stdout to digest.out.
seconds() {
  local t0 t1
  t0=$(date +%s%N)
  "$@" >digest.out
  t1=$(date +%s%N)
  echo "scale=4; ($t1 - $t0) / 1000000000" | bc
}
median() { sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
ratio() { echo "scale=3; $1 / $2" | bc; }
drop_caches() { sync; echo 3 >/proc/sys/vm/drop_caches; }
first_field() { grep -oE '[0-9a-f]{64}' digest.out | head -n1; }
# random_file PATH SIZE: incompressible bytes, fast (AES-CTR keystream).
random_file() {
  # openssl dies of SIGPIPE when head has enough: not a failure.
  { openssl enc -aes-128-ctr -pass pass:se-attest-bench -nosalt -pbkdf2 -in /dev/zero 2>/dev/null || true; } |
    head -c "$(bytes "$2")" >"$1"
}

# --- 1. the limit ---------------------------------------------------------------------------
speed=$(openssl speed -evp sha256 -bytes 65536 -seconds "$([ $QUICK = 1 ] && echo 1 || echo 3)" 2>/dev/null |
  awk '/^sha256/ {sub("k", "", $2); print $2 * 1000}')
echo "limit: openssl speed -evp sha256 -bytes 65536 (one core): $(echo "scale=1; $speed / 1000000" | bc) MB/s"

# --- 2. the hashing core --------------------------------------------------------------------
if [ $QUICK = 0 ] && [ -n "$BENCH" ]; then
  random_file hash.bin 256M
  SE_ATTEST_BENCH_FILE=$WORK/hash.bin "$BENCH" --benchmark_min_time=1 2>/dev/null
  rm -f hash.bin
fi

# --- 3 and 4. the same file with three tools, cached and cold -------------------------------
TOOLS=("se-attest measure" "openssl dgst -sha256" "sha256sum")
run_tool() {  # run_tool INDEX PATH
  case $1 in
    0) seconds "$SE_ATTEST" measure "$2" ;;
    1) seconds openssl dgst -sha256 "$2" ;;
    2) seconds sha256sum "$2" ;;
  esac
}
compare() {  # compare LABEL PATH COLD(0|1)
  local label=$1 path=$2 cold=$3 r i t digest
  local -a times=("" "" "") digests=("" "" "")
  for r in $(seq "$RUNS"); do
    for i in 0 1 2; do
      [ "$cold" = 1 ] && drop_caches
      t=$(run_tool "$i" "$path")
      times[i]+="$t "
      digest=$(first_field)
      digests[i]=$digest
    done
  done
  if [ "${digests[0]}" != "${digests[1]}" ] || [ "${digests[1]}" != "${digests[2]}" ]; then
    echo "bench: the three tools disagree on $path: ${digests[*]}" >&2
    exit 1
  fi
  local -a med
  for i in 0 1 2; do med[i]=$(echo "${times[i]}" | tr ' ' '\n' | grep . | median); done
  local size_b
  size_b=$(blockdev --getsize64 "$path" 2>/dev/null || stat -c %s "$path")
  echo "$label: median of $RUNS, interleaved"
  for i in 0 1 2; do
    printf '  %-22s %8.3f s  %7.1f MB/s\n' "${TOOLS[i]}" "${med[i]}" \
      "$(echo "scale=1; $size_b / ${med[i]} / 1000000" | bc)"
  done
  echo "  se-attest / openssl dgst = $(ratio "${med[0]}" "${med[1]}"), se-attest / sha256sum = $(ratio "${med[0]}" "${med[2]}"), throughput = $(echo "scale=1; 100 * $size_b / ${med[0]} / $speed" | bc) % of openssl speed"
}
for size in "${SIZES[@]}"; do
  random_file "img-$size" "$size"
  cat "img-$size" >/dev/null
  compare "$size file in the page cache" "$WORK/img-$size" 0
  attach_loop -r --direct-io=on "img-$size"
  compare "$size loop device, cold cache" "$LOOP_DEV" 1
  detach_loop "$LOOP_DEV"
  rm -f "img-$size"
done

# --- 5. the whole agent ---------------------------------------------------------------------
RUN_ID=$(printf '%04x%04x' $RANDOM $RANDOM)
"$SE_ATTEST" keygen keys >/dev/null 2>&1
cat >sysinfo <<'EOF'
Type:                 3932
Sequence Code:        00000000000860A8
Plant:                02
EOF
mkdir -p tree/etc tiny-tree/etc
echo "bench $RUN_ID" >tree/etc/motd
echo "bench $RUN_ID" >tiny-tree/etc/motd
head -c 2000000 /dev/urandom >tree/etc/payload
head -c 1000000 /dev/urandom >baseimage
# A root partition of SIZE whose every block holds data (mkfs -E nodiscard over random bytes),
# sealed, attached, with a cidata device beside it; sets ROOT_DEV and CONFIG.
sealed_image() {  # sealed_image NAME SIZE [TREE]
  local name=$1 size=$2 tree=${3:-tree}
  random_file "$name.img" "$size"
  rm -rf "$name.rootfs" && mkdir -p "$name.rootfs/boot"
  tar -C "$tree" --owner=0 --group=0 -czf "$name.rootfs/boot/root.tar.gz" .
  mkfs.ext4 -q -F -E nodiscard -L "b${RUN_ID:0:6}$name" -d "$name.rootfs" "$name.img" >/dev/null
  "$SE_ATTEST" seal --root "$name.img" --root-device "LABEL=b${RUN_ID:0:6}$name" --tarball /boot/root.tar.gz \
    --baseimage baseimage --image-version 1.0.0-bench --commit-id "bench-$RUN_ID" \
    --attestation-key keys/attestation.key --contract-key keys/contract.key --development \
    --attestation-cert keys/attestation.crt --contract-cert keys/contract.crt \
    --cidata-device "LABEL=cb-$RUN_ID" --out "$name.sealed" >/dev/null
  attach_loop "$name.img"
  ROOT_DEV=$LOOP_DEV
  CONFIG=$name.sealed/etc/se-attest/agent.yaml
  cat "$name.img" >/dev/null
}
# The record goes to a tmpfs, as in the initrd (/run): on a disk, the fsyncs of the atomic writes
# would be timed instead of the agent.
OUT=$(mktemp -d /tmp/se-attest-bench-out.XXXXXX)
mount -t tmpfs -o size=64m,mode=0700 tmpfs "$OUT"
run_agent() {  # run_agent CONFIG: exit status of one run into a fresh folder
  rm -rf "$OUT/out"
  "$AGENT" --config "$1" --output "$OUT/out" --sysinfo sysinfo 2>agent.err
}
mkdir -p cidata.d
printf 'instance-id: bench\n' >cidata.d/meta-data
printf 'workload:\n  type: workload\n  compose:\n    archive: H4sIAAAAAAAA\n' >cidata.d/user-data
printf '#cloud-config\n{}\n' >cidata.d/vendor-data
# A label of this run's own, so that no other device on the machine is taken for it.
make_cidata_ext4 cidata.img "cb-$RUN_ID" cidata.d
attach_loop cidata.img

sealed_image big "$AGENT_ROOT"
run_agent "$CONFIG" || { cat agent.err >&2; exit 1; }
agent_times="" alone_times=""
for r in $(seq "$RUNS"); do
  agent_times+="$(seconds run_agent "$CONFIG") "
  alone_times+="$(seconds "$SE_ATTEST" measure "$ROOT_DEV") "
done
agent_med=$(echo "$agent_times" | tr ' ' '\n' | grep . | median)
alone_med=$(echo "$alone_times" | tr ' ' '\n' | grep . | median)
echo "whole agent, root partition $AGENT_ROOT + cidata (median of $RUNS, interleaved):"
printf '  %-40s %8.3f s\n' "se-attest-agent (record written)" "$agent_med" "se-attest measure ROOT (the root alone)" "$alone_med"
echo "  agent / root alone = $(ratio "$agent_med" "$alone_med")"
detach_loop "$ROOT_DEV"

sealed_image tiny 4M tiny-tree
tiny_times=""
for r in $(seq $((RUNS * 2))); do tiny_times+="$(seconds run_agent "$CONFIG") "; done
echo "fixed cost: se-attest-agent on a 4 MiB root partition (root.tar.gz of one file), median of $((RUNS * 2)): $(echo "$tiny_times" | tr ' ' '\n' | grep . | median) s"
detach_loop "$ROOT_DEV"

echo "peak memory of se-attest-agent: RSS (GNU time) and its private part (anonymous, sampled every 10 ms):"
for size in "${RSS_SIZES[@]}"; do
  sealed_image "rss$size" "$size"
  rm -rf "$OUT/out"
  /usr/bin/time -f %M -o rss.txt "$AGENT" --config "$CONFIG" --output "$OUT/out" --sysinfo sysinfo 2>agent.err &
  timer=$!
  anon=0
  while kill -0 "$timer" 2>/dev/null; do
    for pid in $(pgrep -P "$timer"); do
      a=$(awk '/^Anonymous:/ {print $2}' "/proc/$pid/smaps_rollup" 2>/dev/null || true)
      [ -n "$a" ] && [ "$a" -gt "$anon" ] && anon=$a
    done
    sleep 0.01
  done
  wait "$timer" || { cat agent.err >&2; exit 1; }
  printf '  root partition %-5s RSS %6d KiB, anonymous %6d KiB\n' "$size" "$(tail -n1 rss.txt)" "$anon"
  detach_loop "$ROOT_DEV"
  rm -f "rss$size.img"
done
/usr/bin/time -f %M -o rss.txt openssl dgst -sha256 "$WORK/cidata.img" >/dev/null
echo "  for scale: openssl dgst -sha256 peaks at $(tail -n1 rss.txt) KiB RSS"
