#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Emulated boots: Debian's kernel boots dracut images built from the working
# tree in QEMU, with the stand-in hardware of tests/kmod: the configfs overlay
# interface keeps the PCIe x1 port down until the Metis overlay enables it, and
# the metis driver binds, as axl, to the machine's real PCI card (QEMU's edu).
# All boots run first (several at once), each within a hard time limit; every
# test then asserts on one boot's serial console. How it works: docs/testing.md.
# RPI_HW_ACCEL=tcg forces TCG; the default probes KVM and falls back.

load vm
load assert

# name | image | kernel command line | shell prompt to wait for | what to type
# there | cards (edu devices, 1 unless given)
boots() {
	local overlays=rd.rpi_hw.overlays cruiser=cruiser-raspberrypi-cm5
	cat <<-EOF
		happy|$VM_IMG_CLASSIC|$VM_NOSHELL rpihw_test.root=twice||
		naming16|$VM_IMG_CLASSIC|$VM_NOSHELL metis.naming=1.6||
		twocards|$VM_IMG_CLASSIC|$VM_NOSHELL|||2
		udevfirst|$VM_IMG_CLASSIC|$VM_NOSHELL rpihw_overlays.port_up=1 rpihw_test.udev=early||
		disabled|$VM_IMG_CLASSIC|$VM_NOSHELL rd.rpi_hw=0 rpihw_test.root=selftest||
		faulty|$VM_IMG_FAULTY|$VM_NOSHELL $overlays=absent-overlay,truncated-metis,cruiser-poe-port,$cruiser,axelera-metis||
		strict-missing|$VM_IMG_FAULTY|rd.rpi_hw.strict=1 $overlays=$cruiser,absent-overlay|$SHELL_PROMPT|$SHELL_INPUT
		strict-corrupt|$VM_IMG_FAULTY|rd.rpi_hw.strict=1 $overlays=$cruiser,truncated-metis|$SHELL_PROMPT|$SHELL_INPUT
		strict-rejected|$VM_IMG_FAULTY|rd.rpi_hw.strict=1 $overlays=cruiser-poe-port,$cruiser,axelera-metis|$SHELL_PROMPT|$SHELL_INPUT
		nomodule|$VM_IMG_NOMOD|$VM_NOSHELL rd.rpi_hw.timeout=2||
		zstxz|$VM_IMG_ZSTXZ|$VM_NOSHELL rd.rpi_hw.modules=rp1_pci,metis||
		noiface|$VM_IMG_CLASSIC|$VM_NOSHELL rpihw_test.iface=0 rd.rpi_hw.timeout=2||
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
	export VM_OUT KERNEL_ABI VM_IMG_ZSTXZ
}

# --- assertions on one boot's console --------------------------------------

# --- scenarios --------------------------------------------------------------

@test "1 happy path: metis loaded, Cruiser then Metis, port up, card bound as axl, /dev/axelera0 before the root mounts" {
	chain_ok happy
	lacks happy '^rpihw_overlays: overlay .* rejected' "a rejected overlay"
	has happy '^rpihw-vmtest: root: configfs items: axelera-metis=applied cruiser-raspberrypi-cm5=applied$' \
		"exactly the two overlays in configfs"
	has happy "^rpihw-vmtest: root: class metis: version=1\.5\.[0-9]+-rpihw-standin $NODE->$NODE$" \
		"the class of driver 1.5: its version, one node"
}

@test "1 the timeline names every step of the chain" {
	local t
	t=$(vm_timeline "$VM_OUT/happy.log")
	echo "$t"
	[[ $t == *"helper    start: "* && $t == *"helper    end: done"* ]]
	[[ $t == *"module metis loaded"* ]]
	[[ $t == *"overlay cruiser-raspberrypi-cm5 applied"* && $t == *"overlay axelera-metis applied"* ]]
	[[ $t == *"PCIe x1 port up (overlay axelera-metis)"* && $t == *"PCI $CARD [1234:11e8] enumerated"* ]]
	[[ $t == *"$NODE created for $CARD (axl)"* && $t == *"links: axelera0"* ]]
	[[ $t == *"root /dev/vda mounted"* && $t == *"root      init running"* ]]
}

@test "1 driver 1.6 naming (metis.naming=1.6 from the command line): /dev/axelera0 -> metis-0-0-4, colon link in /sys/class/metis" {
	has naming16 '^metis: stand-in of Axelera.s driver 1\.6\.[0-9]+, naming 1\.6' "libkmod passing metis.naming=1.6"
	has naming16 "^metis: metis-0-0-4 created for $CARD \(axl\), /sys/class/metis/$NODE links to it" \
		"the dash-named node and its colon link"
	chain_ok naming16 metis-0-0-4
	has naming16 "^rpihw-vmtest: root: class metis: version=1\.6\.[0-9]+-rpihw-standin metis-0-0-4->metis-0-0-4 $NODE->metis-0-0-4$" \
		"the colon name in /sys/class/metis leading to the dash-named node"
	lacks naming16 "^metis: $NODE created" "a colon-named node"
}

