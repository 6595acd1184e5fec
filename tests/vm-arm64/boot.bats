#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The chain on the real architecture: Debian's arm64 kernel boots, in
# qemu-system-aarch64 -M virt (TCG) with QEMU's edu device as the card, a dracut
# image cross-built with 95rpi-hardware, the arm64 helper and the product's
# default configuration, with the stand-in hardware of tests/kmod cross-compiled
# for it. Two boots: driver 1.5 naming and, with metis.naming=1.6 on the command
# line, driver 1.6 naming. How: arm64.bash. It needs the arm64 build (make check
# makes build/aarch64; RPI_HW_ARM64_BUILD names another).

# The card, at slot 4 of the virt machine's PCIe root bus (tests/vm/cards.bash).
CARD=0000:00:04.0
NODE=metis-0:0:4

setup_file() {
	BUILD_DIR=${RPI_HW_ARM64_BUILD:-$REPO/build/aarch64}
	if [[ $(file -b "$BUILD_DIR/overlay-slammer" 2>/dev/null) != *"ARM aarch64"* ]]; then
		export A64_SKIP="no arm64 build in $BUILD_DIR: make CROSS=aarch64-linux-gnu-"
		return 0
	fi
	export BUILD_DIR
	load arm64
	a64_prepare "$BATS_FILE_TMPDIR/a64" || return 1
	# Two at once: each has two vCPUs, the machine two cores.
	a64_boot happy "rd.shell=0 rd.emergency=poweroff rpihw_test.root=twice" &
	a64_boot naming16 "rd.shell=0 rd.emergency=poweroff metis.naming=1.6" &
	wait
	echo "# arm64 boots: kernel $A64_ABI; happy $(cat "$A64_OUT/happy.result")," \
		"naming16 $(cat "$A64_OUT/naming16.result"); logs in $A64_OUT" >&3
	export A64_OUT A64_IMG
}

setup() {
	[[ -z ${A64_SKIP:-} ]] || skip "$A64_SKIP"
}

# The kernel log of boot NAME as the console showed it: one record per line,
# without the time.
klog() {
	tr -d '\r' <"$A64_OUT/$1.log" | sed -E 's/([^[:space:]])(\[ *[0-9]+\.[0-9]{6}\] )/\1\n\2/g' |
		sed -nE 's/^\[ *[0-9]+\.[0-9]+\] //p'
}

# The kernel time of boot NAME's first record matching the ERE.
stamp() {
	tr -d '\r' <"$A64_OUT/$1.log" | awk -v re="$2" '
	match($0, /^\[ *[0-9]+\.[0-9]+\] /) && substr($0, RLENGTH + 1) ~ re {
		printf "%.6f\n", substr($0, 2, RLENGTH - 3); exit }'
}

# has BOOT ERE WHAT
has() {
	klog "$1" | grep -qE -- "$2" && return 0
	echo "boot $1: expected $3 (/$2/); last lines of $A64_OUT/$1.log:"
	tr -d '\r' <"$A64_OUT/$1.log" | tail -n 25
	return 1
}

# before BOOT ERE-A ERE-B WHAT
before() {
	local a b
	a=$(stamp "$1" "$2")
	b=$(stamp "$1" "$3")
	[[ -n $a && -n $b ]] || { echo "boot $1: $4: missing /$2/ (${a:-none}) or /$3/ (${b:-none})"; return 1; }
	awk -v a="$a" -v b="$b" 'BEGIN { exit !(a < b) }' ||
		{ echo "boot $1: $4: /$2/ at $a is not before /$3/ at $b"; return 1; }
}

