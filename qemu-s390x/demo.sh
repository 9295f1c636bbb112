#!/usr/bin/env bash
# The main job: build the sealed demo image from the Debian packages (prepare.sh: the s390x
# se-attest-agent .deb installed into the image's tree with dpkg -i, the host command from the
# amd64 se-attest .deb unpacked with dpkg -x; record profile hpcr-2026, with the root's SBOM), boot it under qemu-system-s390x with a contract that asks for an encrypted record, and
# print what came back: the agent's log from the console, and the record, decrypted with the
# sources' decrypt script, signature checked with openssl, every line checked (hash lines with
# sha256sum, contract:* lines recomputed from user-data.decrypted, the valid-until lines with
# openssl, the image age from the build time), certificate_expiry_date.json, the sbom, and the
# `se-attest verify` report (the auditor: the packaged se-attest, run from its installed path in
# the scratch root WORK/host-root). Then the same
# image sealed with --root-disk: its real root is a new LUKS2 (key born in the guest) on the
# disk's partition 2; the console lines naming the dm-crypt root, and the header the host sees
# afterwards. As root on Debian 12; BUILD_DIR (default build).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
work=$repo/${BUILD_DIR:-build}/qemu-demo

bash qemu-s390x/prepare.sh "$work"

printf '\n==== the packages: se-attest-agent in the image tree (dpkg -i), se-attest on this host (dpkg -x)\n'
# shellcheck disable=SC2016 # dpkg-query's format
chroot "$work/tree" dpkg-query -W -f '${Package} ${Version} ${Architecture}: ${db:Status-Status} in the image tree\n' se-attest-agent
echo "se-attest (the builder's and the auditor's): $(readlink -f "$work/se-attest")"
dpkg-deb -f "$(compgen -G "$work/debs/amd64/se-attest_*_amd64.deb")" Package Version Architecture | sed 's/^[^:]*: //' | paste -sd' '

printf '\n==== boot: dracut initrd (systemd), GPT disk with the root partition, cidata ISO\n'
rc=0
bash qemu-s390x/scenario.sh "$work" good-pem >"$work/demo-checks.log" || rc=$?
dir=$work/scenarios/good-pem

printf '\n==== the console (the agent and the real root)\n'
grep -E 'se-attest|Secure Execution|/var/hyperprotect|^-r|^d' "$dir/console.log" | grep -v '^[A-Za-z0-9+/=]*$' | cut -c1-200

