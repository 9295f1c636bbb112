#!/usr/bin/env bash
# prepare.sh WORK: everything the QEMU scenarios share, made once per run into WORK:
#   - the Debian packages (scripts/build-debs.sh): se-attest-agent for s390x and se-attest for
#     this host (amd64), made anew when the sources changed (see debs below);
#   - an s390x Debian tree (cached, see make-tree.sh) with se-attest-agent_*_s390x.deb installed
#     into it as a builder would: `dpkg -i` inside the tree (s390x maintainer scripts under
#     qemu-user), which also checks that the package's Depends are met by the tree;
#   - the host command from the amd64 se-attest package unpacked (`dpkg -x`) into WORK/host-root
#     and run from its installed path, WORK/host-root/usr/bin/se-attest (WORK/se-attest links to
#     it): keygen and seal here (the builder), encrypt and verify in scenario.sh (the auditor);
#   - keys, the demo root (busybox + an init that reports /var/hyperprotect, and 4 KiB of random
#     bytes at /etc/se-attest-marker, kept as WORK/root-marker.bin) as root.tar.gz in an ext4 root
#     partition on a GPT disk (partition 1, PARTLABEL=se-root), with the root's SBOM (SPDX JSON)
#     beside it at /boot/sbom.spdx.json, and an empty 64 MiB partition 2 (PARTLABEL=se-rootfs)
#     for the encrypted real root; sealed with `se-attest seal` (record profile hpcr-2026, the
#     default: the keys' certificates, --sbom, the build time from SOURCE_DATE_EPOCH = the
#     commit's time, kept in WORK/build-time) into the tree's /etc/se-attest, and again with
#     `--root-disk PARTLABEL=se-rootfs` into /etc/se-attest-encrypted (WORK/sealed-encrypted),
#     both with seal's default root digest, sha256-4m (checked against the coreutils line);
#     and once with `--record-profile hpcr-2023` into WORK/sealed-hpcr-2023 only: it gets no
#     initrd of its own (minutes under qemu-user), the scenario that boots it lays that seal's
#     agent.yaml over the dracut initrd (scenario.sh, initrd dracut+hpcr-2023); likewise with
#     `--token-prefix contract-basic` into WORK/sealed-contract-basic (initrd
#     dracut+contract-basic: the record as IBM's CCRT/CCRV write it), and with `--root-digest
#     sha256` into WORK/sealed-sha256 (initrd dracut+journal+sha256: an image sealed with the flat
#     digest, as before sha256-4m);
#   - a dracut initrd (systemd) and an initramfs-tools initrd (busybox), made inside the tree, and
#     the same two of the encrypted configuration (initrd-*-encrypted.img).
# As root. SE_ATTEST_CACHE (default build/cache) keeps the Debian tree across runs.
# SE_ATTEST_DEBS (default build/debs) holds the packages, one folder per architecture
# (build/debs/s390x, build/debs/amd64, as scripts/build-debs.sh ARCH OUTDIR leaves them). With the
# default, a folder is built anew when the sources' stamp (every file git knows of or would add,
# by content) differs from the one it was built from; a folder given in SE_ATTEST_DEBS is used as
# it is (e.g. the packages CI built and checked before the boots).
# SE_ATTEST_ROOT_SIZE (unset: 32M) makes the root partition that big (mkfs.ext4 sizes: 64M, 512M)
# and fills the space root.tar.gz leaves free with one file of random bytes, so that every byte
# the agent hashes costs a real read (no sparse zeros): for benchmarks (bench-boot.sh).
set -euo pipefail

work=${1:?usage: prepare.sh WORK}
repo=$(cd "$(dirname "$0")/.." && pwd)
cache=${SE_ATTEST_CACHE:-$repo/build/cache}
shared=$(cd "${SE_ATTEST_SHARED_DIR:-$repo/../shared}" && pwd)
# shellcheck source=../tests/lib/images.sh
. "$repo/tests/lib/images.sh"

step() { printf '\n==== %s\n' "$*"; }
t0=$(date +%s)

