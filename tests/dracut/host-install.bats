#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The administrator's path, in a sandbox copy of this host (tests/lib/sandbox):
# `make install`, then plain `dracut --regenerate-all` over two kernels on a
# Cruiser, and `dracut --add rpi-hardware` on a PC, with the installed dracut,
# the installed module and its default paths. The only dracut configuration
# added is for speed (zstd) and host-only images, as Debian hosts build them.

load ../lib/kernel
load ../lib/sandbox
load ../lib/refute

CRUISER=('exaviz,cruiser' 'raspberrypi,5-compute-module' 'brcm,bcm2712')
KVER2=6.1.99-rpitest

setup_file() {
	[[ $EUID -eq 0 ]] || skip "needs root for mount namespaces"
	kernel_prepare
	sandbox_init "$BATS_FILE_TMPDIR/sb"
	# Two kernels, the second one without rp1_pci.
	kernel_tree "$SANDBOX/root" "$KERNEL_ABI"
	kernel_tree "$SANDBOX/root" "$KVER2" metis
	: >"$SANDBOX/boot/vmlinuz-$KERNEL_ABI"
	: >"$SANDBOX/boot/vmlinuz-$KVER2"
	# The Cruiser's overlay where Exaviz's package puts it; the Metis overlay is
	# this package's own, which make install brings.
	mkdir -p "$SANDBOX/boot/firmware/overlays"
	printf '/dts-v1/;\n/plugin/;\n/ { fragment@0 { target-path = "/"; __overlay__ { %s { }; }; }; };\n' \
		cruiser | dtc -q -@ -I dts -O dtb -o "$SANDBOX/boot/firmware/overlays/cruiser-raspberrypi-cm5.dtbo" -
	sandbox_run -- make -s -C "$REPO" B="$BUILD_DIR" install >"$BATS_FILE_TMPDIR/install.log" 2>&1 || {
		cat "$BATS_FILE_TMPDIR/install.log" >&2
		return 1
	}
	# shellcheck disable=SC2016 # expanded in the sandbox
	sandbox_run -- sh -c 'printf "%s\n" "compress=\"zstd -T0 -3\"" "hostonly=yes" \
		>/etc/dracut.conf.d/90-rpi-hardware-test.conf'
}

setup() {
	[[ $EUID -eq 0 ]] || skip "needs root for mount namespaces"
}

dracut_modules_of() {
	lsinitrd -m "$1" 2>/dev/null | sed -n '/^dracut modules:/,/^=*$/p'
}

@test "make install puts module, helper, rules and ids where the module looks by default" {
	local mod=$SANDBOX_USR/lib/dracut/modules.d/95rpi-hardware f
	[ -x "$mod/module-setup.sh" ]
	# The paths are in the shared part, the module's copy and the other generators' alike.
	for f in "$mod/rpi-hardware-image.sh" "$SANDBOX_USR/lib/rpi-hardware/initramfs/image.sh"; do
		grep -qx 'rpi_hw_default_helper=/usr/sbin/overlay-slammer' "$f"
		grep -qx 'rpi_hw_default_rulesdir=/usr/lib/udev/rules.d' "$f"
		grep -qx 'rpi_hw_default_datadir=/usr/lib/rpi-hardware' "$f"
	done
	cmp "$mod/rpi-hardware-image.sh" "$SANDBOX_USR/lib/rpi-hardware/initramfs/image.sh"
	[ -x "$mod/rpi-hardware-boot.sh" ]
	[ -x "$SANDBOX_USR/sbin/overlay-slammer" ]
	cmp "$BUILD_DIR/rules/65-rpi-hardware.rules" "$SANDBOX_USR/lib/udev/rules.d/65-rpi-hardware.rules"
	cmp "$BUILD_DIR/rules/99-axelera-metis.rules" "$SANDBOX_USR/lib/udev/rules.d/99-axelera-metis.rules"
	cmp "$REPO/rules/hardware-ids" "$SANDBOX_USR/lib/rpi-hardware/hardware-ids"
	[ -f "$SANDBOX_ETC/rpi-hardware.conf" ]
}

