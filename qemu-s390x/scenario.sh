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

# --- the agent's entries, read by their fields, never by their wording ----------------------
# Every warning and failure of the agent ends its console line in a machine-readable tail
# (docs/logging.md): "se-attest-agent: <message> [MESSAGE_ID=<32 hex> NAME=value ...]". The
# checks below read MESSAGE_ID, SE_ATTEST_EXIT, SE_ATTEST_ITEM, SE_ATTEST_EXPECTED and
# SE_ATTEST_ACTUAL from it (or, good-journal, from the journal), so rewording a message can
# neither break nor fake a scenario. The MESSAGE_IDs come from the agent's own header.
id_of() {  # id_of kIntegrityFailure: that MESSAGE_ID as agent/lib/platform/log.h defines it
  local id
  id=$(sed -n "s/^inline constexpr std::string_view $1 = \"\\([0-9a-f]\\{32\\}\\)\";\$/\\1/p" "$repo/agent/lib/platform/log.h")
  [[ $id =~ ^[0-9a-f]{32}$ ]] && echo "$id"
}
if ! { ID_STARTED=$(id_of kStarted) && ID_MEASURED=$(id_of kMeasured) &&
  ID_SECURE_EXECUTION=$(id_of kSecureExecution) && ID_RECORD_WRITTEN=$(id_of kRecordWritten) &&
  ID_INTEGRITY=$(id_of kIntegrityFailure) && ID_INVALID_CONTRACT=$(id_of kInvalidContract); }; then
  die "a MESSAGE_ID is missing from agent/lib/platform/log.h (message_id::k...)"
fi
TAIL_ERE=' \[(MESSAGE_ID=[0-9a-f]{32}( [A-Z0-9_]+(=[^] ]*)?)*)\]$'
# console_entries: the agent's warnings and failures on the console, one a line, each copy once
# (off systemd a failure shows twice: the kernel log's copy and stderr's): " FIELDS <tab>MESSAGE",
# FIELDS the tail's NAME=value words with a space either side of each. Nothing else on the line
# is read: the tail is the last thing on it, and a message cannot forge one (log_test.cc).
console_entries() {
  local line rest
  grep -F 'se-attest-agent: ' console.log | while IFS= read -r line; do
    rest=${line#*se-attest-agent: }
    [[ $rest =~ ^(.*)$TAIL_ERE ]] && printf ' %s \t%s\n' "${BASH_REMATCH[2]}" "${BASH_REMATCH[1]}"
  done | sort -u
}
# has_fields " FIELDS " SPEC...: each SPEC is NAME=VALUE (that field with that value, written as
# the tail writes it) or NAME~ERE (that field, the ERE matching its whole value; no space in it).
has_fields() {
  local fields=$1 spec
  shift
  for spec in "$@"; do
    if [[ $spec =~ ^([A-Z0-9_]+)~(.*)$ ]]; then
      grep -qE " ${BASH_REMATCH[1]}=(${BASH_REMATCH[2]}) " <<<"$fields" || { echo "no $spec in:$fields"; return 1; }
    else
      [[ $fields == *" $spec "* ]] || { echo "no $spec in:$fields"; return 1; }
    fi
  done
}
# agent_entry SPEC...: some warning or failure of the agent on the console has every SPEC.
agent_entry() {
  local fields
  console_entries | cut -f1 >entries.txt
  cat entries.txt
  while IFS= read -r fields; do has_fields "$fields" "$@" >/dev/null && return 0; done <entries.txt
  echo "no entry with: $*"
  return 1
}
# agent_failure MESSAGE_ID EXIT SPEC...: the agent put exactly one failure on the console (an entry
# with SE_ATTEST_EXIT, all its copies alike), with that MESSAGE_ID, exit code and every SPEC. Its
# copies go to failures.txt for failure_message.
agent_failure() {
  local id=$1 code=$2
  shift 2
  console_entries | grep -F ' SE_ATTEST_EXIT=' >failures.txt
  cat failures.txt
  [ "$(cut -f1 failures.txt | sort -u | wc -l)" = 1 ] || { echo "not exactly one failure of the agent on the console"; return 1; }
  has_fields "$(head -1 failures.txt | cut -f1)" "MESSAGE_ID=$id" "SE_ATTEST_EXIT=$code" "$@"
}
no_agent_failure() { ! console_entries | grep -F ' SE_ATTEST_EXIT='; }
# failure_message GREP_OPTION PATTERN: every copy of the failure's message (failures.txt) matches
# `grep GREP_OPTION -- PATTERN`: for values the message names that no field holds (a byte offset,
# errno's text). An empty PATTERN fails (a value that could not be had would match anything).
failure_message() {
  [ -n "$2" ] || { echo "an empty pattern"; return 1; }
  [ -s failures.txt ] || { echo "no failure of the agent on the console"; return 1; }
  cut -f2- failures.txt >failure-messages.txt
  cat failure-messages.txt
  [ "$(grep -c "$1" -- "$2" failure-messages.txt)" = "$(wc -l <failure-messages.txt)" ] || { echo "not all: grep $1 -- '$2'"; return 1; }
}
console_has() { [ -n "$1" ] && grep -qF -- "$1" console.log; }  # console_has TEXT (not empty)
# journal_entries: the agent's entries in journal.txt (journalctl -o verbose) in the form of
# console_entries' FIELDS: MESSAGE_ID, PRIORITY and the SE_ATTEST_ fields, values escaped as a
# tail writes them.
journal_entries() {
  LC_ALL=C awk '
    BEGIN { for (i = 1; i < 256; i++) ord[sprintf("%c", i)] = i }
    function esc(v,   o, i, c, n) {
      o = ""
      for (i = 1; i <= length(v); i++) {
        c = substr(v, i, 1); n = ord[c]
        o = o ((n > 32 && n < 127 && c != "\\" && c != "]") ? c : sprintf("\\x%02x", n))
      }
      return o
    }
    function flush() { if (agent) print fields " "; fields = ""; agent = 0 }
    /^[^ \t]/ { flush(); next }
    {
      sub(/^[ \t]+/, ""); eq = index($0, "="); name = substr($0, 1, eq - 1); value = substr($0, eq + 1)
      if (name == "SYSLOG_IDENTIFIER" && value == "se-attest-agent") agent = 1
      if (name == "MESSAGE_ID" || name == "PRIORITY" || name ~ /^SE_ATTEST_/) fields = fields " " name "=" esc(value)
    }
    END { flush() }' journal.txt
}
journal_has() {  # journal_has SPEC...: some entry of the agent in journal-entries.txt has every SPEC
  local fields
  while IFS= read -r fields; do has_fields "$fields" "$@" >/dev/null && return 0; done <journal-entries.txt
  echo "no journal entry with: $*"
  return 1
}
errno_text() { perl -e '$! = shift; print "$!"' "$1"; }  # the C library's text, as the guest's says it

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
case $expect in
no-shell) ;;  # the agent may not run at all
not-se)
  check "$name: the console says this is not a Secure Execution guest: the agent's failure (kSecureExecution, exit 1)" \
    agent_entry "MESSAGE_ID=$ID_SECURE_EXECUTION" SE_ATTEST_ITEM=/sys/firmware/uv/prot_virt_guest SE_ATTEST_EXIT=1 ;;
