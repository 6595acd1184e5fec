#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Fault injection in the emulated boots. Each fault boots twice: by default,
# where the helper names the fault in one line and the boot still reaches the
# root, and with rd.rpi_hw.strict=1, where dracut's emergency shell opens with
# the reason (a fault the helper repairs stops nothing, strict or not). Every
# boot runs within the harness's hard time limit; one that hits it is a hang.
# The last test prints "# faults: N, boots survived: N, hangs: N". The matrix
# and how each fault is put in place: docs/testing.md.

load vm
load assert
load faults

# rd.rpi_hw.timeout of every fault boot, and how long after it the wait for a
# device that never appears may end: the helper checks its deadline every 20 ms,
# the rest is the guest's scheduling. This bound is the feature under test.
WAIT_TIMEOUT=2
WAIT_SLACK=1

# fault | what it adds to the kernel command line (both modes)
faults() {
	local ovl=rd.rpi_hw.overlays=cruiser-raspberrypi-cm5
	cat <<-EOF
		truncated|$ovl,f-truncated,axelera-metis
		notoverlay|$ovl,f-notoverlay,axelera-metis
		oversize|$ovl,f-oversize,axelera-metis
		stale|rpihw_test.stale=axelera-metis
		noconfigfs|module_blacklist=configfs
		modfail|rd.rpi_hw.modules=metis,rpihw_initfail,rp1_pci
		nodevice|rd.rpi_hw.modules=rp1_pci module_blacklist=metis
		kmsgro|rpihw_test.kmsg=ro
	EOF
}

# What the emergency shell is asked: the overlay items left in configfs, a sum
# only a shell computes (its echo says $((6*7)), not 42), then power off.
SHELL_PROMPT='rpi-hardware:/# '
SHELL_INPUT='for d in /sys/kernel/config/device-tree/overlays/*; do [ -d "$d" ] && read -r s < "$d/status" && echo "RPIHW-ITEM:${d##*/}:$s"; done; echo RPIHW-SHELL-$((6*7)); echo o > /proc/sysrq-trigger'

# name | image | kernel command line | shell prompt to wait for | what to type there
# The default boots run to the root and take longer: they go first.
boots() {
	local id args common="rd.rpi_hw.timeout=$WAIT_TIMEOUT"
	while IFS='|' read -r id args; do
		echo "fault-$id|$VM_IMG_FAULTS|$VM_NOSHELL $common $args||"
	done < <(faults)
	while IFS='|' read -r id args; do
		echo "fault-$id-strict|$VM_IMG_FAULTS|rd.rpi_hw.strict=1 $common $args|$SHELL_PROMPT|$SHELL_INPUT"
	done < <(faults)
}

setup_file() {
	local name
	VM_ONLY_CLASSIC=1 vm_prepare "$BATS_FILE_TMPDIR/vm" || return 1
	VM_IMG_FAULTS=$BATS_FILE_TMPDIR/vm/faults.img
	vm_fault_image "$VM_IMG_CLASSIC" "$VM_IMG_FAULTS" || return 1
	vm_accel || return 1
	echo "# fault boots: kernel $KERNEL_ABI, $VM_ACCEL_NOTE, limit $(vm_timeout) s each; logs in $VM_OUT" >&3
	boots | vm_boot_all
	while IFS='|' read -r name _; do
		echo "# boot $name: $(cat "$VM_OUT/$name.result" 2>/dev/null || echo 'no result')" >&3
	done < <(boots)
	export VM_OUT VM_IMG_FAULTS
}

# --- assertions on one boot's console --------------------------------------

# The helper's reason: in the kernel log as exactly one record.
reason() {
	local n
	n=$(klog "$1" | grep -cE -- "$2")
	[[ $n == 1 ]] || fail_boot "$1" "expected the helper's reason once (/$2/), got it $n times"
}

# QEMU ended on its own: the hard time limit did not stop it.
not_hung() {
	local r
	r=$(cat "$VM_OUT/$1.result" 2>/dev/null) || fail_boot "$1" "no result: the boot did not run" || return
	[[ $r != qemu=124\ * && $r != qemu=137\ * ]] ||
		fail_boot "$1" "hit the hard limit of $(vm_timeout) s ($r): the boot hung"
}

completed() {
	has "$1" '^rpihw-vmtest: root: init running' "the root filesystem's init to run" &&
		has "$1" '^rpihw-vmtest: root: powering off' "the root's init to finish" &&
		not_hung "$1"
}

# Default mode: the hook warned with its reason and went on.
booted_on() {
	has "$1" "^dracut Warning: rpi-hardware: $2\$" "the hook's warning" &&
		has "$1" 'rpi-hardware: booting on without it' "the hook booting on (not strict)"
}

