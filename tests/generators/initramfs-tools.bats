#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The real initramfs-tools, Debian 12's 0.142 and Debian 13's 0.148, each in a
# Debian root of its release (tests/lib/generators.bash) into which `make
# install` put this tree: mkinitramfs builds an image against the test kernel's
# module tree, lsinitramfs shows what went in, and the hook's refusals of a
# generator that cannot run us stop the build with their one line.

load ../lib/dracut
load ../lib/generators
load ../lib/hookenv
load ../lib/refute

# Builds the image of SUITE into $BATS_FILE_TMPDIR/SUITE/out/initrd.img, its
# listing next to it; MODULES=list keeps the image to what the hooks add.
build_image() {
	gen_install || return
	sed -i 's/^MODULES=.*/MODULES=list/' "$GEN_MNT/etc/initramfs-tools/initramfs.conf"
	gen_chroot mkinitramfs -c gzip -o /out/initrd.img "$KERNEL_ABI" >"$GEN_MNT/out/build.log" 2>&1 || return
	gen_chroot lsinitramfs /out/initrd.img >"$GEN_MNT/out/list"
	gen_chroot dpkg-query -W -f='${Version}' initramfs-tools-core >"$GEN_MNT/out/version"
	mkdir -p "$GEN_MNT/out/unpacked"
	gen_chroot unmkinitramfs /out/initrd.img /out/unpacked
}

setup_file() {
	[[ $EUID -eq 0 ]] || skip "needs root for chroot and overlay mounts"
	[[ -x $BUILD_DIR/overlay-slammer ]] || {
		echo "no $BUILD_DIR/overlay-slammer: run make first" >&2
		return 1
	}
	kernel_prepare
	TREE=$(kernel_cached_tree "$KERNEL_ABI")
	export TREE
	local suite
	for suite in bookworm trixie; do
		gen_root "$suite" || return
		gen_run "$BATS_FILE_TMPDIR/$suite" "$KERNEL_ABI" "$TREE/lib/modules/$KERNEL_ABI" build_image || {
			cat "$BATS_FILE_TMPDIR/$suite/out/build.log" >&2
			return 1
		}
	done
}

out() {
	echo "$BATS_FILE_TMPDIR/$1/out"
}

# A file of the unpacked image (unmkinitramfs puts an image without early
# part at the top, one with it under main/).
unpacked() {
	local d
	d=$(out "$1")/unpacked
	[[ -d $d/main ]] && d=$d/main
	echo "$d/$2"
}

@test "the roots run Debian 12's initramfs-tools 0.142 and Debian 13's 0.148" {
	[[ $(cat "$(out bookworm)/version") == 0.142* ]]
	[[ $(cat "$(out trixie)/version") == 0.148* ]]
}

@test "lsinitramfs: the helper, configuration, overlays, ID table, rules, modules, boot steps (both releases)" {
	local suite f
	for suite in bookworm trixie; do
		for f in usr/sbin/overlay-slammer etc/rpi-hardware.conf \
			usr/lib/rpi-hardware/overlays/cruiser-raspberrypi-cm5.dtbo \
			usr/lib/rpi-hardware/overlays/axelera-metis.dtbo usr/lib/rpi-hardware/hardware-ids \
			usr/lib/udev/rules.d/65-rpi-hardware.rules \
			"usr/lib/modules/$KERNEL_ABI/extra/metis.ko" "usr/lib/modules/$KERNEL_ABI/extra/rp1_pci.ko" \
			"usr/lib/modules/$KERNEL_ABI/kernel/fs/configfs/configfs.ko" \
			scripts/init-premount/rpi-hardware scripts/panic/rpi-hardware \
			usr/lib/rpi-hardware/boot.sh usr/lib/rpi-hardware/initramfs-tools.sh; do
			grep -qx "$f" "$(out "$suite")/list" || { echo "$suite: no $f in the image"; return 1; }
		done
	done
}

@test "the helper in the image is the static one built here; the configuration is the build root's" {
	local suite
	for suite in bookworm trixie; do
		cmp "$BUILD_DIR/overlay-slammer" "$(unpacked "$suite" usr/sbin/overlay-slammer)"
		grep -qx 'modules=metis,rp1_pci' "$(unpacked "$suite" etc/rpi-hardware.conf)"
		cmp "$BUILD_DIR/rules/65-rpi-hardware.rules" "$(unpacked "$suite" usr/lib/udev/rules.d/65-rpi-hardware.rules)"
		cmp "$REPO/initramfs/lib/boot.sh" "$(unpacked "$suite" usr/lib/rpi-hardware/boot.sh)"
	done
}

