#!/usr/bin/env bats
# run-with: asan
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The configfs stand-in behaves like the Raspberry Pi kernel's overlay interface,
# checked with plain shell tools.

load ../lib/fake-sysroot

setup() {
	SYSROOT=$BATS_TEST_TMPDIR/root
	OV=$SYSROOT/sys/kernel/config/device-tree/overlays
	LOG=$SYSROOT/fake-configfs.log
	DTS=$BATS_TEST_TMPDIR/dts
	make_sysroot "$SYSROOT"
	mkdir -p "$DTS"
}

teardown() {
	stop_fake_configfs "$SYSROOT"
}

# An overlay that only needs "/" to exist.
make_plain_overlay() {
	cat >"$DTS/plain.dts" <<'EOF'
/dts-v1/;
/plugin/;
/ {
	fragment@0 {
		target-path = "/";
		__overlay__ {
			fake-device {
				compatible = "test,fake-device";
			};
		};
	};
};
EOF
	compile_dts "$DTS/plain.dts" "$DTS/plain.dtbo"
}

# A base tree, an overlay "first" labelling a node it adds (metis), and an
# overlay "second" that refers to that label.
make_stacked_overlays() {
	cat >"$DTS/base.dts" <<'EOF'
/dts-v1/;
/ {
	compatible = "test,board";
	pcie: pcie {
		status = "disabled";
	};
};
EOF
	cat >"$DTS/first.dts" <<'EOF'
/dts-v1/;
/plugin/;
/ {
	fragment@0 {
		target = <&pcie>;
		__overlay__ {
			status = "okay";
			metis: accel {
				compatible = "test,accel";
				status = "disabled";
			};
		};
	};
};
EOF
	cat >"$DTS/second.dts" <<'EOF'
/dts-v1/;
/plugin/;
/ {
	fragment@0 {
		target = <&metis>;
		__overlay__ {
			status = "okay";
		};
	};
};
EOF
	compile_dts "$DTS/base.dts" "$DTS/base.dtb"
	compile_dts "$DTS/first.dts" "$DTS/first.dtbo"
	compile_dts "$DTS/second.dts" "$DTS/second.dtbo"
}

# write_dtbo NAME FILE: mkdir the item and write FILE to its dtbo in one go.
write_dtbo() {
	mkdir "$OV/$1"
	cat "$2" >"$OV/$1/dtbo"
}

status_of() {
	cat "$OV/$1/status"
}

@test "an item has dtbo, path and status with configfs permissions" {
	start_fake_configfs "$SYSROOT"
	mkdir "$OV/a"
	run ls "$OV/a"
	[ "$status" -eq 0 ]
	[ "$output" = $'dtbo\npath\nstatus' ]
	[ "$(stat -c %a "$OV/a")" = 755 ]
	[ "$(stat -c %a "$OV/a/dtbo")" = 644 ]
	[ "$(stat -c %a "$OV/a/path")" = 644 ]
	[ "$(stat -c %a "$OV/a/status")" = 444 ]
	[ "$(status_of a)" = unapplied ]
	[ "$(stat -c %s "$OV/a/dtbo")" = 0 ]
	[ -z "$(cat "$OV/a/dtbo")" ]
}

@test "start registers configfs in the sysroot and stop removes the mount" {
	start_fake_configfs "$SYSROOT"
	grep -qx 'configfs /sys/kernel/config configfs rw,relatime 0 0' "$SYSROOT/proc/mounts"
	grep -qx $'nodev\tconfigfs' "$SYSROOT/proc/filesystems"
	stop_fake_configfs "$SYSROOT"
	[ ! -e "$OV" ]
	run grep -c configfs "$SYSROOT/proc/mounts"
	[ "$output" = 0 ]
	run awk -v m="$SYSROOT/sys/kernel/config" '$2 == m' /proc/self/mounts
	[ -z "$output" ]
	stop_fake_configfs "$SYSROOT"
}

@test "a valid overlay applies and reads back exactly" {
	make_plain_overlay
	start_fake_configfs "$SYSROOT"
	write_dtbo a "$DTS/plain.dtbo"
	[ "$(status_of a)" = applied ]
	cmp "$DTS/plain.dtbo" "$OV/a/dtbo"
	[ "$(stat -c %s "$OV/a/dtbo")" = "$(stat -c %s "$DTS/plain.dtbo")" ]
	[ "$(cat "$LOG")" = $'mkdir a\napply a ok' ]
}

