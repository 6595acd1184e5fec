#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The boot steps of rpi-hardware in an initramfs, the same under every
# generator (dracut, initramfs-tools, mkinitcpio): what runs, in which order,
# what is logged. Every image carries it as /usr/lib/rpi-hardware/boot.sh.
# Sourced in whatever /bin/sh the image has (bash, dash, busybox ash): POSIX
# only, and every name starts with rpi_hw_ or _rh_ so nothing clashes with the
# generator's own shell state.
#
# The generator's runtime glue defines, before it sources this file:
#   rpi_hw_glue_info MSG     a step, into the kernel log (on the console only
#                            when the generator itself is verbose)
#   rpi_hw_glue_warn MSG     a warning: the kernel log and the console
#   rpi_hw_glue_shell MSG    the generator's emergency shell, with the reason
#   rpi_hw_glue_debug        true when the generator's own debug switch is on
#                            (dracut's rd.debug, initramfs-tools' debug)
# and may define rpi_hw_glue_report (what the generator's own report needs
# once the status is in the kernel log).
#
# The order, under every generator: rpi_hw_boot (modules and overlays: before
# udev's coldplug where the generator has a place for that, else right after
# udev started, which then handles the new devices as they come), then
# rpi_hw_wait (a bounded wait for the device), both before the root file
# system is mounted; rpi_hw_emergency when the generator opens its shell.

RPI_HW_BIN=/usr/sbin/overlay-slammer

# The settings as the helper will use them: the configuration file, then the
# kernel command line, read by the one parser there is, in one run of the
# helper. An unusable value is reported by the helper (once) and its default
# kept; without the helper the defaults below stand.
rpi_hw_load_settings() {
    RPI_HW_ENABLED=1 RPI_HW_STRICT=0 RPI_HW_DEBUG=0
    RPI_HW_DEVICE=/dev/axelera0 RPI_HW_TIMEOUT=10
    _rh_settings=$("$RPI_HW_BIN" config) || _rh_settings=
    while IFS='=' read -r _rh_key _rh_value; do
        case $_rh_key in
            enable) RPI_HW_ENABLED=$_rh_value ;;
            strict) RPI_HW_STRICT=$_rh_value ;;
            debug) RPI_HW_DEBUG=$_rh_value ;;
            device) RPI_HW_DEVICE=$_rh_value ;;
            timeout) RPI_HW_TIMEOUT=$_rh_value ;;
        esac
    done << _RH_EOF
$_rh_settings
_RH_EOF
    if rpi_hw_glue_debug; then
        RPI_HW_DEBUG=1
    fi
}

# One line per step: into the kernel log always (by the generator's logger),
# on the console too with debug on.
rpi_hw_say() {
    rpi_hw_glue_info "rpi-hardware: $*"
    if [ "$RPI_HW_DEBUG" = 1 ]; then
        echo "rpi-hardware: $*" >&2
    fi
}

# The helper's view, into the kernel log at debug priority: no generator has a
# logger for that priority, and it keeps the lines off the console unless
# debugging. Reports made from the kernel log (dracut's rdsosreport.txt)
# include it.
rpi_hw_log_status() {
    "$RPI_HW_BIN" status 2>&1 | while IFS= read -r _rh_line; do
        { echo "<31>rpi-hardware: status: $_rh_line" > /dev/kmsg; } 2> /dev/null
        [ "$RPI_HW_DEBUG" = 1 ] && echo "rpi-hardware: status: $_rh_line" >&2
    done
}

rpi_hw_run() {
    if [ "$RPI_HW_DEBUG" = 1 ]; then
        "$RPI_HW_BIN" --debug "$@"
    else
        "$RPI_HW_BIN" "$@"
    fi
}

# Meaning of a helper exit status, for the one-line report.
rpi_hw_exit_reason() {
    case $1 in
        1) echo "a step failed" ;;
        2) echo "usage error" ;;
        3) echo "the kernel has no configfs overlay interface (use a Raspberry Pi kernel, or a DTB with the overlays merged)" ;;
        4) echo "$RPI_HW_DEVICE did not appear within $RPI_HW_TIMEOUT s" ;;
        126 | 127) echo "$RPI_HW_BIN is missing or cannot run" ;;
        *) echo "exit status $1" ;;
    esac
}

# A failed step: a warning, and with strict on, the generator's emergency shell
# with the reason (no generator stops the boot on a hook's status alone: the
# units of dracut's systemd initramfs ignore it, initramfs-tools only logs it).
rpi_hw_fail() {
    rpi_hw_glue_warn "rpi-hardware: $1"
    rpi_hw_log_status
    if [ "$RPI_HW_STRICT" = 1 ]; then
        rpi_hw_glue_shell "rpi-hardware: $1 (rd.rpi_hw.strict=1)"
    else
        rpi_hw_glue_warn "rpi-hardware: booting on without it (rd.rpi_hw.strict=1 would stop here)"
    fi
}

# Modules and overlays; udev makes the nodes of the devices they bring.
rpi_hw_boot() {
    rpi_hw_load_settings
    if [ "$RPI_HW_ENABLED" != 1 ]; then
        rpi_hw_glue_info "rpi-hardware: disabled (rd.rpi_hw=0 or enable=0), skipping"
        return 0
    fi
    rpi_hw_say "loading modules and applying overlays: $RPI_HW_BIN boot"
    rpi_hw_run boot
    _rh_rc=$?
    if [ "$_rh_rc" = 0 ]; then
        rpi_hw_say "modules loaded and overlays applied"
    else
        rpi_hw_fail "overlay-slammer boot failed: $(rpi_hw_exit_reason "$_rh_rc")"
    fi
    return 0
}

# After udev handled the devices: a bounded wait for the device node.
rpi_hw_wait() {
    rpi_hw_load_settings
    [ "$RPI_HW_ENABLED" = 1 ] || return 0
    rpi_hw_say "waiting up to $RPI_HW_TIMEOUT s for $RPI_HW_DEVICE"
    rpi_hw_run wait-device --timeout "$RPI_HW_TIMEOUT" "$RPI_HW_DEVICE"
    _rh_rc=$?
    if [ "$_rh_rc" = 0 ]; then
        rpi_hw_glue_info "rpi-hardware: $RPI_HW_DEVICE is present"
        rpi_hw_log_status
    else
        rpi_hw_fail "overlay-slammer wait-device failed: $(rpi_hw_exit_reason "$_rh_rc")"
    fi
    return 0
}

# The emergency shell opens: the helper's view for whoever debugs there, into
# the kernel log, then what the generator's own report needs.
rpi_hw_emergency() {
    rpi_hw_load_settings
    [ "$RPI_HW_ENABLED" = 1 ] || return 0
    rpi_hw_log_status
    if command -v rpi_hw_glue_report > /dev/null 2>&1; then
        rpi_hw_glue_report
    fi
    return 0
}
