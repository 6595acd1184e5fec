#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The udev rules: generated from rules/hardware-ids, then run by udev's own
# engine (udevadm test) against simulated devices shaped like those of Axelera's
# driver (class "metis" nodes below the PCI function, both naming schemes, two
# cards), Hailo, and devices that must not match. In the initramfs (its udevadm,
# its rules, its /etc/group) and on the root filesystem (both rule files, group
# axelera, and with rules in the style of Axelera's own package beside them).

load ../lib/dracut
load ../lib/udev
load ../lib/refute

LINK=65-rpi-hardware.rules
ROOTRULES=99-axelera-metis.rules

setup_file() {
	[[ $EUID -eq 0 ]] || skip "needs root for mount namespaces"
	local sys=$BATS_FILE_TMPDIR/sys
	mkdir -p "$sys/devices" "$sys/class" "$sys/bus/pci" "$sys/bus/platform"

	# A CM5's external x1 port is PCI domain 1. Axelera's driver makes one
	# class-"metis" node per card below the PCI function, minors from 0, named
	# metis-D:B:S by driver 1.4 and 1.5, metis-D-B-S by 1.6.
	local port=/devices/platform/axi/1000110000.pcie/pci0001:00/0001:00:00.0
	sysfs_device "$sys" "$port" bus/pci vendor=0x14e4 device=0x2712 class=0x060400
	sysfs_device "$sys" "$port/0001:01:00.0" bus/pci vendor=0x1f9d device=0x1100 class=0x120000
	METIS=$(sysfs_node "$sys" "$port/0001:01:00.0" metis metis-1:1:0 240:0 metis-1:1:0)
	METIS_PCI=/sys/bus/pci/devices/0001:01:00.0
	mkdir -p "$sys/bus/pci/devices"
	ln -sfnr "$sys$port/0001:01:00.0" "$sys/bus/pci/devices/0001:01:00.0"
	# The same card under driver 1.6.
	METIS16=$(sysfs_node "$sys" "$port/0001:01:00.0" metis metis-1-1-0 240:0 metis-1-1-0)
	# A second card, behind a switch: the driver's minor 1.
	sysfs_device "$sys" "$port/0001:02:00.0" bus/pci vendor=0x1f9d device=0x11aa class=0x120000
	SECOND=$(sysfs_node "$sys" "$port/0001:02:00.0" metis metis-1:2:0 240:1 metis-1:2:0)
	# Axelera's Europa.
	sysfs_device "$sys" "$port/0001:03:00.0" bus/pci vendor=0x1f9d device=0x0001
	EUROPA=$(sysfs_node "$sys" "$port/0001:03:00.0" metis metis-1:3:0 240:2 metis-1:3:0)
	# Axelera vendor, another device ID: not one the driver takes.
	sysfs_device "$sys" "$port/0001:04:00.0" bus/pci vendor=0x1f9d device=0x1200
	OTHERDEV=$(sysfs_node "$sys" "$port/0001:04:00.0" metis metis-1:4:0 240:3 metis-1:4:0)
	# The seed's fictional IDs: nothing of Axelera's, so no link.
	sysfs_device "$sys" "$port/0001:05:00.0" bus/pci vendor=0x1e81 device=0x1000
	SEED=$(sysfs_node "$sys" "$port/0001:05:00.0" metis metis-1:5:0 240:4 metis-1:5:0)
	# Somebody else's accelerator (Intel NPU), a DRM accel node.
	local pci=/devices/pci0000:00/0000:00:00.0
	sysfs_device "$sys" "$pci" bus/pci vendor=0x8086 device=0x7d1d
	INTEL=$(sysfs_node "$sys" "$pci" accel accel0 261:0 accel/accel0)
	# Hailo-8: its driver names the node hailo0 itself.
	sysfs_device "$sys" "$pci/0000:05:00.0" bus/pci vendor=0x1e60 device=0x2864
	HAILO=$(sysfs_node "$sys" "$pci/0000:05:00.0" hailo_chardev hailo0 511:0 hailo0)

	local rules=$BATS_FILE_TMPDIR/rules root=$BATS_FILE_TMPDIR/rootrules vendor=$BATS_FILE_TMPDIR/vendor
	mkdir -p "$rules" "$root" "$vendor"
	cp "$BUILD_DIR/rules/$LINK" "$rules/"
	cp "$BUILD_DIR/rules/$LINK" "$BUILD_DIR/rules/$ROOTRULES" "$root/"
	# The root filesystem with Axelera's package installed as well.
	cp "$BUILD_DIR/rules/$LINK" "$BUILD_DIR/rules/$ROOTRULES" "$REPO/tests/dracut/fixtures/72-axelera.rules" "$vendor/"
	printf 'root:x:0:\nrender:x:990:\n' >"$BATS_FILE_TMPDIR/group"
	printf 'root:x:0:\nrender:x:990:\naxelera:x:991:frigate,hass\n' >"$BATS_FILE_TMPDIR/group.root"
	export SYS=$sys RULES=$rules ROOTDIR=$root VENDORDIR=$vendor METIS METIS16 METIS_PCI SECOND \
		EUROPA OTHERDEV SEED INTEL HAILO
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
	printf '%s\n' '# comment' 'metis 1e81 any axelera0 no 0x' 'accel 0x1234 0x0001 x y' \
		'hailo 0x1e60' 'metis 0x1F9D 0x1100 axelera0 upper case' 'metis 0x1f9d 0x1100 ax%md middle' >"$ids"
	run "$REPO/rules/gen-rules.sh" link "$ids"
	[ "$status" -eq 1 ]
	[[ $output == *"$ids:2: vendor \"1e81\" is not 0x and four lower-case hex digits"* ]]
	[[ $output == *"$ids:3: kind \"accel\" is not metis or hailo"* ]]
	[[ $output == *"$ids:4: want 5 columns"* ]]
	[[ $output == *"$ids:5: vendor \"0x1F9D\""* ]]
	[[ $output == *"$ids:6: link \"ax%md\" is not a plain /dev name"* ]]
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
	run initramfs_test "$METIS"
	[ -z "$(udev_complaints "$output" "$LINK")" ]
	run udev_test "$SYS" "$ROOTDIR" "$BATS_FILE_TMPDIR/group.root" "$METIS"
	[ -z "$(udev_complaints "$output" "$LINK")" ]
	[ -z "$(udev_complaints "$output" "$ROOTRULES")" ]
}

