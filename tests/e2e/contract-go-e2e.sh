#!/usr/bin/env bash
# Host end-to-end test of IBM's current tooling (issue 17): contract-go's own sample contract and
# key pair, and the two token prefixes (`hyper-protect-basic.` for HPVS/HPCR/CCCO,
# `contract-basic.` for CCRT/CCRV), on real loop block devices:
#
#   contract-go-e2e.sh SE_ATTEST SE_ATTEST_AGENT SHARED_DIR
#
# One root partition (a GPT disk), sealed twice with the same keys: with the default token prefix
# and with --token-prefix contract-basic. Then:
#   a. contract-go's attest_pub_key_contract.yaml, unchanged, as cidata/user-data (its
#      attestationPublicKey is base64 of contract-go's encrypt/public.pem): the record is a
#      hyper-protect-basic token that contract-go's encrypt/private.pem opens with the sources'
#      decrypt script unchanged, and `se-attest verify --key encrypt/private.pem` passes;
#   b. the same contract, the contract-basic seal: the record is a `contract-basic.` token that
#      IBM's decrypt-attestation.sh (it cuts fields 2 and 3) and `se-attest decrypt` decrypt, and
#      verify reports the prefix (check record-token-prefix); a record whose prefix was rewritten,
#      a third prefix, and a reference that names the other prefix all fail;
#   c. a contract made by `se-attest contract --token-prefix contract-basic` (workload, env and
#      attestationPublicKey contract-basic tokens, envWorkloadSignature over them): the agent reads
#      it, whatever prefix its own record has, and user-data.decrypted holds the plaintexts.
# Every record is checked line by line with independent tools (check_record: sha256sum, openssl,
# PyYAML). Needs root (loop devices); exit 77 (CTest: skipped) without.
set -uo pipefail

SE_ATTEST=$(realpath "$1")
AGENT=$(realpath "$2")
SHARED=$(realpath "$3")
CGO=$SHARED/interop/contract-go
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lib/images.sh
. "$HERE/../lib/images.sh"
# shellcheck source=../lib/e2e.sh
. "$HERE/../lib/e2e.sh"
e2e_start contract-go
T0=$(date +%s)

ROOT_PARTLABEL="se-root-$RUN_ID"  # unique: a leftover device of another run is never picked up
no_cidata_on_machine || die "cidata"

# --- keys, the root partition, two seals --------------------------------------------------------
"$SE_ATTEST" keygen keys >/dev/null 2>keygen.err || die "keygen: $(cat keygen.err)"
openssl x509 -pubkey -noout -in keys/attestation.crt >attestation.pub
mkdir -p tree/etc
echo "contract-go e2e $RUN_ID" >tree/etc/motd
make_root_partition tree root-part.img 8M || die "root partition"
make_gpt_disk disk.img root-part.img "$ROOT_PARTLABEL" || die "GPT disk"
attach_loop -P disk.img || die "losetup disk"
partition_of "$LOOP_DEV" >/dev/null || die "${LOOP_DEV}p1 did not appear"
BUILD_TIME=$(($(date +%s) - 3 * 86400))
# seal OUT [OPTION...]: the image sealed into OUT (record profile hpcr-2026, development).
seal() {
  local out=$1
  shift
  "$SE_ATTEST" seal --root root-part.img --root-device "PARTLABEL=$ROOT_PARTLABEL" --tarball /boot/root.tar.gz \
    --baseimage baseimage --image-version 1.0.0-cgo --commit-id "cgo-$RUN_ID" \
    --attestation-key keys/attestation.key --contract-key keys/contract.key \
    --attestation-cert keys/attestation.crt --contract-cert keys/contract.crt \
    --build-time "$(date -u -d "@$BUILD_TIME" +%Y-%m-%dT%H:%M:%SZ)" --development --out "$out" "$@" >"$out.log" 2>&1
}
head -c 100000 /dev/urandom >baseimage
seal sealed-hpb || die "seal: $(cat sealed-hpb.log)"
seal sealed-cb --token-prefix contract-basic || die "seal --token-prefix contract-basic: $(cat sealed-cb.log)"
# yaml FILE EXPR: EXPR (Python, over the document `d`, every scalar a string) printed.
yaml() { python3 -c 'import sys, yaml; d = yaml.load(open(sys.argv[1]), yaml.BaseLoader); print(eval(sys.argv[2]))' "$1" "$2"; }
check "seal (default): agent.yaml and reference.yaml say token_prefix: hyper-protect-basic" \
  test "$(yaml sealed-hpb/etc/se-attest/agent.yaml 'd.get("token_prefix")') $(yaml sealed-hpb/reference.yaml 'd.get("token_prefix")')" = \
  "hyper-protect-basic hyper-protect-basic"
