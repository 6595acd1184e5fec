#!/usr/bin/env bats
# run-with: asan
# run-with: aarch64
# Reading an overlay the image lacks from the firmware boot partition (libblkid),
# on a real loop device with an ext4 file system.

load helper

setup_file() {
	compile_fixtures
}

setup() {
	setup_root
	LOOP=""
	LABEL="rpihw-$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')"
	mkdir -p "$BATS_TEST_TMPDIR/part/overlays"
	cp "$FIX/axelera-metis.dtbo" "$BATS_TEST_TMPDIR/part/overlays/"
	mke2fs -q -t ext4 -L "$LABEL" -d "$BATS_TEST_TMPDIR/part" "$BATS_TEST_TMPDIR/boot.img" 8M 2>/dev/null
	LOOP=$(losetup --find --show "$BATS_TEST_TMPDIR/boot.img" 2>/dev/null) ||
		skip "loop devices are not available here (needs root)"
	rm "$OVL/axelera-metis.dtbo"
	write_manifest
	start_kernel
}

teardown() {
	teardown_root
	[ -z "$LOOP" ] || losetup -d "$LOOP"
}

assert_nothing_mounted() {
	! grep -q "$ROOT/run/rpi-hardware" /proc/self/mounts
	[ ! -e "$ROOT/run/rpi-hardware/bootfs" ]
}

@test "an overlay missing from the image is read from the partition with that label" {
	cmdline "rd.rpi_hw.bootdev=LABEL=$LABEL"
	slam apply
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"applied overlay axelera-metis from $LOOP:/overlays/axelera-metis.dtbo ("*"sha256 $(sha256sum <"$FIX/axelera-metis.dtbo" | cut -c1-16)"* ]]
	cmp "$CFS/axelera-metis/dtbo" "$FIX/axelera-metis.dtbo"
	assert_nothing_mounted
}

@test "a device path works as well" {
	cmdline "rd.rpi_hw.bootdev=$LOOP"
	slam apply
	[ "$status" -eq 0 ]
	[[ "$output" == *"from $LOOP:/overlays/axelera-metis.dtbo"* ]]
	assert_nothing_mounted
}

@test "an overlay the partition lacks is named, and nothing stays mounted" {
	cmdline "rd.rpi_hw.bootdev=LABEL=$LABEL" rd.rpi_hw.overlays=cruiser-raspberrypi-cm5,by-path
	slam apply
	[ "$status" -eq 1 ]
	[[ "$output" == *"by-path.dtbo not found in /usr/lib/rpi-hardware/overlays, the configured overlay_dirs or a boot partition"* ]]
	assert_nothing_mounted
}

@test "the embedded copy is used when present: the partition is not touched" {
	cp "$FIX/axelera-metis.dtbo" "$OVL/"
	write_manifest
	cmdline "rd.rpi_hw.bootdev=LABEL=$LABEL"
	slam apply
	[ "$status" -eq 0 ]
	[[ "$output" == *"from $OVL/axelera-metis.dtbo"* ]]
}