@test "the boot script runs in init-premount, after init-top's udev, and the image's modules.dep has the driver" {
	local suite
	for suite in bookworm trixie; do
		grep -q '^/scripts/init-premount/rpi-hardware ' "$(unpacked "$suite" scripts/init-premount/ORDER)"
		grep -q '^/scripts/init-top/udev ' "$(unpacked "$suite" scripts/init-top/ORDER)"
		grep -q '^/scripts/panic/rpi-hardware ' "$(unpacked "$suite" scripts/panic/ORDER)"
		grep -q '^extra/metis.ko:' "$(unpacked "$suite" "usr/lib/modules/$KERNEL_ABI/modules.dep")"
		# init runs init-top before init-premount, and both before mountroot.
		grep -q 'run_scripts /scripts/init-top' "$(unpacked "$suite" init)"
		grep -q 'run_scripts /scripts/init-premount' "$(unpacked "$suite" init)"
	done
}

@test "the group the rules name is the build root's entry, without members" {
	local suite want
	for suite in bookworm trixie; do
		want=$(grep -m1 '^render:' "$GEN_CACHE/$suite-root/etc/group" | cut -d: -f1-3)
		grep -qx "$want:" "$(unpacked "$suite" etc/group)"
	done
}

@test "the build log says where each overlay came from and which path the kernel takes" {
	local log
	log=$(out bookworm)/build.log
	grep -q '^I: rpi-hardware: overlay cruiser-raspberrypi-cm5 from /boot/firmware/overlays/cruiser-raspberrypi-cm5.dtbo$' "$log"
	grep -q '^I: rpi-hardware: overlay axelera-metis from /usr/lib/rpi-hardware/overlays/axelera-metis.dtbo$' "$log"
	grep -q "^I: rpi-hardware: kernel $KERNEL_ABI: no configfs overlay interface: merged-DTB path$" "$log"
}

# One more build in a scratch overlay of the bookworm root, after PREPARE ran
# in it: mkinitramfs's output, "rc=N", and the image's listing ("list: ...").
rebuild_in() {
	gen_install && "$1" && sed -i 's/^MODULES=.*/MODULES=list/' "$GEN_MNT/etc/initramfs-tools/initramfs.conf" &&
		gen_chroot mkinitramfs -c gzip -o /out/initrd.img "$KERNEL_ABI" 2>&1
	echo "rc=$?"
	gen_chroot lsinitramfs /out/initrd.img 2>/dev/null | sed 's/^/list: /'
}

rebuild() {
	gen_root bookworm
	run gen_run "$BATS_TEST_TMPDIR/gen" "$KERNEL_ABI" "$TREE/lib/modules/$KERNEL_ABI" rebuild_in "$1"
}

missing_module() {
	printf '%s\n' 'modules=metis,no_such_mod' >>"$GEN_MNT/etc/rpi-hardware.conf"
}

@test "a module the kernel lacks is a warning naming it; the image is built with the rest" {
	rebuild missing_module
	[[ $output == *"W: rpi-hardware: kernel module 'no_such_mod' not found for kernel $KERNEL_ABI; the image is built without it"* ]]
	[[ $output == *$'\n'rc=0* ]]
	[[ $output == *"list: usr/lib/modules/$KERNEL_ABI/extra/metis.ko"* ]]
}

# The hook alone, called as mkinitramfs calls it (DESTDIR, version exported),
# with a hook-functions from which copy_file is gone, as in an initramfs-tools
# older than that function: mkinitramfs itself needs copy_file, so a real
# build cannot get that far.
old_hook_functions() {
	gen_install || return
	sed -i 's/^copy_file() {/_no_copy_file() {/' "$GEN_MNT/usr/share/initramfs-tools/hook-functions"
	mkdir -p "$GEN_MNT/var/tmp/dest"
	gen_chroot env DESTDIR=/var/tmp/dest version="$KERNEL_ABI" /usr/share/initramfs-tools/hooks/rpi-hardware 2>&1
	echo "rc=$?"
	find "$GEN_MNT/var/tmp/dest" -type f | sed "s|^$GEN_MNT/var/tmp/dest/|list: |"
}

@test "bad input: hook-functions without copy_file (an old initramfs-tools) stops the build with one line" {
	gen_root bookworm
	run gen_run "$BATS_TEST_TMPDIR/gen" "$KERNEL_ABI" "$TREE/lib/modules/$KERNEL_ABI" old_hook_functions
	[[ $output == *"E: rpi-hardware: this initramfs-tools has no copy_file in its hook-functions: upgrade initramfs-tools"* ]]
	grep -q '^rc=1$' <<<"$output"
	refute grep -q '^list: ' <<<"$output"
}

no_udev() {
	rm "$GEN_MNT/usr/share/initramfs-tools/scripts/init-top/udev"
}

