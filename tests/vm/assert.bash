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
