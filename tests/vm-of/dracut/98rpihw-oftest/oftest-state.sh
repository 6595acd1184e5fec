#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Logs one line of what the kernel has of the card, the driver and the
# controller: WHEN pci=present|absent axl=BOUND node=present|absent
# pcie-status=LIVE-TREE-STATUS host=present|absent items=NAME=STATUS,...
when=$1
card=0000:00:04.0
if [ -e /sys/bus/pci/devices/$card ]; then pci=present; else pci=absent; fi
if [ -e /sys/bus/pci/drivers/axl/$card ]; then axl=$card; else axl=none; fi
if [ -c /dev/metis-0:0:4 ]; then node=present; else node=absent; fi
st=$(tr -d '\000' < /proc/device-tree/pcie@10000000/status 2> /dev/null) || st=none
if [ -e /sys/bus/platform/devices/4010000000.pcie ]; then host=present; else host=absent; fi
items=
for d in /sys/kernel/config/device-tree/overlays/*/; do
    [ -d "$d" ] || continue
    n=${d%/}
    items="$items${items:+,}${n##*/}=$(cat "$d/status")"
done
echo "<6>rpihw-oftest: state $when: pci=$pci axl=$axl node=$node pcie-status=$st host=$host items=${items:-none}" > /dev/kmsg