@test "an invalid blob closes fine, leaves the item empty and writable" {
	make_plain_overlay
	start_fake_configfs "$SYSROOT"
	mkdir "$OV/a"
	run sh -c 'echo "not a device tree blob at all, but long enough" >"$1"' _ "$OV/a/dtbo"
	[ "$status" -eq 0 ]
	[ "$(status_of a)" = unapplied ]
	[ -z "$(cat "$OV/a/dtbo")" ]
	grep -qx 'apply a rejected bad fdt: FDT_ERR_BADMAGIC' "$LOG"
	cat "$DTS/plain.dtbo" >"$OV/a/dtbo"
	[ "$(status_of a)" = applied ]
}

@test "a truncated blob is rejected" {
	make_plain_overlay
	start_fake_configfs "$SYSROOT"
	mkdir "$OV/a"
	size=$(stat -c %s "$DTS/plain.dtbo")
	head -c $((size - 8)) "$DTS/plain.dtbo" >"$OV/a/dtbo"
	[ "$(status_of a)" = unapplied ]
	grep -q '^apply a rejected size mismatch' "$LOG"
}

@test "a device tree that is not an overlay is rejected" {
	make_stacked_overlays
	start_fake_configfs "$SYSROOT"
	write_dtbo a "$DTS/base.dtb"
	[ "$(status_of a)" = unapplied ]
	grep -q '^apply a rejected not an overlay' "$LOG"
}

@test "more than 1 MiB gets EFBIG and nothing is applied" {
	start_fake_configfs "$SYSROOT"
	mkdir "$OV/a"
	head -c $((1024 * 1024 + 1)) /dev/zero >"$BATS_TEST_TMPDIR/big"
	run dd if="$BATS_TEST_TMPDIR/big" of="$OV/a/dtbo" bs=64k
	[ "$status" -ne 0 ]
	[[ $output == *"File too large"* ]]
	[ "$(status_of a)" = unapplied ]
}

@test "exactly 1 MiB is accepted by the buffer" {
	start_fake_configfs "$SYSROOT"
	mkdir "$OV/a"
	head -c $((1024 * 1024)) /dev/zero >"$BATS_TEST_TMPDIR/big"
	dd if="$BATS_TEST_TMPDIR/big" of="$OV/a/dtbo" bs=64k
	settle_fake_configfs "$SYSROOT"
	grep -qx 'apply a rejected bad fdt: FDT_ERR_BADMAGIC' "$LOG"
}

@test "writes must be sequential" {
	make_plain_overlay
	start_fake_configfs "$SYSROOT"
	mkdir "$OV/a"
	run dd if="$DTS/plain.dtbo" of="$OV/a/dtbo" bs=16 seek=1 conv=notrunc
	[ "$status" -ne 0 ]
	[[ $output == *"Invalid argument"* ]]
}

@test "an applied item refuses a second write to dtbo and to path" {
	make_plain_overlay
	start_fake_configfs "$SYSROOT"
	write_dtbo a "$DTS/plain.dtbo"
	run sh -c 'cat "$1" >"$2"' _ "$DTS/plain.dtbo" "$OV/a/dtbo"
	[ "$status" -ne 0 ]
	[[ $output == *"Operation not permitted"* ]]
	run bash -c 'echo /lib/firmware/x.dtbo >"$1"' _ "$OV/a/path"
	[ "$status" -ne 0 ]
	[[ $output == *"Operation not permitted"* ]]
	[ "$(status_of a)" = applied ]
	cmp "$DTS/plain.dtbo" "$OV/a/dtbo"
	[ "$(grep -c '^apply' "$LOG")" -eq 1 ]
}

@test "dtbo opened for reading and writing gives ETXTBSY" {
	start_fake_configfs "$SYSROOT"
	mkdir "$OV/a"
	run bash -c 'exec 5<>"$1"' _ "$OV/a/dtbo"
	[ "$status" -ne 0 ]
	[[ $output == *"Text file busy"* ]]
}

@test "status is read-only and nothing else can be created or removed" {
	start_fake_configfs "$SYSROOT"
	mkdir "$OV/a"
	run sh -c 'echo applied >"$1"' _ "$OV/a/status"
	[ "$status" -ne 0 ]
	[[ $output == *"Permission denied"* ]]
	run touch "$OV/a/extra"
	[ "$status" -ne 0 ]
	run touch "$OV/extra"
	[ "$status" -ne 0 ]
	run mkdir "$OV/a/sub"
	[ "$status" -ne 0 ]
	run rm -f "$OV/a/dtbo"
	[ "$status" -ne 0 ]
	run mkdir "$OV/a"
	[ "$status" -ne 0 ]
	[[ $output == *"File exists"* ]]
	run rmdir "$OV"
	[ "$status" -ne 0 ]
	[ "$(status_of a)" = unapplied ]
}

