#!/usr/bin/env bash
# Host end-to-end test of `se-attest seal`'s record profiles (issue 16) on a real ext4 image, and
# of `se-attest measure --contract`:
#
#   seal-profile-e2e.sh SE_ATTEST
#
# Seals with --record-profile hpcr-2026 (the default) and hpcr-2023, and checks agent.yaml,
# reference.yaml and the files beside the keys with independent tools only (sha256sum, dd,
# openssl, python3's yaml): the SBOM's digest, size and extents, the certificates' subject,
# fingerprint and notAfter, the build time from --build-time, SOURCE_DATE_EPOCH and the clock;
# then every refusal, each with nothing written. measure --contract's lines are checked against
# the sha256sum of the sections as user-data.decrypted holds them, made here with sed from the
# plaintexts that were encrypted into the contract. The agent's runs and
# verify are host-e2e.sh's. Needs root (seal mounts the image through a loop device); exit 77
# (CTest: skipped) without.
set -uo pipefail

SE_ATTEST=$(realpath "$1")
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lib/images.sh
. "$HERE/../lib/images.sh"
# shellcheck source=../lib/e2e.sh
. "$HERE/../lib/e2e.sh"
e2e_start seal-profile

# --- keys, the root image with root.tar.gz and an SBOM ------------------------------------------
"$SE_ATTEST" keygen keys >/dev/null 2>&1 || die "keygen"
"$SE_ATTEST" keygen other >/dev/null 2>&1 || die "keygen other"
mkdir -p tree/etc rootfs/boot
echo "seal profile e2e $RUN_ID" >tree/etc/motd
tar -C tree --owner=0 --group=0 -czf rootfs/boot/root.tar.gz . || die "tarball"
# An SBOM of several blocks, so that it has more than a partial block.
python3 -c 'import json; print(json.dumps({"spdxVersion": "SPDX-2.3", "packages": [{"name": "p%d" % i} for i in range(2000)]}))' \
  >rootfs/boot/sbom.spdx.json || die "sbom"
ln -s sbom.spdx.json rootfs/boot/sbom-link.json
head -c $((33 << 20)) /dev/urandom >rootfs/boot/big-sbom.json
mkfs.ext4 -q -F -L se-root -d rootfs root.img 64M >/dev/null || die "mkfs"
head -c 100000 /dev/urandom >baseimage

# seal OUT [OPTION...]: seals root.img into OUT with the keys/ key set; output in OUT.log.
seal() {
  local out=$1
  shift
  "$SE_ATTEST" seal --root root.img --root-device LABEL=se-root --tarball /boot/root.tar.gz --baseimage baseimage \
    --image-version v1 --commit-id "c-$RUN_ID" --attestation-key keys/attestation.key --contract-key keys/contract.key \
    --out "$out" "$@" >"$out.log" 2>&1
}
CERTS=(--attestation-cert keys/attestation.crt --contract-cert keys/contract.crt)
# yaml FILE EXPR: EXPR (Python, over the document `d`, every scalar a string) printed.
yaml() { python3 -c 'import sys, yaml; d = yaml.load(open(sys.argv[1]), yaml.BaseLoader); print(eval(sys.argv[2]))' "$1" "$2"; }
# Independent of seal: what openssl says of a certificate.
fingerprint() { openssl x509 -in "$1" -noout -fingerprint -sha256 | sed 's/.*=//; s/://g' | tr 'A-F' 'a-f'; }
subject() { openssl x509 -in "$1" -noout -subject -nameopt RFC2253 | sed 's/^subject=//'; }
not_after() { date -u -d "$(openssl x509 -in "$1" -noout -enddate | sed 's/^notAfter=//')" +%Y-%m-%dT%H:%M:%SZ; }
# extents_bytes IMAGE "P+L P+L ...": the bytes at those extents of IMAGE, in order.
extents_bytes() {
  local e
  for e in $2; do dd if="$1" bs=1 skip="${e%+*}" count="${e#*+}" iflag=skip_bytes,count_bytes status=none; done
}

