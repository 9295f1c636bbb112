#!/usr/bin/env bash
# scenario.sh WORK NAME: one real boot of the sealed demo image under qemu-system-s390x (TCG),
# from what prepare.sh made in WORK, and the checks of its outcome. `scenario.sh --list` names
# the scenarios. Prints TAP-like lines and "N passed, N failed"; exit 0 only when all passed.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)

# name: initrd cidata contract tamper disk extra-cmdline expectation
SCENARIOS="
good-plain             dracut                     iso        plain    no      -     -                                record-plain
good-pem               dracut                     iso        pem      no      -     -                                record-enc
good-token             dracut+contract-basic      iso        cb-token no      -     -                                record-enc
cidata-vfat-upper      dracut+hpcr-2023           vfat-upper pem      no      -     -                                record-enc
tampered-root          dracut                     iso        plain    yes     -     -                                integrity
tampered-rd-shell      dracut                     iso        plain    yes     -     rd.shell,rd.break                integrity
tampered-emergency     dracut                     iso        plain    yes     -     systemd.unit=emergency.target    integrity
rd-emergency           dracut                     iso        plain    no      -     rd.systemd.unit=emergency.target no-shell
rd-rescue              dracut                     iso        plain    no      -     rd.systemd.unit=rescue.target    no-shell
rd-break-pivot         dracut                     iso        plain    no      -     rd.break=pre-pivot               no-shell
bad-token              dracut                     iso        badtoken no      -     -                                contract
no-cidata              dracut                     none       -        no      -     -                                no-cidata
two-cidata             dracut                     two-iso    plain    no      -     -                                ambiguous
itools-good-pem        initramfs-tools            iso        pem      no      -     -                                record-enc
itools-tampered        initramfs-tools            iso        plain    last    -     -                                integrity
itools-bad-token       initramfs-tools            iso        badtoken no      -     -                                contract
itools-production      initramfs-tools-production iso        pem      no      -     -                                not-se
eio-root               dracut                     iso        plain    eio     -     systemd.log_target=console       eio
itools-eio-root        initramfs-tools            iso        plain    eio     -     -                                eio
hostile-cidata-iso     dracut                     links      plain    no      -     systemd.log_target=console       hostile
hostile-cidata-key     dracut                     key-link   plain    no      -     systemd.log_target=console       hostile
hostile-cidata-dev     dracut                     dev-node   plain    no      -     systemd.log_target=console       hostile
good-journal           dracut+journal+sha256      iso        pem      no      -     -                                record-enc
other-fs-root          dracut                     iso        plain    otherfs -     -                                integrity
huge-cidata-wrong-root dracut                     huge-iso   plain    yes     -     -                                integrity
enc-good               dracut-encrypted           iso        pem      no      -     -                                record-enc
itools-enc-good        initramfs-tools-encrypted  iso        pem      no      -     -                                record-enc
enc-twice              dracut-encrypted           iso        pem      no      twice -                                record-enc
enc-show-key           dracut-encrypted+showkey   iso        pem      no      -     -                                record-enc
enc-no-disk            dracut-encrypted           iso        plain    no      p1    systemd.log_target=console       root-disk-missing
enc-small-disk         dracut-encrypted           iso        plain    no      small systemd.log_target=console       root-disk-small
itools-enc-small-disk  initramfs-tools-encrypted  iso        plain    no      small -                                root-disk-small
enc-tampered-root      dracut-encrypted           iso        plain    last    -     -                                integrity
"
# tamper: yes = one byte of the root partition flipped, in its first 4 MiB chunk (of sha256-4m, the
#   digest sealed), last = one byte flipped in its last chunk; eio = QEMU's blkdebug fails every read of
#   one sector in the middle of the root partition with EIO (the disk is intact); otherfs = the
#   root partition replaced by another filesystem (a vfat, same size) where the ext4 was sealed:
#   the agent, which never mounts the root partition, has nothing to mount it as.
# cidata huge-iso: the good ISO extended to a sparse 16 GiB disk, behind a flipped root byte: the
#   boot stops on the root partition, and the cidata device is refused unread (over 64 MiB).
# cidata links/key-link/dev-node: hostile Rock Ridge ISOs (symbolic links into the initrd, a
#   device node) that the agent must refuse without following or opening them.
# initrd dracut+journal(+sha256): the dracut initrd with a test-only unit appended (a second cpio)
#   that sends the initrd's journal over the console before the switch to the real root (+sha256:
#   the agent.yaml sealed with --root-digest sha256 appended after it, below).
# Record profiles: every image here is sealed in the default profile, hpcr-2026 (prepare.sh: the
#   certificates, the root's SBOM, the build time), except dracut+hpcr-2023: the image sealed with
#   --record-profile hpcr-2023 (WORK/sealed-hpcr-2023, the same keys), whose initrd is the dracut
#   one with that seal's agent.yaml appended over its own (a second cpio: the kernel unpacks it
#   over the first), which is all that differs between the two seals' initrds; it writes the
#   record of HPCR 23.x, byte for byte the seed's layout.
# Root digests: every image here is sealed with seal's default, sha256-4m, except *+sha256: the
#   image sealed with --root-digest sha256 (WORK/sealed-sha256, the same keys: as images sealed
#   before sha256-4m are), made like dracut+hpcr-2023: the dracut initrd with that seal's
#   agent.yaml (which differs from the other's in the root digest only) over its own. Its agent
#   verifies the root partition by one SHA-256 over it. The agent's "verified" line is a journal
#   entry only (not on the console): the initrds with the journal unit show it, good-journal
#   (sha256) and enc-show-key (sha256-4m); the integrity failures name the digest on the console.
# Token prefixes: every contract here has hyper-protect-basic tokens and every image writes its
#   encrypted record as one, except good-token, IBM's CCRT/CCRV: contract cb-token is a contract
#   whose sections (workload, env, attestationPublicKey) are all contract-basic tokens, and
#   initrd dracut+contract-basic is the image sealed with --token-prefix contract-basic
#   (WORK/sealed-contract-basic, the same keys), made like dracut+hpcr-2023: the dracut initrd
#   with that seal's agent.yaml (which differs from the other's in token_prefix only) over its
#   own. Its record must be a contract-basic token.
# initrd *-encrypted: the image sealed with --root-disk PARTLABEL=se-rootfs (prepare.sh): the real
#   root is partition 2, a new LUKS2 made at every boot with a key born in the guest.
#   dracut-encrypted+showkey: that initrd with the journal unit and a second test-only unit that
#   prints `dmsetup table --showkeys se-attest-rootfs` (the volume key) once between markers.
# disk: - = the prepared disk.img (partition 1 the root partition, partition 2 (se-rootfs) 64 MiB
#   of zeros); p1 = partition 1 only (same bytes); small = partition 2 of 17 MiB of random bytes
#   (less than the unpacked root + the 16 MiB LUKS2 header); twice = disk.img booted twice, the
#   second boot on what the first left (the record checks are on the second boot).
if [ "${1:-}" = --list ]; then
  echo "$SCENARIOS" | awk 'NF { print $1 }'
  exit 0
