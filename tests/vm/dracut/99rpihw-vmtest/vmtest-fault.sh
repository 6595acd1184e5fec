#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# cmdline hook of the test module, after the interface loader: the faults of
# tests/vm/faults.bats that live in the running system rather than in the image,
# put in place before 95rpi-hardware runs, and only when the kernel command line
# asks. Sourced by dracut.
#   rpihw_test.stale=NAME  an overlay item NAME left behind, empty, "unapplied"
#   rpihw_test.kmsg=ro     /dev/kmsg refuses writes until vmtest-fault-end.sh
_vt_stale=$(getarg rpihw_test.stale=)
if [ -n "$_vt_stale" ]; then
    _vt_dir=/sys/kernel/config/device-tree/overlays
    [ -d "$_vt_dir" ] || mount -t configfs configfs /sys/kernel/config
    if mkdir "$_vt_dir/$_vt_stale" && read -r _vt_state < "$_vt_dir/$_vt_stale/status"; then
        echo "<6>rpihw-vmtest: fault: item $_vt_stale left behind, status $_vt_state" > /dev/kmsg
    else
        echo "<3>rpihw-vmtest: fault: cannot leave an item $_vt_stale behind" > /dev/kmsg
    fi
fi

# root may write to a read-only device node, so what stands in for /dev/kmsg is
# a regular file on a read-only mount: opening it for writing fails (EROFS) as
# the helper's open of an unwritable /dev/kmsg would.
if [ "$(getarg rpihw_test.kmsg=)" = ro ]; then
    _vt_ro=/run/rpihw-vmtest/ro
    echo "<6>rpihw-vmtest: fault: making /dev/kmsg read-only" > /dev/kmsg
    mkdir -p "$_vt_ro"
    if mount -t tmpfs -o size=4k,mode=0755 rpihw-ro "$_vt_ro" && : > "$_vt_ro/kmsg" \
        && mount -o remount,ro "$_vt_ro" && mount --bind "$_vt_ro/kmsg" /dev/kmsg; then
        if (: >> /dev/kmsg) 2> /dev/null; then
            echo accepted > /run/rpihw-vmtest/kmsg-ro
        else
            echo refused > /run/rpihw-vmtest/kmsg-ro
        fi
    else
        echo "<3>rpihw-vmtest: fault: cannot make /dev/kmsg read-only" > /dev/kmsg
    fi
fi
unset _vt_stale _vt_dir _vt_state _vt_ro
