#!/usr/bin/env bash
# The Debian packages as a builder and an auditor get them (issue 18).
#
#   packages-e2e.sh QEMU_WORK BUILD_DIR SHARED_DIR
#
# QEMU_WORK is what qemu-s390x/prepare.sh made: WORK/debs/{amd64,s390x} (links to the folders
# scripts/build-debs.sh ARCH OUTDIR filled) and WORK/tree (the image's s390x tree, in which
# prepare.sh installed se-attest-agent_*_s390x.deb with `dpkg -i`). BUILD_DIR is a native CMake
# build of these sources (CTest's own). Checks:
#   1. scripts/check-debs.sh on both folders (lintian, hardening-check, blhc, Depends vs NEEDED);
#   2. the amd64 packages unpacked with `dpkg -x` into a scratch root: `se-attest --help`, and
#      `se-attest verify` of the interop folder hpcr-23.3.0 (the arguments of host-e2e.sh: exit 3,
#      INCOMPLETE, no IBM certificate) run from there, its JSON report against the schema;
#   3. every file `cmake --install --prefix /usr` puts into a DESTDIR is in exactly one of the two
#      packages (as it is, or gzipped by dh_compress), and each package has what it must have and
#      nothing of the other's; the s390x packages hold the same paths as the amd64 ones;
#   4. in the s390x tree, dpkg has se-attest-agent installed (so its Depends were satisfied
#      there), the version of the .deb, every one of its files in place.
set -uo pipefail

QEMU_WORK=$(realpath "${1:?usage: packages-e2e.sh QEMU_WORK BUILD_DIR SHARED_DIR}")
BUILD_DIR=$(realpath "${2:?usage: packages-e2e.sh QEMU_WORK BUILD_DIR SHARED_DIR}")
SHARED=$(realpath "${3:?usage: packages-e2e.sh QEMU_WORK BUILD_DIR SHARED_DIR}")
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
# shellcheck source=../lib/checks.sh
. "$HERE/../lib/checks.sh"

