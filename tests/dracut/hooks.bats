#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The hooks of real images, run in a chroot the way dracut runs them: sourced
# by the classic init's source_hook (dash as /bin/sh), and by the scripts the
# systemd initramfs's units start (bash as /bin/sh). The helper is a stub that
# records its arguments and fails when told to.

load ../lib/dracut
load ../lib/hookenv
load ../lib/refute

setup_file() {
	[[ $EUID -eq 0 ]] || skip "needs root for chroot"
	kernel_prepare
	dracut_workspace "$BATS_FILE_TMPDIR/ws"
	local tree
	tree=$(kernel_cached_tree "$KERNEL_ABI")
	dracut_image "$BATS_FILE_TMPDIR/classic.img" "$KERNEL_ABI" "$tree/lib/modules/$KERNEL_ABI" \
		--no-hostonly -m "dash base udev-rules rpi-hardware"
	image_unpack "$BATS_FILE_TMPDIR/classic.img" "$BATS_FILE_TMPDIR/classic"
	dracut_image "$BATS_FILE_TMPDIR/systemd.img" "$KERNEL_ABI" "$tree/lib/modules/$KERNEL_ABI" \
		--no-hostonly -m "systemd base udev-rules rpi-hardware"
	image_unpack "$BATS_FILE_TMPDIR/systemd.img" "$BATS_FILE_TMPDIR/systemd"
	export CLASSIC=$BATS_FILE_TMPDIR/classic SYSTEMD=$BATS_FILE_TMPDIR/systemd
}

setup() {
	[[ $EUID -eq 0 ]] || skip "needs root for chroot"
}

teardown() {
	hook_root_done
}

# What the classic init does for a hook directory.
classic_hook() {
	local dir=$1
	shift
	hook_sh "$@" ". /lib/dracut-lib.sh; source_hook $dir; echo HOOK-DONE"
}

@test "classic initramfs: /bin/sh is dash, so the hooks run without bash" {
	[ "$(readlink "$CLASSIC/usr/bin/sh")" = dash ]
}

@test "classic pre-udev: runs overlay-slammer boot and goes on" {
	hook_root "$CLASSIC"
	hook_cmdline "root=/dev/vda"
	run classic_hook pre-udev
	[ "$status" -eq 0 ]
	[ "${lines[-1]}" = HOOK-DONE ]
	[ "$(stub_calls)" = "overlay-slammer boot" ]
	kmsg_log | grep -q "rpi-hardware: modules loaded and overlays applied"
}

@test "rd.rpi_hw=0 skips everything" {
	hook_root "$CLASSIC"
	hook_cmdline "rd.rpi_hw=0"
	run classic_hook pre-udev
	[ "${lines[-1]}" = HOOK-DONE ]
	run classic_hook pre-mount
	[ "${lines[-1]}" = HOOK-DONE ]
	[ -z "$(stub_calls)" ]
	kmsg_log | grep -q "rpi-hardware: disabled"
}

@test "enable=0 in the configuration skips everything; rd.rpi_hw=1 turns it back on" {
	hook_root "$CLASSIC"
	echo "enable = 0" >>"$R/etc/rpi-hardware.conf"
	run classic_hook pre-udev
	[ -z "$(stub_calls)" ]
	hook_cmdline "rd.rpi_hw=1"
	run classic_hook pre-udev
	[ "$(stub_calls)" = "overlay-slammer boot" ]
}

@test "a failed boot step warns with the reason and boots on by default" {
	hook_root "$CLASSIC"
	echo 3 >"$R/run/stub.boot-rc"
	run classic_hook pre-udev
	[ "${lines[-1]}" = HOOK-DONE ]
	[[ $output == *"rpi-hardware: overlay-slammer boot failed: the kernel has no configfs overlay interface"* ]]
	[[ $output == *"booting on without it"* ]]
	refute grep -q setsid "$R/run/stub.calls"
	refute grep -q halt "$R/run/stub.calls"
	# The helper's view went to the kernel log, which rdsosreport collects.
	kmsg_log | grep -q "^<31>rpi-hardware: status: overlay cruiser-raspberrypi-cm5: applied ($(cat "$R/run/stub.token"))"
}