*)
  check "$name: the console says this is not a Secure Execution guest: the agent's warning (kSecureExecution, SE_ATTEST_PROTECTED_GUEST=0)" \
    agent_entry "MESSAGE_ID=$ID_SECURE_EXECUTION" SE_ATTEST_PROTECTED_GUEST=0 ;;
esac

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
  check "$name: no failure of the agent on the console (no entry with SE_ATTEST_EXIT)" no_agent_failure
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
  # The root partition is the one partition among the disks (the cidata devices are whole disks);
  # EXPECTED is the digest sealed for it, ACTUAL that of the partition as tampered with.
  check "$name: the agent's one failure: integrity (exit 2), the root partition, both digests as fields" \
    agent_failure "$ID_INTEGRITY" 2 'SE_ATTEST_ITEM~/dev/vd[a-z]1' \
    "SE_ATTEST_EXPECTED=$(sha256sum "$work/root-part.img" | cut -c1-64)" "SE_ATTEST_ACTUAL=$(cat tampered.sha256)"
  if [ "$cidata" = huge-iso ]; then
    check "$name: the 16 GiB cidata device was not hashed (no progress line for it)" \
      bash -c "! grep -q 'cidata device /dev/vd[a-z]: .*MiB/s' console.log"
  fi
  ;;
not-se)
  no_record
  check "$name: sealed for production, the agent refuses to run outside Secure Execution (kSecureExecution, exit 1)" \
    agent_failure "$ID_SECURE_EXECUTION" 1 SE_ATTEST_ITEM=/sys/firmware/uv/prot_virt_guest
  ;;
no-shell)
  no_record
  # The line of the unit that stands in for every shell, as the unit says it.
  no_shell_line=$(sed -n 's|^ExecStart=/bin/echo "\(.*\)"$|\1|p' "$repo/units/se-attest-no-shell.service")
  check "$name: the emergency target powered off instead of opening a shell (the no-shell unit's line: '$no_shell_line')" \
    console_has "$no_shell_line"
  check "$name: no failure of the agent on the console (no entry with SE_ATTEST_EXIT)" no_agent_failure
  ;;
contract)
  no_record
  # The text every undecryptable token section fails with (one text: no padding oracle), as the
  # code defines it.
  unreadable=$(sed -n '/kUnreadableTokenSection =/,/;$/p' "$repo/agent/lib/core/contract.h" | grep -o '"[^"]*"' | tr -d '"\n')
  check "$name: the agent's one failure: invalid contract (exit 3), cidata/user-data" \
    agent_failure "$ID_INVALID_CONTRACT" 3 SE_ATTEST_ITEM=cidata/user-data
  contract_failure_text() { failure_message -wF workload && failure_message -F "$unreadable"; }
  check "$name: the failure names the key, workload, and its token as undecryptable (core/contract.h's kUnreadableTokenSection)" \
    contract_failure_text
  ;;
