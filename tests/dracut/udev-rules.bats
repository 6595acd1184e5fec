#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The udev rules: generated from rules/hardware-ids, then run by udev's own
# engine (udevadm test) against simulated devices: the seed's accel device,
# Axelera's real IDs and "metis" node class, Hailo, and devices that must not
# match. In the initramfs (its udevadm, its rules, its /etc/group) and on the
# root filesystem (both rule files, group axelera).

load ../lib/dracut
load ../lib/udev
load ../lib/refute

LINK=65-rpi-hardware.rules
ROOTRULES=99-axelera-metis.rules

setup_file() {
	[[ $EUID -eq 0 ]] || skip "needs root for mount namespaces"
	local sys=$BATS_FILE_TMPDIR/sys
	mkdir -p "$sys/devices" "$sys/class" "$sys/bus/pci" "$sys/bus/platform"

	# The seed's device: an accel node whose platform parent carries the vendor
	# (what the emulated-boot stand-in module creates).
	sysfs_device "$sys" /devices/platform/metis-sim bus/platform vendor=0x1e81
	SEED=$(sysfs_node "$sys" /devices/platform/metis-sim accel accel0 261:0 accel/accel0)

	local pci=/devices/pci0000:00/0000:00:00.0
	sysfs_device "$sys" "$pci" bus/pci vendor=0x14e4 device=0x2712 class=0x060400
	# Axelera's driver: the PCI function and its "metis" class node.
	sysfs_device "$sys" "$pci/0000:01:00.0" bus/pci vendor=0x1f9d device=0x1100 class=0x120000
	METIS=$(sysfs_node "$sys" "$pci/0000:01:00.0" metis metis-0000:01:00 240:0 metis-0000:01:00)
	METIS_PCI=/sys/bus/pci/devices/0000:01:00.0
	mkdir -p "$sys/bus/pci/devices"
	ln -sfnr "$sys$pci/0000:01:00.0" "$sys/bus/pci/devices/0000:01:00.0"
	# The same card through the DRM accel layer.
	AXACCEL=$(sysfs_node "$sys" "$pci/0000:01:00.0" accel accel1 261:1 accel/accel1)
	# The ID metis-setup.sh used.
	sysfs_device "$sys" "$pci/0000:02:00.0" bus/pci vendor=0x1f0f device=0x0001
	SETUP=$(sysfs_node "$sys" "$pci/0000:02:00.0" accel accel2 261:2 accel/accel2)
	# Axelera vendor, another device: not a Metis.
	sysfs_device "$sys" "$pci/0000:03:00.0" bus/pci vendor=0x1f9d device=0x1200
	OTHERDEV=$(sysfs_node "$sys" "$pci/0000:03:00.0" accel accel3 261:3 accel/accel3)
	# Somebody else's accelerator (Intel NPU).
	sysfs_device "$sys" "$pci/0000:04:00.0" bus/pci vendor=0x8086 device=0x7d1d
	INTEL=$(sysfs_node "$sys" "$pci/0000:04:00.0" accel accel4 261:4 accel/accel4)
	# Hailo-8: its driver names the node hailo0 itself.
	sysfs_device "$sys" "$pci/0000:05:00.0" bus/pci vendor=0x1e60 device=0x2864
	HAILO=$(sysfs_node "$sys" "$pci/0000:05:00.0" hailo_chardev hailo0 511:0 hailo0)

	local rules=$BATS_FILE_TMPDIR/rules root=$BATS_FILE_TMPDIR/rootrules
	mkdir -p "$rules" "$root"
	cp "$BUILD_DIR/rules/$LINK" "$rules/"
	cp "$BUILD_DIR/rules/$LINK" "$BUILD_DIR/rules/$ROOTRULES" "$root/"
	printf 'root:x:0:\nrender:x:990:\n' >"$BATS_FILE_TMPDIR/group"
	printf 'root:x:0:\nrender:x:990:\naxelera:x:991:frigate,hass\n' >"$BATS_FILE_TMPDIR/group.root"
	export SYS=$sys RULES=$rules ROOTDIR=$root SEED METIS METIS_PCI AXACCEL SETUP OTHERDEV INTEL HAILO
}

setup() {
	[[ $EUID -eq 0 ]] || skip "needs root for mount namespaces"
}

