#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# mkinitcpio's side of the boot steps of /usr/lib/rpi-hardware/boot.sh (in the
# image as /usr/lib/rpi-hardware/mkinitcpio.sh): its messages, its shell, its
# debug switch. Sourced by the runtime hook and by rpi-hardware-initrd.service
# (systemd images, where init_functions is not there).

# mkinitcpio has no logger into the kernel log (rd.log copies its console
# there only when asked): the lines go there directly, warnings to the console.
rpi_hw_glue_info() {
    { echo "<30>$1" > /dev/kmsg; } 2> /dev/null
}

rpi_hw_glue_warn() {
    { echo "<28>$1" > /dev/kmsg; } 2> /dev/null
    echo "$1" >&2
}

# The busybox image's shell; the systemd image's emergency target.
rpi_hw_glue_shell() {
    if command -v launch_interactive_shell > /dev/null 2>&1; then
        echo "$1" > /dev/console
        launch_interactive_shell
    else
        systemctl --no-block start emergency.target
    fi
}

rpi_hw_glue_debug() {
    grep -qw rd.debug /proc/cmdline 2> /dev/null
}

# shellcheck source=../lib/boot.sh
. /usr/lib/rpi-hardware/boot.sh