@test "Cruiser: dracut --regenerate-all, no module flags, builds every kernel's image with it" {
	run sandbox_run "${CRUISER[@]}" -- dracut --regenerate-all --force
	[ "$status" -eq 0 ]
	local kver img
	for kver in "$KERNEL_ABI" "$KVER2"; do
		img=$SANDBOX/boot/initrd.img-$kver
		[ -f "$img" ]
		dracut_modules_of "$img" | grep -qx rpi-hardware
		lsinitrd "$img" | grep -q ' usr/sbin/overlay-slammer$'
		lsinitrd "$img" | grep -q ' usr/lib/rpi-hardware/overlays/axelera-metis.dtbo$'
		lsinitrd "$img" | grep -q ' usr/lib/udev/rules.d/65-rpi-hardware.rules$'
		lsinitrd "$img" | grep -q ' usr/lib/dracut/hooks/pre-udev/40-rpi-hardware-boot.sh$'
		lsinitrd "$img" | grep -q " usr/lib/modules/$kver/extra/metis.ko$"
		lsinitrd -f etc/rpi-hardware.conf "$img" | grep -q '^overlays=cruiser-raspberrypi-cm5,axelera-metis'
	done
	# The Metis overlay is the one make install put in /usr/lib/rpi-hardware/overlays.
	lsinitrd -f usr/lib/rpi-hardware/overlays/axelera-metis.dtbo "$SANDBOX/boot/initrd.img-$KERNEL_ABI" |
		cmp - "$BUILD_DIR/overlays/axelera-metis.dtbo"
	[[ $output == *"rpi-hardware: overlay axelera-metis from /usr/lib/rpi-hardware/overlays/axelera-metis.dtbo"* ]]
}

@test "a module the kernel lacks, and the seed's names: one warning each, and still an image" {
	# shellcheck disable=SC2016 # expanded in the sandbox
	sandbox_run -- sh -c 'cp /etc/rpi-hardware.conf /etc/rpi-hardware.conf.orig &&
		sed -i "s/^modules=.*/modules=axdevice,metis,rp1_pci,rp1_uart/" /etc/rpi-hardware.conf'
	run sandbox_run "${CRUISER[@]}" -- dracut --regenerate-all --force
	sandbox_run -- mv /etc/rpi-hardware.conf.orig /etc/rpi-hardware.conf
	[ "$status" -eq 0 ]
	lsinitrd "$SANDBOX/boot/initrd.img-$KERNEL_ABI" | grep -q "/extra/rp1_pci.ko$"
	[[ $(lsinitrd "$SANDBOX/boot/initrd.img-$KVER2") != *rp1_pci.ko* ]]
	lsinitrd "$SANDBOX/boot/initrd.img-$KVER2" | grep -q "/extra/metis.ko$"
	[[ $output == *"rpi-hardware: kernel module 'rp1_pci' not found for kernel $KVER2; the image is built without it"* ]]
	[[ $output != *"rp1_pci' not found for kernel $KERNEL_ABI"* ]]
	[[ $output == *"rpi-hardware: /etc/rpi-hardware.conf line "*": module axdevice is Axelera's command-line tool, not a kernel module: the driver is metis; left out"* ]]
	[[ $output == *"module rp1_uart is in no kernel"* ]]
	[[ $output != *"kernel module 'axdevice' not found"* && $output != *"kernel module 'rp1_uart' not found"* ]]
}

