#!/usr/bin/env bash
# Fuzzes every parser of untrusted bytes for SECONDS_PER_TARGET seconds each (default 10), one
# target at a time (docs/fuzzing.md):
#   bash tests/fuzz/run.sh [SECONDS_PER_TARGET]
# Builds build-fuzz with clang (-fsanitize=fuzzer,address,undefined), seeds build-fuzz/corpus/<target>
# from tests/fixtures and ../shared/interop, and prints one line per target: executions, coverage,
# crashes. Exits non-zero on any crash, leak, timeout or out-of-memory; the input that caused it is
# left in build-fuzz/crashes/<target>/ (replay: build-fuzz/tests/fuzz/<target> FILE).
# Environment: JOBS (build jobs, default 2), SHARED_DIR (default: `shared` beside the checkout),
# TARGETS (a subset, space-separated), FUZZ_FLAGS (extra libFuzzer flags).
# The corpus grows from run to run; rm -rf build-fuzz/corpus to start again from the seeds.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
SECONDS_PER_TARGET=${1:-10}
[[ $SECONDS_PER_TARGET =~ ^[1-9][0-9]*$ ]] || { echo "usage: $0 [SECONDS_PER_TARGET]" >&2; exit 2; }
SHARED_DIR=${SHARED_DIR:-$ROOT/../shared}
BUILD=$ROOT/build-fuzz
FIXTURES=$ROOT/tests/fixtures
ALL_TARGETS="fuzz_contract fuzz_token fuzz_sysinfo fuzz_config fuzz_record fuzz_reference"
TARGETS=${TARGETS:-$ALL_TARGETS}

# clang and libFuzzer's runtime (libclang_rt.fuzzer-*.a: libclang-rt-14-dev on Debian 12);
# install-deps.sh runs apt-get only when something is missing.
bash scripts/install-deps.sh clang libclang-rt-14-dev

start=$(date +%s)
mkdir -p "$BUILD"
CC=clang CXX=clang++ cmake -S . -B "$BUILD" -DSE_ATTEST_FUZZ=ON -DSE_ATTEST_BUILD_TESTS=OFF \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >"$BUILD/configure.log" 2>&1 || { cat "$BUILD/configure.log"; exit 1; }
cmake --build "$BUILD" -j"${JOBS:-2}" --target fuzzers
built=$(date +%s)

# --- seed corpora: files are named by their SHA-1, as libFuzzer names what it adds -----------------
seed() {  # seed TARGET [PREFIX] FILE...: copies each existing file (PREFIX + its bytes) into the corpus
  local target=$1 prefix=$2 f sum
  shift 2
  mkdir -p "$BUILD/corpus/$target"
  for f in "$@"; do
    [ -f "$f" ] || continue
    sum=$({ printf '%s' "$prefix"; cat "$f"; } | sha1sum | cut -d' ' -f1)
    { printf '%s' "$prefix"; cat "$f"; } >"$BUILD/corpus/$target/$sum"
  done
}
seed_text() {  # seed_text TARGET TEXT: one seed from a string
  local tmp
  tmp=$(mktemp)
  printf '%s' "$2" >"$tmp"
  seed "$1" "" "$tmp"
  rm -f "$tmp"
}
b64() { base64 -w0 "$@"; }
interop=$SHARED_DIR/interop
[ -d "$interop" ] || echo "run.sh: no $interop (SHARED_DIR); seeding from tests/fixtures only" >&2

