#!/usr/bin/env bats
# run-with: asan
# run-with: aarch64
# Kernels without the configfs overlay interface: boot, apply and status check
# the tree the kernel booted with (/sys/firmware/fdt) for each overlay, as a DTB
# merged ahead of boot leaves it, instead of trying configfs: a lookup in the
# merged DTB's list (/chosen), or else a comparison with the overlay's effect.

load helper

setup_file() {
	compile_fixtures
}

setup() {
	setup_root
	make_module_tree
	FDT=$ROOT/sys/firmware/fdt
}

teardown() {
	teardown_root
}

# live_tree OVERLAY...: the kernel booted with the base merged with OVERLAYs
# (none: the plain base), as /sys/firmware/fdt holds it.
live_tree() {
	local files=() name
	for name in "$@"; do
		files+=("$FIX/$name.dtbo")
	done
	if ((${#files[@]})); then
		"$SLAMMER" merge --base "$FIX/cm5-base.dtbo" -o "$FDT" "${files[@]}" 2>/dev/null
	else
		cp "$FIX/cm5-base.dtbo" "$FDT"
	fi
}

# unlisted: the booted tree as a DTB merged by other means has it: without the
# list of overlays in /chosen, so that each is compared with the tree.
unlisted() {
	fdtput -d "$FDT" /chosen rpi-hardware,overlays
}

@test "boot: with the merged DTB in effect, each overlay says so and the exit status is 0" {
	live_tree cruiser-raspberrypi-cm5 axelera-metis
	slam boot
	[ "$status" -eq 0 ]
	[[ $output == *"overlay cruiser-raspberrypi-cm5: merged DTB in effect"* ]]
	[[ $output == *"overlay axelera-metis: merged DTB in effect"* ]]
	[[ $output == *"overlays: 2 of 2 in effect through the merged DTB"* ]]
	[[ $output != *"no configfs overlay interface"* ]]
	grep -q 'overlay-slammer: overlay axelera-metis: merged DTB in effect' "$ROOT/dev/kmsg"
}

@test "apply: the same check, exit status 0" {
	live_tree cruiser-raspberrypi-cm5 axelera-metis
	slam apply
	[ "$status" -eq 0 ]
	[[ $output == *"overlay cruiser-raspberrypi-cm5: merged DTB in effect"* ]]
}

@test "the plain base tree: exactly what is missing, and exit status 3" {
	live_tree
	slam boot
	[ "$status" -eq 3 ]
	[[ $output == *'overlay cruiser-raspberrypi-cm5: not in effect: /axi/rp1/serial@38000/status differs (the tree has "disabled", the overlay "okay"); /axi/rp1/serial@38000/poe-controller missing'* ]]
	[[ $output == *'overlay axelera-metis: not in effect: /axi/pcie@1000110000/status differs (the tree has "disabled", the overlay "okay"); /axi/pcie@1000110000/max-link-speed differs (the tree has <0x2>, the overlay <0x3>)'* ]]
	[[ $output == *"this kernel has no configfs overlay interface (/sys/kernel/config/device-tree/overlays), and the device tree it booted with lacks overlays named above"* ]]
}

@test "a DTB merged with the Cruiser only: the Cruiser in effect, the Metis named missing" {
	live_tree cruiser-raspberrypi-cm5
	slam boot
	[ "$status" -eq 3 ]
	[[ $output == *"overlay cruiser-raspberrypi-cm5: merged DTB in effect"* ]]
	[[ $output == *"overlay axelera-metis: not in effect: /axi/pcie@1000110000/status differs"*"; /axi/pcie@1000110000/max-link-speed differs"* ]]
}

@test "merged by other means: a property that differs is named with both values" {
	live_tree cruiser-raspberrypi-cm5 axelera-metis
	unlisted
	slam boot
	[ "$status" -eq 0 ]
	[[ $output == *"overlay cruiser-raspberrypi-cm5: merged DTB in effect"* ]]
	fdtput -t s "$FDT" /axi/rp1/serial@38000 status disabled
	slam boot
	[ "$status" -eq 3 ]
	[[ $output == *'overlay cruiser-raspberrypi-cm5: not in effect: /axi/rp1/serial@38000/status differs (the tree has "disabled", the overlay "okay")'* ]]
	[[ $output == *"overlay axelera-metis: merged DTB in effect"* ]]
}

@test "the merged DTB's list: an overlay it names with the image's digest is in effect, another build is compared" {
	live_tree cruiser-raspberrypi-cm5 axelera-metis
	[ "$(fdtget "$FDT" /chosen rpi-hardware,overlays)" = "cruiser-raspberrypi-cm5 axelera-metis" ]
	# Looked up, not compared: what the bootloader changed later is its own.
	fdtput -t s "$FDT" /axi/rp1/serial@38000 status disabled
	slam boot
	[ "$status" -eq 0 ]
	[[ $output == *"overlay cruiser-raspberrypi-cm5: merged DTB in effect"* ]]
	# The image's overlay changed after the merge: compared, and said so.
	cp "$FIX/conflicting.dtbo" "$OVL/axelera-metis.dtbo"
	slam boot
	[ "$status" -eq 3 ]
	[[ $output == *'overlay axelera-metis: not in effect: /axi/pcie@1000110000/status differs (the tree has "okay", the overlay "disabled") (the merged DTB lists another build of it: rebuild the DTB)'* ]]
}

@test "phandles: a base label and the overlay's own node, renumbered, are checked" {
	cmdline "rd.rpi_hw.overlays=cruiser-raspberrypi-cm5,local-fixups"
	cp "$FIX/local-fixups.dtbo" "$OVL/"
	live_tree cruiser-raspberrypi-cm5 local-fixups
	slam boot
	[ "$status" -eq 0 ]
	[[ $output == *"overlay local-fixups: merged DTB in effect"* ]]
	unlisted
	fdtput -t x "$FDT" /axi/rp1/fan-controller fans 63
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
	live_tree cruiser-raspberrypi-cm5 axelera-metis
	rm "$OVL/axelera-metis.dtbo"
	slam boot
	[ "$status" -eq 3 ]
	[[ $output == *"overlay axelera-metis: cannot check the live device tree: axelera-metis.dtbo not found"* ]]
}

@test "status: overlays in the booted tree are 'merged', in text and JSON" {
	live_tree cruiser-raspberrypi-cm5
	slam status
	[[ $output == *"configfs /sys/kernel/config/device-tree/overlays missing"* ]]
	[[ $output =~ overlay\ +cruiser-raspberrypi-cm5\ +merged ]]
	[[ $output =~ overlay\ +axelera-metis\ +absent ]]
	slam status --json
	[[ $output == *'"overlays":[{"name":"cruiser-raspberrypi-cm5","state":"merged"},{"name":"axelera-metis","state":"absent"}]'* ]]
}

@test "disabled: nothing is checked" {
	live_tree
	cmdline rd.rpi_hw=0
	slam boot
	[ "$status" -eq 0 ]
	[[ $output != *"not in effect"* ]]
}

# --- the runtime path: Raspberry Pi firmware applied config.txt's overlays ---

# firmware_tree OVERLAY...: as live_tree, the tree the firmware hands the kernel
# after applying config.txt's dtoverlay= lines (it lists none in /chosen).
firmware_tree() {
	live_tree "$@"
	[[ $# -eq 0 ]] || unlisted
}

@test "runtime: an overlay the firmware applied is in effect and not written to configfs again" {
	firmware_tree cruiser-raspberrypi-cm5
	start_kernel
	slam apply
	[ "$status" -eq 0 ]
	[[ $output == *"overlay cruiser-raspberrypi-cm5: in effect, applied before Linux started (the booted device tree has it); not applied again"* ]]
	[[ $output == *"applied overlay axelera-metis from "* ]]
	[[ $output == *"overlays: 2 of 2 in place"* ]]
	[ "$(ls "$CFS")" = axelera-metis ]
	[ "$(grep -c '^apply' "$KLOG")" -eq 1 ]
	# Running again changes nothing either.
	slam apply
	[ "$status" -eq 0 ]
	[ "$(grep -c '^apply' "$KLOG")" -eq 1 ]
}

@test "runtime: both overlays applied by the firmware: nothing is written at all" {
	firmware_tree cruiser-raspberrypi-cm5 axelera-metis
	start_kernel
	slam boot
	[ "$status" -eq 0 ]
	[[ $output == *"overlay axelera-metis: in effect, applied before Linux started"* ]]
	[ -z "$(ls "$CFS")" ]
	[ -z "$(kernel_events)" ]
	ln -s metis-1:1:0 "$ROOT/dev/axelera0"
	: >"$ROOT/dev/metis-1:1:0"
	module_loaded metis
	slam status
	[ "$status" -eq 0 ]
	[[ $output == *"overlay  cruiser-raspberrypi-cm5  booted"* ]]
	[[ $output == *"overlay  axelera-metis            booted"* ]]
}

@test "runtime: an overlay the booted tree half-contains is named with what differs, then applied" {
	firmware_tree
	# dtparam=pciex1=on: the port is on, but at the board's default speed.
	fdtput -t s "$FDT" /axi/pcie@1000110000 status okay
	start_kernel
	slam apply axelera-metis
	[ "$status" -eq 0 ]
	[[ $output == *"overlay axelera-metis: partly in the booted device tree already (/axi/pcie@1000110000/max-link-speed differs (the tree has <0x2>, the overlay <0x3>)); applying it over that"* ]]
	[ "$(cat "$CFS/axelera-metis/status")" = applied ]
}

# probed_controller DRIVER: the x1 controller as a platform device whose node is
# /axi/pcie@1000110000, bound to DRIVER (none: not bound).
probed_controller() {
	local dev=$ROOT/sys/devices/platform/axi/1000110000.pcie
	mkdir -p "$dev" "$ROOT/sys/bus/platform/devices" "$ROOT/sys/firmware/devicetree/base/axi/pcie@1000110000"
	ln -sfn ../../../../firmware/devicetree/base/axi/pcie@1000110000 "$dev/of_node"
	ln -sfn ../../../devices/platform/axi/1000110000.pcie "$ROOT/sys/bus/platform/devices/1000110000.pcie"
	if [[ -n $1 ]]; then
		mkdir -p "$ROOT/sys/bus/platform/drivers/$1"
		ln -sfn "../../../bus/platform/drivers/$1" "$dev/driver"
	fi
}

@test "runtime: max-link-speed for a controller that has probed: says it changes nothing now, and where to set it" {
	firmware_tree
	probed_controller brcm-pcie
	start_kernel
	slam apply axelera-metis
	[ "$status" -eq 0 ]
	[[ $output == *"overlay axelera-metis: max-link-speed on /axi/pcie@1000110000 (its driver brcm-pcie has probed it already): drivers read that only when they probe, so it changes nothing now; set it before Linux starts: dtparam=pciex1_gen=3 in config.txt, or a merged DTB"* ]]
	[ "$(cat "$CFS/axelera-metis/status")" = applied ]
}

@test "runtime: a controller not probed yet takes max-link-speed from the overlay: no warning" {
	firmware_tree
	probed_controller ""
	start_kernel
	slam apply axelera-metis
	[ "$status" -eq 0 ]
	[[ $output != *"changes nothing now"* ]]
	rm -rf "$ROOT/sys/bus/platform"
	slam remove axelera-metis
	slam apply axelera-metis
	[[ $output != *"changes nothing now"* ]]
}
