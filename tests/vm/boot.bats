#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Emulated boots: Debian's kernel boots dracut images built from the working
# tree in QEMU, with the stand-in hardware of tests/kmod/standin. All boots run
# first (several at once), each within a hard time limit; every test then
# asserts on one boot's serial console. How it works: docs/testing.md.
# RPI_HW_ACCEL=tcg forces TCG; the default probes KVM and falls back.

load vm
load assert

# name | image | kernel command line | shell prompt to wait for | what to type there
boots() {
	local overlays=rd.rpi_hw.overlays
	cat <<-EOF
		happy|$VM_IMG_CLASSIC|$VM_NOSHELL rpihw_test.root=twice||
		disabled|$VM_IMG_CLASSIC|$VM_NOSHELL rd.rpi_hw=0 rpihw_test.root=selftest||
		faulty|$VM_IMG_FAULTY|$VM_NOSHELL $overlays=absent-overlay,tampered-metis,truncated-metis,axelera-metis,exaviz-cruiser||
		strict-missing|$VM_IMG_FAULTY|rd.rpi_hw.strict=1 $overlays=exaviz-cruiser,absent-overlay|$SHELL_PROMPT|$SHELL_INPUT
		strict-corrupt|$VM_IMG_FAULTY|rd.rpi_hw.strict=1 $overlays=exaviz-cruiser,truncated-metis|$SHELL_PROMPT|$SHELL_INPUT
		strict-rejected|$VM_IMG_CLASSIC|rd.rpi_hw.strict=1 $overlays=axelera-metis,exaviz-cruiser|$SHELL_PROMPT|$SHELL_INPUT
		nomodule|$VM_IMG_NOMOD|$VM_NOSHELL||
		noiface|$VM_IMG_CLASSIC|$VM_NOSHELL rpihw_test.iface=0||
		systemd|$VM_IMG_SYSTEMD|$VM_NOSHELL rpihw_test.root=twice||
		break|$VM_IMG_CLASSIC|rd.break=pre-mount|pre-mount:/# |$BREAK_INPUT
	EOF
}

# The arithmetic only comes out as 42 if a shell ran the line: the console's
# echo of the typed text says $((6*7)).
SHELL_PROMPT='rpi-hardware:/# '
SHELL_INPUT='echo RPIHW-SHELL-$((6*7)); echo o > /proc/sysrq-trigger'
BREAK_INPUT='overlay-slammer status; echo RPIHW-STATUS-EXIT-$?; exit'

setup_file() {
	local name
	vm_prepare "$BATS_FILE_TMPDIR/vm" || return 1
	vm_accel || return 1
	echo "# emulated boots: kernel $KERNEL_ABI, $VM_ACCEL_NOTE; logs in $VM_OUT" >&3
	boots | vm_boot_all
	while IFS='|' read -r name _; do
		echo "# boot $name ($(cat "$VM_OUT/$name.result" 2>/dev/null)):" >&3
		vm_timeline "$VM_OUT/$name.log" | sed 's/^/#/' >&3
	done < <(boots)
	export VM_OUT KERNEL_ABI
}

# --- assertions on one boot's console --------------------------------------

stamp() {
	vm_stamp "$VM_OUT/$1.log" "$2"
}

# before BOOT ERE-A ERE-B WHAT: A's first line has an earlier kernel time than B's.
before() {
	local a b
	a=$(stamp "$1" "$2")
	b=$(stamp "$1" "$3")
	[[ -n $a && -n $b ]] || fail_boot "$1" "$4: missing /$2/ (${a:-none}) or /$3/ (${b:-none})" || return
	awk -v a="$a" -v b="$b" 'BEGIN { exit !(a < b) }' || fail_boot "$1" "$4: /$2/ at $a is not before /$3/ at $b"
}

completed() {
	has "$1" '^rpihw-vmtest: root: init running' "the root filesystem's init to run" &&
		has "$1" '^rpihw-vmtest: root: powering off' "the root's init to finish"
}

# The chain of a good boot, classic or systemd.
chain_ok() {
	local m
	for m in axdevice rp1_uart rp1_pci; do
		has "$1" "^overlay-slammer: loaded module $m " "module $m loaded by the helper" || return
	done
	has "$1" '^rpihw_overlays: overlay exaviz-cruiser applied' "the Cruiser overlay applied" &&
		has "$1" '^rpihw_overlays: overlay axelera-metis applied' "the Metis overlay applied" &&
		before "$1" '^rpihw_overlays: overlay exaviz-cruiser applied' \
			'^rpihw_overlays: overlay axelera-metis applied' "Cruiser before Metis" &&
		has "$1" '^axdevice: accel0 created for metis-endpoint' "the accel node on the endpoint" &&
		has "$1" '^rpihw-vmtest: udev: /dev/accel0 ready, links: .*axelera0' "udev's /dev/axelera0 link" &&
		has "$1" '^rpihw-vmtest: pre-mount: axelera0=accel0 sysroot=unmounted' \
			"/dev/axelera0 -> accel0 in pre-mount, root not mounted yet" &&
		before "$1" '^rpihw-vmtest: pre-mount: axelera0=accel0' '^EXT4-fs \(vda\): mounted' \
			"/dev/axelera0 before the root mount" &&
		completed "$1" &&
		has "$1" '^rpihw-vmtest: root: device: axelera0=accel0' "/dev/axelera0 still there on the root"
}