step "host setup"
"$repo/qemu-s390x/host-setup.sh"

step "s390x Debian tree"
"$repo/qemu-s390x/make-tree.sh" "$cache/tree"

# debs ARCH: the folder holding se-attest{,-agent}_<version>_ARCH.deb, built if need be.
debs() {
  local arch=$1 dir stamp p
  if [ -n "${SE_ATTEST_DEBS:-}" ]; then
    dir=$(cd "$SE_ATTEST_DEBS/$arch" && pwd) || return 1
  else
    dir=$repo/build/debs/$arch
    stamp=$(cd "$repo" && git ls-files -z --cached --others --exclude-standard |
      LC_ALL=C sort -z | xargs -0 sha256sum 2>/dev/null | sha256sum | cut -c1-64)
    if [ "$(cat "$dir.stamp" 2>/dev/null)" != "$stamp" ] ||
      ! compgen -G "$dir/se-attest-agent_*_$arch.deb" >/dev/null; then
      rm -f "$dir.stamp"
      # s390x: dpkg-shlibdeps reads the s390x libraries' shlibs and symbols in the tree's dpkg database.
      SE_ATTEST_S390X_TREE=$cache/tree bash "$repo/scripts/build-debs.sh" "$arch" "$dir" >&2 || return 1
      echo "$stamp" >"$dir.stamp"
    fi
  fi
  for p in se-attest se-attest-agent; do
    [ "$(compgen -G "$dir/${p}_*_$arch.deb" | wc -l)" = 1 ] || {
      echo "prepare: not exactly one ${p}_*_$arch.deb in $dir" >&2
      return 1
    }
  done
  echo "$dir"
}
step "the packages: se-attest-agent for s390x, se-attest for this host"
t1=$(date +%s)
debs_s390x=$(debs s390x)
debs_amd64=$(debs amd64)
agent_deb=$(compgen -G "$debs_s390x/se-attest-agent_*_s390x.deb")
host_deb=$(compgen -G "$debs_amd64/se-attest_*_amd64.deb")
echo "${agent_deb#"$repo"/} ${host_deb#"$repo"/} ($(($(date +%s) - t1)) s)"

# Never rm -rf through a bind mount of /dev left by an interrupted run.
cleanup() {
  local m
  for m in dev/pts dev proc sys; do umount "$work/tree/$m" 2>/dev/null || true; done
  if grep -q " $work/" /proc/mounts; then
    echo "prepare: still mounted under $work:" >&2
    grep " $work/" /proc/mounts >&2
    return 1
  fi
}
[ ! -d "$work" ] || cleanup
rm -rf "$work" && mkdir -p "$work"
cd "$work"
trap cleanup EXIT

step "the image's tree: a copy of the cached one, se-attest-agent installed with dpkg -i"
cp -a "$cache/tree" tree
# As an image build installs a package: dpkg inside the tree, its maintainer scripts as s390x
# programs under qemu-user. dpkg refuses a package whose Depends the tree does not satisfy.
cp "$agent_deb" tree/tmp/
# The tree's /dev, /proc and /sys stay mounted until the initrds are made (cleanup).
mount --bind /dev tree/dev
mount --bind /dev/pts tree/dev/pts
mount -t proc proc tree/proc
mount -t sysfs sysfs tree/sys
t1=$(date +%s)
chroot tree dpkg -i "/tmp/${agent_deb##*/}"
echo "dpkg -i: $(($(date +%s) - t1)) s"
rm "tree/tmp/${agent_deb##*/}"
# shellcheck disable=SC2016 # dpkg-query's format, not the shell's
chroot tree dpkg-query -W -f '${Package} ${Version} ${Architecture} ${db:Status-Status}\n' se-attest-agent
# shellcheck disable=SC2016
[ "$(chroot tree dpkg-query -W -f '${db:Status-Status}' se-attest-agent)" = installed ]
file -L tree/usr/bin/se-attest-agent
kver=$(ls tree/lib/modules)
cp "tree/boot/vmlinuz-$kver" kernel

