#!/usr/bin/env bash
# Host end-to-end test of the builder's path and the agent on real loop block devices.
#
#   host-e2e.sh SE_ATTEST SE_ATTEST_AGENT SHARED_DIR
#
# As root: builds a GPT disk whose root partition is an ext4 (mkfs.ext4 -d) holding
# boot/root.tar.gz and the root's SBOM (CycloneDX JSON) beside it, and an ext4 cidata device
# (this host's kernel mounts no ISO9660 or vfat; those are booted under QEMU), attaches them with
# losetup, runs keygen, seal and the agent, and checks every result with independent tools only:
# openssl, sha256sum, PyYAML, the decrypt script of the sources (spec/sources/004_...txt) and
# IBM's decrypt-attestation.sh, both unchanged. The image is sealed in the default record
# profile, hpcr-2026, and once in hpcr-2023 (section 2b); section 8 is the host as the attacker
# of an hpcr-2026 folder (what `se-attest verify` must fail, by which check), section 9 an SBOM
# in the root partition other than the one sealed.
# Exit 77 (CTest: skipped) when not root or without loop devices.
set -uo pipefail

SE_ATTEST=$(realpath "$1")
AGENT=$(realpath "$2")
SHARED=$(realpath "$3")
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lib/images.sh
. "$HERE/../lib/images.sh"
# shellcheck source=../lib/e2e.sh
. "$HERE/../lib/e2e.sh"
e2e_start e2e

# A unique name per run, so a leftover device of another run can never be picked up.
ROOT_PARTLABEL="se-root-$RUN_ID"
no_cidata_on_machine || die "cidata"

# --- keys -----------------------------------------------------------------------------------
"$SE_ATTEST" keygen keys >keygen.out 2>keygen.err || die "keygen: $(cat keygen.err)"
check "keygen: stdout is the six paths written, nothing else" \
  bash -c "[ \$(wc -l <keygen.out) = 6 ] && xargs -a keygen.out -d '\n' ls >/dev/null"
check "keygen: says that keys sealed into a development image are burnt for production" \
  grep -q 'burnt for production' keygen.err
# The development seals below use keys/; the production seal gets a key set of its own: keys
# sealed into a development image are readable by whoever has that image (threat-model.md).
# Made in the background meanwhile (RSA-4096 key generation takes seconds).
"$SE_ATTEST" keygen keys-prod >keygen-prod.log 2>&1 &
KEYGEN_PROD=$!
check "keygen: chain verifies with openssl" \
  openssl verify -CAfile keys/root-ca.crt -untrusted keys/intermediate-ca.crt keys/attestation.crt keys/contract.crt
check "keygen: private keys are 0600" test "$(stat -c %a keys/attestation.key keys/contract.key | sort -u)" = 600
check "keygen: attestation key is RSA-4096" \
  bash -c "openssl pkey -in keys/attestation.key -noout -text | head -1 | grep -q '4096 bit'"
openssl x509 -pubkey -noout -in keys/attestation.crt >attestation.pub
EXPECT_VERSION=1.0.0-e2e
EXPECT_COMMIT="e2e-$RUN_ID"
EXPECT_MACHINE=3932/02/860A8
BASEIMAGE_FILE=baseimage.qcow2
TARBALL_FILE=root-part.img.rootfs/boot/root.tar.gz
ATTESTATION_PUB=attestation.pub
EXPECT_DECRYPTED='archive: H4sIAAAAAAAA/+yS'
EXPECT_DEVELOPMENT=1  # the agent runs below are of images sealed with --development
# Record profile hpcr-2026 (the default): what check_record checks its lines against. The build
# time is ten days and an hour ago: Image age says 10 (or 11, across midnight of a slow run).
EXPECT_PROFILE=hpcr-2026
ENCRYPTION_CERT=keys/contract.crt
ATTESTATION_CERT=keys/attestation.crt
SBOM_FILE=root-part.img.rootfs/boot/sbom.cdx.json
BUILD_TIME=$(($(date +%s) - 10 * 86400 - 3600))
BUILD_ISO=$(date -u -d "@$BUILD_TIME" +%Y-%m-%dT%H:%M:%SZ)
# The options of every hpcr-2026 seal here.
PROFILE_2026=(--attestation-cert keys/attestation.crt --contract-cert keys/contract.crt --sbom /boot/sbom.cdx.json
              --build-time "$BUILD_ISO")

# --- the root partition: GPT disk, partition 1 = ext4 holding boot/root.tar.gz --------------
mkdir -p tree/etc tree/bin
echo "se-attest e2e root $RUN_ID" >tree/etc/motd
head -c 300000 /dev/urandom >tree/bin/payload
head -c 5000000 /dev/urandom >baseimage.qcow2
make_root_partition tree root-part.img 16M || die "root partition"
# The root's SBOM beside root.tar.gz (a builder's: CycloneDX JSON, here), written into the ext4
# with debugfs; its copy in root-part.img.rootfs/ is the host's reference, as root.tar.gz's.
cat >"$SBOM_FILE" <<EOF
{
  "bomFormat": "CycloneDX",
  "specVersion": "1.5",
  "serialNumber": "urn:uuid:$(cat /proc/sys/kernel/random/uuid)",
  "version": 1,
  "metadata": { "timestamp": "$BUILD_ISO", "component": { "type": "operating-system", "name": "se-attest e2e root" } },
  "components": [
    { "type": "file", "name": "bin/payload", "hashes": [{ "alg": "SHA-256", "content": "$(sha256sum tree/bin/payload | cut -c1-64)" }] }
  ]
}
EOF
debugfs -w -R "write $SBOM_FILE boot/sbom.cdx.json" root-part.img >/dev/null 2>&1 || die "debugfs write sbom"
[ "$(debugfs -R 'cat boot/sbom.cdx.json' root-part.img 2>/dev/null | sha256sum)" = "$(sha256sum <"$SBOM_FILE")" ] ||
  die "the SBOM in the root partition"
make_gpt_disk disk.img root-part.img "$ROOT_PARTLABEL" || die "GPT disk"
attach_loop -P disk.img || die "losetup disk"
DISK=$LOOP_DEV
ROOT_DEV=$(partition_of "$DISK") || die "${DISK}p1 did not appear"

# --- seal -----------------------------------------------------------------------------------
"$SE_ATTEST" seal --root root-part.img --root-device "PARTLABEL=$ROOT_PARTLABEL" \
  --tarball /boot/root.tar.gz --baseimage baseimage.qcow2 --image-version 1.0.0-e2e \
  --commit-id "e2e-$RUN_ID" --attestation-key keys/attestation.key --contract-key keys/contract.key \
  "${PROFILE_2026[@]}" --development --out sealed >seal.log 2>&1 || die "seal: $(cat seal.log)"
CONFIG=sealed/etc/se-attest/agent.yaml
check "seal: keys in the initrd folder are 0600" \
  test "$(stat -c %a sealed/etc/se-attest/attestation.key sealed/etc/se-attest/contract.key | sort -u)" = 600
check "seal: reference.yaml has root.tar.gz's sha256sum" \
  grep -q "root.tar.gz: $(sha256sum root-part.img.rootfs/boot/root.tar.gz | cut -c1-64)" sealed/reference.yaml
# The root partition's digests by coreutils alone: sha256sum, and sha256-4m (images.sh's
# sha256_4m, the line of docs/formats.md).
ROOT_SHA=$(sha256sum root-part.img | cut -c1-64)
ROOT_4M=$(sha256_4m root-part.img)
# root_digests YAML SECTION KEY=HEX...: YAML's SECTION has each KEY with that HEX, and of sha256
# and sha256-4m no other one.
root_digests() {
  python3 - "$@" <<'PY'
import sys, yaml
section = yaml.safe_load(open(sys.argv[1]))[sys.argv[2]]
want = dict(kv.split("=", 1) for kv in sys.argv[3:])
got = {k: section[k] for k in ("sha256", "sha256-4m") if k in section}
print("%s: %s" % (sys.argv[2], got))
sys.exit(0 if got == want else 1)
PY
}
check "seal (default --root-digest sha256-4m): agent.yaml's root has sha256-4m = the coreutils line, no sha256" \
  root_digests "$CONFIG" root "sha256-4m=$ROOT_4M"
check "seal: reference.yaml's root_partition has both: sha256 = sha256sum, sha256-4m = the coreutils line" \
  root_digests sealed/reference.yaml root_partition "sha256=$ROOT_SHA" "sha256-4m=$ROOT_4M"
