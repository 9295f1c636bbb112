#!/usr/bin/env bash
# Build the Debian packages se-attest and se-attest-agent for one architecture.
#
#   scripts/build-debs.sh ARCH OUTDIR        ARCH: amd64 (native) | s390x (cross)
#
# dpkg-buildpackage builds them from a scratch copy of the source (the checkout's files, tracked
# and new, not the ignored build folders) in a temporary folder, never in the checkout or its
# parent. OUTDIR receives exactly se-attest_VERSION_ARCH.deb, se-attest-agent_VERSION_ARCH.deb,
# their .buildinfo and .changes, and build.log (dpkg-buildpackage's log, for blhc); VERSION is
# debian/changelog's. scripts/check-debs.sh OUTDIR checks them.
#
# amd64: a native build on an amd64 machine, with Debian's flags (dpkg-buildflags, hardening=+all)
#   and the unit tests (ctest -L unit).
# s390x: a cross build with g++-s390x-linux-gnu, cmake/s390x-linux-gnu.cmake and the sysroot of
#   qemu-s390x/make-sysroot.sh (SE_ATTEST_S390X_SYSROOT, default build-s390x/sysroot; made if
#   missing), DEB_BUILD_OPTIONS=nocheck. The Depends are computed by dpkg-shlibdeps from the
#   s390x libraries' own shlibs and symbols files, read from the dpkg database of an s390x Debian
#   tree: SE_ATTEST_S390X_TREE, default build/cache/tree (qemu-s390x/make-tree.sh).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
log() { printf '[build-debs] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

[ $# -eq 2 ] || die "usage: $0 amd64|s390x OUTDIR"
arch=$1
outdir=$2
start=$(date +%s)

bash "$repo/scripts/install-deps.sh" deb
build_arch=$(dpkg-architecture -qDEB_BUILD_ARCH)
buildpackage=(dpkg-buildpackage --build=binary --no-sign)
declare -a env_extra=()
case $arch in
  amd64)
    [ "$build_arch" = amd64 ] || die "amd64 packages are built natively, on an amd64 machine"
    env_extra+=("DEB_BUILD_OPTIONS=parallel=$(nproc)") ;;
  s390x)
    [ "$build_arch" != s390x ] || die "s390x packages are cross-built here; on s390x use dpkg-buildpackage"
    sysroot=${SE_ATTEST_S390X_SYSROOT:-$repo/build-s390x/sysroot}
    tree=${SE_ATTEST_S390X_TREE:-$repo/build/cache/tree}
    bash "$repo/qemu-s390x/make-sysroot.sh" "$sysroot"
    sysroot=$(cd "$sysroot" && pwd)
    dpkg-query --admindir="$tree/var/lib/dpkg" -W libc6:s390x >/dev/null 2>&1 ||
      die "no s390x dpkg database at $tree/var/lib/dpkg (make the tree with qemu-s390x/make-tree.sh, or set SE_ATTEST_S390X_TREE): dpkg-shlibdeps reads the libraries' shlibs and symbols files there"
    tree=$(cd "$tree" && pwd)
    # -d: the build dependencies are the sysroot's, not packages of this machine's dpkg.
    buildpackage+=(--host-arch=s390x --build-profiles=nocheck -d)
    env_extra+=("DEB_BUILD_OPTIONS=nocheck parallel=$(nproc)" CC=s390x-linux-gnu-gcc CXX=s390x-linux-gnu-g++
                "SE_ATTEST_SYSROOT=$sysroot" "SE_ATTEST_DPKG_ROOT=$tree") ;;
  *) die "ARCH must be amd64 or s390x, not '$arch'" ;;
esac

version=$(dpkg-parsechangelog -l "$repo/debian/changelog" -S Version)
scratch=$(mktemp -d "${TMPDIR:-/tmp}/se-attest-debs.XXXXXX")
trap 'rm -rf -- "$scratch"' EXIT
src=$scratch/se-attest-$version

# The source: what git knows (tracked files that still exist, and new files not ignored).
log "copying the source into $src"
mkdir -p "$src"
(cd "$repo" && git ls-files -z --cached --others --exclude-standard |
  while IFS= read -r -d '' f; do
    if [ -e "$f" ] || [ -L "$f" ]; then printf '%s\0' "$f"; fi
  done | tar --null --no-recursion -T - -cf -) | tar -xf - -C "$src"
# The unit tests read the interop vectors from ../shared beside the source.
if [ -d "$repo/../shared" ]; then
  ln -s "$(cd "$repo/../shared" && pwd)" "$scratch/shared"
fi

mkdir -p "$outdir"
outdir=$(cd "$outdir" && pwd)
rm -f -- "$outdir"/se-attest*_*_"$arch".deb "$outdir"/se-attest_*_"$arch".buildinfo \
  "$outdir"/se-attest_*_"$arch".changes "$outdir/build.log"

log "dpkg-buildpackage ${buildpackage[*]:1} (${env_extra[*]}) -> $outdir/build.log"
rc=0
(cd "$src" && env "${env_extra[@]}" "${buildpackage[@]}") >"$outdir/build.log" 2>&1 || rc=$?
if [ "$rc" -ne 0 ]; then
  tail -n 60 "$outdir/build.log" >&2
  die "dpkg-buildpackage failed (exit $rc); the whole log: $outdir/build.log"
fi

for f in "se-attest_${version}_$arch.deb" "se-attest-agent_${version}_$arch.deb" \
         "se-attest_${version}_$arch.buildinfo" "se-attest_${version}_$arch.changes"; do
  [ -f "$scratch/$f" ] || die "dpkg-buildpackage did not make $f"
  cp -- "$scratch/$f" "$outdir/"
done
extra=$(find "$scratch" -maxdepth 1 -type f \( -name '*.deb' -o -name '*.ddeb' \) \
          ! -name "se-attest_${version}_$arch.deb" ! -name "se-attest-agent_${version}_$arch.deb")
[ -z "$extra" ] || die "unexpected packages: $extra"

end=$(date +%s)
log "built in $((end - start)) s:"
(cd "$outdir" && ls -l -- *"_$arch".deb) >&2
echo "build-debs: $arch packages in $outdir, $((end - start)) s"
