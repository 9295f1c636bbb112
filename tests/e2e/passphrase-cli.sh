#!/usr/bin/env bash
# Passphrase-protected private keys on the command line (issue 17), and contract-go's samples
# through se-attest decrypt:
#
#   passphrase-cli.sh SE_ATTEST SHARED_DIR
#
# Keys made here with openssl (RSA, encrypted PKCS#8 and traditional encrypted PEM) under a
# passphrase made for this run: every --passin form (pass:, env:, file:, fd:, stdin) on decrypt,
# verify --key, contract --signing-key and measure --contract-key; a wrong and a missing
# passphrase (exit 2 and their own message, never "not a PEM private key"; "passphrase
# required" with stdin not a terminal, so nothing can hang); the prompt on a pseudo-terminal
# (tests/e2e/passphrase-pty.py: echo off while typing, restored after, also after Ctrl-C); and
# the passphrase in no output of any run (grep). contract-go's decrypt/encrypt_encrypted.txt is
# checked against `openssl pkeyutl -decrypt -passin`. As root with loop devices, seal too: two
# encrypted keys under one --passin and under the prompt (one prompt per key, naming it), the
# keys written decrypted 0600 with a note each; without root that part is skipped (the rest
# needs no privileges).
set -uo pipefail

SE_ATTEST=$(realpath "$1")
SHARED=$(realpath "$2")
HERE=$(cd "$(dirname "$0")" && pwd)
PTY=$HERE/passphrase-pty.py
CG=$SHARED/interop/contract-go
WORK=$(mktemp -d /tmp/se-attest-passphrase.XXXXXX)
# shellcheck disable=SC2034 # used by checks.sh
CHECK_TMP=$WORK
# shellcheck source=../lib/checks.sh
. "$HERE/../lib/checks.sh"
# shellcheck source=../lib/images.sh
. "$HERE/../lib/images.sh"
trap 'detach_all_loops; rm -rf "$WORK"' EXIT
cd "$WORK" || exit 1
mkdir logs

# A passphrase of this run only, so that finding it in an output means it leaked.
PW="pw-$(openssl rand -hex 8)-x"
export PW
printf '%s\n' "$PW" >pw.txt

# run NAME CMD...: CMD with stdin not a terminal (unless redirected by the caller), its stdout in
# logs/NAME.out, stderr in logs/NAME.err; the exit status in $rc.
run() {
  local name=$1
  shift
  "$@" >"logs/$name.out" 2>"logs/$name.err"
  rc=$?
}
# expect NAME RC [STDERR_TEXT]: the last run exited RC and its stderr holds STDERR_TEXT.
expect() {
  local name=$1 want=$2 text=${3:-}
  if [ "$rc" != "$want" ]; then
    not_ok "$name: exit $rc, expected $want"
    sed 's/^/#   /' "logs/$name.err"
  elif [ -n "$text" ] && ! grep -qF -- "$text" "logs/$name.err"; then
    not_ok "$name: stderr lacks '$text'"
    sed 's/^/#   /' "logs/$name.err"
  else
    ok "$name"
  fi
}

# --- keys and a token ---------------------------------------------------------------------------
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out plain.key 2>/dev/null || die "genpkey"
openssl pkey -in plain.key -pubout -out plain.pub || die "pubout"
openssl pkey -in plain.key -aes256 -passout env:PW -out pkcs8.key || die "pkcs8"
openssl rsa -in plain.key -traditional -aes256 -passout env:PW -out traditional.key 2>/dev/null || die "traditional"
check "pkcs8.key is encrypted PKCS#8" grep -q -- "-----BEGIN ENCRYPTED PRIVATE KEY-----" pkcs8.key
check "traditional.key is traditional encrypted PEM" grep -q "Proc-Type: 4,ENCRYPTED" traditional.key
printf 'secret message %s\n' "$RANDOM" >message.txt
"$SE_ATTEST" encrypt --to plain.pub message.txt >token.txt </dev/null 2>/dev/null || die "encrypt"