# Nothing failed: no warning of the hook and no emergency, strict or not.
nothing_failed() {
	! console_plain "$1" | grep -qE 'dracut Warning: rpi-hardware:' ||
		fail_boot "$1" "did not expect a warning of the hook: $(console_plain "$1" | grep -m1 'dracut Warning: rpi-hardware:')"
}

# Strict mode: the hook's reason opens the emergency shell, a shell runs there,
# the root never mounts, and QEMU ends because the shell powered off.
stopped() {
	has "$1" "rpi-hardware: $2 \(rd\.rpi_hw\.strict=1\)" "the emergency message with the reason" &&
		console_has "$1" 'RPIHW-SHELL-42' "a working emergency shell" &&
		never_mounted "$1" &&
		not_hung "$1"
}

# The configfs items as the root's init lists them ("none" for none).
root_items() {
	has "$1" "^rpihw-vmtest: root: configfs items: $2\$" "exactly these configfs items on the root: $2"
}

# The configfs items as the emergency shell listed them.
shell_items() {
	local got
	got=$(console_plain "$1" | sed -n 's/^RPIHW-ITEM:\([^:]*\):\(.*\)$/\1=\2/p' | tr '\n' ' ')
	got=${got% }
	[[ ${got:-none} == "$2" ]] || fail_boot "$1" "expected configfs items '$2' in the shell, got '${got:-none}'"
}

device_ok() {
	has "$1" '^rpihw-vmtest: pre-mount: axelera0=metis-0:0:4 sysroot=unmounted' "/dev/axelera0 before the root mounts"
}

BOTH='axelera-metis=applied cruiser-raspberrypi-cm5=applied'

# The bounded wait: from the hook starting it to the hook seeing it fail takes
# the timeout, not less and at most the slack more.
wait_bounded() {
	local a b
	a=$(vm_stamp "$VM_OUT/$1.log" "rpi-hardware: waiting up to $WAIT_TIMEOUT s for /dev/axelera0")
	b=$(vm_stamp "$VM_OUT/$1.log" 'rpi-hardware: overlay-slammer wait-device failed: ')
	[[ -n $a && -n $b ]] || fail_boot "$1" "no start (${a:-none}) or end (${b:-none}) of the wait" || return
	awk -v a="$a" -v b="$b" -v t="$WAIT_TIMEOUT" -v s="$WAIT_SLACK" 'BEGIN { d = b - a; exit !(d >= t && d <= t + s) }' ||
		fail_boot "$1" "the wait ran from $a to $b: not within ${WAIT_TIMEOUT} s to ${WAIT_TIMEOUT} s + ${WAIT_SLACK} s"
}

# --- overlays broken in the image -------------------------------------------

@test "truncated dtbo, default: refused in one line before the kernel, no item, the rest applied, root reached" {
	reason fault-truncated '^overlay-slammer: overlay f-truncated: .*/f-truncated\.dtbo is not a valid overlay: truncated'
	lacks fault-truncated '^rpihw_overlays: overlay f-truncated' "the kernel seeing the truncated overlay"
	booted_on fault-truncated 'overlay-slammer boot failed: a step failed'
	device_ok fault-truncated
	root_items fault-truncated "$BOTH"
	completed fault-truncated
}

@test "truncated dtbo, strict: emergency shell with the reason, stops at it, no item" {
	reason fault-truncated-strict '^overlay-slammer: overlay f-truncated: .* is not a valid overlay: truncated'
	stopped fault-truncated-strict 'overlay-slammer boot failed: a step failed'
	lacks fault-truncated-strict '^rpihw_overlays: overlay axelera-metis' "an overlay tried after the failure"
	lacks fault-truncated-strict '^rpihw_overlays: PCIe x1 port up' "the port up without the Metis overlay"
	shell_items fault-truncated-strict 'cruiser-raspberrypi-cm5=applied'
}

@test "dtbo of a non-overlay tree, default: refused in one line before the kernel, no item, root reached" {
	reason fault-notoverlay '^overlay-slammer: overlay f-notoverlay: .* is not a valid overlay: not an overlay'
	lacks fault-notoverlay '^rpihw_overlays: overlay f-notoverlay' "the kernel seeing the non-overlay tree"
	booted_on fault-notoverlay 'overlay-slammer boot failed: a step failed'
	device_ok fault-notoverlay
	root_items fault-notoverlay "$BOTH"
	completed fault-notoverlay
}

