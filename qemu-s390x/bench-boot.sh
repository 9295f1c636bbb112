#!/usr/bin/env bash
# bench-boot.sh: how long a measured boot takes to its record under qemu-system-s390x (TCG), and
# the agent's share of it, for a root partition of 64 MiB and of 512 MiB, with 1 and with 2
# emulated CPUs (-smp: the agent hashes sha256-4m, seal's default, with every CPU of the guest).
# A benchmark, not a test (not in CI, no pass/fail beyond "the boot made a verified record"). As
# root.
#
#   qemu-s390x/bench-boot.sh
#
# For each size, build/qemu-bench-SIZE is made once by prepare.sh with SE_ATTEST_ROOT_SIZE=SIZE
# (the root partition filled with random bytes; the initrds re-made, since the sealed agent.yaml
# holds the root partition's hash; the Debian tree and the builds are reused) and kept for the
# next run. Each boot is the good-pem scenario (an encrypted record) with a test-only second cpio
# appended to the initrd (as scenario.sh's good-journal does): it prints /proc/meminfo before and
# right after the agent, and the timestamped journal (dracut) or kernel log (initramfs-tools)
# lines of the agent, on the console. Boots run one at a time, each holding
# /tmp/se-attest-qemu.lock (flock), and wait while another QEMU s390x runs on this machine;
# prepare.sh runs under /tmp/se-attest-prepare.lock (it shares build/debs and the tree).
#
# Environment:
#   SE_ATTEST_BENCH_SIZES        root partition sizes (default "64M 512M", mkfs.ext4 sizes)
#   SE_ATTEST_BENCH_SMP          emulated CPUs, one value or several (default "1 2"): every size
#                                is booted with -smp N for each N (tests/lib/images.sh's
#                                boot_s390x reads SE_ATTEST_QEMU_SMP)
#   SE_ATTEST_BENCH_RUNS         dracut (systemd initrd) boots per size and -smp (default 3)
#   SE_ATTEST_BENCH_ITOOLS_RUNS  initramfs-tools boots per size and -smp (default 1; 0: none)
#   SE_ATTEST_BENCH_PREPARE=1    prepare build/qemu-bench-SIZE again even if it is there
# Results: build/qemu-bench-results/DATE/ (table.txt, the progress lines, every console log).
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
# shellcheck source=../tests/lib/images.sh
. "$repo/tests/lib/images.sh"

sizes=${SE_ATTEST_BENCH_SIZES:-64M 512M}
smps=${SE_ATTEST_BENCH_SMP:-1 2}
runs=${SE_ATTEST_BENCH_RUNS:-3}
itools_runs=${SE_ATTEST_BENCH_ITOOLS_RUNS:-1}
results=$repo/build/qemu-bench-results/$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$results"
table=$results/table.tsv
printf 'size\tinitrd\tsmp\trun\tload\tagent_start\troot_verified\trecord\tagent_s\tshare\thash_MiBps\tprogress_MiBps\ttotal_s\tbuf_cached_before_kB\tbuf_cached_after_kB\tverify\tunit_start\tunit_end\tunit_s\tdigest\tguest_cpus\n' >"$table"

say() { printf '%s\n' "$*" | tee -a "$results/log.txt"; }

# --- preparation: build/qemu-bench-SIZE --------------------------------------------------------
prepare_size() {  # prepare_size SIZE
  local size=$1 work=$repo/build/qemu-bench-$1 log=$repo/build/qemu-bench-$1.prepare.log t0
  if [ "${SE_ATTEST_BENCH_PREPARE:-0}" != 1 ] && [ "$(cat "$work/bench-prepared" 2>/dev/null)" = "$size" ]; then
    say "== $work: prepared before (SE_ATTEST_BENCH_PREPARE=1 prepares it again)"
    return 0
  fi
  say "== preparing $work (SE_ATTEST_ROOT_SIZE=$size prepare.sh; log: $log)"
  t0=$(date +%s)
  if ! SE_ATTEST_ROOT_SIZE=$size flock /tmp/se-attest-prepare.lock bash "$here/prepare.sh" "$work" >"$log" 2>&1; then
    tail -30 "$log"
    say "bench-boot: prepare.sh failed for $size"
    exit 1
  fi
  echo "$size" >"$work/bench-prepared"
  say "   prepared in $(($(date +%s) - t0)) s; $(grep -E '^(dracut|mkinitramfs).*: [0-9]+ s$' "$log" | paste -sd';')"
}