# --- hpcr-2026, with an SBOM -----------------------------------------------------------------------
seal s26 --record-profile hpcr-2026 --sbom /boot/sbom.spdx.json "${CERTS[@]}" --build-time 2026-07-01T12:00:00Z ||
  die "seal hpcr-2026: $(cat s26.log)"
A=s26/etc/se-attest/agent.yaml
R=s26/reference.yaml
SBOM=rootfs/boot/sbom.spdx.json
check "hpcr-2026: agent.yaml's record_profile, build_time, certificate names" \
  test "$(yaml $A '[d["record_profile"], d["build_time"], d["attestation_cert"], d["contract_cert"]]')" = \
  "['hpcr-2026', '2026-07-01T12:00:00Z', 'attestation.crt', 'contract.crt']"
check "hpcr-2026: agent.yaml root.sbom and sbom_sha256 = sha256sum of the SBOM" \
  test "$(yaml $A '[d["root"]["sbom"], d["root"]["sbom_sha256"]]')" = "['/boot/sbom.spdx.json', '$(sha256sum $SBOM | cut -c1-64)']"
check "hpcr-2026: agent.yaml root.sbom_size = the SBOM's size" test "$(yaml $A 'd["root"]["sbom_size"]')" = "$(stat -c %s $SBOM)"
check "hpcr-2026: the bytes of root.img at root.sbom_extents are the SBOM" \
  cmp <(extents_bytes root.img "$(yaml $A 'd["root"]["sbom_extents"]')") $SBOM
check "hpcr-2026: the bytes of root.img at root.tarball_extents are root.tar.gz" \
  cmp <(extents_bytes root.img "$(yaml $A 'd["root"]["tarball_extents"]')") rootfs/boot/root.tar.gz
check "hpcr-2026: reference.yaml's record_profile, build_time, measurements.sbom" \
  test "$(yaml $R '[d["record_profile"], d["build_time"], d["measurements"]["sbom"]]')" = \
  "['hpcr-2026', '2026-07-01T12:00:00Z', '$(sha256sum $SBOM | cut -c1-64)']"
