#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# What goes into an initramfs for rpi-hardware, the same for every generator
# (dracut, initramfs-tools, mkinitcpio): the static helper, its configuration,
# the overlays the configuration names (each checked by the helper), the ID
# table, the udev rules with the groups they name, and the kernel modules.
# The generator's glue installs each item with its own functions.
#
# Sourced (bash) by dracut's module-setup.sh and mkinitcpio's install hook;
# run as a program by initramfs-tools' hook (whose hooks must parse as sh):
#   image.sh list                 the items, one a line, tab separated:
#       binary SRC DST            the helper (static: no libraries)
#       file   SRC DST            a file of the build root
#       text   DST LINE           a file of one line
#       rules  SRC DST            udev rules
#       program NAME              a program the rules run (sh, sed)
#       group  LINE               a line of the image's /etc/group
#   image.sh kernel KVER MODDIR   the kernel modules for one kernel:
#       kmod   NAME required|configured
# Messages go to rpi_hw_glue_note LEVEL TEXT (info, warn); run as a program,
# to stderr as "I: rpi-hardware: ..." and "W: rpi-hardware: ...".
#
# Source paths are inside RPI_HW_SYSROOT (dracut's --sysroot; empty
# elsewhere). Settings, from the generator's configuration or the environment:
#   rpi_hw_config   (/etc/rpi-hardware.conf)   rpi_hw_helper  (the helper)
#   rpi_hw_datadir  (hardware-ids)             rpi_hw_rulesdir (65-rpi-hardware.rules)
#   rpi_hw_shlib    (the suite's shell library, rpi-hardware.sh: the shell
#                   reader of the configuration and the kernel-configuration probe)

# Install locations; `make install` rewrites these lines for its PREFIX.
rpi_hw_default_helper=/usr/sbin/overlay-slammer
rpi_hw_default_datadir=/usr/lib/rpi-hardware
rpi_hw_default_rulesdir=/usr/lib/udev/rules.d

rpi_hw_rules_name=65-rpi-hardware.rules
# Axelera's package (metis-dkms) installs 72-axelera.rules. For driver 1.6 it
# gives each node its 1.5 colon name through a PROGRAM run by /bin/sh with sed;
# without those in the image the rule silently makes no link. The image carries
# the rules as the root file system has them, with what they run.
rpi_hw_vendor_rules=72-axelera.rules
# Where every image has the overlays and the boot steps.
rpi_hw_image_overlays=/usr/lib/rpi-hardware/overlays
# shellcheck disable=SC2034 # used by the glues
rpi_hw_image_boot=/usr/lib/rpi-hardware/boot.sh

rpi_hw_paths() {
    _rh_config=${rpi_hw_config:-/etc/rpi-hardware.conf}
    _rh_helper=${rpi_hw_helper:-$rpi_hw_default_helper}
    _rh_datadir=${rpi_hw_datadir:-$rpi_hw_default_datadir}
    _rh_rulesdir=${rpi_hw_rulesdir:-$rpi_hw_default_rulesdir}
    _rh_shlib=${rpi_hw_shlib:-$rpi_hw_default_datadir/rpi-hardware.sh}
    # The configuration reader for where the helper cannot run, and the
    # kernel-configuration probe: rpi_hw_conf_get, rpi_hw_kernel_config.
    # shellcheck source=../../helpers/lib/rpi-hardware.sh
    [[ -f ${RPI_HW_SYSROOT-}$_rh_shlib ]] && . "${RPI_HW_SYSROOT-}$_rh_shlib"
}

# The messages go to stderr whatever the glue's logger does: the list is on
# stdout.
rpi_hw_info() {
    rpi_hw_glue_note info "rpi-hardware: $*" >&2
}

rpi_hw_warn() {
    rpi_hw_glue_note warn "rpi-hardware: $*" >&2
}

# Whether the helper can run here (a cross build may carry another architecture).
rpi_hw_helper_runs() {
    "${RPI_HW_SYSROOT-}$_rh_helper" --version > /dev/null 2>&1
}