check "seal --development: reference.yaml says image_kind: development" grep -qx 'image_kind: development' sealed/reference.yaml
check "seal without --contract-signing-key: reference.yaml has contract_signing_keys_sha256: [], agent.yaml none" \
  bash -c "grep -qx 'contract_signing_keys_sha256: \[\]' sealed/reference.yaml && ! grep -q contract_signing_keys $CONFIG"
check "seal (default profile): agent.yaml and reference.yaml say hpcr-2026, with the build time given" \
  bash -c "grep -qx 'record_profile: hpcr-2026' $CONFIG && grep -qx 'record_profile: hpcr-2026' sealed/reference.yaml &&
           grep -qx 'build_time: \"$BUILD_ISO\"' sealed/reference.yaml"
check "seal --attestation-cert --contract-cert: both certificates beside the keys, byte for byte" \
  bash -c "cmp keys/attestation.crt sealed/etc/se-attest/attestation.crt && cmp keys/contract.crt sealed/etc/se-attest/contract.crt"
check "seal --sbom: agent.yaml and reference.yaml have the SBOM's sha256sum" \
  bash -c "grep -qx '  sbom_sha256: $(sha256sum "$SBOM_FILE" | cut -c1-64)' $CONFIG &&
           grep -qx '  sbom: $(sha256sum "$SBOM_FILE" | cut -c1-64)' sealed/reference.yaml"
reference_certificates() {  # reference.yaml's certificates: subject, fingerprint, notAfter as openssl says
  python3 - sealed/reference.yaml "$(cert_facts keys/contract.crt)" "$(cert_facts keys/attestation.crt)" <<'EOF'
import sys, yaml
certs = yaml.safe_load(open(sys.argv[1]))["certificates"]
for key, facts in (("encryption", sys.argv[2]), ("attestation", sys.argv[3])):
    subject, sha, not_after = facts.split("\t")
    got = certs[key]
    assert (got["subject"], got["sha256"], got["not_after"]) == (subject, sha, not_after), (key, got, facts)
print("both as openssl says")
EOF
}
check "seal: reference.yaml's certificates: subject, SHA-256 of the DER, notAfter as openssl says" reference_certificates
# The same image in the record profile of HPCR 23.x (section 2b boots it).
"$SE_ATTEST" seal --root root-part.img --root-device "PARTLABEL=$ROOT_PARTLABEL" \
  --tarball /boot/root.tar.gz --baseimage baseimage.qcow2 --image-version 1.0.0-e2e \
  --commit-id "e2e-$RUN_ID" --attestation-key keys/attestation.key --contract-key keys/contract.key \
  --record-profile hpcr-2023 --development --out sealed-2023 >seal-2023.log 2>&1 || die "seal: $(cat seal-2023.log)"
check "seal --record-profile hpcr-2023: both files say so; no build time, certificates, sbom" \
  bash -c "grep -qx 'record_profile: hpcr-2023' sealed-2023/etc/se-attest/agent.yaml &&
           grep -qx 'record_profile: hpcr-2023' sealed-2023/reference.yaml &&
           ! grep -qE '^(build_time|certificates|attestation_cert|contract_cert):|sbom' sealed-2023/etc/se-attest/agent.yaml sealed-2023/reference.yaml"

# The same image sealed with the flat digest, as images sealed before sha256-4m are (section 1
# boots it).
"$SE_ATTEST" seal --root root-part.img --root-device "PARTLABEL=$ROOT_PARTLABEL" \
  --tarball /boot/root.tar.gz --baseimage baseimage.qcow2 --image-version 1.0.0-e2e \
  --commit-id "e2e-$RUN_ID" --attestation-key keys/attestation.key --contract-key keys/contract.key \
  "${PROFILE_2026[@]}" --root-digest sha256 --development --out sealed-flat >seal-flat.log 2>&1 ||
  die "seal --root-digest sha256: $(cat seal-flat.log)"
FLAT_CONFIG=sealed-flat/etc/se-attest/agent.yaml
check "seal --root-digest sha256: agent.yaml's root has sha256 = sha256sum, no sha256-4m" \
  root_digests "$FLAT_CONFIG" root "sha256=$ROOT_SHA"
check "seal --root-digest sha256: reference.yaml's root_partition has both all the same" \
  root_digests sealed-flat/reference.yaml root_partition "sha256=$ROOT_SHA" "sha256-4m=$ROOT_4M"
check "seal --root-digest sha256: agent.yaml differs from the default seal's in the root digest's line only" \
  diff <(grep -vE '^  sha256(-4m)?: ' "$CONFIG") <(grep -vE '^  sha256(-4m)?: ' "$FLAT_CONFIG")

check "measure: the root partition device = sha256sum" \
  test "$("$SE_ATTEST" measure "$ROOT_DEV")" = "$ROOT_SHA $ROOT_DEV"
check "measure --digest sha256: the root partition device = sha256sum of the device" \
  test "$("$SE_ATTEST" measure --digest sha256 "$ROOT_DEV")" = "$(sha256sum "$ROOT_DEV" | cut -c1-64) $ROOT_DEV"
check "measure --digest sha256-4m: the root partition device = the coreutils line over the device" \
  test "$("$SE_ATTEST" measure --digest sha256-4m "$ROOT_DEV")" = "$(sha256_4m "$ROOT_DEV") $ROOT_DEV"
# Files at the chunk's edges (empty: no chunk, the SHA-256 of nothing), several in one run.
: >edge-0
head -c $((4 << 20)) /dev/urandom >edge-4m
{ cat edge-4m; printf x; } >edge-4m+1
for f in edge-0 edge-4m edge-4m+1 root-part.img; do echo "$(sha256_4m "$f") $f"; done >edge.want
check "measure --digest sha256-4m: files of 0, 4 MiB, 4 MiB + 1 bytes and the root image, in one run = the coreutils line" \
  cmp <("$SE_ATTEST" measure --digest sha256-4m edge-0 edge-4m edge-4m+1 root-part.img) edge.want
"$SE_ATTEST" measure --digest bogus "$ROOT_DEV" >measure-bogus.out 2>measure-bogus.err
check "measure --digest bogus: a usage error (exit 1), its one line naming it and both digests, nothing on stdout" \
  bash -c "[ $? = 1 ] && [ ! -s measure-bogus.out ] && grep -c bogus measure-bogus.err | grep -qx 1 &&
           head -1 measure-bogus.err | grep -qxF \"se-attest: --digest: unknown digest 'bogus' (expected sha256 or sha256-4m)\""
# Where no thread can be started, one thread does it all: as user nobody under a limit of one
# process, every thread start fails (EAGAIN), so the parallel hash and the reader thread both
# fall back (a copy of se-attest and the file in a folder nobody may enter: WORK is 0700).
if command -v setpriv >/dev/null && command -v prlimit >/dev/null; then
  { NPROC_DIR=$(mktemp -d /tmp/se-attest-nproc.XXXXXX) && chmod 755 "$NPROC_DIR" &&
    install -m 755 "$SE_ATTEST" "$NPROC_DIR/se-attest" && install -m 644 edge-4m+1 root-part.img "$NPROC_DIR/"; } ||
    die "the folder for user nobody"
  for digest in sha256-4m sha256; do
    for f in edge-4m+1 root-part.img; do
      if [ $digest = sha256 ]; then echo "$(sha256sum <$f | cut -c1-64) $NPROC_DIR/$f"; else echo "$(sha256_4m $f) $NPROC_DIR/$f"; fi
    done >nproc-$digest.want
    # Under the ASan build (test.sh's side check) LeakSanitizer needs a thread at exit: not here.
    ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
      setpriv --reuid=65534 --regid=65534 --clear-groups prlimit --nproc=1 "$NPROC_DIR/se-attest" measure \
      --digest $digest "$NPROC_DIR/edge-4m+1" "$NPROC_DIR/root-part.img" >nproc-$digest.out 2>nproc-$digest.err
    check "measure --digest $digest as nobody with no thread to be had (prlimit --nproc=1): the same digests, on one thread" \
      bash -c "[ $? = 0 ] && cmp nproc-$digest.out nproc-$digest.want"
  done
  rm -rf "$NPROC_DIR"
else
  echo "skipped: measure with no thread to be had (no setpriv or prlimit)"
fi
"$SE_ATTEST" seal --root "$ROOT_DEV" --root-device "PARTLABEL=$ROOT_PARTLABEL" \
  --tarball /boot/root.tar.gz --baseimage baseimage.qcow2 --image-version 1.0.0-e2e \
  --commit-id "e2e-$RUN_ID" --attestation-key keys/attestation.key --contract-key keys/contract.key \
  "${PROFILE_2026[@]}" --development --out sealed-dev >seal-dev.log 2>&1
