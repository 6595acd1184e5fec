#!/usr/bin/env bats
# run-with: asan
# run-with: aarch64
# Kernels without the configfs overlay interface: boot, apply and status check
# the live tree (/proc/device-tree) for each overlay's effect, as a DTB merged
# ahead of boot leaves it, instead of trying configfs.

load helper

setup_file() {
	compile_fixtures
}

setup() {
	setup_root
	make_module_tree
	TREE=$ROOT/proc/device-tree
}

# live_tree OVERLAY...: the kernel booted with the base merged with OVERLAYs
# (none: the plain base).
live_tree() {
	local dtb=$BATS_TEST_TMPDIR/booted.dtb files=() name
	for name in "$@"; do
		files+=("$FIX/$name.dtbo")
	done
	if ((${#files[@]})); then
		"$SLAMMER" merge --base "$FIX/cm5-base.dtbo" -o "$dtb" "${files[@]}" 2>/dev/null
	else
		cp "$FIX/cm5-base.dtbo" "$dtb"
	fi
	rm -rf "$TREE"
	"$BUILD_DIR/tests/dtb-to-fs" "$dtb" "$TREE"
}

@test "boot: with the merged DTB in effect, each overlay says so and the exit status is 0" {
	live_tree exaviz-cruiser axelera-metis
	slam boot
	[ "$status" -eq 0 ]
	[[ $output == *"overlay exaviz-cruiser: merged DTB in effect"* ]]
	[[ $output == *"overlay axelera-metis: merged DTB in effect"* ]]
	[[ $output == *"overlays: 2 of 2 in effect through the merged DTB"* ]]
	[[ $output != *"no configfs overlay interface"* ]]
	grep -q 'overlay-slammer: overlay axelera-metis: merged DTB in effect' "$ROOT/dev/kmsg"
}

@test "apply: the same check, exit status 0" {
	live_tree exaviz-cruiser axelera-metis
	slam apply
	[ "$status" -eq 0 ]
	[[ $output == *"overlay exaviz-cruiser: merged DTB in effect"* ]]
}

@test "the plain base tree: exactly what is missing, and exit status 3" {
	live_tree
	slam boot
	[ "$status" -eq 3 ]
	[[ $output == *'overlay exaviz-cruiser: not in effect: /axi/pcie@1000110000/status differs (the tree has "disabled", the overlay "okay"); /axi/pcie@1000110000/m2-slot missing; /axi/rp1/serial@38000/status differs'* ]]
	[[ $output == *"overlay axelera-metis: not in effect: label 'cruiser_m2' missing from __symbols__; /axi/pcie@1000110000/max-link-speed differs (the tree has <0x2>, the overlay <0x3>)"* ]]
	[[ $output == *"this kernel has no configfs overlay interface (/sys/kernel/config/device-tree/overlays), and the device tree it booted with lacks overlays named above"* ]]
}

@test "a DTB merged with the Cruiser only: the Cruiser in effect, the Metis named missing" {
	live_tree exaviz-cruiser
	slam boot
	[ "$status" -eq 3 ]
	[[ $output == *"overlay exaviz-cruiser: merged DTB in effect"* ]]
	[[ $output == *"overlay axelera-metis: not in effect: /axi/pcie@1000110000/m2-slot/metis@0 missing; /axi/pcie@1000110000/max-link-speed differs"* ]]
}

@test "a property changed after the merge is named with both values" {
	live_tree exaviz-cruiser axelera-metis
	printf 'disabled\0' >"$TREE/axi/rp1/serial@38000/status"
	slam boot
	[ "$status" -eq 3 ]
	[[ $output == *'overlay exaviz-cruiser: not in effect: /axi/rp1/serial@38000/status differs (the tree has "disabled", the overlay "okay")'* ]]
	[[ $output == *"overlay axelera-metis: merged DTB in effect"* ]]
}

@test "phandles: a base label and the overlay's own node, renumbered, are checked" {
	cmdline "rd.rpi_hw.overlays=exaviz-cruiser,local-fixups"
	cp "$FIX/local-fixups.dtbo" "$OVL/"
	write_manifest
	live_tree exaviz-cruiser local-fixups
	slam boot
	[ "$status" -eq 0 ]
	[[ $output == *"overlay local-fixups: merged DTB in effect"* ]]
	printf '\0\0\0\x63' >"$TREE/axi/rp1/fan-controller/fans"
	slam boot
	[ "$status" -eq 3 ]
	[[ $output == *"overlay local-fixups: not in effect: /axi/rp1/fan-controller/fans differs (the tree has <0x63>, the overlay <0x"* ]]
}

@test "no live device tree at all: exit status 3 with the plain message" {
	slam boot
	[ "$status" -eq 3 ]
	[[ $output == *"this kernel has no configfs overlay interface (/sys/kernel/config/device-tree/overlays): boot a Raspberry Pi kernel (CONFIG_OF_CONFIGFS) or merge the overlays into the DTB the bootloader loads"* ]]
	[[ $output != *"merged DTB in effect"* ]]
}

@test "an overlay the image lacks cannot be checked, and says why" {
	live_tree exaviz-cruiser axelera-metis
	rm "$OVL/axelera-metis.dtbo"
	write_manifest
	slam boot
	[ "$status" -eq 3 ]
	[[ $output == *"overlay axelera-metis: cannot check the live device tree: axelera-metis.dtbo not found"* ]]
}

@test "status: overlays in the booted tree are 'merged', in text and JSON" {
	live_tree exaviz-cruiser
	slam status
	[[ $output == *"configfs /sys/kernel/config/device-tree/overlays missing"* ]]
	[[ $output =~ overlay\ +exaviz-cruiser\ +merged ]]
	[[ $output =~ overlay\ +axelera-metis\ +absent ]]
	slam status --json
	[[ $output == *'"overlays":[{"name":"exaviz-cruiser","state":"merged"},{"name":"axelera-metis","state":"absent"}]'* ]]
}

@test "disabled: nothing is checked" {
	live_tree
	cmdline rd.rpi_hw=0
	slam boot
	[ "$status" -eq 0 ]
	[[ $output != *"not in effect"* ]]
}
