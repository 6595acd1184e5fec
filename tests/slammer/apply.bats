#!/usr/bin/env bats
# run-with: asan
# run-with: aarch64
# Applying and removing overlays through the configfs stand-in, whose kernel side
# applies blobs with libfdt against a CM5-like live tree, as the kernel would.

load helper

setup_file() {
	compile_fixtures
}

setup() {
	setup_root
}

teardown() {
	teardown_root
}

@test "boot applies both overlays in order and reads status back" {
	start_kernel
	slam boot
	[ "$status" -eq 0 ]
	[[ "$output" == *"applied overlay cruiser-raspberrypi-cm5 from "*" bytes, crc32 "* ]]
	[[ "$output" == *"applied overlay axelera-metis from "* ]]
	[ "$(grep '^apply' "$KLOG")" = "$(printf 'apply cruiser-raspberrypi-cm5 ok\napply axelera-metis ok')" ]
	[ "$(cat "$CFS/cruiser-raspberrypi-cm5/status")" = applied ]
	[ "$(cat "$CFS/axelera-metis/status")" = applied ]
	cmp "$CFS/axelera-metis/dtbo" "$OVL/axelera-metis.dtbo"
}

@test "running it twice changes nothing" {
	start_kernel
	slam boot
	[ "$status" -eq 0 ]
	before=$(kernel_events)
	slam boot
	[ "$status" -eq 0 ]
	[[ "$output" == *"overlay cruiser-raspberrypi-cm5 already applied; unchanged"* ]]
	[[ "$output" == *"overlay axelera-metis already applied; unchanged"* ]]
	[ "$(kernel_events)" = "$before" ]
	slam apply
	[ "$status" -eq 0 ]
	[ "$(kernel_events)" = "$before" ]
}

@test "remove takes overlays off in reverse order" {
	start_kernel
	slam apply
	slam remove
	[ "$status" -eq 0 ]
	[ "$(grep '^rmdir' "$KLOG")" = "$(printf 'rmdir axelera-metis\nrmdir cruiser-raspberrypi-cm5')" ]
	[ -z "$(ls "$CFS")" ]
	slam remove
	[ "$status" -eq 0 ]
	[[ "$output" == *"overlay axelera-metis not present"* ]]
}

@test "apply and remove take names" {
	start_kernel
	slam apply cruiser-raspberrypi-cm5
	[ "$status" -eq 0 ]
	[ "$(ls "$CFS")" = cruiser-raspberrypi-cm5 ]
	slam remove cruiser-raspberrypi-cm5
	[ "$status" -eq 0 ]
	[ -z "$(ls "$CFS")" ]
}

@test "the configured order is the order of application" {
	start_kernel
	cp "$FIX/cruiser-poe-port.dtbo" "$OVL/"
	cmdline rd.rpi_hw.overlays=cruiser-poe-port,cruiser-raspberrypi-cm5
	rm "$ROOT/sys/firmware/fdt" 2>/dev/null || true
	slam apply
	[ "$status" -eq 1 ]
	# The stand-in kernel cannot resolve the port's label without the Cruiser overlay.
	[[ "$output" == *"overlay cruiser-poe-port: the kernel did not apply it"* ]]
	[ "$(grep '^apply' "$KLOG" | cut -d' ' -f1-3)" = "$(printf 'apply cruiser-poe-port rejected\napply cruiser-raspberrypi-cm5 ok')" ]
	[ ! -e "$CFS/cruiser-poe-port" ]
}

@test "a kernel that rejects the overlay: error named, no directory left, exit 1" {
	start_kernel --reject-all
	slam apply
	[ "$status" -eq 1 ]
	[[ "$output" == *"overlay cruiser-raspberrypi-cm5: the kernel did not apply it (status stays 'unapplied'; see dmesg); its directory was removed"* ]]
	[ -z "$(ls "$CFS")" ]
	grep -q '^rmdir cruiser-raspberrypi-cm5' "$KLOG"
}

@test "strict mode stops at the first failure" {
	start_kernel --reject-all
	cmdline rd.rpi_hw.strict=1
	slam apply
	[ "$status" -eq 1 ]
	[ "$(grep -c '^mkdir' "$KLOG")" -eq 1 ]
	[[ "$output" != *"axelera-metis"* ]]
}

@test "non-strict mode goes on after a failure" {
	start_kernel
	printf 'garbage' >"$OVL/cruiser-raspberrypi-cm5.dtbo"
	cmdline rd.rpi_hw.overlays=cruiser-raspberrypi-cm5,by-path
	cp "$FIX/by-path.dtbo" "$OVL/"
	slam apply
	[ "$status" -eq 1 ]
	[ "$(grep '^apply' "$KLOG")" = "apply by-path ok" ]
}