# --- the test-only cpio appended to an initrd (cpio_entry, cpio_pad: tests/lib/images.sh) -------
# make_bench_initrd WORK INITRD OUT: WORK/initrd-INITRD.img with the bench cpio appended.
make_bench_initrd() {
  local work=$1 initrd=$2 out=$3 d
  d=$(dirname "$out")/bench-rd
  mkdir -p "$d"
  # The report: one write per line, straight to the console; every line starts with
  # "se-attest-bench:" (systemd's status lines may share the console).
  cat >"$d/report" <<'EOF'
bb=/usr/lib/se-attest-bench/busybox
when=$1
exec >/dev/console 2>&1
echo "se-attest-bench: $when: uptime $($bb cut -d' ' -f1 /proc/uptime)"
echo "se-attest-bench: $when: cpus online $($bb cat /sys/devices/system/cpu/online)"
$bb grep -E '^(MemTotal|MemFree|Buffers|Cached|Shmem):' /proc/meminfo | while IFS= read -r l; do
  echo "se-attest-bench: $when: meminfo $l"
done
[ "$when" = after ] || exit 0
if [ -S /run/systemd/journal/socket ]; then
  # Monotonic time, the clock of the kernel's console timestamps.
  journalctl -b -o short-monotonic --no-pager |
    $bb grep -E 'se-attest-agent|udev-trigger.service|Journal started' | while IFS= read -r l; do
    echo "se-attest-bench: journal: $l"
  done
else
  $bb dmesg | $bb grep -E 'se-attest-agent|Freeing unused kernel' | while IFS= read -r l; do
    echo "se-attest-bench: dmesg: $l"
  done
fi
EOF
  if [ "$initrd" = dracut ]; then
    for when in before after; do
      {
        echo "[Unit]"
        echo "Description=se-attest bench: memory $when the agent"
        echo "DefaultDependencies=no"
        if [ $when = before ]; then
          echo "After=systemd-udevd.service systemd-udev-trigger.service"
          echo "Before=se-attest-agent.service"
        else
          echo "After=se-attest-agent.service"
          echo "Before=se-attest-root.service initrd-root-fs.target"
        fi
        echo "[Service]"
        echo "Type=oneshot"
        echo "ExecStart=/usr/lib/se-attest-bench/busybox sh /usr/lib/se-attest-bench/report $when"
        echo "StandardOutput=tty"
        echo "StandardError=tty"
        echo "TTYPath=/dev/console"
      } >"$d/$when.service"
      printf '/etc/systemd/system/se-attest-bench-%s.service' $when >"$d/$when.link"
    done
  else
    # initramfs-tools runs local-premount's scripts in the order of its ORDER file: the report
    # right before and right after the agent's script.
    cat >"$d/ORDER" <<'EOF'
/scripts/local-premount/resume "$@"
[ -e /conf/param.conf ] && . /conf/param.conf
/scripts/local-premount/se-attest-bench-before "$@"
/scripts/local-premount/se-attest "$@"
[ -e /conf/param.conf ] && . /conf/param.conf
/scripts/local-premount/se-attest-bench-after "$@"
EOF
    for when in before after; do
      # shellcheck disable=SC2016
      printf '#!/bin/sh\n[ "$1" = prereqs ] && exit 0\n/usr/lib/se-attest-bench/busybox sh /usr/lib/se-attest-bench/report %s\n' \
        $when >"$d/$when.sh"
    done
  fi
  {
    cat "$work/initrd-$initrd.img"
    cpio_pad "$(stat -c %s "$work/initrd-$initrd.img")"  # the kernel finds a cpio only at a 4-byte boundary
    cpio_entry usr/lib/se-attest-bench 40755
    cpio_entry usr/lib/se-attest-bench/busybox 100755 "$work/tree/bin/busybox"
    cpio_entry usr/lib/se-attest-bench/report 100644 "$d/report"
    if [ "$initrd" = dracut ]; then
      for when in before after; do
        cpio_entry etc/systemd/system/se-attest-bench-$when.service 100644 "$d/$when.service"
        cpio_entry etc/systemd/system/initrd.target.wants/se-attest-bench-$when.service 120777 "$d/$when.link"
      done
    else
      cpio_entry scripts/local-premount/ORDER 100644 "$d/ORDER"
      cpio_entry scripts/local-premount/se-attest-bench-before 100755 "$d/before.sh"
      cpio_entry scripts/local-premount/se-attest-bench-after 100755 "$d/after.sh"
    fi
    cpio_entry TRAILER!!! 0
  } >"$out"
}

