#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Real dracut builds with 95rpi-hardware from the working tree against Debian's
# kernel module tree plus the test modules; lsinitrd shows what went in.

load ../lib/dracut
load ../lib/refute

setup_file() {
	[[ -x $BUILD_DIR/overlay-slammer ]] || {
		echo "no $BUILD_DIR/overlay-slammer: run make first" >&2
		return 1
	}
	kernel_prepare
	dracut_workspace "$BATS_FILE_TMPDIR/ws"
	TREE=$(kernel_cached_tree "$KERNEL_ABI")
	export TREE
	KMODDIR=$TREE/lib/modules/$KERNEL_ABI
	export KMODDIR

	# The image most tests read: classic shell initramfs, generic.
	IMG=$BATS_FILE_TMPDIR/classic.img
	dracut_image "$IMG" "$KERNEL_ABI" "$KMODDIR" --no-hostonly \
		-m "base udev-rules rpi-hardware"
	image_unpack "$IMG" "$BATS_FILE_TMPDIR/classic"
	export IMG UNPACKED=$BATS_FILE_TMPDIR/classic
}

@test "the image carries the helper, statically linked" {
	image_has "$IMG" usr/sbin/overlay-slammer
	run file -L "$UNPACKED/usr/sbin/overlay-slammer"
	[[ $output == *"statically linked"* || $output == *"static-pie linked"* ]]
}

@test "the image carries the build host's configuration" {
	run lsinitrd -f etc/rpi-hardware.conf "$IMG"
	[ "$status" -eq 0 ]
	[[ $output == *"overlays = cruiser-raspberrypi-cm5, axelera-metis"* ]]
}

@test "the overlays are embedded and the build log says where each came from" {
	image_has "$IMG" usr/lib/rpi-hardware/overlays/cruiser-raspberrypi-cm5.dtbo
	image_has "$IMG" usr/lib/rpi-hardware/overlays/axelera-metis.dtbo
	cmp "$DW/overlays/axelera-metis.dtbo" "$UNPACKED/usr/lib/rpi-hardware/overlays/axelera-metis.dtbo"
	grep -q "rpi-hardware: overlay axelera-metis from $DW/overlays/axelera-metis.dtbo" "$IMG.log"
	# No checksum manifest: the image's compression checks the archive (docs/security.md).
	refute image_has "$IMG" usr/lib/rpi-hardware/overlays/SHA256SUMS
}

@test "the configured kernel modules and configfs are in the image and its modules.dep" {
	local m
	for m in metis rp1_pci; do
		image_has "$IMG" "usr/lib/modules/$KERNEL_ABI/extra/$m.ko"
		grep -q "^extra/$m.ko:" "$UNPACKED/usr/lib/modules/$KERNEL_ABI/modules.dep"
	done
	image_has "$IMG" "usr/lib/modules/$KERNEL_ABI/kernel/fs/configfs/configfs.ko"
}

@test "the udev rules are the generated ones, in the initramfs rules directory" {
	local rules
	rules=$(find "$UNPACKED/usr/lib/udev/rules.d" "$UNPACKED/etc/udev/rules.d" \
		-name 65-rpi-hardware.rules 2>/dev/null)
	[ -n "$rules" ]
	cmp "$BUILD_DIR/rules/65-rpi-hardware.rules" "$rules"
	[ -z "$(find "$UNPACKED" -name 99-axelera-metis.rules)" ]
}

@test "the group the rules use is in the image's /etc/group" {
	run grep -E '^render:x:[0-9]+:' "$UNPACKED/etc/group"
	[ "$status" -eq 0 ]
}

