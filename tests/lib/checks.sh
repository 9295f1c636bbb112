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
# tools (sha256sum, openssl, PyYAML). The expected values come from these variables:
#   EXPECT_VERSION, EXPECT_COMMIT, EXPECT_MACHINE ("3932/02/860A8"), BASEIMAGE_FILE,
#   TARBALL_FILE (the root.tar.gz that was sealed), ATTESTATION_PUB (PEM public key),
#   EXPECT_DECRYPTED (a line that user-data.decrypted must contain),
#   EXPECT_DEVELOPMENT (1: sealed with --development, so line 3 says it is a development image;
#   otherwise there is no such line),
#   EXPECT_PROFILE (hpcr-2026, or unset/hpcr-2023: the record profile sealed), and for hpcr-2026:
#   ENCRYPTION_CERT, ATTESTATION_CERT (the PEM certificates sealed with --contract-cert and
#   --attestation-cert), SBOM_FILE (the SBOM sealed with --sbom, or - for none), BUILD_TIME (the
#   build time seal recorded, seconds since the epoch), AGE_FROM and AGE_TO (seconds: the agent
#   read its clock between them).
check_record() {
  local name=$1 rec=$2 out=$3 device=$4 files=$5 auditor=$6 f dev=0 profile=${EXPECT_PROFILE:-hpcr-2023}
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
  local names=() header=$((2 + dev))
  for f in meta-data user-data vendor-data; do
    [ -e "$files/$f" ] || continue
    names+=("cidata/$f")
    check "$name: cidata/$f = sha256sum of the file on the device" \
      grep -qx "$(sha256sum "$files/$f" | cut -c1-64) cidata/$f" "$rec"
    check "$name: cidata/$f copy is byte-exact" cmp "$files/$f" "$out/cidata/$f"
  done
  if [ "$auditor" != - ]; then
    check "$name: the attestationPublicKey file is the auditor's key" \
      test "$(openssl pkey -pubin -in "$out/attestationPublicKey" -outform DER | sha256sum)" = \
      "$(openssl pkey -pubin -in "$auditor" -outform DER | sha256sum)"
  fi
  if [ "$profile" = hpcr-2026 ]; then
    check_record_2026 "$name" "$rec" "$out" "$auditor" "$dev" "${names[@]}"
    header=$((header + 3))
  else
    # hpcr-2023: the seed's layout, byte for byte: none of the lines or files hpcr-2026 added.
    check "$name: hpcr-2023: no Image age, valid until, certificate_expiry_date.json, sbom or contract:* line" \
      bash -c "! grep -nE '^(Image age|(Encryption|Attestation) Certificate valid until):|^[0-9a-f]{64} (certificate_expiry_date\\.json|sbom|contract:.*)\$' '$rec'"
    check "$name: hpcr-2023: no certificate_expiry_date.json, no sbom in the folder" \
      test ! -e "$out/certificate_expiry_date.json" -a ! -e "$out/sbom"
    names=(baseimage root.tar.gz /dev/disk/by-label/cidata "${names[@]}")
    if [ "$auditor" != - ]; then
      names+=(attestationPublicKey)
      check "$name: attestationPublicKey = sha256sum of the output file" \
        grep -qx "$(sha256sum "$out/attestationPublicKey" | cut -c1-64) attestationPublicKey" "$rec"
    fi
  fi
  # The hash lines' names, in the profile's order, and nothing else (docs/formats.md).
  printf '%s\n' "${names[@]}" >"$CHECK_TMP/$name.names"
  check "$name: $((header + ${#names[@]})) lines, every hash line '<64 hex> <name>', the names in $profile's order" \
    bash -c "[ \$(wc -l <'$rec') = $((header + ${#names[@]})) ] &&
             [ \$(tail -n +$((header + 1)) '$rec' | grep -cvE '^[0-9a-f]{64} [^ ].*\$') = 0 ] &&
             diff <(tail -n +$((header + 1)) '$rec' | cut -c66-) '$CHECK_TMP/$name.names'"
  check "$name: signature verifies with openssl and the attestation certificate's key" \
    openssl dgst -sha256 -verify "$ATTESTATION_PUB" -signature "$out/se-signature.bin" "$rec"
  check "$name: signature is 512 bytes" test "$(stat -c %s "$out/se-signature.bin")" = 512
  check "$name: se-version, se-commit-id" \
    bash -c "[ \"\$(cat '$out/se-version')\" = '$EXPECT_VERSION' ] && [ \"\$(cat '$out/se-commit-id')\" = '$EXPECT_COMMIT' ]"
  check "$name: modes 0400, README 0444" \
    bash -c "cd '$out' && [ \"\$(find . -type f ! -name README -printf '%m\n' | sort -u)\" = 400 ] && [ \$(stat -c %a README) = 444 ]"
  check "$name: user-data.decrypted has the decrypted workload" grep -qF "$EXPECT_DECRYPTED" "$out/user-data.decrypted"
}

