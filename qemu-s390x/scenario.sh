#!/usr/bin/env bash
# scenario.sh WORK NAME: one real boot of the sealed demo image under qemu-system-s390x (TCG),
# from what prepare.sh made in WORK, and the checks of its outcome. `scenario.sh --list` names
# the scenarios. Prints TAP-like lines and "N passed, N failed"; exit 0 only when all passed.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)

# name: initrd cidata contract tamper extra-cmdline expectation
SCENARIOS="
good-plain         dracut           iso        plain    no  -                                   record-plain
good-pem           dracut           iso        pem      no  -                                   record-enc
good-token         dracut           iso        token    no  -                                   record-enc
cidata-vfat-upper  dracut           vfat-upper pem      no  -                                   record-enc
tampered-root      dracut           iso        plain    yes -                                   integrity
tampered-rd-shell  dracut           iso        plain    yes rd.shell,rd.break                   integrity
tampered-emergency dracut           iso        plain    yes systemd.unit=emergency.target       integrity
rd-emergency       dracut           iso        plain    no  rd.systemd.unit=emergency.target    no-shell
rd-rescue          dracut           iso        plain    no  rd.systemd.unit=rescue.target       no-shell
rd-break-pivot     dracut           iso        plain    no  rd.break=pre-pivot                  no-shell
bad-token          dracut           iso        badtoken no  -                                   contract
no-cidata          dracut           none       -        no  -                                   no-cidata
two-cidata         dracut           two-iso    plain    no  -                                   ambiguous
itools-good-pem    initramfs-tools  iso        pem      no  -                                   record-enc
itools-tampered    initramfs-tools  iso        plain    yes -                                   integrity
itools-bad-token   initramfs-tools  iso        badtoken no  -                                   contract
itools-production  initramfs-tools-production iso pem  no  -                                   not-se
"
if [ "${1:-}" = --list ]; then
  echo "$SCENARIOS" | awk 'NF { print $1 }'
  exit 0
fi
work=$(cd "${1:?usage: scenario.sh WORK NAME | --list}" && pwd)
name=${2:?usage: scenario.sh WORK NAME}
read -r _ initrd cidata contract tamper extra expect < <(echo "$SCENARIOS" | awk -v n="$name" '$1 == n')
[ -n "${expect:-}" ] || { echo "scenario.sh: no scenario '$name' (see --list)" >&2; exit 2; }

dir=$work/scenarios/$name
rm -rf "$dir" && mkdir -p "$dir" && cd "$dir" || exit 1
CHECK_TMP=$dir
# shellcheck source=../tests/lib/checks.sh
. "$repo/tests/lib/checks.sh"
# shellcheck source=../tests/lib/images.sh
. "$repo/tests/lib/images.sh"

# --- the contract and the cidata device(s) ------------------------------------------------
make_contract() {  # make_contract KIND > user-data
  printf 'type: workload\ncompose:\n  archive: H4sIAAAAqemu\n' >workload.yaml
  case $1 in
  badtoken)
    # One character of the token's RSA part changed: not decryptable with the contract key.
    echo "workload: $("$work/se-attest" encrypt --to "$work/keys/contract.crt" workload.yaml | corrupt_token)" ;;
  *) echo "workload: $(openssl_token "$work/keys/contract.crt" workload.yaml)" ;;
  esac
  printf 'env: |\n    type: env\n'
  case $1 in
  pem) echo "attestationPublicKey: |" && sed 's/^/    /' "$work/auditor.pub" ;;
  token) echo "attestationPublicKey: $("$work/se-attest" encrypt --to "$work/keys/contract.crt" "$work/auditor.pub")" ;;
  esac
}

mkdir -p files
[ "$contract" = - ] || make_contract "$contract" >files/user-data
printf 'instance-id: qemu-%s\nlocal-hostname: se-attest-%s\n' "$name" "$name" >files/meta-data
printf '#cloud-config\n{}\n' >files/vendor-data

disks=()
add_disk() { disks+=(-drive "file=$1,if=none,id=d${#disks[@]},format=raw${2:+,$2}" -device "virtio-blk-ccw,drive=d${#disks[@]}"); }
make_iso() { genisoimage -quiet -output "$1" -volid "$2" -joliet -rock files/meta-data files/user-data files/vendor-data; }
case $cidata in
iso) make_iso cidata.img cidata ;;
two-iso) make_iso cidata.img cidata && make_iso cidata2.img cidata ;;
vfat-upper)
  mkfs.vfat -C -n CIDATA cidata.img 2048 >/dev/null &&
    mcopy -i cidata.img files/meta-data files/user-data files/vendor-data ::/ ;;
none) ;;
esac

cp "$work/disk.img" disk.img
if [ "$tamper" = yes ]; then
  # One byte in the middle of the root partition (which starts at sector 2048) flipped.
  part_size=$(stat -c %s "$work/root-part.img")
  offset=$((2048 * 512 + part_size / 2 + 17))
  byte=$(od -An -tu1 -j "$offset" -N1 disk.img | tr -d ' ')
  printf "$(printf '\\%03o' $(((byte + 1) % 256)))" | dd of=disk.img bs=1 seek="$offset" conv=notrunc status=none
  dd if=disk.img bs=512 skip=2048 count=$((part_size / 512)) status=none | sha256sum | cut -c1-64 >tampered.sha256
fi
add_disk disk.img
[ ! -e cidata.img ] || add_disk cidata.img readonly=on
[ ! -e cidata2.img ] || add_disk cidata2.img readonly=on

