#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# dracut module 95rpi-hardware: brings up the Axelera Metis on the Exaviz Cruiser
# (Raspberry Pi CM5) before the root filesystem mounts. The image gets the static
# helper overlay-slammer, its configuration, the overlays, the kernel modules, udev rules for /dev/axelera0, and the hooks that
# run the helper. See docs/dracut.md.
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

# Install locations; `make install` rewrites these lines for its PREFIX.
rpi_hw_default_helper=/usr/sbin/overlay-slammer
rpi_hw_default_datadir=/usr/lib/rpi-hardware
rpi_hw_default_rulesdir=/usr/lib/udev/rules.d

# Boards this module is for. BCM2712 covers the Pi 5, the Pi 500 and every
# CM5 carrier, the Cruiser among them, whatever the carrier calls itself.
rpi_hw_board_compatible="raspberrypi,5-compute-module raspberrypi,5-model-b raspberrypi,500* brcm,bcm2712* exaviz,*"

rpi_hw_rules_name=65-rpi-hardware.rules

rpi_hw_paths() {
    _rh_config=${rpi_hw_config:-/etc/rpi-hardware.conf}
    _rh_helper=${rpi_hw_helper:-$rpi_hw_default_helper}
    _rh_datadir=${rpi_hw_datadir:-$rpi_hw_default_datadir}
    _rh_rulesdir=${rpi_hw_rulesdir:-$rpi_hw_default_rulesdir}
    _rh_shlib=${rpi_hw_shlib:-$rpi_hw_default_datadir/rpi-hardware.sh}
    # The configuration reader for where the helper cannot run, and the
    # kernel-configuration probe: rpi_hw_conf_get, rpi_hw_kernel_config.
    # shellcheck source=../../helpers/lib/rpi-hardware.sh
    [[ -f $dracutsysrootdir$_rh_shlib ]] && . "$dracutsysrootdir$_rh_shlib"
}

# The settings of the build root's configuration file, as the helper reads it:
# the one reader of the file, when it runs on the build host. It reads no
# command line here: an empty system root stands in for the build host's /proc.
# With "warn", its warnings (a malformed value, a module name of the seed's that
# no kernel has) come out here as they will at boot. Where it cannot run (a
# cross build), rpi_hw_conf reads the file with the suite's shell reader.
rpi_hw_load_conf() {
    local _file="$dracutsysrootdir$_rh_config" _noroot _line _rc=0
    local -a _args=()
    _rh_settings=
    rpi_hw_helper_runs || return 0
    _noroot=$(mktemp -d "${DRACUT_TMPDIR:-/tmp}/rpi-hw-noroot.XXXXXX") || return 0
    [[ -f $_file ]] && _args=(--config "$_file")
    _rh_settings=$("$dracutsysrootdir$_rh_helper" --sysroot "$_noroot" "${_args[@]}" config 2> "$_noroot.msg") || _rc=$?
    if [[ ${1-} == warn ]]; then
        while IFS= read -r _line; do
            [[ -n $_line ]] && dwarn "rpi-hardware: ${_line#overlay-slammer: }"
        done < "$_noroot.msg"
    fi
    rm -rf "$_noroot" "$_noroot.msg"
    ((_rc == 0)) || _rh_settings=
}

# Value of KEY: from the helper's reading (rpi_hw_load_conf), or the shell
# reader's of the build root's file (its default where the file has none).
rpi_hw_conf() {
    local _line
    if [[ -n ${_rh_settings-} ]]; then
        while IFS= read -r _line; do
            if [[ $_line == "$1="* ]]; then
                printf '%s\n' "${_line#*=}"
                return 0
            fi
        done <<< "$_rh_settings"
    fi
    rpi_hw_conf_get "$dracutsysrootdir$_rh_config" "$1"
}

