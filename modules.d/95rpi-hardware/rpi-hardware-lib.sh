#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Shared by the rpi-hardware hooks. Sourced after dracut-lib.sh, in whatever
# /bin/sh the image has (bash, dash or busybox), in the classic and the systemd
# initramfs alike: POSIX only, and every name starts with rpi_hw_ or _rh_ so
# nothing clashes with dracut's own shell state.

RPI_HW_BIN=/usr/sbin/overlay-slammer

# The settings as the helper will use them: the configuration file, then the
# kernel command line (with /etc/cmdline.d), read by the one parser there is, in
# one run of the helper. An unusable value is reported by the helper (once) and
# its default kept; without the helper the defaults below stand.
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
    done << EOF
$_rh_settings
EOF
    if [ "$RD_DEBUG" = yes ] || getargbool 0 rd.debug; then
        RPI_HW_DEBUG=1
    fi
}

# One line per step: in the log always, on the console with debug on.
rpi_hw_say() {
    if [ "$RPI_HW_DEBUG" = 1 ]; then
        echo "rpi-hardware: $*" >&2
        [ -n "$DRACUT_SYSTEMD" ] || { echo "<30>rpi-hardware: $*" > /dev/kmsg; } 2> /dev/null
    else
        info "rpi-hardware: $*"
    fi
}

# The helper's view, into the kernel log: rdsosreport.txt includes the kernel
# log (dmesg, or the journal in the systemd initramfs), so it lands there. Debug
# priority keeps it off the console unless debugging.
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

# A failed step: a warning, and with strict on, dracut's emergency shell with
# the reason (hooks run by systemd units cannot fail the boot by their status).
rpi_hw_fail() {
    warn "rpi-hardware: $1"
    rpi_hw_log_status
    if [ "$RPI_HW_STRICT" = 1 ]; then
        emergency_shell -n rpi-hardware "rpi-hardware: $1 (rd.rpi_hw.strict=1)"
    else
        warn "rpi-hardware: booting on without it (rd.rpi_hw.strict=1 would stop here)"
    fi
}

# pre-udev: modules and overlays before udev's coldplug, so that udev sees the
# devices they create.
rpi_hw_boot() {
    rpi_hw_load_settings
    if [ "$RPI_HW_ENABLED" != 1 ]; then
        info "rpi-hardware: disabled (rd.rpi_hw=0 or enable=0), skipping"
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

# pre-mount: after coldplug, a bounded wait for the device node.
rpi_hw_wait() {
    rpi_hw_load_settings
    [ "$RPI_HW_ENABLED" = 1 ] || return 0
    rpi_hw_say "waiting up to $RPI_HW_TIMEOUT s for $RPI_HW_DEVICE"
    rpi_hw_run wait-device --timeout "$RPI_HW_TIMEOUT" "$RPI_HW_DEVICE"
    _rh_rc=$?
    if [ "$_rh_rc" = 0 ]; then
        info "rpi-hardware: $RPI_HW_DEVICE is present"
        rpi_hw_log_status
    else
        rpi_hw_fail "overlay-slammer wait-device failed: $(rpi_hw_exit_reason "$_rh_rc")"
    fi
    return 0
}

# emergency: the helper's view for whoever debugs in the emergency shell. The
# classic initramfs writes rdsosreport.txt after this hook, from the kernel log;
# the systemd one wrote it before, so the status is appended to it as well.
rpi_hw_emergency() {
    rpi_hw_load_settings
    [ "$RPI_HW_ENABLED" = 1 ] || return 0
    rpi_hw_log_status
    if [ -n "$DRACUT_SYSTEMD" ] && [ -f /run/initramfs/rdsosreport.txt ]; then
        {
            echo
            echo "rpi-hardware: $RPI_HW_BIN status"
            "$RPI_HW_BIN" status 2>&1
        } >> /run/initramfs/rdsosreport.txt
    fi
    return 0
}