check "seal from the block device: the same configuration as from the image file" \
  cmp sealed/etc/se-attest/agent.yaml sealed-dev/etc/se-attest/agent.yaml
"$SE_ATTEST" seal --root root-part.img --root-device "PARTLABEL=$ROOT_PARTLABEL" \
  --tarball /boot/missing.tar.gz --baseimage baseimage.qcow2 --image-version 1 --commit-id 1 \
  --attestation-key keys/attestation.key --contract-key keys/contract.key "${PROFILE_2026[@]}" --out sealed-bad >seal-bad.log 2>&1
check "seal: a tarball missing from the filesystem fails, naming it, writing nothing" \
  bash -c "[ $? = 2 ] && grep -q /boot/missing.tar.gz seal-bad.log && [ ! -e sealed-bad ]"
"$SE_ATTEST" seal --root root-part.img --root-device "PARTLABEL=$ROOT_PARTLABEL" \
  --tarball /boot/root.tar.gz --baseimage baseimage.qcow2 --image-version 1 --commit-id 1 \
  --attestation-key keys/contract.crt --contract-key keys/contract.key "${PROFILE_2026[@]}" --out sealed-bad >seal-bad.log 2>&1
check "seal: a certificate given as the attestation key fails, naming it" \
  bash -c "[ $? = 2 ] && grep -q 'contract.crt' seal-bad.log && [ ! -e sealed-bad ]"

write_lpar_sysinfo sysinfo

# --- cidata ---------------------------------------------------------------------------------
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:4096 -out auditor.key 2>/dev/null || die "auditor key"
openssl pkey -in auditor.key -pubout -out auditor.pub || die "auditor pub"


make_cidata() {  # make_cidata NAME LABEL USER_DATA_FILE -> NAME.img
  rm -rf "$1.d" && mkdir "$1.d"
  printf 'instance-id: e2e-%s\nlocal-hostname: se-attest-e2e\n' "$RUN_ID" >"$1.d/meta-data"
  cp "$3" "$1.d/user-data"
  printf '#cloud-config\n{}\n' >"$1.d/vendor-data"
  make_cidata_ext4 "$1.img" "$2" "$1.d"
}

valid_report_json() {  # valid_report_json FILE: se-attest verify --json output against its schema
  /usr/bin/python3 -c 'import json, jsonschema, sys; jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])))' \
    "$1" "$HERE/../../docs/verify-report.schema.json"
}

# openssl_decrypt KEY ENC: the plaintext of an encrypted record (a hyper-protect-basic token)
# with the openssl command line alone: RSA PKCS#1 v1.5 for the password, then AES-256-CBC with
# PBKDF2 (SPEC "The hyper-protect-basic token").
openssl_decrypt() {
  local token password
  token=$(cat "$2")
  password=$(printf %s "$token" | cut -d. -f2 | base64 -d | openssl pkeyutl -decrypt -inkey "$1") || return 1
  printf %s "$password" | openssl enc -d -aes-256-cbc -pbkdf2 -pass stdin -in <(printf %s "$token" | cut -d. -f3 | base64 -d)
}
# id_of kIntegrityFailure: that MESSAGE_ID as agent/lib/platform/log.h defines it.
id_of() {
  sed -n "s/^inline constexpr std::string_view $1 = \"\([0-9a-f]\{32\}\)\";\$/\1/p" "$HERE/../../agent/lib/platform/log.h"
}
# failure_has FILE SPEC...: the agent's one failure in FILE (its stderr: the line whose tail has
# SE_ATTEST_EXIT, docs/logging.md) has every SPEC (NAME=value, as the tail writes it). The tail is
# read, never the message.
failure_has() {
  local fields spec
  fields=$(sed -nE 's/.* \[(MESSAGE_ID=[0-9a-f]{32}( [A-Z0-9_]+(=[^] ]*)?)*)\]$/ \1 /p' "$1" | grep -F ' SE_ATTEST_EXIT=' | sort -u)
  shift
  echo "failure:$fields"
  [ "$(printf '%s\n' "$fields" | grep -c .)" = 1 ] || { echo "not exactly one failure"; return 1; }
  for spec in "$@"; do [[ $fields == *" $spec "* ]] || { echo "no $spec"; return 1; }; done
}

# The agent's steps go to the kernel log here (/dev/kmsg: no journal on this host), its failures
# to stderr as well: read with e2e.sh's kmsg_mark and kmsg_since (their text only, below).

run_agent() {  # run_agent OUT [CONFIG] -> exit code in $rc, stderr in agent.err; AGE_FROM, AGE_TO
  rm -rf "$1"
  mkdir -p "$1"
  AGE_FROM=$(date +%s)
  "$AGENT" --config "${2:-$CONFIG}" --output "$1" --sysinfo sysinfo 2>agent.err
  rc=$?
  AGE_TO=$(date +%s)
}


# 1. Contract without attestationPublicKey: plain record.
contract_yaml keys/contract.crt >contract-plain.yaml
make_cidata cidata1 cidata contract-plain.yaml || die "mkfs cidata"
attach_loop cidata1.img || die "losetup cidata"
CIDATA=$LOOP_DEV
mark=$(kmsg_mark)
run_agent out1
kmsg_since "$mark" | cut -f2- >out1.kmsg
check "plain: agent exits 0" test "$rc" = 0
[ "$rc" = 0 ] || sed 's/^/#   /' agent.err
check "plain: no .enc, no attestationPublicKey" test ! -e out1/se-checksums.txt.enc -a ! -e out1/attestationPublicKey
# sha256-4m is hashed by one thread per CPU the agent may run on (its affinity, not nproc's count).
threads=$(hashing_threads "$(python3 -c 'import os; print(len(os.sched_getaffinity(0)))')" "$(stat -c %s root-part.img)")
check "plain: the agent's kernel log line: the root partition verified by sha256-4m, the digest sealed, its size, $threads" \
  grep -qxF "se-attest-agent: root partition $ROOT_DEV verified: sha256-4m $ROOT_4M ($(stat -c %s root-part.img) bytes, $threads)" out1.kmsg
check_record plain out1/se-checksums.txt out1 cidata1.img cidata1.d -
check "plain: the measured devices are unmounted again" bash -c "! grep -qE '$DISK|$CIDATA' /proc/mounts"
# The image sealed with --root-digest sha256 (an image sealed before sha256-4m) attests as well.
mark=$(kmsg_mark)
run_agent out1-flat "$FLAT_CONFIG"
kmsg_since "$mark" | cut -f2- >out1-flat.kmsg
check "sealed --root-digest sha256: agent exits 0, the root partition verified by sha256, the digest sealed (kernel log)" \
  bash -c "[ $rc = 0 ] && grep -qxF 'se-attest-agent: root partition $ROOT_DEV verified: sha256 $ROOT_SHA ($(stat -c %s root-part.img) bytes, 1 hashing thread)' out1-flat.kmsg"
[ "$rc" = 0 ] || sed 's/^/#   /' agent.err
"$SE_ATTEST" verify out1-flat --cert keys/attestation.crt --chain keys/intermediate-ca.crt --ca keys/root-ca.crt \
  --reference sealed-flat/reference.yaml --contract-cert keys/contract.crt --allow-development >verify1-flat.txt 2>&1
check "sealed --root-digest sha256: se-attest verify against its reference.yaml: verified, exit 0" \
  bash -c "[ $? = 0 ] && grep -q '^verdict: VERIFIED' verify1-flat.txt"
# Sealed for production (no --development): this host is no Secure Execution guest, so the agent
# refuses to run, says why, and writes nothing.
wait "$KEYGEN_PROD" || die "keygen keys-prod: $(cat keygen-prod.log)"
"$SE_ATTEST" seal --root root-part.img --root-device "PARTLABEL=$ROOT_PARTLABEL" \
  --tarball /boot/root.tar.gz --baseimage baseimage.qcow2 --image-version 1.0.0-e2e \
  --commit-id "e2e-$RUN_ID" --attestation-key keys-prod/attestation.key --contract-key keys-prod/contract.key \
  --attestation-cert keys-prod/attestation.crt --contract-cert keys-prod/contract.crt --sbom /boot/sbom.cdx.json \
  --build-time "$BUILD_ISO" --out sealed-prod >seal-prod.log 2>&1 || die "seal: $(cat seal-prod.log)"