fi
work=$(cd "${1:?usage: scenario.sh WORK NAME | --list}" && pwd)
name=${2:?usage: scenario.sh WORK NAME}
read -r _ initrd cidata contract tamper disk extra expect < <(echo "$SCENARIOS" | awk -v n="$name" '$1 == n')
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
case $initrd in
*encrypted*)
  # se-attest-root's entries (the real root on a LUKS2 disk), in the same header.
  if ! { ID_ROOT_DISK_MISSING=$(id_of kRootDiskMissing) && ID_ROOT_DISK_TOO_SMALL=$(id_of kRootDiskTooSmall) &&
    ID_ROOT_DISK_FORMAT=$(id_of kRootDiskFormat) && ID_ROOT_DISK_OPEN=$(id_of kRootDiskOpen) &&
    ID_ROOT_DISK_MKFS=$(id_of kRootDiskMkfs) && ID_REAL_ROOT_UNPACK=$(id_of kRealRootUnpack) &&
    ID_ROOT_DISK_READY=$(id_of kRootDiskReady) && ID_REAL_ROOT_READY=$(id_of kRealRootReady); }; then
    die "a MESSAGE_ID of se-attest-root is missing from agent/lib/platform/log.h (message_id::kRootDisk...)"
  fi ;;
esac
TAIL_ERE=' \[(MESSAGE_ID=[0-9a-f]{32}( [A-Z0-9_]+(=[^] ]*)?)*)\]$'
# console_entries [PROGRAM]: the warnings and failures of PROGRAM (default se-attest-agent; also
# se-attest-root, which writes the same tails) on the console, one a line, each copy once (off
# systemd a failure shows twice: the kernel log's copy and stderr's): " FIELDS <tab>MESSAGE",
# FIELDS the tail's NAME=value words with a space either side of each. Nothing else on the line
# is read: the tail is the last thing on it, and a message cannot forge one (log_test.cc).
console_entries() {
  local line rest program=${1:-se-attest-agent}
  grep -F "$program: " console.log | while IFS= read -r line; do
    rest=${line#*"$program: "}
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
# program_failure PROGRAM MESSAGE_ID EXIT SPEC...: PROGRAM put exactly one failure on the console
# (an entry with SE_ATTEST_EXIT, all its copies alike), with that MESSAGE_ID, exit code and every
# SPEC. Its copies go to failures.txt for failure_message. agent_failure: the agent's,
# root_failure: se-attest-root's.
program_failure() {
  local program=$1 id=$2 code=$3
  shift 3
  console_entries "$program" | grep -F ' SE_ATTEST_EXIT=' >failures.txt
  cat failures.txt
  [ "$(cut -f1 failures.txt | sort -u | wc -l)" = 1 ] || { echo "not exactly one failure of $program on the console"; return 1; }
  has_fields "$(head -1 failures.txt | cut -f1)" "MESSAGE_ID=$id" "SE_ATTEST_EXIT=$code" "$@"
}
agent_failure() { program_failure se-attest-agent "$@"; }
root_failure() { program_failure se-attest-root "$@"; }
no_agent_failure() { ! console_entries | grep -F ' SE_ATTEST_EXIT='; }
no_root_failure() { ! console_entries se-attest-root | grep -F ' SE_ATTEST_EXIT='; }
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
# journal_entries [PROGRAM]: the entries of PROGRAM (default the agent) in journal.txt
# (journalctl -o verbose) in the form of console_entries' FIELDS: MESSAGE_ID, PRIORITY and the
# SE_ATTEST_ fields, values escaped as a tail writes them.
journal_entries() {
  LC_ALL=C awk -v program="${1:-se-attest-agent}" '
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
      if (name == "SYSLOG_IDENTIFIER" && value == program) agent = 1
      if (name == "MESSAGE_ID" || name == "PRIORITY" || name ~ /^SE_ATTEST_/) fields = fields " " name "=" esc(value)
    }
    END { flush() }' journal.txt
}
journal_has() {  # journal_has SPEC...: some entry of the agent in journal-entries.txt has every SPEC
  local fields
  while IFS= read -r fields; do has_fields "$fields" "$@" >/dev/null && return 0; done <"${JOURNAL_ENTRIES:-journal-entries.txt}"
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
  cb-token)
    # IBM's CCRT/CCRV: every section a contract-basic token, workload and env made with the
    # openssl command line (as contract authors' own tools do), attestationPublicKey by
    # se-attest encrypt.
    printf 'type: env\n' >env.yaml
    echo "workload: $(openssl_token "$work/keys/contract.crt" workload.yaml contract-basic)"
    echo "env: $(openssl_token "$work/keys/contract.crt" env.yaml contract-basic)"
    echo "attestationPublicKey: $("$work/se-attest" encrypt --token-prefix contract-basic --to "$work/keys/contract.crt" \
      "$work/auditor.pub")"
    return ;;
  *) echo "workload: $(openssl_token "$work/keys/contract.crt" workload.yaml)" ;;
  esac
  printf 'env: |\n    type: env\n'
  case $1 in
  pem) echo "attestationPublicKey: |" && sed 's/^/    /' "$work/auditor.pub" ;;
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

# part2 OUT: partition 2 of disk.img (the real root of the encrypted image), as a file.
part2() {
  local start size
  read -r start size < <(gpt_partition disk.img 2) &&
    dd if=disk.img of="$1" bs=1M iflag=skip_bytes,count_bytes skip="$start" count="$size" status=none
}
case $disk in
- | twice) cp "$work/disk.img" disk.img ;;
p1) make_gpt_disk disk.img "$work/root-part.img" se-root ;;
small)
  make_gpt_disk disk.img "$work/root-part.img" se-root 17 se-rootfs &&
    read -r p2_start p2_size < <(gpt_partition disk.img 2) &&
    head -c "$p2_size" /dev/urandom | dd of=disk.img bs=1M oflag=seek_bytes seek="$p2_start" conv=notrunc status=none ;;
esac
[ -s disk.img ] || die "no disk.img for disk '$disk'"
if [ "$disk" != p1 ]; then
  if ! part2 part2-before.img; then die "partition 2 of disk.img"; fi
  sha256sum <part2-before.img | cut -c1-64 >part2-before.sha256
