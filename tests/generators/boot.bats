#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Emulated boots of images made by the other generators, each run for real in
# a Debian root of its release (tests/lib/generators.bash) with this tree
# installed by `make install`: initramfs-tools 0.142 (Debian 12) and 0.148,
# dracut-ng 106 (Debian 13) classic and systemd. Everything else is tests/vm's:
# its kernel, stand-in modules and module tree, root file system, the
# administrator's hardware-ids for the emulated card, the Cruiser stand-in, the
# probes, QEMU (KVM probed, else TCG) and the chain assertions; only the glue
# that plays the machine's part for initramfs-tools is its own
# (tests/vm/initramfs-tools). A boot passes as tests/vm's happy boot does.

RPI_HW_VM_OUT=${RPI_HW_VM_OUT:-${BUILD_DIR:?}/vm-generators}
load ../vm/vm
load ../vm/assert
load ../lib/generators

# shellcheck disable=SC2034 # read by gen_run
GEN_VARS="VM_SRC VM_MODULES_CLASSIC VM_MODULES_SYSTEMD VM_EDU_ROW"

# The product's configuration of the emulated boots (tests/vm's), the
# administrator's row for the emulated card, the Cruiser overlay's stand-in
# where a Raspberry Pi root has it; the Metis overlay is the package's own.
boot_root() {
	gen_install || return
	vm_admin_etc "$GEN_MNT/etc" || return
	printf '%s\n' '# emulated boots (tests/generators)' 'timeout=5' >"$GEN_MNT/etc/rpi-hardware.conf"
	cp "$DW/overlays/cruiser-raspberrypi-cm5.dtbo" "$GEN_MNT/boot/firmware/overlays/"
	mkdir -p "$GEN_MNT/usr/lib/rpihw-vmtest"
	cp "$VM_SRC/dracut/99rpihw-vmtest/99-rpihw-vmtest.rules" "$GEN_MNT/usr/lib/rpihw-vmtest/"
	install -m 0755 "$VM_SRC/dracut/99rpihw-vmtest/vmtest-udev-log.sh" "$GEN_MNT/usr/lib/rpihw-vmtest/udev-log"
	install -m 0644 "$VM_SRC/dracut/99rpihw-vmtest/vmtest-premount.sh" "$GEN_MNT/usr/lib/rpihw-vmtest/premount.sh"
}

# initramfs-tools: the test glue in /etc/initramfs-tools, where an
# administrator's own hooks and scripts go; MODULES=list.
itools_image() {
	local etc=$GEN_MNT/etc/initramfs-tools
	mkdir -p "$etc/hooks" "$etc/scripts/init-top" "$etc/scripts/local-premount"
	install -m 0755 "$VM_SRC/initramfs-tools/hook" "$etc/hooks/rpihw-vmtest"
	install -m 0755 "$VM_SRC/initramfs-tools/init-top" "$etc/scripts/init-top/00-rpihw-vmtest"
	install -m 0755 "$VM_SRC/initramfs-tools/local-premount" "$etc/scripts/local-premount/rpihw-vmtest"
	sed -i 's/^MODULES=.*/MODULES=list/' "$etc/initramfs.conf"
	gen_chroot mkinitramfs -c gzip -o "/out/$1.img" "$KERNEL_ABI" >"$GEN_MNT/out/$1.log" 2>&1
}

# dracut-ng: the installed 95rpi-hardware and tests/vm's test module.
dracut_ng_image() {
	local name=$1 modules=$2
	cp -r "$VM_SRC/dracut/99rpihw-vmtest" "$GEN_MNT/usr/lib/dracut/modules.d/"
	gen_chroot dracut --no-hostonly --no-compress --no-early-microcode --force \
		-m "$modules" --kver "$KERNEL_ABI" "/out/$name.img" >"$GEN_MNT/out/$name.log" 2>&1
}

bookworm_images() {
	boot_root && itools_image itools-0142
}

trixie_images() {
	boot_root && itools_image itools-0148 &&
		dracut_ng_image dracutng-classic "$VM_MODULES_CLASSIC" &&
		dracut_ng_image dracutng-systemd "$VM_MODULES_SYSTEMD" &&
		gen_chroot dracut --version >"$GEN_MNT/out/dracut.version"
}