# --- decrypt: every --passin form, both key forms -------------------------------------------------
for key in pkcs8 traditional; do
  run "decrypt-$key-pass" "$SE_ATTEST" decrypt --key $key.key --passin "pass:$PW" token.txt </dev/null
  expect "decrypt-$key-pass" 0
  check "decrypt $key pass: plaintext" cmp -s "logs/decrypt-$key-pass.out" message.txt
  run "decrypt-$key-env" "$SE_ATTEST" decrypt --key $key.key --passin env:PW token.txt </dev/null
  expect "decrypt-$key-env" 0
  check "decrypt $key env: plaintext" cmp -s "logs/decrypt-$key-env.out" message.txt
  run "decrypt-$key-file" "$SE_ATTEST" decrypt --key $key.key --passin file:pw.txt token.txt </dev/null
  expect "decrypt-$key-file" 0
  check "decrypt $key file: plaintext" cmp -s "logs/decrypt-$key-file.out" message.txt
  run "decrypt-$key-fd" "$SE_ATTEST" decrypt --key $key.key --passin fd:3 token.txt 3<pw.txt </dev/null
  expect "decrypt-$key-fd" 0
  check "decrypt $key fd: plaintext" cmp -s "logs/decrypt-$key-fd.out" message.txt
  run "decrypt-$key-stdin" "$SE_ATTEST" decrypt --key $key.key --passin stdin token.txt <pw.txt
  expect "decrypt-$key-stdin" 0
  check "decrypt $key stdin: plaintext" cmp -s "logs/decrypt-$key-stdin.out" message.txt
  # Wrong and missing passphrases: exit 2, their own message.
  run "decrypt-$key-wrong" "$SE_ATTEST" decrypt --key $key.key --passin "pass:${PW}y" token.txt </dev/null
  expect "decrypt-$key-wrong" 2 "se-attest: decrypt: $key.key: wrong passphrase"
  run "decrypt-$key-missing" "$SE_ATTEST" decrypt --key $key.key token.txt </dev/null
  expect "decrypt-$key-missing" 2 "se-attest: decrypt: $key.key: passphrase required (an encrypted private key; give --passin)"
done
run decrypt-env-unset env -u PW "$SE_ATTEST" decrypt --key pkcs8.key --passin env:PW token.txt </dev/null
expect decrypt-env-unset 2 "pkcs8.key: --passin env:PW: the variable is not set"
run decrypt-file-missing "$SE_ATTEST" decrypt --key pkcs8.key --passin file:nowhere token.txt </dev/null
expect decrypt-file-missing 2 "pkcs8.key: --passin file:nowhere: No such file or directory"
# An unencrypted key never reads the passphrase (the variable is not even set).
run decrypt-plain-passin env -u PW "$SE_ATTEST" decrypt --key plain.key --passin env:PW token.txt </dev/null
expect decrypt-plain-passin 0
# Usage errors: exit 1.
run decrypt-stdin-twice "$SE_ATTEST" decrypt --key pkcs8.key --passin stdin <token.txt
expect decrypt-stdin-twice 1 "--passin stdin and the input both read stdin: give FILE"
run decrypt-bad-form "$SE_ATTEST" decrypt --key pkcs8.key --passin "password:$PW" token.txt </dev/null
expect decrypt-bad-form 1 "--passin: expected pass:TEXT, env:VAR, file:PATH, fd:N or stdin"

# --- verify --key, contract --signing-key, measure --contract-key --------------------------------
# An empty folder fails its record check (exit 1, which a FAIL takes over a bad input); the key's
# passphrase is its own input error (ERROR input --key) all the same. A malformed --passin is a
# usage error: exit 2, verify's code for bad input.
mkdir -p folder
run verify-wrong "$SE_ATTEST" verify folder --key pkcs8.key --passin "pass:${PW}y" </dev/null
check "verify: wrong passphrase is the key's input error" grep -qE "^ERROR +- +input --key: pkcs8.key: wrong passphrase$" logs/verify-wrong.out
run verify-missing "$SE_ATTEST" verify folder --key traditional.key </dev/null
check "verify: passphrase required is the key's input error" \
  grep -qE "^ERROR +- +input --key: traditional.key: passphrase required \(an encrypted private key; give --passin\)$" logs/verify-missing.out
