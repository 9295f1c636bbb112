#!/usr/bin/env bash
# The main job: build the sealed demo image (prepare.sh), boot it under qemu-system-s390x with a
# contract that asks for an encrypted record, and print what came back: the agent's log from the
# console, and the record, decrypted with the sources' decrypt script, signature checked with
# openssl, every line checked with sha256sum, and the `se-attest verify` report. Then the same
# image sealed with --root-disk: its real root is a new LUKS2 (key born in the guest) on the
# disk's partition 2; the console lines naming the dm-crypt root, and the header the host sees
# afterwards. As root on Debian 12; BUILD_DIR (default build).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
work=$repo/${BUILD_DIR:-build}/qemu-demo

bash qemu-s390x/prepare.sh "$work"

printf '\n==== boot: dracut initrd (systemd), GPT disk with the root partition, cidata ISO\n'
rc=0
bash qemu-s390x/scenario.sh "$work" good-pem >"$work/demo-checks.log" || rc=$?
dir=$work/scenarios/good-pem

printf '\n==== the console (the agent and the real root)\n'
grep -E 'se-attest|Secure Execution|/var/hyperprotect|^-r|^d' "$dir/console.log" | grep -v '^[A-Za-z0-9+/=]*$' | cut -c1-200

printf '\n==== the record, decrypted with the sources'"'"' decrypt script\n'
printf 'signature (openssl dgst -sha256 -verify): '
openssl dgst -sha256 -verify "$work/attestation.pub" -signature "$dir/out/se-signature.bin" "$dir/dec/se-checksums.txt" || rc=1
declare -A source=(
  [baseimage]=$work/kernel
  [root.tar.gz]=$work/root-part.img.rootfs/boot/root.tar.gz
  [/dev/disk/by-label/cidata]=$dir/cidata.img
  [cidata/meta-data]=$dir/files/meta-data
  [cidata/user-data]=$dir/files/user-data
  [cidata/vendor-data]=$dir/files/vendor-data
  [attestationPublicKey]=$dir/out/attestationPublicKey
)
while IFS= read -r line; do
  if [[ $line =~ ^([0-9a-f]{64})\ (.+)$ ]]; then
    f=${source[${BASH_REMATCH[2]}]}
    if [ "$(sha256sum "$f" | cut -c1-64)" = "${BASH_REMATCH[1]}" ]; then
      printf '%s  = sha256sum %s\n' "$line" "${f#"$work"/}"
    else
      printf '%s  DIFFERS from sha256sum %s\n' "$line" "${f#"$work"/}"
      rc=1
    fi
  else
    printf '%s\n' "$line"
  fi
done <"$dir/dec/se-checksums.txt"

printf '\n==== the auditor'"'"'s verdict: se-attest verify (certificate chain, signature, every line, reference values)\n'
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
