#!/usr/bin/env bats
# run-with: asan
# rpi-hardware-dtb: which path each kernel takes, from its own configuration;
# the base DTB from its dtbs; the merged DTB built from them.

load helper

setup_file() {
	compile_boot_fixtures
}

setup() {
	new_system
}

@test "path: two kernels, one with the configfs overlay interface and one without" {
	fake_kernel 6.6.51-v8-16k+ rpi debian
	fake_kernel 6.12.9-200.fc41.aarch64 mainline fedora
	run "$DTB_TOOL" path 6.6.51-v8-16k+
	[ "$status" -eq 0 ]
	[ "${lines[-1]}" = runtime ]
	run "$DTB_TOOL" path 6.12.9-200.fc41.aarch64
	[ "$status" -eq 0 ]
	[ "${lines[-1]}" = merged ]
	[[ $output == *"CONFIG_OF_CONFIGFS is not set in $SYS/usr/lib/modules/6.12.9-200.fc41.aarch64/config"* ]]
}

@test "path: no CONFIG_OF_OVERLAY is the merged path; no configuration at all is unknown" {
	fake_kernel 6.1.0-28-arm64 no-overlay debian
	run "$DTB_TOOL" path 6.1.0-28-arm64
	[ "${lines[-1]}" = merged ]
	[[ $output == *"CONFIG_OF_OVERLAY is not set"* ]]
	fake_kernel 6.12.0-1-ARCH none arch
	run "$DTB_TOOL" path 6.12.0-1-ARCH
	[ "${lines[-1]}" = unknown ]
	[[ $output == *"kernel 6.12.0-1-ARCH: no configuration found"* ]]
	# The headers' configuration counts.
	kernel_config mainline >"$SYS/usr/lib/modules/6.12.0-1-ARCH/build/.config"
	run "$DTB_TOOL" path 6.12.0-1-ARCH
	[ "${lines[-1]}" = merged ]
}

@test "base: the CM5 IO board tree from the kernel's own dtbs, wherever the distribution put them" {
	fake_kernel 6.1.0-28-arm64 mainline debian
	fake_kernel 6.12.9-200.fc41.aarch64 mainline fedora
	fake_kernel 6.12.0-1-ARCH mainline arch
	run "$DTB_TOOL" base 6.1.0-28-arm64
	[ "$output" = "$SYS/usr/lib/linux-image-6.1.0-28-arm64/broadcom/bcm2712-rpi-cm5-cm5io.dtb" ]
	run "$DTB_TOOL" base 6.12.9-200.fc41.aarch64
	[ "$output" = "$SYS/usr/lib/modules/6.12.9-200.fc41.aarch64/dtb/broadcom/bcm2712-rpi-cm5-cm5io.dtb" ]
	run "$DTB_TOOL" base 6.12.0-1-ARCH
	[ "$output" = "$SYS/boot/dtbs/broadcom/bcm2712-rpi-cm5-cm5io.dtb" ]
}

@test "base: another CM5 variant when there is no CM5 IO tree; the administrator's choice first" {
	fake_kernel 6.1.0-28-arm64 mainline debian
	rm "$SYS/usr/lib/linux-image-6.1.0-28-arm64/broadcom/bcm2712-rpi-cm5-cm5io.dtb"
	run "$DTB_TOOL" base 6.1.0-28-arm64
	[ "$output" = "$SYS/usr/lib/linux-image-6.1.0-28-arm64/broadcom/bcm2712-rpi-cm5l-cm5io.dtb" ]
	mkdir -p "$SYS/etc/rpi-hardware"
	cp "$FIX/cm5-base.dtbo" "$SYS/usr/lib/linux-image-6.1.0-28-arm64/broadcom/bcm2712-rpi-cm5-cruiser.dtb"
	printf '# ours\nbcm2712-rpi-cm5-cruiser.dtb\n' >"$SYS/etc/rpi-hardware/base-dtb"
	run "$DTB_TOOL" base 6.1.0-28-arm64
	[ "$output" = "$SYS/usr/lib/linux-image-6.1.0-28-arm64/broadcom/bcm2712-rpi-cm5-cruiser.dtb" ]
}

@test "base: none there is an error naming where it looked" {
	fake_kernel 6.1.0-28-arm64 mainline debian
	rm -r "$SYS/usr/lib/linux-image-6.1.0-28-arm64"
	run "$DTB_TOOL" base 6.1.0-28-arm64
	[ "$status" -eq 1 ]
	[[ $output == *"kernel 6.1.0-28-arm64: no bcm2712-rpi-cm5-cm5io.dtb bcm2712-rpi-cm5*.dtb in /usr/lib/modules/6.1.0-28-arm64/dtb"*"/usr/lib/linux-image-6.1.0-28-arm64"* ]]
}

