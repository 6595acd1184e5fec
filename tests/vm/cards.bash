# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# The card of the emulated boots, shared by tests/vm and tests/vm-arm64: QEMU's
# edu device (1234:11e8), a real PCI function with MSI, stands for the Metis.
# The product's hardware-ids does not know it, so the test images add it the
# way an administrator adds a card: one more row in /etc/rpi-hardware/hardware-ids
# and /etc/udev/rules.d/65-rpi-hardware.rules regenerated from it.
#
#   vm_admin_etc DIR    writes DIR/rpi-hardware/hardware-ids and
#                       DIR/udev/rules.d/65-rpi-hardware.rules (DIR: an /etc)
#   vm_cards_qemu N     prints the QEMU options of N edu devices, one per line,
#                       at slots 4, 5, ... of bus 0 (nodes metis-0:0:4, ...)

VM_EDU_ROW="metis   0x1234  0x11e8  axelera%m  QEMU edu device, the Metis of the emulated boots (tests/vm)"

vm_admin_etc() {
	local dir=$1
	mkdir -p "$dir/rpi-hardware" "$dir/udev/rules.d"
	{
		cat "$REPO/rules/hardware-ids"
		echo "# Added by the administrator: the emulated machine's card."
		echo "$VM_EDU_ROW"
	} >"$dir/rpi-hardware/hardware-ids"
	"$REPO/rules/gen-rules.sh" link "$dir/rpi-hardware/hardware-ids" \
		>"$dir/udev/rules.d/65-rpi-hardware.rules" || {
		echo "rules/gen-rules.sh link failed on the administrator's hardware-ids" >&2
		return 1
	}
}

vm_cards_qemu() {
	local i
	for ((i = 0; i < $1; i++)); do
		printf '%s\n' -device "edu,addr=$(printf '%02x' $((4 + i))).0"
	done
}
