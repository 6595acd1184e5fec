# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# Fake /sys, /proc, /dev and /etc trees for the root-filesystem tools, laid out as
# a Raspberry Pi CM5 with Axelera's driver shows them (SPEC §4): the Metis M.2
# (1f9d:1100, class 0x120000) behind the x1 port's root port in PCI domain 1,
# bound to PCI driver axl of module metis, with a class-metis device named
# metis-1:1:0 (driver 1.4, 1.5) or metis-1-1-0 (1.6), its node in /dev, the
# driver's version in /sys/class/metis/version, DMA-BUF heaps, CMA in meminfo.
#
# Nothing here needs privileges: regular files stand in for the character
# devices (the tools accept that under --sysroot only), and the fake /etc/group
# gives the "axelera" name to the group the test files already belong to.

METIS_ADDR=0001:01:00.0
METIS_NODE=metis-1:1:0
METIS_MAJOR=508
METIS_VERSION=1.5.5

# The controller of a domain, as the CM5's device tree names them:
# pcie@1000110000 is domain 1 (the x1 port), 1000120000 domain 2 (RP1).
port_dir() {
	local root=$1 dom=$2
	echo "$root/sys/devices/platform/axi/10001${dom: -1}0000.pcie/pci$dom:00/$dom:00:00.0"
}

pci_dir() {
	echo "$(port_dir "$1" "${2%%:*}")/$2"
}

# fake_port ROOT DOMAIN [MAXSPEED]: the root port of a domain, a Broadcom bridge
# whose max_link_speed is what the firmware allowed (dtparam=pciex1_gen).
fake_port() {
	local root=$1 dom=$2 dir
	dir=$(port_dir "$root" "$dom")
	mkdir -p "$dir" "$root/sys/bus/pci/devices"
	echo 0x14e4 >"$dir/vendor"
	echo 0x2712 >"$dir/device"
	echo 0x060400 >"$dir/class"
	echo "${3:-8.0 GT/s PCIe}" >"$dir/max_link_speed"
	echo "${3:-8.0 GT/s PCIe}" >"$dir/current_link_speed"
	echo 1 >"$dir/max_link_width"
	echo 1 >"$dir/current_link_width"
	ln -sfnr "$dir" "$root/sys/bus/pci/devices/$dom:00:00.0"
}

# fake_pci ROOT ADDR VENDOR DEVICE [CLASS]: a PCI function behind its domain's
# root port (made with a Gen 3 maximum when missing), in /sys/devices with a
# link from /sys/bus/pci/devices.
fake_pci() {
	local root=$1 addr=$2 dir
	[ -d "$(port_dir "$root" "${addr%%:*}")" ] || fake_port "$root" "${addr%%:*}"
	dir=$(pci_dir "$root" "$addr")
	mkdir -p "$dir"
	echo "$3" >"$dir/vendor"
	echo "$4" >"$dir/device"
	echo "${5:-0x120000}" >"$dir/class"
	ln -sfnr "$dir" "$root/sys/bus/pci/devices/$addr"
}

# fake_link ROOT ADDR SPEED WIDTH [MAXSPEED MAXWIDTH]; the Metis M.2 is Gen 3 x4.
fake_link() {
	local dir
	dir=$(pci_dir "$1" "$2")
	echo "$3" >"$dir/current_link_speed"
	echo "$4" >"$dir/current_link_width"
	echo "${5:-8.0 GT/s PCIe}" >"$dir/max_link_speed"
	echo "${6:-4}" >"$dir/max_link_width"
}

# fake_driver ROOT ADDR NAME: the device bound to PCI driver NAME; for axl also
# the metis module it belongs to.
fake_driver() {
	local root=$1 drv
	drv=$root/sys/bus/pci/drivers/$3
	mkdir -p "$drv"
	ln -sfnr "$drv" "$(pci_dir "$root" "$2")/driver"
	if [ "$3" = axl ]; then
		mkdir -p "$root/sys/module/metis"
		ln -sfnr "$root/sys/module/metis" "$drv/module"
	fi
}

# fake_msi ROOT ADDR N: the N MSI vectors the driver got, one entry each, named
# by IRQ number; N of 0 leaves no msi_irqs at all.
fake_msi() {
	local dir i
	dir=$(pci_dir "$1" "$2")/msi_irqs
	rm -rf "$dir"
	[ "$3" -gt 0 ] || return 0
	mkdir -p "$dir"
	for ((i = 0; i < $3; i++)); do
		echo msi >"$dir/$((160 + i))"
	done
}