# check_record_2026 NAME RECORD OUT_DIR AUDITOR_PUB|- DEV CIDATA_NAME...: check_record's part for
# hpcr-2026; sets the caller's `names` (the hash lines expected, in order).
check_record_2026() {
  local name=$1 rec=$2 out=$3 auditor=$4 dev=$5 line
  shift 5
  local age=$((3 + dev)) enc=$((4 + dev)) att=$((5 + dev))
  # Image age: whole days from the build time to the agent's clock, 0 when that is earlier.
  local lo=$(((AGE_FROM - BUILD_TIME) / 86400)) hi=$(((AGE_TO - BUILD_TIME) / 86400))
  [ "$lo" -ge 0 ] || lo=0
  [ "$hi" -ge 0 ] || hi=0
  check "$name: line $age: 'Image age: N days since creation.', N whole days from the build time to the run ($lo..$hi)" \
    image_age_within "$(sed -n "${age}p" "$rec")" "$lo" "$hi"
  check "$name: line $enc: the contract certificate's notAfter (openssl x509 -enddate)" \
    test "$(sed -n "${enc}p" "$rec")" = "Encryption Certificate valid until: $(cert_date "$ENCRYPTION_CERT" '+%b %d %H:%M:%S %Y') UTC"
  check "$name: line $att: the attestation certificate's notAfter (openssl x509 -enddate)" \
    test "$(sed -n "${att}p" "$rec")" = "Attestation Certificate valid until: $(cert_date "$ATTESTATION_CERT" '+%b %d %H:%M:%S %Y') UTC"
  check "$name: certificate_expiry_date.json = sha256sum of the output file" \
    grep -qx "$(sha256sum "$out/certificate_expiry_date.json" | cut -c1-64) certificate_expiry_date.json" "$rec"
  check "$name: certificate_expiry_date.json: subject, fingerprint, notAfter of both certificates as openssl says" \
    cert_json_matches "$out/certificate_expiry_date.json" "$ENCRYPTION_CERT" "$ATTESTATION_CERT"
  names=(certificate_expiry_date.json root.tar.gz baseimage)
  if [ "${SBOM_FILE:--}" != - ]; then
    names+=(sbom)
    check "$name: sbom = sha256sum of the SBOM sealed, its copy in the folder byte-exact" \
      bash -c "grep -qx \"\$(sha256sum '$SBOM_FILE' | cut -c1-64) sbom\" '$rec' && cmp '$SBOM_FILE' '$out/sbom'"
  else
    check "$name: no sbom line, no sbom file (sealed without --sbom)" \
      bash -c "! grep -qE '^[0-9a-f]{64} sbom\$' '$rec' && [ ! -e '$out/sbom' ]"
  fi
  names+=(/dev/disk/by-label/cidata "$@")
  check "$name: no attestationPublicKey line (contract:attestationPublicKey has it)" \
    bash -c "! grep -qE '^[0-9a-f]{64} attestationPublicKey\$' '$rec'"
  contract_lines "$out/user-data.decrypted" >"$CHECK_TMP/$name.contract-lines"
  check "$name: contract:workload, contract:env and every other contract:* line recomputed from user-data.decrypted (docs/formats.md) are in the record" \
    bash -c "grep -q ' contract:workload\$' '$CHECK_TMP/$name.contract-lines' && grep -q ' contract:env\$' '$CHECK_TMP/$name.contract-lines' &&
             ! grep -vxFf '$rec' '$CHECK_TMP/$name.contract-lines'"
  while IFS= read -r line; do names+=("${line#* }"); done <"$CHECK_TMP/$name.contract-lines"
  if [ "$auditor" != - ]; then
    check "$name: contract:attestationPublicKey = sha256sum of the attestationPublicKey file" \
      grep -qx "$(sha256sum "$out/attestationPublicKey" | cut -c1-64) contract:attestationPublicKey" "$rec"
  else
    check "$name: no contract:attestationPublicKey line (the contract has none)" \
      bash -c "! grep -q ' contract:attestationPublicKey\$' '$rec'"
  fi
}