run verify-right "$SE_ATTEST" verify folder --key traditional.key --passin env:PW </dev/null
check "verify: the right passphrase is no input error" bash -c '! grep -q "input --key" logs/verify-right.out'
run verify-bad-form "$SE_ATTEST" verify folder --key traditional.key --passin "$PW" </dev/null
expect verify-bad-form 2 "se-attest verify: --passin: expected pass:TEXT, env:VAR, file:PATH, fd:N or stdin"
run verify-passin-alone "$SE_ATTEST" verify folder --passin env:PW </dev/null
expect verify-passin-alone 2 "se-attest verify: --passin needs --key"
printf 'type: workload\ncompose:\n  archive: H4sIAAAAAAAA/+yS\n' >workload.yaml
printf 'type: env\nlogging: {}\n' >env.yaml
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:4096 -out contract.key 2>/dev/null || die "genpkey 4096"
openssl pkey -in contract.key -pubout -out contract.pub || die "contract.pub"
openssl pkey -in contract.key -aes256 -passout env:PW -out contract.enc.key || die "contract.enc.key"
run contract-signed "$SE_ATTEST" contract --workload workload.yaml --env env.yaml --encrypt-for contract.pub \
  --signing-key traditional.key --passin fd:3 --out user-data 3<pw.txt </dev/null
expect contract-signed 0
check "contract: envWorkloadSignature made with the encrypted key" grep -q '^envWorkloadSignature:' user-data
run contract-wrong "$SE_ATTEST" contract --workload workload.yaml --env env.yaml --encrypt-for contract.pub \
  --signing-key pkcs8.key --passin "pass:${PW}y" </dev/null
expect contract-wrong 2 "pkcs8.key: wrong passphrase"
run contract-missing "$SE_ATTEST" contract --workload workload.yaml --env env.yaml --encrypt-for contract.pub \
  --signing-key pkcs8.key </dev/null
expect contract-missing 2 "pkcs8.key: passphrase required (an encrypted private key; give --passin)"
run measure-right "$SE_ATTEST" measure --contract user-data --contract-key contract.enc.key --passin stdin <pw.txt
expect measure-right 0
run measure-plain "$SE_ATTEST" measure --contract user-data --contract-key contract.key </dev/null
check "measure: the same lines with the encrypted key" cmp -s logs/measure-right.out logs/measure-plain.out
run measure-wrong "$SE_ATTEST" measure --contract user-data --contract-key contract.enc.key --passin "pass:${PW}y" </dev/null
expect measure-wrong 2 "contract.enc.key: wrong passphrase"

# --- the prompt on a terminal ----------------------------------------------------------------------
run prompt-right python3 "$PTY" "$PW" -- "$SE_ATTEST" decrypt --key "$WORK/pkcs8.key" "$WORK/token.txt"
check "prompt: names the key" grep -qF "Enter the passphrase of $WORK/pkcs8.key: " logs/prompt-right.out
check "prompt: the plaintext" grep -qF "$(head -c 20 message.txt)" logs/prompt-right.out
check "prompt: exit 0 and echo back on" grep -qx "exit=0 echo=on" logs/prompt-right.out
run prompt-wrong python3 "$PTY" "${PW}y" -- "$SE_ATTEST" decrypt --key "$WORK/traditional.key" "$WORK/token.txt"
check "prompt: wrong passphrase" grep -qF "traditional.key: wrong passphrase" logs/prompt-wrong.out
check "prompt: wrong: exit 2 and echo back on" grep -qx "exit=2 echo=on" logs/prompt-wrong.out
run prompt-ctrl-c python3 "$PTY" "^C" -- "$SE_ATTEST" decrypt --key "$WORK/pkcs8.key" "$WORK/token.txt"
# Killed at the prompt, the command prints no newline: the report follows the prompt on its line.
check "prompt: Ctrl-C ends it by SIGINT, echo back on" grep -qE "(^|: )exit=-2 echo=on$" logs/prompt-ctrl-c.out
# With --passin, or a key that is not encrypted, nothing is asked on the terminal.
run prompt-passin python3 "$PTY" -- "$SE_ATTEST" decrypt --key "$WORK/pkcs8.key" --passin env:PW "$WORK/token.txt"
check "prompt: none with --passin" bash -c '! grep -q "passphrase of" logs/prompt-passin.out && grep -qx "exit=0 echo=on" logs/prompt-passin.out'