for role in encryption:contract attestation:attestation; do
  cert=keys/${role#*:}.crt
  check "hpcr-2026: reference.yaml certificates.${role%:*} = openssl's subject, fingerprint, notAfter of $cert" \
    test "$(yaml $R "[d['certificates']['${role%:*}'][k] for k in ('subject', 'sha256', 'not_after')]")" = \
    "$(python3 -c 'import sys; print(sys.argv[1:])' "$(subject "$cert")" "$(fingerprint "$cert")" "$(not_after "$cert")")"
  check "hpcr-2026: ${role#*:}.crt beside the keys, 0644, the same certificate as $cert" \
    bash -c "[ \$(stat -c %a s26/etc/se-attest/${role#*:}.crt) = 644 ] &&
             cmp <(openssl x509 -in s26/etc/se-attest/${role#*:}.crt -outform DER) <(openssl x509 -in $cert -outform DER)"
done
check "hpcr-2026: seal printed reference.yaml" grep -q '^record_profile: hpcr-2026$' s26.log
check "hpcr-2026: no warning for certificates valid at the build time" bash -c "! grep -q warning s26.log"

# --- the default profile, the build time's sources --------------------------------------------
seal sdef "${CERTS[@]}" || die "seal default: $(cat sdef.log)"
check "default profile: hpcr-2026" test "$(yaml sdef/etc/se-attest/agent.yaml 'd["record_profile"]')" = hpcr-2026
check "default profile without --sbom: no root.sbom, no measurements.sbom" \
  bash -c "! grep -q sbom sdef/etc/se-attest/agent.yaml && ! grep -q sbom sdef/reference.yaml"
BUILT=$(date -u -d "$(yaml sdef/reference.yaml 'd["build_time"]')" +%s)
check "no --build-time, no SOURCE_DATE_EPOCH: the build time is seal's clock" \
  test $(($(date +%s) - BUILT)) -ge 0 -a $(($(date +%s) - BUILT)) -lt 600
SOURCE_DATE_EPOCH=1700000000 seal sde "${CERTS[@]}" || die "seal SOURCE_DATE_EPOCH: $(cat sde.log)"
check "SOURCE_DATE_EPOCH=1700000000: build_time 2023-11-14T22:13:20Z in agent.yaml and reference.yaml" \
  test "$(yaml sde/etc/se-attest/agent.yaml 'd["build_time"]') $(yaml sde/reference.yaml 'd["build_time"]')" = \
  "2023-11-14T22:13:20Z 2023-11-14T22:13:20Z"
SOURCE_DATE_EPOCH=1700000000 seal sdf "${CERTS[@]}" --build-time 2026-01-02T03:04:05Z || die "seal: $(cat sdf.log)"
check "--build-time wins over SOURCE_DATE_EPOCH" test "$(yaml sdf/reference.yaml 'd["build_time"]')" = 2026-01-02T03:04:05Z
SOURCE_DATE_EPOCH=1700000000 seal sde2 "${CERTS[@]}" || die "seal again: $(cat sde2.log)"
check "the same inputs and SOURCE_DATE_EPOCH seal the same files" \
  bash -c "diff -r sde/etc sde2/etc && cmp sde/reference.yaml sde2/reference.yaml"

# --- a certificate expired at the build time: sealed, with a warning ----------------------------
seal sexp "${CERTS[@]}" --build-time 9999-01-01T00:00:00Z
rc=$?
check "expired certificates: sealed all the same (exit 0)" test "$rc" = 0
check "expired certificates: a warning on stderr for each, with its notAfter" bash -c "
  grep -qx 'se-attest seal: warning: --attestation-cert keys/attestation.crt: expired on $(not_after keys/attestation.crt), before the build time 9999-01-01T00:00:00Z; its records will say so (sealed all the same)' sexp.log &&
  grep -q '^se-attest seal: warning: --contract-cert keys/contract.crt: expired on ' sexp.log"

# --- hpcr-2023 ------------------------------------------------------------------------------------
SOURCE_DATE_EPOCH=1700000000 seal s23 --record-profile hpcr-2023 || die "seal hpcr-2023: $(cat s23.log)"
check "hpcr-2023: agent.yaml and reference.yaml say record_profile: hpcr-2023" \
  test "$(yaml s23/etc/se-attest/agent.yaml 'd["record_profile"]') $(yaml s23/reference.yaml 'd["record_profile"]')" = \
  "hpcr-2023 hpcr-2023"
check "hpcr-2023: no build_time, certificates, sbom (SOURCE_DATE_EPOCH ignored)" \
  bash -c "! grep -qE 'build_time|_cert|certificates|sbom' s23/etc/se-attest/agent.yaml s23/reference.yaml"
check "hpcr-2023: no certificates beside the keys" \
  test "$(cd s23/etc/se-attest && echo *)" = "agent.yaml attestation.key contract.key"

# --- refusals: exit 2 (1 for a usage error), the message, nothing written -------------------------
# refused NAME CODE MESSAGE [ENV=VALUE...] -- OPTION...: seal into NAME fails with CODE, its
# output has MESSAGE, and NAME does not exist.
refused() {
  local name=$1 code=$2 message=$3 env=() kv
  shift 3
  while [ "$1" != -- ]; do env+=("$1"); shift; done
  shift
  (
    for kv in "${env[@]}"; do export "${kv?}"; done
    seal "$name" "$@"
  )
  local rc=$?
  if [ "$rc" = "$code" ] && grep -qF -- "$message" "$name.log" && [ ! -e "$name" ]; then return 0; fi
  echo "exit $rc (expected $code), output:"
  cat "$name.log"
  return 1
}
check "hpcr-2026 without certificates: refused, suggesting them or hpcr-2023" \
  refused r1 2 "needs --attestation-cert and --contract-cert" --
check "hpcr-2026 with one certificate: refused" \
  refused r2 2 "or seal with --record-profile hpcr-2023" -- --attestation-cert keys/attestation.crt
check "a certificate of another key: refused" \
  refused r3 2 "--attestation-cert other/attestation.crt, for --attestation-key keys/attestation.key: certifies another key" \
  -- --attestation-cert other/attestation.crt --contract-cert keys/contract.crt
check "the two certificates swapped: refused" \
  refused r4 2 "certifies another key" -- --attestation-cert keys/contract.crt --contract-cert keys/attestation.crt
check "hpcr-2023 with --sbom: refused" \
  refused r5 2 "--sbom: only with --record-profile hpcr-2026" -- --record-profile hpcr-2023 --sbom /boot/sbom.spdx.json
check "hpcr-2023 with certificates: refused" \
  refused r6 2 "--attestation-cert: only with --record-profile hpcr-2026" -- --record-profile hpcr-2023 "${CERTS[@]}"
check "hpcr-2023 with --build-time: refused" \
  refused r7 2 "--build-time: only with --record-profile hpcr-2026" -- --record-profile hpcr-2023 \
  --build-time 2026-07-01T12:00:00Z
check "an unknown profile: a usage error" \
  refused r8 1 "unknown record profile 'hpcr-2024'" -- --record-profile hpcr-2024 "${CERTS[@]}"
check "a malformed --build-time: refused" \
  refused r9 2 "--build-time: expected YYYY-MM-DDTHH:MM:SSZ" -- "${CERTS[@]}" --build-time 2026-07-01
check "a malformed SOURCE_DATE_EPOCH: refused, named" \
  refused r10 2 "SOURCE_DATE_EPOCH: expected decimal seconds" SOURCE_DATE_EPOCH=yesterday -- "${CERTS[@]}"
check "--sbom not in the root filesystem: refused" \
  refused r11 2 "--sbom: /boot/none.json in root.img: " -- "${CERTS[@]}" --sbom /boot/none.json
check "--sbom a symbolic link: refused" \
  refused r12 2 "--sbom: /boot/sbom-link.json in root.img: " -- "${CERTS[@]}" --sbom /boot/sbom-link.json
check "--sbom larger than the agent keeps (32 MiB): refused" \
  refused r13 2 "--sbom /boot/big-sbom.json in root.img: 34603008 bytes, more than the agent keeps (33554432)" \
  -- "${CERTS[@]}" --sbom /boot/big-sbom.json
check "--sbom relative: refused" refused r14 2 "--sbom: must be an absolute path" -- "${CERTS[@]}" --sbom boot/sbom.spdx.json
check "--sbom the tarball: refused" refused r15 2 "--sbom: the same file as --tarball" -- "${CERTS[@]}" --sbom /boot/root.tar.gz

# --- measure --contract ---------------------------------------------------------------------------
# A contract as its author makes it: workload and env as tokens for the contract certificate, an
# attestation key as PEM, envWorkloadSignature; the lines must be the sha256sum of each section's
# lines: "<key>: |" and the plaintext indented by four spaces (docs/formats.md).
printf 'type: workload\ncompose:\n  archive: H4sIAAAAAAAA/+yS\n' >workload.yaml
printf 'type: env\nlogging:\n  syslog:\n    hostname: logs.example.com\n' >env.yaml
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out signing.key 2>/dev/null || die "signing key"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out auditor.key 2>/dev/null || die "auditor key"
openssl pkey -in auditor.key -pubout -out auditor.pub || die "auditor.pub"
"$SE_ATTEST" contract --workload workload.yaml --env env.yaml --encrypt-for keys/contract.crt \
  --attestation-public-key auditor.pub --signing-key signing.key --out user-data >/dev/null 2>contract.err ||
  die "contract: $(cat contract.err)"
# exits CMD...: runs CMD, its exit code in rc.
exits() { "$@"; rc=$?; }
exits "$SE_ATTEST" measure --contract user-data --contract-key keys/contract.key >lines.txt 2>lines.err
check "measure --contract: exit 0, four lines" test "$rc $(wc -l <lines.txt)" = "0 4"
# section NAME PLAINTEXT_FILE: the sha256 of the section's lines.
section() { { printf '%s: |\n' "$1"; sed 's/^/    /' "$2"; } | sha256sum | cut -c1-64; }
check "measure --contract: contract:workload = sha256 of 'workload: |' and workload.yaml indented" \
  test "$(sed -n 1p lines.txt)" = "$(section workload workload.yaml) contract:workload"
# env got signingKey added before it was encrypted (contract --signing-key): its plaintext is the
# token's, decrypted with openssl's own commands.
ENV_TOKEN=$(yaml user-data 'd["env"]')
printf %s "$ENV_TOKEN" | cut -d. -f2 | base64 -d | openssl pkeyutl -decrypt -inkey keys/contract.key >env.pw || die "env password"
printf %s "$ENV_TOKEN" | cut -d. -f3 | base64 -d |
  openssl enc -d -aes-256-cbc -pbkdf2 -pass file:env.pw >env.plain || die "env plaintext"
check "measure --contract: contract:env = sha256 of 'env: |' and env's plaintext (openssl decrypted) indented" \
  test "$(sed -n 2p lines.txt)" = "$(section env env.plain) contract:env"
check "measure --contract: contract:envWorkloadSignature = sha256 of its line" \
  test "$(sed -n 3p lines.txt)" = \
  "$(grep '^envWorkloadSignature: ' user-data | sha256sum | cut -c1-64) contract:envWorkloadSignature"
check "measure --contract: contract:attestationPublicKey = sha256sum of the PEM given" \
  test "$(sed -n 4p lines.txt)" = "$(sha256sum auditor.pub | cut -c1-64) contract:attestationPublicKey"
# failed_with CODE OUT ERR TEXT: the command above exited CODE, wrote nothing to OUT, TEXT to ERR.
failed_with() { [ "$rc" = "$1" ] && [ ! -s "$2" ] && grep -qF -- "$4" "$3"; }
exits "$SE_ATTEST" measure --contract user-data >nokey.out 2>nokey.err
check "measure --contract without --contract-key: exit 2, naming the token section" \
  failed_with 2 nokey.out nokey.err "contract user-data: workload: a token section: give --contract-key"
exits "$SE_ATTEST" measure --contract user-data --contract-key other/contract.key >wrong.out 2>wrong.err
check "measure --contract with another key: exit 2, naming the section" \
  failed_with 2 wrong.out wrong.err "contract user-data: workload: token: cannot be decrypted"
# The signature's 20th character changed (never a no-op: A becomes B, anything else A).
python3 -c '
import re, sys
text = open("user-data").read()
m = re.search(r"^envWorkloadSignature: (\S+)$", text, re.M)
i = m.start(1) + 20
open("forged-signature", "w").write(text[:i] + ("B" if text[i] == "A" else "A") + text[i + 1:])' || die "forged signature"
exits "$SE_ATTEST" measure --contract forged-signature --contract-key keys/contract.key >forged.out 2>forged.err
check "measure --contract of a contract the agent refuses (forged signature): exit 2, no lines" \
  failed_with 2 forged.out forged.err "the agent refuses this contract"
"$SE_ATTEST" contract --workload workload.yaml --env env.yaml --out plain-user-data >/dev/null 2>&1 || die "plain contract"
exits "$SE_ATTEST" measure --contract plain-user-data >plain.txt 2>plain.err
check "measure --contract of a plain contract: no key needed, workload and env" \
  test "$rc $(cut -d' ' -f2 plain.txt | tr '\n' ' ')" = "0 contract:workload contract:env "
exits "$SE_ATTEST" measure --contract user-data user-data >usage.out 2>usage.err
check "measure --contract with a PATH too: a usage error" failed_with 1 usage.out usage.err "takes no PATH"
exits "$SE_ATTEST" measure --contract-key keys/contract.key user-data >usage2.out 2>usage2.err
check "measure --contract-key without --contract: a usage error" failed_with 1 usage2.out usage2.err "needs --contract"

finish
