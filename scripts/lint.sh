#!/usr/bin/env bash
# Static analysis of every first-party C++ source (agent/, tests/unit, tests/bench, tests/fuzz):
#   clang-tidy 14 with .clang-tidy (every finding an error) and
#   cppcheck 2.10 with .cppcheck-suppressions (each suppression says why),
# both reading the compilation database of a configure-only build directory (build-lint).
#   bash scripts/lint.sh [FILE.cc...]
# FILE: a source, relative to the checkout; without one, every source. A header is checked
# through the sources that include it.
# Prints the findings and their counts; exits 1 on any finding. JOBS (default 2) parallel jobs.
# The unit tests run without the Clang Static Analyzer (tests/unit/.clang-tidy says why).
# Suppress a false positive at its line: // NOLINT(check-name): reason, or
# // cppcheck-suppress id ; reason on the line before.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh clang-tidy cppcheck
start=$(date +%s)
LINT=${LINT_BUILD_DIR:-build-lint}
JOBS=${JOBS:-2}
root=$PWD

cmake -S . -B "$LINT" -DCMAKE_EXPORT_COMPILE_COMMANDS=ON -DSE_ATTEST_FUZZ=OFF >/dev/null
# One database for the run: the fuzz targets added (they build only with Clang, SE_ATTEST_FUZZ;
# they are linted with the unit tests' flags), then, with FILE arguments, only those sources.
DB=$LINT
[ $# -eq 0 ] || DB=$LINT/subset
mkdir -p "$DB"
files=$(python3 - "$LINT/compile_commands.json" "$DB/compile_commands.json" "$root" "$@" <<'EOF'
import json, os, pathlib, sys
db_path, out_path, root, named = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), sys.argv[3], sys.argv[4:]
db = [e for e in json.loads(db_path.read_text()) if "/tests/fuzz/" not in e["file"]]
# The flags of a source that sees every layer's headers (the unit tests link them all; a library's
# own sources see only their layer and those below, cmake/layers.cmake).
lib = next(e for e in db if e["file"].endswith("/tests/unit/hex_test.cc"))
key = f'-DSE_ATTEST_FUZZ_CONTRACT_KEY=\\"{root}/tests/fixtures/keys/contract.key\\"'
for src in sorted(pathlib.Path(root, "tests/fuzz").glob("*.cc")):
    command = lib["command"].replace(f" -c {lib['file']}", f" {key} -c {src}")
    db.append({"directory": lib["directory"], "command": command, "file": str(src)})
db_path.write_text(json.dumps(db, indent=2))
if named:
    wanted = {os.path.realpath(f): f for f in named}
    db = [e for e in db if os.path.realpath(e["file"]) in wanted]
    missing = set(wanted) - {os.path.realpath(e["file"]) for e in db}
    if missing:
        sys.exit("lint: not a source in the compilation database: " + ", ".join(wanted[m] for m in sorted(missing)))
    out_path.write_text(json.dumps(db, indent=2))
print(len(db))
EOF
)

tidy=$(command -v run-clang-tidy-14 || command -v run-clang-tidy)
echo "lint: clang-tidy over $files files ($JOBS jobs)"
tidy_rc=0
"$tidy" -j"$JOBS" -p "$DB" -quiet "^$root/(agent|tests)/" >"$LINT/clang-tidy.log" 2>"$LINT/clang-tidy.err" ||
  tidy_rc=$?
# One line per finding (a header's finding is reported once per file that includes it).
sed 's/\x1b\[[0-9;]*m//g' "$LINT/clang-tidy.log" | grep -E '^/.*:[0-9]+:[0-9]+: (warning|error): ' |
  sed -e "s|^$root/||" -e 's/,-warnings-as-errors\]$/]/' | sort -u >"$LINT/clang-tidy.findings" || true
tidy_n=$(wc -l <"$LINT/clang-tidy.findings")
cat "$LINT/clang-tidy.findings"
if [ "$tidy_rc" -ne 0 ] && [ "$tidy_n" -eq 0 ]; then
  # clang-tidy failed without a finding of its own (a crash, a bad .clang-tidy): show why.
  tail -n 40 "$LINT/clang-tidy.log" "$LINT/clang-tidy.err"
  tidy_n=1
fi
tidy_end=$(date +%s)

echo "lint: cppcheck over $files files ($JOBS jobs)"
cppcheck_rc=0
cppcheck --project="$DB/compile_commands.json" --std=c++20 -j"$JOBS" --quiet \
  --enable=warning,style,performance,portability --inline-suppr \
  --suppressions-list=.cppcheck-suppressions --library=googletest --library=openssl \
  --library=posix --error-exitcode=1 \
  --template='{file}:{line}:{column}: {severity}: {message} [{id}]' \
  2>"$LINT/cppcheck.log" >/dev/null || cppcheck_rc=$?
sed "s|^$root/||" "$LINT/cppcheck.log" | grep -E '^[^ ]+:[0-9]+:[0-9]+: ' | sort -u \
  >"$LINT/cppcheck.findings" || true
cppcheck_n=$(wc -l <"$LINT/cppcheck.findings")
cat "$LINT/cppcheck.findings"
if [ "$cppcheck_rc" -ne 0 ] && [ "$cppcheck_n" -eq 0 ]; then
  cat "$LINT/cppcheck.log"
  cppcheck_n=1
fi
end=$(date +%s)

echo "lint: clang-tidy $tidy_n finding(s) ($((tidy_end - start)) s), cppcheck $cppcheck_n finding(s) ($((end - tidy_end)) s)"
for f in clang-tidy cppcheck; do
  if [ -s "$LINT/$f.findings" ]; then
    grep -oE '\[[^]]+\]$' "$LINT/$f.findings" | sort | uniq -c | sort -rn | sed "s/^/  $f /" || true
  fi
done
[ "$tidy_n" -eq 0 ] && [ "$cppcheck_n" -eq 0 ]
