#!/usr/bin/env bash
# `se-attest encrypt --to CERT` and `se-attest contract --encrypt-for CERT` for every real IBM
# contract-encryption certificate in SHARED_DIR/interop/ibm-certs (HPCR, CCRT, CCRV, CCCO).
#
#   ibm-certs.sh SE_ATTEST SHARED_DIR
#
# No root needed. Each certificate must give exit 0 and tokens with the prefix of its runtime
# (contract-go: contract-basic for CCRT and CCRV, the "container-runtime" certificates;
# hyper-protect-basic for HPCR and CCCO), asked for with --token-prefix (the password
# part as long as the certificate's RSA modulus); a certificate that is expired or not yet valid
# now (judged with openssl x509 -startdate/-enddate) must print exactly one warning line naming
# the file and its notAfter date, the others nothing on stderr. Nothing can be decrypted here:
# the private keys are IBM's.
set -uo pipefail

SE_ATTEST=$(realpath "$1")
SHARED=$(realpath "$2")
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d /tmp/se-attest-ibm-certs.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
# shellcheck disable=SC2034 # used by checks.sh
CHECK_TMP=$WORK
# shellcheck source=../lib/checks.sh
. "$HERE/../lib/checks.sh"
cd "$WORK" || exit 1

TOKEN_PARTS='\.[A-Za-z0-9+/=]+\.[A-Za-z0-9+/=]+'
printf 'type: workload\ncompose:\n  archive: H4sIAAAAAAAA/+yS\n' >workload.yaml
printf 'type: env\nlogging: {}\n' >env.yaml
now=$(date -u +%s)
certs=0
good=0
warned=()
shopt -s nullglob
for cert in "$SHARED"/interop/ibm-certs/*.crt; do
  certs=$((certs + 1))
  failed_before=$failed
  name=$(basename "$cert" .crt)
  not_before=$(openssl x509 -in "$cert" -noout -startdate | cut -d= -f2)
  not_after=$(openssl x509 -in "$cert" -noout -enddate | cut -d= -f2)
  key_bytes=$(($(openssl x509 -in "$cert" -noout -pubkey | openssl pkey -pubin -noout -text |
    sed -n '1s/.*(\([0-9]*\) bit).*/\1/p') / 8))
  expect=
  if [ "$now" -gt "$(date -u -d "$not_after" +%s)" ]; then
    expect="$cert expired on $(date -u -d "$not_after" +%F) (notAfter); the runtime may no longer accept contracts for it"
  elif [ "$now" -lt "$(date -u -d "$not_before" +%s)" ]; then
    expect="$cert is not valid before $(date -u -d "$not_before" +%F) (notBefore; notAfter $(date -u -d "$not_after" +%F));"
    expect="$expect the runtime may not accept contracts for it yet"
  fi
  [ -z "$expect" ] || warned+=("$name")
  case $name in
    ibm-confidential-computing-container-runtime-*) prefix=contract-basic ;;
    *) prefix=hyper-protect-basic ;;
  esac
  TOKEN=$prefix$TOKEN_PARTS

  "$SE_ATTEST" encrypt --to "$cert" --token-prefix "$prefix" <<<hello >encrypt.out 2>encrypt.err
  check "$name: encrypt exits 0" test $? = 0
  check "$name: encrypt prints one $prefix token, no newline" \
    bash -c "grep -Eqx '$TOKEN' encrypt.out && [ \$(wc -l <encrypt.out) = 0 ]"
  check "$name: the token's password part is one RSA block ($key_bytes bytes)" \
    test "$(cut -d. -f2 encrypt.out | base64 -d | wc -c)" = "$key_bytes"
  "$SE_ATTEST" contract --workload workload.yaml --env env.yaml --encrypt-for "$cert" --token-prefix "$prefix" \
    >contract.out 2>contract.err
  check "$name: contract exits 0" test $? = 0
  check "$name: contract's workload and env are $prefix tokens" \
    bash -c "grep -Eqx 'workload: $TOKEN' contract.out && grep -Eqx 'env: $TOKEN' contract.out"
  if [ -n "$expect" ]; then
    check "$name: encrypt warns: not valid now" test "$(cat encrypt.err)" = "se-attest encrypt: warning: $expect"
    check "$name: contract warns: not valid now" test "$(cat contract.err)" = "se-attest contract: warning: $expect"
  else
    check "$name: encrypt: nothing on stderr" test ! -s encrypt.err
    check "$name: contract: nothing on stderr" test ! -s contract.err
  fi
  [ "$failed" != "$failed_before" ] || good=$((good + 1))
done
# --token-prefix takes the two names and nothing else (usage error, exit 1, nothing on stdout).
for bad in hyper-protect-flex contract-basic. CONTRACT-BASIC ""; do
  "$SE_ATTEST" encrypt --to "$cert" --token-prefix "$bad" <<<hello >bad.out 2>bad.err
  check "encrypt --token-prefix '$bad': usage error naming it" \
    bash -c "[ $? = 1 ] && [ ! -s bad.out ] && grep -q -- '--token-prefix' bad.err"
done
"$SE_ATTEST" contract --workload workload.yaml --env env.yaml --token-prefix contract-basic >bad.out 2>bad.err
check "contract --token-prefix without --encrypt-for: usage error" \
  bash -c "[ $? = 1 ] && [ ! -s bad.out ] && grep -q -- '--token-prefix needs --encrypt-for' bad.err"
[ "$certs" -gt 0 ] || not_ok "no certificate in $SHARED/interop/ibm-certs"
echo "ibm-certs: $good of $certs certificates good (encrypt and contract), ${#warned[@]} warned as not valid now:" \
  "${warned[*]:-none}"
finish