# The chain: NODE is the name the driver gives the card.
chain_ok() {
	local node=$2
	has "$1" '^overlay-slammer: loaded module metis ' "module metis loaded by the helper" &&
		has "$1" "^rpihw_overlays: PCIe x1 port down \(until an overlay enables pcie1\): $CARD \[1234:11e8\] taken off the bus" \
			"the card off the bus while the port is down" &&
		has "$1" '^rpihw_overlays: overlay cruiser-raspberrypi-cm5 applied' "the Cruiser overlay applied" &&
		has "$1" '^rpihw_overlays: overlay axelera-metis applied' "the Metis overlay applied" &&
		before "$1" '^rpihw_overlays: overlay cruiser-raspberrypi-cm5 applied' \
			'^rpihw_overlays: overlay axelera-metis applied' "Cruiser before Metis" &&
		has "$1" "^rpihw_overlays: PCIe x1 port up \(overlay axelera-metis\): card $CARD \[1234:11e8\] found" \
			"the Metis overlay bringing the card onto the bus" &&
		has "$1" "^axl $CARD: Wrong msi number 1 \(want 32\), falling back to 1" \
			"the driver asking for 32 MSI vectors, getting 1" &&
		has "$1" "^metis: $node created for $CARD \(axl\)" "metis bound as axl, making $node" &&
		has "$1" "^rpihw-vmtest: udev: /dev/$node ready, links: .*axelera0" "udev's /dev/axelera0 link" &&
		has "$1" "^rpihw-vmtest: pre-mount: axelera0=$node sysroot=unmounted" \
			"/dev/axelera0 -> $node in pre-mount, root not mounted" &&
		before "$1" "^rpihw-vmtest: pre-mount: axelera0=$node" '^EXT4-fs \(vda\): mounted' \
			"/dev/axelera0 before the root mount" &&
		has "$1" '^rpihw-vmtest: root: init running' "the root's init to run" &&
		has "$1" "^rpihw-vmtest: root: device: axelera0=$node$" "/dev/axelera0 still there on the root" &&
		has "$1" "^rpihw-vmtest: root: axl bound: $CARD$" "the card bound to axl on the root" &&
		has "$1" '^rpihw-vmtest: root: configfs items: axelera-metis=applied cruiser-raspberrypi-cm5=applied$' \
			"exactly the two overlays in configfs"
}

@test "arm64: the image carries the arm64 helper, statically linked" {
	run bash -c "lsinitrd -f usr/sbin/overlay-slammer '$A64_IMG' | file -b -"
	[[ $output == *"ARM aarch64"*"statically linked"* ]]
}

@test "arm64: the image carries the administrator's hardware-ids and rules from the system root's /etc" {
	run lsinitrd -f etc/rpi-hardware/hardware-ids "$A64_IMG"
	[[ $output == *"0x1234  0x11e8  axelera%m"* ]]
	run bash -c "lsinitrd '$A64_IMG' | grep -E ' (usr/)?lib/udev/rules.d/65-rpi-hardware.rules$'"
	[ "$status" -eq 0 ]
	run bash -c "lsinitrd -f \$(lsinitrd '$A64_IMG' | grep -oE '(usr/)?lib/udev/rules.d/65-rpi-hardware.rules$') '$A64_IMG'"
	[[ $output == *'ATTRS{vendor}=="0x1234", ATTRS{device}=="0x11e8", SYMLINK+="axelera%m"'* ]]
}

@test "arm64: metis loaded, Cruiser then Metis, card bound as axl, /dev/axelera0 -> metis-0:0:4 before the root mounts" {
	chain_ok happy "$NODE"
	has happy "^rpihw-vmtest: root: class metis: version=1\.5\.[0-9]+-rpihw-standin $NODE->$NODE$" \
		"the class of driver 1.5"
}

@test "arm64: driver 1.6 naming (metis.naming=1.6): /dev/axelera0 -> metis-0-0-4, colon link in /sys/class/metis" {
	has naming16 "^metis: metis-0-0-4 created for $CARD \(axl\), /sys/class/metis/$NODE links to it" \
		"the dash-named node and its colon link"
	chain_ok naming16 metis-0-0-4
	has naming16 "^rpihw-vmtest: root: class metis: version=1\.6\.[0-9]+-rpihw-standin metis-0-0-4->metis-0-0-4 $NODE->metis-0-0-4$" \
		"the colon name leading to the dash-named node"
}

@test "arm64: running the helper again after switch_root changes nothing" {
	has happy '^rpihw-vmtest: root: twice: apply=0 boot=0 changes=2->2 status=same$' \
		"apply and boot again to succeed without a configfs change"
}

@test "arm64: no kernel warning, oops or panic" {
	local b
	for b in happy naming16; do
		run bash -c "tr -d '\r' <'$A64_OUT/$b.log' | grep -E 'WARNING: CPU|BUG:|Oops|Internal error|Kernel panic'"
		[ "$status" -eq 1 ] || { echo "boot $b: $output"; return 1; }
	done
}