# The settings of the build root's configuration file, as the helper reads it:
# the one reader of the file, when it runs on the build host. It reads no
# command line here: an empty system root stands in for the build host's /proc.
# With "warn", its warnings (a malformed value, a module name of the seed's that
# no kernel has) come out here as they will at boot. Where it cannot run (a
# cross build), rpi_hw_conf reads the file with the suite's shell reader.
rpi_hw_load_conf() {
    local _file="${RPI_HW_SYSROOT-}$_rh_config" _noroot _line _rc=0
    local -a _args=()
    _rh_settings=
    rpi_hw_helper_runs || return 0
    _noroot=$(mktemp -d "${DRACUT_TMPDIR:-${TMPDIR:-/tmp}}/rpi-hw-noroot.XXXXXX") || return 0
    [[ -f $_file ]] && _args=(--config "$_file")
    _rh_settings=$("${RPI_HW_SYSROOT-}$_rh_helper" --sysroot "$_noroot" "${_args[@]}" config 2> "$_noroot.msg") || _rc=$?
    if [[ ${1-} == warn ]]; then
        while IFS= read -r _line; do
            [[ -n $_line ]] && rpi_hw_warn "${_line#overlay-slammer: }"
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
    rpi_hw_conf_get "${RPI_HW_SYSROOT-}$_rh_config" "$1"
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
            rpi_hw_warn "overlay name '$_name' in $_rh_config is not a file name; skipped"
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
            if [[ -f ${RPI_HW_SYSROOT-}$_dir/$_name.dtbo ]]; then
                printf '%s\n' "$_dir/$_name.dtbo"
                return 0
            fi
        done
    done
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

# Each overlay of the configuration, from the first search directory that has
# it, if the helper accepts it. A broken overlay stays out: at boot the helper
# then reports it missing.
rpi_hw_list_overlays() {
    local _name _src _msg
    while read -r _name; do
        if ! _src=$(rpi_hw_find_overlay "$_name"); then
            rpi_hw_warn "overlay $_name.dtbo not found in $(rpi_hw_overlay_dirs); the image is built without it"
            continue
        fi
        if rpi_hw_helper_runs \
            && ! _msg=$("${RPI_HW_SYSROOT-}$_rh_helper" check "${RPI_HW_SYSROOT-}$_src" 2>&1); then
            rpi_hw_warn "overlay $_src does not validate (${_msg//$'\n'/; }); the image is built without it"
            continue
        fi
        if [[ ${_src##*/} != "$_name.dtbo" ]]; then
            rpi_hw_info "overlay $_name from $_src (its other name)"
        else
            rpi_hw_info "overlay $_name from $_src"
        fi
        printf 'file\t%s\t%s\n' "$_src" "$rpi_hw_image_overlays/$_name.dtbo"
    done < <(rpi_hw_overlays)
}

# udev ignores GROUP= for a group the image's /etc/group lacks. A group the
# build root has goes in with its ID (no members); one it lacks stays out: an
# ID made up here could belong to another group on the root file system, so
# the node keeps root's group until the root's udev runs (as dracut's own
# udev-rules module does).
rpi_hw_list_groups() {
    local _group _entry
    for _group in $(sed -n 's/.*GROUP="\([^"]*\)".*/\1/p' "$1" | sort -u); do
        _entry=$(grep -m1 "^$_group:" "${RPI_HW_SYSROOT-}/etc/group" 2> /dev/null)
        if [[ -n $_entry ]]; then
            printf 'group\t%s\n' "$(cut -d: -f1-3 <<< "$_entry"):"
        else
            rpi_hw_warn "group '$_group' is not on the build host: udev in the initramfs ignores GROUP=\"$_group\", and the root file system's udev sets it"
        fi
    done
}

rpi_hw_list_rules() {
    local _rules=$_rh_rulesdir/$rpi_hw_rules_name _dir
    # As for udev itself, a file of the same name in /etc replaces the packaged
    # one: the administrator's rules, regenerated from their own hardware-ids.
    if [[ -f ${RPI_HW_SYSROOT-}/etc/udev/rules.d/$rpi_hw_rules_name ]]; then
        _rules=/etc/udev/rules.d/$rpi_hw_rules_name
        rpi_hw_info "udev rules from $_rules"
    fi
    printf 'rules\t%s\t%s\n' "$_rules" "/usr/lib/udev/rules.d/$rpi_hw_rules_name"
    rpi_hw_list_groups "${RPI_HW_SYSROOT-}$_rules"
    for _dir in /etc/udev/rules.d /usr/lib/udev/rules.d /lib/udev/rules.d; do
        [[ -f ${RPI_HW_SYSROOT-}$_dir/$rpi_hw_vendor_rules ]] || continue
        printf 'rules\t%s\t%s\n' "$_dir/$rpi_hw_vendor_rules" "/usr/lib/udev/rules.d/$rpi_hw_vendor_rules"
        printf 'program\tsh\nprogram\tsed\n'
        rpi_hw_info "udev rules $_dir/$rpi_hw_vendor_rules, with sh and sed"
        return 0
    done
}

# What goes into the image, every item once, in this order.
rpi_hw_image_list() {
    rpi_hw_paths
    rpi_hw_load_conf warn
    printf 'binary\t%s\t%s\n' "$_rh_helper" /usr/sbin/overlay-slammer
    if [[ -f ${RPI_HW_SYSROOT-}$_rh_config ]]; then
        printf 'file\t%s\t%s\n' "$_rh_config" /etc/rpi-hardware.conf
    else
        printf 'text\t%s\t%s\n' /etc/rpi-hardware.conf "# No $_rh_config on the build host: the built-in defaults apply."
    fi
    if [[ -f ${RPI_HW_SYSROOT-}$_rh_datadir/hardware-ids ]]; then
        printf 'file\t%s\t%s\n' "$_rh_datadir/hardware-ids" /usr/lib/rpi-hardware/hardware-ids
    fi
    if [[ -f ${RPI_HW_SYSROOT-}/etc/rpi-hardware/hardware-ids ]]; then
        printf 'file\t%s\t%s\n' /etc/rpi-hardware/hardware-ids /etc/rpi-hardware/hardware-ids
    fi
    rpi_hw_list_overlays
    rpi_hw_list_rules
}

# Whether kernel module NAME (dashes and underscores alike, or an alias) is in
# the module tree MODDIR of kernel KVER, as a module or built in: kmod's own
# lookup.
rpi_hw_kmod_in_tree() {
    local _base=${3%/lib/modules/"$2"}
    [[ $_base != "$3" ]] || _base=${3%/usr/lib/modules/"$2"}
    if [[ $_base != "$3" ]]; then
        modinfo -k "$2" -b "${_base:-/}" -F filename "$1" > /dev/null 2>&1
    else
        # A module directory not named .../lib/modules/KVER: no base for kmod.
        [[ -n $(find "$3" -name "${1}.ko*" -print -quit 2> /dev/null) ]]
    fi
}

# How kernel KVER gets the overlays, from its build configuration: "runtime"
# when it has the configfs overlay interface (Raspberry Pi kernels:
# CONFIG_OF_OVERLAY and CONFIG_OF_CONFIGFS built in), so the helper applies
# them at boot; "merged" when it has not (Fedora, openSUSE, Debian, Arch's
# linux-aarch64), so the bootloader must hand it a DTB with them merged in;
# "unknown" without a configuration to read.
rpi_hw_kernel_path() {
    local _cfg
    if ! _cfg=$(rpi_hw_kernel_config "${RPI_HW_SYSROOT-}" "$1" "$2"); then
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
        [[ -x ${RPI_HW_SYSROOT-}$_f ]] && return 0
    done
    return 1
}

# The image is the same either way (the helper tells at boot which interface the
# kernel has); the build log says once per kernel which path it will take.
rpi_hw_log_kernel_path() {
    case $(rpi_hw_kernel_path "$1" "$2") in
        runtime)
            rpi_hw_info "kernel $1: configfs overlays (runtime path)"
            ;;
        merged)
            rpi_hw_info "kernel $1: no configfs overlay interface: merged-DTB path"
            rpi_hw_dtb_integration \
                || rpi_hw_warn "kernel $1 needs a DTB with the overlays merged, and neither the kernel-install plugin nor the GRUB snippet of rpi-hardware is installed (see docs/kernel-paths.md)"
            ;;
        *)
            rpi_hw_info "kernel $1: no kernel configuration found (/boot/config-$1, $2/config); the helper tells at boot which path it takes"
            ;;
    esac
}

# The kernel modules for kernel KVER whose tree is MODDIR: configfs, which the
# helper mounts to reach the overlay interface, and each of modules=. A module
# the tree lacks is a warning: --regenerate-all, update-initramfs -k all and
# mkinitcpio -P go on through every kernel.
rpi_hw_image_kernel() {
    local _mod
    rpi_hw_paths
    rpi_hw_load_conf
    rpi_hw_log_kernel_path "$1" "$2"
    printf 'kmod\tconfigfs\trequired\n'
    while read -r _mod; do
        if rpi_hw_kmod_in_tree "$_mod" "$1" "$2"; then
            printf 'kmod\t%s\tconfigured\n' "$_mod"
        else
            rpi_hw_warn "kernel module '$_mod' not found for kernel $1; the image is built without it"
        fi
    done < <(rpi_hw_split "$(rpi_hw_conf modules)")
}

# Run as a program (initramfs-tools): the messages in its style, on stderr.
if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
    rpi_hw_glue_note() {
        case $1 in
            warn) printf 'W: %s\n' "$2" >&2 ;;
            *) printf 'I: %s\n' "$2" >&2 ;;
        esac
    }
    case ${1-} in
        list) rpi_hw_image_list ;;
        kernel) rpi_hw_image_kernel "$2" "$3" ;;
        *)
            echo "usage: ${0##*/} list | kernel KVER MODDIR" >&2
            exit 2
            ;;
    esac
fi
