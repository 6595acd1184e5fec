#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# pre-mount hook of the test module, after 95rpi-hardware's wait: records the
# accelerator links (/dev/axelera0 ...) and the nodes they point to while the
# root is still unmounted. Sourced by dracut, and by the initramfs-tools
# boots' local-premount script (which names its root in RPIHW_VMTEST_ROOT).
_vt_dev=
for _vt_l in /dev/axelera*; do
    [ -L "$_vt_l" ] || continue
    _vt_dev="$_vt_dev ${_vt_l#/dev/}=$(readlink "$_vt_l")"
done
[ -n "$_vt_dev" ] || _vt_dev=" axelera0=absent"
if grep -q " ${RPIHW_VMTEST_ROOT:-/sysroot} " /proc/mounts; then
    _vt_root="sysroot=mounted"
else
    _vt_root="sysroot=unmounted"
fi
echo "<6>rpihw-vmtest: pre-mount:$_vt_dev $_vt_root" > /dev/kmsg
unset _vt_dev _vt_l _vt_root RPIHW_VMTEST_ROOT
