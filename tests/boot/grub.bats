#!/usr/bin/env bats
# run-with: asan
# The grub-mkconfig snippet: merged DTBs for the kernels in /boot that lack the
# configfs overlay interface, and their menu entries with a devicetree line,
# checked with grub-script-check.

load helper

bats_require_minimum_version 1.5.0

MAINLINE=6.1.0-28-arm64
RPI=6.6.51-v8-16k+

setup_file() {
	command -v grub-script-check >/dev/null || skip "grub-script-check (grub-common) is not installed"
	compile_boot_fixtures
}

setup() {
	new_system
	fake_kernel "$MAINLINE" mainline debian
	fake_kernel "$RPI" rpi debian
	export RPI_HW_GRUB_LINUX=$BATS_TEST_TMPDIR/10_linux
	write_fake_10_linux
}

# What Debian's 10_linux prints with GRUB_DISABLE_SUBMENU and GRUB_DISABLE_RECOVERY
# set: one entry per kernel in $SYS/boot, newest first.
write_fake_10_linux() {
	cat >"$RPI_HW_GRUB_LINUX" <<-EOF
		#!/bin/sh
		[ "\$GRUB_DISABLE_SUBMENU" = true ] && [ "\$GRUB_DISABLE_RECOVERY" = true ] || exit 1
		echo 'function gfxmode {'
		echo '	set gfxpayload="\${1}"'
		echo '}'
		for k in \$(ls -r "$SYS/boot"/vmlinuz-*); do
		    v=\${k##*/vmlinuz-}
		    echo "Found linux image: \$k" >&2
		    cat <<ENTRY
		menuentry 'Debian GNU/Linux, with Linux \$v' --class debian --class gnu-linux --class os \\\$menuentry_id_option 'gnulinux-\$v-advanced-0a1b' {
		load_video
		insmod gzio
		if [ x\\\$grub_platform = xxen ]; then insmod xzio; insmod lzopio; fi
		search --no-floppy --fs-uuid --set=root 0a1b
		echo	'Loading Linux \$v ...'
		linux	/boot/vmlinuz-\$v root=UUID=0a1b ro quiet
		echo	'Loading initial ramdisk ...'
		initrd	/boot/initrd.img-\$v
		}
		ENTRY
		done
	EOF
	chmod +x "$RPI_HW_GRUB_LINUX"
}

snippet() {
	stderr=
	run --separate-stderr "$GRUB_SNIPPET"
}

@test "a merged DTB and a menu entry loading it, for the kernel without the interface only" {
	snippet
	[ "$status" -eq 0 ]
	expected_dtb "$BATS_TEST_TMPDIR/want.dtb"
	cmp "$SYS/boot/rpi-hardware-$MAINLINE.dtb" "$BATS_TEST_TMPDIR/want.dtb"
	[ ! -e "$SYS/boot/rpi-hardware-$RPI.dtb" ]
	[[ $stderr == *"Found rpi-hardware merged device tree: $SYS/boot/rpi-hardware-$MAINLINE.dtb"* ]]
	[ "$(grep -c '^menuentry ' <<<"$output")" -eq 1 ]
	[[ ${lines[0]} == "menuentry 'Device tree with rpi-hardware overlays: Debian GNU/Linux, with Linux $MAINLINE' "*"\$menuentry_id_option 'rpi-hardware-gnulinux-$MAINLINE-advanced-0a1b' {" ]]
	grep -A1 -x "linux	/boot/vmlinuz-$MAINLINE root=UUID=0a1b ro quiet" <<<"$output" |
		tail -n 1 | grep -qx "devicetree	/boot/rpi-hardware-$MAINLINE.dtb"
	[[ $output != *gfxmode* ]]
}

@test "the output passes grub-script-check, alone and with 10_linux's after it" {
	snippet
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/ours.cfg"
	grub-script-check "$BATS_TEST_TMPDIR/ours.cfg"
	{ cat "$BATS_TEST_TMPDIR/ours.cfg"; GRUB_DISABLE_SUBMENU=true GRUB_DISABLE_RECOVERY=true \
		"$RPI_HW_GRUB_LINUX" 2>/dev/null; } >"$BATS_TEST_TMPDIR/all.cfg"
	grub-script-check "$BATS_TEST_TMPDIR/all.cfg"
}

@test "a removed kernel's merged DTB goes at the next run; a kernel that gained the interface too" {
	snippet
	[ -f "$SYS/boot/rpi-hardware-$MAINLINE.dtb" ]
	touch "$SYS/boot/rpi-hardware-5.10.0-9-arm64.dtb"
	snippet
	[ "$status" -eq 0 ]
	[ ! -e "$SYS/boot/rpi-hardware-5.10.0-9-arm64.dtb" ]
	kernel_config rpi >"$SYS/boot/config-$MAINLINE"
	snippet
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ -z "$(find "$SYS/boot" -name 'rpi-hardware-*.dtb')" ]
}

@test "a merge that fails is reported; no entry boots a stale DTB" {
	snippet
	[ -f "$SYS/boot/rpi-hardware-$MAINLINE.dtb" ]
	rm "$SYS/boot/firmware/overlays/axelera-metis.dtbo"
	snippet
	[ "$status" -eq 0 ]
	[[ $stderr == *"rpi-hardware: no merged device tree for $MAINLINE: "*"axelera-metis.dtbo not found"* ]]
	[ -z "$output" ]
	[ ! -e "$SYS/boot/rpi-hardware-$MAINLINE.dtb" ]
}

@test "without 10_linux: the DTB is built, no entry, a message" {
	rm "$RPI_HW_GRUB_LINUX"
	snippet
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[[ $stderr == *"$RPI_HW_GRUB_LINUX is missing"* ]]
}

@test "Debian's own 10_linux, with /boot in a private mount namespace" {
	[[ $EUID -eq 0 ]] || skip "needs root for a mount namespace"
	[[ -x /etc/grub.d/10_linux ]] || skip "no /etc/grub.d/10_linux"
	run --separate-stderr env RPI_HW_GRUB_LINUX=/etc/grub.d/10_linux pkgdatadir=/usr/share/grub \
		GRUB_DEVICE=/dev/vda2 GRUB_DEVICE_BOOT=/dev/vda2 GRUB_DISTRIBUTOR=Debian \
		unshare -m sh -c 'mount --bind "$1/boot" /boot && exec "$2"' sh "$SYS" "$GRUB_SNIPPET"
	[ "$status" -eq 0 ]
	[[ $output == *"menuentry 'Device tree with rpi-hardware overlays: Debian GNU/Linux, with Linux $MAINLINE'"* ]]
	# The directory of 10_linux's linux line, as GRUB sees it, and the tab it indents with.
	local dir
	dir=$(sed -n "s|^	linux	\(.*\)/vmlinuz-$MAINLINE .*|\1|p" <<<"$output")
	[ -n "$dir" ]
	grep -qx "	devicetree	$dir/rpi-hardware-$MAINLINE.dtb" <<<"$output"
	[[ $output != *"with Linux $RPI"* ]]
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/ours.cfg"
	grub-script-check "$BATS_TEST_TMPDIR/ours.cfg"
}
