#!/usr/bin/env bash
# Host end-to-end test of the builder's path and the agent on real loop block devices.
#
#   host-e2e.sh SE_ATTEST SE_ATTEST_AGENT SHARED_DIR
#
# As root: builds a GPT disk whose root partition is an ext4 (mkfs.ext4 -d) holding
# boot/root.tar.gz, and an ext4 cidata device (this host's kernel mounts no ISO9660 or vfat;
# those are booted under QEMU), attaches them with losetup, runs keygen, seal and the agent, and
# checks every result with independent tools only: openssl, sha256sum, the decrypt script of the
# sources (spec/sources/004_...txt) and IBM's decrypt-attestation.sh, both unchanged.
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

# --- the root partition: GPT disk, partition 1 = ext4 holding boot/root.tar.gz --------------
mkdir -p tree/etc tree/bin
echo "se-attest e2e root $RUN_ID" >tree/etc/motd
head -c 300000 /dev/urandom >tree/bin/payload
head -c 5000000 /dev/urandom >baseimage.qcow2
make_root_partition tree root-part.img 16M || die "root partition"
ROOT_SECTORS=$(($(stat -c %s root-part.img) / 512))
make_gpt_disk disk.img root-part.img "$ROOT_PARTLABEL" || die "GPT disk"
attach_loop -P disk.img || die "losetup disk"
DISK=$LOOP_DEV
ROOT_DEV=$(partition_of "$DISK") || die "${DISK}p1 did not appear"

# --- seal -----------------------------------------------------------------------------------
"$SE_ATTEST" seal --root root-part.img --root-device "PARTLABEL=$ROOT_PARTLABEL" \
  --tarball /boot/root.tar.gz --baseimage baseimage.qcow2 --image-version 1.0.0-e2e \
  --commit-id "e2e-$RUN_ID" --attestation-key keys/attestation.key --contract-key keys/contract.key \
  --development --out sealed >seal.log 2>&1 || die "seal: $(cat seal.log)"
CONFIG=sealed/etc/se-attest/agent.yaml
check "seal: keys in the initrd folder are 0600" \
  test "$(stat -c %a sealed/etc/se-attest/attestation.key sealed/etc/se-attest/contract.key | sort -u)" = 600
check "seal: reference.yaml has root.tar.gz's sha256sum" \
  grep -q "root.tar.gz: $(sha256sum root-part.img.rootfs/boot/root.tar.gz | cut -c1-64)" sealed/reference.yaml
check "seal: agent.yaml has the root partition's sha256sum" \
  grep -q "sha256: $(sha256sum root-part.img | cut -c1-64)" "$CONFIG"
check "seal --development: reference.yaml says image_kind: development" grep -qx 'image_kind: development' sealed/reference.yaml
check "seal without --contract-signing-key: reference.yaml has contract_signing_keys_sha256: [], agent.yaml none" \
  bash -c "grep -qx 'contract_signing_keys_sha256: \[\]' sealed/reference.yaml && ! grep -q contract_signing_keys $CONFIG"

check "measure: the root partition device = sha256sum" \
  test "$("$SE_ATTEST" measure "$ROOT_DEV")" = "$(sha256sum root-part.img | cut -c1-64) $ROOT_DEV"
"$SE_ATTEST" seal --root "$ROOT_DEV" --root-device "PARTLABEL=$ROOT_PARTLABEL" \
  --tarball /boot/root.tar.gz --baseimage baseimage.qcow2 --image-version 1.0.0-e2e \
  --commit-id "e2e-$RUN_ID" --attestation-key keys/attestation.key --contract-key keys/contract.key \
  --development --out sealed-dev >seal-dev.log 2>&1
check "seal from the block device: the same configuration as from the image file" \
  cmp sealed/etc/se-attest/agent.yaml sealed-dev/etc/se-attest/agent.yaml
"$SE_ATTEST" seal --root root-part.img --root-device "PARTLABEL=$ROOT_PARTLABEL" \
  --tarball /boot/missing.tar.gz --baseimage baseimage.qcow2 --image-version 1 --commit-id 1 \
  --attestation-key keys/attestation.key --contract-key keys/contract.key --out sealed-bad >seal-bad.log 2>&1
check "seal: a tarball missing from the filesystem fails, naming it, writing nothing" \
  bash -c "[ $? = 2 ] && grep -q /boot/missing.tar.gz seal-bad.log && [ ! -e sealed-bad ]"
"$SE_ATTEST" seal --root root-part.img --root-device "PARTLABEL=$ROOT_PARTLABEL" \
  --tarball /boot/root.tar.gz --baseimage baseimage.qcow2 --image-version 1 --commit-id 1 \
  --attestation-key keys/contract.crt --contract-key keys/contract.key --out sealed-bad >seal-bad.log 2>&1
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

run_agent() {  # run_agent OUT [CONFIG] -> exit code in $rc, stderr in agent.err
  rm -rf "$1"
  mkdir -p "$1"
  "$AGENT" --config "${2:-$CONFIG}" --output "$1" --sysinfo sysinfo 2>agent.err
  rc=$?
}