# --- scenarios --------------------------------------------------------------

@test "1 happy path: modules, Cruiser then Metis, /dev/axelera0 before the root mounts, root init runs" {
	chain_ok happy
	lacks happy '^rpihw_overlays: overlay .* rejected' "a rejected overlay"
	has happy '^rpihw-vmtest: root: configfs items: axelera-metis=applied exaviz-cruiser=applied$' \
		"exactly the two overlays in configfs"
}

@test "1 the timeline names every step of the chain" {
	local t
	t=$(vm_timeline "$VM_OUT/happy.log")
	echo "$t"
	[[ $t == *"helper    start: "* && $t == *"helper    end: done"* ]]
	[[ $t == *"module axdevice loaded"* && $t == *"module rp1_pci loaded"* ]]
	[[ $t == *"overlay exaviz-cruiser applied"* && $t == *"overlay axelera-metis applied"* ]]
	[[ $t == *"accel0 created"* && $t == *"links: axelera0"* ]]
	[[ $t == *"root /dev/vda mounted"* && $t == *"root      init running"* ]]
}

@test "2 rd.rpi_hw=0: nothing loaded or applied, boot completes" {
	completed disabled
	klog_initramfs disabled >"$BATS_TEST_TMPDIR/initramfs.log"
	! grep -E '^overlay-slammer: (loaded|applied)|^rpihw_overlays: overlay|^axdevice: ' \
		"$BATS_TEST_TMPDIR/initramfs.log" || fail_boot disabled "the helper acted although disabled"
	has disabled 'rpi-hardware: disabled' "the hook saying it is disabled"
	has disabled '^rpihw-vmtest: pre-mount: axelera0=absent' "no device in pre-mount"
	has disabled '^rpihw-vmtest: root: configfs items: none$' "no overlay items on the root"
}

@test "stand-in kernel interface: bad blobs rejected at close, write-once, 1 MiB cap, order, rmdir" {
	local c
	for c in bad-magic truncated totalsize-too-small bad-structure metis-before-cruiser \
		cruiser-applies dtbo-write-once path-write-once size-limit metis-endpoint removal \
		change-count; do
		has disabled "^rpihw-vmtest: root: selftest: $c ok$" "stand-in check '$c' to pass"
	done
	has disabled '^rpihw-vmtest: root: selftest: done: 12 ok, 0 failed$' "every stand-in check to pass"
	has disabled "^rpihw_overlays: overlay bad-magic rejected \(-22\): bad magic" "the kernel's reason"
	has disabled "^rpihw_overlays: overlay truncated rejected \(-22\): truncated" "the kernel's reason"
}

@test "3 overlay missing from the image: clear message, no item left, boot completes" {
	has faulty '^overlay-slammer: overlay absent-overlay: absent-overlay\.dtbo not found in /usr/lib/rpi-hardware/overlays' \
		"the helper naming the missing overlay"
	lacks faulty '^rpihw-vmtest: root: configfs items:.*absent-overlay' "an absent-overlay item"
	completed faulty
}

@test "3 corrupt overlay: checksum mismatch and truncated blob refused before the kernel, no item left" {
	has faulty '^overlay-slammer: overlay tampered-metis: .*checksum mismatch' "the checksum mismatch"
	has faulty '^overlay-slammer: overlay truncated-metis: .* is not a valid overlay: .*truncated' \
		"the truncated overlay refused"
	lacks faulty '^rpihw_overlays: overlay (tampered|truncated)-metis' "the kernel seeing a corrupt overlay"
	lacks faulty '^rpihw-vmtest: root: configfs items:.*(tampered|truncated)' "an item for a corrupt overlay"
	completed faulty
}

@test "3 overlay the kernel rejects (Metis before Cruiser): status read back, item removed, boot completes" {
	has faulty "^rpihw_overlays: overlay axelera-metis rejected \(-22\): label 'cruiser_m2'" "the kernel's refusal"
	has faulty "^overlay-slammer: overlay axelera-metis: the kernel did not apply it" "the helper reporting it"
	has faulty '^rpihw-vmtest: root: configfs items: exaviz-cruiser=applied$' "only the Cruiser item"
	has faulty '^rpihw-vmtest: pre-mount: axelera0=absent' "no device without the Metis overlay"
	has faulty 'rpi-hardware: booting on without it' "the hook booting on (not strict)"
	completed faulty
}

