#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# cmdline hook (07, after the interface loader): rpihw_oftest.path=NAME applies
# /lib/firmware/rpihw-oftest/NAME.dtbo through the item's "path" attribute
# before 95rpi-hardware runs. Sourced by dracut.
_ot_name=$(getarg rpihw_oftest.path=)
if [ -n "$_ot_name" ]; then
    _ot_dir=/sys/kernel/config/device-tree/overlays
    [ -d "$_ot_dir" ] || mount -t configfs configfs /sys/kernel/config
    if mkdir "$_ot_dir/$_ot_name" && echo "rpihw-oftest/$_ot_name.dtbo" > "$_ot_dir/$_ot_name/path" \
        && read -r _ot_state < "$_ot_dir/$_ot_name/status"; then
        echo "<6>rpihw-oftest: path: $_ot_name applied through path, status $_ot_state" > /dev/kmsg
    else
        echo "<3>rpihw-oftest: path: cannot apply $_ot_name through path" > /dev/kmsg
    fi
fi
unset _ot_name _ot_dir _ot_state