@test "1 two cards: one node each, /dev/axelera0 and /dev/axelera1 by minor" {
	has twocards '^rpihw_overlays: PCIe x1 port up \(overlay axelera-metis\): card 0000:00:04\.0 \[1234:11e8\] found' "the first card"
	has twocards '^rpihw_overlays: PCIe x1 port up \(overlay axelera-metis\): card 0000:00:05\.0 \[1234:11e8\] found' "the second card"
	has twocards '^metis: metis-0:0:4 created for 0000:00:04\.0 \(axl\)' "the first card's node"
	has twocards '^metis: metis-0:0:5 created for 0000:00:05\.0 \(axl\)' "the second card's node"
	has twocards '^rpihw-vmtest: udev: /dev/metis-0:0:4 ready, links: axelera0$' "axelera0 for the first card only"
	has twocards '^rpihw-vmtest: udev: /dev/metis-0:0:5 ready, links: axelera1$' "axelera1 for the second card only"
	has twocards '^rpihw-vmtest: pre-mount: axelera0=metis-0:0:4 axelera1=metis-0:0:5 sysroot=unmounted' \
		"both links in pre-mount, root not mounted yet"
	completed twocards
	has twocards '^rpihw-vmtest: root: device: axelera0=metis-0:0:4 axelera1=metis-0:0:5$' "both links on the root"
	has twocards '^rpihw-vmtest: root: axl bound: 0000:00:04\.0 0000:00:05\.0$' "both cards bound to axl"
}

@test "1 port up from the start: udev loads metis before the helper, which finds it loaded; the link is there" {
	has udevfirst "^rpihw_overlays: PCIe x1 port up from the start \(port_up=1\): $CARD \[1234:11e8\] on the bus" \
		"the card on the bus from the start"
	lacks udevfirst '^rpihw_overlays: PCIe x1 port down' "the port taken down"
	has udevfirst '^rpihw-vmtest: udev-early: udev ran before the helper: metis loaded$' "udev loading metis by modalias"
	before udevfirst "^metis: $NODE created for $CARD \(axl\)" '^overlay-slammer: boot: ' \
		"the node made before the helper starts"
	has udevfirst '^overlay-slammer: module metis already loaded' "the helper saying metis was loaded already"
	lacks udevfirst '^overlay-slammer: loaded module metis ' "the helper loading metis itself"
	has udevfirst '^rpihw_overlays: overlay axelera-metis enables the PCIe x1 port, which is up already' \
		"the Metis overlay finding the port up"
	has udevfirst '^rpihw_overlays: overlay axelera-metis applied' "the Metis overlay applied all the same"
	has udevfirst "^rpihw-vmtest: pre-mount: axelera0=$NODE sysroot=unmounted" "/dev/axelera0 in pre-mount"
	completed udevfirst
	has udevfirst "^rpihw-vmtest: root: device: axelera0=$NODE$" "/dev/axelera0 on the root"
}

@test "2 rd.rpi_hw=0: nothing loaded or applied, boot completes" {
	completed disabled
	klog_initramfs disabled >"$BATS_TEST_TMPDIR/initramfs.log"
	! grep -E '^overlay-slammer: (loaded|applied)|^rpihw_overlays: (overlay|PCIe x1 port up)|^metis: ' \
		"$BATS_TEST_TMPDIR/initramfs.log" || fail_boot disabled "the helper acted although disabled"
	has disabled 'rpi-hardware: disabled' "the hook saying it is disabled"
	has disabled '^rpihw-vmtest: pre-mount: axelera0=absent' "no device in pre-mount"
	has disabled '^rpihw-vmtest: root: configfs items: none$' "no overlay items on the root"
	has disabled '^rpihw-vmtest: root: class metis: absent$' "metis not loaded: the card stayed off the bus"
}

@test "stand-ins: bad blobs rejected at close, write-once, 1 MiB cap, order, the x1 port, metis binding, naming, rmdir" {
	local c
	for c in bad-magic truncated totalsize-too-small bad-structure poe-port-before-cruiser \
		cruiser-applies poe-port-after-cruiser dtbo-write-once path-write-once size-limit \
		port-down port-up driver-binds unbind-bind naming-1.6 removal change-count; do
		has disabled "^rpihw-vmtest: root: selftest: $c ok$" "stand-in check '$c' to pass"
	done
	has disabled '^rpihw-vmtest: root: selftest: done: 17 ok, 0 failed$' "every stand-in check to pass"
	has disabled "^rpihw_overlays: overlay bad-magic rejected \(-22\): bad magic" "the kernel's reason"
	has disabled "^rpihw_overlays: overlay truncated rejected \(-22\): truncated" "the kernel's reason"
	has disabled "^rpihw_overlays: overlay early-poe rejected \(-22\): label 'cruiser_poe'" "the kernel's reason"
	has disabled "^rpihw_overlays: PCIe x1 port down \(overlay metis removed\): $CARD \[1234:11e8\] taken off the bus" \
		"the card going with the Metis overlay"
	has disabled "^metis: $NODE removed \($CARD\)" "the node going with the card"
}