WORK=$(mktemp -d /tmp/se-attest-packages.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
# shellcheck disable=SC2034 # used by checks.sh
CHECK_TMP=$WORK
cd "$WORK" || exit 1

# one_deb DIR NAME ARCH: the path of the one NAME_*_ARCH.deb in DIR.
one_deb() {
  local found
  found=$(compgen -G "$1/${2}_*_$3.deb") || return 1
  [ "$(printf '%s\n' "$found" | wc -l)" = 1 ] && printf '%s\n' "$found"
}
# deb_files DEB: the paths it installs (files and links, not folders), one a line, sorted.
deb_files() {
  dpkg-deb --fsys-tarfile "$1" | tar -t --no-recursion -v | awk '$1 !~ /^d/ { print }' |
    sed -E 's/^([^ ]+ +){5}//; s/ -> .*$//; s#^\./#/#' | LC_ALL=C sort
}

for arch in amd64 s390x; do
  [ -d "$QEMU_WORK/debs/$arch" ] || die "$QEMU_WORK/debs/$arch: not found (made by qemu-s390x/prepare.sh)"
  for p in se-attest se-attest-agent; do
    deb=$(one_deb "$QEMU_WORK/debs/$arch" "$p" "$arch") || die "not exactly one ${p}_*_$arch.deb in $QEMU_WORK/debs/$arch"
    declare "deb_${p//-/_}_$arch=$deb"
    deb_files "$deb" >"files.$p.$arch" || die "dpkg-deb -c $deb"
  done
done
# shellcheck disable=SC2154 # set with declare above
{ host_amd64=$deb_se_attest_amd64; agent_amd64=$deb_se_attest_agent_amd64; host_s390x=$deb_se_attest_s390x
  agent_s390x=$deb_se_attest_agent_s390x; }
version=$(dpkg-deb -f "$agent_s390x" Version)
echo "# packages: $(for f in files.*; do printf '%s (%s files) ' "${f#files.}" "$(wc -l <"$f")"; done)"
echo "# version $version"

# --- 1. lintian, hardening, blhc, Depends --------------------------------------------------------
for arch in amd64 s390x; do
  dir=$(realpath "$QEMU_WORK/debs/$arch")
  check "check-debs.sh $arch (lintian, hardening-check, blhc, Depends against readelf NEEDED)" \
    bash "$REPO/scripts/check-debs.sh" "$dir"
done
check "both architectures' packages have the one version of debian/changelog" \
  bash -c "for d in \"\$@\"; do [ \"\$(dpkg-deb -f \"\$d\" Version)\" = '$version' ] || exit 1; done; \
           [ '$version' = \"\$(dpkg-parsechangelog -l '$REPO/debian/changelog' -S Version)\" ]" \
  _ "$host_amd64" "$agent_amd64" "$host_s390x" "$agent_s390x"

# --- 2. the amd64 packages in a scratch root, run from their installed paths ----------------------
dpkg -x "$host_amd64" root || die "dpkg -x $host_amd64"
dpkg -x "$agent_amd64" root || die "dpkg -x $agent_amd64"
SE_ATTEST=$WORK/root/usr/bin/se-attest
check "se-attest --help, from the scratch root" bash -c "'$SE_ATTEST' --help | grep -q verify"
check "se-attest-agent --help, from the scratch root" "$WORK/root/usr/bin/se-attest-agent" --help
check "se-attest (scratch root): every shared library found" bash -c "! ldd '$SE_ATTEST' | grep -q 'not found'"
check "se-attest(1) from the package renders without warnings" \
  bash -c "[ -z \"\$(MANWIDTH=80 man --warnings -l root/usr/share/man/man1/se-attest.1.gz 2>&1 >/dev/null)\" ]"
"$SE_ATTEST" verify "$SHARED/interop/hpcr-23.3.0" --key "$SHARED/interop/hpcr-23.3.0.attestation-private.pem" \
  >verify-interop.txt 2>&1
check "interop 23.3.0 (scratch root's se-attest): verify exits 3 (incomplete: no IBM certificate)" test $? = 3
check "interop 23.3.0: verdict INCOMPLETE, nothing failed" grep -Eq '^verdict: INCOMPLETE - [0-9]+ passed, 0 failed' verify-interop.txt
"$SE_ATTEST" verify "$SHARED/interop/hpcr-23.3.0" --key "$SHARED/interop/hpcr-23.3.0.attestation-private.pem" --json \
  >verify-interop.json
check "interop 23.3.0: verify --json exits 3" test $? = 3
check "interop 23.3.0: its JSON report matches docs/verify-report.schema.json" \
  /usr/bin/python3 -c 'import json, jsonschema, sys; jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])))' \
  verify-interop.json "$REPO/docs/verify-report.schema.json"

# --- 3. cmake --install against the packages ------------------------------------------------------
DESTDIR=$WORK/destdir cmake --install "$BUILD_DIR" --prefix /usr >install.log 2>&1 || die "cmake --install: $(tail -3 install.log)"
(cd destdir && find . ! -type d | sed 's#^\.##' | LC_ALL=C sort) >installed.txt
echo "# cmake --install --prefix /usr: $(wc -l <installed.txt) files"
awk 'FNR == 1 { p = FILENAME; sub(/^files\./, "", p); sub(/\.amd64$/, "", p) } { print $0 "\t" p }' \
  files.se-attest.amd64 files.se-attest-agent.amd64 >owners.txt
python3 - installed.txt owners.txt >manifest.txt <<'PY'
import sys
installed = [l.rstrip("\n") for l in open(sys.argv[1]) if l.strip()]
owners = {}
for line in open(sys.argv[2]):
    path, pkg = line.rstrip("\n").split("\t")
    owners.setdefault(path, []).append(pkg)
for f in installed:
    # dh_compress gzips man pages and documentation.
    found = owners.get(f, []) + owners.get(f + ".gz", [])
    print(f"{len(found)}\t{f}\t{' '.join(found) or '-'}")
PY
check "every file of cmake --install --prefix /usr is in exactly one package" \
  bash -c "awk -F'\t' '\$1 != 1 { print; bad = 1 } END { exit bad }' manifest.txt"
cut -f2- manifest.txt | tr '\t' ' ' | sed 's/^/#   /'
# What the packages add to the install: Debian's documentation (copyright, changelog) and the
# lintian overrides of debian/ (each with its reason) only.
cut -f1 owners.txt | grep -vxFf installed.txt | grep -vxFf <(sed 's/$/.gz/' installed.txt) >extra.txt
check "the packages hold nothing beyond the install but /usr/share/doc/<package>/ and lintian overrides" \
  bash -c "! grep -v -e '^/usr/share/doc/se-attest\(-agent\)\?/' -e '^/usr/share/lintian/overrides/se-attest\(-agent\)\?\$' extra.txt"
for f in /usr/bin/se-attest-agent /usr/lib/se-attest/se-attest-root /usr/lib/dracut/modules.d/50se-attest/module-setup.sh; do
  check "se-attest-agent has $f; se-attest does not" \
    bash -c "grep -qxF '$f' files.se-attest-agent.amd64 && ! grep -qxF '$f' files.se-attest.amd64"
done
check "se-attest-agent has the initramfs-tools hook and script" \
  bash -c "grep -q '^/usr/share/initramfs-tools/hooks/' files.se-attest-agent.amd64 && grep -q '^/usr/share/initramfs-tools/scripts/' files.se-attest-agent.amd64"
check "se-attest has /usr/bin/se-attest, its man page and bash completion; se-attest-agent none of them" \
  bash -c "for f in /usr/bin/se-attest /usr/share/man/man1/se-attest.1.gz /usr/share/bash-completion/completions/se-attest; do
             grep -qxF \$f files.se-attest.amd64 && ! grep -qxF \$f files.se-attest-agent.amd64 || { echo \$f; exit 1; }; done"
for p in se-attest se-attest-agent; do
  check "$p: the s390x package holds the same paths as the amd64 one" diff "files.$p.amd64" "files.$p.s390x"
done

# --- 4. the s390x tree: dpkg -i succeeded there ---------------------------------------------------
tree=$QEMU_WORK/tree
# shellcheck disable=SC2016 # dpkg-query's format
check "s390x tree: dpkg has se-attest-agent $version (s390x) installed (its Depends met by the tree)" \
  bash -c "[ \"\$(dpkg-query --admindir='$tree/var/lib/dpkg' -W -f '\${Version} \${Architecture} \${db:Status-Status}' se-attest-agent)\" = '$version s390x installed' ]"
check "s390x tree: every file of the package in place, as dpkg lists it" \
  bash -c "missing=0; while IFS= read -r f; do [ -e '$tree'\"\$f\" ] || [ -L '$tree'\"\$f\" ] || { echo \"missing \$f\"; missing=1; }; done <files.se-attest-agent.s390x; exit \$missing"
check "s390x tree: its /usr/bin/se-attest-agent is the package's (same bytes)" \
  bash -c "dpkg-deb --fsys-tarfile '$agent_s390x' | tar -xO ./usr/bin/se-attest-agent | cmp - '$tree/usr/bin/se-attest-agent'"
finish