@test "a group missing on the build host stays out of the image: no made-up ID, a warning saying udev ignores it" {
	local ws=$BATS_TEST_TMPDIR rules=$BATS_TEST_TMPDIR/rules
	mkdir -p "$rules"
	sed 's/GROUP="render"/GROUP="rpihwtestgrp"/' "$BUILD_DIR/rules/65-rpi-hardware.rules" \
		>"$rules/65-rpi-hardware.rules"
	conf_copy "$ws"
	echo "rpi_hw_rulesdir=$rules" >>"$RH_DRACUT_CONF"
	dracut_image "$ws/g.img" "$KERNEL_ABI" "$KMODDIR" --no-hostonly -m "base rpi-hardware"
	run lsinitrd -f etc/group "$ws/g.img"
	[[ ! $output =~ (^|$'\n')rpihwtestgrp: ]]
	grep -q "group 'rpihwtestgrp' is not on the build host: udev in the initramfs ignores GROUP=\"rpihwtestgrp\"" "$ws/g.img.log"
	# The rules go in as they are: udev drops the GROUP= itself.
	run lsinitrd -f usr/lib/udev/rules.d/65-rpi-hardware.rules "$ws/g.img"
	[[ $output == *'GROUP="rpihwtestgrp"'* ]]
}

@test "a group the build host has is copied with its ID, without its members" {
	local rules=$BATS_TEST_TMPDIR/rules want
	want=$(grep -m1 '^staff:' /etc/group | cut -d: -f1-3) || skip "no group staff here"
	mkdir -p "$rules"
	sed 's/GROUP="render"/GROUP="staff"/' "$BUILD_DIR/rules/65-rpi-hardware.rules" \
		>"$rules/65-rpi-hardware.rules"
	conf_copy "$BATS_TEST_TMPDIR"
	echo "rpi_hw_rulesdir=$rules" >>"$RH_DRACUT_CONF"
	dracut_image "$BATS_TEST_TMPDIR/s.img" "$KERNEL_ABI" "$KMODDIR" --no-hostonly -m "base rpi-hardware"
	run lsinitrd -f etc/group "$BATS_TEST_TMPDIR/s.img"
	[[ $output =~ (^|$'\n')"$want:"($'\n'|$) ]]
}

@test "the hooks are installed: pre-udev, pre-mount and emergency, with their library" {
	local h=usr/lib/dracut/hooks
	image_has "$IMG" "$h/pre-udev/40-rpi-hardware-boot.sh"
	image_has "$IMG" "$h/pre-mount/10-rpi-hardware-wait.sh"
	image_has "$IMG" "$h/emergency/50-rpi-hardware-emergency.sh"
	image_has "$IMG" usr/lib/rpi-hardware/boot.sh
	image_has "$IMG" usr/lib/rpi-hardware-dracut.sh
	# The classic init runs them.
	grep -q 'source_hook pre-udev' "$UNPACKED/init"
	grep -q 'source_hook pre-mount' "$UNPACKED/init"
}

@test "the image carries the hardware-ids table" {
	cmp "$REPO/rules/hardware-ids" "$UNPACKED/usr/lib/rpi-hardware/hardware-ids"
}

@test "bash is not pulled in: the module does not depend on it" {
	grep -qx rpi-hardware "$UNPACKED/usr/lib/dracut/modules.txt"
	refute grep -qx bash "$UNPACKED/usr/lib/dracut/modules.txt"
}

@test "a module missing from the kernel tree is a warning naming it and the kernel; the image builds" {
	conf_copy "$BATS_TEST_TMPDIR"
	sed -i 's/^modules=.*/modules="metis,no_such_mod,rp1_pci"/' "$RH_CONF"
	run dracut_image "$BATS_TEST_TMPDIR/m.img" "$KERNEL_ABI" "$KMODDIR" --no-hostonly \
		-m "base rpi-hardware"
	[ "$status" -eq 0 ]
	grep -q "kernel module 'no_such_mod' not found for kernel $KERNEL_ABI" "$BATS_TEST_TMPDIR/m.img.log"
	image_has "$BATS_TEST_TMPDIR/m.img" "usr/lib/modules/$KERNEL_ABI/extra/metis.ko"
	image_has "$BATS_TEST_TMPDIR/m.img" "usr/lib/modules/$KERNEL_ABI/extra/rp1_pci.ko"
}

