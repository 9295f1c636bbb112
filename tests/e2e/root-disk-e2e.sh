#!/usr/bin/env bash
# Host end-to-end test of se-attest-root (the real root, docs/boot.md) on real loop block devices
# with the real cryptsetup, mke2fs, gzip and tar, as far as this host allows:
#
#   root-disk-e2e.sh SE_ATTEST SE_ATTEST_ROOT
#
# The root disk missing, too small (its bytes unchanged), a root already mounted, a tmpfs too
# small, the tmpfs root mounted by se-attest-root itself. An encrypted root needs the kernel's
# device-mapper: where it exists (/dev/mapper/control) the whole encrypted root is made and
# checked; where it does not (this project's CI hosts: no dm-mod), the failure must be cryptsetup's
# own, with its step's MESSAGE_ID, and never a root made some other way. The QEMU scenarios
# (qemu-s390x/scenario.sh enc-*) boot the encrypted root for real. Exit 77 without root.
set -uo pipefail

SE_ATTEST=$(realpath "$1")
SE_ATTEST_ROOT=$(realpath "$2")
HERE=$(cd "$(dirname "$0")" && pwd)
LOG_H=$HERE/../../agent/lib/platform/log.h
# shellcheck source=../lib/images.sh
. "$HERE/../lib/images.sh"
# shellcheck source=../lib/e2e.sh
. "$HERE/../lib/e2e.sh"
e2e_start root-disk
command -v cryptsetup >/dev/null || die "no cryptsetup (scripts/install-deps.sh installs cryptsetup-bin)"
cleanup_root_disk() {
  umount -R "$WORK/newroot" 2>/dev/null
  [ ! -e /dev/mapper/se-attest-rootfs ] || cryptsetup close se-attest-rootfs 2>/dev/null
  e2e_cleanup
}
trap cleanup_root_disk EXIT

id_of() {  # id_of kRootDiskMissing: that MESSAGE_ID as agent/lib/platform/log.h defines it
  sed -n "s/^inline constexpr std::string_view $1 = \"\\([0-9a-f]\\{32\\}\\)\";\$/\\1/p" "$LOG_H"
}
# failure_is ID FIELD...: stderr (root.err) has exactly one failure, with that MESSAGE_ID,
# SE_ATTEST_EXIT=5 and every FIELD (NAME=value) in its tail.
failure_is() {
  local id=$1 tail
  shift
  cat root.err
  [ "$(grep -c 'SE_ATTEST_EXIT=' root.err)" = 1 ] || { echo "not exactly one failure"; return 1; }
  tail=$(grep -o '\[MESSAGE_ID=[^]]*\]$' root.err)
  [[ " ${tail:1:-1} " == *" MESSAGE_ID=$id "* && " ${tail:1:-1} " == *" SE_ATTEST_EXIT=5 "* ]] || return 1
  local f
  for f in "$@"; do [[ " ${tail:1:-1} " == *" $f "* ]] || { echo "no $f"; return 1; }; done
}
run_root() {  # run_root CONFIG: se-attest-root on newroot; its exit code in rc
  "$SE_ATTEST_ROOT" --config "$1" --wait 1 newroot >root.out 2>root.err
  rc=$?
}
not_mounted() { ! grep -q " $WORK/newroot " /proc/mounts; }
nothing_made() { not_mounted && [ -z "$(ls -A newroot 2>/dev/null)" ] && [ -s kept/root.tar.gz ]; }

# --- an image sealed with --root-disk, and what its agent would have left -------------------
"$SE_ATTEST" keygen keys >/dev/null 2>&1 || die "keygen"
mkdir -p tree/etc tree/bin
echo "se-attest root disk e2e $RUN_ID" >tree/etc/motd
head -c 2000000 /dev/urandom >tree/bin/payload
make_root_partition tree root-part.img 16M || die "root partition"
DISK_LABEL=se-rootfs-$RUN_ID
# In the default record profile, hpcr-2026 (with the key set's certificates); se-attest-root does
# not read the record.
seal() {  # seal OUT [OPTION...]
  local out=$1
  shift
  "$SE_ATTEST" seal --root root-part.img --root-device "PARTLABEL=se-root-$RUN_ID" --tarball /boot/root.tar.gz \
    --baseimage-sha256 "$(printf '%064d' 0)" --image-version 1.0.0-e2e --commit-id "e2e-$RUN_ID" \
    --attestation-key keys/attestation.key --contract-key keys/contract.key --development \
    --attestation-cert keys/attestation.crt --contract-cert keys/contract.crt \
    --tarball-copy "$WORK/kept/root.tar.gz" --output-dir "$WORK/record" --out "$out" "$@" >"$out.log" 2>&1
}
seal sealed-disk --root-disk "PARTLABEL=$DISK_LABEL" || die "seal --root-disk: $(cat sealed-disk.log)"
seal sealed-tmpfs || die "seal: $(cat sealed-tmpfs.log)"
DISK_CONFIG=sealed-disk/etc/se-attest/agent.yaml
TMPFS_CONFIG=sealed-tmpfs/etc/se-attest/agent.yaml
check "seal --root-disk: agent.yaml names it (top level), reference.yaml says luks2-disk" \
  bash -c "grep -qx 'root_disk: PARTLABEL=$DISK_LABEL' $DISK_CONFIG &&
           grep -A2 '^real_root:' sealed-disk/reference.yaml | grep -qx '  kind: luks2-disk' &&
           grep -A2 '^real_root:' sealed-disk/reference.yaml | grep -qx '  disk: PARTLABEL=$DISK_LABEL'"