# --- contract-go's samples ------------------------------------------------------------------------
run cg-hello "$SE_ATTEST" decrypt --key "$CG/decrypt/private.key" "$CG/decrypt/encrypt.txt" </dev/null
expect cg-hello 0
# shellcheck disable=SC2016 # expanded by the inner bash
check "contract-go encrypt.txt: exactly hello-world" bash -c '[ "$(cat logs/cg-hello.out)" = hello-world ] && [ "$(wc -c <logs/cg-hello.out)" = 11 ]'
run cg-invalid "$SE_ATTEST" decrypt --key "$CG/decrypt/private.key" "$CG/decrypt/encrypt.invalid.txt" </dev/null
expect cg-invalid 2 ": token: "
check "contract-go encrypt.invalid.txt: a format error, not an undecryptable one" \
  bash -c '! grep -q "cannot be decrypted" logs/cg-invalid.err'
# Part A alone (no token): openssl with our key reading, against openssl alone.
base64 -d "$CG/decrypt/encrypt_encrypted.txt" >part-a.bin || die "base64 part A"
openssl pkeyutl -decrypt -inkey "$CG/decrypt/private_encrypted.key" -passin pass:decryptpass -in part-a.bin \
  -out part-a.openssl || die "openssl pkeyutl"
check "contract-go encrypt_encrypted.txt: openssl gives 'Test encrypted data'" \
  bash -c 'printf "Test encrypted data\n" | cmp -s - part-a.openssl'
run cg-enc-wrong "$SE_ATTEST" decrypt --key "$CG/decrypt/private_encrypted.key" --passin pass:decryptpas token.txt </dev/null
expect cg-enc-wrong 2 "private_encrypted.key: wrong passphrase"
run cg-enc-missing "$SE_ATTEST" decrypt --key "$CG/encrypt/private_encrypted.pem" token.txt </dev/null
expect cg-enc-missing 2 "private_encrypted.pem: passphrase required (an encrypted private key; give --passin)"
check "contract-go: never 'not a PEM private key'" bash -c '! grep -l "not a PEM private key" logs/cg-enc-*.err'
# encrypt/private_encrypted.pem (testpassword) is not encrypt/public.pem's key: a token for
# public.pem is refused with it (encrypt/private.pem opens it), one for its own public half opens.
openssl pkey -in "$CG/encrypt/private_encrypted.pem" -passin pass:testpassword -pubout -out cg-own.pub || die "cg pubout"
check "contract-go: private_encrypted.pem is not public.pem's key" bash -c "! cmp -s cg-own.pub '$CG/encrypt/public.pem'"
"$SE_ATTEST" encrypt --to "$CG/encrypt/public.pem" message.txt >cg-public.token 2>/dev/null </dev/null || die "encrypt public.pem"
"$SE_ATTEST" encrypt --to cg-own.pub --token-prefix contract-basic message.txt >cg-own.token 2>/dev/null </dev/null ||
  die "encrypt own"
run cg-testpassword-own "$SE_ATTEST" decrypt --key "$CG/encrypt/private_encrypted.pem" --passin pass:testpassword cg-own.token </dev/null
expect cg-testpassword-own 0
check "contract-go private_encrypted.pem + testpassword: a contract-basic token for its key" cmp -s logs/cg-testpassword-own.out message.txt
run cg-testpassword-public "$SE_ATTEST" decrypt --key "$CG/encrypt/private_encrypted.pem" --passin pass:testpassword cg-public.token </dev/null
# Nearly always "cannot be decrypted" (exit 2); the token has no MAC, so about one wrong key in
# 256 passes the AES padding check and gives garbage: the message never comes back.
check "contract-go private_encrypted.pem does not open a token for public.pem" \
  bash -c '! cmp -s logs/cg-testpassword-public.out message.txt'
run cg-private-public "$SE_ATTEST" decrypt --key "$CG/encrypt/private.pem" cg-public.token </dev/null
expect cg-private-public 0
check "contract-go encrypt/private.pem opens a token for public.pem" cmp -s logs/cg-private-public.out message.txt