@test "the seed's module names: one line each at image build saying what they are, nothing looked up" {
	conf_copy "$BATS_TEST_TMPDIR"
	sed -i 's/^modules=.*/modules="axdevice,rp1_uart,metis"/' "$RH_CONF"
	run dracut_image "$BATS_TEST_TMPDIR/s.img" "$KERNEL_ABI" "$KMODDIR" --no-hostonly \
		-m "base rpi-hardware"
	[ "$status" -eq 0 ]
	grep -q "rpi-hardware: $RH_CONF line [0-9]*: module axdevice is Axelera's command-line tool, not a kernel module: the driver is metis; left out" \
		"$BATS_TEST_TMPDIR/s.img.log"
	grep -q "rpi-hardware: $RH_CONF line [0-9]*: module rp1_uart is in no kernel" "$BATS_TEST_TMPDIR/s.img.log"
	[ "$(grep -c "module axdevice is Axelera's" "$BATS_TEST_TMPDIR/s.img.log")" -eq 1 ]
	refute grep -q "kernel module 'axdevice' not found" "$BATS_TEST_TMPDIR/s.img.log"
	image_has "$BATS_TEST_TMPDIR/s.img" "usr/lib/modules/$KERNEL_ABI/extra/metis.ko"
}

@test "the seed's overlay name: a file called exaviz-cruiser.dtbo is found for cruiser-raspberrypi-cm5" {
	local ov=$BATS_TEST_TMPDIR/ov
	conf_copy "$BATS_TEST_TMPDIR"
	make_overlay "$ov" exaviz-cruiser
	make_overlay "$ov" axelera-metis
	sed -i "s|^overlay_dirs=.*|overlay_dirs=$ov|" "$RH_CONF"
	run dracut_image "$BATS_TEST_TMPDIR/a.img" "$KERNEL_ABI" "$KMODDIR" --no-hostonly \
		-m "base rpi-hardware"
	[ "$status" -eq 0 ]
	grep -q "rpi-hardware: overlay cruiser-raspberrypi-cm5 from $ov/exaviz-cruiser.dtbo (its other name)" \
		"$BATS_TEST_TMPDIR/a.img.log"
	image_unpack "$BATS_TEST_TMPDIR/a.img" "$BATS_TEST_TMPDIR/a"
	cmp "$ov/exaviz-cruiser.dtbo" "$BATS_TEST_TMPDIR/a/usr/lib/rpi-hardware/overlays/cruiser-raspberrypi-cm5.dtbo"
}

@test "an overlay missing from every search directory is a warning; the image builds without it" {
	local ov=$BATS_TEST_TMPDIR/ov
	conf_copy "$BATS_TEST_TMPDIR"
	make_overlay "$ov" cruiser-raspberrypi-cm5
	sed -i "s|^overlay_dirs=.*|overlay_dirs=$DW/no-such-dir $ov|" "$RH_CONF"
	run dracut_image "$BATS_TEST_TMPDIR/o.img" "$KERNEL_ABI" "$KMODDIR" --no-hostonly \
		-m "base rpi-hardware"
	[ "$status" -eq 0 ]
	grep -q "overlay axelera-metis.dtbo not found in $DW/no-such-dir $ov" \
		"$BATS_TEST_TMPDIR/o.img.log"
	image_has "$BATS_TEST_TMPDIR/o.img" usr/lib/rpi-hardware/overlays/cruiser-raspberrypi-cm5.dtbo
	refute image_has "$BATS_TEST_TMPDIR/o.img" usr/lib/rpi-hardware/overlays/axelera-metis.dtbo
}

@test "an overlay the helper rejects is a warning and stays out of the image" {
	local ov=$BATS_TEST_TMPDIR/ov
	conf_copy "$BATS_TEST_TMPDIR"
	make_overlay "$ov" cruiser-raspberrypi-cm5
	echo "not a device tree" >"$ov/axelera-metis.dtbo"
	sed -i "s|^overlay_dirs=.*|overlay_dirs=$ov|" "$RH_CONF"
	run dracut_image "$BATS_TEST_TMPDIR/v.img" "$KERNEL_ABI" "$KMODDIR" --no-hostonly \
		-m "base rpi-hardware"
	[ "$status" -eq 0 ]
	grep -q "rpi-hardware: overlay $ov/axelera-metis.dtbo does not validate (.*); the image is built without it" \
		"$BATS_TEST_TMPDIR/v.img.log"
	image_has "$BATS_TEST_TMPDIR/v.img" usr/lib/rpi-hardware/overlays/cruiser-raspberrypi-cm5.dtbo
	refute image_has "$BATS_TEST_TMPDIR/v.img" usr/lib/rpi-hardware/overlays/axelera-metis.dtbo
}

@test "an earlier search directory wins over a later one" {
	local early=$BATS_TEST_TMPDIR/early
	# Same name, different content: the early one must be the one embedded.
	make_overlay "$early" cruiser-raspberrypi-cm5 early-copy
	refute cmp -s "$early/cruiser-raspberrypi-cm5.dtbo" "$DW/overlays/cruiser-raspberrypi-cm5.dtbo"
	conf_copy "$BATS_TEST_TMPDIR"
	sed -i "s|^overlay_dirs=.*|overlay_dirs=$early $DW/overlays|" "$RH_CONF"
	run dracut_image "$BATS_TEST_TMPDIR/e.img" "$KERNEL_ABI" "$KMODDIR" --no-hostonly \
		-m "base rpi-hardware"
	[ "$status" -eq 0 ]
	image_unpack "$BATS_TEST_TMPDIR/e.img" "$BATS_TEST_TMPDIR/e"
	cmp "$early/cruiser-raspberrypi-cm5.dtbo" "$BATS_TEST_TMPDIR/e/usr/lib/rpi-hardware/overlays/cruiser-raspberrypi-cm5.dtbo"
	cmp "$DW/overlays/axelera-metis.dtbo" "$BATS_TEST_TMPDIR/e/usr/lib/rpi-hardware/overlays/axelera-metis.dtbo"
}

@test "host-only images carry the configured modules too (sloppy host-only mode)" {
	run dracut_image "$BATS_TEST_TMPDIR/h.img" "$KERNEL_ABI" "$KMODDIR" --hostonly \
		-m "base rpi-hardware"
	[ "$status" -eq 0 ]
	image_has "$BATS_TEST_TMPDIR/h.img" "usr/lib/modules/$KERNEL_ABI/extra/metis.ko"
	image_has "$BATS_TEST_TMPDIR/h.img" usr/sbin/overlay-slammer
}

@test "systemd initramfs: dracut-systemd comes along and its units run the hooks" {
	local img=$BATS_TEST_TMPDIR/sd.img dir=$BATS_TEST_TMPDIR/sd unit
	dracut_image "$img" "$KERNEL_ABI" "$KMODDIR" --no-hostonly \
		-m "systemd base udev-rules rpi-hardware"
	image_unpack "$img" "$dir"
	grep -qx dracut-systemd "$dir/usr/lib/dracut/modules.txt"
	grep -qx systemd "$dir/usr/lib/dracut/modules.txt"
	for unit in dracut-pre-udev dracut-pre-mount; do
		[ -e "$dir/etc/systemd/system/initrd.target.wants/$unit.service" ] ||
			[ -e "$dir/usr/lib/systemd/system/initrd.target.wants/$unit.service" ]
		grep -q "^ExecStart=.*/bin/$unit" "$dir/usr/lib/systemd/system/$unit.service"
	done
	grep -q 'source_hook pre-udev' "$dir/usr/bin/dracut-pre-udev"
	grep -q 'source_hook pre-mount' "$dir/usr/bin/dracut-pre-mount"
	# The pre-udev unit runs before udevd, and only when its hook directory has a hook.
	grep -q '^Before=systemd-udevd.service' "$dir/usr/lib/systemd/system/dracut-pre-udev.service"
	grep -q '^ConditionDirectoryNotEmpty=|/lib/dracut/hooks/pre-udev' \
		"$dir/usr/lib/systemd/system/dracut-pre-udev.service"
	[ -e "$dir/usr/lib/dracut/hooks/pre-udev/40-rpi-hardware-boot.sh" ]
	[ -e "$dir/usr/lib/dracut/hooks/pre-mount/10-rpi-hardware-wait.sh" ]
	[ -x "$dir/usr/lib/systemd/systemd-udevd" ]
	[ -e "$dir/usr/lib/systemd/system/systemd-udevd.service" ]
	grep -qE '^render:x:[0-9]+:' "$dir/etc/group"
}

@test "the hooks are POSIX sh: dash parses them" {
	local f
	for f in "$REPO"/modules.d/95rpi-hardware/rpi-hardware-{boot,wait,emergency,dracut,lib}.sh; do
		dash -n "$f"
	done
}
