#!/usr/bin/env bash
# Make an s390x (big-endian) Debian bookworm sysroot for the cross build of se-attest.
#
#   qemu-s390x/make-sysroot.sh [DIR]        (default DIR: <repo>/build-s390x/sysroot)
#
# The sysroot is made with `mmdebstrap --variant=extract` (only unpacks the packages, runs no
# maintainer scripts, changes nothing on the host) from the machine's own apt sources file.
# It is cached: a stamp file inside DIR records the package list it was made for, and a second
# run with the same list does nothing. A different list makes it anew.
#
# Host prerequisites (mmdebstrap, arch-test, qemu-user-static, g++-s390x-linux-gnu, pkg-config)
# are installed with apt-get when missing; that needs root (or sudo).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir=${1:-${SE_ATTEST_S390X_SYSROOT:-$repo/build-s390x/sysroot}}
suite=bookworm
arch=s390x
sources=/etc/apt/sources.list.d/debian.sources
packages=libssl-dev,libblkid-dev,libyaml-cpp-dev,libsystemd-dev,libc6-dev,libstdc++-12-dev,libgtest-dev,libgmock-dev
# Bump when the way the tree is post-processed changes, so old caches are remade.
layout=2
stamp_name=.se-attest-sysroot.stamp
stamp_text="suite=$suite arch=$arch layout=$layout packages=$packages"

log() { printf '[make-sysroot] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# ---- host prerequisites ----------------------------------------------------------------------
# scripts/install-deps.sh holds the package lists ("cross": mmdebstrap, qemu-user-static, ...).
bash "$repo/scripts/install-deps.sh" cross

# ---- cache check -----------------------------------------------------------------------------
if [ -f "$dir/$stamp_name" ] && [ "$(cat "$dir/$stamp_name")" = "$stamp_text" ]; then
  log "sysroot up to date: $dir"
  exit 0
fi

if [ -e "$dir" ]; then
  if [ -f "$dir/$stamp_name" ]; then
    log "sysroot was made for another package list; making it anew"
    rm -rf -- "$dir"
  elif [ -d "$dir" ] && [ -z "$(ls -A -- "$dir")" ]; then
    rmdir -- "$dir"
  else
    die "$dir exists and is not a sysroot made by this script; remove it or choose another DIR"
  fi
fi

[ -r "$sources" ] || die "no apt sources file at $sources"

# Build into a fresh temporary directory beside DIR and move it into place only when complete,
# so an interrupted run never leaves a half-made sysroot that looks finished.
parent=$(dirname -- "$dir")
mkdir -p -- "$parent"
tmp=$(mktemp -d -- "$dir.partial.XXXXXX")
trap 'rm -rf -- "$tmp"' EXIT

log "mmdebstrap $suite/$arch into $dir"
mmdebstrap --quiet --variant=extract --architectures="$arch" --include="$packages" \
  "$suite" "$tmp" "$sources"

# ---- make the tree usable as a sysroot -------------------------------------------------------
# --variant=extract leaves absolute symlinks (usr/lib/s390x-linux-gnu/libfoo.so ->
# /lib/s390x-linux-gnu/libfoo.so.1). Seen from the host they point into the host's /, so make
# every absolute link relative to the tree. find does not follow links, so each link's parent
# directory is a real path inside the tree and a lexical relative path is exact.
fixed=0
while IFS= read -r -d '' link; do
  target=$(readlink -- "$link")
  case $target in
    /*) rel=$(realpath -s -m --relative-to="$(dirname -- "$link")" -- "$tmp$target")
        ln -sfn -- "$rel" "$link"
        fixed=$((fixed + 1)) ;;
  esac
done < <(find "$tmp" -type l -print0)
log "made $fixed absolute symlinks relative"

# Sanity checks: the libraries the build links must resolve inside the tree.
for f in usr/lib/s390x-linux-gnu/libcrypto.so usr/lib/s390x-linux-gnu/libblkid.so \
         usr/lib/s390x-linux-gnu/libsystemd.so usr/lib/s390x-linux-gnu/libyaml-cpp.so \
         usr/lib/s390x-linux-gnu/libgtest.a lib/ld64.so.1; do
  [ -e "$tmp/$f" ] || die "sysroot lacks $f (or it is a dangling link)"
done

printf '%s\n' "$stamp_text" > "$tmp/$stamp_name"
mv -T -- "$tmp" "$dir"
trap - EXIT
log "sysroot ready: $dir ($(du -sh -- "$dir" | cut -f1))"