@test "3 overlay missing from the image: clear message, no item left, boot completes" {
	has faulty '^overlay-slammer: overlay absent-overlay: absent-overlay\.dtbo not found in /usr/lib/rpi-hardware/overlays' \
		"the helper naming the missing overlay"
	lacks faulty '^rpihw-vmtest: root: configfs items:.*absent-overlay' "an absent-overlay item"
	completed faulty
}

@test "3 corrupt overlay: truncated blob refused before the kernel, no item left" {
	has faulty '^overlay-slammer: overlay truncated-metis: .* is not a valid overlay: .*truncated' \
		"the truncated overlay refused"
	lacks faulty '^rpihw_overlays: overlay truncated-metis' "the kernel seeing a corrupt overlay"
	lacks faulty '^rpihw-vmtest: root: configfs items:.*truncated' "an item for a corrupt overlay"
	completed faulty
}

@test "3 overlay the kernel rejects (label missing: PoE port before the Cruiser): status read back, item removed, boot completes" {
	has faulty "^rpihw_overlays: overlay cruiser-poe-port rejected \(-22\): label 'cruiser_poe'" "the kernel's refusal"
	has faulty "^overlay-slammer: overlay cruiser-poe-port: the kernel did not apply it" "the helper reporting it"
	has faulty '^rpihw-vmtest: root: configfs items: axelera-metis=applied cruiser-raspberrypi-cm5=applied$' \
		"the Cruiser and Metis items, no PoE port item"
	has faulty "^rpihw-vmtest: pre-mount: axelera0=$NODE sysroot=unmounted" "the card all the same"
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
	has strict-rejected "^overlay-slammer: overlay cruiser-poe-port: the kernel did not apply it" "the reason"
	has strict-rejected 'rpi-hardware: overlay-slammer boot failed: .*\(rd\.rpi_hw\.strict=1\)' \
		"the emergency message"
	# Strict stops at the first failure: the Cruiser overlay is not tried.
	lacks strict-rejected '^rpihw_overlays: overlay cruiser-raspberrypi-cm5 applied' "more overlays after the failure"
	console_has strict-rejected 'RPIHW-SHELL-42' "a working emergency shell"
	never_mounted strict-rejected
}

@test "4 driver missing from the image: warning naming it, overlays applied, card on the bus unbound, boot completes" {
	has nomodule "^overlay-slammer: module metis not found for kernel $KERNEL_ABI" "a warning naming metis"
	has nomodule '^rpihw_overlays: overlay axelera-metis applied' "the overlays applied all the same"
	has nomodule "^rpihw_overlays: PCIe x1 port up \(overlay axelera-metis\): card $CARD \[1234:11e8\] found" \
		"the card on the bus"
	lacks nomodule '^metis: ' "a driver for it"
	has nomodule '^rpihw-vmtest: pre-mount: axelera0=absent' "no device"
	completed nomodule
	has nomodule '^rpihw-vmtest: root: axl bound: none$' "the card unbound on the root"
}

@test "5 no configfs overlay interface: one clear line, boot completes without hanging" {
	local n
	n=$(klog noiface | grep -c '^overlay-slammer: this kernel has no configfs overlay interface')
	[[ $n == 1 ]] || fail_boot noiface "expected the helper's line once, got it $n times"
	lacks noiface '^overlay-slammer: (applied|overlay )' "an overlay attempt"
	has noiface "^rpihw_overlays: PCIe x1 port down \(until an overlay enables pcie1\): $CARD" "the port down"
	has noiface '^rpihw-vmtest: pre-mount: axelera0=absent' "no device"
	completed noiface
}

@test "9 compressed modules (.ko.zst, .ko.xz): the helper loads them, the same chain" {
	image_has "$VM_IMG_ZSTXZ" "lib/modules/$KERNEL_ABI/extra/metis.ko.zst"
	image_has "$VM_IMG_ZSTXZ" "lib/modules/$KERNEL_ABI/extra/rp1_pci.ko.xz"
	has zstxz '^overlay-slammer: loaded module rp1_pci ' "module rp1_pci (.ko.xz) loaded by the helper"
	chain_ok zstxz
}

@test "6 systemd initramfs: the same chain, /dev/axelera0 before the root mounts" {
	console_has systemd 'systemd\[1\]|Welcome to .*[Ii]nitrd|Reached target .*[Ii]nitrd' "systemd running the initramfs"
	chain_ok systemd
}

@test "7 rd.break=pre-mount: status in the shell shows both overlays applied and the device present" {
	console_has break 'Break before pre-mount' "dracut's pre-mount break"
	console_has break '^overlay +cruiser-raspberrypi-cm5 +applied' "cruiser-raspberrypi-cm5 applied in the status"
	console_has break '^overlay +axelera-metis +applied' "axelera-metis applied in the status"
	console_has break "^device +/dev/axelera0 +present -> $NODE" "the device and its node in the status"
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