@test "an overlay applied with other content is a conflict, left alone" {
	start_kernel
	slam apply cruiser-raspberrypi-cm5
	cp "$FIX/by-path.dtbo" "$OVL/cruiser-raspberrypi-cm5.dtbo"
	slam apply cruiser-raspberrypi-cm5
	[ "$status" -eq 1 ]
	[[ "$output" == *"overlay cruiser-raspberrypi-cm5 is applied with other content than "*"run 'overlay-slammer remove cruiser-raspberrypi-cm5' first"* ]]
	cmp "$CFS/cruiser-raspberrypi-cm5/dtbo" "$FIX/cruiser-raspberrypi-cm5.dtbo"
}

@test "an unapplied item left behind is removed and the overlay applied" {
	start_kernel
	mkdir "$CFS/cruiser-raspberrypi-cm5"
	slam apply cruiser-raspberrypi-cm5
	[ "$status" -eq 0 ]
	[[ "$output" == *"removing an unapplied item left behind"* ]]
	[ "$(cat "$CFS/cruiser-raspberrypi-cm5/status")" = applied ]
}

@test "no configfs overlay interface: one clear line, exit 3, nothing hangs" {
	run timeout 10 "$SLAMMER" --sysroot "$ROOT" boot
	[ "$status" -eq 3 ]
	[ "$(printf '%s\n' "$output" | grep -c 'no configfs overlay interface')" -eq 1 ]
	[[ "$output" == *"boot a Raspberry Pi kernel"* ]]
	run timeout 10 "$SLAMMER" --sysroot "$ROOT" remove
	[ "$status" -eq 3 ]
}

@test "rd.rpi_hw=0 applies nothing and succeeds" {
	start_kernel
	cmdline rd.rpi_hw=0
	slam boot
	[ "$status" -eq 0 ]
	[[ "$output" == *"disabled"* ]]
	[ -z "$(kernel_events)" ]
}

@test "a corrupt, truncated, oversized or non-overlay .dtbo never reaches the kernel" {
	start_kernel
	cmdline rd.rpi_hw.overlays=cruiser-raspberrypi-cm5
	head -c 100 "$FIX/cruiser-raspberrypi-cm5.dtbo" >"$OVL/cruiser-raspberrypi-cm5.dtbo"
	slam apply
	[ "$status" -eq 1 ]
	[[ "$output" == *"is not a valid overlay: truncated: the header says"* ]]

	head -c 200 /dev/urandom | tr '\320' x >"$OVL/cruiser-raspberrypi-cm5.dtbo"
	slam apply
	[[ "$output" == *"is not a valid overlay: not a device tree blob (bad magic)"* ]]

	cp "$FIX/not-an-overlay.dtbo" "$OVL/cruiser-raspberrypi-cm5.dtbo"
	slam apply
	[[ "$output" == *"not an overlay: no fragment with __overlay__ and a target"* ]]

	{ cat "$FIX/cruiser-raspberrypi-cm5.dtbo"; head -c 1100000 /dev/zero; } >"$OVL/cruiser-raspberrypi-cm5.dtbo"
	slam apply
	[ "$status" -eq 1 ]
	[[ "$output" == *"larger than the kernel's 1 MiB limit"* ]]

	cp "$FIX/cruiser-raspberrypi-cm5.dtbo" "$OVL/cruiser-raspberrypi-cm5.dtbo"
	printf 'x' >>"$OVL/cruiser-raspberrypi-cm5.dtbo"
	slam apply
	[[ "$output" == *"trailing bytes after the device tree"* ]]

	[ -z "$(kernel_events)" ]
}

@test "a symbolic link out of the overlay directory is refused; one inside is followed" {
	start_kernel
	cmdline rd.rpi_hw.overlays=cruiser-raspberrypi-cm5
	mv "$OVL/cruiser-raspberrypi-cm5.dtbo" "$BATS_TEST_TMPDIR/outside.dtbo"
	ln -s "$BATS_TEST_TMPDIR/outside.dtbo" "$OVL/cruiser-raspberrypi-cm5.dtbo"
	slam apply
	[ "$status" -eq 1 ]
	[[ "$output" == *"is a symbolic link out of its directory; refused"* ]]
	[ -z "$(kernel_events)" ]

	rm "$OVL/cruiser-raspberrypi-cm5.dtbo"
	cp "$BATS_TEST_TMPDIR/outside.dtbo" "$OVL/real.dtbo"
	ln -s real.dtbo "$OVL/cruiser-raspberrypi-cm5.dtbo"
	slam apply
	[ "$status" -eq 0 ]
}

