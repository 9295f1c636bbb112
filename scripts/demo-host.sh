#!/usr/bin/env bash
# The builder's and the auditor's path on this host, with real loop block devices:
# keygen -> an image (GPT disk, ext4 root partition holding root.tar.gz) -> seal -> a cidata
# device whose contract asks for an encrypted record -> se-attest-agent -> the record, decrypted
# with the sources' decrypt script and checked line by line with openssl and sha256sum.
# Both commands come from the amd64 Debian packages (scripts/build-debs.sh amd64), unpacked with
# `dpkg -x` into build/demo-host/root and run from their installed paths there: the builder's and
# the auditor's se-attest (/usr/bin/se-attest) and the agent (/usr/bin/se-attest-agent).
# As root on Debian 12. Everything goes to build/demo-host/ (BUILD_DIR overrides build/); the
# packages to build/debs/amd64, built anew when the sources changed (the stamp of
# qemu-s390x/prepare.sh), or taken as they are from SE_ATTEST_DEBS/amd64.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
SHARED=$(cd "$REPO/../shared" 2>/dev/null && pwd) || SHARED=
# shellcheck source=../tests/lib/images.sh
. tests/lib/images.sh
# contract_lines (the contract:* lines recomputed from user-data.decrypted, docs/formats.md).
# shellcheck source=../tests/lib/checks.sh
. tests/lib/checks.sh

bash scripts/install-deps.sh
BUILD=${BUILD_DIR:-build}
mkdir -p "$BUILD"
BUILD=$(cd "$BUILD" && pwd)
step() { printf '\n== %s\n' "$*"; }

step "the amd64 packages (scripts/build-debs.sh), unpacked into a scratch root with dpkg -x"
if [ -n "${SE_ATTEST_DEBS:-}" ]; then
  DEBS=$(cd "$SE_ATTEST_DEBS/amd64" && pwd)
else
  DEBS=$BUILD/debs/amd64
  stamp=$(git ls-files -z --cached --others --exclude-standard | LC_ALL=C sort -z | xargs -0 sha256sum 2>/dev/null |
    sha256sum | cut -c1-64)
  if [ "$(cat "$DEBS.stamp" 2>/dev/null)" != "$stamp" ] || ! compgen -G "$DEBS/se-attest-agent_*_amd64.deb" >/dev/null; then
    rm -f "$DEBS.stamp"
    bash scripts/build-debs.sh amd64 "$DEBS"
    echo "$stamp" >"$DEBS.stamp"
  fi
fi
WORK=$BUILD/demo-host
rm -rf "$WORK" && mkdir -p "$WORK" && cd "$WORK"
for deb in "$DEBS"/se-attest_*_amd64.deb "$DEBS"/se-attest-agent_*_amd64.deb; do
  dpkg -x "$deb" root
  echo "${deb##*/}: $(dpkg-deb -f "$deb" Installed-Size) KiB installed"
done
SE_ATTEST=$WORK/root/usr/bin/se-attest
AGENT=$WORK/root/usr/bin/se-attest-agent
echo "se-attest: ${SE_ATTEST#"$WORK"/}, se-attest-agent: ${AGENT#"$WORK"/}"

trap detach_all_loops EXIT
hold_device_lock
no_cidata_on_machine

step "keygen: a development key set (RSA-4096)"
"$SE_ATTEST" keygen keys

step "the image: GPT disk, partition 'se-root' = ext4 holding /boot/root.tar.gz"
mkdir -p tree/etc && echo "demo root" >tree/etc/motd
head -c 4000000 /dev/urandom >baseimage.qcow2
make_root_partition tree root-part.img 16M
make_gpt_disk disk.img root-part.img se-root-demo
attach_loop -P disk.img
ROOT_DEV=$(partition_of "$LOOP_DEV")
echo "root partition: $ROOT_DEV"

step "seal: the agent's configuration and keys for the initrd, reference values for auditors"
"$SE_ATTEST" seal --root root-part.img --root-device PARTLABEL=se-root-demo \
  --tarball /boot/root.tar.gz --baseimage baseimage.qcow2 --image-version 1.0.0-demo \
  --commit-id "$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo demo)" \
  --attestation-key keys/attestation.key --contract-key keys/contract.key \
  --attestation-cert keys/attestation.crt --contract-cert keys/contract.crt --development --out sealed