@test "the Metis (0x1f9d:0x1100), driver 1.5 naming: /dev/axelera0 -> metis-1:1:0, render, 0660, systemd tag" {
	run initramfs_test "$METIS"
	[ "$(udev_links "$output")" = /dev/axelera0 ]
	[[ $output == *"DEVNAME=/dev/metis-1:1:0"* ]]
	[ "$(udev_group "$output" "$LINK")" = 990 ]
	[[ $output == *"$LINK:"*" MODE 0660"* ]]
	[[ $output == *"TAGS=:systemd:"* ]]
}

@test "driver 1.6 naming (metis-1-1-0): the same /dev/axelera0" {
	run initramfs_test "$METIS16"
	[ "$(udev_links "$output")" = /dev/axelera0 ]
	[[ $output == *"DEVNAME=/dev/metis-1-1-0"* ]]
}

@test "a second card is /dev/axelera1 (its minor), not a second claim on axelera0" {
	run initramfs_test "$SECOND"
	[ "$(udev_links "$output")" = /dev/axelera1 ]
	run initramfs_test "$EUROPA"
	[ "$(udev_links "$output")" = /dev/axelera2 ]
}

@test "another Axelera device ID, the seed's 0x1e81, another vendor's accelerator: no link, no group" {
	local dev
	for dev in "$OTHERDEV" "$SEED" "$INTEL"; do
		run initramfs_test "$dev"
		[ -z "$(udev_links "$output")" ]
		[ -z "$(udev_group "$output" "$LINK")" ]
	done
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
	[[ $(grep -E ' MODE [0-7]+$' <<<"$output" | tail -n 1) == *"$ROOTRULES:"*" MODE 0660" ]]
}

@test "root filesystem with Axelera's 72-axelera.rules too: no conflict, 0660 group axelera wins, both links" {
	run udev_test "$SYS" "$VENDORDIR" "$BATS_FILE_TMPDIR/group.root" "$METIS16"
	[ -z "$(udev_complaints "$output" 72-axelera.rules)" ]
	# Its program gives the colon name of driver 1.5; ours gives axelera0.
	[[ " $(udev_links "$output") " == *" /dev/axelera0 "* ]]
	[[ " $(udev_links "$output") " == *" /dev/metis-1:1:0 "* ]]
	# Its 0666 comes before 99-axelera-metis.rules, whose 0660 is the last word.
	[[ $output == *"72-axelera.rules:"*" MODE 0666"* ]]
	[[ $(grep -E ' MODE [0-7]+$' <<<"$output" | tail -n 1) == *"$ROOTRULES:"*" MODE 0660" ]]
	[ "$(grep -E ' GROUP [0-9]+$' <<<"$output" | tail -n 1 | sed 's/.* GROUP //')" = 991 ]
}

@test "a group missing from /etc/group is noticed: udev ignores GROUP= then" {
	printf 'root:x:0:\n' >"$BATS_TEST_TMPDIR/group"
	run udev_test "$SYS" "$RULES" "$BATS_TEST_TMPDIR/group" "$METIS"
	[[ $(udev_complaints "$output" "$LINK") == *"Unknown group 'render'"* ]]
	[ "$(udev_group "$output" "$LINK")" != 990 ]
}

@test "a typo in a rule is caught by these checks" {
	local bad=$BATS_TEST_TMPDIR/bad
	mkdir -p "$bad"
	sed '0,/SUBSYSTEM=="metis"/s//SUBSYTEM=="metis"/' "$BUILD_DIR/rules/$LINK" >"$bad/$LINK"
	run udev_test "$SYS" "$bad" "$BATS_FILE_TMPDIR/group" "$METIS"
	[[ $(udev_complaints "$output" "$LINK") == *"Invalid key 'SUBSYTEM'"* ]]
	sed 's/ATTRS{vendor}=="0x1f9d"/ATTRS{vendor}=="1f9d"/' "$BUILD_DIR/rules/$LINK" >"$bad/$LINK"
	run udev_test "$SYS" "$bad" "$BATS_FILE_TMPDIR/group" "$METIS"
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
	run udev_test_in "$dir" "$SYS" "$METIS"
	[[ $output == *"Reading rules file: /usr/lib/udev/rules.d/$LINK"* ]]
	[ "$(udev_links "$output")" = /dev/axelera0 ]
	[ "$(udev_group "$output" "$LINK")" = "$gid" ]
	[ -z "$(udev_complaints "$output" "$LINK")" ]
}