@test "bad input: an image that starts no udev before init-premount stops the build with one line" {
	rebuild no_udev
	[[ $output == *"E: rpi-hardware: the image starts no udev in init-top (no scripts/init-top/udev), so /dev/axelera0 would never appear"* ]]
	refute grep -q '^rc=0$' <<<"$output"
}

before_udev() {
	# The boot script copied where it would run with, or before, udev's.
	mkdir -p "$GEN_MNT/etc/initramfs-tools/scripts/init-top"
	cp "$GEN_MNT/usr/share/initramfs-tools/scripts/init-premount/rpi-hardware" "$GEN_MNT/etc/initramfs-tools/scripts/init-top/"
}

@test "bad input: the boot script placed in init-top (with udev, not after it) stops the build with one line" {
	rebuild before_udev
	[[ $output == *"E: rpi-hardware: a boot script rpi-hardware in scripts/init-top would run out of order: it belongs in init-premount only"* ]]
	refute grep -q '^rc=0$' <<<"$output"
}

@test "the glue parses as sh, as initramfs-tools requires of hooks and scripts (else it skips them silently)" {
	local f
	for f in "$REPO"/initramfs/initramfs-tools/* "$REPO/initramfs/lib/boot.sh"; do
		dash -n "$f"
	done
}

# --- the boot scripts in the real image ------------------------------------
# tests/lib/hookenv.bash on the unpacked Debian 12 image: the helper is a stub
# that records its arguments (the settings come from the real one); the
# scripts run as initramfs-tools' init runs them, with its /scripts/functions
# and the image's /bin/sh.

# premount [VAR=VALUE...]: init-premount/rpi-hardware as init calls it.
premount() {
	hook_sh quiet=n panic= "$@" ". /scripts/functions; /scripts/init-premount/rpi-hardware; echo rc=\$?"
}

itools_root() {
	hook_root "$(unpacked bookworm .)"
}

teardown() {
	hook_root_done
}

@test "scripts: init-premount runs boot, then the bounded wait with the configured timeout" {
	[[ $EUID -eq 0 ]] || skip "needs root for chroot"
	itools_root
	run premount
	hook_root_done
	[ "${lines[-1]}" = rc=0 ]
	[ "$(stub_calls)" = "overlay-slammer boot
overlay-slammer wait-device --timeout 7 /dev/axelera0
overlay-slammer status" ]
}

@test "scripts: the steps go to the kernel log, a failure also to the console, and the boot goes on" {
	[[ $EUID -eq 0 ]] || skip "needs root for chroot"
	itools_root
	echo 3 >"$R/run/stub.boot-rc"
	run premount
	local log
	log=$(kmsg_log)
	hook_root_done
	[ "${lines[-1]}" = rc=0 ]
	[[ $output == *"Warning: rpi-hardware: overlay-slammer boot failed: the kernel has no configfs overlay interface"* ]]
	grep -q '^<30>rpi-hardware: loading modules and applying overlays' <<<"$log"
	grep -q '^<28>rpi-hardware: overlay-slammer boot failed: the kernel has no configfs overlay interface' <<<"$log"
	grep -q "^<31>rpi-hardware: status: overlay cruiser-raspberrypi-cm5: applied ($(cat "$R/run/stub.token"))" <<<"$log"
	refute grep -q setsid "$R/run/stub.calls"
}

@test "scripts: rd.rpi_hw=0 does nothing; debug makes the helper verbose" {
	[[ $EUID -eq 0 ]] || skip "needs root for chroot"
	itools_root
	hook_cmdline "rd.rpi_hw=0"
	run premount
	[ -z "$(stub_calls)" ]
	hook_cmdline ""
	run premount debug=y
	hook_root_done
	grep -qx "overlay-slammer --debug boot" "$R/run/stub.calls"
	[[ $output == *"rpi-hardware: loading modules and applying overlays"* ]]
}

@test "scripts: strict, a failed step: initramfs-tools' panic with the reason, its panic script logs the status" {
	[[ $EUID -eq 0 ]] || skip "needs root for chroot"
	itools_root
	hook_cmdline "rd.rpi_hw.strict=1"
	echo 4 >"$R/run/stub.wait-rc"
	run premount
	local log
	log=$(kmsg_log)
	hook_root_done
	[[ $output == *"rpi-hardware: overlay-slammer wait-device failed: /dev/axelera0 did not appear within 7 s (rd.rpi_hw.strict=1)"* ]]
	# panic ran the panic scripts, then opened its shell (setsid, stubbed).
	grep -q '^setsid' "$R/run/stub.calls"
	[ "$(grep -c '^overlay-slammer status' "$R/run/stub.calls")" -ge 2 ]
	[[ $output != *"booting on without it"* ]]
	grep -q '^<28>rpi-hardware: overlay-slammer wait-device failed' <<<"$log"
}
