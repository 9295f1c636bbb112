#!/bin/bash
# shellcheck disable=SC2154  # dracut's variables: $initdir, $systemdsystemunitdir, $dracutsysrootdir
# dracut module: se-attest-agent in a systemd initrd.
#
# Installs the agent, its libraries, the sealed configuration, keys and certificates (from the
# build system's /etc/se-attest, as `se-attest seal` laid them out; SE_ATTEST_SEALED_DIR
# overrides), the units, and the kernel modules for the disks (the list in
# /usr/lib/se-attest/kernel-modules). Include it explicitly (`dracut -a se-attest` or
# add_dracutmodules+=" se-attest "): a measured initrd is a decision, not a default.

sealed_dir() { echo "${SE_ATTEST_SEALED_DIR:-/etc/se-attest}"; }
# Sealed with --root-disk: seal writes root_disk as a top-level key of agent.yaml, at column 0.
encrypted_root() { grep -q '^root_disk:' "$dracutsysrootdir$(sealed_dir)/agent.yaml"; }
# sealed_cert DIR KEY NAME: fails, saying why, when DIR/agent.yaml has the top-level KEY
# (attestation_cert, contract_cert: seal writes them at column 0) naming another file than NAME,
# the name seal gives it, or when DIR/NAME is missing. Succeeds when agent.yaml has no KEY.
sealed_cert() {
    local yaml="$dracutsysrootdir$1/agent.yaml" value
    value=$(sed -n "s/^$2: *//p" "$yaml")
    [[ -z $value ]] && return 0
    if [[ $value != "$3" ]]; then
        derror "se-attest: $1/agent.yaml: $2 is '$value', not '$3' as se-attest seal writes it: seal again"
        return 1
    fi
    if [[ ! -f "$dracutsysrootdir$1/$3" ]]; then
        derror "se-attest: $1/agent.yaml names $3 ($2), and there is no $1/$3: seal again"
        return 1
    fi
}

check() {
    require_binaries se-attest-agent /usr/lib/se-attest/se-attest-root tar gzip || return 1
    if [[ ! -f "$dracutsysrootdir$(sealed_dir)/agent.yaml" ]]; then
        derror "se-attest: no $(sealed_dir)/agent.yaml: run 'se-attest seal' first"
        return 1
    fi
    if encrypted_root; then
        require_binaries cryptsetup mke2fs || return 1
    fi
    sealed_cert "$(sealed_dir)" attestation_cert attestation.crt || return 1
    sealed_cert "$(sealed_dir)" contract_cert contract.crt || return 1
    return 255
}

depends() {
    echo systemd systemd-initrd systemd-journald systemd-udevd udev-rules
}

installkernel() {
    # The disks, the filesystems of the root partition and of cidata (ISO9660 or vfat): the list
    # the initramfs-tools hook reads too.
    local modules="$dracutsysrootdir/usr/lib/se-attest/kernel-modules"
    if [[ ! -f $modules ]]; then
        derror "se-attest: no $modules: reinstall se-attest"
        return 1
    fi
    # shellcheck disable=SC2046  # one module name a word; '#' starts a comment
    hostonly='' instmods $(sed 's/#.*//' "$modules")
}

install() {
    local sealed
    sealed=$(sealed_dir)
    inst_multiple se-attest-agent tar gzip mount umount udevadm modprobe
    inst_binary /usr/lib/se-attest/se-attest-root /usr/lib/se-attest/se-attest-root

    # The configuration and the keys: 0600, as sealed.
    inst_simple "$sealed/agent.yaml" /etc/se-attest/agent.yaml
    local key
    for key in attestation.key contract.key; do
        inst_simple "$sealed/$key" "/etc/se-attest/$key"
        chmod 0600 "$initdir/etc/se-attest/$key"
    done
    # Sealed with --record-profile hpcr-2026: the keys' certificates, which agent.yaml names
    # (attestation_cert, contract_cert) by the names seal gives them; 0644.
    local entry name
    for entry in attestation_cert:attestation.crt contract_cert:contract.crt; do
        grep -q "^${entry%%:*}:" "$dracutsysrootdir$sealed/agent.yaml" || continue
        name=${entry#*:}
        inst_simple "$sealed/$name" "/etc/se-attest/$name"
        chmod 0644 "$initdir/etc/se-attest/$name"
    done

    local units=/usr/lib/se-attest/units
    inst_simple "$units/se-attest-agent.service" "$systemdsystemunitdir/se-attest-agent.service"
    $SYSTEMCTL -q --root "$initdir" add-wants initrd.target se-attest-agent.service
    if encrypted_root; then
        # The real root on the root disk, encrypted anew at every boot: se-attest-root formats,
        # opens and mounts it at /sysroot itself (cryptsetup and mke2fs; the dm-crypt modules
        # are in the kernel-modules list). No sysroot.mount.
        inst_multiple cryptsetup mke2fs
        # From the second boot on the disk carries a LUKS2 header: dracut's crypt module, when a
        # builder's initrd has it, must not ask for its passphrase (there is none: se-attest-root
        # formats it anew).
        mkdir -p "$initdir/etc/cmdline.d"
        echo "rd.luks=0" >"$initdir/etc/cmdline.d/50se-attest.conf"
        inst_simple "$units/encrypted-root/se-attest-root.service" "$systemdsystemunitdir/se-attest-root.service"
        $SYSTEMCTL -q --root "$initdir" add-requires initrd-root-fs.target se-attest-root.service
    else
        inst_simple "$units/se-attest-root.service" "$systemdsystemunitdir/se-attest-root.service"
        # In /etc, so it wins over a sysroot.mount generated from a root= on the command line.
        inst_simple "$units/sysroot.mount" /etc/systemd/system/sysroot.mount
        $SYSTEMCTL -q --root "$initdir" add-requires initrd-root-fs.target se-attest-root.service
        $SYSTEMCTL -q --root "$initdir" add-requires initrd-root-fs.target sysroot.mount
    fi

    # No shell, whatever the command line says (rd.shell, rd.break, systemd.unit=emergency.target).
    # Whole units in /etc, not drop-ins: without dracut's dracut-systemd module there is no
    # emergency.service to drop into, and emergency.target would sit idle instead. With it,
    # rd.break=<hook> and rd.shell start dracut-emergency.service: replaced the same way.
    inst_multiple echo rm
    local unit
    for unit in emergency.service rescue.service dracut-emergency.service; do
        inst_simple "$units/se-attest-no-shell.service" "/etc/systemd/system/$unit"
    done
    $SYSTEMCTL -q --root "$initdir" mask debug-shell.service
}
