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
eio-root           dracut           iso        plain    eio systemd.log_target=console          eio
itools-eio-root    initramfs-tools  iso        plain    eio -                                   eio
hostile-cidata-iso dracut           links      plain    no  systemd.log_target=console          hostile
hostile-cidata-key dracut           key-link   plain    no  systemd.log_target=console          hostile
hostile-cidata-dev dracut           dev-node   plain    no  systemd.log_target=console          hostile
good-journal       dracut+journal   iso        pem      no  -                                   record-enc
other-fs-root      dracut           iso        plain    otherfs -                               integrity
huge-cidata-wrong-root dracut       huge-iso   plain    yes -                                   integrity
"
# tamper: yes = one byte of the root partition flipped; eio = QEMU's blkdebug fails every read of
#   one sector in the middle of the root partition with EIO (the disk is intact); otherfs = the
#   root partition replaced by another filesystem (a vfat, same size) where the ext4 was sealed:
#   the agent, which never mounts the root partition, has nothing to mount it as.
# cidata huge-iso: the good ISO extended to a sparse 16 GiB disk, behind a flipped root byte: the
#   boot stops on the root partition, and the cidata device is refused unread (over 64 MiB).
# cidata links/key-link/dev-node: hostile Rock Ridge ISOs (symbolic links into the initrd, a
#   device node) that the agent must refuse without following or opening them.
# initrd dracut+journal: the dracut initrd with a test-only unit appended (a second cpio) that
#   sends the initrd's journal over the console before the switch to the real root.
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

make_iso() { genisoimage -quiet -output "$1" -volid "$2" -joliet -rock files/meta-data files/user-data files/vendor-data; }
case $cidata in
iso) make_iso cidata.img cidata ;;
two-iso) make_iso cidata.img cidata && make_iso cidata2.img cidata ;;
huge-iso) make_iso cidata.img cidata && truncate -s 16G cidata.img ;;
vfat-upper)
  mkfs.vfat -C -n CIDATA cidata.img 2048 >/dev/null &&
    mcopy -i cidata.img files/meta-data files/user-data files/vendor-data ::/ ;;
none) ;;
links | key-link | dev-node)
  # Rock Ridge keeps symbolic links and device nodes as they are (genisoimage -rock follows
  # nothing). The links point at secrets inside the initrd; the node is /dev/mem (1,1).
  case $cidata in
  links) ln -sf /etc/passwd files/meta-data && ln -sf /etc/se-attest/attestation.key files/user-data ;;
  key-link) ln -sf /etc/se-attest/attestation.key files/user-data ;;
  dev-node) rm -f files/user-data && mknod -m 0644 files/user-data c 1 1 ;;
  esac
  make_iso cidata.img cidata
  # The node is not left lying about on the host.
  [ "$cidata" != dev-node ] || { rm -f files/user-data && : >files/user-data.was-a-device-node; } ;;
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
if [ "$tamper" = otherfs ]; then
  part_size=$(stat -c %s "$work/root-part.img")
  rm -f other-fs.img && mkfs.vfat -C other-fs.img $((part_size / 1024)) >/dev/null &&
    dd if=other-fs.img of=disk.img bs=512 seek=2048 conv=notrunc status=none
  sha256sum <other-fs.img | cut -c1-64 >tampered.sha256
fi
if [ "$tamper" = eio ]; then
  # QEMU's blkdebug (raw format over blkdebug over the file): every read request that covers this
  # sector fails with EIO, again and again (once = off). A sector in the middle of the root
  # partition, not aligned to a page, a window of the agent's search or its read size, so the
  # reported offset shows that the agent found the sector itself. The rule is armed by the
  # read_aio event, which the raw format layer raises for each read; blkdebug as the top layer
  # would never see it and inject nothing.
  part_size=$(stat -c %s "$work/root-part.img")
  eio_sector=$((2048 + part_size / 512 / 2 + 17))
  echo "$eio_sector" >eio-sector
  printf '[inject-error]\nevent = "read_aio"\nerrno = "5"\nsector = "%d"\nonce = "off"\n' "$eio_sector" >blkdebug.conf
  add_virtio_disk blkdebug:blkdebug.conf:disk.img
else
  add_virtio_disk disk.img
fi
[ ! -e cidata.img ] || add_virtio_disk cidata.img readonly=on
[ ! -e cidata2.img ] || add_virtio_disk cidata2.img readonly=on

