#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# bench-loop REPS: inside the emulated boot, before udev, REPS rounds of the
# helper's `boot` and of the seed's shell approach doing the same work (the
# helper's configured modules and overlays, from the image's overlay directory),
# in alternating order, each timed by the static timer and followed by a check
# of the result and a clean-up (overlays removed in reverse, which takes the
# card off the bus again, and modules unloaded).
# Round 0 warms both up and is reported but not counted. One line per run:
#   RPIHW-BENCH rep=N method=helper|seed ns=NS rc=EXIT ok=1|0
PATH=/usr/sbin:/usr/bin:/sbin:/bin
lib=/usr/lib/rpihw-bench
helper=/usr/sbin/overlay-slammer
cfs=/sys/kernel/config/device-tree/overlays
dir=/usr/lib/rpi-hardware/overlays
reps=$1

say() {
	echo "RPIHW-BENCH $*"
}

# The list with its order reversed, space separated.
reverse() {
	_out=
	for _x in $(echo "$1" | tr , ' '); do
		_out="$_x $_out"
	done
	echo "$_out"
}

# 1 if every overlay is applied, every module loaded and the driver's node for
# the card there (devtmpfs makes it; udev, which adds /dev/axelera0, has not
# started yet).
verify() {
	for _o in $(echo "$overlays" | tr , ' '); do
		[ "$(cat "$cfs/$_o/status" 2> /dev/null)" = applied ] || { echo 0; return; }
	done
	for _m in $(echo "$modules" | tr , ' '); do
		[ -d "/sys/module/$_m" ] || { echo 0; return; }
	done
	for _n in /dev/metis-*; do
		[ -c "$_n" ] && { echo 1; return; }
	done
	echo 0
}

clean() {
	for _o in $(reverse "$overlays"); do
		[ -d "$cfs/$_o" ] && rmdir "$cfs/$_o"
	done
	for _m in $(echo "$modules" | tr , ' '); do
		[ -d "/sys/module/$_m" ] && rmmod "$_m"
	done
	for _o in "$cfs"/*; do
		[ -e "$_o" ] && say "error: $_o left after clean-up"
	done
}

run() {
	case $2 in
		helper) _r=$("$lib/timer" "$helper" boot) ;;
		seed) _r=$("$lib/timer" sh "$lib/seed-approach" "$dir" "$modules" "$overlays") ;;
	esac
	say "rep=$1 method=$2 ns=${_r% *} rc=${_r#* } ok=$(verify)"
	clean
}

modules=$("$helper" config modules 2> /dev/null)
overlays=$("$helper" config overlays 2> /dev/null)
say "begin reps=$reps modules=$modules overlays=$overlays sh=$(readlink -f /bin/sh)"
grep -q ' /sys/kernel/config configfs ' /proc/mounts \
	|| mount -t configfs configfs /sys/kernel/config
if [ ! -d "$cfs" ]; then
	say "error: no $cfs"
	exit 1
fi
clean
i=0
while [ "$i" -le "$reps" ]; do
	if [ $((i % 2)) -eq 1 ]; then
		run "$i" helper
		run "$i" seed
	else
		run "$i" seed
		run "$i" helper
	fi
	i=$((i + 1))
done
say "end"