check "seal --token-prefix contract-basic: agent.yaml and reference.yaml say so" \
  test "$(yaml sealed-cb/etc/se-attest/agent.yaml 'd["token_prefix"]') $(yaml sealed-cb/reference.yaml 'd["token_prefix"]')" = \
  "contract-basic contract-basic"
check "the two seals differ in token_prefix only" \
  bash -c "diff <(grep -v '^token_prefix:' sealed-hpb/etc/se-attest/agent.yaml) <(grep -v '^token_prefix:' sealed-cb/etc/se-attest/agent.yaml) &&
           diff <(grep -v '^token_prefix:' sealed-hpb/reference.yaml) <(grep -v '^token_prefix:' sealed-cb/reference.yaml)"
seal sealed-bad --token-prefix hyper-protect-flex
check "seal --token-prefix hyper-protect-flex: a usage error (exit 1), nothing written" \
  bash -c "[ $? = 1 ] && grep -q 'token-prefix' sealed-bad.log && [ ! -e sealed-bad ]"

# --- what check_record checks every record against -----------------------------------------------
write_lpar_sysinfo sysinfo
EXPECT_VERSION=1.0.0-cgo
EXPECT_COMMIT="cgo-$RUN_ID"
EXPECT_MACHINE=3932/02/860A8
BASEIMAGE_FILE=baseimage
TARBALL_FILE=root-part.img.rootfs/boot/root.tar.gz
ATTESTATION_PUB=attestation.pub
EXPECT_DEVELOPMENT=1
EXPECT_PROFILE=hpcr-2026
ENCRYPTION_CERT=keys/contract.crt
ATTESTATION_CERT=keys/attestation.crt
SBOM_FILE=-
AUDIT=(--cert keys/attestation.crt --chain keys/intermediate-ca.crt --ca keys/root-ca.crt --contract-cert keys/contract.crt
       --machine "$EXPECT_MACHINE" --allow-development)

# make_cidata NAME USER_DATA_FILE: cloud-init files (USER_DATA_FILE as user-data) in NAME.d, on
# an ext4 labelled cidata in NAME.img, attached (CIDATA).
make_cidata() {
  rm -rf "$1.d" && mkdir "$1.d" &&
    printf 'instance-id: cgo-%s\nlocal-hostname: se-attest-cgo\n' "$RUN_ID" >"$1.d/meta-data" &&
    cp "$2" "$1.d/user-data" &&
    make_cidata_ext4 "$1.img" cidata "$1.d" &&
    attach_loop "$1.img" && CIDATA=$LOOP_DEV
}
run_agent() {  # run_agent OUT SEALED -> exit code in rc, stderr in OUT.err; AGE_FROM, AGE_TO
  rm -rf "$1" && mkdir -p "$1"
  AGE_FROM=$(date +%s)
  "$AGENT" --config "$2/etc/se-attest/agent.yaml" --output "$1" --sysinfo sysinfo 2>"$1.err"
  rc=$?
  AGE_TO=$(date +%s)
  [ "$rc" = 0 ] || sed 's/^/#   /' "$1.err"
}
# prefix_of FILE: the token's prefix (what comes before its first dot).
prefix_of() { cut -d. -f1 "$1"; }
# sources_decrypt KEY ENC DIR: the sources' decrypt script (unchanged) run in DIR; it writes
# DIR/se-checksums.txt.
sources_decrypt_script "$SHARED" sources-decrypt.sh || die "the decrypt script of the sources"
sources_decrypt() { mkdir -p "$3" && (cd "$3" && bash "$WORK/sources-decrypt.sh" "$1" "$2") >"$3.log" 2>&1; }
# prefix_check JSON STATUS PREFIX: the report's check record-token-prefix has STATUS, and PREFIX
# is what it found in the record.
prefix_check() {
  python3 - "$@" <<'PY'
import json, sys
checks = {c["id"]: c for c in json.load(open(sys.argv[1]))["checks"]}
c = checks.get("record-token-prefix")
print(c)
sys.exit(0 if c and c["status"] == sys.argv[2] and c.get("actual") == sys.argv[3] else 1)
PY
}
# run_verify OUT NAME [OPTION...]: verify OUT with AUDIT and OPTIONs, the text report into
# NAME.txt and the JSON one into NAME.json; their exit codes in vrc and jrc.
run_verify() {
  local out=$1 name=$2
  shift 2
  "$SE_ATTEST" verify "$out" "${AUDIT[@]}" "$@" >"$name.txt" 2>&1
  vrc=$?
  "$SE_ATTEST" verify "$out" "${AUDIT[@]}" "$@" --json >"$name.json" 2>"$name.json.err"
  jrc=$?
}
# verified NAME PREFIX: that run_verify said VERIFIED, exit 0 (text and JSON), and its check
# record-token-prefix passed, naming PREFIX.
verified() {
  echo "exit $vrc, --json exit $jrc"
  tail -n1 "$1.txt"
  [ "$vrc" = 0 ] && [ "$jrc" = 0 ] && grep -q '^verdict: VERIFIED' "$1.txt" && prefix_check "$1.json" pass "$2"
}
# failed NAME ID [PREFIX]: that run_verify said FAILED, exit 1 (text and JSON), check ID (a|b: one
# of them) among the failed; with PREFIX, record-token-prefix failed, having found PREFIX.
failed() {
  echo "exit $vrc, --json exit $jrc"
  tail -n1 "$1.txt"
  grep -E '^(FAIL|ERROR) ' "$1.txt"
  [ "$vrc" = 1 ] && grep -q '^verdict: FAILED' "$1.txt" && verify_json_failed "$1.json" "$2" "$jrc" &&
    { [ -z "${3:-}" ] || prefix_check "$1.json" fail "$3"; }
}