check "seal without --development: require_secure_execution: true" grep -q '^require_secure_execution: true' sealed-prod/etc/se-attest/agent.yaml
check "seal without --development: reference.yaml says image_kind: production" grep -qx 'image_kind: production' sealed-prod/reference.yaml
check "the production image has keys of its own, none of the development image's" \
  bash -c "! cmp -s sealed/etc/se-attest/attestation.key sealed-prod/etc/se-attest/attestation.key &&
           ! cmp -s sealed/etc/se-attest/contract.key sealed-prod/etc/se-attest/contract.key"
mkdir -p out-prod
"$AGENT" --config sealed-prod/etc/se-attest/agent.yaml --output out-prod --sysinfo sysinfo 2>agent-prod.err
rc=$?
check "sealed for production, not a protected guest: exit 1, saying so, nothing written" \
  bash -c "[ $rc = 1 ] && grep -q 'Secure Execution required' agent-prod.err && [ -z \"\$(ls -A out-prod)\" ]"
# The output folder's filesystem full half-way through (16 KiB: a few files fit): exit 4, and
# nothing is left, not even the files that were written whole.
mkdir -p out-full && mount -t tmpfs -o size=16k tmpfs out-full
"$AGENT" --config "$CONFIG" --output out-full --sysinfo sysinfo 2>agent-full.err
rc=$?
check "full output filesystem: exit 4, naming the output folder" bash -c "[ $rc = 4 ] && grep -q 'out-full' agent-full.err"
check "full output filesystem: nothing left in it" test -z "$(ls -A out-full)"
umount out-full
# The records here are a development image's: verify fails them unless told to accept that.
AUDIT=(--cert keys/attestation.crt --chain keys/intermediate-ca.crt --ca keys/root-ca.crt --reference sealed/reference.yaml
       --contract-cert keys/contract.crt --allow-development)
"$SE_ATTEST" verify out1 "${AUDIT[@]}" --contract contract-plain.yaml --machine 3932/02/860A8 >verify1.txt 2>&1
check "plain: se-attest verify: verified, exit 0" bash -c "[ $? = 0 ] && grep -q '^verdict: VERIFIED' verify1.txt"
[ "$(tail -n1 verify1.txt | cut -c1-17)" = "verdict: VERIFIED" ] || sed 's/^/#   /' verify1.txt
"$SE_ATTEST" verify out1 "${AUDIT[@]}" --json >verify1.json
check "plain: se-attest verify --json matches docs/verify-report.schema.json" valid_report_json verify1.json
check "plain (hpcr-2026): verify --json: the profile's checks passed (header, image age, certificates, sbom, contract:*)" \
  verify_json verify1.json verified "${VERIFY_2026_PASSED[@]}"
"$SE_ATTEST" verify "$SHARED/interop/hpcr-23.3.0" --key "$SHARED/interop/hpcr-23.3.0.attestation-private.pem" --json \
  >verify-interop.json
check "interop 23.3.0: verify exits 3 (incomplete: no IBM certificate)" test $? = 3
check "interop 23.3.0: its JSON report matches the schema" valid_report_json verify-interop.json
detach_loop "$CIDATA"

# 2. attestationPublicKey as PEM text: only the encrypted record.
{ cat contract-plain.yaml; attestation_public_key_yaml auditor.pub; } >contract-pem.yaml
make_cidata cidata2 cidata contract-pem.yaml || die "mkfs cidata"
attach_loop cidata2.img || die "losetup cidata"
CIDATA=$LOOP_DEV
run_agent out2
check "pem: agent exits 0" test "$rc" = 0
[ "$rc" = 0 ] || sed 's/^/#   /' agent.err
check "pem: only se-checksums.txt.enc, no plaintext record" test -s out2/se-checksums.txt.enc -a ! -e out2/se-checksums.txt
check "pem: the token is one line without a trailing newline" test "$(tail -c1 out2/se-checksums.txt.enc | od -An -c | tr -d ' ')" != '\n'
# The sources' script, unchanged: it writes se-checksums.txt into the current folder.
sources_decrypt_script "$SHARED" sources-decrypt.sh || die "the decrypt script of the sources"
mkdir -p dec2 && (cd dec2 && bash ../sources-decrypt.sh ../auditor.key ../out2/se-checksums.txt.enc) >dec2.log 2>&1
check "pem: the sources' decrypt script decrypts the record" test -s dec2/se-checksums.txt
bash "$SHARED/interop/hpcr-23.3.0/decrypt-attestation.sh" auditor.key out2/se-checksums.txt.enc >dec2-ibm.txt 2>dec2-ibm.err
check "pem: IBM's decrypt-attestation.sh decrypts it to the same bytes" cmp dec2/se-checksums.txt dec2-ibm.txt
check "pem: se-attest decrypt agrees" cmp dec2/se-checksums.txt <("$SE_ATTEST" decrypt --key auditor.key out2/se-checksums.txt.enc)
check "pem: the openssl command line alone (pkeyutl, enc -pbkdf2) decrypts it to the same bytes" \
  cmp dec2/se-checksums.txt <(openssl_decrypt auditor.key out2/se-checksums.txt.enc)
check_record pem dec2/se-checksums.txt out2 cidata2.img cidata2.d auditor.pub
"$SE_ATTEST" verify out2 "${AUDIT[@]}" --key auditor.key --attestation-public-key auditor.pub \
  --contract contract-pem.yaml >verify2.txt 2>&1
check "pem: se-attest verify decrypts and verifies, exit 0" bash -c "[ $? = 0 ] && grep -q '^verdict: VERIFIED' verify2.txt"
cp -a out2 out2-tampered && chmod u+w out2-tampered/cidata/user-data && printf ' ' >>out2-tampered/cidata/user-data
"$SE_ATTEST" verify out2-tampered "${AUDIT[@]}" --key auditor.key >verify2t.txt 2>&1
check "pem: one byte added to the folder's user-data: verify exit 1, naming it" \
  bash -c "[ $? = 1 ] && grep -qE '^FAIL .*cidata/user-data: differs' verify2t.txt"

# The agent killed (SIGKILL) at random moments: afterwards the folder holds a complete, verifiable
# record or none at all — never a record without its signature, never a plaintext record.
t0=$(date +%s%N)
run_agent out-kill
run_ns=$(($(date +%s%N) - t0))
kills=0 complete=0 empty=0 broken=0 leftover=0
for i in $(seq 1 60); do
  rm -rf out-kill && mkdir -p out-kill
  "$AGENT" --config "$CONFIG" --output out-kill --sysinfo sysinfo 2>/dev/null &
  pid=$!
  sleep "$(awk -v n="$run_ns" -v r="$RANDOM" 'BEGIN { printf "%.4f", 1.3 * n / 1e9 * r / 32767 }')"
  kill -9 "$pid" 2>/dev/null && kills=$((kills + 1))
  wait "$pid" 2>/dev/null
  if [ -e out-kill/se-checksums.txt ]; then
    broken=$((broken + 1))  # encryption was asked for: a plaintext record must never appear
  elif [ -e out-kill/se-checksums.txt.enc ]; then
    if "$SE_ATTEST" verify out-kill "${AUDIT[@]}" --key auditor.key >verify-kill.txt 2>&1; then
      complete=$((complete + 1))
    else
      broken=$((broken + 1)); sed 's/^/#   /' verify-kill.txt | grep -v '^#   pass'
    fi
  else
    empty=$((empty + 1))
  fi
  # A killed agent cannot unmount what it mounted read-only (the root partition, cidata).
  for m in $(awk -v a="$ROOT_DEV" -v b="$CIDATA" '$1 == a || $1 == b { print $2 }' /proc/mounts); do
    umount "$m" && leftover=$((leftover + 1))
  done
done
echo "# kill test: one run takes $((run_ns / 1000000)) ms; 60 runs, killed at 0 to 1.3 times that, $kills killed in flight: $complete complete and verified, $empty without a record, $broken broken; $leftover read-only mounts left behind"
check "killed at random moments: never a partial or plaintext record ($complete complete, $empty none)" test "$broken" = 0
check "pem: no plaintext record anywhere in the output folder" bash -c "! grep -rqs 'Machine Type/Plant/Serial' out2"

