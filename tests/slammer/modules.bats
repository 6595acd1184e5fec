#!/usr/bin/env bats
# run-with: asan
# run-with: aarch64
# Module loading with libkmod on a fake module tree. Under --sysroot nothing is
# inserted: libkmod resolves each module and its dependencies, which are logged.

load helper
load ../lib/refute

setup_file() {
	compile_fixtures
}

setup() {
	setup_root
	make_module_tree
	cmdline rd.rpi_hw.overlays=
}

@test "the default module list loads Axelera's driver, metis" {
	slam boot
	[[ "$output" == *"would load module metis (not the running system)"* ]]
	[ "$(printf '%s\n' "$output" | grep -c 'would load module')" -eq 1 ]
}

@test "modules are resolved in order, dependencies first" {
	cmdline rd.rpi_hw.overlays= rd.rpi_hw.modules=metis,rpihw_dep_user
	slam boot
	[[ "$output" == *"would load module metis (not the running system)"*"would load module rp1_pci"*"would load module rpihw_dep_user"* ]]
	[ "$(printf '%s\n' "$output" | grep -c 'would load module rp1_pci')" -eq 1 ]
}

@test "the seed's axdevice and rp1_uart are left out with one line each saying what they are" {
	cmdline rd.rpi_hw.overlays= rd.rpi_hw.modules=axdevice,rp1_uart,metis
	slam boot
	[ "$status" -eq 3 ]
	[[ "$output" == *"kernel command line: rd.rpi_hw.modules: module axdevice is Axelera's command-line tool, not a kernel module: the driver is metis; left out"* ]]
	[[ "$output" == *"kernel command line: rd.rpi_hw.modules: module rp1_uart is in no kernel: RP1's UARTs are PL011 ones (amba-pl011), which need no module of their own; left out"* ]]
	[[ "$output" == *"would load module metis"* ]]
	[[ "$output" != *"module axdevice not found"* && "$output" != *"module rp1_uart not found"* ]]
	# The same from the configuration file, naming its line.
	printf 'modules=axdevice,rp1_pci\n' >"$ROOT/etc/rpi-hardware.conf"
	cmdline rd.rpi_hw.overlays=
	slam boot
	[[ "$output" == *"/etc/rpi-hardware.conf line 1: module axdevice is Axelera's command-line tool"*"; left out"* ]]
	[[ "$output" == *"would load module rp1_pci"* ]]
	slam config modules
	[ "$output" = "rp1_pci" ] || [[ "$output" == *$'\nrp1_pci' ]]
}

@test "a missing module is a warning naming it and the kernel; boot goes on" {
	cmdline rd.rpi_hw.overlays= rd.rpi_hw.modules=nosuchmod,rp1_pci
	slam boot
	[[ "$output" == *"module nosuchmod not found for kernel 6.1.0-test: install its package and rebuild the initramfs"* ]]
	[[ "$output" == *"would load module rp1_pci"* ]]
}

@test "dashes and underscores name the same module" {
	cmdline rd.rpi_hw.overlays= rd.rpi_hw.modules=rp1-pci
	slam boot
	[[ "$output" == *"would load module rp1_pci"* ]]
}

@test "an already loaded module is left alone" {
	cmdline rd.rpi_hw.overlays= rd.rpi_hw.modules=metis,rp1_pci
	module_loaded metis
	slam boot
	[[ "$output" == *"module metis already loaded"* ]]
	[[ "$output" != *"would load module metis"* ]]
	slam status
	[[ "$output" == *"module   metis                    loaded"* ]]
	[[ "$output" == *"module   rp1_pci                  not loaded"* ]]
}

@test "a built-in module counts as present" {
	cmdline rd.rpi_hw.overlays= rd.rpi_hw.modules=rp1_pci
	mkdir -p "$ROOT/sys/module/rp1_pci"
	slam status
	[[ "$output" == *"module   rp1_pci                  builtin"* ]]
	slam boot
	[[ "$output" == *"module rp1_pci already loaded"* ]]
}

@test "blacklists on the kernel command line are honoured, all three spellings" {
	local opt
	for opt in module_blacklist=metis modprobe.blacklist=metis rd.driver.blacklist=foo,metis; do
		cmdline rd.rpi_hw.overlays= rd.rpi_hw.modules=metis,rp1_pci "$opt"
		slam boot
		[[ "$output" == *"module metis is blacklisted; not loaded"* ]]
		[[ "$output" != *"would load module metis"* ]]
		[[ "$output" == *"would load module rp1_pci"* ]]
	done
	slam status
	[[ "$output" == *"module   metis                    blacklisted"* ]]
	cmdline rd.rpi_hw.overlays= rd.rpi_hw.modules=metis,rp1_pci modprobe.blacklist=rp1-pci
	slam boot
	[[ "$output" == *"module rp1_pci is blacklisted; not loaded"* ]]
}

@test "a blacklist in modprobe.d is honoured" {
	mkdir -p "$ROOT/etc/modprobe.d"
	echo "blacklist metis" >"$ROOT/etc/modprobe.d/test.conf"
	slam boot
	[[ "$output" == *"module metis is blacklisted; not loaded"* ]]
}

@test "a name that resolves to several modules loads each of them, as modprobe does" {
	mkdir -p "$ROOT/etc/modprobe.d"
	printf 'alias rpihw_both metis\nalias rpihw_both rp1_pci\n' >"$ROOT/etc/modprobe.d/test.conf"
	cmdline rd.rpi_hw.overlays= rd.rpi_hw.modules=rpihw_both
	slam boot
	[[ "$output" == *"would load module metis (not the running system)"* ]]
	[[ "$output" == *"would load module rp1_pci (not the running system)"* ]]
}

@test "the helper's libkmod reads /etc/modprobe.d, not /usr/etc/modprobe.d" {
	# libkmod's compiled-in configuration paths start at its SYSCONFDIR: a static
	# libkmod configured with --prefix=/usr alone reads /usr/etc/modprobe.d on
	# the running system, and so misses dracut's and the administrator's files.
	run strings "$SLAMMER"
	[ "$status" -eq 0 ]
	refute grep -qx /usr/etc/modprobe.d <<<"$output"
}

@test "an install command in modprobe.d is never run" {
	mkdir -p "$ROOT/etc/modprobe.d"
	echo "install metis /bin/touch $BATS_TEST_TMPDIR/ran" >"$ROOT/etc/modprobe.d/test.conf"
	slam boot
	[ ! -e "$BATS_TEST_TMPDIR/ran" ]
}

@test "no module tree at all: one error, overlays still tried" {
	rm -rf "$ROOT/lib/modules"
	cmdline
	slam boot
	[[ "$output" == *"module metis not found for kernel 6.1.0-test"* ]]
	[[ "$output" == *"no configfs overlay interface"* ]]
	[ "$status" -eq 3 ]
}
