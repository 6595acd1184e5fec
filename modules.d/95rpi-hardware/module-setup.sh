#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# dracut module 95rpi-hardware: brings up the Axelera Metis on the Exaviz Cruiser
# (Raspberry Pi CM5) before the root filesystem mounts. The image gets the static
# helper overlay-slammer, its configuration, the overlays, the kernel modules,
# udev rules for /dev/axelera0, and the hooks that run the helper. See
# docs/dracut.md.
#
# shellcheck disable=SC2154 # initdir, moddir, kernel, srcmods ... come from dracut
#
# Settings a dracut.conf.d file may give (paths are inside --sysroot, if any):
#   rpi_hw_config=FILE      configuration to read and embed (/etc/rpi-hardware.conf)
#   rpi_hw_helper=FILE      the helper binary (installed overlay-slammer)
#   rpi_hw_datadir=DIR      where hardware-ids lives (installed package data)
#   rpi_hw_rulesdir=DIR     where 65-rpi-hardware.rules lives (udev rules dir)
#   rpi_hw_shlib=FILE       the suite's shell library (installed rpi-hardware.sh)
#   rpi_hw_compatible="..." more device-tree compatible patterns of boards to
#                           include the module for by default

# What goes into the image, the same for every generator (rpi-hardware-image.sh,
# installed next to this file); this module installs it the dracut way.
# shellcheck source=../../initramfs/lib/image.sh
. "${BASH_SOURCE[0]%/*}/rpi-hardware-image.sh"
# shellcheck disable=SC2034 # read by rpi-hardware-image.sh
RPI_HW_SYSROOT=${dracutsysrootdir-}

rpi_hw_glue_note() {
    case $1 in
        warn) dwarn "$2" ;;
        *) dinfo "$2" ;;
    esac
}

# Boards this module is for. BCM2712 covers the Pi 5, the Pi 500 and every
# CM5 carrier, the Cruiser among them, whatever the carrier calls itself.
rpi_hw_board_compatible="raspberrypi,5-compute-module raspberrypi,5-model-b raspberrypi,500* brcm,bcm2712* exaviz,*"

# The device-tree compatible strings of the build host, one per line.
rpi_hw_host_compatible() {
    local _f
    for _f in /proc/device-tree/compatible /sys/firmware/devicetree/base/compatible; do
        if [[ -r $dracutsysrootdir$_f ]]; then
            tr '\0' '\n' < "$dracutsysrootdir$_f"
            return 0
        fi
    done
    return 1
}

rpi_hw_is_board() {
    local _compat _pat
    while read -r _compat; do
        [[ -n $_compat ]] || continue
        # shellcheck disable=SC2086 # patterns are space separated
        for _pat in $rpi_hw_board_compatible ${rpi_hw_compatible-}; do
            # shellcheck disable=SC2053 # glob match is the point
            [[ $_compat == $_pat ]] && return 0
        done
    done < <(rpi_hw_host_compatible)
    return 1
}

# called by dracut
check() {
    rpi_hw_paths
    if [[ ! -x $dracutsysrootdir$_rh_helper ]]; then
        derror "rpi-hardware: $_rh_helper not found: install rpi-hardware, or set rpi_hw_helper= in dracut.conf.d"
        return 1
    fi
    if [[ ! -f $dracutsysrootdir$_rh_shlib ]]; then
        derror "rpi-hardware: $_rh_shlib not found: install rpi-hardware, or set rpi_hw_shlib= in dracut.conf.d"
        return 1
    fi
    if [[ ! -f $dracutsysrootdir$_rh_rulesdir/$rpi_hw_rules_name ]]; then
        derror "rpi-hardware: $_rh_rulesdir/$rpi_hw_rules_name not found: install rpi-hardware, or set rpi_hw_rulesdir= in dracut.conf.d"
        return 1
    fi
    rpi_hw_is_board && return 0
    # A host-only image is for this machine, which is not one of the boards.
    [[ $hostonly ]] && return 255
    # A generic image built where the overlays are installed is meant for a board.
    rpi_hw_overlays_present && return 0
    return 255
}

# called by dracut
depends() {
    echo udev-rules
    # The systemd initramfs runs hooks from dracut-systemd's units only.
    if dracut_module_included "systemd"; then
        echo dracut-systemd
    fi
    return 0
}

# called by dracut
installkernel() {
    local _kind _mod _why
    while IFS=$'\t' read -r _kind _mod _why; do
        [[ $_kind == kmod ]] || continue
        if [[ $_why == required ]]; then
            hostonly='' instmods "$_mod"
        else
            hostonly=$(optional_hostonly) instmods "$_mod"
        fi
    done < <(rpi_hw_image_kernel "$kernel" "$srcmods")
    return 0
}

# Files of the build root are installed with inst, not inst_simple: dracut 059's
# inst_simple looks for the source on the build host even under --sysroot, and
# silently installs nothing when only the system root has it. A helper that
# cannot be installed needs no exit here: check() refused the module already
# for a missing one, and dracut ignores install()'s status.
# called by dracut
install() {
    local _kind _src _dst _rules=${udevrulesdir:-$udevdir/rules.d}
    inst_dir "$rpi_hw_image_overlays"
    while IFS=$'\t' read -r _kind _src _dst; do
        case $_kind in
            binary)
                inst_binary "$_src" "$_dst" || derror "rpi-hardware: cannot install $_src into the image"
                ;;
            file)
                inst "$_src" "$_dst" \
                    || dwarn "rpi-hardware: $_src could not be copied into the image; the image is built without it"
                ;;
            text)
                mkdir -p "$initdir${_src%/*}"
                printf '%s\n' "$_dst" > "$initdir$_src"
                ;;
            rules) inst "$_src" "$_rules/${_dst##*/}" ;;
            program) inst_multiple "$_src" ;;
            group)
                grep -q "^${_src%%:*}:" "$initdir/etc/group" 2> /dev/null && continue
                mkdir -p "$initdir/etc"
                printf '%s\n' "$_src" >> "$initdir/etc/group"
                ;;
        esac
    done < <(rpi_hw_image_list)

    # The boot steps, the same in every generator's image, and dracut's side of them.
    inst_simple "$moddir/rpi-hardware-lib.sh" "$rpi_hw_image_boot"
    inst_simple "$moddir/rpi-hardware-dracut.sh" /lib/rpi-hardware-dracut.sh
    inst_hook pre-udev 40 "$moddir/rpi-hardware-boot.sh"
    inst_hook pre-mount 10 "$moddir/rpi-hardware-wait.sh"
    inst_hook emergency 50 "$moddir/rpi-hardware-emergency.sh"
}
