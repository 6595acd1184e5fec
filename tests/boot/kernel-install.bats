#!/usr/bin/env bats
# run-with: asan
# The kernel-install plugin, run by the real kernel-install (systemd's, with its
# own 90-loaderentry.install) against a fake $BOOT: add writes the merged DTB next
# to the kernel and the devicetree line into the Boot Loader Spec entry; remove
# takes it away again.

load helper
load ../lib/refute

MID=0123456789abcdef0123456789abcdef
KVER=6.12.9-200.fc41.aarch64

setup_file() {
	command -v kernel-install >/dev/null || skip "kernel-install (systemd) is not installed"
	[[ -x /usr/lib/kernel/install.d/90-loaderentry.install ]] || skip "no 90-loaderentry.install"
	compile_boot_fixtures
}

setup() {
	new_system
	BOOT=$BATS_TEST_TMPDIR/boot
	CONF=$BATS_TEST_TMPDIR/kernel-conf
	mkdir -p "$BOOT" "$CONF"
	echo layout=bls >"$CONF/install.conf"
	echo "root=/dev/vda2 ro" >"$CONF/cmdline"
	ENTRY=$BOOT/loader/entries/$MID-$KVER.conf
	ENTRY_DIR=$BOOT/$MID/$KVER
}

# kinst ARGS: kernel-install with this $BOOT, machine ID and configuration, and
# only the plugins named in PLUGINS (default: the loader entry, then ours).
kinst() {
	run env BOOT_ROOT="$BOOT" MACHINE_ID=$MID KERNEL_INSTALL_CONF_ROOT="$CONF" \
		KERNEL_INSTALL_PLUGINS="${PLUGINS:-/usr/lib/kernel/install.d/90-loaderentry.install $PLUGIN}" \
		kernel-install "$@"
}

# The path as the entry names it: relative to the file system holding $BOOT.
entry_path() {
	local mnt
	mnt=$(stat -c %m "$BOOT")
	[[ $mnt == / ]] && echo "$1" || echo "${1#"$mnt"}"
}

@test "add: merged DTB next to the kernel, devicetree line in the entry; remove: both gone" {
	fake_kernel "$KVER" mainline fedora
	kinst add "$KVER" "$SYS/boot/vmlinuz-$KVER"
	echo "$output"
	[ "$status" -eq 0 ]
	[ -f "$ENTRY_DIR/linux" ]
	expected_dtb "$BATS_TEST_TMPDIR/want.dtb"
	cmp "$ENTRY_DIR/rpi-hardware-$KVER.dtb" "$BATS_TEST_TMPDIR/want.dtb"
	grep -qx "devicetree $(entry_path "$ENTRY_DIR")/rpi-hardware-$KVER.dtb" "$ENTRY"
	grep -qx "linux      $(entry_path "$ENTRY_DIR")/linux" "$ENTRY"
	[ "$(grep -c '^devicetree' "$ENTRY")" -eq 1 ]

	kinst remove "$KVER"
	[ "$status" -eq 0 ]
	[ ! -e "$ENTRY" ]
	[ ! -e "$ENTRY_DIR" ]
	[ -z "$(find "$BOOT" -name '*.dtb')" ]
}

@test "add twice: one devicetree line, the same DTB" {
	fake_kernel "$KVER" mainline fedora
	kinst add "$KVER" "$SYS/boot/vmlinuz-$KVER"
	cp "$ENTRY_DIR/rpi-hardware-$KVER.dtb" "$BATS_TEST_TMPDIR/first.dtb"
	PLUGINS=$PLUGIN kinst add "$KVER" "$SYS/boot/vmlinuz-$KVER"
	[ "$status" -eq 0 ]
	[ "$(grep -c '^devicetree' "$ENTRY")" -eq 1 ]
	cmp "$ENTRY_DIR/rpi-hardware-$KVER.dtb" "$BATS_TEST_TMPDIR/first.dtb"
}

