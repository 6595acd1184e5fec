#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# pre-pivot hook (root mounted, before switch_root): the state of the card,
# the driver and the live tree, and the kernel's page size. With
# rpihw_oftest.remove=1 it runs the helper's "remove" (the configured
# overlays, in reverse order) and "apply" again, with the state after each.
# rpihw_oftest.apply=NAME,... applies overlays only now, the root mounted
# (the negative control of a device that appears too late). Sourced by dracut.
_ot_page=$(sed -n 's/^KernelPageSize: *\([0-9]*\) kB$/\1/p' /proc/self/smaps | head -n 1)
echo "<6>rpihw-oftest: kernel page size ${_ot_page:-unknown} KiB" > /dev/kmsg
/usr/lib/rpihw-oftest/state pre-pivot
if getargbool 0 rpihw_oftest.remove; then
    /usr/sbin/overlay-slammer remove > /dev/null 2>&1
    echo "<6>rpihw-oftest: remove exit $?" > /dev/kmsg
    /usr/lib/rpihw-oftest/state after-remove
    /usr/sbin/overlay-slammer apply cruiser-raspberrypi-cm5 axelera-metis > /dev/null 2>&1
    echo "<6>rpihw-oftest: apply exit $?" > /dev/kmsg
    # The driver binds when the bus is scanned; udev makes the node soon after.
    _ot_n=0
    while [ ! -c /dev/metis-0:0:4 ] && [ "$_ot_n" -lt 50 ]; do
        sleep 0.1
        _ot_n=$((_ot_n + 1))
    done
    /usr/lib/rpihw-oftest/state after-apply
fi
_ot_apply=$(getarg rpihw_oftest.apply=)
if [ -n "$_ot_apply" ]; then
    # shellcheck disable=SC2046 # one word per overlay name
    /usr/sbin/overlay-slammer apply $(echo "$_ot_apply" | tr , ' ') > /dev/null 2>&1
    echo "<6>rpihw-oftest: late apply of $_ot_apply, exit $?" > /dev/kmsg
    _ot_n=0
    while [ ! -c /dev/metis-0:0:4 ] && [ "$_ot_n" -lt 50 ]; do
        sleep 0.1
        _ot_n=$((_ot_n + 1))
    done
    /usr/lib/rpihw-oftest/state after-late-apply
fi
unset _ot_page _ot_n _ot_apply
