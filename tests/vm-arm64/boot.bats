#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The happy path on the real architecture: Debian's arm64 kernel boots, in
# qemu-system-aarch64 -M virt (TCG), a dracut image cross-built with
# 95rpi-hardware and the arm64 helper, with the stand-in hardware of
# tests/kmod/standin cross-compiled for it. How: arm64.bash. It needs the arm64
# build (make check makes build/aarch64; RPI_HW_ARM64_BUILD names another).

setup_file() {
	BUILD_DIR=${RPI_HW_ARM64_BUILD:-$REPO/build/aarch64}
	if [[ $(file -b "$BUILD_DIR/overlay-slammer" 2>/dev/null) != *"ARM aarch64"* ]]; then
		export A64_SKIP="no arm64 build in $BUILD_DIR: make CROSS=aarch64-linux-gnu-"
		return 0
	fi
	export BUILD_DIR
	load arm64
	a64_prepare "$BATS_FILE_TMPDIR/a64" || return 1
	a64_boot happy "rd.shell=0 rd.emergency=poweroff rpihw_test.root=twice"
	echo "# arm64 boot: kernel $A64_ABI, $(cat "$A64_OUT/happy.result"); log $A64_OUT/happy.log" >&3
	export A64_OUT A64_IMG
}

setup() {
	[[ -z ${A64_SKIP:-} ]] || skip "$A64_SKIP"
}

# The kernel log as the console showed it: one record per line, without the time.
klog() {
	tr -d '\r' <"$A64_OUT/happy.log" | sed -E 's/([^[:space:]])(\[ *[0-9]+\.[0-9]{6}\] )/\1\n\2/g' |
		sed -nE 's/^\[ *[0-9]+\.[0-9]+\] //p'
}

# The kernel time of the first record matching the ERE.
stamp() {
	tr -d '\r' <"$A64_OUT/happy.log" | awk -v re="$1" '
	match($0, /^\[ *[0-9]+\.[0-9]+\] /) && substr($0, RLENGTH + 1) ~ re {
		printf "%.6f\n", substr($0, 2, RLENGTH - 3); exit }'
}

has() {
	klog | grep -qE -- "$1" && return 0
	echo "expected $2 (/$1/); last lines of $A64_OUT/happy.log:"
	tr -d '\r' <"$A64_OUT/happy.log" | tail -n 25
	return 1
}

before() {
	local a b
	a=$(stamp "$1")
	b=$(stamp "$2")
	[[ -n $a && -n $b ]] || { echo "$3: missing /$1/ (${a:-none}) or /$2/ (${b:-none})"; return 1; }
	awk -v a="$a" -v b="$b" 'BEGIN { exit !(a < b) }' || { echo "$3: /$1/ at $a is not before /$2/ at $b"; return 1; }
}

@test "arm64: the image carries the arm64 helper, statically linked" {
	run bash -c "lsinitrd -f usr/sbin/overlay-slammer '$A64_IMG' | file -b -"
	[[ $output == *"ARM aarch64"*"statically linked"* ]]
}

@test "arm64: modules, Cruiser then Metis, /dev/axelera0 before the root mounts, root init runs" {
	local m
	for m in axdevice rp1_uart rp1_pci; do
		has "^overlay-slammer: loaded module $m " "module $m loaded by the helper"
	done
	has '^rpihw_overlays: overlay exaviz-cruiser applied' "the Cruiser overlay applied"
	has '^rpihw_overlays: overlay axelera-metis applied' "the Metis overlay applied"
	before '^rpihw_overlays: overlay exaviz-cruiser applied' '^rpihw_overlays: overlay axelera-metis applied' \
		"Cruiser before Metis"
	has '^axdevice: accel0 created for metis-endpoint' "the accel node on the endpoint"
	has '^rpihw-vmtest: udev: /dev/accel0 ready, links: .*axelera0' "udev's /dev/axelera0 link"
	has '^rpihw-vmtest: pre-mount: axelera0=accel0 sysroot=unmounted' "/dev/axelera0 in pre-mount, root not mounted"
	before '^rpihw-vmtest: pre-mount: axelera0=accel0' '^EXT4-fs \(vda\): mounted' "/dev/axelera0 before the root mount"
	has '^rpihw-vmtest: root: init running' "the root's init to run"
	has '^rpihw-vmtest: root: device: axelera0=accel0' "/dev/axelera0 still there on the root"
	has '^rpihw-vmtest: root: configfs items: axelera-metis=applied exaviz-cruiser=applied$' \
		"exactly the two overlays in configfs"
}

@test "arm64: running the helper again after switch_root changes nothing" {
	has '^rpihw-vmtest: root: twice: apply=0 boot=0 changes=2->2 status=same$' \
		"apply and boot again to succeed without a configfs change"
}

@test "arm64: no kernel warning, oops or panic" {
	run bash -c "tr -d '\r' <'$A64_OUT/happy.log' | grep -E 'WARNING: CPU|BUG:|Oops|Internal error|Kernel panic'"
	[ "$status" -eq 1 ]
}