# 2b. The same image sealed in record profile hpcr-2023, the same contract: the record of HPCR
#     23.x (the seed's layout, none of hpcr-2026's lines or files), which verify reads as such.
run_agent out2-2023 sealed-2023/etc/se-attest/agent.yaml
check "hpcr-2023: agent exits 0" test "$rc" = 0
[ "$rc" = 0 ] || sed 's/^/#   /' agent.err
mkdir -p dec2-2023 && (cd dec2-2023 && bash ../sources-decrypt.sh ../auditor.key ../out2-2023/se-checksums.txt.enc) >dec2-2023.log 2>&1
check "hpcr-2023: the sources' decrypt script decrypts the record" test -s dec2-2023/se-checksums.txt
EXPECT_PROFILE=hpcr-2023 check_record pem-2023 dec2-2023/se-checksums.txt out2-2023 cidata2.img cidata2.d auditor.pub
check "hpcr-2023: the record is the hpcr-2026 one less its new lines, the attestationPublicKey line added at the end" \
  bash -c "diff <(grep -vE '^(Image age|(Encryption|Attestation) Certificate valid until):|^[0-9a-f]{64} (certificate_expiry_date\.json|sbom|contract:.*)\$' dec2/se-checksums.txt | sort) \
                <(grep -v ' attestationPublicKey\$' dec2-2023/se-checksums.txt | sort)"
AUDIT_2023=(--cert keys/attestation.crt --chain keys/intermediate-ca.crt --ca keys/root-ca.crt
            --reference sealed-2023/reference.yaml --allow-development --key auditor.key)
"$SE_ATTEST" verify out2-2023 "${AUDIT_2023[@]}" --attestation-public-key auditor.pub --contract contract-pem.yaml \
  --json >verify2-2023.json 2>verify2-2023.err
check "hpcr-2023: se-attest verify: VERIFIED, profile hpcr-2023, none of the hpcr-2026 checks in the report" \
  verify_json verify2-2023.json verified record-profile=pass reference:record-profile=pass "!$VERIFY_2026_ONLY"
check "hpcr-2023: its JSON report matches the schema" valid_report_json verify2-2023.json
"$SE_ATTEST" verify out2-2023 "${AUDIT[@]}" --key auditor.key --json >verify2-2023-ref.json 2>&1
check "hpcr-2023 record against the hpcr-2026 seal's reference.yaml: exit 1, reference:record-profile FAILs" \
  verify_json_failed verify2-2023-ref.json reference:record-profile $?
detach_loop "$CIDATA"

# 3. attestationPublicKey as a token (made by se-attest encrypt for the contract key), and the
#    cidata label upper-cased as vfat tools write it (CIDATA).
{
  cat contract-plain.yaml
  echo "attestationPublicKey: $("$SE_ATTEST" encrypt --to keys/contract.crt auditor.pub)"
} >contract-token.yaml
make_cidata cidata3 CIDATA contract-token.yaml || die "mkfs cidata"
attach_loop cidata3.img || die "losetup cidata"
CIDATA=$LOOP_DEV
run_agent out3
check "token+CIDATA: agent exits 0" test "$rc" = 0
[ "$rc" = 0 ] || sed 's/^/#   /' agent.err
mkdir -p dec3 && (cd dec3 && bash ../sources-decrypt.sh ../auditor.key ../out3/se-checksums.txt.enc) >dec3.log 2>&1
check_record token dec3/se-checksums.txt out3 cidata3.img cidata3.d auditor.pub

# 4. A second device labelled cidata: the lookup is ambiguous, the agent picks none.
make_cidata cidata4 cidata contract-plain.yaml || die "mkfs cidata"
attach_loop cidata4.img || die "losetup cidata"
CIDATA2=$LOOP_DEV
run_agent out4
check "two cidata devices: exit 3" test "$rc" = 3
check "two cidata devices: the error names both" bash -c "grep -q '$CIDATA' agent.err && grep -q '$CIDATA2' agent.err"
check "two cidata devices: nothing written" test -z "$(ls -A out4)"
detach_loop "$CIDATA2"
detach_loop "$CIDATA"

# 4b. The contract author's path, round trip: se-attest contract (sections as tokens for the
#     contract certificate, envWorkloadSignature with a signing key) -> agent -> se-attest verify;
#     without and with attestationPublicKey (a token), so plain and encrypted records.
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:3072 -out signing.key 2>/dev/null || die "signing key"
openssl pkey -in signing.key -pubout -out signing.pub || die "signing pub"
printf 'type: env\nlogging: {}\n' >env.yaml
for form in none token; do
  extra=()
  [ "$form" = none ] || extra=(--attestation-public-key auditor.pub --attestation-key-form "$form")
  "$SE_ATTEST" contract --workload workload.yaml --env env.yaml --encrypt-for keys/contract.crt \
    --signing-key signing.key "${extra[@]}" --out "contract-made-$form.yaml" >contract.log 2>&1
  check "contract ($form): se-attest contract writes the contract" test $? = 0 -a -s "contract-made-$form.yaml"
  sed -n 's/^envWorkloadSignature: //p' "contract-made-$form.yaml" | base64 -d >"ews-$form.bin"
  check "contract ($form): envWorkloadSignature verifies with openssl over workload token + env token" \
    bash -c "printf %s \"\$(sed -n 's/^workload: //p' contract-made-$form.yaml)\$(sed -n 's/^env: //p' contract-made-$form.yaml)\" |
             openssl dgst -sha256 -verify signing.pub -signature ews-$form.bin"
  make_cidata "cidata-made-$form" cidata "contract-made-$form.yaml" || die "mkfs cidata"
  attach_loop "cidata-made-$form.img" || die "losetup cidata"
  CIDATA=$LOOP_DEV
  run_agent "out-made-$form"
  check "contract ($form): the agent checks the signature and writes the record, exit 0" test "$rc" = 0
  [ "$rc" = 0 ] || sed 's/^/#   /' agent.err
  key=()
  [ "$form" = none ] || key=(--key auditor.key --attestation-public-key auditor.pub)
  "$SE_ATTEST" verify "out-made-$form" "${AUDIT[@]}" "${key[@]}" --contract "contract-made-$form.yaml" \
    --expect-cidata "cidata-made-$form.d" >"verify-made-$form.txt" 2>&1
  check "contract ($form): se-attest verify: VERIFIED" \
    bash -c "[ $? = 0 ] && grep -q '^verdict: VERIFIED' verify-made-$form.txt"
  detach_loop "$CIDATA"
done
# The same contract with one character of its signature changed: invalid contract, no record.
sig=$(sed -n 's/^envWorkloadSignature: //p' contract-made-none.yaml)
if [ "${sig:10:1}" = A ]; then c=B; else c=A; fi
sed "s|^envWorkloadSignature: .*|envWorkloadSignature: ${sig:0:10}$c${sig:11}|" contract-made-none.yaml >contract-badsig.yaml
make_cidata cidata-badsig cidata contract-badsig.yaml || die "mkfs cidata"
attach_loop cidata-badsig.img || die "losetup cidata"
CIDATA=$LOOP_DEV
run_agent out-badsig
check "altered envWorkloadSignature: exit 3, naming it, nothing written" \
  bash -c "[ $rc = 3 ] && grep -q envWorkloadSignature agent.err && [ -z \"\$(ls -A out-badsig)\" ]"
detach_loop "$CIDATA"

# 4c. Contract signing keys sealed into the image (seal --contract-signing-key): one more seal of
#     the same image, then the signed contract of 4b, a contract signed with another key, and an
#     unsigned one. The fingerprint is computed here with openssl, independently of se-attest.
fingerprint() { openssl pkey -pubin -in "$1" -outform DER | sha256sum | cut -c1-64; }
"$SE_ATTEST" seal --root root-part.img --root-device "PARTLABEL=$ROOT_PARTLABEL" \
  --tarball /boot/root.tar.gz --baseimage baseimage.qcow2 --image-version 1.0.0-e2e \
  --commit-id "e2e-$RUN_ID" --attestation-key keys/attestation.key --contract-key keys/contract.key \
  --contract-signing-key signing.pub "${PROFILE_2026[@]}" --development --out sealed-pinned >seal-pinned.log 2>&1 ||
  die "seal --contract-signing-key: $(cat seal-pinned.log)"
PINNED=sealed-pinned/etc/se-attest/agent.yaml
SIGNING_SHA=$(fingerprint signing.pub)
check "seal --contract-signing-key: agent.yaml and reference.yaml list the key's fingerprint (openssl's)" \
  bash -c "grep -Pzq 'contract_signing_keys_sha256:\n  - $SIGNING_SHA\n' $PINNED &&
           grep -Pzq 'contract_signing_keys_sha256:\n  - $SIGNING_SHA\n' sealed-pinned/reference.yaml"
"$SE_ATTEST" seal --root root-part.img --root-device "PARTLABEL=$ROOT_PARTLABEL" \
  --tarball /boot/root.tar.gz --baseimage baseimage.qcow2 --image-version 1 --commit-id 1 \
  --attestation-key keys/attestation.key --contract-key keys/contract.key \
  --contract-signing-key signing.key "${PROFILE_2026[@]}" --development --out sealed-bad >seal-bad.log 2>&1