@test "Axelera's own 72-axelera.rules goes into the image with the sh and sed its program runs" {
	local img=$SANDBOX/boot/vendor-rules.img
	cp "$REPO/tests/dracut/fixtures/72-axelera.rules" "$SANDBOX_USR/lib/udev/rules.d/"
	run sandbox_run "${CRUISER[@]}" -- dracut --force --no-kernel --kver "$KERNEL_ABI" /boot/vendor-rules.img
	rm -f "$SANDBOX_USR/lib/udev/rules.d/72-axelera.rules"
	[ "$status" -eq 0 ]
	lsinitrd -f usr/lib/udev/rules.d/72-axelera.rules "$img" | cmp - "$REPO/tests/dracut/fixtures/72-axelera.rules"
	lsinitrd "$img" | grep -Eq ' (usr/)?bin/sed( -> .*)?$'
	lsinitrd "$img" | grep -Eq ' (usr/)?bin/sh( -> .*)?$'
}

@test "PC: left out of a plain build; dracut --force --add rpi-hardware puts it in" {
	run sandbox_run -- dracut --force --no-kernel --kver "$KERNEL_ABI" /boot/pc.img
	[ "$status" -eq 0 ]
	refute grep -qx rpi-hardware <<<"$(dracut_modules_of "$SANDBOX/boot/pc.img")"
	run sandbox_run -- dracut --force --add rpi-hardware --kver "$KERNEL_ABI" /boot/pc-add.img
	[ "$status" -eq 0 ]
	dracut_modules_of "$SANDBOX/boot/pc-add.img" | grep -qx rpi-hardware
	lsinitrd "$SANDBOX/boot/pc-add.img" | grep -q ' usr/sbin/overlay-slammer$'
}

@test "rules regenerated from an edited table into /etc replace the packaged ones in the image" {
	# shellcheck disable=SC2016 # expanded in the sandbox
	run sandbox_run -- sh -c '
		mkdir -p /etc/rpi-hardware
		cp /usr/lib/rpi-hardware/hardware-ids /etc/rpi-hardware/hardware-ids
		echo "metis 0x1abc any axelera%m a new board revision" >>/etc/rpi-hardware/hardware-ids
		/usr/lib/rpi-hardware/gen-rules link /etc/rpi-hardware/hardware-ids \
			>/etc/udev/rules.d/65-rpi-hardware.rules &&
		dracut --force --no-kernel --add rpi-hardware --kver "$1" /boot/etc-rules.img' _ "$KERNEL_ABI"
	[ "$status" -eq 0 ]
	run lsinitrd -f usr/lib/udev/rules.d/65-rpi-hardware.rules "$SANDBOX/boot/etc-rules.img"
	[[ $output == *'ATTRS{vendor}=="0x1abc"'* ]]
	run lsinitrd -f etc/rpi-hardware/hardware-ids "$SANDBOX/boot/etc-rules.img"
	[[ $output == *"0x1abc"* ]]
	rm -rf "$SANDBOX_ETC/rpi-hardware" "$SANDBOX_ETC/udev/rules.d/65-rpi-hardware.rules"
}

@test "make uninstall takes the module, the rules and the ids away again" {
	run sandbox_run -- make -s -C "$REPO" B="$BUILD_DIR" uninstall
	[ "$status" -eq 0 ]
	[ ! -e "$SANDBOX_USR/lib/dracut/modules.d/95rpi-hardware/module-setup.sh" ]
	[ -z "$(find "$SANDBOX_USR/lib/dracut/modules.d" -type f 2>/dev/null)" ]
	[ ! -e "$SANDBOX_USR/lib/udev/rules.d/65-rpi-hardware.rules" ]
	[ ! -e "$SANDBOX_USR/lib/udev/rules.d/99-axelera-metis.rules" ]
	[ ! -e "$SANDBOX_USR/lib/rpi-hardware/hardware-ids" ]
	[ ! -e "$SANDBOX_USR/lib/rpi-hardware/gen-rules" ]
	run sandbox_run "${CRUISER[@]}" -- dracut --force --add rpi-hardware --kver "$KERNEL_ABI" /boot/gone.img
	[ "$status" -ne 0 ]
}
