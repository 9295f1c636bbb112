# Checks for the shell tests (sourced): TAP-like lines, counted, closed by "N passed, N failed".
# Needs CHECK_TMP, a folder for the output of failed checks.

passed=0
failed=0
ok() { echo "ok - $*"; passed=$((passed + 1)); }
not_ok() { echo "not ok - $*"; failed=$((failed + 1)); }
# check "description" command...: runs the command; its output is shown only when it fails.
check() {
  local what=$1
  shift
  if "$@" >"$CHECK_TMP/check.out" 2>&1; then ok "$what"; else not_ok "$what"; sed 's/^/#   /' "$CHECK_TMP/check.out"; fi
}
# The closing line, and the exit status: 0 only when nothing failed.
finish() {
  echo "$passed passed, $failed failed"
  [ "$failed" = 0 ]
}
die() { echo "not ok - setup: $*"; failed=$((failed + 1)); finish; exit 1; }

# check_record NAME RECORD OUT_DIR CIDATA_DEVICE_FILE CIDATA_FILES_DIR AUDITOR_PUB|-
# Checks every line of a plaintext record and the output folder beside it against independent
# tools (sha256sum, openssl). The expected values come from these variables:
#   EXPECT_VERSION, EXPECT_COMMIT, EXPECT_MACHINE ("3932/02/860A8"), BASEIMAGE_FILE,
#   TARBALL_FILE (the root.tar.gz that was sealed), ATTESTATION_PUB (PEM public key),
#   EXPECT_DECRYPTED (a line that user-data.decrypted must contain),
#   EXPECT_DEVELOPMENT (1: sealed with --development, so line 3 says it is a development image;
#   otherwise there is no such line)
check_record() {
  local name=$1 rec=$2 out=$3 device=$4 files=$5 auditor=$6 f dev=0
  local dev_line='Development image: not protected by Secure Execution, its attestation key is not secret'
  check "$name: first line is the image version" test "$(head -1 "$rec")" = "$EXPECT_VERSION"
  check "$name: machine line" test "$(sed -n 2p "$rec")" = "Machine Type/Plant/Serial: $EXPECT_MACHINE"
  if [ "${EXPECT_DEVELOPMENT:-0}" = 1 ]; then
    dev=1
    check "$name: development image: line 3 says so" test "$(sed -n 3p "$rec")" = "$dev_line"
  else
    check "$name: production image: no development line" bash -c "! grep -q '^Development image' '$rec'"
  fi
  check "$name: baseimage = sha256sum of the base image" \
    grep -qx "$(sha256sum "$BASEIMAGE_FILE" | cut -c1-64) baseimage" "$rec"
  check "$name: root.tar.gz = sha256sum of the tarball" \
    grep -qx "$(sha256sum "$TARBALL_FILE" | cut -c1-64) root.tar.gz" "$rec"
  check "$name: cidata device = sha256sum of the device's image" \
    grep -qx "$(sha256sum "$device" | cut -c1-64) /dev/disk/by-label/cidata" "$rec"
  local expect_lines=$((7 + dev))
  for f in meta-data user-data vendor-data; do
    [ -e "$files/$f" ] || continue
    [ "$f" != vendor-data ] || expect_lines=$((8 + dev))
    check "$name: cidata/$f = sha256sum of the file on the device" \
      grep -qx "$(sha256sum "$files/$f" | cut -c1-64) cidata/$f" "$rec"
    check "$name: cidata/$f copy is byte-exact" cmp "$files/$f" "$out/cidata/$f"
  done
  if [ "$auditor" != - ]; then
    expect_lines=$((expect_lines + 1))
    check "$name: attestationPublicKey = sha256sum of the output file" \
      grep -qx "$(sha256sum "$out/attestationPublicKey" | cut -c1-64) attestationPublicKey" "$rec"
    check "$name: attestationPublicKey is the auditor's key" \
      test "$(openssl pkey -pubin -in "$out/attestationPublicKey" -outform DER | sha256sum)" = \
      "$(openssl pkey -pubin -in "$auditor" -outform DER | sha256sum)"
  fi
  check "$name: $expect_lines lines, every hash line '<64 hex> <name>'" \
    bash -c "[ \$(wc -l <'$rec') = $expect_lines ] && [ \$(tail -n +$((3 + dev)) '$rec' | grep -cvE '^[0-9a-f]{64} [^ ].*\$') = 0 ]"
  check "$name: signature verifies with openssl and the attestation certificate's key" \
    openssl dgst -sha256 -verify "$ATTESTATION_PUB" -signature "$out/se-signature.bin" "$rec"
  check "$name: signature is 512 bytes" test "$(stat -c %s "$out/se-signature.bin")" = 512
  check "$name: se-version, se-commit-id" \
    bash -c "[ \"\$(cat '$out/se-version')\" = '$EXPECT_VERSION' ] && [ \"\$(cat '$out/se-commit-id')\" = '$EXPECT_COMMIT' ]"
  check "$name: modes 0400, README 0444" \
    bash -c "cd '$out' && [ \"\$(find . -type f ! -name README -printf '%m\n' | sort -u)\" = 400 ] && [ \$(stat -c %a README) = 444 ]"
  check "$name: user-data.decrypted has the decrypted workload" grep -qF "$EXPECT_DECRYPTED" "$out/user-data.decrypted"
}
