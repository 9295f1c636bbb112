#!/usr/bin/env bash
# One real agent run under valgrind memcheck (docs/hardening.md).
#
#   valgrind-agent.sh SE_ATTEST SE_ATTEST_AGENT SHARED_DIR
#
# As root: builds a small sealed image as host-e2e.sh does (a GPT disk whose partition 1 is an
# ext4 holding boot/root.tar.gz and an SBOM, seal --development in the default record profile
# hpcr-2026 with --sbom, so the SBOM is read, kept and copied and the contract:* lines made, an
# ext4 cidata device with a contract that has attestationPublicKey, so the encrypt path runs
# too), attaches them with losetup and runs the
# agent, not sanitized, under memcheck. Passes when the agent exits 0, the (encrypted) record is
# there, and memcheck found no error and no definitely or indirectly lost byte (exit 99 else).
# Exit 77 (CTest: skipped) when not root, without loop devices or valgrind, or when the agent is
# an ASan build (valgrind cannot run those; that build has its own leak checker).
set -uo pipefail

SE_ATTEST=$(realpath "$1")
AGENT=$(realpath "$2")
# $3, SHARED_DIR: taken for the same command line as host-e2e.sh; this test does not need it.
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lib/images.sh
. "$HERE/../lib/images.sh"
# shellcheck source=../lib/e2e.sh
. "$HERE/../lib/e2e.sh"

if ! command -v valgrind >/dev/null; then
  echo "skipped: valgrind is not installed (scripts/install-deps.sh installs it)"
  exit 77
fi
if nm -an "$AGENT" 2>/dev/null | grep -q __asan_init || ldd "$AGENT" 2>/dev/null | grep -q libasan; then
  echo "skipped: $AGENT is built with AddressSanitizer; run this test in the build without SE_ATTEST_SANITIZE"
  exit 77
fi

e2e_start valgrind
ROOT_PARTLABEL="se-root-$RUN_ID"
no_cidata_on_machine || die "cidata"

# --- the sealed image -----------------------------------------------------------------------
"$SE_ATTEST" keygen keys >keygen.log 2>&1 || die "keygen: $(cat keygen.log)"
mkdir -p tree/etc tree/bin
echo "se-attest valgrind root $RUN_ID" >tree/etc/motd
head -c 100000 /dev/urandom >tree/bin/payload
head -c 1000000 /dev/urandom >baseimage.qcow2
make_root_partition tree root-part.img 8M || die "root partition"
printf '{"bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1, "components": []}\n' >sbom.cdx.json
debugfs -w -R "write sbom.cdx.json boot/sbom.cdx.json" root-part.img >/dev/null 2>&1 || die "debugfs write sbom"
make_gpt_disk disk.img root-part.img "$ROOT_PARTLABEL" || die "GPT disk"
attach_loop -P disk.img || die "losetup disk"
ROOT_DEV=$(partition_of "$LOOP_DEV") || die "${LOOP_DEV}p1 did not appear"
"$SE_ATTEST" seal --root root-part.img --root-device "PARTLABEL=$ROOT_PARTLABEL" \
  --tarball /boot/root.tar.gz --baseimage baseimage.qcow2 --image-version 1.0.0-valgrind \
  --commit-id "valgrind-$RUN_ID" --attestation-key keys/attestation.key --contract-key keys/contract.key \
  --attestation-cert keys/attestation.crt --contract-cert keys/contract.crt --sbom /boot/sbom.cdx.json \
  --development --out sealed >seal.log 2>&1 || die "seal: $(cat seal.log)"

write_lpar_sysinfo sysinfo

# --- cidata: a contract whose attestationPublicKey (PEM) asks for the encrypted record ------
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:4096 -out auditor.key 2>/dev/null || die "auditor key"
openssl pkey -in auditor.key -pubout -out auditor.pub || die "auditor pub"
{ contract_yaml keys/contract.crt; attestation_public_key_yaml auditor.pub; } >contract.yaml
mkdir cidata.d
printf 'instance-id: valgrind-%s\nlocal-hostname: se-attest-valgrind\n' "$RUN_ID" >cidata.d/meta-data
cp contract.yaml cidata.d/user-data
printf '#cloud-config\n{}\n' >cidata.d/vendor-data
make_cidata_ext4 cidata.img cidata cidata.d || die "mkfs cidata"
attach_loop cidata.img || die "losetup cidata"
CIDATA=$LOOP_DEV

# --- the agent under memcheck ---------------------------------------------------------------
mkdir out
t0=$(date +%s%N)
valgrind --tool=memcheck --leak-check=full --show-leak-kinds=definite,indirect \
  --errors-for-leak-kinds=definite,indirect --error-exitcode=99 --track-origins=yes \
  --log-file=valgrind.log \
  "$AGENT" --config sealed/etc/se-attest/agent.yaml --output out --sysinfo sysinfo 2>agent.err
rc=$?
echo "# the agent under valgrind took $((($(date +%s%N) - t0) / 1000000)) ms"
grep -E 'ERROR SUMMARY:' valgrind.log | sed 's/^==[0-9]*== //'
# The heap and leak summaries (or "All heap blocks were freed -- no leaks are possible").
sed -n '/HEAP SUMMARY:/,/ERROR SUMMARY:/p' valgrind.log | grep -vE 'ERROR SUMMARY:|^==[0-9]*== *$' |
  grep -E 'in use at exit|total heap usage|LEAK SUMMARY|lost:|reachable:|suppressed:|no leaks are possible' |
  sed 's/^==[0-9]*== //'

check "valgrind: the agent exits 0 (99: memcheck errors or leaks)" test "$rc" = 0
if [ "$rc" != 0 ]; then
  sed 's/^/#   /' agent.err
  sed 's/^/#   /' valgrind.log
fi
check "valgrind: ERROR SUMMARY: 0 errors" grep -qE 'ERROR SUMMARY: 0 errors from 0 contexts' valgrind.log
check "valgrind: no definitely lost bytes" \
  bash -c "! grep -E 'definitely lost:' valgrind.log | grep -qvE 'definitely lost: 0 bytes in 0 blocks'"
check "valgrind: no indirectly lost bytes" \
  bash -c "! grep -E 'indirectly lost:' valgrind.log | grep -qvE 'indirectly lost: 0 bytes in 0 blocks'"
check "valgrind: the encrypted record, its signature and no plaintext record" \
  test -s out/se-checksums.txt.enc -a -s out/se-signature.bin -a ! -e out/se-checksums.txt
check "valgrind: hpcr-2026's files: certificate_expiry_date.json, and the SBOM copied byte for byte" \
  bash -c "[ -s out/certificate_expiry_date.json ] && cmp sbom.cdx.json out/sbom"
check "valgrind: the measured devices are unmounted again" bash -c "! grep -qE '^($ROOT_DEV|$CIDATA) ' /proc/mounts"
check "valgrind: the record decrypts and verifies (se-attest verify)" \
  "$SE_ATTEST" verify out --allow-development --cert keys/attestation.crt --chain keys/intermediate-ca.crt --ca keys/root-ca.crt \
  --reference sealed/reference.yaml --key auditor.key --attestation-public-key auditor.pub --contract contract.yaml
finish
