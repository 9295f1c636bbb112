#!/usr/bin/env bash
# Installs what building and testing se-attest needs on Debian 12, from Debian's packages.
# Runs apt-get only when something is missing. As root.
set -euo pipefail

PACKAGES=(
  cmake g++ make pkg-config
  libssl-dev libblkid-dev libyaml-cpp-dev libsystemd-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  openssl e2fsprogs fdisk util-linux coreutils dmsetup
  python3 python3-jsonschema python3-yaml
  valgrind
)
missing=()
for p in "${PACKAGES[@]}" "$@"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
