#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Test-only dracut module of the boot on the kernel's own overlay engine
# (tests/vm-of), next to tests/vm's 99rpihw-vmtest, whose probes it shares.
# It is never installed. It adds:
#   - virtio_mmio: the test root disk sits on the virt machine's MMIO
#     transport, as a CM5's root is on eMMC, not behind the PCIe x1 port, so
#     the root does not depend on the controller the Metis overlay enables;
#   - an overlay applied through configfs' "path" attribute before the helper
#     runs (rpihw_oftest.path=NAME: /lib/firmware/rpihw-oftest/NAME.dtbo), as
#     another tool may apply one: its blob cannot be read back, so the helper
#     cannot try later overlays on a copy of the tree and the kernel alone
#     decides about them;
#   - in pre-pivot (root mounted, before switch_root) the state of the card,
#     the driver, the live tree and the page size; with rpihw_oftest.remove=1
#     the helper's "remove" and then "apply" again, the state after each; with
#     rpihw_oftest.apply=NAME,... those overlays applied only then.
# Each probe writes one line to the kernel log.
#
# shellcheck disable=SC2154 # moddir comes from dracut

# called by dracut
check() {
    return 255
}

# called by dracut
depends() {
    echo rpi-hardware
    return 0
}

# called by dracut
installkernel() {
    hostonly='' instmods virtio_mmio
}

# called by dracut
install() {
    local f
    inst_hook cmdline 07 "$moddir/oftest-path.sh"
    inst_hook pre-pivot 50 "$moddir/oftest-prepivot.sh"
    inst_script "$moddir/oftest-state.sh" /usr/lib/rpihw-oftest/state
    inst_multiple readlink cat sed head tr
    for f in "${RPIHW_OFTEST_FIRMWARE:-/nonexistent}"/*.dtbo; do
        [[ -f $f ]] && inst_simple "$f" "/lib/firmware/rpihw-oftest/${f##*/}"
    done
    return 0
}