# 1. Contract without attestationPublicKey: plain record.
contract_yaml keys/contract.crt >contract-plain.yaml
make_cidata cidata1 cidata contract-plain.yaml || die "mkfs cidata"
attach_loop cidata1.img || die "losetup cidata"
CIDATA=$LOOP_DEV
run_agent out1
check "plain: agent exits 0" test "$rc" = 0
[ "$rc" = 0 ] || sed 's/^/#   /' agent.err
check "plain: no .enc, no attestationPublicKey" test ! -e out1/se-checksums.txt.enc -a ! -e out1/attestationPublicKey
check_record plain out1/se-checksums.txt out1 cidata1.img cidata1.d -
check "plain: the measured devices are unmounted again" bash -c "! grep -qE '$DISK|$CIDATA' /proc/mounts"
# Sealed for production (no --development): this host is no Secure Execution guest, so the agent
# refuses to run, says why, and writes nothing.
wait "$KEYGEN_PROD" || die "keygen keys-prod: $(cat keygen-prod.log)"
"$SE_ATTEST" seal --root root-part.img --root-device "PARTLABEL=$ROOT_PARTLABEL" \
  --tarball /boot/root.tar.gz --baseimage baseimage.qcow2 --image-version 1.0.0-e2e \
  --commit-id "e2e-$RUN_ID" --attestation-key keys-prod/attestation.key --contract-key keys-prod/contract.key \
  --out sealed-prod >seal-prod.log 2>&1 || die "seal: $(cat seal-prod.log)"
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
       --allow-development)
"$SE_ATTEST" verify out1 "${AUDIT[@]}" --contract contract-plain.yaml --machine 3932/02/860A8 >verify1.txt 2>&1
check "plain: se-attest verify: verified, exit 0" bash -c "[ $? = 0 ] && grep -q '^verdict: VERIFIED' verify1.txt"
[ "$(tail -n1 verify1.txt | cut -c1-17)" = "verdict: VERIFIED" ] || sed 's/^/#   /' verify1.txt
"$SE_ATTEST" verify out1 "${AUDIT[@]}" --json >verify1.json
check "plain: se-attest verify --json matches docs/verify-report.schema.json" valid_report_json verify1.json
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
  --contract-signing-key signing.pub --development --out sealed-pinned >seal-pinned.log 2>&1 ||
  die "seal --contract-signing-key: $(cat seal-pinned.log)"
PINNED=sealed-pinned/etc/se-attest/agent.yaml
SIGNING_SHA=$(fingerprint signing.pub)
check "seal --contract-signing-key: agent.yaml and reference.yaml list the key's fingerprint (openssl's)" \
  bash -c "grep -Pzq 'contract_signing_keys_sha256:\n  - $SIGNING_SHA\n' $PINNED &&
           grep -Pzq 'contract_signing_keys_sha256:\n  - $SIGNING_SHA\n' sealed-pinned/reference.yaml"
"$SE_ATTEST" seal --root root-part.img --root-device "PARTLABEL=$ROOT_PARTLABEL" \
  --tarball /boot/root.tar.gz --baseimage baseimage.qcow2 --image-version 1 --commit-id 1 \
  --attestation-key keys/attestation.key --contract-key keys/contract.key \
  --contract-signing-key signing.key --development --out sealed-bad >seal-bad.log 2>&1
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
  --output-dir record --tarball-copy "$WORK/kept/root.tar.gz" --development --out sealed-paths >seal-paths.log 2>&1 ||
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

# 7. One flipped byte in the root partition: integrity failure, exit 2, empty output folder.
attach_loop cidata1.img || die "losetup cidata"
CIDATA=$LOOP_DEV
run_agent out7
check "before tampering: exit 0" test "$rc" = 0
OFFSET=$(((2048 + ROOT_SECTORS / 2) * 512 + 17))
orig=$(dd if="$ROOT_DEV" bs=1 skip=$(((ROOT_SECTORS / 2) * 512 + 17)) count=1 status=none | od -An -tu1 | tr -d ' ')
printf "$(printf '\\%03o' $(((orig + 1) % 256)))" | dd of="$ROOT_DEV" bs=1 seek=$(((ROOT_SECTORS / 2) * 512 + 17)) conv=notrunc status=none
sync
echo 3 >/proc/sys/vm/drop_caches 2>/dev/null
run_agent out7
check "flipped byte at $OFFSET: exit 2" test "$rc" = 2
check "flipped byte: empty output folder (the older record is gone too)" test -z "$(ls -A out7)"
check "flipped byte: the error names the partition and both digests" \
  bash -c "grep -q '$ROOT_DEV' agent.err && grep -q '$(sha256sum root-part.img | cut -c1-64)' agent.err && grep -q \"\$(sha256sum '$ROOT_DEV' | cut -c1-64)\" agent.err"

finish