# Comma separated list to one name per line, blanks dropped.
rpi_hw_split() {
    local _item
    local IFS=,
    for _item in $1; do
        _item=${_item//[[:space:]]/}
        [[ -n $_item ]] && printf '%s\n' "$_item"
    done
}

# The overlay names of an overlays= value, one per line (rpi-hardware.conf(5)):
# entries NAME[,param=value]... separated by white space, or the older form,
# names separated by commas, when there is no '=' and white space only around
# the commas. The helper prints the older form when no overlay has parameters.
rpi_hw_overlay_names() {
    local _v=$1 _c _entry
    local -a _entries
    _c=$_v
    while [[ $_c =~ ^(.*)[[:space:]]+,(.*)$ || $_c =~ ^(.*),[[:space:]]+(.*)$ ]]; do
        _c="${BASH_REMATCH[1]},${BASH_REMATCH[2]}"
    done
    _c=${_c#"${_c%%[![:space:]]*}"}
    _c=${_c%"${_c##*[![:space:]]}"}
    if [[ $_v != *=* && $_c != *[[:space:]]* ]]; then
        rpi_hw_split "$_c"
        return 0
    fi
    read -r -a _entries <<< "$_v"
    for _entry in "${_entries[@]}"; do
        [[ -n ${_entry%%,*} ]] && printf '%s\n' "${_entry%%,*}"
    done
}

rpi_hw_overlays() {
    local _name
    while read -r _name; do
        _name=${_name%.dtbo}
        if [[ $_name =~ ^[A-Za-z0-9][A-Za-z0-9._-]*$ ]]; then
            printf '%s\n' "$_name"
        else
            dwarn "rpi-hardware: overlay name '$_name' in $_rh_config is not a file name; skipped"
        fi
    done < <(rpi_hw_overlay_names "$(rpi_hw_conf overlays)")
}

rpi_hw_overlay_dirs() {
    rpi_hw_conf overlay_dirs
}

# The seed document named the Cruiser's overlay exaviz-cruiser; Exaviz ships it
# as cruiser-raspberrypi-cm5. Either name finds a file of the other.
rpi_hw_overlay_alias() {
    case $1 in
        cruiser-raspberrypi-cm5) echo exaviz-cruiser ;;
        exaviz-cruiser) echo cruiser-raspberrypi-cm5 ;;
    esac
}

# First search directory holding NAME.dtbo (or, failing that, the file of its
# other name), as a path inside the build root.
rpi_hw_find_overlay() {
    local _dir _name _alias
    _alias=$(rpi_hw_overlay_alias "$1")
    for _name in "$1" $_alias; do
        # shellcheck disable=SC2046 # the list is space separated by definition
        for _dir in $(rpi_hw_overlay_dirs); do
            if [[ -f $dracutsysrootdir$_dir/$_name.dtbo ]]; then
                printf '%s\n' "$_dir/$_name.dtbo"
                return 0
            fi
        done
    done
    return 1
}

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

rpi_hw_overlays_present() {
    local _name _n=0
    while read -r _name; do
        rpi_hw_find_overlay "$_name" > /dev/null || return 1
        _n=$((_n + 1))
    done < <(rpi_hw_overlays)
    ((_n > 0))
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

# Whether kernel module NAME (dashes and underscores alike) is in the tree of the
# kernel being built for, as a module or built in.
rpi_hw_kmod_in_tree() {
    local _re="${1//[-_]/[-_]}" _f
    if [[ -f $srcmods/modules.dep ]]; then
        grep -Eq "(^|/)${_re}\.ko(\.[a-z0-9]+)?:" "$srcmods/modules.dep" && return 0
    else
        _f=$(find "$srcmods" -name "${1}.ko*" -print -quit 2> /dev/null)
        [[ -n $_f ]] && return 0
    fi
    [[ -f $srcmods/modules.builtin ]] \
        && grep -Eq "(^|/)${_re}\.ko$" "$srcmods/modules.builtin"
}

# How the kernel being built for gets the overlays, from its build
# configuration: "runtime" when it has the configfs overlay interface (Raspberry
# Pi kernels: CONFIG_OF_OVERLAY and CONFIG_OF_CONFIGFS built in), so the helper
# applies them at boot; "merged" when it has not (Fedora, openSUSE, Debian,
# Arch's linux-aarch64), so the bootloader must hand it a DTB with them merged
# in; "unknown" without a configuration to read.
rpi_hw_kernel_path() {
    local _cfg
    if ! _cfg=$(rpi_hw_kernel_config "$dracutsysrootdir" "$kernel" "$srcmods"); then
        echo unknown
    elif rpi_hw_kernel_lacks "$_cfg" > /dev/null; then
        echo merged
    else
        echo runtime
    fi
}

# Whether the build root can give a kernel its merged DTB: the kernel-install
# plugin or the GRUB snippet of this package.
rpi_hw_dtb_integration() {
    local _f
    for _f in /usr/lib/kernel/install.d/91-rpi-hardware-dtb.install \
        /etc/kernel/install.d/91-rpi-hardware-dtb.install /etc/grub.d/09_rpi_hardware_dtb; do
        [[ -x $dracutsysrootdir$_f ]] && return 0
    done
    return 1
}

# The image is the same either way (the helper tells at boot which interface the
# kernel has); the build log says once per kernel which path it will take.
rpi_hw_log_kernel_path() {
    case $(rpi_hw_kernel_path) in
        runtime)
            dinfo "rpi-hardware: kernel $kernel: configfs overlays (runtime path)"
            ;;
        merged)
            dinfo "rpi-hardware: kernel $kernel: no configfs overlay interface: merged-DTB path"
            rpi_hw_dtb_integration \
                || dwarn "rpi-hardware: kernel $kernel needs a DTB with the overlays merged, and neither the kernel-install plugin nor the GRUB snippet of rpi-hardware is installed (see docs/kernel-paths.md)"
            ;;
        *)
            dinfo "rpi-hardware: kernel $kernel: no kernel configuration found (/boot/config-$kernel, $srcmods/config); the helper tells at boot which path it takes"
            ;;
    esac
}