fi
if [ "$tamper" = yes ] || [ "$tamper" = last ]; then
  # One byte of the root partition (which starts at sector 2048) flipped: 1 MiB + 17 bytes into
  # it (its first 4 MiB chunk), or 17 bytes into its last 4 KiB (its last chunk). The partition's
  # digest as tampered with, sha256-4m by coreutils alone (images.sh), is what the agent must find.
  part_size=$(stat -c %s "$work/root-part.img")
  if [ "$tamper" = yes ]; then at=$((1048576 + 17)); else at=$((part_size - 4096 + 17)); fi
  offset=$((2048 * 512 + at))
  echo "# $name: the byte at $at of the root partition flipped (4 MiB chunk $((at >> 22)) of $(((part_size + 4194303) >> 22)))"
  byte=$(od -An -tu1 -j "$offset" -N1 disk.img | tr -d ' ')
  printf "$(printf '\\%03o' $(((byte + 1) % 256)))" | dd of=disk.img bs=1 seek="$offset" conv=notrunc status=none
  dd if=disk.img bs=512 skip=2048 count=$((part_size / 512)) status=none | sha256_4m - >tampered.digest
fi
if [ "$tamper" = otherfs ]; then
  part_size=$(stat -c %s "$work/root-part.img")
  rm -f other-fs.img && mkfs.vfat -C other-fs.img $((part_size / 1024)) >/dev/null &&
    dd if=other-fs.img of=disk.img bs=512 seek=2048 conv=notrunc status=none
  sha256_4m other-fs.img >tampered.digest
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
initrd_img=$work/initrd-${initrd%%+*}.img
journal_unit=no
case $initrd in *+journal | *+journal+* | *+showkey) journal_unit=yes ;; esac
if [ "$journal_unit" = yes ]; then
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
  if [ "${initrd%+showkey}" != "$initrd" ]; then
    # dracut-encrypted+showkey: a second test-only unit, after se-attest-root.service (the real
    # root's dm-crypt device is open) and before the journal's, prints the device's table with
    # its volume key (`dmsetup table --showkeys`: se-attest-root opens it with
    # --disable-keyring, so the table holds the key) once, between markers, to the console only
    # (not to the journal). The tree's dmsetup and the libraries it needs come along in a folder
    # of their own.
    cat >journal-rd/showkey-unit <<'EOF'
[Unit]
Description=se-attest test harness: the real root's dm-crypt table, with its key, to the console
DefaultDependencies=no
After=se-attest-root-disk.service se-attest-root.service
Before=initrd.target se-attest-test-journal.service

[Service]
Type=oneshot
ExecStart=/usr/bin/bash /usr/lib/se-attest-test/showkey
StandardOutput=tty
StandardError=tty
TTYPath=/dev/console
EOF
    cat >journal-rd/showkey <<'EOF'
echo "-----BEGIN SE-ATTEST DM TABLE-----"
LD_LIBRARY_PATH=/usr/lib/se-attest-test/lib /usr/lib/se-attest-test/dmsetup table --showkeys se-attest-rootfs
echo "-----END SE-ATTEST DM TABLE-----"
EOF
    printf '/etc/systemd/system/se-attest-test-showkey.service' >journal-rd/showkey-link
    elf_needed_closure "$work/tree" usr/sbin/dmsetup >journal-rd/dmsetup-libs || die "dmsetup's libraries in the tree"
    # Copies, as files (a library's name is often a symbolic link; the chroot's links are
    # relative, so cp -L resolves them inside the tree).
    mkdir -p journal-rd/lib
    while IFS= read -r lib; do cp -L "$work/tree/$lib" journal-rd/lib/; done <journal-rd/dmsetup-libs
  fi
  {
    cat "$initrd_img"
    cpio_pad "$(stat -c %s "$initrd_img")"  # the kernel finds a cpio only at a 4-byte boundary
    cpio_entry usr/lib/se-attest-test 40755
    cpio_entry usr/lib/se-attest-test/busybox 100755 "$work/tree/bin/busybox"
    cpio_entry usr/lib/se-attest-test/journal-to-console 100644 journal-rd/script
    cpio_entry etc/systemd/system/se-attest-test-journal.service 100644 journal-rd/unit
    cpio_entry etc/systemd/system/initrd.target.wants/se-attest-test-journal.service 120777 journal-rd/link
    if [ -e journal-rd/showkey ]; then
      cpio_entry usr/lib/se-attest-test/lib 40755
      cpio_entry usr/lib/se-attest-test/dmsetup 100755 "$work/tree/usr/sbin/dmsetup"
      for lib in journal-rd/lib/*; do cpio_entry "usr/lib/se-attest-test/lib/${lib##*/}" 100755 "$lib"; done
      cpio_entry usr/lib/se-attest-test/showkey 100644 journal-rd/showkey
      cpio_entry etc/systemd/system/se-attest-test-showkey.service 100644 journal-rd/showkey-unit
      cpio_entry etc/systemd/system/initrd.target.wants/se-attest-test-showkey.service 120777 journal-rd/showkey-link
    fi
    cpio_entry TRAILER!!! 0
  } >initrd.img
  initrd_img=$dir/initrd.img
fi
EXPECT_PROFILE=hpcr-2026
overlay_seal=
case $initrd in
*+hpcr-2023) overlay_seal=sealed-hpcr-2023 EXPECT_PROFILE=hpcr-2023 ;;
*+contract-basic) overlay_seal=sealed-contract-basic ;;
*+sha256) overlay_seal=sealed-sha256 ;;
esac
if [ -n "$overlay_seal" ]; then
  # The image sealed with --record-profile hpcr-2023, --token-prefix contract-basic or
  # --root-digest sha256: the dracut initrd with that seal's agent.yaml (prepare.sh) over its
  # own, in a second cpio (as above).
  {
    cat "$initrd_img"
    cpio_pad "$(stat -c %s "$initrd_img")"
    cpio_entry etc/se-attest/agent.yaml 100644 "$work/$overlay_seal/etc/se-attest/agent.yaml"
    cpio_entry TRAILER!!! 0
  } >initrd.img.new && mv initrd.img.new initrd.img  # initrd_img may be initrd.img (+journal)
  initrd_img=$dir/initrd.img
fi