@test "dtbo of a non-overlay tree, strict: emergency shell with the reason, no item" {
	reason fault-notoverlay-strict '^overlay-slammer: overlay f-notoverlay: .* is not a valid overlay: not an overlay'
	stopped fault-notoverlay-strict 'overlay-slammer boot failed: a step failed'
	shell_items fault-notoverlay-strict 'cruiser-raspberrypi-cm5=applied'
}

@test "oversize dtbo, default: refused by its size in one line, no item, root reached" {
	reason fault-oversize "^overlay-slammer: overlay f-oversize: .*/f-oversize\.dtbo is larger than the kernel's 1 MiB limit"
	booted_on fault-oversize 'overlay-slammer boot failed: a step failed'
	device_ok fault-oversize
	root_items fault-oversize "$BOTH"
	completed fault-oversize
}

@test "oversize dtbo, strict: emergency shell with the reason, no item" {
	reason fault-oversize-strict "^overlay-slammer: overlay f-oversize: .* is larger than the kernel's 1 MiB limit"
	stopped fault-oversize-strict 'overlay-slammer boot failed: a step failed'
	shell_items fault-oversize-strict 'cruiser-raspberrypi-cm5=applied'
}

# --- the running system -----------------------------------------------------

@test "overlay item already present and unapplied, default: removed and applied, no warning, root reached" {
	has fault-stale '^rpihw-vmtest: fault: item axelera-metis left behind, status unapplied$' "the stale item in place"
	reason fault-stale '^overlay-slammer: overlay axelera-metis: removing an unapplied item left behind'
	has fault-stale '^rpihw_overlays: overlay axelera-metis applied' "the Metis overlay applied in its place"
	nothing_failed fault-stale
	device_ok fault-stale
	root_items fault-stale "$BOTH"
	completed fault-stale
}

@test "overlay item already present and unapplied, strict: repaired, so nothing stops the boot" {
	has fault-stale-strict '^rpihw-vmtest: fault: item axelera-metis left behind, status unapplied$' "the stale item in place"
	reason fault-stale-strict '^overlay-slammer: overlay axelera-metis: removing an unapplied item left behind'
	nothing_failed fault-stale-strict
	lacks fault-stale-strict '\(rd\.rpi_hw\.strict=1\)' "an emergency"
	device_ok fault-stale-strict
	root_items fault-stale-strict "$BOTH"
	completed fault-stale-strict
}

@test "configfs not mountable (kernel refuses the module), default: one line, nothing mounted or applied, root reached" {
	has fault-noconfigfs '^rpihw-vmtest: interface: loading rpihw_overlays failed' "the interface kept out with configfs"
	reason fault-noconfigfs '^overlay-slammer: this kernel has no configfs overlay interface'
	lacks fault-noconfigfs '^overlay-slammer: (applied|overlay )' "an overlay attempt"
	booted_on fault-noconfigfs 'overlay-slammer boot failed: the kernel has no configfs overlay interface .*'
	root_items fault-noconfigfs none
	completed fault-noconfigfs
}

@test "configfs not mountable, strict: emergency shell with the reason" {
	reason fault-noconfigfs-strict '^overlay-slammer: this kernel has no configfs overlay interface'
	stopped fault-noconfigfs-strict 'overlay-slammer boot failed: the kernel has no configfs overlay interface .*'
	shell_items fault-noconfigfs-strict none
}

@test "module present but failing to load, default: one line, the other modules and the device, root reached" {
	has fault-modfail '^rpihw_initfail: test stand-in: initialisation fails on purpose' "the module's init failing"
	reason fault-modfail '^overlay-slammer: module rpihw_initfail: the kernel refused it: '
	has fault-modfail '^overlay-slammer: loaded module rp1_pci ' "the modules after it loaded"
	booted_on fault-modfail 'overlay-slammer boot failed: a step failed'
	device_ok fault-modfail
	root_items fault-modfail "$BOTH"
	completed fault-modfail
}

@test "module present but failing to load, strict: emergency shell with the reason, nothing after it" {
	reason fault-modfail-strict '^overlay-slammer: module rpihw_initfail: the kernel refused it: '
	stopped fault-modfail-strict 'overlay-slammer boot failed: a step failed'
	lacks fault-modfail-strict '^overlay-slammer: loaded module rp1_pci' "a module loaded after the failure"
	lacks fault-modfail-strict '^rpihw_overlays: overlay' "an overlay applied after the failure"
	shell_items fault-modfail-strict none
}