# --- a. contract-go's attest_pub_key_contract.yaml, the default seal ------------------------------
make_cidata cidata-cgo "$CGO/attest_pub_key_contract.yaml" || die "cidata"
check "a: cidata/user-data is contract-go's attest_pub_key_contract.yaml, byte for byte" \
  cmp "$CGO/attest_pub_key_contract.yaml" cidata-cgo.d/user-data
run_agent out-a sealed-hpb
check "a: agent exits 0" test "$rc" = 0
check "a: only se-checksums.txt.enc, no plaintext record" test -s out-a/se-checksums.txt.enc -a ! -e out-a/se-checksums.txt
check "a: the record is a hyper-protect-basic token" test "$(prefix_of out-a/se-checksums.txt.enc)" = hyper-protect-basic
sources_decrypt "$CGO/encrypt/private.pem" "$WORK/out-a/se-checksums.txt.enc" dec-a
check "a: the sources' decrypt script, unchanged, opens it with contract-go's encrypt/private.pem" test -s dec-a/se-checksums.txt
check "a: se-attest decrypt --key encrypt/private.pem: the same plaintext" \
  cmp dec-a/se-checksums.txt <("$SE_ATTEST" decrypt --key "$CGO/encrypt/private.pem" out-a/se-checksums.txt.enc)
EXPECT_DECRYPTED='archive: kdsbfoijdfojsnbo'
check_record a dec-a/se-checksums.txt out-a cidata-cgo.img cidata-cgo.d "$CGO/encrypt/public.pem"
run_verify out-a verify-a --reference sealed-hpb/reference.yaml --key "$CGO/encrypt/private.pem" \
  --attestation-public-key "$CGO/encrypt/public.pem" --contract "$CGO/attest_pub_key_contract.yaml"
check "a: se-attest verify --key encrypt/private.pem --reference: VERIFIED, exit 0, record-token-prefix passes (hyper-protect-basic)" \
  verified verify-a hyper-protect-basic

# --- b. the same contract, the image sealed with --token-prefix contract-basic ---------------------
run_agent out-b sealed-cb
check "b: agent exits 0" test "$rc" = 0
check "b: only se-checksums.txt.enc, no plaintext record" test -s out-b/se-checksums.txt.enc -a ! -e out-b/se-checksums.txt
check "b: the record starts with 'contract-basic.'" test "$(head -c 15 out-b/se-checksums.txt.enc)" = contract-basic.
check "b: the record is three dot-separated fields (prefix, RSA part, AES part), one line, no newline" \
  bash -c "[ \$(tr -cd . <out-b/se-checksums.txt.enc | wc -c) = 2 ] && [ \$(wc -l <out-b/se-checksums.txt.enc) = 0 ]"