@test "build: the configured overlays merged into the base, as overlay-slammer merge makes it" {
	fake_kernel 6.1.0-28-arm64 mainline debian
	run "$DTB_TOOL" build 6.1.0-28-arm64 "$BATS_TEST_TMPDIR/out.dtb"
	[ "$status" -eq 0 ]
	expected_dtb "$BATS_TEST_TMPDIR/want.dtb"
	cmp "$BATS_TEST_TMPDIR/out.dtb" "$BATS_TEST_TMPDIR/want.dtb"
}

@test "build: the configuration's overlay list and directories are used, as the helper reads them" {
	fake_kernel 6.1.0-28-arm64 mainline debian
	mkdir -p "$SYS/etc" "$SYS/srv/ovl"
	mv "$SYS/boot/firmware/overlays/cruiser-raspberrypi-cm5.dtbo" "$SYS/srv/ovl/"
	printf 'overlays = cruiser-raspberrypi-cm5\noverlay_dirs="/nowhere /srv/ovl"\n' >"$SYS/etc/rpi-hardware.conf"
	run "$DTB_TOOL" build 6.1.0-28-arm64 "$BATS_TEST_TMPDIR/out.dtb"
	[ "$status" -eq 0 ]
	[ "$(fdtget -t s "$BATS_TEST_TMPDIR/out.dtb" /axi/rp1/serial@38000 status)" = okay ]
	# Only the Cruiser's: the Metis overlay was not on the list.
	[ "$(fdtget -t s "$BATS_TEST_TMPDIR/out.dtb" /axi/pcie@1000110000 status)" = disabled ]
}

@test "build: an overlay's parameters (NAME,param=value) go to merge with its file" {
	fake_kernel 6.1.0-28-arm64 mainline debian
	mkdir -p "$SYS/etc"
	compile_dts "$FIXTURES/with-parameters.dts" "$SYS/boot/firmware/overlays/with-parameters.dtbo"
	printf 'overlays="cruiser-raspberrypi-cm5 with-parameters,gen=3"\n' >"$SYS/etc/rpi-hardware.conf"
	run "$DTB_TOOL" build 6.1.0-28-arm64 "$BATS_TEST_TMPDIR/out.dtb"
	# Its parameter names a node of the base tree: merge refuses it, naming it.
	[ "$status" -eq 1 ]
	[[ $output == *"with-parameters.dtbo: parameter 'gen': changes a node of the base tree"* ]]
	[ ! -e "$BATS_TEST_TMPDIR/out.dtb" ]
	printf 'overlays="cruiser-raspberrypi-cm5 with-parameters"\n' >"$SYS/etc/rpi-hardware.conf"
	run "$DTB_TOOL" build 6.1.0-28-arm64 "$BATS_TEST_TMPDIR/out.dtb"
	[ "$status" -eq 0 ]
	[ "$(fdtget -t s "$BATS_TEST_TMPDIR/out.dtb" /axi/rp1/serial@38000 status)" = okay ]
}

@test "build: nothing for a kernel with the interface (3); a missing overlay fails (1)" {
	fake_kernel 6.6.51-v8-16k+ rpi debian
	run "$DTB_TOOL" build 6.6.51-v8-16k+ "$BATS_TEST_TMPDIR/out.dtb"
	[ "$status" -eq 3 ]
	[ ! -e "$BATS_TEST_TMPDIR/out.dtb" ]
	fake_kernel 6.1.0-28-arm64 mainline debian
	rm "$SYS/boot/firmware/overlays/axelera-metis.dtbo"
	run "$DTB_TOOL" build 6.1.0-28-arm64 "$BATS_TEST_TMPDIR/out.dtb"
	[ "$status" -eq 1 ]
	[[ $output == *"overlay axelera-metis.dtbo not found in overlay_dirs"* ]]
	[ ! -e "$BATS_TEST_TMPDIR/out.dtb" ]
}

@test "usage: bad arguments exit 2" {
	run "$DTB_TOOL"
	[ "$status" -eq 2 ]
	run "$DTB_TOOL" path ../etc
	[ "$status" -eq 2 ]
	[[ $output == *"'../etc' is not a kernel version"* ]]
	run "$DTB_TOOL" build 6.1
	[ "$status" -eq 2 ]
}