@test "device never appearing, default: the wait ends at the timeout, not later; one line; root reached" {
	has fault-nodevice '^rpihw_overlays: PCIe x1 port up \(overlay axelera-metis\): card 0000:00:04\.0 \[1234:11e8\] found' \
		"the card on the bus"
	has fault-nodevice '^Module metis is blacklisted' "udev's load of the driver refused (module_blacklist=metis)"
	lacks fault-nodevice '^metis: metis-' "a driver binding the card"
	wait_bounded fault-nodevice
	reason fault-nodevice "^overlay-slammer: /dev/axelera0 did not appear within $WAIT_TIMEOUT s"
	booted_on fault-nodevice "overlay-slammer wait-device failed: /dev/axelera0 did not appear within $WAIT_TIMEOUT s"
	has fault-nodevice '^rpihw-vmtest: pre-mount: axelera0=absent sysroot=unmounted' "no device"
	root_items fault-nodevice "$BOTH"
	completed fault-nodevice
}

@test "device never appearing, strict: the wait ends at the timeout, emergency shell with the reason" {
	wait_bounded fault-nodevice-strict
	reason fault-nodevice-strict "^overlay-slammer: /dev/axelera0 did not appear within $WAIT_TIMEOUT s"
	stopped fault-nodevice-strict "overlay-slammer wait-device failed: /dev/axelera0 did not appear within $WAIT_TIMEOUT s"
	shell_items fault-nodevice-strict "$BOTH"
}

@test "read-only /dev/kmsg, default: the helper logs to the console only and does its work, root reached" {
	has fault-kmsgro '^rpihw-vmtest: fault: making /dev/kmsg read-only$' "the fault put in place"
	has fault-kmsgro '^rpihw-vmtest: fault: /dev/kmsg writable again; while read-only it refused writes$' \
		"/dev/kmsg refusing writes while the helper ran"
	! klog_initramfs fault-kmsgro | grep -qE '^overlay-slammer: ' ||
		fail_boot fault-kmsgro "the helper's lines reached the kernel log although /dev/kmsg was read-only"
	plain_has fault-kmsgro 'overlay-slammer: applied overlay cruiser-raspberrypi-cm5 ' "the helper's line on stderr"
	plain_has fault-kmsgro 'overlay-slammer: applied overlay axelera-metis ' "the helper's line on stderr"
	plain_has fault-kmsgro 'overlay-slammer: /dev/axelera0 present after ' "the wait's line on stderr"
	has fault-kmsgro '^rpihw_overlays: overlay axelera-metis applied' "the kernel applying the Metis overlay"
	nothing_failed fault-kmsgro
	device_ok fault-kmsgro
	root_items fault-kmsgro "$BOTH"
	completed fault-kmsgro
}

@test "read-only /dev/kmsg, strict: not a failure, so nothing stops the boot" {
	has fault-kmsgro-strict '^rpihw-vmtest: fault: /dev/kmsg writable again; while read-only it refused writes$' \
		"/dev/kmsg refusing writes while the helper ran"
	plain_has fault-kmsgro-strict 'overlay-slammer: applied overlay axelera-metis ' "the helper's line on stderr"
	nothing_failed fault-kmsgro-strict
	lacks fault-kmsgro-strict '\(rd\.rpi_hw\.strict=1\)' "an emergency"
	device_ok fault-kmsgro-strict
	completed fault-kmsgro-strict
}

# --- the whole matrix ---------------------------------------------------------

@test "no fault boot hit a kernel warning, oops or panic" {
	local name found=()
	while IFS='|' read -r name _; do
		klog "$name" | grep -qE 'WARNING: CPU|BUG:|Oops|general protection|Kernel panic' &&
			found+=("$name: $(klog "$name" | grep -m1 -E 'WARNING: CPU|BUG:|Oops|general protection|Kernel panic')")
	done < <(boots)
	((${#found[@]} == 0)) || { printf '%s\n' "${found[@]}"; return 1; }
}

# Counted from the consoles and QEMU's results, whatever the tests above said.
@test "every fault: the default boot reached the root, no boot hung" {
	local id name n=0 survived=0 hangs=0 r missing=()
	while IFS='|' read -r id _; do
		n=$((n + 1))
		[[ -f $VM_OUT/fault-$id.log ]] && klog "fault-$id" | grep -q '^rpihw-vmtest: root: init running' &&
			not_hung "fault-$id" >/dev/null && survived=$((survived + 1))
	done < <(faults)
	while IFS='|' read -r name _; do
		if ! r=$(cat "$VM_OUT/$name.result" 2>/dev/null); then
			missing+=("$name")
		elif [[ $r == qemu=124\ * || $r == qemu=137\ * ]]; then
			hangs=$((hangs + 1))
		fi
	done < <(boots)
	echo "# faults: $n, boots survived: $survived, hangs: $hangs" >&3
	((${#missing[@]} == 0)) || { echo "boots that did not run: ${missing[*]}"; return 1; }
	((survived == n && hangs == 0))
}