step "the host command: the amd64 se-attest package, unpacked into host-root, run from there"
dpkg -x "$host_deb" host-root
se_attest=$work/host-root/usr/bin/se-attest
"$se_attest" --help >/dev/null
echo "$(dpkg-deb -f "$host_deb" Package Version Architecture | sed 's/^[^:]*: //' | paste -sd' ') -> ${se_attest#"$work"/}"

step "keys: the development set, a second set for the production image, an auditor's key"
"$se_attest" keygen keys
# Keys sealed into a development image are readable by whoever has it: the production image must
# not share them (threat-model.md).
"$se_attest" keygen keys-production >/dev/null
openssl x509 -pubkey -noout -in keys/attestation.crt >attestation.pub
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:4096 -out auditor.key 2>/dev/null
openssl pkey -in auditor.key -pubout -out auditor.pub
ln -s host-root/usr/bin/se-attest se-attest
# Where the packages came from (tests/e2e/packages-e2e.sh checks them and this tree's install).
mkdir debs && ln -s "$debs_s390x" debs/s390x && ln -s "$debs_amd64" debs/amd64
ln -s "$shared" shared
git -C "$repo" rev-parse --short HEAD 2>/dev/null >commit-id || echo unknown >commit-id

step "the demo root: busybox and an init, as root.tar.gz in the root partition"
mkdir -p demo-root/{bin,sbin,dev,proc,sys,run,tmp,var,etc}
cp tree/bin/busybox demo-root/bin/busybox
install -m 0755 "$repo/qemu-s390x/demo-root-init" demo-root/sbin/init
echo "se-attest demo root" >demo-root/etc/motd
# Plaintext that the encrypted scenarios look for on the raw disk (it must not be there).
head -c 4096 /dev/urandom >root-marker.bin
install -m 0644 root-marker.bin demo-root/etc/se-attest-marker
# systemd switches only into a root that looks like an OS tree.
printf 'NAME="se-attest demo root"\nID=se-attest-demo\n' >demo-root/etc/os-release
make_root_partition demo-root root-part.img "${SE_ATTEST_ROOT_SIZE:-32M}"
# The root's SBOM (SPDX 2.3 JSON), which a builder puts beside root.tar.gz in the root partition
# and seals with --sbom: the agent measures it at boot and copies it into the record folder. Also
# in root-part.img.rootfs/, the host's copy of what the partition holds (the scenarios' reference).
git -C "$repo" log -1 --format=%ct >build-time 2>/dev/null || date +%s >build-time
busybox_version=$(awk '/^Package: busybox-static$/ { p = 1 } p && /^Version:/ { print $2; exit }' tree/var/lib/dpkg/status)
sbom=root-part.img.rootfs/boot/sbom.spdx.json
cat >"$sbom" <<SBOM
{
  "spdxVersion": "SPDX-2.3",
  "dataLicense": "CC0-1.0",
  "SPDXID": "SPDXRef-DOCUMENT",
  "name": "se-attest demo root",
  "documentNamespace": "https://se-attest.invalid/spdx/demo-root/$(cat commit-id)",
  "creationInfo": {
    "created": "$(date -u -d "@$(cat build-time)" +%Y-%m-%dT%H:%M:%SZ)",
    "creators": ["Tool: se-attest qemu-s390x/prepare.sh"]
  },
  "packages": [
    {
      "name": "busybox-static",
      "SPDXID": "SPDXRef-Package-busybox-static",
      "versionInfo": "${busybox_version:-NOASSERTION}",
      "downloadLocation": "NOASSERTION",
      "filesAnalyzed": false,
      "checksums": [{ "algorithm": "SHA256", "checksumValue": "$(sha256sum demo-root/bin/busybox | cut -c1-64)" }]
    }
  ],
  "relationships": [
    { "spdxElementId": "SPDXRef-DOCUMENT", "relationshipType": "DESCRIBES", "relatedSpdxElement": "SPDXRef-Package-busybox-static" }
  ]
}
SBOM
python3 -m json.tool "$sbom" >/dev/null
debugfs -w -R "write $sbom boot/sbom.spdx.json" root-part.img >/dev/null 2>&1
[ "$(debugfs -R "cat boot/sbom.spdx.json" root-part.img 2>/dev/null | sha256sum)" = "$(sha256sum <"$sbom")" ]
if [ -n "${SE_ATTEST_ROOT_SIZE:-}" ]; then
  # Nearly every free block (debugfs allocates past the reserved ones; room left for the
  # file's extent tree) in /filler.bin, outside root.tar.gz.
  read -r free_blocks block_size < <(dumpe2fs -h root-part.img 2>/dev/null |
    awk -F: '/^Free blocks/ { f = $2 + 0 } /^Block size/ { b = $2 + 0 } END { print f, b }')
  head -c $(((free_blocks - free_blocks / 64 - 64) * block_size)) /dev/urandom >root-filler.bin
  debugfs -w -R "write root-filler.bin filler.bin" root-part.img >/dev/null 2>&1
  rm -f root-filler.bin
  e2fsck -fn root-part.img >/dev/null
  dumpe2fs -h root-part.img 2>/dev/null | grep -E '^(Block count|Free blocks|Block size):'
  [ "$(dumpe2fs -h root-part.img 2>/dev/null | awk -F: '/^Free blocks/ { print $2 + 0 }')" -lt $((free_blocks / 16)) ]