# --- the initrd ----------------------------------------------------------------------------
initrd_img=$work/initrd-${initrd%+journal}.img
if [ "$initrd" = dracut+journal ]; then
  # A second, uncompressed cpio appended to the initrd (the kernel unpacks both, the second over
  # the first): a test-only unit, wanted by initrd.target after se-attest-root.service, prints
  # the whole journal of the initrd (journalctl -o verbose --all, gzip, base64, with its SHA-256)
  # between markers on the console, one write per line. The initrd has no base64: the tree's
  # static busybox comes along.
  mkdir -p journal-rd
  cat >journal-rd/unit <<'EOF'
[Unit]
Description=se-attest test harness: the initrd's journal to the console
DefaultDependencies=no
After=se-attest-root.service se-attest-agent.service
Before=initrd.target

[Service]
Type=oneshot
ExecStart=/usr/bin/bash /usr/lib/se-attest-test/journal-to-console
StandardOutput=tty
StandardError=tty
TTYPath=/dev/console
EOF
  cat >journal-rd/script <<'EOF'
bb=/usr/lib/se-attest-test/busybox
journalctl -b --no-pager --all -o verbose >/run/se-attest-test-journal 2>&1
gzip -9 -n /run/se-attest-test-journal
echo "-----BEGIN SE-ATTEST JOURNAL-----"
$bb base64 /run/se-attest-test-journal.gz | while IFS= read -r line; do echo "$line"; done
sum=$($bb sha256sum /run/se-attest-test-journal.gz)
echo "journal.gz sha256 ${sum%% *}"
echo "-----END SE-ATTEST JOURNAL-----"
rm -f /run/se-attest-test-journal.gz
EOF
  printf '/etc/systemd/system/se-attest-test-journal.service' >journal-rd/link
  {
    cat "$initrd_img"
    cpio_pad "$(stat -c %s "$initrd_img")"  # the kernel finds a cpio only at a 4-byte boundary
    cpio_entry usr/lib/se-attest-test 40755
    cpio_entry usr/lib/se-attest-test/busybox 100755 "$work/tree/bin/busybox"
    cpio_entry usr/lib/se-attest-test/journal-to-console 100644 journal-rd/script
    cpio_entry etc/systemd/system/se-attest-test-journal.service 100644 journal-rd/unit
    cpio_entry etc/systemd/system/initrd.target.wants/se-attest-test-journal.service 120777 journal-rd/link
    cpio_entry TRAILER!!! 0
  } >initrd.img
  initrd_img=$dir/initrd.img
fi

# --- the boot ------------------------------------------------------------------------------
cmdline="console=ttysclp0 panic=-1 loglevel=4"
[ "${initrd#initramfs-tools}" != "$initrd" ] && cmdline="$cmdline root=PARTLABEL=se-root"
[ "$extra" = - ] || cmdline="$cmdline ${extra//,/ }"
boot_s390x 600 "$work/kernel" "$initrd_img" "$cmdline"
rc=$?
echo "# $name: booted $initrd with '$cmdline' in $BOOT_SECONDS s (qemu exit $rc); console: $dir/console.log"
echo "$BOOT_SECONDS" >boot-seconds

check "$name: the guest powered itself off (no hang, no reboot loop)" test "$rc" = 0
check "$name: no shell was offered" \
  bash -c "! grep -qE 'emergency mode|Give root password|maintenance|\\(initramfs\\)|dracut:/#|Entering emergency' console.log"
check "$name: the console says this is not a Secure Execution guest" \
  bash -c "[ $expect = no-shell ] || grep -qE 'NOT a protected guest|but this is not a protected guest' console.log"