# --- seal: two encrypted keys (root and loop devices) ----------------------------------------------
if [ "$(id -u)" -eq 0 ] && [ -e /dev/loop-control ]; then
  "$SE_ATTEST" keygen keys >/dev/null 2>&1 </dev/null || die "keygen"
  openssl pkey -in keys/attestation.key -aes256 -passout env:PW -out attestation.enc.key || die "attestation.enc.key"
  openssl rsa -in keys/contract.key -traditional -aes256 -passout env:PW -out contract.trad.key 2>/dev/null ||
    die "contract.trad.key"
  mkdir -p tree/etc rootfs/boot
  echo "passphrase e2e" >tree/etc/motd
  tar -C tree --owner=0 --group=0 -czf rootfs/boot/root.tar.gz . || die "tarball"
  mkfs.ext4 -q -F -L se-root -d rootfs root.img 16M >/dev/null || die "mkfs"
  seal_args=(seal --root root.img --root-device LABEL=se-root --tarball /boot/root.tar.gz --baseimage-sha256
    "$(printf '%064d' 0)" --image-version v1 --commit-id c1 --attestation-key attestation.enc.key
    --contract-key contract.trad.key --attestation-cert keys/attestation.crt --contract-cert keys/contract.crt
    --build-time 2026-07-01T12:00:00Z)
  run seal-passin "$SE_ATTEST" "${seal_args[@]}" --passin env:PW --out sealed </dev/null
  expect seal-passin 0 "se-attest seal: note: --attestation-key attestation.enc.key was encrypted"
  check "seal: a note for the contract key too" grep -qF "se-attest seal: note: --contract-key contract.trad.key was encrypted" logs/seal-passin.err
  # shellcheck disable=SC2016 # expanded by the inner bash
  check "seal: the notes say unencrypted" bash -c '[ "$(grep -c "written unencrypted" logs/seal-passin.err)" = 2 ]'
  for k in attestation contract; do
    check "seal: $k.key written 0600" bash -c "[ \"\$(stat -c %a sealed/etc/se-attest/$k.key)\" = 600 ]"
    check "seal: $k.key written unencrypted PKCS#8" grep -qx -- "-----BEGIN PRIVATE KEY-----" "sealed/etc/se-attest/$k.key"
    check "seal: $k.key is the key given" bash -c "cmp -s <(openssl pkey -in sealed/etc/se-attest/$k.key -pubout) \
      <(openssl pkey -in keys/$k.key -pubout)"
  done
  run seal-wrong "$SE_ATTEST" "${seal_args[@]}" --passin "pass:${PW}y" --out sealed-wrong </dev/null
  expect seal-wrong 2 "attestation key: attestation.enc.key: wrong passphrase"
  check "seal: nothing written with a wrong passphrase" test ! -e sealed-wrong
  run seal-missing "$SE_ATTEST" "${seal_args[@]}" --out sealed-missing </dev/null
  expect seal-missing 2 "attestation key: attestation.enc.key: passphrase required (an encrypted private key; give --passin)"
  # Unencrypted keys: no note.
  run seal-plain "$SE_ATTEST" seal --root root.img --root-device LABEL=se-root --tarball /boot/root.tar.gz \
    --baseimage-sha256 "$(printf '%064d' 0)" --image-version v1 --commit-id c1 --attestation-key keys/attestation.key \
    --contract-key keys/contract.key --attestation-cert keys/attestation.crt --contract-cert keys/contract.crt \
    --build-time 2026-07-01T12:00:00Z --out sealed-plain </dev/null
  expect seal-plain 0
  check "seal: no note for unencrypted keys" bash -c '! grep -q "note:" logs/seal-plain.err'
  # The prompt: one per encrypted key, naming it.
  run seal-prompt python3 "$PTY" "$PW" "$PW" -- "$SE_ATTEST" "${seal_args[@]}" --out "$WORK/sealed-prompt"
  check "seal prompt: the attestation key's" grep -qF "Enter the passphrase of attestation.enc.key: " logs/seal-prompt.out
  check "seal prompt: the contract key's" grep -qF "Enter the passphrase of contract.trad.key: " logs/seal-prompt.out
  check "seal prompt: exit 0, echo on" grep -qx "exit=0 echo=on" logs/seal-prompt.out
else
  echo "# seal: skipped (needs root and loop devices)"
fi

# --- the passphrase in no output ------------------------------------------------------------------
# shellcheck disable=SC2016 # expanded by the inner bash
check "the passphrase is in no output ($(find logs -type f | wc -l) files)" bash -c '! grep -rlF -- "$PW" logs'
finish