@test "rd.rpi_hw.strict=1: a failed boot step opens dracut's emergency shell with the reason" {
	hook_root "$CLASSIC"
	hook_cmdline "rd.rpi_hw.strict=1"
	echo 1 >"$R/run/stub.boot-rc"
	run classic_hook pre-udev
	[[ $output == *"rpi-hardware: overlay-slammer boot failed: a step failed (rd.rpi_hw.strict=1)"* ]]
	grep -q "^setsid .*/bin/sh -i" "$R/run/stub.calls"
	# dracut wrote its report for the emergency shell.
	[ -s "$R/run/initramfs/rdsosreport.txt" ]
	[[ $output != *"booting on"* ]]
}

@test "strict=1 in the configuration, no shell allowed: the boot stops" {
	hook_root "$CLASSIC"
	echo "strict=1" >>"$R/etc/rpi-hardware.conf"
	hook_cmdline "rd.shell=0"
	echo 1 >"$R/run/stub.boot-rc"
	run classic_hook pre-udev
	grep -qx "halt" "$R/run/stub.calls"
	refute grep -q setsid "$R/run/stub.calls"
}

@test "rd.rpi_hw.strict=0 on the command line overrides strict=1 in the configuration" {
	hook_root "$CLASSIC"
	echo 'strict="1"' >>"$R/etc/rpi-hardware.conf"
	hook_cmdline "rd.rpi_hw.strict=0"
	echo 1 >"$R/run/stub.boot-rc"
	run classic_hook pre-udev
	[ "${lines[-1]}" = HOOK-DONE ]
	[[ $output == *"booting on without it"* ]]
	refute grep -q setsid "$R/run/stub.calls"
}

@test "pre-mount waits with the configured device and timeout" {
	hook_root "$CLASSIC"
	run classic_hook pre-mount
	[ "${lines[-1]}" = HOOK-DONE ]
	# timeout=7 is in the test configuration embedded in the image.
	[ "$(stub_calls | head -n 1)" = "overlay-slammer wait-device --timeout 7 /dev/axelera0" ]
	kmsg_log | grep -q "rpi-hardware: /dev/axelera0 is present"
}

@test "rd.rpi_hw.timeout and rd.rpi_hw.device on the command line bound the wait" {
	hook_root "$CLASSIC"
	hook_cmdline "rd.rpi_hw.timeout=3 rd.rpi_hw.device=/dev/metis-1:1:0"
	run classic_hook pre-mount
	[ "$(stub_calls | head -n 1)" = "overlay-slammer wait-device --timeout 3 /dev/metis-1:1:0" ]
}

@test "a timeout that is not a number is reported and the configured one used" {
	hook_root "$CLASSIC"
	hook_cmdline "rd.rpi_hw.timeout=soon"
	run classic_hook pre-mount
	[[ $output == *"rd.rpi_hw.timeout='soon' ignored: not a number of seconds from 0 to 600"* ]]
	# timeout=7 is in the test configuration embedded in the image.
	[ "$(stub_calls | head -n 1)" = "overlay-slammer wait-device --timeout 7 /dev/axelera0" ]
}

@test "device missing after the wait: a warning naming device and timeout, boot goes on" {
	hook_root "$CLASSIC"
	echo 4 >"$R/run/stub.wait-rc"
	run classic_hook pre-mount
	[ "${lines[-1]}" = HOOK-DONE ]
	[[ $output == *"rpi-hardware: overlay-slammer wait-device failed: /dev/axelera0 did not appear within 7 s"* ]]
	refute grep -q setsid "$R/run/stub.calls"
}

@test "device missing after the wait with strict: emergency shell with the reason" {
	hook_root "$CLASSIC"
	hook_cmdline "rd.rpi_hw.strict"
	echo 4 >"$R/run/stub.wait-rc"
	run classic_hook pre-mount
	[[ $output == *"/dev/axelera0 did not appear within 7 s (rd.rpi_hw.strict=1)"* ]]
	grep -q "^setsid" "$R/run/stub.calls"
}

@test "rd.rpi_hw.debug=1 shows each step on the console and makes the helper verbose" {
	hook_root "$CLASSIC"
	run classic_hook pre-udev
	[[ $output != *"loading modules and applying overlays"* ]]
	hook_cmdline "rd.rpi_hw.debug=1"
	run classic_hook pre-udev
	[[ $output == *"rpi-hardware: loading modules and applying overlays: /usr/sbin/overlay-slammer boot"* ]]
	[[ $output == *"rpi-hardware: modules loaded and overlays applied"* ]]
	[ "$(stub_calls | tail -n 1)" = "overlay-slammer --debug boot" ]
}

