#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Which path each kernel takes, decided at image build time from that kernel's
# configuration: the configfs overlay interface (Raspberry Pi kernels) or a DTB
# merged ahead of boot (mainline kernels). Real dracut builds over two fake
# kernels made from the test kernel's module tree, one configuration each.

load ../lib/dracut
load ../lib/refute

RPI_KVER=6.1.99-rpitest-v8
MAINLINE_KVER=6.1.99-rpitest-mainline

setup_file() {
	[[ -x $BUILD_DIR/overlay-slammer ]] || {
		echo "no $BUILD_DIR/overlay-slammer: run make first" >&2
		return 1
	}
	kernel_prepare
	dracut_workspace "$BATS_FILE_TMPDIR/ws"
	local root=$BATS_FILE_TMPDIR/kernels
	kernel_tree "$root" "$RPI_KVER" >/dev/null
	kernel_tree "$root" "$MAINLINE_KVER" >/dev/null
	printf '%s\n' CONFIG_OF=y CONFIG_OF_OVERLAY=y CONFIG_OF_CONFIGFS=y CONFIG_CONFIGFS_FS=y \
		>"$root/lib/modules/$RPI_KVER/config"
	printf '%s\n' CONFIG_OF=y CONFIG_OF_OVERLAY=y CONFIG_CONFIGFS_FS=m \
		>"$root/lib/modules/$MAINLINE_KVER/config"
	local kver
	for kver in "$RPI_KVER" "$MAINLINE_KVER"; do
		dracut_image "$BATS_FILE_TMPDIR/$kver.img" "$kver" "$root/lib/modules/$kver" \
			--no-hostonly -m "base rpi-hardware"
	done
	export KROOT=$root
}

@test "a kernel with the configfs overlay interface: the runtime path, logged once" {
	local log=$BATS_FILE_TMPDIR/$RPI_KVER.img.log
	[ "$(grep -c "rpi-hardware: kernel $RPI_KVER: configfs overlays (runtime path)" "$log")" -eq 1 ]
	refute grep -q "merged-DTB path" "$log"
}

@test "a kernel without it: the merged-DTB path, logged once" {
	local log=$BATS_FILE_TMPDIR/$MAINLINE_KVER.img.log
	[ "$(grep -c "rpi-hardware: kernel $MAINLINE_KVER: no configfs overlay interface: merged-DTB path" "$log")" -eq 1 ]
	refute grep -q "runtime path" "$log"
}

@test "the merged-DTB path warns when nothing installed would give the bootloader that DTB" {
	local f
	for f in /usr/lib/kernel/install.d/91-rpi-hardware-dtb.install \
		/etc/kernel/install.d/91-rpi-hardware-dtb.install /etc/grub.d/09_rpi_hardware_dtb; do
		[[ -x $f ]] && skip "this host has $f installed"
	done
	grep -q "rpi-hardware: kernel $MAINLINE_KVER needs a DTB with the overlays merged, and neither the kernel-install plugin nor the GRUB snippet of rpi-hardware is installed" \
		"$BATS_FILE_TMPDIR/$MAINLINE_KVER.img.log"
	refute grep -q "needs a DTB with the overlays merged" "$BATS_FILE_TMPDIR/$RPI_KVER.img.log"
}

@test "both images carry the helper and the overlays: the helper checks the live tree at boot" {
	local kver
	for kver in "$RPI_KVER" "$MAINLINE_KVER"; do
		image_has "$BATS_FILE_TMPDIR/$kver.img" usr/sbin/overlay-slammer
		image_has "$BATS_FILE_TMPDIR/$kver.img" usr/lib/rpi-hardware/overlays/axelera-metis.dtbo
	done
}

@test "the configuration in the headers counts; none at all is said so" {
	local kver=6.1.99-rpitest-noconfig img
	kernel_tree "$KROOT" "$kver" >/dev/null
	img=$BATS_TEST_TMPDIR/n.img
	dracut_image "$img" "$kver" "$KROOT/lib/modules/$kver" --no-hostonly -m "base rpi-hardware"
	grep -q "rpi-hardware: kernel $kver: no kernel configuration found" "$img.log"
	mkdir -p "$KROOT/lib/modules/$kver/build"
	printf '%s\n' CONFIG_OF=y CONFIG_OF_OVERLAY=y CONFIG_OF_CONFIGFS=y \
		>"$KROOT/lib/modules/$kver/build/.config"
	dracut_image "$img" "$kver" "$KROOT/lib/modules/$kver" --no-hostonly -m "base rpi-hardware"
	grep -q "rpi-hardware: kernel $kver: configfs overlays (runtime path)" "$img.log"
}