fi
# Partition 2 (zeros) becomes the real root of the encrypted image: a new LUKS2 at every boot.
make_gpt_disk disk.img root-part.img se-root 64 se-rootfs

# Where the agent keeps root.tar.gz and writes the record: seal's defaults, which the initrd reads
# back from agent.yaml (se-attest-root).
step "seal (the demo has no base image of its own: its baseimage is the kernel it boots)"
# seal_demo OUT KEYS PROFILE [OPTION...]: the demo image sealed with the key set KEYS in record
# profile PROFILE: hpcr-2026 (the default) with KEYS' certificates (their notAfter is in every
# record), the root's SBOM and the build time from SOURCE_DATE_EPOCH (the commit's time, as a
# reproducible build has it); hpcr-2023 (the seed's layout) with none of them.
seal_demo() {
  local out=$1 keys=$2 profile=$3 extra
  shift 3
  if [ "$profile" = hpcr-2026 ]; then
    extra=(--attestation-cert "$keys/attestation.crt" --contract-cert "$keys/contract.crt" --sbom /boot/sbom.spdx.json)
  else
    extra=(--record-profile "$profile")
  fi
  SOURCE_DATE_EPOCH=$(cat build-time) "$se_attest" seal --root root-part.img --root-device PARTLABEL=se-root \
    --tarball /boot/root.tar.gz --baseimage kernel --image-version "1.0.0-qemu" --commit-id "$(cat commit-id)" \
    --attestation-key "$keys/attestation.key" --contract-key "$keys/contract.key" "${extra[@]}" "$@" --out "$out"
}
seal_demo sealed keys hpcr-2026 --development
# seal's default root digest is sha256-4m: the coreutils line's (images.sh), and no flat sha256.
grep -qx "  sha256-4m: $(sha256_4m root-part.img)" sealed/etc/se-attest/agent.yaml
if grep -q '^  sha256: ' sealed/etc/se-attest/agent.yaml; then echo "prepare: agent.yaml has sha256 too" >&2; exit 1; fi
mkdir -p tree/etc/se-attest
cp -a sealed/etc/se-attest/. tree/etc/se-attest/
# The same image sealed for production (no --development): it must not boot outside Secure
# Execution. Only an initramfs-tools initrd is made of it (the quicker one).
seal_demo sealed-production keys-production hpcr-2026 >/dev/null
mkdir -p tree/etc/se-attest-production
cp -a sealed-production/etc/se-attest/. tree/etc/se-attest-production/
# The development image whose real root is partition 2, encrypted with a key born in the guest
# (LUKS2, made anew at every boot) instead of a tmpfs.
seal_demo sealed-encrypted keys hpcr-2026 --development --root-disk PARTLABEL=se-rootfs >/dev/null
mkdir -p tree/etc/se-attest-encrypted
cp -a sealed-encrypted/etc/se-attest/. tree/etc/se-attest-encrypted/
# The development image in the record profile of HPCR 23.x, with the same keys: the dracut initrd
# with this agent.yaml laid over its own is this image's initrd (scenario.sh, dracut+hpcr-2023).
seal_demo sealed-hpcr-2023 keys hpcr-2023 --development >/dev/null
grep -qx 'record_profile: hpcr-2023' sealed-hpcr-2023/etc/se-attest/agent.yaml
# The development image whose encrypted record is a contract-basic token (IBM's CCRT/CCRV), the
# same keys: likewise its agent.yaml over the dracut initrd (scenario.sh, dracut+contract-basic).
seal_demo sealed-contract-basic keys hpcr-2026 --development --token-prefix contract-basic >/dev/null
grep -qx 'token_prefix: contract-basic' sealed-contract-basic/etc/se-attest/agent.yaml
# The development image sealed with the flat root digest (as images sealed before sha256-4m are),
# the same keys: likewise its agent.yaml over the dracut initrd (scenario.sh, dracut+journal+sha256).
seal_demo sealed-sha256 keys hpcr-2026 --development --root-digest sha256 >/dev/null
grep -qx "  sha256: $(sha256sum root-part.img | cut -c1-64)" sealed-sha256/etc/se-attest/agent.yaml

