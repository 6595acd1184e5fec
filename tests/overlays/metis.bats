#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# run-with: aarch64
#
# The product's own Metis overlay (overlays/axelera-metis.dts), as make builds
# it, against the CM5-like fixture and against the real mainline device tree of
# the Raspberry Pi 5 that Debian's 7.x arm64 kernels ship (linux-base-ABI-arm64
# of stable-backports: dtb/broadcom/bcm2712-rpi-5-b.dtb, with __symbols__),
# fetched through a private apt configuration (tests/lib/archive.bash).

load ../slammer/helper
load ../lib/archive

SUITE=trixie-backports

setup_file() {
	compile_fixtures
	local pkg ver dir
	archive_update "$SUITE" arm64 || return 1
	pkg=$(apt-cache "${ARCHIVE_APT[@]}" depends linux-base-arm64 2>/dev/null |
		awk '/Depends: linux-base-/ { print $2; exit }')
	[[ -n $pkg ]] || { echo "no linux-base-ABI-arm64 behind linux-base-arm64 in $SUITE" >&2; return 1; }
	dir=$ARCHIVE_CACHE/$pkg
	ver=$(archive_fetch "$pkg" "$dir") || return 1
	MAINLINE_DTB=$(find "$dir" -path '*/dtb/broadcom/bcm2712-rpi-5-b.dtb' -print -quit)
	[[ -f $MAINLINE_DTB ]] || { echo "$pkg $ver has no dtb/broadcom/bcm2712-rpi-5-b.dtb" >&2; return 1; }
	echo "# mainline tree: $pkg $ver" >&3
	export MAINLINE_DTB
}

setup() {
	FIX=$BATS_FILE_TMPDIR/fix
	METIS=$BUILD_DIR/overlays/axelera-metis.dtbo
	[[ -f $METIS ]] || METIS=$FIX/axelera-metis.dtbo
}

@test "make builds the overlay with __symbols__ support: it targets a label, resolved at apply time" {
	[ -f "$BUILD_DIR/overlays/axelera-metis.dtbo" ] || [ "$VARIANT" != release ]
	run fdtget -t s "$METIS" /__fixups__ pcie1
	[ "$status" -eq 0 ]
	[ "$output" = /fragment@0:target:0 ]
}

@test "the mainline Pi 5 tree labels the x1 controller pcie1, as Raspberry Pi's trees do" {
	[ "$(fdtget -t s "$MAINLINE_DTB" /__symbols__ pcie1)" = /axi/pcie@1000110000 ]
}

@test "check --base: the overlay applies to the real mainline tree" {
	run "$SLAMMER" check --base "$MAINLINE_DTB" "$METIS"
	[ "$status" -eq 0 ]
	[[ $output == *": OK 1 fragment, uses labels, applies to $MAINLINE_DTB"* ]]
}

@test "merged into the mainline tree: the controller enabled, Gen 3 asked for, nothing else changed" {
	local out=$BATS_TEST_TMPDIR/merged.dtb
	run "$SLAMMER" merge --base "$MAINLINE_DTB" -o "$out" "$METIS"
	[ "$status" -eq 0 ]
	[ "$(fdtget -t s "$out" /axi/pcie@1000110000 status)" = okay ]
	[ "$(fdtget -t u "$out" /axi/pcie@1000110000 max-link-speed)" = 3 ]
	# Every other node as it was: the trees differ in that node alone, and in
	# merge's list of what it merged (/chosen).
	[ "$(fdtget "$out" /chosen rpi-hardware,overlays)" = axelera-metis ]
	fdtput -d "$out" /chosen rpi-hardware,overlays rpi-hardware,overlays-crc32
	diff <(dtc -q -I dtb -O dts "$MAINLINE_DTB" | sed '/pcie@1000110000 {/,/^\t\t};/d') \
		<(dtc -q -I dtb -O dts "$out" | sed '/pcie@1000110000 {/,/^\t\t};/d')
}

@test "the CM5-like fixture takes it too, with or without the Cruiser overlay before it" {
	run "$SLAMMER" check --base "$FIX/cm5-base.dtbo" "$METIS"
	[ "$status" -eq 0 ]
	run "$SLAMMER" check --base "$FIX/cm5-base.dtbo" "$FIX/cruiser-raspberrypi-cm5.dtbo" "$METIS"
	[ "$status" -eq 0 ]
}

@test "a tree without pcie1 (a Pi 4's, say) is refused naming the label" {
	printf '/dts-v1/;\n/ { compatible = "brcm,bcm2711"; #address-cells = <1>; #size-cells = <1>;\n  scb { pcie0: pcie@7d500000 { status = "okay"; }; }; };\n' |
		dtc -q -@ -I dts -O dtb -o "$BATS_TEST_TMPDIR/pi4.dtb" -
	run "$SLAMMER" check --base "$BATS_TEST_TMPDIR/pi4.dtb" "$METIS"
	[ "$status" -eq 1 ]
	[[ $output == *"label 'pcie1' is not in the base tree"* ]]
}
