#!/usr/bin/env bash
# The README's example, run as written, on loop devices.
#
#   readme-e2e.sh SE_ATTEST SE_ATTEST_AGENT
#
# The commands are read from README.md itself (its fenced block with keygen, seal, encrypt, the
# agent, decrypt and verify), so that the README cannot drift from what works; each runs unchanged
# (`se-attest` and `se-attest-agent` on PATH), in order, and the test makes only what they name:
# the root partition image with root.tar.gz and the base image for seal, a GPT disk holding that
# partition under the PARTLABEL of --root-device, workload.yaml for encrypt, a cidata device with a
# contract (the token encrypt printed, attestationPublicKey of the auditor's key), the auditor's
# key. Between the agent and decrypt, the boot's own se-attest-root makes the real root from
# what the agent kept and binds the record at /var/hyperprotect, reading both paths from the
# agent.yaml that seal wrote: the image sealed as the README shows boots with the shipped hooks.
# The auditor then copies /var/hyperprotect and the public files named by verify into a folder of
# their own. Every result is checked with independent tools (openssl, sha256sum).
#
# It runs in a mount namespace of its own: /run/se-attest (the agent's defaults) and /var are
# private to it, and /sys/firmware/uv/prot_virt_guest says 1, so that the image sealed for
# production (the README seals without --development) runs here, its cidata an ISO9660 as in the
# cloud. What this machine cannot do is said in the log, and added to the README's commands:
#   - no /proc/sysinfo (not s390x): se-attest-agent gets --sysinfo with an LPAR's copy;
#   - a kernel that mounts no ISO9660 (nor vfat), which a production image's agent requires of
#     cidata: seal gets --development, cidata is an ext4, verify gets --allow-development.
# Exit 77 (CTest: skipped) when not root or without loop devices.
set -uo pipefail

SE_ATTEST=$(realpath "$1")
AGENT=$(realpath "$2")
HERE=$(cd "$(dirname "$0")" && pwd)
README=$HERE/../../README.md
if [ "$(id -u)" = 0 ] && [ -z "${SE_ATTEST_README_NAMESPACE:-}" ]; then
  exec env SE_ATTEST_README_NAMESPACE=1 unshare --mount --propagation private bash "$0" "$@"
fi
# shellcheck source=../lib/images.sh
. "$HERE/../lib/images.sh"
# shellcheck source=../lib/e2e.sh
. "$HERE/../lib/e2e.sh"
e2e_start readme

# --- the README's commands -------------------------------------------------------------------
# readme_example FILE: the commands of FILE's fenced block that runs `se-attest keygen`, one a
# line: continuation lines joined, comments and repeated blanks dropped.
readme_example() {
  awk '/^```/ { if (b) { if (f) { printf "%s", buf; exit } b = 0; buf = ""; next } b = 1; next }
       b { buf = buf $0 "\n"; if ($0 ~ /se-attest keygen/) f = 1 }' "$1" |
    sed -e ':a' -e '/\\$/{N; s/\\\n//; ba}' | sed -e 's/[[:space:]][[:space:]]*#.*$//' -e 's/[[:space:]][[:space:]]*/ /g'
}
mapfile -t CMDS < <(readme_example "$README")
KNOWN=("se-attest keygen" "se-attest seal" "se-attest encrypt" "se-attest-agent" "se-attest decrypt" "se-attest verify")
for i in "${!KNOWN[@]}"; do
  case "${CMDS[$i]:-} " in "${KNOWN[$i]} "*) ;; *) bad=1 ;; esac
