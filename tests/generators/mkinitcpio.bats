#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The mkinitcpio glue against mkinitcpio's documented interface: mkinitcpio is
# not in Debian, so tests/lib/mkinitcpio-harness (written from mkinitcpio(8))
# sources the install hooks in HOOKS order and runs their build() in a Debian
# 13 root into which `make install` put this tree, against the test kernel's
# module tree. What runs for real and what does not: docs/generators.md.

load ../lib/dracut
load ../lib/generators
load ../lib/hookenv
load ../lib/refute

# harness NAME HOOK...: BUILDROOT $out/NAME, output in $out/NAME.log, status
# in $out/NAME.rc.
harness() {
	local name=$1
	shift
	gen_chroot bash /var/tmp/mkinitcpio-harness -k "$KERNEL_ABI" -d "/out/$name" "$@" >"$GEN_MNT/out/$name.log" 2>&1
	echo $? >"$GEN_MNT/out/$name.rc"
}

build_all() {
	gen_install || return
	# The stand-in base hook: nothing but its name.
	printf '%s\n' 'build() { :; }' >"$GEN_MNT/usr/lib/initcpio/install/base"
	install -m 0755 "$REPO/tests/lib/mkinitcpio-harness" "$GEN_MNT/var/tmp/mkinitcpio-harness"
	harness busybox base udev rpi-hardware
	harness systemd base systemd rpi-hardware
	harness early base rpi-hardware udev
	gen_chroot bash -c '. /usr/lib/initcpio/install/rpi-hardware && help' >"$GEN_MNT/out/help" 2>&1
}

setup_file() {
	[[ $EUID -eq 0 ]] || skip "needs root for chroot and overlay mounts"
	kernel_prepare
	TREE=$(kernel_cached_tree "$KERNEL_ABI")
	gen_root trixie || return 1
	gen_run "$BATS_FILE_TMPDIR/gen" "$KERNEL_ABI" "$TREE/lib/modules/$KERNEL_ABI" build_all
	OUT=$BATS_FILE_TMPDIR/gen/out
	export OUT
}

@test "busybox image (HOOKS=(base udev rpi-hardware)): helper, configuration, overlays, rules, modules, boot steps" {
	local f b=$OUT/busybox
	[ "$(cat "$OUT/busybox.rc")" = 0 ] || { cat "$OUT/busybox.log"; return 1; }
	for f in usr/sbin/overlay-slammer etc/rpi-hardware.conf usr/lib/rpi-hardware/hardware-ids \
		usr/lib/rpi-hardware/overlays/cruiser-raspberrypi-cm5.dtbo usr/lib/rpi-hardware/overlays/axelera-metis.dtbo \
		usr/lib/udev/rules.d/65-rpi-hardware.rules usr/lib/rpi-hardware/boot.sh usr/lib/rpi-hardware/mkinitcpio.sh \
		"lib/modules/$KERNEL_ABI/extra/metis.ko" "lib/modules/$KERNEL_ABI/extra/rp1_pci.ko" hooks/rpi-hardware; do
		[ -e "$b/$f" ] || { echo "no $f"; return 1; }
	done
	cmp "$BUILD_DIR/overlay-slammer" "$b/usr/sbin/overlay-slammer"
	find "$b/lib/modules/$KERNEL_ABI" -name 'configfs.ko*' | grep -q .
	grep -qE '^render:x:[0-9]+:$' "$b/etc/group"
	[ ! -e "$b/usr/lib/systemd/system/rpi-hardware-initrd.service" ]
}

@test "busybox image: the runtime hook runs after udev's (run_hook), and before the emergency shell" {
	grep -qx 'runhooks: early= udev hooks= udev rpi-hardware emergency= rpi-hardware' "$OUT/busybox.log" || { cat "$OUT/busybox.log"; return 1; }
	grep -q '^run_hook()' "$OUT/busybox/hooks/rpi-hardware"
	grep -q '^run_emergencyhook()' "$OUT/busybox/hooks/rpi-hardware"
}

@test "the build log says where each overlay came from" {
	grep -q -- '-> rpi-hardware: overlay axelera-metis from /usr/lib/rpi-hardware/overlays/axelera-metis.dtbo' "$OUT/busybox.log"
}

