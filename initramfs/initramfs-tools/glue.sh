#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# initramfs-tools' side of the boot steps of /usr/lib/rpi-hardware/boot.sh
# (in the image as /usr/lib/rpi-hardware/initramfs-tools.sh): its messages,
# its shell, its debug switch. Sourced by the boot and panic scripts, after
# /scripts/functions.

# initramfs-tools has no logger into the kernel log: the lines go there
# directly, and warnings to the console as its own messages do (not with quiet).
rpi_hw_glue_info() {
    { echo "<30>$1" > /dev/kmsg; } 2> /dev/null
}

rpi_hw_glue_warn() {
    { echo "<28>$1" > /dev/kmsg; } 2> /dev/null
    log_warning_msg "$1"
}

# panic opens initramfs-tools' shell (with panic=, it reboots instead); the
# boot goes on when the shell exits.
rpi_hw_glue_shell() {
    panic "$1"
}

rpi_hw_glue_debug() {
    [ "${debug-}" = y ]
}

# shellcheck source=../lib/boot.sh
. /usr/lib/rpi-hardware/boot.sh