bash "$SHARED/interop/hpcr-23.3.0/decrypt-attestation.sh" "$CGO/encrypt/private.pem" out-b/se-checksums.txt.enc \
  >dec-b-ibm.txt 2>dec-b-ibm.err
check "b: IBM's decrypt-attestation.sh, unchanged, decrypts it" bash -c "[ $? = 0 ] && [ -s dec-b-ibm.txt ]"
check "b: se-attest decrypt decrypts it to the same bytes" \
  cmp dec-b-ibm.txt <("$SE_ATTEST" decrypt --key "$CGO/encrypt/private.pem" out-b/se-checksums.txt.enc)
sources_decrypt "$CGO/encrypt/private.pem" "$WORK/out-b/se-checksums.txt.enc" dec-b
check "b: the sources' decrypt script too (it also cuts fields 2 and 3)" cmp dec-b-ibm.txt dec-b/se-checksums.txt
check_record b dec-b-ibm.txt out-b cidata-cgo.img cidata-cgo.d "$CGO/encrypt/public.pem"
check "b: the same record as a's but for the image age (the prefix is not in the signed plaintext)" \
  bash -c "diff <(grep -v '^Image age:' dec-a/se-checksums.txt) <(grep -v '^Image age:' dec-b-ibm.txt)"
KEY_B=(--key "$CGO/encrypt/private.pem" --attestation-public-key "$CGO/encrypt/public.pem")
run_verify out-b verify-b --reference sealed-cb/reference.yaml "${KEY_B[@]}" --contract "$CGO/attest_pub_key_contract.yaml"
check "b: se-attest verify --reference (contract-basic): VERIFIED, exit 0, record-token-prefix passes naming contract-basic" \
  verified verify-b contract-basic
check "b: verify's text report names the prefix too" grep -q 'contract-basic' verify-b.txt
# Forgeries. forge OUT FROM PREFIX: a copy of the folder FROM whose record has PREFIX instead.
forge() {
  rm -rf "$1" && cp -a "$2" "$1" && chmod u+w "$1/se-checksums.txt.enc" &&
    printf '%s.%s' "$3" "$(cut -d. -f2- "$2/se-checksums.txt.enc")" >"$1/se-checksums.txt.enc"
}
forge out-b-hpb out-b hyper-protect-basic || die "forge"
check "b forged: the record's prefix rewritten to hyper-protect-basic. still decrypts (the prefix is unsigned)" \
  cmp dec-b-ibm.txt <("$SE_ATTEST" decrypt --key "$CGO/encrypt/private.pem" out-b-hpb/se-checksums.txt.enc)
run_verify out-b-hpb verify-b-hpb --reference sealed-cb/reference.yaml "${KEY_B[@]}"
check "b forged: prefix rewritten to hyper-protect-basic. against the contract-basic reference: FAIL, exit 1, record-token-prefix" \
  failed verify-b-hpb record-token-prefix hyper-protect-basic
forge out-b-flex out-b hyper-protect-flex || die "forge"
"$SE_ATTEST" decrypt --key "$CGO/encrypt/private.pem" out-b-flex/se-checksums.txt.enc >dec-flex.out 2>dec-flex.err
check "b forged: a third prefix (hyper-protect-flex.): se-attest decrypt refuses it (exit 2), nothing written" \
  bash -c "[ $? = 2 ] && [ ! -s dec-flex.out ] && grep -q \"does not start with 'hyper-protect-basic.' or 'contract-basic.'\" dec-flex.err"
run_verify out-b-flex verify-b-flex --reference sealed-cb/reference.yaml "${KEY_B[@]}"
check "b forged: a third prefix (hyper-protect-flex.): verify FAILs, exit 1: the record holds no token" \
  failed verify-b-flex 'record|record-token-prefix'
# The default seal's reference with token_prefix: contract-basic, against a's (hyper-protect-basic) record.
sed 's/^token_prefix: .*/token_prefix: contract-basic/' sealed-hpb/reference.yaml >reference-edited.yaml
grep -q '^token_prefix: contract-basic$' reference-edited.yaml || echo 'token_prefix: contract-basic' >>reference-edited.yaml
run_verify out-a verify-a-edited --reference reference-edited.yaml --key "$CGO/encrypt/private.pem"
check "b forged: the hyper-protect-basic record against a reference edited to token_prefix: contract-basic: FAIL, exit 1" \
  failed verify-a-edited record-token-prefix hyper-protect-basic