# called by dracut
installkernel() {
    local _mod
    rpi_hw_paths
    rpi_hw_load_conf
    rpi_hw_log_kernel_path
    # The helper mounts configfs to reach the overlay interface.
    hostonly='' instmods configfs
    while read -r _mod; do
        if rpi_hw_kmod_in_tree "$_mod"; then
            hostonly=$(optional_hostonly) instmods "$_mod"
        else
            dwarn "rpi-hardware: kernel module '$_mod' not found for kernel $kernel; the image is built without it"
        fi
    done < <(rpi_hw_split "$(rpi_hw_conf modules)")
    return 0
}

# Whether the helper can run here (a cross build may carry another architecture).
rpi_hw_helper_runs() {
    "$dracutsysrootdir$_rh_helper" --version > /dev/null 2>&1
}

rpi_hw_install_overlays() {
    local _name _src _dst=/usr/lib/rpi-hardware/overlays _msg
    inst_dir "$_dst"
    while read -r _name; do
        if ! _src=$(rpi_hw_find_overlay "$_name"); then
            dwarn "rpi-hardware: overlay $_name.dtbo not found in $(rpi_hw_overlay_dirs); the image is built without it"
            continue
        fi
        # A broken overlay stays out: at boot the helper then reports it missing.
        if rpi_hw_helper_runs \
            && ! _msg=$("$dracutsysrootdir$_rh_helper" check "$dracutsysrootdir$_src" 2>&1); then
            dwarn "rpi-hardware: overlay $_src does not validate (${_msg//$'\n'/; }); the image is built without it"
            continue
        fi
        if ! inst "$_src" "$_dst/$_name.dtbo"; then
            dwarn "rpi-hardware: overlay $_src could not be copied into the image; the image is built without it"
            continue
        fi
        if [[ ${_src##*/} != "$_name.dtbo" ]]; then
            dinfo "rpi-hardware: overlay $_name from $_src (its other name)"
        else
            dinfo "rpi-hardware: overlay $_name from $_src"
        fi
    done < <(rpi_hw_overlays)
}

# Prints the next free system group ID, counting down from 999 like groupadd -r.
rpi_hw_free_gid() {
    local _gid
    for ((_gid = 999; _gid >= 100; _gid--)); do
        if ! cut -d: -f3 "$dracutsysrootdir/etc/group" "$initdir/etc/group" 2> /dev/null \
            | grep -qx "$_gid"; then
            echo "$_gid"
            return 0
        fi
    done
    return 1
}

# udev drops GROUP= for a group the image's /etc/group lacks, so every group our
# rules name is written there: the build root's entry, or a new system group.
rpi_hw_install_groups() {
    local _group _entry _gid
    for _group in $(sed -n 's/.*GROUP="\([^"]*\)".*/\1/p' "$1" | sort -u); do
        grep -q "^$_group:" "$initdir/etc/group" 2> /dev/null && continue
        _entry=$(grep -m1 "^$_group:" "$dracutsysrootdir/etc/group" 2> /dev/null)
        if [[ -n $_entry ]]; then
            _entry=$(cut -d: -f1-3 <<< "$_entry"):
        else
            _gid=$(rpi_hw_free_gid) || {
                dwarn "rpi-hardware: no free group ID for '$_group'; udev will ignore GROUP=\"$_group\""
                continue
            }
            dinfo "rpi-hardware: group '$_group' is not on the build host; using ID $_gid in the image"
            _entry="$_group:x:$_gid:"
        fi
        mkdir -p "$initdir/etc"
        printf '%s\n' "$_entry" >> "$initdir/etc/group"
    done
}

# Axelera's package (metis-dkms) installs 72-axelera.rules. For driver 1.6 it
# gives each node its 1.5 colon name through a PROGRAM run by /bin/sh with sed;
# without those in the image the rule silently makes no link. The image carries
# the rules as the root file system has them, with what they run.
rpi_hw_vendor_rules=72-axelera.rules
rpi_hw_install_vendor_rules() {
    local _dir
    for _dir in /etc/udev/rules.d /usr/lib/udev/rules.d /lib/udev/rules.d; do
        [[ -f $dracutsysrootdir$_dir/$rpi_hw_vendor_rules ]] || continue
        inst "$_dir/$rpi_hw_vendor_rules" "${udevrulesdir:-$udevdir/rules.d}/$rpi_hw_vendor_rules"
        inst_multiple sh sed
        dinfo "rpi-hardware: udev rules $_dir/$rpi_hw_vendor_rules, with sh and sed"
        return 0
    done
}

# Files of the build root are installed with inst, not inst_simple: dracut 059's
# inst_simple looks for the source on the build host even under --sysroot, and
# silently installs nothing when only the system root has it.
# called by dracut
install() {
    local _rules
    rpi_hw_paths
    rpi_hw_load_conf warn

    if ! inst_binary "$_rh_helper" /usr/sbin/overlay-slammer; then
        dfatal "rpi-hardware: cannot install $_rh_helper into the image"
        exit 1
    fi

    if [[ -f $dracutsysrootdir$_rh_config ]]; then
        inst "$_rh_config" /etc/rpi-hardware.conf
    else
        mkdir -p "$initdir/etc"
        printf '# %s\n' "No $_rh_config on the build host: the built-in defaults apply." \
            > "$initdir/etc/rpi-hardware.conf"
    fi
    if [[ -f $dracutsysrootdir$_rh_datadir/hardware-ids ]]; then
        inst "$_rh_datadir/hardware-ids" /usr/lib/rpi-hardware/hardware-ids
    fi
    if [[ -f $dracutsysrootdir/etc/rpi-hardware/hardware-ids ]]; then
        inst /etc/rpi-hardware/hardware-ids
    fi

    rpi_hw_install_overlays

    # As for udev itself, a file of the same name in /etc replaces the packaged
    # one: the administrator's rules, regenerated from their own hardware-ids.
    _rules=$_rh_rulesdir/$rpi_hw_rules_name
    if [[ -f $dracutsysrootdir/etc/udev/rules.d/$rpi_hw_rules_name ]]; then
        _rules=/etc/udev/rules.d/$rpi_hw_rules_name
        dinfo "rpi-hardware: udev rules from $_rules"
    fi
    inst "$_rules" "${udevrulesdir:-$udevdir/rules.d}/$rpi_hw_rules_name"
    rpi_hw_install_groups "$dracutsysrootdir$_rules"
    rpi_hw_install_vendor_rules

    inst_simple "$moddir/rpi-hardware-lib.sh" /lib/rpi-hardware-lib.sh
    inst_hook pre-udev 40 "$moddir/rpi-hardware-boot.sh"
    inst_hook pre-mount 10 "$moddir/rpi-hardware-wait.sh"
    inst_hook emergency 50 "$moddir/rpi-hardware-emergency.sh"
}