step "the contract: workload encrypted for the contract key, attestationPublicKey of the auditor"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:4096 -out auditor.key 2>/dev/null
openssl pkey -in auditor.key -pubout -out auditor.pub
printf 'type: workload\ncompose:\n  archive: H4sIAAAA\n' >workload.yaml
mkdir -p cidata
{
  echo "workload: $("$SE_ATTEST" encrypt --to keys/contract.crt workload.yaml)"
  echo "env: |"
  echo "    type: env"
  echo "attestationPublicKey: |"
  sed 's/^/    /' auditor.pub
} >cidata/user-data
printf 'instance-id: demo\nlocal-hostname: se-attest-demo\n' >cidata/meta-data
make_cidata_ext4 cidata.img cidata cidata
attach_loop cidata.img
echo "cidata device: $LOOP_DEV"

# No s390x machine here: the machine line comes from the documentation's example machine.
printf 'Type:                 3932\nSequence Code:        00000000000860A8\nPlant:                02\n' >sysinfo

step "se-attest-agent (as the initrd runs it)"
mkdir -p hyperprotect
"$AGENT" --config sealed/etc/se-attest/agent.yaml --output hyperprotect --sysinfo sysinfo
echo "its log (kernel log here; the journal under systemd):"
dmesg | grep 'se-attest-agent' | tail -n 9 | sed 's/^\[[^]]*\] /  /' | cut -c1-160 || true
ls -l hyperprotect hyperprotect/cidata

step "the auditor: decrypt with the sources' decrypt script (unchanged)"
if [ -n "$SHARED" ] && sources_decrypt_script "$SHARED" decrypt-attestation.sh; then
  mkdir -p audit && (cd audit && bash ../decrypt-attestation.sh ../auditor.key ../hyperprotect/se-checksums.txt.enc)
else
  mkdir -p audit && "$SE_ATTEST" decrypt --key auditor.key hyperprotect/se-checksums.txt.enc >audit/se-checksums.txt
fi
openssl x509 -pubkey -noout -in keys/attestation.crt >attestation.pub
printf 'signature (openssl dgst -sha256 -verify): '
openssl dgst -sha256 -verify attestation.pub -signature hyperprotect/se-signature.bin audit/se-checksums.txt

step "the record (profile hpcr-2026), every hash line checked with sha256sum"
# The contract:* lines: recomputed from user-data.decrypted (the section's lines; attestationPublicKey
# its PEM) and hashed with sha256sum, independently of se-attest.
contract_lines hyperprotect/user-data.decrypted >contract-lines.txt
declare -A source=(
  [certificate_expiry_date.json]=hyperprotect/certificate_expiry_date.json
  [baseimage]=baseimage.qcow2
  [root.tar.gz]=root-part.img.rootfs/boot/root.tar.gz
  [/dev/disk/by-label/cidata]=cidata.img
  [cidata/meta-data]=cidata/meta-data
  [cidata/user-data]=cidata/user-data
  [attestationPublicKey]=hyperprotect/attestationPublicKey
)
bad=0
while IFS= read -r line; do
  if [[ $line =~ ^([0-9a-f]{64})\ (contract:.+)$ ]]; then
    if grep -qxF "$line" contract-lines.txt; then mark="ok   (recomputed from user-data.decrypted)"; else mark="DIFFERS"; bad=1; fi
    printf '%s  %s\n' "$line" "$mark"
  elif [[ $line =~ ^([0-9a-f]{64})\ (.+)$ ]]; then
    name=${BASH_REMATCH[2]}
    actual=$(sha256sum "${source[$name]}" | cut -c1-64)
    if [ "$actual" = "${BASH_REMATCH[1]}" ]; then mark="ok   (sha256sum ${source[$name]})"; else mark="DIFFERS"; bad=1; fi
    printf '%s  %s\n' "$line" "$mark"
  else
    printf '%s\n' "$line"
  fi
done <audit/se-checksums.txt
if [ "$bad" = 0 ]; then echo "every line matches"; else echo "a line does not match"; exit 1; fi