# --- the boot ------------------------------------------------------------------------------
cmdline="console=ttysclp0 panic=-1 loglevel=4"
[ "${initrd#initramfs-tools}" != "$initrd" ] && cmdline="$cmdline root=PARTLABEL=se-root"
[ "$extra" = - ] || cmdline="$cmdline ${extra//,/ }"
start=$(date +%s.%N)
timeout 600 qemu-system-s390x -M s390-ccw-virtio -accel tcg -cpu max -m 1024 -nographic -no-reboot \
  -kernel "$work/kernel" -initrd "$work/initrd-$initrd.img" -append "$cmdline" \
  "${disks[@]}" </dev/null >console.raw 2>qemu.err
rc=$?
seconds=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
tr -d '\r' <console.raw >console.log
echo "# $name: booted $initrd with '$cmdline' in $seconds s (qemu exit $rc); console: $dir/console.log"
echo "$seconds" >boot-seconds

check "$name: the guest powered itself off (no hang, no reboot loop)" test "$rc" = 0
check "$name: no shell was offered" \
  bash -c "! grep -qE 'emergency mode|Give root password|maintenance|\\(initramfs\\)|dracut:/#|Entering emergency' console.log"
check "$name: the console says this is not a Secure Execution guest" \
  bash -c "[ $expect = no-shell ] || grep -qE 'NOT a protected guest|but this is not a protected guest' console.log"

extract_record_folder() {  # the base64 tar between the markers -> out/
  mkdir -p out
  sed -n '/-----BEGIN SE-ATTEST HYPERPROTECT-----/,/-----END SE-ATTEST HYPERPROTECT-----/p' console.log |
    grep -E '^[A-Za-z0-9+/=]+$' | base64 -d | tar -x -C out
}
no_record() {
  check "$name: the real root was not entered" bash -c "! grep -q 'entered the real root' console.log"
  check "$name: no record left the guest" bash -c "! grep -q 'BEGIN SE-ATTEST HYPERPROTECT' console.log"
}

EXPECT_VERSION=1.0.0-qemu
EXPECT_COMMIT=$(cat "$work/commit-id")
EXPECT_MACHINE=8561/QEMU/QEMU
BASEIMAGE_FILE=$work/kernel
TARBALL_FILE=$work/root-part.img.rootfs/boot/root.tar.gz
ATTESTATION_PUB=$work/attestation.pub
EXPECT_DECRYPTED='archive: H4sIAAAAqemu'

case $expect in
record-plain | record-enc)
  check "$name: the real root was entered, /var/hyperprotect read-only" \
    grep -q '/var/hyperprotect is ro' console.log
  check "$name: the output folder came back over the console" extract_record_folder
  audit=(--cert "$work/keys/attestation.crt" --chain "$work/keys/intermediate-ca.crt" --ca "$work/keys/root-ca.crt"
         --reference "$work/sealed/reference.yaml" --expect-cidata files --machine "$EXPECT_MACHINE")
  if [ "$expect" = record-plain ]; then
    check "$name: a plain record, no .enc" test -s out/se-checksums.txt -a ! -e out/se-checksums.txt.enc
    check_record "$name" out/se-checksums.txt out cidata.img files -
  else
    audit+=(--key "$work/auditor.key" --attestation-public-key "$work/auditor.pub")
    check "$name: only the encrypted record" test -s out/se-checksums.txt.enc -a ! -e out/se-checksums.txt
    sources_decrypt_script "$work/shared" decrypt.sh
    mkdir -p dec && (cd dec && bash ../decrypt.sh "$work/auditor.key" ../out/se-checksums.txt.enc) >dec.log 2>&1
    check "$name: the sources' decrypt script decrypts it" test -s dec/se-checksums.txt
    check_record "$name" dec/se-checksums.txt out cidata.img files "$work/auditor.pub"
  fi
  "$work/se-attest" verify out "${audit[@]}" >verify.txt 2>&1
  check "$name: se-attest verify: VERIFIED (chain, signature, every line, reference values)" \
    bash -c "[ $? = 0 ] && grep -q '^verdict: VERIFIED' verify.txt"
  ;;
integrity)
  no_record
  check "$name: the console names the root partition and both digests" \
    bash -c "grep 'differs from the build' console.log | grep -q '$(sha256sum "$work/root-part.img" | cut -c1-64)' &&
             grep 'differs from the build' console.log | grep -q \"\$(cat tampered.sha256)\" &&
             grep 'differs from the build' console.log | grep -q 'PARTLABEL=se-root'"
  ;;
not-se)
  no_record
  check "$name: sealed for production, the agent refuses to run outside Secure Execution" \
    grep -q 'Secure Execution required' console.log
  ;;
no-shell)
  no_record
  check "$name: the emergency target powered off instead of opening a shell" grep -q 'no shell in a measured boot' console.log
  ;;
contract)
  no_record
  check "$name: the console shows the invalid contract, naming the key" \
    bash -c "grep -q 'workload: token cannot be decrypted' console.log"
  ;;
no-cidata)
  no_record
  check "$name: the console says the cidata device is missing after the bounded wait" \
    bash -c "grep -q 'cidata device: LABEL=cidata: no such device (waited' console.log"
  ;;
ambiguous)
  no_record
  check "$name: the console says two devices carry the cidata label, naming both" \
    bash -c "grep -qE 'LABEL=cidata: ambiguous, 2 devices carry it: /dev/vd[a-z], /dev/vd[a-z]' console.log"
  ;;
esac
finish