@test "systemd image (HOOKS=(base systemd rpi-hardware)): the unit, wanted by initrd.target, and no runtime hook" {
	local s=$OUT/systemd
	[ "$(cat "$OUT/systemd.rc")" = 0 ] || { cat "$OUT/systemd.log"; return 1; }
	[ -f "$s/usr/lib/systemd/system/rpi-hardware-initrd.service" ]
	[ "$(readlink "$s/usr/lib/systemd/system/initrd.target.wants/rpi-hardware-initrd.service")" = \
		/usr/lib/systemd/system/rpi-hardware-initrd.service ]
	[ ! -e "$s/hooks/rpi-hardware" ]
	# What its ExecStart runs is in the image.
	[ -e "$s/bin/sh" ] || [ -e "$s/usr/bin/sh" ]
	[ -e "$s/usr/sbin/overlay-slammer" ] && [ -e "$s/usr/lib/rpi-hardware/mkinitcpio.sh" ]
	grep -q '^After=.*systemd-udev-trigger.service' "$s/usr/lib/systemd/system/rpi-hardware-initrd.service"
	grep -q '^Before=.*sysroot.mount' "$s/usr/lib/systemd/system/rpi-hardware-initrd.service"
}

@test "bad input: rpi-hardware before udev in HOOKS: one ERROR line at build, nothing of it in the image" {
	grep -q "==> ERROR: rpi-hardware: put it after 'udev' (or 'systemd') in HOOKS of mkinitcpio.conf" "$OUT/early.log"
	[ ! -e "$OUT/early/usr/sbin/overlay-slammer" ]
	[ ! -e "$OUT/early/hooks/rpi-hardware" ]
}

@test "help() says where the hook goes and what it reads" {
	grep -q "after 'udev'" "$OUT/help"
	grep -q 'rd.rpi_hw.strict=1' "$OUT/help"
}

@test "the runtime hook and the glue parse as ash does (dash), the install hook as bash" {
	dash -n "$REPO/initramfs/mkinitcpio/hook"
	dash -n "$REPO/initramfs/mkinitcpio/glue.sh"
	bash -n "$REPO/initramfs/mkinitcpio/install"
}

# --- the runtime hook in the image it built --------------------------------
# The busybox image of the first test, with the host's static busybox as its
# shell and a stand-in of mkinitcpio's /init_functions (getarg, msg, err and
# the interactive shell, recorded), under tests/lib/hookenv.bash: the helper is
# a stub that records its arguments.

teardown() {
	hook_root_done
}

runtime_root() {
	local src=$BATS_TEST_TMPDIR/src
	cp -a "$OUT/busybox" "$src"
	mkdir -p "$src/bin" "$src/usr/bin" "$src/usr/sbin"
	cp /bin/busybox "$src/bin/busybox"
	for a in sh cat grep echo mkdir rm mknod sed; do ln -sf busybox "$src/bin/$a"; done
	cat >"$src/init_functions" <<-'EOT'
		getarg() { for _a in $(cat /proc/cmdline 2>/dev/null); do case $_a in "$1"=*) echo "${_a#*=}"; return;; "$1") echo y; return;; esac; done; echo "${2-}"; }
		msg() { echo "$@"; }
		err() { echo "ERROR: $*"; }
		launch_interactive_shell() { echo "interactive-shell" >> /run/stub.calls; }
	EOT
	hook_root "$src"
}

@test "runtime: run_hook runs boot, then the bounded wait; a failure warns and boots on" {
	[[ $EUID -eq 0 ]] || skip "needs root for chroot"
	runtime_root
	run hook_sh ". /init_functions; . /hooks/rpi-hardware; run_hook; echo rc=\$?"
	[ "${lines[-1]}" = rc=0 ]
	[ "$(stub_calls)" = "overlay-slammer boot
overlay-slammer wait-device --timeout 7 /dev/axelera0
overlay-slammer status" ]
	: >"$R/run/stub.calls"
	echo 3 >"$R/run/stub.boot-rc"
	run hook_sh ". /init_functions; . /hooks/rpi-hardware; run_hook; echo rc=\$?"
	[ "${lines[-1]}" = rc=0 ]
	[[ $output == *"rpi-hardware: overlay-slammer boot failed: the kernel has no configfs overlay interface"* ]]
	[[ $output == *"booting on without it"* ]]
	kmsg_log | grep -q '^<28>rpi-hardware: overlay-slammer boot failed'
	refute grep -q interactive-shell "$R/run/stub.calls"
}

@test "runtime: strict, a failed step opens mkinitcpio's interactive shell; run_emergencyhook logs the status" {
	[[ $EUID -eq 0 ]] || skip "needs root for chroot"
	runtime_root
	hook_cmdline "rd.rpi_hw.strict=1"
	echo 1 >"$R/run/stub.boot-rc"
	run hook_sh ". /init_functions; . /hooks/rpi-hardware; run_hook; echo rc=\$?"
	grep -qx interactive-shell "$R/run/stub.calls"
	: >"$R/run/stub.calls"
	run hook_sh ". /init_functions; . /hooks/rpi-hardware; run_emergencyhook"
	grep -qx 'overlay-slammer status' "$R/run/stub.calls"
	kmsg_log | grep -q "^<31>rpi-hardware: status: overlay cruiser-raspberrypi-cm5: applied ($(cat "$R/run/stub.token"))"
}
