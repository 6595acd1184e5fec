#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Test-only dracut module of the emulated boots (tests/vm): it is never
# installed. It plays the parts of the machine the boots simulate and adds the
# probes the scenarios assert on:
#   - the configfs overlay interface module is loaded in the cmdline hook, before
#     95rpi-hardware runs, as if it were built into the kernel; it takes the
#     card off the PCI bus until an overlay enables the PCIe x1 port
#     (rpihw_test.iface=0 leaves the interface out, the port still down);
#   - the administrator's /etc/rpi-hardware/hardware-ids and the udev rules
#     regenerated from it (RPIHW_VMTEST_ETC names where vm.bash made them):
#     95rpi-hardware takes them from the build root's /etc, which an image built
#     without --sysroot cannot have;
#   - the virtio disk and ext4 drivers for the test root filesystem;
#   - a udev rule that logs when a metis node and its links exist;
#   - a late pre-mount hook that logs the /dev/axelera* links and whether the
#     root filesystem is still unmounted;
#   - udev run before the helper (rpihw_test.udev=early), as when udev handles a
#     card the firmware enabled before the helper runs;
#   - poweroff in the systemd initramfs, so a failed boot ends at once;
#   - the faults of tests/vm/faults.bats that need the running system: a module
#     whose init fails, an overlay item left behind, a read-only /dev/kmsg
#     (each only when the kernel command line asks), and rp1_pci, a second
#     module to name in rd.rpi_hw.modules=.
# Every probe writes one line to the kernel log, so the serial console carries
# it with a kernel timestamp.
#
# shellcheck disable=SC2154 # moddir comes from dracut

# called by dracut
check() {
    # Only when asked for by name (-m / --add).
    return 255
}

# called by dracut
depends() {
    echo rpi-hardware
    return 0
}

# called by dracut
installkernel() {
    hostonly='' instmods rpihw_overlays virtio_pci virtio_blk ext4
    # Loaded only when a boot names them in rd.rpi_hw.modules=.
    hostonly='' instmods rpihw_initfail rp1_pci
}

# called by dracut
install() {
    inst_hook cmdline 05 "$moddir/vmtest-iface.sh"
    inst_hook cmdline 06 "$moddir/vmtest-fault.sh"
    inst_hook pre-udev 30 "$moddir/vmtest-udev-early.sh"
    inst_hook pre-mount 20 "$moddir/vmtest-fault-end.sh"
    inst_hook pre-mount 90 "$moddir/vmtest-premount.sh"
    inst_script "$moddir/vmtest-udev-log.sh" /usr/lib/rpihw-vmtest/udev-log
    inst_rules "$moddir/99-rpihw-vmtest.rules"
    inst_multiple readlink grep
    if [[ -n ${RPIHW_VMTEST_ETC-} ]]; then
        inst_simple "$RPIHW_VMTEST_ETC/rpi-hardware/hardware-ids" /etc/rpi-hardware/hardware-ids
        inst_simple "$RPIHW_VMTEST_ETC/udev/rules.d/65-rpi-hardware.rules" \
            /etc/udev/rules.d/65-rpi-hardware.rules
    fi
    # rd.emergency=poweroff ends a failed boot at once instead of at the
    # harness's time limit; systemctl provides it in the systemd initramfs.
    if dracut_module_included systemd; then
        inst_multiple -o poweroff halt reboot
    fi
}