no-cidata)
  no_record
  wait_s=$(sed -n 's/^ExecStart=.* --wait \([0-9]\+\)\b.*/\1/p' "$repo/units/se-attest-agent.service")
  check "$name: the agent's one failure: invalid contract (exit 3), the cidata label" \
    agent_failure "$ID_INVALID_CONTRACT" 3 SE_ATTEST_ITEM=LABEL=cidata
  # The agent waits for a missing device only (an ambiguous one fails at once), for the unit's
  # --wait seconds.
  waited() { failure_message -wF "$wait_s" && awk -v b="$BOOT_SECONDS" -v w="$wait_s" 'BEGIN { exit !(w > 0 && b >= w) }'; }
  check "$name: the failure came after the bounded wait (--wait ${wait_s:-?} of the unit): named in it, and the boot took that long" \
    waited
  ;;
ambiguous)
  no_record
  check "$name: the agent's one failure: invalid contract (exit 3), the cidata label" \
    agent_failure "$ID_INVALID_CONTRACT" 3 SE_ATTEST_ITEM=LABEL=cidata
  check "$name: the failure names both devices that carry the label" \
    bash -c "cut -f2- failures.txt | grep -oE '/dev/vd[a-z]+[0-9]*' | sort -u | tee devices.txt &&
             [ \$(grep -cxE '/dev/vd[a-z]+' devices.txt) = 2 ] && [ \$(wc -l <devices.txt) = 2 ]"
  ;;
eio)
  no_record
  bad_byte=$((($(cat eio-sector) - 2048) * 512))
  check "$name: QEMU injected the read error (the guest kernel logged it)" \
    grep -qE "I/O error, dev vd[a-z], sector [0-9]+ op 0x0:\(READ\)" console.log
  # The agent names the bad sector itself (found by direct reads after the page cache's read
  # around it failed; core/read_fault.h), as a byte offset in the partition: no field holds it,
  # the message's number is checked exactly, with EIO's text (the C library's).
  check "$name: the agent's one failure: integrity (exit 2), the root partition" \
    agent_failure "$ID_INTEGRITY" 2 'SE_ATTEST_ITEM~/dev/vd[a-z]1'
  eio_failure_values() { failure_message -wF "$bad_byte" && failure_message -F "$(errno_text 5)"; }
  check "$name: the failure names the byte offset of the bad sector ($bad_byte) and EIO ($(errno_text 5))" \
    eio_failure_values
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
  # The refusal's cause is in the message alone (no field says "a symbolic link"): it is checked
  # on the message of the one failure, found by its fields. A link followed would fail later, on
  # what it points to, under the same item (user-data): the cause tells the two apart.
  case $cidata in
  links) file=cidata/meta-data cause='is a symbolic link' ;;
  key-link) file=cidata/user-data cause='is a symbolic link' ;;
  dev-node) file=cidata/user-data cause="$(errno_text 13)|not a regular file" ;;
  esac
  check "$name: the agent's one failure: invalid contract (exit 3), $file" \
    agent_failure "$ID_INVALID_CONTRACT" 3 "SE_ATTEST_ITEM=$file"
  hostile_failure_text() { failure_message -E '/dev/vd[a-z]\b' && failure_message -E "$cause"; }
  check "$name: the failure names the device and the refusal ($cause)" \
    hostile_failure_text
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
  journal_entries >journal-entries.txt
  root_sha=$(sha256sum "$work/root-part.img" | cut -c1-64)
  journal_good() {
    journal_has "MESSAGE_ID=$ID_STARTED" PRIORITY=6 &&
      journal_has "MESSAGE_ID=$ID_MEASURED" PRIORITY=6 'SE_ATTEST_ITEM~/dev/vd[a-z]1' \
        "SE_ATTEST_EXPECTED=$root_sha" "SE_ATTEST_ACTUAL=$root_sha" &&
      journal_has "MESSAGE_ID=$ID_RECORD_WRITTEN" PRIORITY=6 &&
      ! grep -F ' SE_ATTEST_EXIT=' journal-entries.txt
  }
  check "$name: the journal has the agent's entries: started, root partition verified (its digest as sealed), record written; no failure" \
    journal_good
  journal_warning_once() {
    [ "$(grep -cF " MESSAGE_ID=$ID_SECURE_EXECUTION " journal-entries.txt)" = 1 ] &&
      journal_has "MESSAGE_ID=$ID_SECURE_EXECUTION" PRIORITY=4 SE_ATTEST_PROTECTED_GUEST=0 &&
      ! grep -E '^ *MESSAGE=.* \[MESSAGE_ID=[0-9a-f]{32}' journal.txt
  }
  # The warning is a journal entry once; its stderr copy, which ends in a tail, goes to the console
  # only: no MESSAGE in the journal holds a tail.
  check "$name: the agent's warning is in the journal once (its stderr copy goes to the console only)" \
    journal_warning_once
  check "$name: no line of the sealed private keys in the initrd's journal" no_key_material journal.txt
fi
finish
