#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# pre-mount hook of the test module, after 95rpi-hardware's wait: records
# whether the accelerator's node is there while the root is still unmounted.
# Sourced by dracut.
if [ -e /dev/axelera0 ]; then
    _vt_dev="axelera0=$(readlink /dev/axelera0)"
else
    _vt_dev="axelera0=absent"
fi
if grep -q ' /sysroot ' /proc/mounts; then
    _vt_root="sysroot=mounted"
else
    _vt_root="sysroot=unmounted"
fi
echo "<6>rpihw-vmtest: pre-mount: $_vt_dev $_vt_root" > /dev/kmsg
unset _vt_dev _vt_root