check "seal: a private key as --contract-signing-key fails without showing it, writing nothing" \
  bash -c "[ $? = 2 ] && grep -q 'signing.key: holds a private key' seal-bad.log && ! grep -q 'BEGIN' seal-bad.log && [ ! -e sealed-bad ]"
attach_loop cidata-made-none.img || die "losetup cidata"
CIDATA=$LOOP_DEV
run_agent out-pinned-ok "$PINNED"
check "pinned signing key: a contract signed with it: exit 0" test "$rc" = 0
[ "$rc" = 0 ] || sed 's/^/#   /' agent.err
detach_loop "$CIDATA"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out other-signing.key 2>/dev/null || die "other signing key"
openssl pkey -in other-signing.key -pubout -out other-signing.pub || die "other signing pub"
"$SE_ATTEST" contract --workload workload.yaml --env env.yaml --encrypt-for keys/contract.crt \
  --signing-key other-signing.key --out contract-other-signer.yaml >contract.log 2>&1 || die "contract: $(cat contract.log)"
make_cidata cidata-other-signer cidata contract-other-signer.yaml || die "mkfs cidata"
attach_loop cidata-other-signer.img || die "losetup cidata"
CIDATA=$LOOP_DEV
run_agent out-pinned-other "$PINNED"
check "pinned signing key: a contract signed with another key: exit 3, naming both fingerprints, nothing written" \
  bash -c "[ $rc = 3 ] && grep -q 'env.signingKey $(fingerprint other-signing.pub), but this image accepts only contracts signed with the key $SIGNING_SHA' agent.err &&
           [ -z \"\$(ls -A out-pinned-other)\" ]"
[ "$rc" = 3 ] || sed 's/^/#   /' agent.err
detach_loop "$CIDATA"
attach_loop cidata1.img || die "losetup cidata"
CIDATA=$LOOP_DEV
run_agent out-pinned-unsigned "$PINNED"
check "pinned signing key: an unsigned contract: exit 3, 'no envWorkloadSignature', nothing written" \
  bash -c "[ $rc = 3 ] && grep -q 'no envWorkloadSignature, but this image accepts only contracts signed with the key $SIGNING_SHA' agent.err &&
           [ -z \"\$(ls -A out-pinned-unsigned)\" ]"
detach_loop "$CIDATA"

# 4d. An env token whose plaintext is not YAML (it would hide a signingKey from the rule
#     "signingKey needs envWorkloadSignature"): invalid contract, and the plaintext is not shown.
printf 'signingKey: [unclosed' >env-unclosed.txt
{
  echo "env: $("$SE_ATTEST" encrypt --to keys/contract.crt env-unclosed.txt)"
  echo "workload: $(openssl_token keys/contract.crt workload.yaml)"
} >contract-env-unclosed.yaml
make_cidata cidata-env-unclosed cidata contract-env-unclosed.yaml || die "mkfs cidata"
attach_loop cidata-env-unclosed.img || die "losetup cidata"
CIDATA=$LOOP_DEV
run_agent out-env-unclosed
# At boot its error is the one of a token that cannot be decrypted (no CBC padding oracle:
# threat-model.md); `se-attest contract` tells its author what is wrong.
check "env token that is not YAML: exit 3, naming env, nothing written" \
  bash -c "[ $rc = 3 ] && grep -q 'env: token cannot be decrypted with the contract key, or what it decrypts to is not what this section holds' agent.err && [ -z \"\$(ls -A out-env-unclosed)\" ]"
check "env token that is not YAML: the plaintext is not shown" bash -c "! grep -q unclosed agent.err"
detach_loop "$CIDATA"

# 5. A corrupted token in the contract: invalid contract, nothing written.
corrupt_token <contract-plain.yaml >contract-bad.yaml
make_cidata cidata5 cidata contract-bad.yaml || die "mkfs cidata"
attach_loop cidata5.img || die "losetup cidata"
CIDATA=$LOOP_DEV
run_agent out5
check "corrupted token: exit 3" test "$rc" = 3
check "corrupted token: the error names the contract key" grep -q 'workload' agent.err
check "corrupted token: nothing written" test -z "$(ls -A out5)"

# 6. The attestation key unreadable (missing) and not a key: exit 1, nothing written.
mv sealed/etc/se-attest/attestation.key attestation.key.saved
run_agent out6
check "missing attestation key: exit 1" test "$rc" = 1
check "missing attestation key: the error names the file" grep -q 'attestation.key' agent.err
check "missing attestation key: nothing written" test -z "$(ls -A out6)"
echo "not a key" >sealed/etc/se-attest/attestation.key
run_agent out6
check "garbage attestation key: exit 1" test "$rc" = 1
mv attestation.key.saved sealed/etc/se-attest/attestation.key
detach_loop "$CIDATA"

# 6b. The initrd's se-attest-root reads where the kept root.tar.gz and the record are from
#     agent.yaml, as seal wrote them: values other than the defaults boot too, and a relative
#     output_dir is relative to agent.yaml's folder, as for the agent. Without --tarball-copy seal
#     keeps the copy at the default, so that an image sealed without it boots with the hooks.
check "seal without --tarball-copy: agent.yaml keeps root.tar.gz at /run/se-attest/root.tar.gz" \
  grep -qx '  tarball_copy: /run/se-attest/root.tar.gz' "$CONFIG"
"$SE_ATTEST" seal --root root-part.img --root-device "PARTLABEL=$ROOT_PARTLABEL" \
  --tarball /boot/root.tar.gz --baseimage baseimage.qcow2 --image-version 1.0.0-e2e \
  --commit-id "e2e-$RUN_ID" --attestation-key keys/attestation.key --contract-key keys/contract.key \
  --output-dir record --tarball-copy "$WORK/kept/root.tar.gz" "${PROFILE_2026[@]}" --development \
  --out sealed-paths >seal-paths.log 2>&1 ||
  die "seal --output-dir --tarball-copy: $(cat seal-paths.log)"
PATHS_CONFIG=sealed-paths/etc/se-attest/agent.yaml
check "seal --output-dir record --tarball-copy PATH: agent.yaml has both, as given" \
  bash -c "grep -qx 'output_dir: record' $PATHS_CONFIG && grep -qx '  tarball_copy: $WORK/kept/root.tar.gz' $PATHS_CONFIG"
attach_loop cidata1.img || die "losetup cidata"
CIDATA=$LOOP_DEV
"$AGENT" --config "$PATHS_CONFIG" --sysinfo sysinfo 2>agent.err  # no --output: agent.yaml's output_dir
rc=$?
check "agent sealed with those paths: exit 0, the record in sealed-paths/etc/se-attest/record, root.tar.gz kept" \
  bash -c "[ $rc = 0 ] && [ -s sealed-paths/etc/se-attest/record/se-signature.bin ] && cmp kept/root.tar.gz $TARBALL_FILE"
[ "$rc" = 0 ] || sed 's/^/#   /' agent.err
detach_loop "$CIDATA"
SE_ATTEST_ROOT=$(dirname "$AGENT")/se-attest-root
mkdir -p newroot && mount -t tmpfs -o mode=0755 tmpfs newroot
"$SE_ATTEST_ROOT" --config "$PATHS_CONFIG" newroot >se-attest-root.log 2>&1
rc=$?
check "se-attest-root: the real root unpacked from the kept copy (then removed), the record read-only at var/hyperprotect" \
  bash -c "[ $rc = 0 ] && cmp newroot/etc/motd tree/etc/motd && cmp newroot/bin/payload tree/bin/payload &&
           [ ! -e kept/root.tar.gz ] && cmp newroot/var/hyperprotect/se-signature.bin sealed-paths/etc/se-attest/record/se-signature.bin &&
           grep -q ' $WORK/newroot/var/hyperprotect .* ro[ ,]' /proc/mounts"
[ "$rc" = 0 ] || sed 's/^/#   /' se-attest-root.log
umount -R newroot
grep -v '^  tarball_copy: ' "$PATHS_CONFIG" >sealed-paths/etc/se-attest/no-copy.yaml
"$SE_ATTEST_ROOT" --config sealed-paths/etc/se-attest/no-copy.yaml newroot >se-attest-root.log 2>&1
check "se-attest-root, agent.yaml without root.tarball_copy: exit 1, one line naming it, nothing unpacked" \
  bash -c "[ $? = 1 ] && [ \$(wc -l <se-attest-root.log) = 1 ] && grep -q 'has no root.tarball_copy' se-attest-root.log &&
           [ -z \"\$(ls -A newroot)\" ]"

# 7. One flipped byte in the root partition, in its first 4 MiB chunk and in its last: integrity
#    failure, exit 2, empty output folder, the message naming the digest sealed (sha256-4m) and
#    the partition's as tampered with (the coreutils line over the device); the byte put back
#    after each. The image sealed with the flat digest fails likewise, by sha256.
attach_loop cidata1.img || die "losetup cidata"
CIDATA=$LOOP_DEV
run_agent out7
check "before tampering: exit 0" test "$rc" = 0
ID_INTEGRITY=$(id_of kIntegrityFailure)  # the failure of the root partition, root.tar.gz and the SBOM alike
[[ $ID_INTEGRITY =~ ^[0-9a-f]{32}$ ]] || die "no kIntegrityFailure in agent/lib/platform/log.h"
ROOT_BYTES=$(stat -c %s root-part.img)
byte_at() { dd if="$ROOT_DEV" bs=1 skip="$1" count=1 status=none | od -An -tu1 | tr -d ' '; }
put_byte() {  # put_byte OFFSET VALUE: that byte of the root partition, written through the device
  printf "$(printf '\\%03o' "$2")" | dd of="$ROOT_DEV" bs=1 seek="$1" conv=notrunc status=none
  sync
  echo 3 >/proc/sys/vm/drop_caches 2>/dev/null
}
# tampered WHERE OFFSET: one byte at OFFSET (in the partition) flipped, the agent run, the byte put back.
tampered() {
  local where=$1 at=$2 orig found
  orig=$(byte_at "$at")
  put_byte "$at" $(((orig + 1) % 256))
  found=$(sha256_4m "$ROOT_DEV")
  check "flipped byte in the $where chunk (partition byte $at, 4 MiB chunk $((at >> 22))): the device's sha256-4m differs from the sealed one" \
    bash -c "[ '$found' != '$ROOT_4M' ] && [ \$(cmp -l root-part.img '$ROOT_DEV' | wc -l) = 1 ]"
  run_agent out7
  check "flipped byte in the $where chunk: exit 2, empty output folder" bash -c "[ $rc = 2 ] && [ -z \"\$(ls -A out7)\" ]"
  check "flipped byte in the $where chunk: the error names the partition, expected sha256-4m <sealed>, found <the coreutils line's>" \
    grep -qF "root partition $ROOT_DEV (PARTLABEL=$ROOT_PARTLABEL) differs from the build: expected sha256-4m $ROOT_4M, found $found" agent.err
  check "flipped byte in the $where chunk: the failure's fields: integrity, the partition, both digests" \
    bash -c "$(declare -f failure_has); failure_has agent.err MESSAGE_ID=$ID_INTEGRITY SE_ATTEST_EXIT=2 SE_ATTEST_ITEM=$ROOT_DEV \
             SE_ATTEST_EXPECTED=$ROOT_4M SE_ATTEST_ACTUAL=$found"
  [ "$rc" = 2 ] || sed 's/^/#   /' agent.err
  if [ "$where" = first ]; then
    run_agent out7 "$FLAT_CONFIG"
    check "flipped byte in the $where chunk, the image sealed with sha256: exit 2, expected sha256 <sealed>, found <sha256sum of the device>" \
      bash -c "[ $rc = 2 ] && grep -qF 'differs from the build: expected sha256 $ROOT_SHA, found $(sha256sum "$ROOT_DEV" | cut -c1-64)' agent.err"
  fi
  put_byte "$at" "$orig"
  check "flipped byte in the $where chunk: put back, the device is the image sealed again" cmp root-part.img "$ROOT_DEV"
}
tampered first $((1048576 + 17))
tampered last $((ROOT_BYTES - 4096 + 17))
run_agent out7
check "the bytes put back: exit 0 again" test "$rc" = 0

# 8. The host as the attacker of an hpcr-2026 folder. The host hands the auditor the folder; it
#    cannot sign. Every forgery below must fail `se-attest verify` (exit 1) by the check that
#    names what was forged (--json: that check's id, status fail): a file changed against its
#    line fails that line's check; a line changed (a header line, or a hash line made to match a
#    forged file) fails the signature, in the plain record and in an encrypted one that the
#    attacker encrypts anew for the auditor's public key (who made the image knows the
#    plaintext); each section's plaintext changed in user-data.decrypted fails its contract:*
#    line. The honest folders: out-made-token (encrypted record; workload and env tokens,
#    envWorkloadSignature, attestationPublicKey a token) and out-made-none (plain record).
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out attacker.key 2>/dev/null || die "attacker key"
openssl pkey -in attacker.key -pubout -out attacker.pub || die "attacker pub"
mkdir -p dec-made-token &&
  (cd dec-made-token && bash ../sources-decrypt.sh ../auditor.key ../out-made-token/se-checksums.txt.enc) >dec-made-token.log 2>&1
check "attacks: the honest hpcr-2026 folders (encrypted and plain) are the controls: both VERIFIED" \
  bash -c "'$SE_ATTEST' verify out-made-token ${AUDIT[*]} --key auditor.key >/dev/null 2>&1 &&
           '$SE_ATTEST' verify out-made-none ${AUDIT[*]} >/dev/null 2>&1"
check "attacks: the encrypted record's plaintext (sources' decrypt script) is hpcr-2026, with every contract:* line" \
  bash -c "grep -q '^Image age: ' dec-made-token/se-checksums.txt &&
           [ \$(grep -cE '^[0-9a-f]{64} contract:(workload|env|envWorkloadSignature|attestationPublicKey)\$' dec-made-token/se-checksums.txt) = 4 ]"
n_attacks=0
: >attacks.tsv
forge() {  # forge NAME BASE: a writable copy of the honest folder BASE, as NAME (FORGED=yes)
  FORGED=no
  rm -rf "$1" && cp -a "$2" "$1" && chmod -R u+w "$1" && FORGED=yes
}
# edit FILE PERL: FILE rewritten by the Perl substitution PERL over its whole text (perl -0777;
# Perl, not a Python start per forgery). No change at all: FORGED=no.
edit() {
  cp "$1" "$1.before" && perl -0777 -pi -e "$2" "$1" && ! cmp -s "$1" "$1.before" || FORGED=no
  rm -f "$1.before"
  [ "$FORGED" = yes ]
}
# attack NAME FOLDER CHECK_ID [SPEC...] -- [VERIFY_OPTION...]: verify the forged FOLDER; it must
# fail (exit 1) with CHECK_ID failed, and every SPEC (verify_json's) hold. Judged all at once at
# the end (verify_json_all).
attack() {
  local name=$1 folder=$2 id=$3 specs=()
  shift 3
  while [ "$1" != -- ]; do specs+=("$1"); shift; done
  shift
  # A forgery that could not be made is a failure of its own, not a verify that passed.
  [ "$FORGED" = yes ] || { not_ok "forged $name: the forgery could not be made"; return; }
  "$SE_ATTEST" verify "$folder" "${AUDIT[@]}" "$@" --json >"$folder.json" 2>"$folder.err"
  printf '%s\t%s\t%s\tfailed\t%s' "forged $name: verify exit 1, $id FAILs${specs:+ (${specs[*]})}" "$?" "$folder.json" "$id=fail" >>attacks.tsv
  [ ${#specs[@]} = 0 ] || printf '\t%s' "${specs[@]}" >>attacks.tsv
  echo >>attacks.tsv
  n_attacks=$((n_attacks + 1))
}
# re_record FOLDER PLAIN: FOLDER's record replaced by PLAIN, as the attacker can write it: plain,
# or encrypted for the auditor's public key (the folder's attestationPublicKey) when FOLDER's is.
re_record() {
  if [ -e "$1/se-checksums.txt.enc" ]; then
    "$SE_ATTEST" encrypt --to auditor.pub "$2" >"$1/se-checksums.txt.enc"
  else
    cp "$2" "$1/se-checksums.txt"
  fi
}
KEYED=(--key auditor.key)
# Files against their lines.
# shellcheck disable=SC2016  # $1, $2 are Perl's
forge f-json out-made-token && edit f-json/certificate_expiry_date.json 's/("not_after": ")(\d{4})/$1.($2 + 1)/e'
attack "certificate_expiry_date.json (the encryption certificate's notAfter a year later)" f-json \
  file:certificate_expiry_date.json -- "${KEYED[@]}"
forge f-sbom out-made-token && edit f-sbom/sbom 's/CycloneDX/CycloneDx/'
attack "sbom (one character)" f-sbom file:sbom -- "${KEYED[@]}"
# user-data.decrypted: each section's plaintext.
forge f-workload out-made-token && edit f-workload/user-data.decrypted 's|archive: H4sIAAAAAAAA/\+yS|archive: H4sIAAAAAAAA/+yT|'
attack "user-data.decrypted: the workload's plaintext" f-workload contract:workload -- "${KEYED[@]}"
forge f-env out-made-token && edit f-env/user-data.decrypted 's/logging: \{\}/logging: {server: evil.example}/'
attack "user-data.decrypted: the env's plaintext" f-env contract:env -- "${KEYED[@]}"
# shellcheck disable=SC2016  # $1, $2 are Perl's
forge f-ews out-made-token && edit f-ews/user-data.decrypted 's/(envWorkloadSignature: \S{10})(\S)/$1.($2 eq "A" ? "B" : "A")/e'
attack "user-data.decrypted: envWorkloadSignature (one character)" f-ews contract:envWorkloadSignature -- "${KEYED[@]}"
# shellcheck disable=SC2016  # $1, $2 are Perl's
forge f-apk out-made-token && edit f-apk/user-data.decrypted '
  BEGIN { open(my $f, "<", "attacker.pub") or die; local $/; ($k = <$f>) =~ s/\s+\z//; }
  s/^(attestationPublicKey: \|\n)([ \t]+)-----BEGIN PUBLIC KEY-----\n(?:\2.*\n)*?\2-----END PUBLIC KEY-----/my ($h, $i) = ($1, $2); $h . join("\n", map { $i . $_ } split(m{\n}, $k))/me'
attack "user-data.decrypted: attestationPublicKey (the attacker's key)" f-apk contract:attestationPublicKey -- "${KEYED[@]}"
forge f-apk-file out-made-token && cp attacker.pub f-apk-file/attestationPublicKey
attack "the attestationPublicKey file (the attacker's key)" f-apk-file file:attestationPublicKey -- "${KEYED[@]}"
# Lines of the record: the header lines, and hash lines made to match forged files.
# shellcheck disable=SC2016  # $1, $2 are Perl's
for form in plain encrypted; do
  if [ "$form" = plain ]; then base=out-made-none plain=out-made-none/se-checksums.txt opts=(); else
    base=out-made-token plain=dec-made-token/se-checksums.txt opts=("${KEYED[@]}"); fi
  forge "r-age-$form" "$base" && cp "$plain" "r-age-$form.txt" &&
    edit "r-age-$form.txt" 's/^Image age: (\d+)/"Image age: " . ($1 + 1)/me' && re_record "r-age-$form" "r-age-$form.txt"
  attack "$form record: Image age one day more" "r-age-$form" signature -- "${opts[@]}"
  for which in Encryption Attestation; do
    forge "r-$which-$form" "$base" && cp "$plain" "r-$which-$form.txt" &&
      edit "r-$which-$form.txt" "s/^($which Certificate valid until: .* )(\\d{4}) UTC\$/\$1 . (\$2 + 1) . ' UTC'/me" &&
      re_record "r-$which-$form" "r-$which-$form.txt"
    attack "$form record: $which Certificate valid until a year later" "r-$which-$form" signature -- "${opts[@]}"
  done
  # A forged file and its line changed to match: the file's own check passes, the signature fails.
  for file in sbom certificate_expiry_date.json; do
    forge "r-$file-$form" "$base" && printf ' ' >>"r-$file-$form/$file" && cp "$plain" "r-$file-$form.txt" &&
      edit "r-$file-$form.txt" "s/^[0-9a-f]{64} \\Q$file\\E\$/$(sha256sum "r-$file-$form/$file" | cut -c1-64) $file/m" &&
      re_record "r-$file-$form" "r-$file-$form.txt"
    attack "$form record: $file forged, its line changed to match" "r-$file-$form" signature "file:$file=pass" -- "${opts[@]}"
  done
  forge "r-workload-$form" "$base" &&
    edit "r-workload-$form/user-data.decrypted" 's|archive: H4sIAAAAAAAA/\+yS|archive: H4sIAAAAAAAA/+yT|' &&
    cp "$plain" "r-workload-$form.txt" &&
    edit "r-workload-$form.txt" "s/^[0-9a-f]{64} contract:workload\$/$(contract_lines "r-workload-$form/user-data.decrypted" | grep ' contract:workload$')/m" &&
    re_record "r-workload-$form" "r-workload-$form.txt"
  attack "$form record: the workload's plaintext forged, contract:workload changed to match" "r-workload-$form" signature \
    contract:workload=pass -- "${opts[@]}"
done
verify_json_all attacks.tsv
echo "# attacks on hpcr-2026 folders: $n_attacks"

# 9. An SBOM in the root partition other than the one sealed (the same size at the same place:
#    rewritten after sealing). (a) As it is, the root partition's digest catches it first: exit 2
#    for the partition. (b) agent.yaml's root.sha256-4m made to match the changed partition (a
#    builder who sealed the partition digest after changing the SBOM, and the SBOM's digest
#    before): the SBOM's own check, exit 2 for sbom, both digests as fields. Nothing written.
SBOM_AT=$(sed -n 's/^  sbom_extents: \([0-9]*\)+.*/\1/p' "$CONFIG")
SBOM_SIZE=$(stat -c %s "$SBOM_FILE")
cp root-part.img root-sbom.img
printf X | dd of=root-sbom.img bs=1 seek=$((SBOM_AT + SBOM_SIZE / 2)) conv=notrunc status=none
dd if=root-sbom.img of=sbom-changed.json bs=1 skip="$SBOM_AT" count="$SBOM_SIZE" status=none
check "sbom changed: one byte of it differs in the partition copy, nothing else" \
  bash -c "[ \$(cmp -l '$SBOM_FILE' sbom-changed.json | wc -l) = 1 ] && [ \$(cmp -l root-part.img root-sbom.img | wc -l) = 1 ]"
make_gpt_disk disk-sbom.img root-sbom.img "se-sbom-$RUN_ID" || die "GPT disk (sbom)"
attach_loop -P disk-sbom.img || die "losetup disk (sbom)"
SBOM_ROOT_DEV=$(partition_of "$LOOP_DEV") || die "${LOOP_DEV}p1 did not appear"
sed "s/^  device: PARTLABEL=$ROOT_PARTLABEL\$/  device: PARTLABEL=se-sbom-$RUN_ID/" "$CONFIG" >sealed/etc/se-attest/agent-sbom.yaml
SBOM_ROOT_4M=$(sha256_4m root-sbom.img)
sed "s/^  sha256-4m: $ROOT_4M\$/  sha256-4m: $SBOM_ROOT_4M/" \
  sealed/etc/se-attest/agent-sbom.yaml >sealed/etc/se-attest/agent-sbom-stale.yaml
check "sbom changed: the stale agent.yaml differs from the other in the root digest only" \
  bash -c "[ \$(diff sealed/etc/se-attest/agent-sbom.yaml sealed/etc/se-attest/agent-sbom-stale.yaml | grep -c '^[<>]') = 2 ]"
run_agent out9a sealed/etc/se-attest/agent-sbom.yaml
check "sbom changed in the partition: exit 2, the partition's failure (integrity, its digests), nothing written" \
  bash -c "[ $rc = 2 ] && [ -z \"\$(ls -A out9a)\" ] && $(declare -f failure_has); failure_has agent.err MESSAGE_ID=$ID_INTEGRITY \
           SE_ATTEST_EXIT=2 SE_ATTEST_ITEM=$SBOM_ROOT_DEV SE_ATTEST_EXPECTED=$ROOT_4M SE_ATTEST_ACTUAL=$SBOM_ROOT_4M"
run_agent out9b sealed/etc/se-attest/agent-sbom-stale.yaml
check "sbom changed, the partition's digest to match: exit 2, the SBOM's failure (integrity, item sbom, its digests), nothing written" \
  bash -c "[ $rc = 2 ] && [ -z \"\$(ls -A out9b)\" ] && $(declare -f failure_has); failure_has agent.err MESSAGE_ID=$ID_INTEGRITY \
           SE_ATTEST_EXIT=2 SE_ATTEST_ITEM=sbom SE_ATTEST_EXPECTED=$(sha256sum "$SBOM_FILE" | cut -c1-64) \
           SE_ATTEST_ACTUAL=$(sha256sum sbom-changed.json | cut -c1-64)"
[ "$rc" = 2 ] || sed 's/^/#   /' agent.err

finish
