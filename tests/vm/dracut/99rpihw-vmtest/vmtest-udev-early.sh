#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# pre-udev hook of the test module, before 95rpi-hardware's (40), only with
# rpihw_test.udev=early: udev runs once before the helper and handles the PCI
# devices there are, as udev does for a card the firmware enabled
# (dtparam=pciex1=on, here rpihw_overlays.port_up=1) before the helper runs. It
# loads the card's driver by its modalias and makes the links; then it stops,
# and dracut starts its own udev as usual. Sourced by dracut.
# shellcheck disable=SC2154 # systemdutildir comes from dracut
if [ "$(getarg rpihw_test.udev=)" = early ]; then
    "$systemdutildir"/systemd-udevd --daemon --resolve-names=never
    udevadm trigger --type=devices --subsystem-match=pci --action=add > /dev/null 2>&1
    udevadm settle --timeout=30
    udevadm control --exit
    if [ -d /sys/module/metis ]; then
        _vt_m="metis loaded"
    else
        _vt_m="metis not loaded"
    fi
    echo "<6>rpihw-vmtest: udev-early: udev ran before the helper: $_vt_m" > /dev/kmsg
    unset _vt_m
fi