# --- one boot ---------------------------------------------------------------------------------
ts_of() {  # ts_of REGEX: the timestamp (s) of the first bench journal/dmesg line matching REGEX
  grep -aoE 'se-attest-bench: (journal|dmesg): .*' console.log | grep -aE "$1" | head -1 |
    sed -nE 's/^se-attest-bench: [a-z]+: \[ *([0-9]+\.[0-9]+)\].*/\1/p'
}
cpus_of() {  # cpus_of: the guest's online CPUs before the agent (/sys/devices/system/cpu/online: 0-1)
  grep -aoE 'se-attest-bench: before: cpus online [0-9,-]+' console.log | head -1 | awk '{ print $NF }'
}
meminfo_of() {  # meminfo_of before|after FIELD: kB
  grep -aoE "se-attest-bench: $1: meminfo $2: +[0-9]+" console.log | head -1 | awk '{ print $NF }'
}

boot_one() {  # boot_one SIZE INITRD SMP RUN
  local size=$1 initrd=$2 smp=$3 run=$4 work=$repo/build/qemu-bench-$1 dir waited=0 tag
  tag=$size-$initrd-smp$smp-$run
  dir=$work/bench/$initrd-smp$smp-$run
  rm -rf "$dir" && mkdir -p "$dir/files" && cd "$dir" || exit 1

  # The good-pem scenario: an encrypted record to the auditor's key.
  printf 'type: workload\ncompose:\n  archive: H4sIAAAAqemu\n' >workload.yaml
  {
    echo "workload: $(openssl_token "$work/keys/contract.crt" workload.yaml)"
    printf 'env: |\n    type: env\n'
    echo "attestationPublicKey: |" && sed 's/^/    /' "$work/auditor.pub"
  } >files/user-data
  printf 'instance-id: qemu-bench\nlocal-hostname: se-attest-bench\n' >files/meta-data
  printf '#cloud-config\n{}\n' >files/vendor-data
  genisoimage -quiet -output cidata.img -volid cidata -joliet -rock files/meta-data files/user-data files/vendor-data
  cp "$work/disk.img" disk.img
  make_bench_initrd "$work" "$initrd" "$dir/initrd.img"

  local cmdline="console=ttysclp0 panic=-1 loglevel=4"
  [ "$initrd" = dracut ] || cmdline="$cmdline root=PARTLABEL=se-root"
  local load rc
  QEMU_DISKS=()
  add_virtio_disk disk.img
  add_virtio_disk cidata.img readonly=on
  {
    # One QEMU s390x at a time on this machine: the lock the other harnesses take, and a wait for
    # anyone else's boot that does not take it.
    if ! flock -n 9; then
      say "   (waiting for /tmp/se-attest-qemu.lock)"
      flock 9
    fi
    while pgrep -x qemu-system-s39 >/dev/null; do  # the 15 characters of the process name
      [ $waited = 0 ] && say "   (waiting for another qemu-system-s390x to end)"
      sleep 5 && waited=$((waited + 5))
    done
    load=$(cut -d' ' -f1 /proc/loadavg)
    SE_ATTEST_QEMU_SMP=$smp boot_s390x 1800 "$work/kernel" initrd.img "$cmdline"
    rc=$?
  } 9>/tmp/se-attest-qemu.lock
  rm -f disk.img

  # The record must be a good one: se-attest verify, as scenario.sh does.
  local verdict=no-record
  mkdir -p out
  if sed -n '/-----BEGIN SE-ATTEST HYPERPROTECT-----/,/-----END SE-ATTEST HYPERPROTECT-----/p' console.log |
    grep -E '^[A-Za-z0-9+/=]+$' | base64 -d 2>/dev/null | tar -x -C out 2>/dev/null && [ -s out/se-checksums.txt.enc ]; then
    "$work/se-attest" verify out --allow-development --cert "$work/keys/attestation.crt" --chain "$work/keys/intermediate-ca.crt" \
      --ca "$work/keys/root-ca.crt" --reference "$work/sealed/reference.yaml" --expect-cidata files \
      --machine 8561/QEMU/QEMU --key "$work/auditor.key" --attestation-public-key "$work/auditor.pub" >verify.txt 2>&1
    verdict=$(sed -n 's/^verdict: \([A-Z_-]*\).*/\1/p' verify.txt | head -1)
    [ -n "$verdict" ] || verdict=verify-failed
  fi

  local t_start t_verified t_record t_unit0 t_unit1 mib part_bytes digest cpus
  t_start=$(ts_of 'se-attest-agent.*started with configuration')
  t_verified=$(ts_of 'se-attest-agent.*root partition /dev/vd[a-z]1 verified')
  t_record=$(ts_of 'se-attest-agent.*record written to')
  t_unit0=$(ts_of 'Starting se-attest-agent.service')
  t_unit1=$(ts_of 'Finished se-attest-agent.service')
  # The digest the agent verified the root with (agent.yaml's: sha256-4m, seal's default).
  digest=$(grep -aoE 'root partition /dev/vd[a-z]1 verified: [a-z0-9-]+' console.log | head -1 | awk '{ print $NF }')
  cpus=$(cpus_of)
  # Kernel timestamps: journald's console lines and the kernel log carry them (printk.time=1).
  [ -n "$t_start" ] || say "   note: no timestamped agent line (no kernel timestamps? printk.time=1)"
  part_bytes=$(stat -c %s "$work/root-part.img")
  mib=$((part_bytes / 1048576))
  grep -a 'root partition /dev/vd[a-z]1: [0-9]*%' console.log | grep -av 'se-attest-bench:' >progress.txt
  local progress_rate
  progress_rate=$(tail -1 progress.txt | grep -oE '[0-9.]+ MiB/s' | cut -d' ' -f1)
  local bc0 bc1
  bc0=$(awk -v b="$(meminfo_of before Buffers)" -v c="$(meminfo_of before Cached)" 'BEGIN { if (b != "" && c != "") print b + c }')
  bc1=$(awk -v b="$(meminfo_of after Buffers)" -v c="$(meminfo_of after Cached)" 'BEGIN { if (b != "" && c != "") print b + c }')
  awk -v size="$size" -v initrd="$initrd" -v smp="$smp" -v run="$run" -v load="$load" -v a="$t_start" -v v="$t_verified" \
    -v b="$t_record" -v mib="$mib" -v pr="${progress_rate:--}" -v wall="$BOOT_SECONDS" -v bc0="${bc0:--}" -v bc1="${bc1:--}" \
    -v verdict="$verdict" -v u0="$t_unit0" -v u1="$t_unit1" -v digest="${digest:--}" -v cpus="${cpus:--}" 'BEGIN {
      if (a == "" || b == "") { agent = "-"; share = "-" } else { agent = sprintf("%.1f", b - a); share = sprintf("%.0f%%", 100 * (b - a) / b) }
      rate = (a == "" || v == "" || v <= a) ? "-" : sprintf("%.1f", mib / (v - a))
      unit = (u0 == "" || u1 == "") ? "-" : sprintf("%.1f", u1 - u0)
      printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", size, initrd, smp, run, load,
        a == "" ? "-" : a, v == "" ? "-" : v, b == "" ? "-" : b, agent, share, rate, pr, wall, bc0, bc1, verdict,
        u0 == "" ? "-" : u0, u1 == "" ? "-" : u1, unit, digest, cpus
    }' >>"$table"
  say "   $size $initrd -smp $smp run $run (load $load): qemu exit $rc, ${BOOT_SECONDS} s wall, agent $t_start -> record $t_record (unit $t_unit0 -> $t_unit1), verdict $verdict; $dir/console.log"
  cp console.log "$results/console-$tag.log"
  cp progress.txt "$results/progress-$tag.txt"
  grep -aoE 'se-attest-bench: .*' console.log >"$results/bench-lines-$tag.txt"
  cd "$repo" || exit 1
}