# --- the boot ------------------------------------------------------------------------------
# The guest's CPUs: QEMU's default, one, but for enc-show-key and enc-tampered-root, two (unless
# SE_ATTEST_QEMU_SMP, which applies to every scenario, says otherwise): there the agent hashes
# sha256-4m on two threads, as on a guest with more than one vCPU, one boot attesting (its
# journal's verified line must say "2 hashing threads") and one whose last chunk differs.
case $name in
enc-show-key | enc-tampered-root) export SE_ATTEST_QEMU_SMP=${SE_ATTEST_QEMU_SMP:-2} ;;
esac
guest_cpus=${SE_ATTEST_QEMU_SMP:-1}
[[ $guest_cpus =~ ^[1-9][0-9]{0,2}$ ]] || die "SE_ATTEST_QEMU_SMP='$guest_cpus': not a number of CPUs"
cmdline="console=ttysclp0 panic=-1 loglevel=4"
[ "${initrd#initramfs-tools}" != "$initrd" ] && cmdline="$cmdline root=PARTLABEL=se-root"
[ "$extra" = - ] || cmdline="$cmdline ${extra//,/ }"
# The guest's clock is the host's (QEMU's RTC): the agent reads it between these two (Image age).
AGE_FROM=$(date +%s)
if [ "$disk" = twice ]; then
  # The first of two boots of the same disks: its console and partition 2 as it left them in
  # boot1/, the second boot's where every scenario keeps them.
  boot_s390x 600 "$work/kernel" "$initrd_img" "$cmdline"
  rc1=$?
  echo "# $name: first boot in $BOOT_SECONDS s (qemu exit $rc1); console: $dir/boot1/console.log"
  mkdir -p boot1 && mv console.raw console.log qemu.err boot1/ && echo "$BOOT_SECONDS" >boot1/boot-seconds
  part2 boot1/part2.img