done
if [ "${bad:-0}" = 1 ] || [ ${#CMDS[@]} != ${#KNOWN[@]} ]; then
  printf '# %s\n' "${CMDS[@]}"
  die "README.md's example is not the commands this test knows (${KNOWN[*]/%/,}): teach tests/e2e/readme-e2e.sh the new ones"
fi
# word N I: word I of command N (0: the program, -1: the last). option N NAME: the word after NAME in command N
# (nothing when it has none).
word() { local w; read -ra w <<<"${CMDS[$1]}"; echo "${w[$2]}"; }
option() {
  local w i
  read -ra w <<<"${CMDS[$1]}"
  for ((i = 1; i < ${#w[@]} - 1; i++)); do [ "${w[i]}" != "$2" ] || { echo "${w[i + 1]}"; return; }; done
}
# run N: command N of the README as written (eval), in the current folder; stdout to
# $WORK/cmdN.out, stderr to $WORK/cmdN.err, its status in $rc.
run() {
  echo "# \$ ${CMDS[$1]}"
  eval "${CMDS[$1]}" >"$WORK/cmd$1.out" 2>"$WORK/cmd$1.err"
  rc=$?
  [ "$rc" = 0 ] || sed 's/^/#   /' "$WORK/cmd$1.err"
}
KEYS=$(word 0 2) KEYS=${KEYS%/}
ATTESTATION_CERT_NAME=$(option 1 --attestation-cert)
CONTRACT_CERT_NAME=$(option 1 --contract-cert)
OUT=$(option 1 --out) OUT=${OUT%/}
ROOT_IMG=$(option 1 --root)
BASEIMAGE_FILE=$(option 1 --baseimage)
ROOT_SPEC=$(option 1 --root-device)
WORKLOAD=$(word 2 -1)
AUDITOR_KEY=$(option 4 --key)
RECORD_DIR=$(word 5 2) RECORD_DIR=${RECORD_DIR%/}
for v in KEYS OUT ROOT_IMG BASEIMAGE_FILE ROOT_SPEC WORKLOAD AUDITOR_KEY RECORD_DIR ATTESTATION_CERT_NAME CONTRACT_CERT_NAME; do
  [ -n "${!v}" ] || die "README.md: its example names no $v any more: teach tests/e2e/readme-e2e.sh"
done
case $ROOT_SPEC in PARTLABEL=?*) ;; *) die "README.md: --root-device $ROOT_SPEC: this test makes PARTLABEL= only" ;; esac
# What check_record (checks.sh) expects.
# shellcheck disable=SC2034
EXPECT_VERSION=$(option 1 --image-version)
# shellcheck disable=SC2034
EXPECT_COMMIT=$(option 1 --commit-id)
# shellcheck disable=SC2034
EXPECT_MACHINE=3932/02/860A8
TARBALL_FILE=$WORK/image/$ROOT_IMG.rootfs/boot/root.tar.gz
# shellcheck disable=SC2034
ATTESTATION_PUB=$WORK/attestation.pub
# shellcheck disable=SC2034
EXPECT_DECRYPTED='archive: H4sIAAAAAAAA/+yS'
# shellcheck disable=SC2034
EXPECT_DEVELOPMENT=0  # sealed as the README does: for production
# The README seals in the default record profile, hpcr-2026, with the key set's certificates and
# no SBOM; the build time is seal's clock (read back from reference.yaml below).
# shellcheck disable=SC2034
EXPECT_PROFILE=hpcr-2026
# shellcheck disable=SC2034
SBOM_FILE=-
BASEIMAGE_FILE=$WORK/image/$BASEIMAGE_FILE

# --- this machine, as the README's commands expect it -----------------------------------------
no_cidata_on_machine || die "cidata"
found=$(blkid -c /dev/null -t "$ROOT_SPEC" -o device 2>/dev/null)
[ -z "$found" ] || die "a device with $ROOT_SPEC exists already ($found): the README's example names it"
mkdir -p bin image auditor
ln -s "$SE_ATTEST" bin/se-attest
if [ -e /proc/sysinfo ]; then
  ln -s "$AGENT" bin/se-attest-agent
  EXPECT_MACHINE=
else
  write_lpar_sysinfo sysinfo
  printf '#!/bin/sh\nexec %s "$@" --sysinfo %s\n' "$AGENT" "$WORK/sysinfo" >bin/se-attest-agent
  chmod +x bin/se-attest-agent
fi
export PATH="$WORK/bin:$PATH"
modprobe isofs 2>/dev/null
if grep -qw iso9660 /proc/filesystems && command -v genisoimage >/dev/null; then
  # A Secure Execution guest, as far as the agent can tell.
  { mount -t tmpfs -o mode=0755 tmpfs /sys/firmware && mkdir /sys/firmware/uv &&
    echo 1 >/sys/firmware/uv/prot_virt_guest; } || die "/sys/firmware/uv/prot_virt_guest"
  CIDATA_IMG=$WORK/cidata.iso
else
  echo "# this kernel mounts no ISO9660 (or there is no genisoimage): a production image's cidata cannot be read here;"
  echo "# the README's seal gets --development, cidata is an ext4, its verify gets --allow-development"
  CMDS[1]+=" --development"
  CMDS[5]+=" --allow-development"
  EXPECT_DEVELOPMENT=1
  CIDATA_IMG=$WORK/cidata.img
fi
# The agent's run-time folder.
{ mkdir -p /run/se-attest && mount -t tmpfs -o mode=0700 tmpfs /run/se-attest; } || die "tmpfs on /run/se-attest"

# --- the builder ------------------------------------------------------------------------------
cd "$WORK/image" || die "cd image"
run 0
check "README keygen: exit 0, the key set in $KEYS/" bash -c "[ $rc = 0 ] && [ -s $KEYS/attestation.key ] && [ -s $KEYS/root-ca.crt ]"
openssl x509 -pubkey -noout -in "$KEYS/attestation.crt" >"$ATTESTATION_PUB"

mkdir -p tree/etc tree/bin
echo "se-attest README root $RUN_ID" >tree/etc/motd
head -c 200000 /dev/urandom >tree/bin/payload
make_root_partition tree "$ROOT_IMG" 16M || die "root partition"
head -c 3000000 /dev/urandom >"$BASEIMAGE_FILE"
run 1
CONFIG=$OUT/etc/se-attest/agent.yaml
check "README seal: exit 0, $CONFIG and $OUT/reference.yaml" bash -c "[ $rc = 0 ] && [ -s $CONFIG ] && [ -s $OUT/reference.yaml ]"
check "README seal (no --tarball-copy): agent.yaml keeps the measured root.tar.gz for the initrd all the same" \
  grep -q '^  tarball_copy: /' "$CONFIG"
make_gpt_disk disk.img "$ROOT_IMG" "${ROOT_SPEC#PARTLABEL=}" || die "GPT disk"
attach_loop -P disk.img || die "losetup disk"
partition_of "$LOOP_DEV" >/dev/null || die "${LOOP_DEV}p1 did not appear"

printf 'type: workload\ncompose:\n  archive: H4sIAAAAAAAA/+yS\n' >"$WORKLOAD"
run 2
cp "$WORK/cmd2.out" "$WORK/token"
check "README encrypt: exit 0, one hyper-protect-basic token" \
  bash -c "[ $rc = 0 ] && grep -qE '^hyper-protect-basic\.[A-Za-z0-9+/=]+\.[A-Za-z0-9+/=]+\$' $WORK/token"
check "README encrypt: the token decrypts to $WORKLOAD with the contract key" \
  cmp "$WORKLOAD" <("$SE_ATTEST" decrypt --key "$KEYS/contract.key" "$WORK/token")

# --- the contract author and the cloud: the auditor's key in the contract, cidata -------------
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:3072 -out "$WORK/auditor/$AUDITOR_KEY" 2>/dev/null || die "auditor key"
openssl pkey -in "$WORK/auditor/$AUDITOR_KEY" -pubout -out "$WORK/auditor.pub" || die "auditor pub"
mkdir -p "$WORK/cidata.d"
printf 'instance-id: readme-%s\nlocal-hostname: se-attest-readme\n' "$RUN_ID" >"$WORK/cidata.d/meta-data"
{
  echo "env: |"
  echo "    type: env"
  echo "workload: $(cat "$WORK/token")"
  attestation_public_key_yaml "$WORK/auditor.pub"
} >"$WORK/cidata.d/user-data"
printf '#cloud-config\n{}\n' >"$WORK/cidata.d/vendor-data"
if [ "$EXPECT_DEVELOPMENT" = 1 ]; then
  make_cidata_ext4 "$CIDATA_IMG" cidata "$WORK/cidata.d" || die "mkfs cidata"
else
  genisoimage -quiet -output "$CIDATA_IMG" -volid cidata -joliet -rock "$WORK"/cidata.d/* || die "cidata ISO"
fi
attach_loop "$CIDATA_IMG" || die "losetup cidata"

# --- the boot: the agent, then the initrd's se-attest-root ------------------------------------
AGE_FROM=$(date +%s)
run 3
AGE_TO=$(date +%s)
RECORD=$(sed -n 's/^output_dir: //p' "$CONFIG")
KEPT=$(sed -n 's/^  tarball_copy: //p' "$CONFIG")
check "README agent: exit 0, only the encrypted record in $RECORD, root.tar.gz kept at $KEPT" \
  bash -c "[ $rc = 0 ] && [ -s $RECORD/se-checksums.txt.enc ] && [ ! -e $RECORD/se-checksums.txt ] && cmp $KEPT $TARBALL_FILE"
{ mkdir -p /run/se-attest/sysroot && mount -t tmpfs -o mode=0755 tmpfs /run/se-attest/sysroot; } || die "tmpfs sysroot"
"$(dirname "$AGENT")/se-attest-root" --config "$CONFIG" /run/se-attest/sysroot >"$WORK/se-attest-root.log" 2>&1
rc=$?
check "se-attest-root with the agent.yaml the README seals: the real root from the kept root.tar.gz, the record read-only" \
  bash -c "[ $rc = 0 ] && cmp /run/se-attest/sysroot/etc/motd tree/etc/motd && cmp /run/se-attest/sysroot/bin/payload tree/bin/payload &&
           cmp /run/se-attest/sysroot/var/hyperprotect/se-checksums.txt.enc $RECORD/se-checksums.txt.enc &&
           grep -q ' /run/se-attest/sysroot/var/hyperprotect .* ro[ ,]' /proc/mounts"
[ "$rc" = 0 ] || sed 's/^/#   /' "$WORK/se-attest-root.log"
# The real root's /var, here: /var/hyperprotect as the README's decrypt reads it.
mount --rbind /run/se-attest/sysroot/var /var || die "the real root's /var"

# --- the auditor ------------------------------------------------------------------------------
cd "$WORK/auditor" || die "cd auditor"
run 4
cp "$WORK/cmd4.out" "$WORK/se-checksums.txt"
check "README decrypt: exit 0" test "$rc" = 0
if [ -z "$EXPECT_MACHINE" ]; then  # an s390x machine: its own line
  EXPECT_MACHINE=$(sed -n 's/^Machine Type\/Plant\/Serial: //p' "$WORK/se-checksums.txt")
fi
# shellcheck disable=SC2034
ENCRYPTION_CERT=$WORK/image/$CONTRACT_CERT_NAME
# shellcheck disable=SC2034
ATTESTATION_CERT=$WORK/image/$ATTESTATION_CERT_NAME
BUILD_ISO=$(sed -n 's/^build_time: "\([0-9TZ:-]*\)"$/\1/p' "$WORK/image/$OUT/reference.yaml")
BUILD_TIME=$(date -u -d "${BUILD_ISO:-1970-01-01T00:00:00Z}" +%s)
check "README seal: reference.yaml says hpcr-2026, and a build time before the agent ran ($BUILD_ISO)" \
  bash -c "grep -qx 'record_profile: hpcr-2026' '$WORK/image/$OUT/reference.yaml' && [ -n '$BUILD_ISO' ] && [ '$BUILD_TIME' -le '$AGE_FROM' ]"
check_record readme "$WORK/se-checksums.txt" /var/hyperprotect "$CIDATA_IMG" "$WORK/cidata.d" "$WORK/auditor.pub"
cp -a /var/hyperprotect "$RECORD_DIR"
cp "$WORK/image/$OUT/reference.yaml" "$(option 5 --reference)"
for o in --cert --chain --ca; do
  cp "$WORK/image/$KEYS/$(basename "$(option 5 "$o")")" "$(option 5 "$o")"
done
run 5
check "README verify: exit 0, verdict: VERIFIED" bash -c "[ $rc = 0 ] && grep -q '^verdict: VERIFIED' $WORK/cmd5.out"
[ "$rc" = 0 ] || sed 's/^/#   /' "$WORK/cmd5.out"

finish