check "seal without --root-disk: no root_disk, reference.yaml says tmpfs" \
  bash -c "! grep -q root_disk $TMPFS_CONFIG && grep -A1 '^real_root:' sealed-tmpfs/reference.yaml | grep -qx '  kind: tmpfs'"
seal sealed-same --root-disk "PARTLABEL=se-root-$RUN_ID"
check "seal --root-disk naming the root partition itself: refused, nothing written" \
  bash -c "[ $? != 0 ] && grep -q 'root_disk: PARTLABEL=se-root-$RUN_ID is root.device' sealed-same.log && [ ! -e sealed-same ]"
seal sealed-label --root-disk "LABEL=$DISK_LABEL"
check "seal --root-disk LABEL=...: refused (the format gives the disk a new label at every boot), nothing written" \
  bash -c "[ $? != 0 ] && grep -q 'PARTLABEL=, PARTUUID= or a path' sealed-label.log && [ ! -e sealed-label ]"
mkdir -p kept record newroot
cp root-part.img.rootfs/boot/root.tar.gz kept/root.tar.gz
echo "1.0.0-e2e" >record/se-version
UNPACKED=$(gzip -dc kept/root.tar.gz | wc -c)

# --- 1. no root disk ----------------------------------------------------------------------------
run_root "$DISK_CONFIG"
check "no root disk: exit 5, kRootDiskMissing naming the spec, after --wait" \
  failure_is "$(id_of kRootDiskMissing)" "SE_ATTEST_ITEM=PARTLABEL=$DISK_LABEL"
check "no root disk: nothing mounted or unpacked, the kept root.tar.gz still there" nothing_made

# --- 2. a root disk too small for the LUKS2 header and the unpacked root ------------------------
head -c $((16 << 20)) /dev/urandom >small-part.img
make_gpt_disk small-disk.img small-part.img "$DISK_LABEL" || die "small disk"
attach_loop -P small-disk.img || die "losetup small disk"
SMALL=$(partition_of "$LOOP_DEV") || die "no partition on $LOOP_DEV"
before=$(sha256sum <"$SMALL")
run_root "$DISK_CONFIG"
check "root disk of 16 MiB: exit 5, kRootDiskTooSmall, needed (header + unpacked) and found as fields" \
  failure_is "$(id_of kRootDiskTooSmall)" "SE_ATTEST_ITEM=$SMALL" "SE_ATTEST_EXPECTED=$(((16 << 20) + UNPACKED))" \
  "SE_ATTEST_ACTUAL=$((16 << 20))"
check "root disk too small: not one byte of it written" bash -c "[ '$(sha256sum <"$SMALL")' = '$before' ]"
check "root disk too small: nothing mounted or unpacked" nothing_made
detach_loop "$LOOP_DEV"