# No private key that was sealed into the initrd may ever reach the console: every base64 line of
# their PEM bodies (64 characters; the short last line is left out, it could occur by chance in
# the base64 blocks on the console) is looked for, in every scenario.
for k in "$work"/sealed/etc/se-attest/*.key "$work"/sealed-production/etc/se-attest/*.key; do
  grep -v '^-----' "$k" | awk 'length($0) == 64'
done | sort -u >key-lines.txt
check "$name: the secret check has the sealed keys' lines to look for (RSA-4096 keys, 49 each)" \
  bash -c "[ \$(wc -l <key-lines.txt) -ge 90 ]"
no_key_material() {  # no_key_material FILE_OR_FOLDER...: no line of the sealed keys in any of them
  local hits rc
  hits=$(grep -rHnF -f key-lines.txt -- "$@")
  rc=$?
  [ "$rc" != 1 ] || return 0  # searched everything, found nothing
  # On a hit only the file and the line number are shown: the test log gets no key material.
  [ "$rc" != 0 ] || cut -d: -f1-2 <<<"$hits" | sed 's/$/: a line of a sealed private key/'
  return 1
}
check "$name: no line of the sealed private keys (attestation, contract) on the console" \
  no_key_material console.log

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
EXPECT_DEVELOPMENT=1  # every image that writes a record here is sealed with --development

case $expect in
record-plain | record-enc)
  check "$name: the real root was entered, /var/hyperprotect read-only" \
    grep -q '/var/hyperprotect is ro' console.log
  check "$name: the output folder came back over the console" extract_record_folder
  audit=(--cert "$work/keys/attestation.crt" --chain "$work/keys/intermediate-ca.crt" --ca "$work/keys/root-ca.crt"
         --reference "$work/sealed/reference.yaml" --expect-cidata files --machine "$EXPECT_MACHINE"
         --allow-development)
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
  if [ "$cidata" = huge-iso ]; then
    check "$name: the 16 GiB cidata device was not hashed (no progress line for it)" \
      bash -c "! grep -q 'cidata device /dev/vd[a-z]: .*MiB/s' console.log"
  fi
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
eio)
  no_record
  bad_byte=$((($(cat eio-sector) - 2048) * 512))
  check "$name: QEMU injected the read error (the guest kernel logged it)" \
    grep -qE "I/O error, dev vd[a-z], sector [0-9]+ op 0x0:\(READ\)" console.log
  # The agent's line names the device and the bad sector itself (found by direct reads after the
  # page cache's read around it failed; core/read_fault.h), as a byte offset in the partition.
  check "$name: the console names the root partition and the byte offset of the bad sector" \
    bash -c "line=\$(grep -m1 -oE 'root partition: reading /dev/vd[a-z]1 at byte [0-9]+: Input/output error' console.log) &&
             echo \"\$line\" && at=\${line##*at byte } && at=\${at%%:*} && [ \$at = $bad_byte ]"
  if [ "$initrd" = dracut ]; then
    check "$name: the agent exited 2 (integrity failure) and the unit failed" \
      grep -qE "se-attest-agent.service: Main process exited, code=exited, status=2/" console.log
    check "$name: systemd powered off (FailureAction=poweroff-force)" grep -qx 'Powering off.' console.log
  else
    check "$name: the agent exited 2 (integrity failure)" grep -q "se-attest-agent failed (exit 2)" console.log
  fi
  ;;
hostile)
  no_record
  case $cidata in
  links) what='cidata/meta-data on /dev/vd[a-z]: is a symbolic link' ;;
  key-link) what='cidata/user-data on /dev/vd[a-z]: is a symbolic link' ;;
  dev-node) what='cidata/user-data on /dev/vd[a-z]: (Permission denied|not a regular file)' ;;
  esac
  check "$name: the console shows the refusal, naming the file and the device" grep -qE "$what" console.log
  check "$name: systemd powered off (FailureAction=poweroff-force)" grep -qx 'Powering off.' console.log
  check "$name: the agent exited 3 (invalid contract) and the unit failed" \
    grep -qE "se-attest-agent.service: Main process exited, code=exited, status=3/" console.log
  check "$name: nothing of /etc/passwd on the console" bash -c "! grep -qE '^root:x?:0:0:' console.log"
  ;;
esac

# The secret check again, on what came back decoded: the record folder, and the journal.
if [ -d out ]; then
  returned=(out)
  [ ! -d dec ] || returned+=(dec)
  check "$name: no line of the sealed private keys in the record folder" no_key_material "${returned[@]}"
fi
if [ "$initrd" = dracut+journal ]; then
  extract_journal() {
    sed -n '/-----BEGIN SE-ATTEST JOURNAL-----/,/-----END SE-ATTEST JOURNAL-----/p' console.log |
      grep -E '^[A-Za-z0-9+/=]+$' | base64 -d >journal.gz &&
      [ "$(sha256sum <journal.gz | cut -c1-64)" = "$(sed -n 's/^journal.gz sha256 //p' console.log)" ] &&
      gzip -dc journal.gz >journal.txt
  }
  check "$name: the initrd's journal came back over the console, intact (SHA-256)" extract_journal
  check "$name: the journal has the agent's entries (root verified, record written)" \
    bash -c "grep -q 'MESSAGE=root partition /dev/vd[a-z]1 verified' journal.txt && grep -q '^ *SE_ATTEST_' journal.txt"
  check "$name: the agent's warning is in the journal once (its stderr copy goes to the console only)" \
    bash -c "[ \$(grep -c 'MESSAGE=.*NOT a protected guest' journal.txt) = 1 ]"
  check "$name: no line of the sealed private keys in the initrd's journal" no_key_material journal.txt
fi
finish
