# Disk images for the host tests and the demo (sourced, not run). Needs e2fsprogs and fdisk.

# sha256_4m FILE: the root digest sha256-4m of FILE (a file or a block device; - for stdin) with
# coreutils alone, the line of docs/formats.md: the SHA-256 of each 4 MiB chunk's sha256sum (64
# hex digits and a line feed), over the chunks in order (none for an empty FILE).
sha256_4m() { split -b 4194304 --filter='sha256sum | cut -c1-64' "$1" | sha256sum | cut -c1-64; }
# hashing_threads CPUS BYTES: how the agent's verified line names the threads that hashed a root
# partition of BYTES by sha256-4m on CPUS CPUs: one per CPU, at most 16, at most one per 4 MiB
# chunk ("1 hashing thread", "2 hashing threads").
hashing_threads() {
  local n=$1 chunks=$((($2 + (4 << 20) - 1) >> 22))
  [ "$n" -le 16 ] || n=16
  [ "$n" -le "$chunks" ] || n=$chunks
  [ "$n" -ge 1 ] || n=1
  if [ "$n" = 1 ]; then echo "1 hashing thread"; else echo "$n hashing threads"; fi
}

# make_root_partition TREE_DIR OUT.img SIZE: an ext4 (label se-root) whose /boot/root.tar.gz
# is a tarball of TREE_DIR; leaves OUT.img.rootfs/ (its content) beside it.
make_root_partition() {
  local tree=$1 out=$2 size=$3
  rm -rf "$out.rootfs" && mkdir -p "$out.rootfs/boot"
  tar -C "$tree" --owner=0 --group=0 -czf "$out.rootfs/boot/root.tar.gz" . &&
    mkfs.ext4 -q -F -L se-root -d "$out.rootfs" "$out" "$size" >/dev/null
}

# make_gpt_disk OUT.img PART.img PARTLABEL [SIZE2 PARTLABEL2]: a GPT disk whose partition 1 (from
# sector 2048, exactly PART.img's size) holds PART.img's bytes; with SIZE2 (MiB), a partition 2
# of that size named PARTLABEL2 right after partition 1 (from the next 1 MiB boundary), all zeros
# (sparse). Partition 1's offset and bytes do not depend on partition 2.
make_gpt_disk() {
  local out=$1 part=$2 name=$3 size2=${4:-} name2=${5:-}
  local sectors=$(($(stat -c %s "$part") / 512))
  local start2=$((((2048 + sectors + 2047) / 2048) * 2048)) sectors2=$((${size2:-0} * 2048))
  local table
  table=$(printf 'label: gpt\nstart=2048, size=%d, name=%s\n' "$sectors" "$name")
  if [ -n "$size2" ]; then
    table=$(printf '%s\nstart=%d, size=%d, name=%s\n' "$table" "$start2" "$sectors2" "$name2")
  else
    start2=$((2048 + sectors))
  fi
  rm -f "$out"
  truncate -s $(((start2 + sectors2 + 2048) * 512)) "$out" &&
    printf '%s\n' "$table" | sfdisk -q "$out" &&
    dd if="$part" of="$out" bs=512 seek=2048 conv=notrunc status=none
}
# gpt_partition DISK.img N: "START_BYTE SIZE_BYTES" of partition N (sfdisk's table).
gpt_partition() {
  sfdisk -J "$1" | python3 -c '
import json, sys
t = json.load(sys.stdin)["partitiontable"]
p = [p for p in t["partitions"] if p["node"].endswith(str(sys.argv[1]))][0]
ss = t.get("sectorsize", 512)
print(p["start"] * ss, p["size"] * ss)' "$2"
}

# make_cidata_ext4 OUT.img LABEL DIR [SIZE]: cloud-init NoCloud files of DIR on an ext4 labelled
# LABEL, SIZE big (default 4M) (this host's kernel mounts no ISO9660 or vfat; those are booted
# under QEMU). DIR may hold symlinks, FIFOs, sockets and device nodes: mkfs.ext4 -d copies them.
make_cidata_ext4() {
  mkfs.ext4 -q -F -L "$2" -d "$3" "$1" "${4:-4M}" >/dev/null
}

