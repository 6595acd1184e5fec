# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Assertions on one emulated boot's serial console, shared by the boot suites.
# Each takes the boot's name (its log is $VM_OUT/NAME.log); a failing one prints
# what it expected and the last lines of that console.

# Lines carrying a kernel timestamp, i.e. the kernel log as the console showed it.
klog() {
	vm_console "$VM_OUT/$1.log" | grep -E '^\[ *[0-9]+\.[0-9]+\] ' | sed -E 's/^\[ *[0-9.]+\] //'
}

# The kernel log up to the moment the root's init started.
klog_initramfs() {
	klog "$1" | sed '/^rpihw-vmtest: root: init running/,$d'
}

# What user space wrote to the console itself (no kernel timestamp).
console_plain() {
	vm_console "$VM_OUT/$1.log" | grep -vE '^\[ *[0-9]+\.[0-9]+\] '
}

fail_boot() {
	echo "boot $1: $2"
	echo "--- last lines of $VM_OUT/$1.log:"
	tr -d '\r' <"$VM_OUT/$1.log" | tail -n 25
	return 1
}

# has BOOT ERE WHAT: the kernel log matches.
has() {
	klog "$1" | grep -qE -- "$2" || fail_boot "$1" "expected $3 (/$2/)"
}

lacks() {
	! klog "$1" | grep -qE -- "$2" || fail_boot "$1" "did not expect $3 (/$2/): $(klog "$1" | grep -E -m1 -- "$2")"
}

plain_has() {
	console_plain "$1" | grep -qE -- "$2" || fail_boot "$1" "expected $3 on the console, unstamped (/$2/)"
}

# The console as a whole, for what the shell printed without a timestamp.
console_has() {
	vm_console "$VM_OUT/$1.log" | grep -qE -- "$2" || fail_boot "$1" "expected $3 on the console (/$2/)"
}

never_mounted() {
	lacks "$1" '^EXT4-fs \(vda\): mounted' "the root filesystem to be mounted" &&
		lacks "$1" '^rpihw-vmtest: root: ' "the root's init to run"
}

# --- the chain of a good boot, shared by tests/vm and tests/generators ------

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

# The card of a one-card machine: slot 4 of bus 0 (vm_cards_args).
CARD=0000:00:04.0
NODE=metis-0:0:4

# after BOOT ERE-A ERE-B WHAT: a line matching B comes after the first matching A.
after() {
	klog "$1" | sed -nE "/$2/,\$p" | grep -qE -- "$3" ||
		fail_boot "$1" "$4: no /$3/ after /$2/"
}

# The card comes onto the bus when the Metis overlay enables the x1 port.
port_ok() {
	has "$1" "^rpihw_overlays: PCIe x1 port down \(until an overlay enables pcie1\): $CARD \[1234:11e8\] taken off the bus" \
		"the card off the bus while the port is down" &&
		has "$1" '^rpihw_overlays: PCIe x1 port up \(overlay axelera-metis\): scanning' \
			"the Metis overlay bringing the port up" &&
		after "$1" '^rpihw_overlays: PCIe x1 port up \(overlay axelera-metis\): scanning' \
			"^pci $CARD: \[1234:11e8\] type 00" "the kernel enumerating the card" &&
		has "$1" "^rpihw_overlays: PCIe x1 port up \(overlay axelera-metis\): card $CARD \[1234:11e8\] found" \
			"the card on the bus"
}

# The chain of a good boot, classic or systemd: NODE is the node's name.
chain_ok() {
	local node=${2:-$NODE}
	has "$1" '^overlay-slammer: loaded module metis ' "module metis loaded by the helper" &&
		has "$1" '^rpihw_overlays: overlay cruiser-raspberrypi-cm5 applied' "the Cruiser overlay applied" &&
		has "$1" '^rpihw_overlays: overlay axelera-metis applied' "the Metis overlay applied" &&
		before "$1" '^rpihw_overlays: overlay cruiser-raspberrypi-cm5 applied' \
			'^rpihw_overlays: overlay axelera-metis applied' "Cruiser before Metis" &&
		before "$1" '^overlay-slammer: loaded module metis ' \
			'^rpihw_overlays: PCIe x1 port up' "the driver loaded before the card appears" &&
		port_ok "$1" &&
		has "$1" "^axl $CARD: Wrong msi number 1 \(want 32\), falling back to 1" \
			"the driver asking for 32 MSI vectors, getting 1" &&
		has "$1" "^metis: $node created for $CARD \(axl\)" "metis bound as axl, making $node" &&
		has "$1" "^rpihw-vmtest: udev: /dev/$node ready, links: .*axelera0" "udev's /dev/axelera0 link" &&
		has "$1" "^rpihw-vmtest: pre-mount: axelera0=$node sysroot=unmounted" \
			"/dev/axelera0 -> $node in pre-mount, root not mounted yet" &&
		before "$1" "^rpihw-vmtest: pre-mount: axelera0=$node" '^EXT4-fs \(vda\): mounted' \
			"/dev/axelera0 before the root mount" &&
		completed "$1" &&
		has "$1" "^rpihw-vmtest: root: device: axelera0=$node$" "/dev/axelera0 still there on the root" &&
		has "$1" "^rpihw-vmtest: root: axl bound: $CARD$" "the card bound to axl on the root"
}