# fuzz_contract: the first byte picks the decryptor's answer ('0' the token's text, '1' an error,
# '2' the base64 of its last part), the rest is user-data.
contracts=("$FIXTURES"/contract/*.yaml "$FIXTURES"/contract/*.plain "$interop"/hpcr-23.3.0/cidata/user-data
           "$interop"/hpcr-23.3.0/user-data.decrypted)
for mode in 0 1 2; do seed fuzz_contract "$mode" "${contracts[@]}"; done
# Tokens that "decrypt" (mode '2') to real sections: an env with signingKey, so envWorkloadSignature
# is extracted; an attestationPublicKey token holding PEM; a section that is not YAML.
tok() { printf 'hyper-protect-basic.QQ==.%s' "$(b64 "$1")"; }
signature=$(sed -n 's/^envWorkloadSignature: //p' "$FIXTURES/contract/tokens.yaml")
seed_text fuzz_contract "2workload: $(tok "$FIXTURES/contract/workload.plain")
env: $(tok "$FIXTURES/contract/env.plain")
attestationPublicKey: $(tok "$FIXTURES/keys/contract.pub")
envWorkloadSignature: $signature
"
seed_text fuzz_contract "2env: $(tok "$FIXTURES/contract/env.plain")
workload: $(tok "$FIXTURES/contract/not-pem.plain")
attestationPublicKey: $(b64 "$FIXTURES/keys/attestation.crt")
envWorkloadSignature: $signature
"
seed_text fuzz_contract "2attestationPublicKey: $(tok "$FIXTURES/keys/contract.crt")
workload: $(tok "$FIXTURES/contract/section-types.yaml")
"
# contract-basic tokens (IBM's CCRT/CCRV), and contract-go's contracts and tokens.
seed_text fuzz_contract "2attestationPublicKey: contract-basic.QQ==.$(b64 "$FIXTURES/keys/contract.pub")
workload: contract-basic.QQ==.$(b64 "$FIXTURES/contract/workload.plain")
"
seed fuzz_contract 0 "$interop"/contract-go/*.yaml
seed fuzz_token "" "$interop"/contract-go/decrypt/encrypt*.txt

# fuzz_token: the token fixtures, the tokens inside the contract fixtures, the real encrypted records.
seed fuzz_token "" "$FIXTURES"/token/*.txt "$interop"/*/se-checksums.txt.enc
for f in "$FIXTURES"/contract/*.yaml "$interop"/hpcr-23.3.0/cidata/user-data; do
  [ -f "$f" ] || continue
  { grep -Eo '(hyper-protect|contract)-basic\.[A-Za-z0-9+/=.]*' "$f" || true; } | while read -r token; do seed_text fuzz_token "$token"; done
done

seed fuzz_sysinfo "" "$FIXTURES"/sysinfo/*
seed fuzz_config "" "$FIXTURES"/config/*
seed fuzz_record "" "$FIXTURES"/record/* "$interop"/signed-example/se-checksums.txt "$interop"/hpcr-23.3.0/se-version
seed fuzz_reference "" tests/fuzz/seeds/reference/* "$FIXTURES"/config/good.yaml

# Dictionaries: the target's own, plus YAML's syntax for the YAML formats.
mkdir -p "$BUILD/dict"
for target in $ALL_TARGETS; do
  name=${target#fuzz_}
  case $name in
    contract | config | reference) cat "tests/fuzz/$name.dict" tests/fuzz/yaml.dict >"$BUILD/dict/$target.dict" ;;
    *) cat "tests/fuzz/$name.dict" >"$BUILD/dict/$target.dict" ;;
  esac
done

# --- the runs, one at a time ------------------------------------------------------------------------
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:allocator_may_return_null=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
failed=0
summary=()
for target in $TARGETS; do
  log=$BUILD/logs/$target.log
  mkdir -p "$BUILD/logs" "$BUILD/crashes/$target"
  before=$(find "$BUILD/crashes/$target" -type f | wc -l)
  echo "run.sh: $target for ${SECONDS_PER_TARGET}s (log: ${log#"$ROOT"/})"
  touch "$log.start"
  rc=0
  # shellcheck disable=SC2086  # FUZZ_FLAGS is a list of flags
  "$BUILD/tests/fuzz/$target" "$BUILD/corpus/$target" \
    -max_total_time="$SECONDS_PER_TARGET" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -dict="$BUILD/dict/$target.dict" -artifact_prefix="$BUILD/crashes/$target/" ${FUZZ_FLAGS:-} \
    >"$log" 2>&1 || rc=$?
  after=$(find "$BUILD/crashes/$target" -type f | wc -l)
  crashes=$((after - before))
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n1 | cut -d' ' -f2)
  ft=$(grep -o 'ft: [0-9]*' "$log" | tail -n1 | cut -d' ' -f2)
  corp=$(grep -o 'corp: [0-9]*/[0-9]*[a-zA-Z]*' "$log" | tail -n1 | cut -d' ' -f2)
  rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -n1)
  line=$(printf '%-15s execs %9s (%s/s)  cov %5s  ft %6s  corpus %-12s rss %4s MB  crashes %d' \
    "$target" "${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" "${rss:-?}" "$crashes")
  if [ "$rc" -ne 0 ] || [ "$crashes" -ne 0 ]; then
    failed=1
    line+="  FAILED (exit $rc)"
    grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error|artifact_prefix|Test unit written)' "$log" | head -n 8 >&2 || true
    find "$BUILD/crashes/$target" -type f -newer "$log.start" >&2 || true
  fi
  summary+=("$line")
done
end=$(date +%s)

echo
echo "run.sh: build $((built - start)) s, fuzzing $((end - built)) s (${SECONDS_PER_TARGET} s per target)"
printf '%s\n' "${summary[@]}"
if [ "$failed" -ne 0 ]; then
  echo "run.sh: FAILED: reproducers in ${BUILD#"$ROOT"/}/crashes/<target>/ (replay: build-fuzz/tests/fuzz/<target> FILE)" >&2
  exit 1
fi
