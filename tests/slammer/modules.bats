#!/usr/bin/env bats
# run-with: asan
# run-with: aarch64
# Module loading with libkmod on a fake module tree. Under --sysroot nothing is
# inserted: libkmod resolves each module and its dependencies, which are logged.

load helper

setup_file() {
	compile_fixtures
}

setup() {
	setup_root
	make_module_tree
	cmdline rd.rpi_hw.overlays=
}

@test "modules are resolved in order, dependencies first" {
	slam boot
	[[ "$output" == *"would load module rp1_pci (not the running system)"*"would load module axdevice"*"would load module rp1_uart"* ]]
	# axdevice pulls rp1_pci in; rp1_pci is then already on the list only once more.
	[ "$(printf '%s\n' "$output" | grep -c 'would load module axdevice')" -eq 1 ]
}

@test "a missing module is a warning naming it and the kernel; boot goes on" {
	cmdline rd.rpi_hw.overlays= rd.rpi_hw.modules=nosuchmod,rp1_uart
	slam boot
	[[ "$output" == *"module nosuchmod not found for kernel 6.1.0-test: install its package and rebuild the initramfs"* ]]
	[[ "$output" == *"would load module rp1_uart"* ]]
}

@test "dashes and underscores name the same module" {
	cmdline rd.rpi_hw.overlays= rd.rpi_hw.modules=rp1-uart
	slam boot
	[[ "$output" == *"would load module rp1_uart"* ]]
}

@test "an already loaded module is left alone" {
	module_loaded axdevice
	slam boot
	[[ "$output" == *"module axdevice already loaded"* ]]
	[[ "$output" != *"would load module axdevice"* ]]
	slam status
	[[ "$output" == *"module   axdevice                 loaded"* ]]
	[[ "$output" == *"module   rp1_uart                 not loaded"* ]]
}

@test "a built-in module counts as present" {
	mkdir -p "$ROOT/sys/module/rp1_uart"
	slam status
	[[ "$output" == *"module   rp1_uart                 builtin"* ]]
	slam boot
	[[ "$output" == *"module rp1_uart already loaded"* ]]
}

@test "blacklists on the kernel command line are honoured, all three spellings" {
	for opt in module_blacklist=axdevice modprobe.blacklist=axdevice rd.driver.blacklist=foo,axdevice; do
		cmdline rd.rpi_hw.overlays= "$opt"
		slam boot
		[[ "$output" == *"module axdevice is blacklisted; not loaded"* ]]
		[[ "$output" != *"would load module axdevice"* ]]
		[[ "$output" == *"would load module rp1_uart"* ]]
	done
	slam status
	[[ "$output" == *"module   axdevice                 blacklisted"* ]]
	cmdline rd.rpi_hw.overlays= modprobe.blacklist=rp1-uart
	slam boot
	[[ "$output" == *"module rp1_uart is blacklisted; not loaded"* ]]
}

@test "a blacklist in modprobe.d is honoured" {
	mkdir -p "$ROOT/etc/modprobe.d"
	echo "blacklist rp1_uart" >"$ROOT/etc/modprobe.d/test.conf"
	slam boot
	[[ "$output" == *"module rp1_uart is blacklisted; not loaded"* ]]
}

@test "an install command in modprobe.d is never run" {
	mkdir -p "$ROOT/etc/modprobe.d"
	echo "install rp1_uart /bin/touch $BATS_TEST_TMPDIR/ran" >"$ROOT/etc/modprobe.d/test.conf"
	slam boot
	[ ! -e "$BATS_TEST_TMPDIR/ran" ]
}

@test "no module tree at all: one error, overlays still tried" {
	rm -rf "$ROOT/lib/modules"
	cmdline
	slam boot
	[[ "$output" == *"module axdevice not found for kernel 6.1.0-test"* ]]
	[[ "$output" == *"no configfs overlay interface"* ]]
	[ "$status" -eq 3 ]
}
