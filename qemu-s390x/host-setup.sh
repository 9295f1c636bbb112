#!/usr/bin/env bash
# What the QEMU harness needs on this host: packages from Debian (the set "qemu" of
# scripts/install-deps.sh), and binfmt_misc with qemu-s390x registered, so s390x programs run in
# a chroot (mmdebstrap, dracut, mkinitramfs). As root.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh qemu

if ! mountpoint -q /proc/sys/fs/binfmt_misc; then
  mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
fi
if [ ! -e /proc/sys/fs/binfmt_misc/qemu-s390x ]; then
  cat /usr/lib/binfmt.d/qemu-s390x.conf >/proc/sys/fs/binfmt_misc/register
fi
