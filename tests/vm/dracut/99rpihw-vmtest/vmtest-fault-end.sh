#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# pre-mount hook of the test module, after 95rpi-hardware's wait (its last use
# of /dev/kmsg in the initramfs): gives /dev/kmsg back after rpihw_test.kmsg=ro
# and records whether it refused writes meanwhile. Sourced by dracut.
if [ -f /run/rpihw-vmtest/kmsg-ro ]; then
    read -r _vt_writes < /run/rpihw-vmtest/kmsg-ro
    umount /dev/kmsg && umount /run/rpihw-vmtest/ro
    rm -f /run/rpihw-vmtest/kmsg-ro
    echo "<6>rpihw-vmtest: fault: /dev/kmsg writable again; while read-only it $_vt_writes writes" > /dev/kmsg
    unset _vt_writes
fi
