# What the host end-to-end scripts (tests/e2e/*.sh) share (sourced, after images.sh). Brings
# the checks (checks.sh) with it.

# shellcheck source=../lib/checks.sh  # (as the scripts in tests/e2e see it)
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"

# e2e_start NAME: exits 77 (CTest: skipped) without root or loop devices; otherwise waits for the
# machine's device lock (hold_device_lock), makes WORK
# (/tmp/se-attest-NAME.XXXXXX), removed on exit with every loop device attach_loop attached (a
# script with more to undo sets its own EXIT trap after this), keeps the output of failed checks
# there, sets RUN_ID, unique to this run, and changes into WORK.
e2e_start() {
  if [ "$(id -u)" -ne 0 ] || [ ! -e /dev/loop-control ]; then
    echo "skipped: needs root and loop devices"
    exit 77
  fi
  hold_device_lock || exit 1
  WORK=$(mktemp -d "/tmp/se-attest-$1.XXXXXX")
  trap e2e_cleanup EXIT
  # shellcheck disable=SC2034 # used by checks.sh
  CHECK_TMP=$WORK
  RUN_ID=$(printf '%04x%04x' $RANDOM $RANDOM)
  cd "$WORK" || exit 1
}
e2e_cleanup() {
  detach_all_loops
  rm -rf "$WORK"
}

# write_lpar_sysinfo FILE: /proc/sysinfo as an LPAR of machine 3932, plant 02, serial 860A8 shows it.
write_lpar_sysinfo() {
  cat >"$1" <<'SYSINFO'
Manufacturer:         IBM
Type:                 3932
Model:                A02              LA1
Sequence Code:        00000000000860A8
Plant:                02
Model Capacity:       A02              00000000
LPAR Number:          47
LPAR Characteristics: Shared
SYSINFO
}

# contract_yaml CONTRACT_CERT: prints a contract with a plain env section and the workload
# (workload.yaml, written when missing) as a token for CONTRACT_CERT.
contract_yaml() {
  [ -e workload.yaml ] || printf 'type: workload\ncompose:\n  archive: H4sIAAAAAAAA/+yS\n' >workload.yaml
  echo "env: |"
  echo "    type: env"
  echo "    logging: {}"
  echo "workload: $(openssl_token "$1" workload.yaml)"
}

# attestation_public_key_yaml PUB: prints the contract's attestationPublicKey section, the PEM
# public key PUB as text: it asks for the encrypted record.
attestation_public_key_yaml() {
  echo "attestationPublicKey: |"
  sed 's/^/    /' "$1"
}

# kmsg_mark: the sequence number of the kernel log's last record. kmsg_since SEQ: the agent's
# records after it, "LEVEL<TAB>TEXT" (kmsg.py; the agent logs to /dev/kmsg where there is no
# journal, as on these hosts).
kmsg_mark() { python3 "$(dirname "${BASH_SOURCE[0]}")/kmsg.py"; }
kmsg_since() { python3 "$(dirname "${BASH_SOURCE[0]}")/kmsg.py" "$1"; }