detach_loop "$CIDATA"

# --- c. a contract of contract-basic tokens, by se-attest contract ------------------------------
printf 'type: workload\ncompose:\n  archive: H4sIAAAAAAAAcgo=\n' >workload.yaml
printf 'type: env\nlogging: {}\n' >env.yaml
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out signing.key 2>/dev/null || die "signing key"
"$SE_ATTEST" contract --token-prefix contract-basic --encrypt-for keys/contract.crt --workload workload.yaml \
  --env env.yaml --signing-key signing.key --attestation-public-key "$CGO/encrypt/public.pem" --attestation-key-form token \
  --out contract-cb.yaml >contract-cb.log 2>&1 || die "contract --token-prefix contract-basic: $(cat contract-cb.log)"
check "c: workload, env and attestationPublicKey are contract-basic tokens" \
  test "$(yaml contract-cb.yaml '[d[k].split(".")[0] for k in ("workload", "env", "attestationPublicKey")]')" = \
  "['contract-basic', 'contract-basic', 'contract-basic']"
# The env's plaintext (contract --signing-key added signingKey to it) with openssl alone.
token_plaintext() {  # token_plaintext KEY TOKEN: fields 2 and 3 decrypted, whatever the prefix
  local pw
  pw=$(printf %s "$2" | cut -d. -f2 | base64 -d | openssl pkeyutl -decrypt -inkey "$1") || return 1
  printf %s "$pw" | openssl enc -d -aes-256-cbc -pbkdf2 -pass stdin -in <(printf %s "$2" | cut -d. -f3 | base64 -d)
}
token_plaintext keys/contract.key "$(yaml contract-cb.yaml 'd["env"]')" >env.plain || die "env's plaintext"
make_cidata cidata-cb contract-cb.yaml || die "cidata"
for seal_dir in sealed-hpb sealed-cb; do
  p=$(yaml "$seal_dir/etc/se-attest/agent.yaml" 'd["token_prefix"]')
  out=out-c-$p
  run_agent "$out" "$seal_dir"
  check "c ($p seal): the agent reads the contract-basic contract (signature, tokens), exit 0" test "$rc" = 0
  check "c ($p seal): the record is a $p token: agent.yaml's prefix, not the contract's" \
    test "$(prefix_of "$out/se-checksums.txt.enc")" = "$p"
  "$SE_ATTEST" decrypt --key "$CGO/encrypt/private.pem" "$out/se-checksums.txt.enc" >"$out.rec" 2>"$out.rec.err"
  check "c ($p seal): se-attest decrypt opens it with encrypt/private.pem (the attestationPublicKey token's key)" test -s "$out.rec"
  EXPECT_DECRYPTED='archive: H4sIAAAAAAAAcgo='
  check_record "c-$p" "$out.rec" "$out" cidata-cb.img cidata-cb.d "$CGO/encrypt/public.pem"
  check "c ($p seal): the record's cidata/user-data line is the sha256sum of the contract-basic contract" \
    grep -qx "$(sha256sum contract-cb.yaml | cut -c1-64) cidata/user-data" "$out.rec"
  check "c ($p seal): user-data.decrypted: workload and env are the plaintexts (openssl), attestationPublicKey the PEM, no token left" \
    python3 - "$out/user-data.decrypted" workload.yaml env.plain "$CGO/encrypt/public.pem" <<'PY'
import sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
assert d["workload"] == open(sys.argv[2]).read(), d["workload"]
assert d["env"] == open(sys.argv[3]).read(), d["env"]
assert d["attestationPublicKey"].strip() == open(sys.argv[4]).read().strip(), d["attestationPublicKey"]
assert "-basic." not in open(sys.argv[1]).read()
print("plaintexts")
PY
  run_verify "$out" "verify-c-$p" --reference "$seal_dir/reference.yaml" --key "$CGO/encrypt/private.pem" \
    --attestation-public-key "$CGO/encrypt/public.pem" --contract contract-cb.yaml --expect-cidata cidata-cb.d
  check "c ($p seal): se-attest verify --contract (contract-basic sections): VERIFIED, exit 0, record-token-prefix $p" \
    verified "verify-c-$p" "$p"
done
detach_loop "$CIDATA"

echo "# contract-go-e2e: $(($(date +%s) - T0)) s"
finish