# attach_loop [-P] FILE: attaches FILE to a loop device, in $LOOP_DEV, remembered in LOOP_DEVS
# for detach_all_loops (call it from an EXIT trap). Not in a subshell, or LOOP_DEVS is lost.
LOOP_DEVS=()
attach_loop() {
  LOOP_DEV=$(losetup -f --show "$@") || return 1
  LOOP_DEVS+=("$LOOP_DEV")
  # A device's own read-only flag (BLKROSET, which the agent sets while it mounts cidata) outlives
  # a detach, and a new attach does not clear it: one left by a killed run would turn this
  # device read-only too.
  case " $* " in *" -r "*) ;; *) blockdev --setrw "$LOOP_DEV" ;; esac
}
# detach_loop DEV: detaches DEV now and forgets it, so that detach_all_loops cannot detach the
# same number later, when it may be another test's device.
detach_loop() {
  local l kept=()
  losetup -d "$1" || return 1
  for l in "${LOOP_DEVS[@]}"; do [ "$l" = "$1" ] || kept+=("$l"); done
  LOOP_DEVS=("${kept[@]}")
}
detach_all_loops() {
  local l
  for l in "${LOOP_DEVS[@]}"; do losetup -d "$l" 2>/dev/null; done
  LOOP_DEVS=()
}

# partition_of DISK_LOOP: waits for DISK_LOOP's partition 1 to appear (without udev, partx adds
# it) and prints it.
partition_of() {
  local p="${1}p1" i
  for i in $(seq 20); do [ -b "$p" ] && break; sleep 0.1; done
  [ -b "$p" ] || partx -a "$1" 2>/dev/null
  for i in $(seq 20); do [ -b "$p" ] && break; sleep 0.1; done
  [ -b "$p" ] && echo "$p"
}

# openssl_token CERT FILE [PREFIX]: a token made with the openssl command line only, as contract
# authors' own tools do; PREFIX hyper-protect-basic (the default: HPVS, HPCR, CCCO) or
# contract-basic (CCRT, CCRV): the two parts after it are made the same way.
openssl_token() {
  local pw a b
  pw=$(openssl rand -base64 48 | tr -dc 'A-Za-z0-9' | head -c 32)
  a=$(printf %s "$pw" | openssl pkeyutl -encrypt -pubin -inkey <(openssl x509 -pubkey -noout -in "$1") | base64 -w0)
  b=$(printf %s "$pw" | openssl enc -aes-256-cbc -pbkdf2 -salt -pass stdin -in "$2" | base64 -w0)
  printf '%s.%s.%s' "${3:-hyper-protect-basic}" "$a" "$b"
}

# sources_decrypt_script SHARED OUT: the decrypt script of the HPCR attestation document
# (spec/sources/004_...), extracted unchanged.
# corrupt_token: stdin to stdout, the first character of every token's RSA part replaced by
# another one (A, or B where it was A): never a no-op, unlike swapping two characters that may
# be equal. The token no longer decrypts with the right key.
corrupt_token() {
  sed -E 's/((hyper-protect|contract)-basic\.)A/\1B/; t; s/((hyper-protect|contract)-basic\.)./\1A/'
}

sources_decrypt_script() {
  sed -n '/^#!\/bin\/bash/,/--out se-checksums.txt$/p' "$1/spec/sources/004_62851196aa14877a.txt" >"$2"
  [ -s "$2" ]
}

# hold_device_lock: one run at a time on this machine attaches loop devices and runs the agent:
# the agent finds cidata by its label among all the machine's block devices, so two runs (two
# checkouts' test.sh, a test beside the benchmarks) would see each other's cidata devices. Waits
# up to 4 minutes for /run/se-attest-devices.lock (flock; in root's /run, not the world-writable
# /run/lock), then holds it until this shell and its children have exited, and writes who holds
# it into the file for those who wait; a child script (SE_ATTEST_DEVICE_LOCK set) holds its
# parent's.
hold_device_lock() {
  [ -z "${SE_ATTEST_DEVICE_LOCK:-}" ] || return 0
  local lock=/run/se-attest-devices.lock fd
  (umask 077 && : >>"$lock") || return 1
  exec {fd}>>"$lock" || return 1
  if ! flock -n "$fd"; then
    echo "waiting for $lock, held by $(lock_holder "$lock")" >&2
    flock -w 240 "$fd" || { echo "$lock: still held after 4 minutes, by $(lock_holder "$lock")" >&2; return 1; }
  fi
  printf 'pid %s (%s), since %s\n' "$$" "$0" "$(date -u +%H:%M:%S)" >"$lock"
  export SE_ATTEST_DEVICE_LOCK=$lock
}
lock_holder() {
  local line pid
  line=$(head -n1 "$1" 2>/dev/null) || true
  pid=$(echo "$line" | sed -n 's/^pid \([0-9][0-9]*\) .*/\1/p')
  if [ -z "$pid" ]; then
    echo "a run that did not say"
  elif [ -d "/proc/$pid" ]; then
    echo "$line"
  else
    echo "$line, gone (a process it started holds the lock on)"
  fi
}

