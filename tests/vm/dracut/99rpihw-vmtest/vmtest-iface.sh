#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# cmdline hook of the test module: the configfs overlay interface, loaded before
# anything of 95rpi-hardware runs, stands in for a kernel that has it built in.
# rpihw_test.iface=0 stands in for a kernel without it: the module only keeps
# the PCIe x1 port down (interface=0). Module options on the command line
# (rpihw_overlays.port_up=1) reach it through modprobe. Sourced by dracut.
if getargbool 1 rpihw_test.iface; then
    if modprobe rpihw_overlays; then
        echo "<6>rpihw-vmtest: interface: configfs overlay interface module loaded" > /dev/kmsg
    else
        echo "<3>rpihw-vmtest: interface: loading rpihw_overlays failed" > /dev/kmsg
    fi
elif modprobe rpihw_overlays interface=0; then
    echo "<6>rpihw-vmtest: interface: left out (rpihw_test.iface=0)" > /dev/kmsg
else
    echo "<3>rpihw-vmtest: interface: loading rpihw_overlays interface=0 failed" > /dev/kmsg
fi
