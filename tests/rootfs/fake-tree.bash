# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# Fake /sys, /proc, /dev and /etc trees for the root-filesystem tools. Nothing
# here needs privileges: a regular file stands in for the accel character
# device (the tools accept that under --sysroot only), and the fake /etc/group
# gives the "axelera" name to the group the test files already belong to.

METIS_ADDR=0001:01:00.0

# fake_pci ROOT ADDR VENDOR DEVICE: a PCI function as the kernel lists it, a
# directory under /sys/devices with a link from /sys/bus/pci/devices.
fake_pci() {
	local root=$1 addr=$2 vendor=$3 device=$4 dir
	dir=$root/sys/devices/platform/axi/pcie/$addr
	mkdir -p "$dir" "$root/sys/bus/pci/devices"
	echo "$vendor" >"$dir/vendor"
	echo "$device" >"$dir/device"
	ln -sfn "../../../devices/platform/axi/pcie/$addr" "$root/sys/bus/pci/devices/$addr"
}

pci_dir() {
	echo "$1/sys/devices/platform/axi/pcie/$2"
}

# fake_link ROOT ADDR SPEED WIDTH [MAXSPEED MAXWIDTH]
fake_link() {
	local dir
	dir=$(pci_dir "$1" "$2")
	echo "$3" >"$dir/current_link_speed"
	echo "$4" >"$dir/current_link_width"
	echo "${5:-8.0 GT/s PCIe}" >"$dir/max_link_speed"
	echo "${6:-4}" >"$dir/max_link_width"
}

# fake_driver ROOT ADDR NAME
fake_driver() {
	mkdir -p "$1/sys/bus/pci/drivers/$3"
	ln -sfn "../../../../bus/pci/drivers/$3" "$(pci_dir "$1" "$2")/driver"
}

# fake_aer ROOT ADDR CORRECTABLE NONFATAL FATAL, in the kernel's format.
fake_aer() {
	local dir
	dir=$(pci_dir "$1" "$2")
	printf 'RxErr 0\nBadTLP 0\nBadDLLP 0\nRollover 0\nTimeout 0\nNonFatalErr 0\nCorrIntErr 0\nHeaderOF 0\nTOTAL_ERR_COR %s\n' \
		"$3" >"$dir/aer_dev_correctable"
	printf 'Undefined 0\nDLP 0\nSDES 0\nTLP 0\nFCP 0\nCmpltTO 0\nTOTAL_ERR_NONFATAL %s\n' \
		"$4" >"$dir/aer_dev_nonfatal"
	printf 'Undefined 0\nDLP 0\nSDES 0\nTLP 0\nFCP 0\nCmpltTO 0\nTOTAL_ERR_FATAL %s\n' \
		"$5" >"$dir/aer_dev_fatal"
}

# fake_hwmon ROOT ADDR MILLIDEGREES
fake_hwmon() {
	local dir
	dir=$(pci_dir "$1" "$2")/hwmon/hwmon3
	mkdir -p "$dir"
	echo "$3" >"$dir/temp1_input"
}

# fake_group ROOT NAME GID: appends a group line.
fake_group() {
	mkdir -p "$1/etc"
	echo "$2:x:$3:" >>"$1/etc/group"
}

# fake_node ROOT [TARGET]: /dev/axelera0 -> TARGET (default accel/accel0), the
# node a regular file of mode 0660 owned by the caller's group, named axelera.
fake_node() {
	local root=$1 target=${2:-accel/accel0}
	mkdir -p "$root/dev/$(dirname "$target")"
	: >"$root/dev/$target"
	chmod 0660 "$root/dev/$target"
	ln -sfn "$target" "$root/dev/axelera0"
	fake_group "$root" axelera "$(id -g)"
}

# fake_overlay ROOT NAME STATUS: an item of the configfs overlay interface.
fake_overlay() {
	local dir=$1/sys/kernel/config/device-tree/overlays/$2
	mkdir -p "$dir"
	echo "$3" >"$dir/status"
}

# fake_meminfo ROOT CMA_TOTAL_KB CMA_FREE_KB; no CMA lines when the total is "-".
fake_meminfo() {
	mkdir -p "$1/proc"
	{
		printf 'MemTotal:        8245696 kB\nMemFree:         7012345 kB\n'
		if [ "$2" != - ]; then
			printf 'CmaTotal:         %s kB\nCmaFree:          %s kB\n' "$2" "$3"
		fi
		printf 'HugePages_Total:       0\n'
	} >"$1/proc/meminfo"
}

# healthy_board ROOT: a Cruiser with a Metis where every check passes.
healthy_board() {
	local root=$1
	fake_pci "$root" "$METIS_ADDR" 0x1f9d 0x1100
	fake_link "$root" "$METIS_ADDR" "8.0 GT/s PCIe" 1
	fake_driver "$root" "$METIS_ADDR" metis
	fake_aer "$root" "$METIS_ADDR" 0 0 0
	fake_node "$root"
	fake_overlay "$root" exaviz-cruiser applied
	fake_overlay "$root" axelera-metis applied
	fake_meminfo "$root" 262144 200000
	mkdir -p "$root/proc"
	echo "console=ttyAMA10,115200 root=/dev/nvme0n1p2 rw" >"$root/proc/cmdline"
}

# Moves the device out of /sys and back in one rename each, so a tool reading the
# tree never sees half a device.
unplug_pci() {
	mv "$1/sys/bus/pci/devices/$2" "$1/unplugged-$2"
}

replug_pci() {
	mv "$1/unplugged-$2" "$1/sys/bus/pci/devices/$2"
}