# node_name ADDR [STYLE]: the driver's name of the card's node, lower-case hex
# without padding: metis-D:B:S, or metis-D-B-S when STYLE is 1.6.
node_name() {
	local addr=$1 d b s sep=:
	IFS=':.' read -r d b s _ <<<"$addr"
	[ "${2:-}" = 1.6 ] && sep=-
	printf 'metis-%x%s%x%s%x\n' "$((16#$d))" "$sep" "$((16#$b))" "$sep" "$((16#$s))"
}

# fake_metis ROOT ADDR MINOR [VERSION]: what the driver's probe makes: the class
# device below the PCI device with its dev number, the /sys/class/metis link
# (1.6: the dash name, plus the colon name as a link), the class's version, and
# the node devtmpfs gives it (mode 0660, the caller's group).
fake_metis() {
	local root=$1 addr=$2 minor=$3 version=${4:-$METIS_VERSION} name style='' cls
	[[ $version == 1.6* ]] && style=1.6
	name=$(node_name "$addr" "$style")
	cls=$root/sys/class/metis
	mkdir -p "$(pci_dir "$root" "$addr")/metis/$name" "$cls" "$root/dev"
	echo "$METIS_MAJOR:$minor" >"$(pci_dir "$root" "$addr")/metis/$name/dev"
	ln -sfnr "$(pci_dir "$root" "$addr")" "$(pci_dir "$root" "$addr")/metis/$name/device"
	ln -sfnr "$(pci_dir "$root" "$addr")/metis/$name" "$cls/$name"
	[ -n "$style" ] && ln -sfnr "$(pci_dir "$root" "$addr")/metis/$name" "$cls/$(node_name "$addr")"
	echo "$version" >"$cls/version"
	: >"$root/dev/$name"
	chmod 0660 "$root/dev/$name"
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

# fake_node ROOT [TARGET]: /dev/axelera0 -> TARGET (default the Metis node), the
# target a regular file of mode 0660 (made when missing) owned by the caller's
# group, named axelera.
fake_node() {
	local root=$1 target=${2:-$METIS_NODE}
	mkdir -p "$root/dev/$(dirname "$target")"
	[ -e "$root/dev/$target" ] || : >"$root/dev/$target"
	chmod 0660 "$root/dev/$target"
	ln -sfn "$target" "$root/dev/axelera0"
	grep -qs '^axelera:' "$root/etc/group" || fake_group "$root" axelera "$(id -g)"
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

# fake_dma_heap ROOT [HEAP...]: /dev/dma_heap with these heaps (default system
# and linux,cma, as a Raspberry Pi kernel has them).
fake_dma_heap() {
	local root=$1 heap
	shift
	mkdir -p "$root/dev/dma_heap"
	[ $# -gt 0 ] || set -- system linux,cma
	for heap in "$@"; do
		: >"$root/dev/dma_heap/$heap"
	done
}

# fake_page_size ROOT KB: /proc/self/smaps whose mappings have KB pages, with a
# hugetlb mapping after them as real ones may have.
fake_page_size() {
	mkdir -p "$1/proc/self"
	{
		printf '5583a8e00000-5583a8e08000 r-xp 00000000 b3:02 1234 /usr/sbin/rpi-hardware-preflight\n'
		printf 'Size:                 32 kB\nKernelPageSize:       %s kB\nMMUPageSize:          %s kB\nRss:                  32 kB\n' "$2" "$2"
		printf '7f1c00000000-7f1c00200000 rw-s 00000000 00:0f 99 /anon_hugepage (deleted)\n'
		printf 'Size:               2048 kB\nKernelPageSize:     2048 kB\nMMUPageSize:        2048 kB\nRss:                   0 kB\n'
	} >"$1/proc/self/smaps"
}

# healthy_board ROOT: a Cruiser with a Metis where every check passes.
healthy_board() {
	local root=$1
	fake_pci "$root" "$METIS_ADDR" 0x1f9d 0x1100
	fake_link "$root" "$METIS_ADDR" "8.0 GT/s PCIe" 1
	fake_driver "$root" "$METIS_ADDR" axl
	fake_msi "$root" "$METIS_ADDR" 32
	fake_metis "$root" "$METIS_ADDR" 0
	fake_aer "$root" "$METIS_ADDR" 0 0 0
	fake_node "$root"
	fake_overlay "$root" cruiser-raspberrypi-cm5 applied
	fake_overlay "$root" axelera-metis applied
	fake_meminfo "$root" 262144 200000
	fake_dma_heap "$root"
	fake_page_size "$root" 16
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