# --- the runs ---------------------------------------------------------------------------------
t_all=$(date +%s)
say "bench-boot: sizes $sizes; -smp $smps; $runs dracut and $itools_runs initramfs-tools boot(s) each; results in $results"
for size in $sizes; do prepare_size "$size"; done
for size in $sizes; do
  # The -smp values interleaved, run by run: a change of the host's load hits all of them.
  for run in $(seq 1 "$runs"); do
    for smp in $smps; do boot_one "$size" dracut "$smp" "$run"; done
  done
  for run in $(seq 1 "$itools_runs"); do
    for smp in $smps; do boot_one "$size" initramfs-tools "$smp" "$run"; done
  done
done

# --- the report -------------------------------------------------------------------------------
{
  echo
  echo "Boot to record under qemu-system-s390x TCG (-cpu max -m 1024 -smp N), seconds of guest kernel time"
  echo "(agent = its 'started' to its 'record written' log line; share = agent / boot-to-record;"
  echo "hash MiB/s = partition / ('started' to 'root partition verified'); progress MiB/s = the"
  echo "agent's last console progress line; total = QEMU start to power-off, host wall clock;"
  echo "buf+cached = Buffers + Cached kB, before the agent and right after it; unit = systemd's"
  echo "'Starting' to 'Finished se-attest-agent.service', which adds udevadm settle and the key removal;"
  echo "digest = the one the agent verified the root partition with; cpus = the guest's online CPUs;"
  echo "load = the host's load average, before the boot)"
  echo
  {
    echo "size initrd smp run load unit-start agent-start record(boot-to-record) agent-s share unit-s hash-MiB/s progress-MiB/s total-s buf+cached-before buf+cached-after verdict digest cpus"
    awk -F'\t' 'NR > 1 { print $1, $2, $3, $4, $5, $17, $6, $8, $9, $10, $19, $11, $12, $13, $14, $15, $16, $20, $21 }' "$table"
  } | column -t
  echo
  echo "Means per size, initrd and -smp (boots with a record):"
  {
    echo "size initrd smp boots boot-to-record agent-s share hash-MiB/s total-s"
    awk -F'\t' 'NR > 1 && $8 != "-" { k = $1 " " $2 " " $3; n[k]++; b[k] += $8; a[k] += $9; r[k] += $11; t[k] += $13; if (!(k in o)) { o[k] = ++m; ks[m] = k } }
      END { for (i = 1; i <= m; i++) { k = ks[i]; printf "%s %d %.1f %.1f %.0f%% %.1f %.1f\n", k, n[k], b[k] / n[k], a[k] / n[k], 100 * a[k] / b[k], r[k] / n[k], t[k] / n[k] } }' "$table"
  } | column -t
  echo
  echo "Against -smp 1, per size and initrd (ratios of the means; below 1: faster):"
  {
    echo "size initrd smp boot-to-record/smp1 agent-s/smp1"
    awk -F'\t' 'NR > 1 && $8 != "-" { k = $1 " " $2 " " $3; n[k]++; b[k] += $8; a[k] += $9; if (!(k in o)) { o[k] = ++m; ks[m] = k; base[k] = $1 " " $2 " 1" } }
      END { for (i = 1; i <= m; i++) { k = ks[i]; z = base[k]; if (k == z || !(z in n)) continue
        printf "%s %.2f %.2f\n", k, (b[k] / n[k]) / (b[z] / n[z]), (a[k] / n[k]) / (a[z] / n[z]) } }' "$table"
  } | column -t
  for f in "$results"/bench-lines-*-1.txt; do
    [ -e "$f" ] || continue
    echo
    echo "Guest memory, $(basename "$f" .txt | sed 's/^bench-lines-//') (root partition: $(basename "$f" | cut -d- -f3)):"
    grep -E 'meminfo' "$f" | sed 's/^se-attest-bench: /  /'
  done
  for size in $sizes; do
    for smp in $smps; do
      echo
      echo "Progress lines on the console, $size root partition, -smp $smp (dracut run 1, then initramfs-tools run 1):"
      cat "$results/progress-$size-dracut-smp$smp-1.txt" "$results/progress-$size-initramfs-tools-smp$smp-1.txt" 2>/dev/null |
        sed 's/^/  /'
    done
  done
  echo
  echo "bench-boot: $(($(date +%s) - t_all)) s in all; $results"
} | tee "$results/table.txt"