fi
boot_s390x 600 "$work/kernel" "$initrd_img" "$cmdline"
rc=$?
AGE_TO=$(date +%s)
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
for k in "$work"/sealed/etc/se-attest/*.key "$work"/sealed-production/etc/se-attest/*.key \
  "$work"/sealed-encrypted/etc/se-attest/*.key; do
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
REFERENCE=$work/sealed/reference.yaml
case $initrd in
*encrypted*) REFERENCE=$work/sealed-encrypted/reference.yaml ;;
*+hpcr-2023) REFERENCE=$work/sealed-hpcr-2023/reference.yaml ;;
*+contract-basic) REFERENCE=$work/sealed-contract-basic/reference.yaml ;;
*+sha256) REFERENCE=$work/sealed-sha256/reference.yaml ;;
esac
# The root partition's digest the booted image was sealed with, by its name, and its value by
# coreutils alone (sha256sum, or images.sh's sha256_4m): what the agent must say it verified.
if [ "${initrd%+sha256}" != "$initrd" ]; then
  ROOT_DIGEST=sha256 ROOT_HEX=$(sha256sum "$work/root-part.img" | cut -c1-64)
else
  ROOT_DIGEST=sha256-4m ROOT_HEX=$(sha256_4m "$work/root-part.img")
fi
# The threads the verified line must name: one per guest CPU for sha256-4m (images.sh); one for sha256.
HASHING_THREADS="1 hashing thread"
[ "$ROOT_DIGEST" = sha256 ] || HASHING_THREADS=$(hashing_threads "$guest_cpus" "$(stat -c %s "$work/root-part.img")")
# The prefix of the image's encrypted record, as sealed (absent: hyper-protect-basic).
EXPECT_TOKEN_PREFIX=$(sed -n 's/^token_prefix: //p' "$REFERENCE")
EXPECT_TOKEN_PREFIX=${EXPECT_TOKEN_PREFIX:-hyper-protect-basic}
# What an hpcr-2026 record is checked against (check_record): the certificates and the SBOM
# sealed, the build time seal took from SOURCE_DATE_EPOCH (prepare.sh).
ENCRYPTION_CERT=$work/keys/contract.crt
ATTESTATION_CERT=$work/keys/attestation.crt
SBOM_FILE=$work/root-part.img.rootfs/boot/sbom.spdx.json
BUILD_TIME=$(cat "$work/build-time")

# --- the encrypted real root (initrd *-encrypted) -----------------------------------------
# find_bytes [--expect-found] NEEDLE FILE_OR_FOLDER[@START+LENGTH]...: looks for NEEDLE (a file of
# bytes, or hex:HEX) in each file (a folder: every file in it; @START+LENGTH: those bytes only),
# as 64-byte slices of it (every 64th offset; a shorter needle whole), each as raw bytes and as
# lower- and upper-case hex. Prints what it found where; exit 0 when nothing was found (with
# --expect-found: when every slice was found, in some form, in some file).
find_bytes() {
  python3 - "$@" <<'EOF'
import os, sys
args = sys.argv[1:]
expect_found = args[:1] == ["--expect-found"]
if expect_found: args = args[1:]
needle_spec, places = args[0], args[1:]
needle = bytes.fromhex(needle_spec[4:]) if needle_spec.startswith("hex:") else open(needle_spec, "rb").read()
assert len(needle) >= 32, "needle too short"
slices = [needle] if len(needle) < 128 else [needle[i:i + 64] for i in range(0, len(needle) - 63, 64)]
def regions():
    for place in places:
        path, _, rng = place.partition("@")
        files = [os.path.join(d, f) for d, _, fs in os.walk(path) for f in fs] if os.path.isdir(path) else [path]
        for f in sorted(files):
            if os.path.islink(f) or not os.path.isfile(f): continue
            with open(f, "rb") as h:
                if rng:
                    start, length = (int(x) for x in rng.split("+"))
                    h.seek(start); yield "%s@%d+%d" % (f, start, length), h.read(length)
                else:
                    yield f, h.read()
found = set(); hits = 0
for where, data in regions():
    for i, sl in enumerate(slices):
        for form, pat in (("raw", sl), ("hex", sl.hex().encode()), ("HEX", sl.hex().upper().encode())):
            at = data.find(pat)
            if at >= 0:
                hits += 1; found.add(i)
                if hits <= 5: print("%s: slice %d of %d as %s at byte %d" % (where, i, len(slices), form, at))
print("%d hits; %d of %d slices found" % (hits, len(found), len(slices)))
sys.exit(0 if (len(found) == len(slices) if expect_found else hits == 0) else 1)
EOF
}
# initrd_names INITRD [TEXT]: the names in an initrd (newc cpio archives, one after another, each
# plain or compressed with gzip, zstd or xz), one a line: no cpio tool needed. With TEXT: only the
# files whose content holds TEXT.
initrd_names() {
  python3 - "$@" <<'EOF'
import lzma, subprocess, sys, zlib
def walk(data):
    i = 0
    while i < len(data):
        if data[i:i + 6] in (b"070701", b"070702"):
            namesize = int(data[i + 94:i + 102], 16); filesize = int(data[i + 54:i + 62], 16)
            name = data[i + 110:i + 110 + namesize - 1].decode(errors="replace")
            i = (i + 110 + namesize + 3) & ~3
            content = data[i:i + filesize]
            i = (i + filesize + 3) & ~3
            if name != "TRAILER!!!" and (text is None or text in content): print(name)
        elif data[i] == 0:
            i += 1
        elif data[i:i + 2] == b"\x1f\x8b":
            d = zlib.decompressobj(31); walk(d.decompress(data[i:])); i = len(data) - len(d.unused_data)
        elif data[i:i + 4] == b"\x28\xb5\x2f\xfd":
            walk(subprocess.run(["zstd", "-dcq"], input=data[i:], capture_output=True).stdout); return
        elif data[i:i + 6] == b"\xfd7zXZ\x00":
            walk(lzma.LZMADecompressor().decompress(data[i:])); return
        else:
            sys.exit("initrd_names: unknown data at byte %d" % i)
text = sys.argv[2].encode() if len(sys.argv) > 2 else None
walk(open(sys.argv[1], "rb").read())
EOF
}
# runtime_marker CONSOLE OUT: the demo root's run-time marker (hex between its markers) as bytes.
runtime_marker() {
  sed -n '/-----BEGIN SE-ATTEST RUNTIME MARKER-----/,/-----END SE-ATTEST RUNTIME MARKER-----/p' "$1" |
    grep -E '^[0-9a-f]+$' | tr -d '\n' | xxd -r -p >"$2" && [ "$(stat -c %s "$2")" = 4096 ]
}
# luks_dump PART OUT: cryptsetup luksDump of a partition image (a file: no device-mapper needed).
luks_dump() { cryptsetup luksDump "$1" >"$2" 2>&1; local rc=$?; cat "$2"; return "$rc"; }
# luks2_header_checks LABEL CONSOLE PART: what the host sees of the real root after the boot.
luks2_header_checks() {
  local label=$1 console=$2 part=$3 dump=${3%.img}.luksdump.txt
  luks2_version() { luks_dump "$part" "$dump" && grep -qE '^Version:[[:space:]]+2$' "$dump"; }
  check "$name: $label: partition 2 holds a LUKS2 header (cryptsetup luksDump: Version: 2)" luks2_version
  check "$name: $label: its data segment is aes-xts-plain64" \
    grep -qE '^[[:space:]]+cipher:[[:space:]]+aes-xts-plain64$' "$dump"
  no_keyslots() {  # nothing between "Keyslots:" and "Tokens:" (the volume key is kept nowhere)
    awk '/^Keyslots:/ { k = 1; next } /^Tokens:/ { k = 0 } k && NF' "$dump" | tee keyslots.txt
    grep -q '^Keyslots:' "$dump" && grep -q '^Tokens:' "$dump" && [ ! -s keyslots.txt ]
  }
  check "$name: $label: no keyslot is left in the header (the key is stored nowhere)" no_keyslots
  dm_uuid_is_luks_uuid() {
    local uuid
    uuid=$(cryptsetup luksUUID "$part") || return 1
    echo "LUKS UUID $uuid"
    grep -qx "se-attest demo root: / is on dm-[0-9]*: dm name se-attest-rootfs, dm uuid CRYPT-LUKS2-${uuid//-/}-se-attest-rootfs" "$console"
  }
  check "$name: $label: the guest's dm uuid is CRYPT-LUKS2-<the UUID of the header on partition 2>-se-attest-rootfs" \
    dm_uuid_is_luks_uuid
}
# encrypted_root_checks LABEL CONSOLE PART: the guest's side (the console) of a good boot of the
# encrypted image, then the host's (the header and no plaintext on partition 2).
encrypted_root_checks() {
  local label=$1 console=$2 part=$3
  check "$name: $label: the demo root's init says / is /dev/mapper/se-attest-rootfs ext4" \
    grep -qx 'se-attest demo root: / is /dev/mapper/se-attest-rootfs ext4' "$console"
  check "$name: $label: / is on a dm-crypt device named se-attest-rootfs, dm uuid CRYPT-LUKS2-..." \
    grep -qE '^se-attest demo root: / is on dm-[0-9]+: dm name se-attest-rootfs, dm uuid CRYPT-LUKS2-[0-9a-f]{32}-se-attest-rootfs$' "$console"
  # se-attest-root's own lines of success (also in the journal, checked where it comes back:
  # enc-show-key).
  check "$name: $label: se-attest-root made a new LUKS2 on partition 2 and opened it as /dev/mapper/se-attest-rootfs" \
    grep -qE 'se-attest-root: root disk /dev/vd[a-z]2( \([^)]*\))?: new LUKS2.* opened as /dev/mapper/se-attest-rootfs' "$console"
  check "$name: $label: se-attest-root made the real root, the record at /var/hyperprotect (read-only)" \
    grep -qE 'se-attest-root: real root .*; record at /var/hyperprotect \(read-only\)' "$console"
  check "$name: $label: the root was fresh (no run-time marker of an earlier boot on it)" \
    grep -qx 'se-attest demo root: no run-time marker before this boot (a fresh root)' "$console"
  check "$name: $label: no failure of se-attest-root" bash -c "! grep -E 'se-attest-root: .*SE_ATTEST_EXIT=' '$console'"
  check "$name: $label: the run-time marker (4 KiB written on the real root) came back over the console" \
    runtime_marker "$console" "${part%.img}.runtime-marker.bin"
  luks2_header_checks "$label" "$console" "$part"
  check "$name: $label: the search finds the run-time marker where it is (as hex on the console): a positive control" \
    find_bytes --expect-found "${part%.img}.runtime-marker.bin" "$console"
  check "$name: $label: no 64-byte slice of the run-time marker on partition 2 (raw or hex)" \
    find_bytes "${part%.img}.runtime-marker.bin" "$part"
  check "$name: $label: no 64-byte slice of the root's marker file (/etc/se-attest-marker) on partition 2" \
    find_bytes "$work/root-marker.bin" "$part"
}

case $expect in
record-plain | record-enc)
  check "$name: the real root was entered, /var/hyperprotect read-only" \
    grep -q '/var/hyperprotect is ro' console.log
  check "$name: no failure of the agent on the console (no entry with SE_ATTEST_EXIT)" no_agent_failure
  check "$name: the output folder came back over the console" extract_record_folder
  audit=(--cert "$work/keys/attestation.crt" --chain "$work/keys/intermediate-ca.crt" --ca "$work/keys/root-ca.crt"
         --reference "$REFERENCE" --expect-cidata files --machine "$EXPECT_MACHINE"
         --allow-development)
  [ "$EXPECT_PROFILE" != hpcr-2026 ] || audit+=(--contract-cert "$ENCRYPTION_CERT")
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
    check "$name: the record is a $EXPECT_TOKEN_PREFIX token, the prefix the image was sealed with" \
      test "$(cut -d. -f1 out/se-checksums.txt.enc)" = "$EXPECT_TOKEN_PREFIX"
  fi
  "$work/se-attest" verify out "${audit[@]}" >verify.txt 2>&1
  check "$name: se-attest verify: VERIFIED (chain, signature, every line, reference values)" \
    bash -c "[ $? = 0 ] && grep -q '^verdict: VERIFIED' verify.txt"
  "$work/se-attest" verify out "${audit[@]}" --json >verify.json 2>verify-json.err
  if [ "$expect" = record-enc ]; then
    check "$name: verify --json: record-token-prefix passed, having found $EXPECT_TOKEN_PREFIX in the record" \
      python3 -c 'import json, sys
c = {c["id"]: c for c in json.load(open(sys.argv[1]))["checks"]}.get("record-token-prefix")
print(c)
sys.exit(0 if c and c["status"] == "pass" and c.get("actual") == sys.argv[2] else 1)' verify.json "$EXPECT_TOKEN_PREFIX"
  fi
  if [ "$contract" = cb-token ]; then
    check "$name: the contract booted: workload, env and attestationPublicKey contract-basic tokens" \
      test "$(python3 -c 'import sys, yaml; d = yaml.safe_load(open(sys.argv[1])); print(" ".join(d[k].split(".")[0] for k in ("workload", "env", "attestationPublicKey")))' files/user-data)" = \
      "contract-basic contract-basic contract-basic"
    check "$name: the agent decrypted them: user-data.decrypted has the workload, env, attestationPublicKey in the clear" \
      python3 -c 'import sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
assert d["workload"] == open(sys.argv[2]).read() and d["env"] == open(sys.argv[3]).read(), d
assert d["attestationPublicKey"].strip() == open(sys.argv[4]).read().strip(), d["attestationPublicKey"]
assert "-basic." not in open(sys.argv[1]).read()' out/user-data.decrypted workload.yaml env.yaml "$work/auditor.pub"
  fi
  if [ "${initrd%+contract-basic}" != "$initrd" ]; then
    check "$name: contract-basic: the initrd booted is the dracut one with the contract-basic seal's agent.yaml over its own, which differs in token_prefix only" \
      bash -c "$(declare -f initrd_names); initrd_names initrd.img | grep -cx etc/se-attest/agent.yaml | grep -qx 2 &&
               grep -qx 'token_prefix: contract-basic' '$work/sealed-contract-basic/etc/se-attest/agent.yaml' &&
               grep -qx 'token_prefix: contract-basic' '$REFERENCE' &&
               diff <(grep -v '^token_prefix:' '$work/sealed/etc/se-attest/agent.yaml') \
                    <(grep -v '^token_prefix:' '$work/sealed-contract-basic/etc/se-attest/agent.yaml')"
    check "$name: contract-basic: the record starts with 'contract-basic.'" \
      test "$(head -c 15 out/se-checksums.txt.enc)" = contract-basic.
  fi
  if [ "${initrd%+sha256}" != "$initrd" ]; then
    check "$name: sha256: the initrd booted is the dracut one with the --root-digest sha256 seal's agent.yaml over its own, which differs in the root digest only" \
      bash -c "$(declare -f initrd_names); initrd_names initrd.img | grep -cx etc/se-attest/agent.yaml | grep -qx 2 &&
               grep -qx '  sha256: $ROOT_HEX' '$work/sealed-sha256/etc/se-attest/agent.yaml' &&
               ! grep -q '^  sha256-4m:' '$work/sealed-sha256/etc/se-attest/agent.yaml' &&
               diff <(grep -vE '^  sha256(-4m)?: ' '$work/sealed/etc/se-attest/agent.yaml') \
                    <(grep -vE '^  sha256(-4m)?: ' '$work/sealed-sha256/etc/se-attest/agent.yaml')"
  fi
  if [ "$EXPECT_PROFILE" = hpcr-2026 ]; then
    check "$name: hpcr-2026: reference.yaml says so, with the build time and the SBOM's digest" \
      bash -c "grep -qx 'record_profile: hpcr-2026' '$REFERENCE' &&
               grep -qx 'build_time: \"$(date -u -d "@$BUILD_TIME" +%Y-%m-%dT%H:%M:%SZ)\"' '$REFERENCE' &&
               grep -qx '  sbom: $(sha256sum "$SBOM_FILE" | cut -c1-64)' '$REFERENCE'"
    check "$name: hpcr-2026: verify --json: the checks of the profile passed (contract:*, header, image age, certificate_expiry_date.json, sbom)" \
      verify_json verify.json verified "${VERIFY_2026_PASSED[@]}"
  else
    check "$name: hpcr-2023: the initrd booted is the dracut one with the hpcr-2023 seal's agent.yaml over its own" \
      bash -c "$(declare -f initrd_names); initrd_names initrd.img | grep -cx etc/se-attest/agent.yaml | grep -qx 2 &&
               grep -qx 'record_profile: hpcr-2023' '$work/sealed-hpcr-2023/etc/se-attest/agent.yaml' &&
               grep -qx 'record_profile: hpcr-2023' '$REFERENCE'"
    check "$name: hpcr-2023: verify --json: VERIFIED, the profile hpcr-2023, none of the hpcr-2026 checks" \
      verify_json verify.json verified record-profile=pass reference:record-profile=pass "!$VERIFY_2026_ONLY"
  fi
  ;;
integrity)
  no_record
  # The root partition is the one partition among the disks (the cidata devices are whole disks);
  # EXPECTED is the digest sealed for it, ACTUAL that of the partition as tampered with, both
  # sha256-4m by coreutils alone.
  check "$name: the agent's one failure: integrity (exit 2), the root partition, both digests (sha256-4m) as fields" \
    agent_failure "$ID_INTEGRITY" 2 'SE_ATTEST_ITEM~/dev/vd[a-z]1' \
    "SE_ATTEST_EXPECTED=$ROOT_HEX" "SE_ATTEST_ACTUAL=$(cat tampered.digest)"
  check "$name: the failure's message names the digest: expected $ROOT_DIGEST <sealed>, found <the partition's>" \
    failure_message -F "differs from the build: expected $ROOT_DIGEST $ROOT_HEX, found $(cat tampered.digest)"
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
root-disk-missing | root-disk-small)
  no_record
  check "$name: no failure of the agent (it measured everything; se-attest-root ran after it)" no_agent_failure
  if [ "$expect" = root-disk-missing ]; then
    check "$name: se-attest-root's one failure: the root disk is missing (kRootDiskMissing, exit 5), the disk's spec" \
      root_failure "$ID_ROOT_DISK_MISSING" 5 'SE_ATTEST_ITEM~[^ ]*se-rootfs[^ ]*'
    # Like the agent's for cidata: a bounded wait (the unit's --wait) for a disk that is missing.
    root_wait_s=$(sed -n 's/^ExecStart=.* --wait \([0-9]\+\)\b.*/\1/p' "$repo/units/encrypted-root/se-attest-root.service")
    root_waited() { failure_message -wF "$root_wait_s" && awk -v b="$BOOT_SECONDS" -v w="$root_wait_s" 'BEGIN { exit !(w > 0 && b >= w) }'; }
    check "$name: the failure came after the bounded wait (--wait ${root_wait_s:-?} of the unit): named in it, and the boot took that long" \
      root_waited
  else
    part2_bytes=$(stat -c %s part2-before.img)
    unpacked=$(gzip -dc "$TARBALL_FILE" | tar -xO | wc -c)
    check "$name: se-attest-root's one failure: the root disk is too small (kRootDiskTooSmall, exit 5), its size ($part2_bytes) as ACTUAL" \
      root_failure "$ID_ROOT_DISK_TOO_SMALL" 5 'SE_ATTEST_ITEM~[^ ]*(vd[a-z]2|se-rootfs)[^ ]*' "SE_ATTEST_ACTUAL=$part2_bytes"
    needed_enough() {
      local needed
      needed=$(head -1 failures.txt | cut -f1 | sed -n 's/.* SE_ATTEST_EXPECTED=\([0-9]*\) .*/\1/p')
      echo "EXPECTED=$needed; the root's files: $unpacked bytes, + 16 MiB = $((unpacked + 16 * 1048576)); the partition: $part2_bytes"
      [ -n "$needed" ] && [ "$needed" -ge $((unpacked + 16 * 1048576)) ] && [ "$needed" -gt "$part2_bytes" ]
    }
    check "$name: EXPECTED (bytes needed) is at least the root's files + the 16 MiB LUKS2 header, and more than the partition" \
      needed_enough
  fi
  if [ "$initrd" = dracut-encrypted ]; then
    check "$name: se-attest-root exited 5 and its unit failed" \
      grep -qE "se-attest-root(-disk)?.service: Main process exited, code=exited, status=5/" console.log
    check "$name: systemd powered off (FailureAction=poweroff-force)" grep -qx 'Powering off.' console.log
  else
    check "$name: se-attest-root exited 5 and the local-bottom script powered off (se_attest_poweroff)" \
      grep -q "se-attest-root failed (exit 5)" console.log
  fi
  check "$name: no LUKS2 device was opened" bash -c "! grep -q 'opened as /dev/mapper/' console.log"
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