@test "the embedded copy wins over overlay_dirs, which are searched in order" {
	start_kernel
	cmdline rd.rpi_hw.overlays=by-path
	mkdir -p "$ROOT/boot/overlays" "$ROOT/lib/firmware/overlays"
	cp "$FIX/by-path.dtbo" "$ROOT/lib/firmware/overlays/"
	printf 'junk' >"$ROOT/lib/firmware/overlays/ignored.dtbo"
	slam apply
	[ "$status" -eq 0 ]
	[[ "$output" == *"from $ROOT/lib/firmware/overlays/by-path.dtbo"* ]]
	slam remove
	cp "$FIX/by-path.dtbo" "$OVL/"
	slam apply
	[[ "$output" == *"from $OVL/by-path.dtbo"* ]]
}

@test "--overlay-dir reads overlays from that directory only" {
	start_kernel
	mkdir "$BATS_TEST_TMPDIR/only"
	cp "$FIX/by-path.dtbo" "$BATS_TEST_TMPDIR/only/"
	run "$SLAMMER" --sysroot "$ROOT" --overlay-dir "$BATS_TEST_TMPDIR/only" apply by-path cruiser-raspberrypi-cm5
	[ "$status" -eq 1 ]
	[[ "$output" == *"applied overlay by-path from $BATS_TEST_TMPDIR/only/by-path.dtbo"* ]]
	[[ "$output" == *"cruiser-raspberrypi-cm5.dtbo not found in $BATS_TEST_TMPDIR/only"* ]]
}

@test "an overlay found nowhere is named with what to do" {
	start_kernel
	rm "$OVL/axelera-metis.dtbo"
	cmdline rd.rpi_hw.overlays=axelera-metis
	slam apply
	[ "$status" -eq 1 ]
	[[ "$output" == *"overlay axelera-metis: axelera-metis.dtbo not found in /usr/lib/rpi-hardware/overlays or the configured overlay_dirs: install it and rebuild the initramfs; not applied"* ]]
}

@test "the live device tree catches an overlay that does not fit before the kernel sees it" {
	start_kernel
	printf '/dts-v1/;\n/ { compatible = "test,other-board"; board_soc: soc { }; };\n' >"$BATS_TEST_TMPDIR/pc.dts"
	compile_dts "$BATS_TEST_TMPDIR/pc.dts" "$BATS_TEST_TMPDIR/pc.dtb"
	cp "$BATS_TEST_TMPDIR/pc.dtb" "$ROOT/sys/firmware/fdt"
	slam apply
	[ "$status" -eq 1 ]
	[[ "$output" == *"overlay cruiser-raspberrypi-cm5 does not fit this board's device tree: label 'uart2' is not in the base tree; not applied"* ]]
	[ -z "$(kernel_events)" ]
}

@test "the live device tree check follows the overlay stack" {
	start_kernel
	cp "$FIX/cm5-base.dtbo" "$ROOT/sys/firmware/fdt"
	slam apply
	[ "$status" -eq 0 ]
	slam remove
	cp "$FIX/cruiser-poe-port.dtbo" "$OVL/"
	cmdline rd.rpi_hw.overlays=cruiser-poe-port
	slam apply
	[ "$status" -eq 1 ]
	[[ "$output" == *"label 'cruiser_poe' is not in the base tree"* ]]
}

@test "every step is logged to the kernel log with the prefix and a duration" {
	start_kernel
	slam boot
	grep -q '^<6>overlay-slammer: applied overlay cruiser-raspberrypi-cm5 from .* ms)$' "$ROOT/dev/kmsg"
	grep -q '^<6>overlay-slammer: boot: done (.* ms)$' "$ROOT/dev/kmsg"
	grep -q '^<4>overlay-slammer: module metis not found for kernel 6.1.0-test' "$ROOT/dev/kmsg"
}

@test "a /dev/kmsg that cannot be written does not stop the boot" {
	start_kernel
	rm "$ROOT/dev/kmsg"
	mkdir "$ROOT/dev/kmsg"
	slam boot
	[[ "$output" == *"applied overlay axelera-metis"* ]]
	[ "$(cat "$CFS/axelera-metis/status")" = applied ]
}

@test "status shows applied overlays, extra ones and the device, in text and JSON" {
	start_kernel
	slam apply
	mkdir "$CFS/stray"
	ln -s metis-1:1:0 "$ROOT/dev/axelera0"
	: >"$ROOT/dev/metis-1:1:0"
	slam status
	[[ "$output" == *"overlay  cruiser-raspberrypi-cm5  applied"* ]]
	[[ "$output" == *"overlay  stray                    unapplied (not configured)"* ]]
	[[ "$output" == *"device   /dev/axelera0            present -> metis-1:1:0"* ]]
	slam status --json
	python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert d["configfs"] == "available"
assert [(o["name"], o["state"]) for o in d["overlays"]] == [("cruiser-raspberrypi-cm5", "applied"), ("axelera-metis", "applied"), ("stray", "unapplied")], d
assert d["overlays"][2]["configured"] is False
assert d["device"] == {"path": "/dev/axelera0", "present": True, "target": "metis-1:1:0"}
' "$output"
}

