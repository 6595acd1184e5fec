#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# dracut's side of the boot steps of /usr/lib/rpi-hardware/boot.sh: its
# loggers, its emergency shell, its debug switch. Sourced by the hooks, after
# dracut-lib.sh.

# dracut's info: the kernel log always, the console with rd.info.
rpi_hw_glue_info() {
    info "$1"
}

rpi_hw_glue_warn() {
    warn "$1"
}

rpi_hw_glue_shell() {
    emergency_shell -n rpi-hardware "$1"
}

rpi_hw_glue_debug() {
    [ "$RD_DEBUG" = yes ] || getargbool 0 rd.debug
}

# The classic initramfs writes rdsosreport.txt after the emergency hooks, from
# the kernel log; the systemd one wrote it before, so the status is appended.
rpi_hw_glue_report() {
    if [ -n "$DRACUT_SYSTEMD" ] && [ -f /run/initramfs/rdsosreport.txt ]; then
        {
            echo
            echo "rpi-hardware: $RPI_HW_BIN status"
            "$RPI_HW_BIN" status 2>&1
        } >> /run/initramfs/rdsosreport.txt
    fi
}

# shellcheck source=../../initramfs/lib/boot.sh
. /usr/lib/rpi-hardware/boot.sh
