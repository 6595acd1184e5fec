#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# What tests/vm-of needs of a kernel, read from its config: the suite skips
# with one line naming what is missing, and runs only when nothing is
# (of_kernel_lacks in of.bash). No boot, no download.

setup() {
	export BUILD_DIR=${RPI_HW_ARM64_BUILD:-$REPO/build/aarch64}
	load of
	CONFIG=$BATS_TEST_TMPDIR/config
	printf '%s\n' CONFIG_OF_OVERLAY=y CONFIG_OF_DYNAMIC=y CONFIG_PCI_HOST_GENERIC=y \
		CONFIG_CONFIGFS_FS=m >"$CONFIG"
}

@test "a config with the overlay engine, dynamic OF, the generic PCI host and configfs: nothing lacks" {
	run of_kernel_lacks "$CONFIG"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "no CONFIG_OF_OVERLAY (Debian 12's and 13's own kernels): named" {
	sed -i 's/^CONFIG_OF_OVERLAY=y$/# CONFIG_OF_OVERLAY is not set/' "$CONFIG"
	run of_kernel_lacks "$CONFIG"
	[ "$output" = "its config lacks CONFIG_OF_OVERLAY=y (the kernel's overlay engine and what this boot needs of it)" ]
}

@test "configfs built in counts; configfs and the PCI host missing are both named" {
	sed -i 's/^CONFIG_CONFIGFS_FS=m$/CONFIG_CONFIGFS_FS=y/' "$CONFIG"
	run of_kernel_lacks "$CONFIG"
	[ -z "$output" ]
	sed -i -e '/^CONFIG_CONFIGFS_FS=/d' -e 's/^CONFIG_PCI_HOST_GENERIC=y$/CONFIG_PCI_HOST_GENERIC=m/' "$CONFIG"
	run of_kernel_lacks "$CONFIG"
	[[ $output == *"CONFIG_PCI_HOST_GENERIC=y"* && $output == *"CONFIG_CONFIGFS_FS"* ]]
}

@test "no config at all: named" {
	run of_kernel_lacks "$BATS_TEST_TMPDIR/none"
	[[ $output == "its config ($BATS_TEST_TMPDIR/none) is missing" ]]
}