@test "status exit code: 0 only when everything configured is in place" {
	start_kernel
	make_module_tree
	module_loaded metis
	slam status
	[ "$status" -eq 1 ]
	slam apply
	slam status
	[ "$status" -eq 1 ]
	ln -s metis-1:1:0 "$ROOT/dev/axelera0"
	: >"$ROOT/dev/metis-1:1:0"
	slam status
	[ "$status" -eq 0 ]
	cmdline rd.rpi_hw=0
	slam remove
	slam status
	[ "$status" -eq 0 ]
	[[ "$output" == *"disabled"* ]]
}

@test "the pre-check starts from what configfs holds: an overlay may build on one applied earlier" {
	start_kernel
	cp "$FIX/cm5-base.dtbo" "$ROOT/sys/firmware/fdt"
	cp "$FIX/cruiser-poe-port.dtbo" "$OVL/"
	slam apply cruiser-raspberrypi-cm5
	[ "$status" -eq 0 ]
	# The port needs the label the Cruiser overlay adds; the firmware's tree lacks it.
	slam apply cruiser-poe-port
	[ "$status" -eq 0 ]
	[[ "$output" == *"applied overlay cruiser-poe-port from "* ]]
	[[ "$output" != *"does not fit"* && "$output" != *"cannot be replayed"* ]]
	[ "$(grep '^apply' "$KLOG")" = "$(printf 'apply cruiser-raspberrypi-cm5 ok\napply cruiser-poe-port ok')" ]
}

@test "applied items are replayed in the configured order, then the others oldest first" {
	start_kernel
	cp "$FIX/cm5-base.dtbo" "$ROOT/sys/firmware/fdt"
	cp "$FIX/cruiser-poe-port.dtbo" "$FIX/by-path.dtbo" "$OVL/"
	# Not configured: cruiser-poe-port sorts before cruiser-raspberrypi-cm5 by name,
	# but was made after it; replayed by name, it would not fit.
	cmdline rd.rpi_hw.overlays=by-path
	slam apply cruiser-raspberrypi-cm5
	slam apply cruiser-poe-port
	[ "$status" -eq 0 ]
	slam apply by-path
	[ "$status" -eq 0 ]
	[[ "$output" != *"cannot be replayed"* ]]
	slam remove by-path cruiser-poe-port cruiser-raspberrypi-cm5
	# Configured, the order given is the order of replay.
	cmdline rd.rpi_hw.overlays=cruiser-raspberrypi-cm5,cruiser-poe-port
	slam apply
	[ "$status" -eq 0 ]
	slam apply by-path
	[ "$status" -eq 0 ]
	[[ "$output" != *"cannot be replayed"* ]]
}

@test "an applied item that cannot be replayed turns the pre-check off, with one line" {
	# No live tree at first: the port goes in unchecked, and the stand-in, given no
	# base, takes any valid overlay.
	start_fake_configfs "$ROOT"
	CFS="$ROOT/sys/kernel/config/device-tree/overlays"
	cp "$FIX/cruiser-poe-port.dtbo" "$OVL/"
	slam apply cruiser-poe-port
	[ "$status" -eq 0 ]
	cp "$FIX/cm5-base.dtbo" "$ROOT/sys/firmware/fdt"
	slam apply axelera-metis
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | grep -c 'cannot be replayed')" -eq 1 ]
	[[ "$output" == *"overlay cruiser-poe-port is applied, but cannot be replayed on the copy of the live device tree (label 'cruiser_poe' is not in the base tree): the overlays after it are not pre-checked; the kernel still checks them"* ]]
	[ "$(cat "$CFS/axelera-metis/status")" = applied ]
}

@test "an overlay that did not reach the kernel is not in the pre-check's tree" {
	# The Cruiser overlay's item is taken by another writer: it is not applied, so
	# the port, which needs it, must not pass the pre-check as if it were.
	start_kernel --race-mkdir cruiser-raspberrypi-cm5
	cp "$FIX/cm5-base.dtbo" "$ROOT/sys/firmware/fdt"
	cp "$FIX/cruiser-poe-port.dtbo" "$OVL/"
	cmdline rd.rpi_hw.overlays=cruiser-raspberrypi-cm5,cruiser-poe-port
	slam apply
	[ "$status" -eq 1 ]
	[[ "$output" == *"overlay cruiser-poe-port does not fit this board's device tree: label 'cruiser_poe' is not in the base tree; not applied"* ]]
	run grep -c cruiser-poe-port "$KLOG"
	[ "$output" = 0 ]
}
