#!/usr/bin/env bash
# Check the Debian packages that scripts/build-debs.sh left in OUTDIR (one architecture or both:
# every *.changes there).
#
#   scripts/check-debs.sh OUTDIR...
#
# For each architecture: the two packages are there (se-attest, se-attest-agent); lintian
# reports no error and no warning (overrides, each with its reason, are in debian/); every ELF
# file the packages ship passes hardening-check (PIE, stack protector, fortify source, full
# RELRO, BIND_NOW); blhc finds Debian's build flags on every compile and link of build.log; and
# every library an ELF file needs (readelf NEEDED) is provided by a package of its Depends, and
# every library package in Depends is needed by some file. Prints what it checked; exits 1 on
# any finding.
#
# The library -> package mapping comes from a dpkg database of the packages' architecture: this
# machine's for its own architecture; for another (s390x), the tree of qemu-s390x/make-tree.sh
# (SE_ATTEST_S390X_TREE, default build/cache/tree) when it exists, else this machine's (Debian's
# library packages have the same names on every architecture).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
[ $# -ge 1 ] || { echo "usage: $0 OUTDIR..." >&2; exit 2; }
bash "$repo/scripts/install-deps.sh" deb

failures=0
fail() { printf 'FAIL: %s\n' "$*"; failures=$((failures + 1)); }
ok() { printf 'ok: %s\n' "$*"; }

work=$(mktemp -d "${TMPDIR:-/tmp}/se-attest-check-debs.XXXXXX")
trap 'rm -rf -- "$work"' EXIT
build_arch=$(dpkg-architecture -qDEB_BUILD_ARCH)

# owners ARCH SONAME: the package(s) (without :arch) whose file SONAME is in ARCH's library dirs.
owners() {
  local arch=$1 soname=$2 ma admin=()
  ma=$(dpkg-architecture -a"$arch" -qDEB_HOST_MULTIARCH 2>/dev/null)
  if [ "$arch" != "$build_arch" ]; then
    local tree=${SE_ATTEST_S390X_TREE:-$repo/build/cache/tree}
    if [ -f "$tree/var/lib/dpkg/status" ]; then
      admin=(--admindir="$tree/var/lib/dpkg")
    else
      ma=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
    fi
  fi
  # (/lib and /lib64: the dynamic loader, NEEDED on some architectures, e.g. ld64.so.1 on s390x.)
  dpkg-query "${admin[@]}" -S "/lib/$ma/$soname" "/usr/lib/$ma/$soname" "/lib/$soname" \
    "/lib64/$soname" 2>/dev/null |
    sed 's/: .*//; s/, /\n/g' | sed 's/:.*//' | sort -u || true
}

check_changes() {
  local changes=$1 dir arch version deb pkg
  dir=$(dirname -- "$changes")
  arch=$(sed -n 's/^Architecture: //p' "$changes")
  version=$(sed -n 's/^Version: //p' "$changes")
  echo "== $arch ($version): $dir"

  # The packages.
  local debs=()
  for pkg in se-attest se-attest-agent; do
    deb=$dir/${pkg}_${version}_$arch.deb
    if [ -f "$deb" ]; then debs+=("$deb"); else fail "$arch: no $deb"; fi
  done
  ok "$arch: packages: ${debs[*]##*/}"

  # lintian: no error, no warning (info tags are shown, not failures).
  local lout=$work/lintian-$arch.txt rc=0
  lintian --info --display-info --fail-on error,warning "$changes" >"$lout" 2>&1 || rc=$?
  grep -v '^running with root privileges' "$lout" | grep -E '^[EWIPOX]:' | sed 's/^/  /' || true
  if [ "$rc" -eq 0 ] && ! grep -qE '^[EW]:' "$lout"; then
    ok "$arch: lintian: no errors, no warnings"
  else
    fail "$arch: lintian (exit $rc)"
  fi

  # blhc: Debian's flags on every compile and link line of the build log.
  if [ -f "$dir/build.log" ]; then
    rc=0
    local bout
    # --bindnow: debian/rules asks for hardening=+all, so BIND_NOW is required. PIE is left to
    # blhc's detection: Debian 12's GCC builds PIE by default, dpkg-buildflags adds no -fPIE
    # (hardening-check below sees PIE in every shipped ELF file).
    bout=$(blhc --bindnow "$dir/build.log" 2>&1) || rc=$?
    if [ "$rc" -eq 0 ]; then
      ok "$arch: blhc --bindnow $dir/build.log: $(grep -cE '(^|[ /-])(g\+\+|gcc|c\+\+)(-[0-9]+)? ' "$dir/build.log") compiler lines, all with Debian's flags"
    else
      printf '%s\n' "$bout" | head -n 40 | sed 's/^/  /'
      fail "$arch: blhc (exit $rc)"
    fi
  else
    fail "$arch: no build.log in $dir (blhc)"
  fi

  for deb in "${debs[@]}"; do
    local name root depends
    name=$(dpkg-deb -f "$deb" Package)
    root=$work/$arch/$name
    mkdir -p "$root"
    dpkg-deb -x "$deb" "$root"
    depends=$(dpkg-deb -f "$deb" Depends)
    local dep_pkgs
    dep_pkgs=$(printf '%s\n' "$depends" | sed 's/[,|]/\n/g' | sed 's/([^)]*)//; s/:any//; s/^ *//; s/ *$//' | sed '/^$/d' | sort -u)
    local needed_pkgs=() elf elves=0
    while IFS= read -r -d '' elf; do
      readelf -h "$elf" >/dev/null 2>&1 || continue
      elves=$((elves + 1))
      local rel=${elf#"$root"}
      # hardening-check: PIE, stack protector, fortify, RELRO, BIND_NOW.
      local hout
      rc=0
      # --nocfprotection: control-flow protection (-fcf-protection, x86 CET) is not among Debian
      # 12's build flags (dpkg-buildflags has it from dpkg 1.22) and does not exist on s390x.
      # Stack clash protection is reported but never fails (hardening-check: "unknown" when
      # it cannot disassemble, as for s390x).
      hout=$(hardening-check --nocfprotection "$elf" 2>/dev/null) || rc=$?
      if [ "$rc" -eq 0 ]; then
        ok "$arch: hardening-check $name:$rel ($(printf '%s\n' "$hout" | sed -n 's/^ \+//p' | paste -sd';' | sed 's/;/; /g'))"
      else
        printf '%s\n' "$hout" | sed 's/^/  /'
        fail "$arch: hardening-check $name:$rel"
      fi
      # readelf NEEDED -> packages, each in Depends.
      local soname
      while read -r soname; do
        local owner
        owner=$(owners "$arch" "$soname")
        if [ -z "$owner" ]; then
          fail "$arch: $name:$rel needs $soname, which no package of the $arch dpkg database provides"
          continue
        fi
        local o found=0
        for o in $owner; do
          needed_pkgs+=("$o")
          if grep -qxF "$o" <<<"$dep_pkgs"; then found=1; fi
        done
        if [ "$found" -eq 1 ]; then
          ok "$arch: $name:$rel NEEDED $soname ($owner) is in Depends"
        else
          fail "$arch: $name:$rel NEEDED $soname ($owner), not in Depends: $depends"
        fi
      done < <(readelf -d "$elf" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
    done < <(find "$root" -type f -print0)
    [ "$elves" -gt 0 ] || fail "$arch: $name ships no ELF file"
    # The other way round: every library package in Depends is needed by some file.
    local d
    for d in $dep_pkgs; do
      case $d in lib*) ;; *) continue ;; esac
      if printf '%s\n' "${needed_pkgs[@]}" | grep -qxF "$d"; then :; else
        fail "$arch: $name Depends on $d, which no shipped ELF file needs"
      fi
    done
    ok "$arch: $name Depends: $depends"
  done
}

n=0
for outdir in "$@"; do
  for changes in "$outdir"/se-attest_*.changes; do
    [ -f "$changes" ] || continue
    check_changes "$changes"
    n=$((n + 1))
  done
done
[ "$n" -gt 0 ] || fail "no se-attest_*.changes in $*"

if [ "$failures" -gt 0 ]; then
  echo "check-debs: $failures finding(s)"
  exit 1
fi
echo "check-debs: $n architecture(s), no findings"