# The encrypted real root, seen by the guest (the console) and by the host (the disk afterwards).
if [ "${initrd#*encrypted}" != "$initrd" ]; then
  gzip -dc "$TARBALL_FILE" >root.tar
  check "$name: the search finds the root's marker file in the plaintext root.tar: a positive control" \
    find_bytes --expect-found "$work/root-marker.bin" root.tar
  rm -f root.tar
  [ "$disk" = p1 ] || part2 part2-after.img
  case $expect in
  record-enc)
    if [ "$disk" = twice ]; then
      check "$name: the first boot powered itself off" test "$rc1" = 0
      encrypted_root_checks "first boot" boot1/console.log boot1/part2.img
      check "$name: first boot: the record came back over the console" grep -q 'BEGIN SE-ATTEST HYPERPROTECT' boot1/console.log
    fi
    label=boot
    [ "$disk" != twice ] || label="second boot"
    encrypted_root_checks "$label" console.log part2-after.img
    if [ "$disk" = twice ]; then
      uuids_differ() {
        local u1 u2
        u1=$(cryptsetup luksUUID boot1/part2.img) && u2=$(cryptsetup luksUUID part2-after.img) || return 1
        echo "first boot $u1, second boot $u2"
        [ "$u1" != "$u2" ]
      }
      check "$name: the second boot formatted anew: a LUKS2 with another UUID" uuids_differ
      check "$name: the two boots' run-time markers differ" \
        bash -c "! cmp -s boot1/part2.runtime-marker.bin part2-after.runtime-marker.bin"
      check "$name: no 64-byte slice of the first boot's run-time marker on partition 2 after the second boot" \
        find_bytes boot1/part2.runtime-marker.bin part2-after.img
    fi
    read -r p1_start p1_size < <(gpt_partition disk.img 1)
    outside_p1=("disk.img@0+$p1_start" "disk.img@$((p1_start + p1_size))+$(($(stat -c %s disk.img) - p1_start - p1_size))")
    check "$name: neither marker anywhere on the disk outside partition 1 (which holds root.tar.gz)" \
      bash -c "$(declare -f find_bytes); find_bytes '$work/root-marker.bin' ${outside_p1[*]} && find_bytes part2-after.runtime-marker.bin ${outside_p1[*]}"
    ;;
  *)
    if [ "$expect" = integrity ]; then
      root_ids=("$ID_ROOT_DISK_MISSING" "$ID_ROOT_DISK_TOO_SMALL" "$ID_ROOT_DISK_FORMAT" "$ID_ROOT_DISK_OPEN"
                "$ID_ROOT_DISK_MKFS" "$ID_REAL_ROOT_UNPACK")
      check "$name: se-attest-root never ran after the agent's failure: no entry of it on the console" \
        bash -c "! grep -E 'se-attest-root: |MESSAGE_ID=($(IFS='|'; echo "${root_ids[*]}"))' console.log"
    fi
    if [ "$disk" != p1 ]; then
      check "$name: partition 2 is unchanged by the boot (SHA-256 before and after)" \
        test "$(sha256sum <part2-after.img | cut -c1-64)" = "$(cat part2-before.sha256)"
      check "$name: no LUKS header on partition 2" bash -c "! cryptsetup isLuks part2-after.img"
    fi
    ;;
  esac