# --- record profile hpcr-2026 (SPEC "Record profiles", docs/formats.md) ------------------------
# image_age_within LINE LO HI: LINE is "Image age: N days since creation." with LO <= N <= HI.
image_age_within() {
  echo "$1"
  [[ $1 =~ ^Image\ age:\ (0|[1-9][0-9]*)\ days\ since\ creation\.$ ]] &&
    [ "${BASH_REMATCH[1]}" -ge "$2" ] && [ "${BASH_REMATCH[1]}" -le "$3" ]
}
# cert_date CERT FORMAT: the certificate's notAfter as `openssl x509 -enddate` gives it, in the
# `date` FORMAT (UTC, C locale): '+%b %d %H:%M:%S %Y' is the record's, '+%Y-%m-%dT%H:%M:%SZ' ISO 8601.
cert_date() {
  local end
  end=$(openssl x509 -enddate -noout -in "$1") || return 1
  LC_ALL=C date -u -d "${end#notAfter=}" "$2"
}
# contract_lines DECRYPTED: the contract:* lines of a record, "<sha256> contract:<key>" in the
# record's order, recomputed from user-data.decrypted by the rule of docs/formats.md ("contract:*
# lines"), independently of se-attest: workload, env and envWorkloadSignature hash the section's
# own lines of the file, byte for byte, from "<key>:" at column 0 up to the next section's line
# or the end of the file; attestationPublicKey hashes its effective PEM (PEM text, or base64 of
# PEM decoded: its value as PyYAML reads it).
contract_lines() {
  python3 - "$1" <<'PY'
import base64, hashlib, re, sys, yaml
raw = open(sys.argv[1], "rb").read()
doc = yaml.safe_load(raw.decode("utf-8")) or {}
order = [b"workload", b"env", b"envWorkloadSignature", b"attestationPublicKey"]
lines = raw.splitlines(keepends=True)
start = {}
for i, line in enumerate(lines):
    m = re.match(rb"^(workload|env|envWorkloadSignature|attestationPublicKey):", line)
    if m: start[m.group(1)] = i
bounds = sorted(start.values()) + [len(lines)]
for key in order:
    if key.decode() not in doc: continue
    if key == b"attestationPublicKey":
        value = doc["attestationPublicKey"]
        data = value.encode() if value.lstrip().startswith("-----BEGIN") else base64.b64decode(value)
    else:
        i = start[key]
        data = b"".join(lines[i:next(b for b in bounds if b > i)])
    print(hashlib.sha256(data).hexdigest(), "contract:" + key.decode())
PY
}
# cert_json_matches JSON ENCRYPTION_CERT ATTESTATION_CERT: certificate_expiry_date.json says, for
# each certificate, what openssl says of it: subject (RFC 2253), SHA-256 fingerprint of the DER,
# notAfter (ISO 8601); exactly these keys.
cert_json_matches() {
  local enc att
  enc=$(cert_facts "$2") && att=$(cert_facts "$3") || return 1
  python3 - "$1" "$enc" "$att" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
want = {"encryption_certificate": sys.argv[2], "attestation_certificate": sys.argv[3]}
assert sorted(doc) == sorted(want), "keys: %s" % sorted(doc)
for key, facts in want.items():
    subject, sha, not_after = facts.split("\t")
    got = doc[key]
    assert sorted(got) == ["not_after", "sha256_fingerprint", "subject"], "%s: keys %s" % (key, sorted(got))
    for name, value in (("subject", subject), ("sha256_fingerprint", sha), ("not_after", not_after)):
        assert got[name] == value, "%s.%s: %r, openssl: %r" % (key, name, got[name], value)
print("both certificates as openssl sees them")
PY
}
cert_facts() {  # cert_facts CERT: "subject<TAB>sha256<TAB>notAfter ISO"
  local subject sha
  subject=$(openssl x509 -noout -subject -nameopt RFC2253 -in "$1") || return 1
  sha=$(openssl x509 -in "$1" -outform DER | sha256sum | cut -c1-64)
  printf '%s\t%s\t%s' "${subject#subject=}" "$sha" "$(cert_date "$1" '+%Y-%m-%dT%H:%M:%SZ')"
}