printf '\n==== the record (profile hpcr-2026), decrypted with the sources'"'"' decrypt script\n'
printf 'signature (openssl dgst -sha256 -verify): '
openssl dgst -sha256 -verify "$work/attestation.pub" -signature "$dir/out/se-signature.bin" "$dir/dec/se-checksums.txt" || rc=1
# Each line against what the host has: a file's sha256sum, a certificate's notAfter (openssl),
# the image age from the build time (reference.yaml) to the boot, a contract:* line recomputed
# from user-data.decrypted (tests/lib/checks.sh, contract_lines: the rule of docs/formats.md).
CHECK_TMP=$dir
# shellcheck source=../tests/lib/checks.sh
. tests/lib/checks.sh
declare -A source=(
  [certificate_expiry_date.json]=$dir/out/certificate_expiry_date.json
  [baseimage]=$work/kernel
  [root.tar.gz]=$work/root-part.img.rootfs/boot/root.tar.gz
  [sbom]=$work/root-part.img.rootfs/boot/sbom.spdx.json
  [/dev/disk/by-label/cidata]=$dir/cidata.img
  [cidata/meta-data]=$dir/files/meta-data
  [cidata/user-data]=$dir/files/user-data
  [cidata/vendor-data]=$dir/files/vendor-data
  [attestationPublicKey]=$dir/out/attestationPublicKey
)
contract_lines "$dir/out/user-data.decrypted" >"$dir/contract-lines.txt" || rc=1
build_time=$(cat "$work/build-time")
booted_to=$(stat -c %Y "$dir/console.log")
boot_s=$(cat "$dir/boot-seconds")
booted_from=$((booted_to - ${boot_s%.*} - 60))  # the boot began before it ended
same() {  # same LINE EXPECTED_LINE HOW: the line with "= HOW", or "DIFFERS from HOW" (rc=1)
  if [ "$1" = "$2" ]; then printf '%s  = %s\n' "$1" "$3"; else printf '%s  DIFFERS from %s\n' "$1" "$3"; rc=1; fi
}
valid_until() { echo "$1 Certificate valid until: $(cert_date "$2" '+%b %d %H:%M:%S %Y') UTC"; }
while IFS= read -r line; do
  if [[ $line =~ ^([0-9a-f]{64})\ (contract:.+)$ ]]; then
    same "$line" "$(grep -F " ${BASH_REMATCH[2]}" "$dir/contract-lines.txt")" \
      "SHA-256 of section ${BASH_REMATCH[2]#contract:} in user-data.decrypted (docs/formats.md)"
  elif [[ $line =~ ^([0-9a-f]{64})\ (.+)$ ]]; then
    f=${source[${BASH_REMATCH[2]}]:-/nonexistent}
    same "$line" "$(sha256sum "$f" | cut -c1-64) ${BASH_REMATCH[2]}" "sha256sum ${f#"$work"/}"
  elif [[ $line =~ ^Image\ age:\ ([0-9]+)\ days\ since\ creation\.$ ]]; then
    # Whole days from the build time to the guest's clock at boot (the host's, under QEMU).
    n=${BASH_REMATCH[1]}
    if [ "$n" -ge $(((booted_from - build_time) / 86400)) ] && [ "$n" -le $(((booted_to - build_time) / 86400)) ]; then
      same "$line" "$line" "whole days from the build time $(date -u -d "@$build_time" +%Y-%m-%dT%H:%M:%SZ) to the boot"
    else
      same "$line" "?" "whole days from the build time $(date -u -d "@$build_time" +%Y-%m-%dT%H:%M:%SZ) to the boot"
    fi
  elif [[ $line == "Encryption Certificate valid until: "* ]]; then
    same "$line" "$(valid_until Encryption "$work/keys/contract.crt")" "notAfter of keys/contract.crt (openssl x509 -enddate)"
  elif [[ $line == "Attestation Certificate valid until: "* ]]; then
    same "$line" "$(valid_until Attestation "$work/keys/attestation.crt")" "notAfter of keys/attestation.crt (openssl x509 -enddate)"
  else
    printf '%s\n' "$line"
  fi
done <"$dir/dec/se-checksums.txt"
grep -q '^Image age: ' "$dir/dec/se-checksums.txt" || { echo "(not an hpcr-2026 record: no Image age line)"; rc=1; }
printf '\n==== certificate_expiry_date.json (in the folder, hashed by the record)\n'
cat "$dir/out/certificate_expiry_date.json" || rc=1
printf '\n==== sbom (in the folder: the SPDX document sealed beside root.tar.gz, hashed by the record)\n'
head -c 400 "$dir/out/sbom" || rc=1
printf '\n...\n'

printf '\n==== the auditor'"'"'s verdict: se-attest verify (certificate chain, signature, every line, reference values),\n'
printf '     the amd64 se-attest package run from its installed path %s\n' "$(readlink -f "$work/se-attest")"
cat "$dir/verify.txt" || rc=1
grep -q '^verdict: VERIFIED' "$dir/verify.txt" || rc=1

printf '\n==== checks: %s (details: %s)\n' "$(tail -n1 "$work/demo-checks.log")" "$work/demo-checks.log"
printf 'boot to power-off: %s s\n' "$(cat "$dir/boot-seconds")"

printf '\n==== boot: the image sealed with --root-disk PARTLABEL=se-rootfs (dracut): the real root on dm-crypt\n'
bash qemu-s390x/scenario.sh "$work" enc-good >"$work/demo-checks-encrypted.log" || rc=$?
edir=$work/scenarios/enc-good
grep -E 'se-attest-root: |se-attest demo root: (/ |entered)' "$edir/console.log" | cut -c1-200
printf '\n==== partition 2 after power-off, as the host sees it (cryptsetup luksDump)\n'
if [ -s "$edir/part2-after.luksdump.txt" ]; then
  grep -E '^LUKS header|^(Version|UUID):|^Data segments:|^[[:space:]]+(offset|length|cipher|sector):|^Keyslots:|^Tokens:' \
    "$edir/part2-after.luksdump.txt" || true
else
  echo "(no luksDump: see $work/demo-checks-encrypted.log)"
  rc=1
fi
printf '\n==== checks (encrypted root): %s (details: %s)\n' "$(tail -n1 "$work/demo-checks-encrypted.log")" \
  "$work/demo-checks-encrypted.log"
printf 'boot to power-off: %s s\n' "$(cat "$edir/boot-seconds" 2>/dev/null || echo '?')"
exit "$rc"