# --- 3. a root disk big enough ------------------------------------------------------------------
head -c $((40 << 20)) /dev/urandom >disk-part.img
make_gpt_disk disk.img disk-part.img "$DISK_LABEL" || die "disk"
attach_loop -P disk.img || die "losetup disk"
DISK=$(partition_of "$LOOP_DEV") || die "no partition on $LOOP_DEV"
# ROOT already mounted (a sysroot.mount from root= got there first): refused before the disk.
before=$(sha256sum <"$DISK")
mount -t tmpfs tmpfs newroot
run_root "$DISK_CONFIG"
refused_mounted() {
  failure_is "$(id_of kRootDiskMkfs)" SE_ATTEST_ITEM=newroot && [ "$(sha256sum <"$DISK")" = "$before" ] &&
    [ -z "$(ls -A newroot)" ]
}
check "root disk, ROOT mounted already: exit 5 (kRootDiskMkfs), the disk untouched" refused_mounted
umount newroot
run_root "$DISK_CONFIG"
if grep -qw device-mapper /proc/misc; then
  check "root disk: exit 0, the real root on /dev/mapper/se-attest-rootfs (ext4), the record read-only" \
    bash -c "[ $rc = 0 ] && grep -q '^/dev/mapper/se-attest-rootfs $WORK/newroot ext4 ' /proc/mounts &&
             cmp newroot/bin/payload tree/bin/payload && grep -q ' $WORK/newroot/var/hyperprotect .* ro[ ,]' /proc/mounts"
  check "root disk: a LUKS2 header (aes-xts-plain64), no keyslot left" \
    bash -c "cryptsetup luksDump $DISK | tee dump.txt | grep -qE '^Version:[[:space:]]+2$' &&
             grep -qE 'cipher:[[:space:]]+aes-xts-plain64$' dump.txt && ! grep -qE '^  [0-9]+: luks2' dump.txt"
  umount -R newroot
  cryptsetup close se-attest-rootfs
  check "root disk: the root's bytes are nowhere on the disk in plaintext" \
    bash -c "! grep -qaF \"$(head -c 48 tree/bin/payload | od -An -tx1 | tr -d ' \n')\" <(od -An -tx1 -v $DISK | tr -d ' \n')"
else
  # This host has no device-mapper: the first step that needs it fails, as cryptsetup says.
  format_or_open() { failure_is "$(id_of kRootDiskFormat)" || failure_is "$(id_of kRootDiskOpen)"; }
  check "root disk without device-mapper (this host): exit 5, cryptsetup's failure as kRootDiskFormat or kRootDiskOpen" \
    format_or_open
  check "root disk without device-mapper: the failure quotes the tool that failed (modprobe dm_crypt, or cryptsetup)" \
    grep -qE '(cryptsetup [a-zA-Z]+|modprobe dm_crypt) failed \(exit [0-9]+\): ' root.err
  check "root disk without device-mapper: never a root made otherwise (nothing mounted or unpacked)" nothing_made
  if grep -q "$(id_of kRootDiskOpen)" root.err; then
    check "luksFormat on this host: a LUKS2 header, aes-xts-plain64, PBKDF2 1000 iterations, 4096-byte sectors, labelled" \
      bash -c "cryptsetup luksDump $DISK | tee dump.txt | grep -qE '^Version:[[:space:]]+2$' &&
               grep -qE 'cipher:[[:space:]]+aes-xts-plain64$' dump.txt && grep -qE 'PBKDF:[[:space:]]+pbkdf2$' dump.txt &&
               grep -qE 'Iterations:[[:space:]]+1000$' dump.txt && grep -qE 'sector:[[:space:]]+4096 ' dump.txt &&
               grep -qE '^Label:[[:space:]]+se-attest-rootfs$' dump.txt"
  fi
fi
detach_loop "$LOOP_DEV"

# --- 4. the tmpfs real root -----------------------------------------------------------------------
mount -t tmpfs -o size=64k tmpfs newroot
run_root "$TMPFS_CONFIG"
tmpfs_too_small() {
  failure_is "$(id_of kRootDiskTooSmall)" SE_ATTEST_ITEM=newroot "SE_ATTEST_EXPECTED=$UNPACKED" && [ -z "$(ls -A newroot)" ]
}
check "tmpfs of 64 KiB: exit 5, kRootDiskTooSmall naming it, with the unpacked size ($UNPACKED) as expected" tmpfs_too_small
umount newroot
run_root "$TMPFS_CONFIG"
check "tmpfs root not mounted yet (initramfs-tools): se-attest-root mounts it, unpacks, removes the copy, binds the record read-only" \
  bash -c "[ $rc = 0 ] && grep -q '^tmpfs $WORK/newroot tmpfs ' /proc/mounts && cmp newroot/bin/payload tree/bin/payload &&
           [ ! -e kept/root.tar.gz ] && cmp newroot/var/hyperprotect/se-version record/se-version &&
           grep -q ' $WORK/newroot/var/hyperprotect .* ro[ ,]' /proc/mounts && [ ! -s root.err ]"
check "tmpfs root: stdout is the one line of the step that went well, stderr has nothing" \
  bash -c "[ \$(wc -l <root.out) = 1 ] && grep -q '^se-attest-root: real root newroot unpacked from the measured root.tar.gz (in a tmpfs) in ' root.out &&
           [ ! -s root.err ]"
umount -R newroot
finish
