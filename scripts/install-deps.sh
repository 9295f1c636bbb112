#!/usr/bin/env bash
# The one place that installs Debian packages for se-attest (Debian 12), and the lists of them.
#
#   scripts/install-deps.sh [SET|PACKAGE]...
#
# Always the packages that building and testing se-attest need (set "base"), and besides them
# every SET named (below) and every PACKAGE. Runs apt-get only when something is missing; as
# root, or through sudo.
set -euo pipefail

declare -A SETS=(
  [base]="cmake g++ make pkg-config
          libssl-dev libblkid-dev libyaml-cpp-dev libsystemd-dev
          libgtest-dev libgmock-dev libbenchmark-dev
          openssl e2fsprogs fdisk util-linux coreutils dmsetup cryptsetup-bin
          python3 python3-jsonschema python3-yaml
          valgrind
          groff-base man-db"
  # The s390x cross build, and its unit tests under qemu-user (qemu-s390x/make-sysroot.sh,
  # test-s390x.sh).
  [cross]="mmdebstrap arch-test qemu-user-static g++-s390x-linux-gnu file"
  # The QEMU harness (qemu-s390x/host-setup.sh): the cross build, the s390x Debian tree, its
  # boots, the cidata images (ISO9660, vfat), luksDump of the encrypted root partition, and the
  # scenarios' byte searches and AES-XTS decryption (python3).
  [qemu]="cross qemu-system-misc genisoimage dosfstools mtools kmod cryptsetup-bin python3 python3-cryptography"
  # The Debian packages (scripts/build-debs.sh, check-debs.sh): dpkg-buildpackage and debhelper,
  # lintian, hardening-check (devscripts), blhc, readelf (binutils; s390x objects too).
  [deb]="debhelper dpkg-dev fakeroot devscripts lintian blhc binutils python3"
)

# expand NAME...: the packages of each NAME, a SET's (recursively) or a package's own.
expand() {
  local name
  for name in "$@"; do
    if [ -n "${SETS[$name]+set}" ]; then
      # shellcheck disable=SC2086  # a set is a list of words
      expand ${SETS[$name]}
    else
      echo "$name"
    fi
  done
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else echo "install-deps: needs root to run: $*" >&2; exit 1; fi
}

missing=()
for p in $(expand base "$@" | sort -u); do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