step "initrds, made inside the tree (s390x programs under qemu-user)"
t1=$(date +%s)
chroot tree dracut --quiet --no-hostonly --no-hostonly-cmdline --force \
  -m "systemd systemd-initrd systemd-journald systemd-udevd udev-rules dracut-systemd base se-attest" \
  /boot/initrd-dracut.img "$kver"
echo "dracut: $(($(date +%s) - t1)) s"
t1=$(date +%s)
# Only the modules the hooks ask for (the disks are known), gzip: a small initrd, made quickly.
sed -i 's/^MODULES=.*/MODULES=list/; s/^#\?COMPRESS=.*/COMPRESS=gzip/' tree/etc/initramfs-tools/initramfs.conf
chroot tree mkinitramfs -o /boot/initrd-initramfs-tools.img "$kver"
chroot tree env SE_ATTEST_SEALED_DIR=/etc/se-attest-production \
  mkinitramfs -o /boot/initrd-initramfs-tools-production.img "$kver"
echo "mkinitramfs (development and production): $(($(date +%s) - t1)) s"
# The encrypted configuration: SE_ATTEST_SEALED_DIR selects the sealed folder for both generators
# (its agent.yaml has root_disk: the hooks add cryptsetup, mkfs.ext4 and dm-crypt).
t1=$(date +%s)
chroot tree env SE_ATTEST_SEALED_DIR=/etc/se-attest-encrypted dracut --quiet --no-hostonly --no-hostonly-cmdline --force \
  -m "systemd systemd-initrd systemd-journald systemd-udevd udev-rules dracut-systemd base se-attest" \
  /boot/initrd-dracut-encrypted.img "$kver"
echo "dracut (encrypted): $(($(date +%s) - t1)) s"
t1=$(date +%s)
chroot tree env SE_ATTEST_SEALED_DIR=/etc/se-attest-encrypted \
  mkinitramfs -o /boot/initrd-initramfs-tools-encrypted.img "$kver"
echo "mkinitramfs (encrypted): $(($(date +%s) - t1)) s"
cleanup
cp tree/boot/initrd-dracut.img initrd-dracut.img
cp tree/boot/initrd-initramfs-tools.img initrd-initramfs-tools.img
cp tree/boot/initrd-initramfs-tools-production.img initrd-initramfs-tools-production.img
cp tree/boot/initrd-dracut-encrypted.img initrd-dracut-encrypted.img
cp tree/boot/initrd-initramfs-tools-encrypted.img initrd-initramfs-tools-encrypted.img
ls -l kernel initrd-*.img disk.img
echo "prepare: $(($(date +%s) - t0)) s"