# no_cidata_on_machine: fails when a device labelled cidata exists already (the agent would
# rightly refuse to choose), naming each one and, for a loop device or its partition, the file
# behind it.
no_cidata_on_machine() {
  local found dev file
  found=$(blkid -c /dev/null -t LABEL=cidata -o device 2>/dev/null; blkid -c /dev/null -t LABEL=CIDATA -o device 2>/dev/null || true)
  [ -n "$found" ] || return 0
  for dev in $found; do
    file=$(losetup -n -O BACK-FILE "$(echo "$dev" | sed -E 's/^(\/dev\/loop[0-9]+)p[0-9]+$/\1/')" 2>/dev/null | sed 's/ *$//')
    echo "a device labelled cidata exists already: $dev${file:+ (loop device over $file)}" >&2
  done
  return 1
}

# A newc cpio archive by hand, to append test-only files to an initrd (the kernel unpacks every
# archive it finds at a 4-byte boundary): cpio_entry NAME OCTAL_MODE [DATA_FILE] writes one entry
# to stdout (owner root; the data of DATA_FILE, none for a folder, a link's target for mode
# 120777, none for the closing "TRAILER!!!" entry); cpio_pad N the zero bytes that bring N up to
# a multiple of 4. Inode numbers count up from CPIO_INO.
CPIO_INO=900000
cpio_pad() { head -c $(((4 - $1 % 4) % 4)) /dev/zero; }
cpio_entry() {
  local size=0
  [ -z "${3:-}" ] || size=$(stat -c %s "$3")
  printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%s\0' \
    $((CPIO_INO++)) $((8#$2)) 0 0 1 0 "$size" 0 0 0 0 $((${#1} + 1)) 0 "$1"
  cpio_pad $((110 + ${#1} + 1))
  [ -z "${3:-}" ] || { cat "$3" && cpio_pad "$size"; }
}

# elf_needed_closure TREE PATH: the shared libraries PATH (inside TREE) needs, recursively, as
# paths inside TREE (found in its lib folders), one a line; the C library and the dynamic loader,
# which every initrd has, left out. readelf reads any architecture's ELF.
elf_needed_closure() {
  local tree=$1 todo=("$2") seen=" " f lib d found
  while [ "${#todo[@]}" -gt 0 ]; do
    f=${todo[0]}
    todo=("${todo[@]:1}")
    for lib in $(readelf -d "$tree/$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p'); do
      case $lib in libc.so.* | ld*.so.*) continue ;; esac
      [[ $seen == *" $lib "* ]] && continue
      seen="$seen$lib "
      found=
      for d in usr/lib/s390x-linux-gnu lib/s390x-linux-gnu usr/lib lib; do
        [ -e "$tree/$d/$lib" ] && { found=$d/$lib; break; }
      done
      [ -n "$found" ] || { echo "elf_needed_closure: $lib (of $f) not in $tree" >&2; return 1; }
      echo "$found"
      todo+=("$found")
    done
  done
}

# QEMU s390x guests (qemu-s390x/scenario.sh, bench-boot.sh).
# add_virtio_disk FILE [OPTIONS]: one more raw virtio-blk-ccw disk in QEMU_DISKS, in order
# (vda, vdb, ...); OPTIONS are -drive's ("readonly=on").
QEMU_DISKS=()
add_virtio_disk() {
  local id=d$((${#QEMU_DISKS[@]} / 4))
  QEMU_DISKS+=(-drive "file=$1,if=none,id=$id,format=raw${2:+,$2}" -device "virtio-blk-ccw,drive=$id")
}
# boot_s390x SECONDS KERNEL INITRD CMDLINE: one boot under TCG (-cpu max, 1 GiB, no reboot: the
# guest's power-off ends it) with QEMU_DISKS, stopped after SECONDS. Writes console.raw, console.log
# (without carriage returns and terminal escapes) and qemu.err in the current folder, sets
# BOOT_SECONDS (wall clock); returns QEMU's status (124: timed out). SE_ATTEST_QEMU_SMP set:
# -smp SE_ATTEST_QEMU_SMP (bench-boot.sh, two scenarios of scenario.sh; unset: QEMU's default, 1 CPU).
boot_s390x() {
  local start rc
  start=$(date +%s.%N)
  timeout "$1" qemu-system-s390x -M s390-ccw-virtio -accel tcg -cpu max -m 1024 ${SE_ATTEST_QEMU_SMP:+-smp "$SE_ATTEST_QEMU_SMP"} \
    -nographic -no-reboot \
    -kernel "$2" -initrd "$3" -append "$4" "${QEMU_DISKS[@]}" </dev/null >console.raw 2>qemu.err
  rc=$?
  BOOT_SECONDS=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
  tr -d '\r' <console.raw | sed 's/\x1b\[[0-9;]*[A-Za-z]//g' >console.log
  return "$rc"
}