@test "path stores a string, stays unapplied and locks dtbo" {
	make_plain_overlay
	start_fake_configfs "$SYSROOT"
	mkdir "$OV/a"
	[ "$(cat "$OV/a/path")" = "" ]
	echo overlays/plain.dtbo >"$OV/a/path"
	[ "$(cat "$OV/a/path")" = overlays/plain.dtbo ]
	[ "$(status_of a)" = unapplied ]
	run sh -c 'cat "$1" >"$2"' _ "$DTS/plain.dtbo" "$OV/a/dtbo"
	[ "$status" -ne 0 ]
	[[ $output == *"Operation not permitted"* ]]
}

@test "--reject-all refuses a valid overlay" {
	make_plain_overlay
	start_fake_configfs "$SYSROOT" --reject-all
	write_dtbo a "$DTS/plain.dtbo"
	[ "$(status_of a)" = unapplied ]
	[ -z "$(cat "$OV/a/dtbo")" ]
	grep -qx 'apply a rejected --reject-all' "$LOG"
}

@test "--base: an overlay using a label applies only after the overlay defining it" {
	make_stacked_overlays
	start_fake_configfs "$SYSROOT" --base "$DTS/base.dtb"
	write_dtbo second "$DTS/second.dtbo"
	[ "$(status_of second)" = unapplied ]
	rmdir "$OV/second"
	write_dtbo first "$DTS/first.dtbo"
	[ "$(status_of first)" = applied ]
	write_dtbo second "$DTS/second.dtbo"
	[ "$(status_of second)" = applied ]
	grep -q '^apply second rejected overlay apply: FDT_ERR_NOTFOUND' "$LOG"
	[ "$(grep '^apply' "$LOG" | cut -d' ' -f2,3)" = $'second rejected\nfirst ok\nsecond ok' ]
}

@test "--base: an overlay whose target is missing is rejected" {
	make_stacked_overlays
	sed 's/pcie: pcie/other: other/' "$DTS/base.dts" >"$DTS/bare.dts"
	compile_dts "$DTS/bare.dts" "$DTS/bare.dtb"
	start_fake_configfs "$SYSROOT" --base "$DTS/bare.dtb"
	write_dtbo first "$DTS/first.dtbo"
	[ "$(status_of first)" = unapplied ]
}

@test "--base: rmdir of the top overlay restores the tree before it" {
	make_stacked_overlays
	start_fake_configfs "$SYSROOT" --base "$DTS/base.dtb"
	write_dtbo first "$DTS/first.dtbo"
	[ "$(status_of first)" = applied ]
	rmdir "$OV/first"
	write_dtbo second "$DTS/second.dtbo"
	[ "$(status_of second)" = unapplied ]
	[ "$(tail -n 2 "$LOG" | cut -d' ' -f1-3)" = $'mkdir second\napply second rejected' ]
	grep -qx 'rmdir first' "$LOG"
}

@test "rmdir out of order is accepted and logged" {
	make_plain_overlay
	start_fake_configfs "$SYSROOT"
	write_dtbo a "$DTS/plain.dtbo"
	write_dtbo b "$DTS/plain.dtbo"
	mkdir "$OV/c"
	rmdir "$OV/a"
	rmdir "$OV/c"
	rmdir "$OV/b"
	[ -z "$(ls "$OV")" ]
	[ "$(cat "$LOG")" = "$(printf '%s\n' 'mkdir a' 'apply a ok' 'mkdir b' 'apply b ok' \
		'mkdir c' 'rmdir a out-of-order' 'rmdir c' 'rmdir b')" ]
}

@test "an item removed while its dtbo is open is not applied" {
	make_plain_overlay
	start_fake_configfs "$SYSROOT"
	mkdir "$OV/a"
	exec 5>"$OV/a/dtbo"
	cat "$DTS/plain.dtbo" >&5
	rmdir "$OV/a"
	exec 5>&-
	settle_fake_configfs "$SYSROOT"
	[ "$(cat "$LOG")" = $'mkdir a\nrmdir a' ]
}

@test "a re-made item starts unapplied and empty" {
	make_plain_overlay
	start_fake_configfs "$SYSROOT"
	write_dtbo a "$DTS/plain.dtbo"
	rmdir "$OV/a"
	mkdir "$OV/a"
	[ "$(status_of a)" = unapplied ]
	[ -z "$(cat "$OV/a/dtbo")" ]
}

@test "a bad --base is one clear line and exit status 2" {
	mkdir "$BATS_TEST_TMPDIR/mnt"
	echo junk >"$BATS_TEST_TMPDIR/junk.dtb"
	run timeout 20 "$BUILD_DIR/tests/fake-configfs" --base "$BATS_TEST_TMPDIR/junk.dtb" \
		"$BATS_TEST_TMPDIR/mnt"
	[ "$status" -eq 2 ]
	[[ $output == *"junk.dtb is not a valid DTB"* ]]
	[ "${#lines[@]}" -eq 1 ]
}