boots() {
	local out=$BATS_FILE_TMPDIR
	cat <<-EOF
		itools-0142|$out/bookworm/out/itools-0142.img|$VM_NOSHELL rpihw_test.root=twice||
		itools-0148|$out/trixie/out/itools-0148.img|$VM_NOSHELL rpihw_test.root=twice||
		dracutng-classic|$out/trixie/out/dracutng-classic.img|$VM_NOSHELL rpihw_test.root=twice||
		dracutng-systemd|$out/trixie/out/dracutng-systemd.img|$VM_NOSHELL rpihw_test.root=twice||
	EOF
}

setup_file() {
	[[ $EUID -eq 0 ]] || skip "needs root for chroot and overlay mounts"
	local tree suite name
	VM_ONLY_CLASSIC=1 vm_prepare "$BATS_FILE_TMPDIR/vm" || return 1
	vm_accel || return 1
	tree=$(_vm_tree full) || return 1
	for suite in bookworm trixie; do
		gen_root "$suite" || return 1
		gen_run "$BATS_FILE_TMPDIR/$suite" "$KERNEL_ABI" "$tree/lib/modules/$KERNEL_ABI" "${suite}_images" || {
			tail -n 30 "$BATS_FILE_TMPDIR/$suite"/out/*.log >&2
			return 1
		}
	done
	echo "# emulated boots: kernel $KERNEL_ABI, $VM_ACCEL_NOTE; logs in $VM_OUT" >&3
	boots | vm_boot_all
	while IFS='|' read -r name _; do
		echo "# boot $name ($(cat "$VM_OUT/$name.result" 2>/dev/null)):" >&3
		vm_timeline "$VM_OUT/$name.log" | sed 's/^/#/' >&3
	done < <(boots)
	export VM_OUT KERNEL_ABI
}

@test "initramfs-tools 0.142 (Debian 12): the chain, /dev/axelera0 before the root mounts" {
	chain_ok itools-0142
	has itools-0142 '^rpihw-vmtest: root: twice: apply=0 boot=0 changes=2->2 status=same$' \
		"the root's second run changing nothing"
}

@test "initramfs-tools 0.142: the interface before udev, the helper after udev started, the wait before local-premount" {
	before itools-0142 '^rpihw-vmtest: interface: configfs overlay interface module loaded' \
		'^overlay-slammer: boot: ' "the interface's stand-in before the helper"
	has itools-0142 '^rpi-hardware: modules loaded and overlays applied' "the boot script's line in the kernel log"
	before itools-0142 '^rpi-hardware: waiting up to 5 s for /dev/axelera0' '^rpihw-vmtest: pre-mount: ' \
		"the wait (init-premount) before the probe (local-premount)"
	lacks itools-0142 'rpi-hardware: (overlay-slammer .* failed|booting on without it)' "a failed step"
}

@test "initramfs-tools 0.148 (Debian 13): the same chain" {
	chain_ok itools-0148
}

@test "dracut-ng 106 (Debian 13), classic initramfs: the same chain" {
	[[ $(cat "$BATS_FILE_TMPDIR/trixie/out/dracut.version") == *" 106"* ]]
	chain_ok dracutng-classic
	has dracutng-classic '^rpihw-vmtest: root: twice: apply=0 boot=0 changes=2->2 status=same$' \
		"the root's second run changing nothing"
}

@test "dracut-ng 106, systemd initramfs: the same chain" {
	console_has dracutng-systemd 'systemd\[1\]|Welcome to .*[Ii]nitrd|Reached target .*[Ii]nitrd' "systemd running the initramfs"
	chain_ok dracutng-systemd
}

@test "no boot hit a kernel warning, oops or panic" {
	local name found=()
	while IFS='|' read -r name _; do
		klog "$name" | grep -qE 'WARNING: CPU|BUG:|Oops|general protection|Kernel panic' &&
			found+=("$name: $(klog "$name" | grep -m1 -E 'WARNING: CPU|BUG:|Oops|general protection|Kernel panic')")
	done < <(boots)
	((${#found[@]} == 0)) || { printf '%s\n' "${found[@]}"; return 1; }
}