@test "a devicetree line already in the entry is replaced, and said so" {
	fake_kernel "$KVER" mainline fedora
	PLUGINS=/usr/lib/kernel/install.d/90-loaderentry.install kinst add "$KVER" "$SYS/boot/vmlinuz-$KVER"
	echo "devicetree /dtb/broadcom/bcm2712-rpi-cm5-cm5io.dtb" >>"$ENTRY"
	PLUGINS=$PLUGIN kinst add "$KVER" "$SYS/boot/vmlinuz-$KVER"
	[ "$status" -eq 0 ]
	[[ $output == *"devicetree /dtb/broadcom/bcm2712-rpi-cm5-cm5io.dtb replaced by the merged DTB"* ]]
	[ "$(grep -c '^devicetree' "$ENTRY")" -eq 1 ]
	grep -q "^devicetree .*/rpi-hardware-$KVER.dtb$" "$ENTRY"
}

@test "a kernel with the configfs interface gets no merged DTB" {
	fake_kernel "$KVER" rpi fedora
	kinst add "$KVER" "$SYS/boot/vmlinuz-$KVER"
	[ "$status" -eq 0 ]
	[ -f "$ENTRY" ]
	refute grep -q '^devicetree' "$ENTRY"
	[ -z "$(find "$BOOT" -name '*.dtb')" ]
}

@test "a failed merge is reported and does not stop the kernel's installation" {
	fake_kernel "$KVER" mainline fedora
	rm "$SYS/boot/firmware/overlays/axelera-metis.dtbo"
	kinst add "$KVER" "$SYS/boot/vmlinuz-$KVER"
	[ "$status" -eq 0 ]
	[[ $output == *"overlay axelera-metis.dtbo not found"* ]]
	[[ $output == *"kernel $KVER: the merged DTB could not be built; its entry boots without the overlays"* ]]
	[ -f "$ENTRY" ]
	refute grep -q '^devicetree' "$ENTRY"
}

@test "Fedora's GRUB with BLS: the entry 20-grub.install wrote for /boot/vmlinuz-KVER" {
	fake_kernel "$KVER" mainline fedora
	echo layout=other >"$CONF/install.conf"
	# What Fedora's 20-grub.install leaves: the kernel in $BOOT, an entry naming it.
	cat >"$BATS_TEST_TMPDIR/20-grub.install" <<-EOF
		#!/bin/sh
		[ "\$1" = add ] || exit 0
		cp "\$4" "$BOOT/vmlinuz-\$2"
		mkdir -p "$BOOT/loader/entries"
		printf 'title Fedora Linux (%s)\nversion %s\nlinux %s\noptions root=/dev/vda2 ro\n' \
			"\$2" "\$2" "$(entry_path "$BOOT")/vmlinuz-\$2" >"$BOOT/loader/entries/$MID-\$2.conf"
	EOF
	chmod +x "$BATS_TEST_TMPDIR/20-grub.install"
	PLUGINS="$BATS_TEST_TMPDIR/20-grub.install $PLUGIN" kinst add "$KVER" "$SYS/boot/vmlinuz-$KVER"
	[ "$status" -eq 0 ]
	[ -f "$BOOT/rpi-hardware-$KVER.dtb" ]
	grep -qx "devicetree $(entry_path "$BOOT")/rpi-hardware-$KVER.dtb" "$ENTRY"
	PLUGINS=$PLUGIN kinst remove "$KVER"
	[ "$status" -eq 0 ]
	[ ! -e "$BOOT/rpi-hardware-$KVER.dtb" ]
}

@test "no entry (layout other, no BLS) and the uki layout: nothing written" {
	fake_kernel "$KVER" mainline fedora
	echo layout=other >"$CONF/install.conf"
	kinst add "$KVER" "$SYS/boot/vmlinuz-$KVER"
	[ "$status" -eq 0 ]
	[ -z "$(find "$BOOT" -name '*.dtb')" ]
	echo layout=uki >"$CONF/install.conf"
	PLUGINS=$PLUGIN kinst add "$KVER" "$SYS/boot/vmlinuz-$KVER"
	[ "$status" -eq 0 ]
	[[ $output == *"layout uki: the device tree belongs into the unified kernel image"* ]]
	[ -z "$(find "$BOOT" -name '*.dtb')" ]
}
