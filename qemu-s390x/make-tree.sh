#!/usr/bin/env bash
# make-tree.sh DIR: an s390x Debian 12 tree with the kernel, systemd, udev, dracut and
# initramfs-tools, cryptsetup and dmsetup (the real root on a LUKS2 disk), and the libraries
# se-attest-agent links (as its package would depend on them), made with mmdebstrap from this
# machine's own apt sources. Maintainer scripts run under qemu-user (binfmt_misc), so this takes
# minutes: the tree is kept and reused while its stamp (the package list and this script)
# matches. As root.
set -euo pipefail

dir=${1:?usage: make-tree.sh DIR}
here=$(cd "$(dirname "$0")" && pwd)
PACKAGES=systemd,udev,dracut-core,initramfs-tools,linux-image-s390x,util-linux,e2fsprogs,kmod,tar,gzip,busybox-static,libssl3,libyaml-cpp0.7,libblkid1,libsystemd0,cryptsetup-bin,dmsetup
stamp_want=$(printf '%s\n' "$PACKAGES" | cat - "$0" | sha256sum | cut -c1-64)
if [ -f "$dir.stamp" ] && [ "$(cat "$dir.stamp")" = "$stamp_want" ] && [ -d "$dir/boot" ]; then
  echo "make-tree: reusing $dir"
  exit 0
fi

"$here/host-setup.sh"

rm -rf "$dir" "$dir.partial" "$dir.stamp"
mkdir -p "$(dirname "$dir")"
start=$(date +%s)
# No initramfs while the kernel is installed: initrds are made later, with the agent in them.
mmdebstrap --variant=minbase --architectures=s390x --include="$PACKAGES" \
  --essential-hook='chroot "$1" dpkg-divert --quiet --local --rename --add /usr/sbin/update-initramfs && ln -s /bin/true "$1/usr/sbin/update-initramfs"' \
  --customize-hook='rm "$1/usr/sbin/update-initramfs" && chroot "$1" dpkg-divert --quiet --local --rename --remove /usr/sbin/update-initramfs' \
  bookworm "$dir.partial" /etc/apt/sources.list.d/debian.sources
kver=$(ls "$dir.partial/lib/modules")
# The kernel package ships no modules.dep.
depmod -b "$dir.partial" "$kver"
mv "$dir.partial" "$dir"
echo "$stamp_want" >"$dir.stamp"
echo "make-tree: $dir (kernel $kver) in $(($(date +%s) - start)) s"