fi

# The secret check again, on what came back decoded: the record folder, and the journal.
if [ -d out ]; then
  returned=(out)
  [ ! -d dec ] || returned+=(dec)
  check "$name: no line of the sealed private keys in the record folder" no_key_material "${returned[@]}"
fi
if [ "$journal_unit" = yes ]; then
  extract_journal() {
    sed -n '/-----BEGIN SE-ATTEST JOURNAL-----/,/-----END SE-ATTEST JOURNAL-----/p' console.log |
      grep -E '^[A-Za-z0-9+/=]+$' | base64 -d >journal.gz &&
      [ "$(sha256sum <journal.gz | cut -c1-64)" = "$(sed -n 's/^journal.gz sha256 //p' console.log)" ] &&
      gzip -dc journal.gz >journal.txt
  }
  check "$name: the initrd's journal came back over the console, intact (SHA-256)" extract_journal
  journal_entries >journal-entries.txt
  journal_good() {
    journal_has "MESSAGE_ID=$ID_STARTED" PRIORITY=6 &&
      journal_has "MESSAGE_ID=$ID_MEASURED" PRIORITY=6 'SE_ATTEST_ITEM~/dev/vd[a-z]1' \
        "SE_ATTEST_EXPECTED=$ROOT_HEX" "SE_ATTEST_ACTUAL=$ROOT_HEX" &&
      grep -qE "^ *MESSAGE=root partition /dev/vd[a-z]1 verified: $ROOT_DIGEST $ROOT_HEX \([0-9]+ bytes, $HASHING_THREADS\)\$" journal.txt &&
      journal_has "MESSAGE_ID=$ID_RECORD_WRITTEN" PRIORITY=6 &&
      ! grep -F ' SE_ATTEST_EXIT=' journal-entries.txt
  }
  check "$name: the journal has the agent's entries: started, root partition verified ($ROOT_DIGEST, its digest as sealed, $HASHING_THREADS), record written; no failure" \
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
  if [ "${initrd#*encrypted}" != "$initrd" ]; then
    journal_entries se-attest-root >journal-root-entries.txt
    journal_root_good() {
      cat journal-root-entries.txt
      JOURNAL_ENTRIES=journal-root-entries.txt journal_has "MESSAGE_ID=$ID_ROOT_DISK_READY" PRIORITY=6 'SE_ATTEST_ITEM~/dev/vd[a-z]2' &&
        JOURNAL_ENTRIES=journal-root-entries.txt journal_has "MESSAGE_ID=$ID_REAL_ROOT_READY" PRIORITY=6 &&
        ! grep -F ' SE_ATTEST_EXIT=' journal-root-entries.txt
    }
    check "$name: the journal has se-attest-root's entries: the root disk ready (partition 2), the real root ready; no failure" \
      journal_root_good
  fi