initramfs_test() {
	udev_test "$SYS" "$RULES" "$BATS_FILE_TMPDIR/group" "$1"
}

@test "the built rules are what the generator makes from hardware-ids now" {
	cmp <("$REPO/rules/gen-rules.sh" link "$REPO/rules/hardware-ids") "$BUILD_DIR/rules/$LINK"
	cmp <("$REPO/rules/gen-rules.sh" group "$REPO/rules/hardware-ids") "$BUILD_DIR/rules/$ROOTRULES"
}

@test "every ID of hardware-ids appears in the rules, and no other" {
	local kind vendor device _
	while read -r kind vendor device _; do
		[[ -z $kind || $kind == '#'* ]] && continue
		grep -q "ATTRS{vendor}==\"$vendor\"" "$BUILD_DIR/rules/$LINK"
		[[ $device == any ]] || grep -q "ATTRS{device}==\"$device\"" "$BUILD_DIR/rules/$LINK"
	done <"$REPO/rules/hardware-ids"
	run grep -o 'ATTRS{vendor}=="[^"]*"' "$BUILD_DIR/rules/$LINK"
	for vendor in "${lines[@]}"; do
		vendor=${vendor#*==\"}
		grep -Eq "^[a-z]+[[:space:]]+${vendor%\"}[[:space:]]" "$REPO/rules/hardware-ids"
	done
}

@test "the generator rejects a bad table, naming file, line and problem" {
	local ids=$BATS_TEST_TMPDIR/ids
	printf '%s\n' '# comment' 'accel 1e81 any axelera0 no 0x' 'gpu 0x1234 0x0001 x y' \
		'hailo 0x1e60' 'accel 0x1F9D 0x1100 axelera0 upper case' >"$ids"
	run "$REPO/rules/gen-rules.sh" link "$ids"
	[ "$status" -eq 1 ]
	[[ $output == *"$ids:2: vendor \"1e81\" is not 0x and four lower-case hex digits"* ]]
	[[ $output == *"$ids:3: kind \"gpu\" is not accel or hailo"* ]]
	[[ $output == *"$ids:4: want 5 columns"* ]]
	[[ $output == *"$ids:5: vendor \"0x1F9D\""* ]]
	[[ $output != *SUBSYSTEM* ]]
}

@test "no rule sets group or mode on the PCI function, which has no node" {
	refute grep -q 'SUBSYSTEM=="pci"' "$BUILD_DIR/rules/$LINK" "$BUILD_DIR/rules/$ROOTRULES"
	run udev_test "$SYS" "$ROOTDIR" "$BATS_FILE_TMPDIR/group.root" "$METIS_PCI"
	[[ $output == *"Reading rules file: /etc/udev/rules.d/$ROOTRULES"* ]]
	[[ $output != *" GROUP "* ]]
	[[ $output != *" MODE "* ]]
}

@test "udev parses the rules without a complaint" {
	run initramfs_test "$SEED"
	[ -z "$(udev_complaints "$output" "$LINK")" ]
	run udev_test "$SYS" "$ROOTDIR" "$BATS_FILE_TMPDIR/group.root" "$SEED"
	[ -z "$(udev_complaints "$output" "$LINK")" ]
	[ -z "$(udev_complaints "$output" "$ROOTRULES")" ]
}

@test "seed's accel device (vendor 0x1e81 on the parent): /dev/axelera0, render, 0660, systemd tag" {
	run initramfs_test "$SEED"
	[ "$(udev_links "$output")" = /dev/axelera0 ]
	[ "$(udev_group "$output" "$LINK")" = 990 ]
	[[ $output == *"$LINK:"*" MODE 0660"* ]]
	[[ $output == *"TAGS=:systemd:"* ]]
}

@test "Axelera's real IDs (0x1f9d:0x1100), accel node: /dev/axelera0" {
	run initramfs_test "$AXACCEL"
	[ "$(udev_links "$output")" = /dev/axelera0 ]
	[ "$(udev_group "$output" "$LINK")" = 990 ]
}

@test "Axelera's own metis class node gets the same link" {
	run initramfs_test "$METIS"
	[ "$(udev_links "$output")" = /dev/axelera0 ]
	[ "$(udev_group "$output" "$LINK")" = 990 ]
	[[ $output == *"TAGS=:systemd:"* ]]
}

@test "the ID metis-setup.sh used (0x1f0f:0x0001): /dev/axelera0" {
	run initramfs_test "$SETUP"
	[ "$(udev_links "$output")" = /dev/axelera0 ]
}

@test "another Axelera device ID or another vendor's accelerator: no link, no group" {
	run initramfs_test "$OTHERDEV"
	[ -z "$(udev_links "$output")" ]
	[ -z "$(udev_group "$output" "$LINK")" ]
	run initramfs_test "$INTEL"
	[ -z "$(udev_links "$output")" ]
	[ -z "$(udev_group "$output" "$LINK")" ]
}

@test "Hailo-8 (0x1e60, as sysfs prints it): render, 0660, and no link onto its own node" {
	run initramfs_test "$HAILO"
	[ "$(udev_group "$output" "$LINK")" = 990 ]
	[[ $output == *"$LINK:"*" MODE 0660"* ]]
	[ -z "$(udev_links "$output")" ]
	[[ $output != *"LINK 'hailo0'"* ]]
}

@test "root filesystem: the Metis node ends in group axelera, keeping its link" {
	run udev_test "$SYS" "$ROOTDIR" "$BATS_FILE_TMPDIR/group.root" "$METIS"
	[ "$(udev_links "$output")" = /dev/axelera0 ]
	# The last GROUP assignment wins: axelera's, from the later file.
	[ "$(grep -E ' GROUP [0-9]+$' <<<"$output" | tail -n 1 | grep -o "$ROOTRULES")" = "$ROOTRULES" ]
	[ "$(udev_group "$output" "$ROOTRULES")" = 991 ]
	run udev_test "$SYS" "$ROOTDIR" "$BATS_FILE_TMPDIR/group.root" "$SEED"
	[ "$(udev_group "$output" "$ROOTRULES")" = 991 ]
}

@test "a group missing from /etc/group is noticed: udev ignores GROUP= then" {
	printf 'root:x:0:\n' >"$BATS_TEST_TMPDIR/group"
	run udev_test "$SYS" "$RULES" "$BATS_TEST_TMPDIR/group" "$SEED"
	[[ $(udev_complaints "$output" "$LINK") == *"Unknown group 'render'"* ]]
	[ "$(udev_group "$output" "$LINK")" != 990 ]
}

@test "a typo in a rule is caught by these checks" {
	local bad=$BATS_TEST_TMPDIR/bad
	mkdir -p "$bad"
	sed '0,/SUBSYSTEM=="accel"/s//SUBSYTEM=="accel"/' "$BUILD_DIR/rules/$LINK" >"$bad/$LINK"
	run udev_test "$SYS" "$bad" "$BATS_FILE_TMPDIR/group" "$AXACCEL"
	[[ $(udev_complaints "$output" "$LINK") == *"Invalid key 'SUBSYTEM'"* ]]
	sed 's/ATTRS{vendor}=="0x1e81"/ATTRS{vendor}=="1e81"/' "$BUILD_DIR/rules/$LINK" >"$bad/$LINK"
	run udev_test "$SYS" "$bad" "$BATS_FILE_TMPDIR/group" "$SEED"
	[ -z "$(udev_links "$output")" ]
}

@test "in a real initramfs: its udevadm, its rules and its /etc/group give link and group" {
	kernel_prepare
	dracut_workspace "$BATS_TEST_TMPDIR/ws"
	local tree img=$BATS_TEST_TMPDIR/i.img dir=$BATS_TEST_TMPDIR/i gid
	tree=$(kernel_cached_tree "$KERNEL_ABI")
	dracut_image "$img" "$KERNEL_ABI" "$tree/lib/modules/$KERNEL_ABI" --no-hostonly \
		-m "base udev-rules rpi-hardware"
	image_unpack "$img" "$dir"
	gid=$(sed -n 's/^render:x:\([0-9]*\):.*/\1/p' "$dir/etc/group")
	[ -n "$gid" ]
	run udev_test_in "$dir" "$SYS" "$SEED"
	[[ $output == *"Reading rules file: /usr/lib/udev/rules.d/$LINK"* ]]
	[ "$(udev_links "$output")" = /dev/axelera0 ]
	[ "$(udev_group "$output" "$LINK")" = "$gid" ]
	[ -z "$(udev_complaints "$output" "$LINK")" ]
}
