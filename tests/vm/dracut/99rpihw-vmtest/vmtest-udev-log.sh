#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Run by udev once a metis node and its links exist: KERNEL-NAME LINK...
name=$1
shift
echo "<6>rpihw-vmtest: udev: /dev/$name ready, links: ${*:-none}" > /dev/kmsg