# --- `se-attest verify --json` reports (docs/verify-report.schema.json) ----------------------------
# verify_json JSON VERDICT [ID=STATUS | !REGEX]...: the report's verdict is VERDICT (verified,
# failed, ...) and each ID (alternatives a|b: one of them) has STATUS; !REGEX: no check's id
# matches REGEX (Python re, whole id). Prints the checks named.
verify_json() { python3 -c "$VERIFY_JSON_PY" "$@"; }
# verify_json_failed JSON ID [EXIT]: verify failed (exit 1; EXIT, when given, is the exit code
# seen), and check ID (a|b: one of them) is among the failed ones.
verify_json_failed() {
  [ -z "${3:-}" ] || [ "$3" = 1 ] || { echo "exit $3"; return 1; }
  verify_json "$1" failed "$2=fail"
}
# verify_json_all MANIFEST: verify_json for every line of MANIFEST (tab-separated: what is
# checked, the exit code seen, JSON, VERDICT, SPEC...), in one Python run (a Python start costs
# more than a verify), each one check line.
verify_json_all() {
  local status what detail
  while IFS=$'\t' read -r status what detail; do
    if [ "$status" = ok ]; then ok "$what"; else not_ok "$what" && printf '#   %s\n' "$detail"; fi
  done < <(python3 -c "$VERIFY_JSON_PY" --manifest "$1")
}
VERIFY_JSON_PY='
import json, re, sys
def judge(path, verdict, specs, seen_exit=None):
    try:
        report = json.load(open(path))
    except (OSError, ValueError) as e:
        return False, ["%s: %s" % (path, e)]
    checks = {c["id"]: c for c in report["checks"]}
    out = ["verdict %s (exit %s)" % (report["verdict"], report["exit_code"])]
    ok = report["verdict"] == verdict and seen_exit in (None, str(report["exit_code"]))
    for spec in specs:
        if spec.startswith("!"):
            hits = [i for i in checks if re.fullmatch(spec[1:], i)]
            out.append("no id like %s: %s" % (spec[1:], hits or "none"))
            ok = ok and not hits
            continue
        ids, status = spec.rsplit("=", 1)
        found = [(i, checks[i]["status"], checks[i]["detail"]) for i in ids.split("|") if i in checks]
        out.append("%s: %s" % (ids, found or "missing"))
        ok = ok and any(s == status for _, s, _ in found)
    return ok, out
if sys.argv[1] == "--manifest":
    for line in open(sys.argv[2]):
        what, seen_exit, path, verdict, *specs = line.rstrip("\n").split("\t")
        ok, out = judge(path, verdict, specs, seen_exit)
        print("%s\t%s\t%s" % ("ok" if ok else "not ok", what, "; ".join(out)))
else:
    ok, out = judge(sys.argv[1], sys.argv[2], sys.argv[3:])
    print("\n".join(out))
    sys.exit(0 if ok else 1)
'
# What `verify --json` passes in an hpcr-2026 folder sealed with --sbom and verified with
# --reference and --contract-cert, by check id; and the ids only an hpcr-2026 record has (an
# hpcr-2023 report has none of them).
# shellcheck disable=SC2034  # for the scripts that source this
VERIFY_2026_PASSED=(record-profile=pass header=pass image-age=pass file:certificate_expiry_date.json=pass
  file:sbom=pass contract:workload=pass contract:env=pass certificate-expiry=pass certificate-expiry:attestation=pass
  certificate-expiry:encryption=pass reference:record-profile=pass reference:certificates=pass reference:sbom=pass)
# shellcheck disable=SC2034
VERIFY_2026_ONLY='contract:.*|contract-sections|certificate-expiry(:.*)?|image-age|header(:.*)?|file:(certificate_expiry_date\.json|sbom)|reference:(certificates|sbom)'
