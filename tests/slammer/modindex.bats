#!/usr/bin/env bats
# run-with: asan
# run-with: aarch64
# A corrupt module index: libkmod (as Debian's modprobe) crashes on some, and
# loops without end, allocating, on others. The module step runs in a process of
# its own with a time and memory bound: a bad index costs one line naming it and
# what to do, and the overlays still get their turn.

load helper

setup_file() {
	compile_fixtures
}

setup() {
	setup_root
	make_module_tree
	KVER=$(cat "$ROOT/proc/sys/kernel/osrelease")
	# Under ASan, a fault inside libkmod is ASan's report and exit, not the signal
	# the helper sees everywhere else; a refused huge malloc is NULL, as in libc.
	export ASAN_OPTIONS=handle_segv=0:allocator_may_return_null=1
}

teardown() {
	teardown_root
}

@test "an index that crashes libkmod: one line, and the overlays are applied" {
	start_kernel
	corrupt_module_index crash
	run timeout 60 "$SLAMMER" --sysroot "$ROOT" boot
	[ "$status" -eq 1 ]
	[ "$(printf '%s\n' "$output" | grep -c 'module step')" -eq 1 ]
	[[ "$output" == *"overlay-slammer: the module step crashed inside libkmod (Segmentation fault): the kernel's module index in $ROOT/lib/modules/$KVER is corrupt: run 'depmod $KVER' and rebuild the initramfs; the modules after that point were not loaded"* ]]
	[ "$(grep '^apply' "$KLOG")" = "$(printf 'apply cruiser-raspberrypi-cm5 ok\napply axelera-metis ok')" ]
	grep -q "^<3>overlay-slammer: the module step crashed inside libkmod" "$ROOT/dev/kmsg"
}

@test "an index that sends libkmod round for ever: stopped in bounded time, overlays applied" {
	start_kernel
	corrupt_module_index hang
	cmdline rd.rpi_hw.timeout=1
	SECONDS=0
	run timeout 60 "$SLAMMER" --sysroot "$ROOT" boot
	[ "$status" -eq 1 ]
	[ "$SECONDS" -lt 30 ]
	# Whichever bound it reaches first, time or memory, stops it, with one line.
	[ "$(printf '%s\n' "$output" | grep -c 'module step')" -eq 1 ]
	[[ "$output" == *"overlay-slammer: the module step did not finish within 5 s and was stopped: libkmod reading a corrupt module index in $ROOT/lib/modules/$KVER, or a module's init hanging (see dmesg): run 'depmod $KVER' and rebuild the initramfs"* ]] ||
		[[ "$output" == *"overlay-slammer: the module step ran out of its 256 MiB inside libkmod: the kernel's module index in $ROOT/lib/modules/$KVER is corrupt: run 'depmod $KVER' and rebuild the initramfs; the modules after that point were not loaded"* ]]
	[[ "$output" != *"not found"* ]]
	[ "$(grep '^apply' "$KLOG")" = "$(printf 'apply cruiser-raspberrypi-cm5 ok\napply axelera-metis ok')" ]
}

@test "strict mode stops after a crashed module step, with the same line" {
	start_kernel
	corrupt_module_index crash
	cmdline rd.rpi_hw.strict=1
	run timeout 60 "$SLAMMER" --sysroot "$ROOT" boot
	[ "$status" -eq 1 ]
	[[ "$output" == *"the module step crashed inside libkmod"* ]]
	[ -z "$(kernel_events)" ]
}

@test "status names a corrupt index and does not crash" {
	corrupt_module_index crash
	run timeout 60 "$SLAMMER" --sysroot "$ROOT" status
	[ "$status" -eq 1 ]
	[[ "$output" == *"cannot read the module index of kernel $KVER: libkmod crashed (Segmentation fault): it is corrupt; run 'depmod $KVER'"* ]]
	[[ "$output" == *"kernel   $KVER (module index corrupt)"* ]]
	[[ "$output" == *"module   metis                    unknown"* ]]
}

@test "a sound index loads as before, through the same bounded step" {
	start_kernel
	slam boot
	[ "$status" -eq 0 ]
	[[ "$output" == *"would load module metis (not the running system)"* ]]
	[[ "$output" != *"module step"* ]]
}
