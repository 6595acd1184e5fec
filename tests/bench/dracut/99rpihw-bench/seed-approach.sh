#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The seed's bring-up, as its scripts did it by hand, for the benchmark to time
# against the helper: configfs mounted if it is not, one modprobe per module,
# then for each overlay a mkdir and a cat of the blob into its dtbo. Nothing is
# checked, as nothing was.
#
#   seed-approach OVERLAY-DIR MODULES OVERLAYS     (lists comma separated)
dir=$1
cfs=/sys/kernel/config
grep -q " $cfs configfs " /proc/mounts || mount -t configfs configfs "$cfs"
IFS=,
for m in $2; do
	modprobe "$m"
done
for o in $3; do
	mkdir -p "$cfs/device-tree/overlays/$o"
	cat "$dir/$o.dtbo" > "$cfs/device-tree/overlays/$o/dtbo"
done