@test "rd.debug makes the helper verbose too" {
	hook_root "$CLASSIC"
	hook_cmdline "rd.debug"
	run classic_hook pre-udev
	grep -qx "overlay-slammer --debug boot" "$R/run/stub.calls"
}

@test "classic emergency shell: the status reaches rdsosreport.txt through the kernel log" {
	[[ -c /dev/kmsg ]] || skip "no /dev/kmsg"
	hook_root "$CLASSIC"
	hook_root_done
	# The real kernel log this time: rdsosreport reads it with dmesg.
	rm "$R/dev/kmsg"
	mknod -m 600 "$R/dev/kmsg" c 1 11
	run hook_sh ". /lib/dracut-lib.sh; emergency_shell -n test 'test break'"
	grep -q "rpi-hardware: status: overlay cruiser-raspberrypi-cm5: applied ($(cat "$R/run/stub.token"))" \
		"$R/run/initramfs/rdsosreport.txt"
}

@test "systemd initramfs: dracut-pre-udev (the unit's script) runs the boot hook" {
	hook_root "$SYSTEMD"
	run hook_sh DRACUT_SYSTEMD=1 NEWROOT=/sysroot "/bin/dracut-pre-udev; echo rc=\$?"
	[ "${lines[-1]}" = rc=0 ]
	[ "$(stub_calls)" = "overlay-slammer boot" ]
}

@test "systemd initramfs: a failed step warns on stderr, which the unit sends to the console" {
	hook_root "$SYSTEMD"
	echo 1 >"$R/run/stub.boot-rc"
	run hook_sh DRACUT_SYSTEMD=1 "/bin/dracut-pre-udev 2>&1 >/dev/null"
	[[ $output == *"Warning: rpi-hardware: overlay-slammer boot failed: a step failed"* ]]
	refute grep -q "systemctl" "$R/run/stub.calls"
}

@test "systemd initramfs with strict: the hook starts dracut's emergency service itself" {
	hook_root "$SYSTEMD"
	hook_cmdline "rd.rpi_hw.strict=1"
	echo 1 >"$R/run/stub.boot-rc"
	run hook_sh DRACUT_SYSTEMD=1 "/bin/dracut-pre-udev"
	grep -qx "systemctl start dracut-emergency.service" "$R/run/stub.calls"
}

@test "systemd initramfs: dracut-pre-mount runs the wait hook" {
	hook_root "$SYSTEMD"
	run hook_sh DRACUT_SYSTEMD=1 NEWROOT=/sysroot "/bin/dracut-pre-mount; echo rc=\$?"
	[ "$(stub_calls | head -n 1)" = "overlay-slammer wait-device --timeout 7 /dev/axelera0" ]
}

@test "systemd emergency shell: the status is appended to rdsosreport.txt" {
	hook_root "$SYSTEMD"
	run hook_sh DRACUT_SYSTEMD=1 "/bin/dracut-emergency"
	grep -qx "sulogin -e" "$R/run/stub.calls"
	grep -q "^rpi-hardware: /usr/sbin/overlay-slammer status" "$R/run/initramfs/rdsosreport.txt"
	grep -q "overlay cruiser-raspberrypi-cm5: applied ($(cat "$R/run/stub.token"))" "$R/run/initramfs/rdsosreport.txt"
}

@test "the real helper runs inside the image, as in the rd.break shell" {
	hook_root "$CLASSIC"
	run chroot "$R" /run/overlay-slammer.real --version
	[ "$status" -eq 0 ]
	[[ $output == *overlay-slammer* ]]
	run chroot "$R" /run/overlay-slammer.real status
	[[ $status -ne 126 && $status -ne 127 ]]
	[[ $output == *cruiser-raspberrypi-cm5* ]]
}

@test "a hook reads its settings with one run of the helper: a bad value is reported once" {
	hook_root "$CLASSIC"
	hook_cmdline "rd.rpi_hw.timeout=soon"
	run classic_hook pre-mount
	[ "$(grep -c "rd.rpi_hw.timeout='soon' ignored" <<<"$output")" -eq 1 ]
}