@test "3 strict, overlay missing: emergency shell with the reason, root never mounted" {
	has strict-missing '^overlay-slammer: overlay absent-overlay: absent-overlay\.dtbo not found' "the reason"
	has strict-missing 'rpi-hardware: overlay-slammer boot failed: .*\(rd\.rpi_hw\.strict=1\)' \
		"the emergency message"
	console_has strict-missing 'RPIHW-SHELL-42' "a working emergency shell"
	never_mounted strict-missing
}

@test "3 strict, corrupt overlay: emergency shell with the reason, root never mounted" {
	has strict-corrupt '^overlay-slammer: overlay truncated-metis: .* is not a valid overlay' "the reason"
	has strict-corrupt 'rpi-hardware: overlay-slammer boot failed: .*\(rd\.rpi_hw\.strict=1\)' \
		"the emergency message"
	console_has strict-corrupt 'RPIHW-SHELL-42' "a working emergency shell"
	never_mounted strict-corrupt
}

@test "3 strict, overlay the kernel rejects: emergency shell with the reason, no item left" {
	has strict-rejected "^overlay-slammer: overlay axelera-metis: the kernel did not apply it" "the reason"
	has strict-rejected 'rpi-hardware: overlay-slammer boot failed: .*\(rd\.rpi_hw\.strict=1\)' \
		"the emergency message"
	# Strict stops at the first failure: the Cruiser overlay is not tried.
	lacks strict-rejected '^rpihw_overlays: overlay exaviz-cruiser applied' "more overlays after the failure"
	console_has strict-rejected 'RPIHW-SHELL-42' "a working emergency shell"
	never_mounted strict-rejected
}

@test "4 module missing from the image: warning naming it, the rest works, boot completes" {
	has nomodule "^overlay-slammer: module rp1_pci not found for kernel $KERNEL_ABI" "a warning naming rp1_pci"
	has nomodule '^overlay-slammer: loaded module axdevice ' "the other modules loaded"
	has nomodule '^rpihw-vmtest: pre-mount: axelera0=accel0 sysroot=unmounted' "the device all the same"
	completed nomodule
}

@test "5 no configfs overlay interface: one clear line, boot completes without hanging" {
	local n
	n=$(klog noiface | grep -c '^overlay-slammer: this kernel has no configfs overlay interface')
	[[ $n == 1 ]] || fail_boot noiface "expected the helper's line once, got it $n times"
	lacks noiface '^overlay-slammer: (applied|overlay )' "an overlay attempt"
	has noiface '^rpihw-vmtest: pre-mount: axelera0=absent' "no device"
	completed noiface
}

@test "6 systemd initramfs: the same chain, /dev/axelera0 before the root mounts" {
	console_has systemd 'systemd\[1\]|Welcome to .*[Ii]nitrd|Reached target .*[Ii]nitrd' "systemd running the initramfs"
	chain_ok systemd
}

@test "7 rd.break=pre-mount: status in the shell shows both overlays applied and the device present" {
	console_has break 'Break before pre-mount' "dracut's pre-mount break"
	console_has break '^overlay +exaviz-cruiser +applied' "exaviz-cruiser applied in the status"
	console_has break '^overlay +axelera-metis +applied' "axelera-metis applied in the status"
	console_has break '^device +/dev/axelera0 +present -> accel0' "the device in the status"
	console_has break 'RPIHW-STATUS-EXIT-0' "status exiting 0"
	completed break
}

@test "8 running the helper again after switch_root (apply, then boot) changes nothing" {
	has happy '^rpihw-vmtest: root: twice: apply=0 boot=0 changes=2->2 status=same$' \
		"both runs to succeed without a configfs change"
	has happy '^overlay-slammer: overlay axelera-metis already applied; unchanged' "the helper saying so"
	has systemd '^rpihw-vmtest: root: twice: apply=0 boot=0 changes=2->2 status=same$' \
		"the same after the systemd initramfs"
}

@test "no boot hit a kernel warning, oops or panic" {
	local name found=()
	while IFS='|' read -r name _; do
		klog "$name" | grep -qE 'WARNING: CPU|BUG:|Oops|general protection|Kernel panic' &&
			found+=("$name: $(klog "$name" | grep -m1 -E 'WARNING: CPU|BUG:|Oops|general protection|Kernel panic')")
	done < <(boots)
	((${#found[@]} == 0)) || { printf '%s\n' "${found[@]}"; return 1; }
}