fi
if [ "${initrd%+showkey}" != "$initrd" ]; then
  # The volume key of the real root, as the guest's dm-crypt table shows it: it must be nowhere
  # but on that one console line (the test-only unit's).
  dm_table() {
    sed -n '/-----BEGIN SE-ATTEST DM TABLE-----/,/-----END SE-ATTEST DM TABLE-----/p' console.log |
      grep -E '^0 [0-9]+ crypt ' >dm-table.txt
    cat dm-table.txt
    [ "$(wc -l <dm-table.txt)" = 1 ] && awk '$4 == "aes-xts-plain64" && length($5) == 128 && $5 ~ /^[0-9a-f]+$/ { ok = 1 } END { exit !ok }' dm-table.txt
  }
  check "$name: the test unit printed the dm-crypt table: aes-xts-plain64 with a 512-bit key (128 hex)" dm_table
  key=$(awk '{ print $5 }' dm-table.txt 2>/dev/null)
  [[ $key =~ ^[0-9a-f]{128}$ ]] || key=no-key-was-shown
  check "$name: the key is on one console line only (hex, any case): the table's" \
    test "$(grep -ciF -- "$key" console.log)" = 1
  check "$name: the key is not in the initrd's journal (hex, any case)" bash -c "! grep -qiF -- '$key' journal.txt"
  check "$name: the key is not in the record folder nor the decrypted record (raw or hex)" \
    find_bytes "hex:$key" out dec
  check "$name: the key is not on partition 2 after the boot (raw or hex)" find_bytes "hex:$key" part2-after.img
  check "$name: the key is nowhere on the disk (raw or hex)" find_bytes "hex:$key" disk.img
  # A positive control of every "not on partition 2" above: with the key, the host decrypts the
  # data segment (aes-xts-plain64, as the table says: offset, sector size, IV) and finds the ext4
  # and both markers in the plaintext.
  decrypt_part2() {
    python3 - part2-after.img dm-table.txt part2-plain.img <<'EOF'
import struct, sys
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
part, table, out = sys.argv[1:]
f = open(table).read().split()
length, key, iv_offset, offset = int(f[1]), bytes.fromhex(f[4]), int(f[5]), int(f[7])
opts = f[9:9 + int(f[8])] if len(f) > 8 else []
ss = next((int(o.split(":")[1]) for o in opts if o.startswith("sector_size:")), 512)
large = "iv_large_sectors" in opts
with open(part, "rb") as h:
    h.seek(offset * 512); data = h.read(length * 512)
plain = bytearray()
for i in range(0, len(data), ss):
    iv = iv_offset + (i // ss if large else i // 512)
    d = Cipher(algorithms.AES(key), modes.XTS(struct.pack("<QQ", iv, 0))).decryptor()
    plain += d.update(data[i:i + ss]) + d.finalize()
open(out, "wb").write(plain)
print("decrypted %d bytes from sector %d, sector size %d" % (len(plain), offset, ss))
sys.exit(0 if plain[1080:1082] == b"\x53\xef" else "no ext4 superblock in the plaintext")
EOF
  }
  check "$name: with the shown key, the host decrypts partition 2: an ext4 (a positive control)" decrypt_part2
  check "$name: ... whose plaintext holds the run-time marker and the root's marker file" \
    bash -c "$(declare -f find_bytes); find_bytes --expect-found part2-after.runtime-marker.bin part2-plain.img &&
             find_bytes --expect-found '$work/root-marker.bin' part2-plain.img"
  rm -f part2-plain.img
  check "$name: the appended initrd has the test unit (it is what printed the key)" \
    bash -c "$(declare -f initrd_names); initrd_names initrd.img | grep -qx etc/systemd/system/se-attest-test-showkey.service"
  sealed_initrd_clean() {
    initrd_names "$work/initrd-dracut-encrypted.img" >sealed-initrd-names.txt || return 1
    echo "$(wc -l <sealed-initrd-names.txt) names in initrd-dracut-encrypted.img"
    grep -q 'se-attest-root' sealed-initrd-names.txt && ! grep -E 'se-attest-test|showkey' sealed-initrd-names.txt
  }
  check "$name: the sealed encrypted initrd has no test unit, nothing of se-attest-test (cpio listing)" sealed_initrd_clean
  check "$name: no unit and no script in it (any *.service, *.sh, or file under a scripts/ or se-attest folder) names --showkeys" \
    bash -c "$(declare -f initrd_names); initrd_names '$work/initrd-dracut-encrypted.img' --showkeys | tee showkeys-files.txt &&
             ! grep -E '\\.service\$|\\.sh\$|/scripts/|se-attest' showkeys-files.txt"
fi
finish
