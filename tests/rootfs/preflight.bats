#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# rpi-hardware-preflight against fake /sys, /proc, /dev and /etc trees laid out
# as Axelera's driver makes them (fake-tree.bash).

# run-with: asan
# run-with: aarch64

load fake-tree

setup() {
	ROOT=$BATS_TEST_TMPDIR/root
	mkdir -p "$ROOT"
	PREFLIGHT=$BUILD_DIR/rpi-hardware-preflight
	DEV_DIR=$(pci_dir "$ROOT" "$METIS_ADDR")
	PORT_DIR=$(port_dir "$ROOT" 0001)
}

preflight() {
	run "$PREFLIGHT" --sysroot "$ROOT" "$@"
}

# The line of one check, e.g. line_of link-speed.
line_of() {
	printf '%s\n' "$output" | grep -E "^(PASS|WARN|FAIL) $1[ :]"
}

@test "a healthy board passes every check" {
	healthy_board "$ROOT"
	preflight
	[ "$status" -eq 0 ]
	[ "$(line_of pci)" = "PASS pci $METIS_ADDR: Axelera AI Metis AIPU, M.2 card (0x1f9d:0x1100)" ]
	[ "$(line_of link-speed)" = "PASS link-speed $METIS_ADDR: Gen 3 (8.0 GT/s PCIe), card maximum 8.0 GT/s PCIe, port maximum 8.0 GT/s PCIe" ]
	[ "$(line_of link-width)" = "PASS link-width $METIS_ADDR: x1, card maximum x4" ]
	[ "$(line_of driver)" = "PASS driver $METIS_ADDR: bound to axl, node metis-1:1:0" ]
	[ "$(line_of msi)" = "PASS msi $METIS_ADDR: 32 MSI vectors" ]
	[ "$(line_of driver-version)" = "PASS driver-version: Axelera's driver 1.5.5 (/sys/class/metis/version)" ]
	[ "$(line_of device-node)" = "PASS device-node: /dev/axelera0 -> metis-1:1:0 (card $METIS_ADDR, minor 0)" ]
	[ "$(line_of node-access)" = "PASS node-access: /dev/axelera0: group axelera, mode 0660" ]
	[[ $output == *"PASS overlay: cruiser-raspberrypi-cm5 applied"* ]]
	[[ $output == *"PASS overlay: axelera-metis applied"* ]]
	[ "$(line_of dma-heap)" = "PASS dma-heap: /dev/dma_heap/system, among heaps: linux,cma, system" ]
	[ "$(line_of cma)" = "PASS cma: CmaTotal 256 MiB, CmaFree 195 MiB (the driver needs 4 MiB)" ]
	[ "$(line_of page-size)" = "PASS page-size: 16 KiB" ]
	[ "${lines[-1]}" = "result: PASS (13 passed, 0 warnings, 0 failed)" ]
}

@test "every Metis ID of the table is recognised, and only those" {
	healthy_board "$ROOT"
	fake_pci "$ROOT" 0001:02:00.0 0x1f9d 0x11aa
	fake_pci "$ROOT" 0001:03:00.0 0x1f9d 0x0001
	# The seed's IDs belong to other vendors' devices; Hailo is another kind.
	fake_pci "$ROOT" 0001:04:00.0 0x1e81 0x0abc
	fake_pci "$ROOT" 0001:05:00.0 0x1f0f 0x0001
	fake_pci "$ROOT" 0001:06:00.0 0x1e60 0x2864
	preflight
	[ "$(line_of "pci 0001:02:00.0")" = "PASS pci 0001:02:00.0: Axelera AI Metis AIPU (0x1f9d:0x11aa)" ]
	[ "$(line_of "pci 0001:03:00.0")" = "PASS pci 0001:03:00.0: Axelera AI Europa (0x1f9d:0x0001)" ]
	[[ $output != *"0001:04:00.0"* ]]
	[[ $output != *"0001:05:00.0"* ]]
	[[ $output != *"0001:06:00.0"* ]]
	# The root port is on the bus too, and is no Metis.
	[[ $output != *"0001:00:00.0:"* ]]
}

@test "no Metis on the bus fails and names the IDs looked for" {
	healthy_board "$ROOT"
	rm "$ROOT/sys/bus/pci/devices/$METIS_ADDR"
	preflight
	[ "$status" -eq 1 ]
	[[ $(line_of pci) == "FAIL pci: no Metis on the PCI bus (IDs 0x1f9d:0x1100, 0x1f9d:0x11aa, 0x1f9d:0x0001 from built-in hardware-ids)"* ]]
	[ -z "$(line_of driver)" ]
	[ -z "$(line_of msi)" ]
	[[ ${lines[-1]} == "result: FAIL "* ]]
}

@test "Gen 2 on a port that allows Gen 3: the driver would have retrained, so seating" {
	healthy_board "$ROOT"
	fake_link "$ROOT" "$METIS_ADDR" "5.0 GT/s PCIe" 1
	preflight
	[ "$status" -eq 0 ]
	[ "$(line_of link-speed)" = "WARN link-speed $METIS_ADDR: Gen 2 (5.0 GT/s PCIe) although the port 0001:00:00.0 reports Gen 3: the driver retrains to Gen 3 itself when the port allows, so a seating or signal problem (reseat the card, see dmesg), or a firmware cap older kernels do not show (dtparam=pciex1_gen=3 in config.txt)" ]
	[ "${lines[-1]}" = "result: WARN (12 passed, 1 warning, 0 failed)" ]
}

@test "Gen 2 on a port capped at Gen 2: the fix is pciex1_gen in config.txt" {
	healthy_board "$ROOT"
	fake_port "$ROOT" 0001 "5.0 GT/s PCIe"
	fake_link "$ROOT" "$METIS_ADDR" "5.0 GT/s PCIe" 1
	preflight
	[ "$status" -eq 0 ]
	[ "$(line_of link-speed)" = "WARN link-speed $METIS_ADDR: Gen 2 (5.0 GT/s PCIe): the port 0001:00:00.0 allows at most 5.0 GT/s PCIe; allow Gen 3 with dtparam=pciex1_gen=3 in config.txt (or max-link-speed = <3> on pcie1 in a merged device tree) and reboot" ]
	# A port capped lower is fine while the card runs at Gen 3 anyway.
	fake_link "$ROOT" "$METIS_ADDR" "8.0 GT/s PCIe" 1
	preflight
	[[ $(line_of link-speed) == "PASS link-speed $METIS_ADDR: Gen 3 (8.0 GT/s PCIe), card maximum 8.0 GT/s PCIe, port maximum 5.0 GT/s PCIe" ]]
}

@test "a card limited below Gen 3, and a port that cannot be read" {
	healthy_board "$ROOT"
	fake_link "$ROOT" "$METIS_ADDR" "5.0 GT/s PCIe" 1 "5.0 GT/s PCIe" 4
	preflight
	[ "$(line_of link-speed)" = "WARN link-speed $METIS_ADDR: Gen 2 (5.0 GT/s PCIe): the card itself reports a maximum of 5.0 GT/s PCIe, not the Metis M.2's Gen 3" ]
	fake_link "$ROOT" "$METIS_ADDR" "5.0 GT/s PCIe" 1
	rm "$PORT_DIR/max_link_speed"
	preflight
	[ "$(line_of link-speed)" = "WARN link-speed $METIS_ADDR: Gen 2 (5.0 GT/s PCIe), expected Gen 3 (8.0 GT/s; card maximum 8.0 GT/s PCIe, port maximum unknown): a seating or signal problem, or the port is limited (dtparam=pciex1_gen=3 in config.txt)" ]
	fake_link "$ROOT" "$METIS_ADDR" "8.0 GT/s PCIe" 1
	preflight
	[ "$(line_of link-speed)" = "PASS link-speed $METIS_ADDR: Gen 3 (8.0 GT/s PCIe), card maximum 8.0 GT/s PCIe" ]
}

@test "older kernels' speed strings are understood" {
	healthy_board "$ROOT"
	for speed in "8.0 GT/s" "8 GT/s"; do
		fake_link "$ROOT" "$METIS_ADDR" "$speed" 1 "$speed" 1
		echo "$speed" >"$PORT_DIR/max_link_speed"
		preflight
		[ "$(line_of link-speed)" = "PASS link-speed $METIS_ADDR: Gen 3 ($speed), card maximum $speed, port maximum $speed" ]
	done
	fake_link "$ROOT" "$METIS_ADDR" "2.5 GT/s" 1
	preflight
	[[ $(line_of link-speed) == "WARN link-speed $METIS_ADDR: Gen 1 (2.5 GT/s) although the port 0001:00:00.0 reports Gen 3"* ]]
}

@test "a link that is down fails" {
	healthy_board "$ROOT"
	fake_link "$ROOT" "$METIS_ADDR" "Unknown" 0
	preflight
	[ "$status" -eq 1 ]
	[ "$(line_of link-speed)" = "FAIL link-speed $METIS_ADDR: link is down (current_link_speed 'Unknown'): reseat the card" ]
	[[ $(line_of link-width) == "WARN link-width $METIS_ADDR: "* ]]
}

@test "missing link attributes are a warning" {
	healthy_board "$ROOT"
	rm "$DEV_DIR"/current_link_*
	preflight
	[ "$status" -eq 0 ]
	[ "$(line_of link-speed)" = "WARN link-speed $METIS_ADDR: current_link_speed cannot be read; link not checked" ]
	[ "$(line_of link-width)" = "WARN link-width $METIS_ADDR: current_link_width cannot be read or is 0; width not checked" ]
}

@test "no driver bound: load metis; loaded but unbound: its probe failed" {
	healthy_board "$ROOT"
	# The module not loaded: no driver link, no metis device, no class.
	rm -r "$DEV_DIR/driver" "$DEV_DIR/msi_irqs" "$DEV_DIR/metis" "$ROOT/sys/class/metis" \
		"$ROOT/sys/module/metis" "$ROOT/dev/metis-1:1:0"
	preflight
	[ "$status" -eq 1 ]
	[ "$(line_of driver)" = "FAIL driver $METIS_ADDR: no driver bound: load Axelera's driver (modprobe metis; package metis-dkms)" ]
	# Nothing to count, nothing to ask the driver: the driver line said it all.
	[ -z "$(line_of msi)" ]
	[ -z "$(line_of driver-version)" ]
	[[ $(line_of device-node) == "FAIL device-node: /dev/axelera0 points to metis-1:1:0, which does not exist"* ]]

	mkdir -p "$ROOT/sys/module/metis"
	preflight
	[ "$(line_of driver)" = "FAIL driver $METIS_ADDR: no driver bound, although the metis module is loaded: its probe failed; see 'dmesg | grep $METIS_ADDR' ('Wrong msi number': load it with single_msi=1)" ]
}

@test "a card bound to another driver fails" {
	healthy_board "$ROOT"
	fake_driver "$ROOT" "$METIS_ADDR" vfio-pci
	preflight
	[ "$status" -eq 1 ]
	[ "$(line_of driver)" = "FAIL driver $METIS_ADDR: bound to vfio-pci, not axl (Axelera's metis module): unbind it and load metis" ]
	[ -z "$(line_of msi)" ]
	# The version is the module's, whatever holds this card.
	[ "$(line_of driver-version)" = "PASS driver-version: Axelera's driver 1.5.5 (/sys/class/metis/version)" ]
}

@test "bound to axl without a metis device is a warning" {
	healthy_board "$ROOT"
	rm -r "$DEV_DIR/metis"
	preflight
	[ "$(line_of driver)" = "WARN driver $METIS_ADDR: bound to axl, but it made no metis device: see dmesg" ]
}

@test "MSI: fewer than 32 vectors warn with both ways out, none warns" {
	healthy_board "$ROOT"
	fake_msi "$ROOT" "$METIS_ADDR" 1
	preflight
	[ "$status" -eq 0 ]
	[ "$(line_of msi)" = "WARN msi $METIS_ADDR: 1 MSI vector, the driver wants 32 and falls back to one ('Wrong msi number'; driver 1.4.4 refuses to probe unless loaded with single_msi=1): for 32, dtoverlay=pciex1-compat-pi5,no-mip in config.txt" ]
	fake_msi "$ROOT" "$METIS_ADDR" 8
	preflight
	[[ $(line_of msi) == "WARN msi $METIS_ADDR: 8 MSI vectors, the driver wants 32 and falls back to one"* ]]
	fake_msi "$ROOT" "$METIS_ADDR" 0
	preflight
	[ "$(line_of msi)" = "WARN msi $METIS_ADDR: no MSI vectors although axl is bound: the driver gets no interrupts; see dmesg ('Failed to enable MSI')" ]
	mkdir "$DEV_DIR/msi_irqs"
	preflight
	[[ $(line_of msi) == "WARN msi $METIS_ADDR: no MSI vectors although axl is bound"* ]]
	[ "${lines[-1]}" = "result: WARN (12 passed, 1 warning, 0 failed)" ]
}

@test "the driver's version: read from the class, missing while bound warns" {
	healthy_board "$ROOT"
	echo 1.6.2 >"$ROOT/sys/class/metis/version"
	preflight
	[ "$(line_of driver-version)" = "PASS driver-version: Axelera's driver 1.6.2 (/sys/class/metis/version)" ]
	rm "$ROOT/sys/class/metis/version"
	preflight
	[ "$status" -eq 0 ]
	[ "$(line_of driver-version)" = "WARN driver-version: cannot read /sys/class/metis/version (No such file or directory) although a card is bound to axl" ]
}

@test "a missing /dev/axelera0 fails and says what to do" {
	healthy_board "$ROOT"
	rm "$ROOT/dev/axelera0"
	preflight
	[ "$status" -eq 1 ]
	[[ $(line_of device-node) == "FAIL device-node: /dev/axelera0 is missing"*"udevadm trigger"* ]]
	[ -z "$(line_of node-access)" ]
}

@test "the link may lead to the node of driver 1.4/1.5 or 1.6, relative or absolute" {
	healthy_board "$ROOT"
	# 1.6 names the device metis-1-1-0 and keeps metis-1:1:0 as a class link.
	rm -r "$DEV_DIR/metis" "$ROOT/sys/class/metis" "$ROOT/dev/metis-1:1:0"
	fake_metis "$ROOT" "$METIS_ADDR" 0 1.6.2
	fake_node "$ROOT" metis-1-1-0
	preflight
	[ "$status" -eq 0 ]
	[ "$(line_of device-node)" = "PASS device-node: /dev/axelera0 -> metis-1-1-0 (card $METIS_ADDR, minor 0)" ]
	[ "$(line_of driver)" = "PASS driver $METIS_ADDR: bound to axl, node metis-1-1-0" ]
	# Its udev rule's colon link, where a rule leads there instead.
	ln -sfn metis-1-1-0 "$ROOT/dev/metis-1:1:0"
	fake_node "$ROOT" metis-1:1:0
	preflight
	[ "$(line_of device-node)" = "PASS device-node: /dev/axelera0 -> metis-1:1:0 (card $METIS_ADDR, minor 0)" ]
	# An absolute target is taken below the sysroot, not on the host.
	ln -sfn /dev/metis-1-1-0 "$ROOT/dev/axelera0"
	preflight
	[ "$(line_of device-node)" = "PASS device-node: /dev/axelera0 -> /dev/metis-1-1-0 (card $METIS_ADDR, minor 0)" ]
}

@test "a link to a non-metis node, a dangling link, a plain node, a directory" {
	healthy_board "$ROOT"
	# The DRM accel node the seed expected is nothing Axelera's driver makes.
	for target in accel/accel0 accel0 ttyS0 metis-1:1 metis-1:1-0 metis-1:1:0x0 metis-1:1:2g; do
		fake_node "$ROOT" "$target"
		preflight
		[ "$(line_of device-node)" = "WARN device-node: /dev/axelera0 points to $target, which is not a node of Axelera's driver (metis-D:B:S, or metis-D-B-S from driver 1.6)" ]
	done
	ln -sfn metis-1:7:0 "$ROOT/dev/axelera0"
	preflight
	[ "$status" -eq 1 ]
	[ "$(line_of device-node)" = "FAIL device-node: /dev/axelera0 points to metis-1:7:0, which does not exist: run 'udevadm trigger' or reload the driver" ]
	rm "$ROOT/dev/axelera0"
	cp "$ROOT/dev/metis-1:1:0" "$ROOT/dev/axelera0"
	preflight
	[[ $(line_of device-node) == "WARN device-node: /dev/axelera0 is a device node, not the link the udev rules make"* ]]
	mkdir -p "$ROOT/dev/metis-1:9:0"
	ln -sfn metis-1:9:0 "$ROOT/dev/axelera0"
	preflight
	[ "$(line_of device-node)" = "FAIL device-node: /dev/axelera0 points to metis-1:9:0, which is not a character device" ]
}

@test "a node the driver does not know is a leftover" {
	healthy_board "$ROOT"
	fake_node "$ROOT" metis-1:2:0
	preflight
	[ "$(line_of device-node)" = "WARN device-node: /dev/axelera0 -> metis-1:2:0, but the driver has no device of that name (no /sys/class/metis/metis-1:2:0): a node left behind; reload the driver or run 'udevadm trigger'" ]
}

@test "two cards: both checked, axelera0 leads to the one of minor 0" {
	healthy_board "$ROOT"
	fake_pci "$ROOT" 0002:01:00.0 0x1f9d 0x1100
	fake_link "$ROOT" 0002:01:00.0 "8.0 GT/s PCIe" 1
	fake_driver "$ROOT" 0002:01:00.0 axl
	fake_msi "$ROOT" 0002:01:00.0 32
	fake_metis "$ROOT" 0002:01:00.0 1
	fake_meminfo "$ROOT" 262144 200000
	preflight
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | grep -c '^PASS pci ')" -eq 2 ]
	[ "$(line_of "driver 0002:01:00.0")" = "PASS driver 0002:01:00.0: bound to axl, node metis-2:1:0" ]
	[ "$(line_of "msi 0002:01:00.0")" = "PASS msi 0002:01:00.0: 32 MSI vectors" ]
	[ "$(line_of device-node)" = "PASS device-node: /dev/axelera0 -> metis-1:1:0 (card $METIS_ADDR, minor 0)" ]
	[ "$(line_of cma)" = "PASS cma: CmaTotal 256 MiB, CmaFree 195 MiB (the driver needs 8 MiB)" ]
	[ "${lines[-1]}" = "result: PASS (18 passed, 0 warnings, 0 failed)" ]

	fake_node "$ROOT" metis-2:1:0
	preflight
	[ "$(line_of device-node)" = "WARN device-node: /dev/axelera0 -> metis-2:1:0, minor 1: it should lead to the card of minor 0 (udev's %m); another rule or tool made it" ]
	# device= naming another link expects that link's minor.
	mkdir -p "$ROOT/etc"
	echo "device=/dev/axelera1" >"$ROOT/etc/rpi-hardware.conf"
	ln -sfn metis-2:1:0 "$ROOT/dev/axelera1"
	preflight
	[ "$(line_of device-node)" = "PASS device-node: /dev/axelera1 -> metis-2:1:0 (card 0002:01:00.0, minor 1)" ]
	# The node of a card that has left the bus.
	rm "$ROOT/sys/bus/pci/devices/0002:01:00.0"
	preflight
	[ "$(line_of device-node)" = "WARN device-node: /dev/axelera1 -> metis-2:1:0, the node of PCI 0002:01:00, where no Metis was found" ]
}

@test "the node must belong to the axelera group with mode 0660" {
	healthy_board "$ROOT"
	node=$ROOT/dev/metis-1:1:0
	printf 'render:x:%s:\naxelera:x:%s:\n' "$(id -g)" "$(($(id -g) + 1000))" >"$ROOT/etc/group"
	preflight
	[ "$status" -eq 1 ]
	[[ $(line_of node-access) == "FAIL node-access: /dev/axelera0 belongs to group render, not axelera"*"metis-setup"* ]]

	printf 'render:x:%s:\n' "$(id -g)" >"$ROOT/etc/group"
	preflight
	[ "$(line_of node-access)" = "FAIL node-access: group axelera does not exist: run metis-setup" ]

	fake_group "$ROOT" axelera "$(id -g)"
	chmod 0600 "$node"
	preflight
	[[ $(line_of node-access) == "FAIL node-access: /dev/axelera0 has mode 0600: the axelera group cannot read and write it"* ]]

	# Axelera's own rule gives 0666; this product's gives 0660.
	chmod 0666 "$node"
	preflight
	[ "$status" -eq 0 ]
	[[ $(line_of node-access) == "WARN node-access: /dev/axelera0 has mode 0666: every user can open it"* ]]
}

@test "overlays: applied, rejected, missing, no configfs, disabled" {
	healthy_board "$ROOT"
	fake_overlay "$ROOT" axelera-metis unapplied
	preflight
	[ "$status" -eq 1 ]
	[[ $output == *"FAIL overlay: axelera-metis is 'unapplied': the kernel rejected it"* ]]

	rm -r "$ROOT/sys/kernel/config/device-tree/overlays/axelera-metis"
	preflight
	[ "$status" -eq 0 ]
	[[ $output == *"WARN overlay: axelera-metis not applied through configfs; the Metis is present"* ]]

	rm "$ROOT/sys/bus/pci/devices/$METIS_ADDR"
	preflight
	[[ $output == *"FAIL overlay: axelera-metis not applied: run 'overlay-slammer apply'"* ]]

	rm -r "$ROOT/sys/kernel/config"
	preflight
	[[ $output == *"WARN overlay: no configfs overlay interface"* ]]

	mkdir -p "$ROOT/etc"
	echo "enable=0" >"$ROOT/etc/rpi-hardware.conf"
	preflight
	[[ $output == *"WARN overlay: disabled by enable=0 or rd.rpi_hw=0; overlays not checked"* ]]
}

@test "the overlay list and device follow the configuration and the kernel command line" {
	healthy_board "$ROOT"
	mkdir -p "$ROOT/etc"
	printf 'overlays=cruiser-raspberrypi-cm5\ndevice=/dev/metis0\n' >"$ROOT/etc/rpi-hardware.conf"
	ln -s metis-1:1:0 "$ROOT/dev/metis0"
	preflight
	[[ $output == *"PASS overlay: cruiser-raspberrypi-cm5 applied"* ]]
	[[ $output != *"axelera-metis"* ]]
	[ "$(line_of device-node)" = "PASS device-node: /dev/metis0 -> metis-1:1:0 (card $METIS_ADDR, minor 0)" ]

	echo "console=tty1 rd.rpi_hw.overlays=custom-one rd.rpi_hw.device=/dev/axelera0" >"$ROOT/proc/cmdline"
	preflight
	[[ $output == *"WARN overlay: custom-one not applied through configfs"* ]]
	[[ $output != *"cruiser-raspberrypi-cm5"* ]]
	[ "$(line_of device-node)" = "PASS device-node: /dev/axelera0 -> metis-1:1:0 (card $METIS_ADDR, minor 0)" ]

	echo "rd.rpi_hw=0" >"$ROOT/proc/cmdline"
	preflight
	[[ $output == *"WARN overlay: disabled"* ]]
}

@test "DMA-BUF heaps: the system heap is required" {
	healthy_board "$ROOT"
	rm -r "$ROOT/dev/dma_heap"
	preflight
	[ "$status" -eq 1 ]
	[ "$(line_of dma-heap)" = "FAIL dma-heap: /dev/dma_heap is missing: Axelera's runtime allocates its buffers from DMA-BUF heaps; the kernel needs CONFIG_DMABUF_HEAPS=y and CONFIG_DMABUF_HEAPS_SYSTEM=y" ]
	fake_dma_heap "$ROOT" linux,cma
	preflight
	[ "$(line_of dma-heap)" = "FAIL dma-heap: /dev/dma_heap has no system heap (heaps: linux,cma): the kernel needs CONFIG_DMABUF_HEAPS_SYSTEM=y" ]
	rm "$ROOT/dev/dma_heap/linux,cma"
	preflight
	[ "$(line_of dma-heap)" = "FAIL dma-heap: /dev/dma_heap has no system heap (heaps: none): the kernel needs CONFIG_DMABUF_HEAPS_SYSTEM=y" ]
	mkdir "$ROOT/dev/dma_heap/system"
	preflight
	[ "$(line_of dma-heap)" = "FAIL dma-heap: /dev/dma_heap/system is not a character device" ]
	rmdir "$ROOT/dev/dma_heap/system"
	fake_dma_heap "$ROOT" system
	preflight
	[ "$status" -eq 0 ]
	[ "$(line_of dma-heap)" = "PASS dma-heap: /dev/dma_heap/system, among heaps: system" ]
}

@test "CMA: 4 MiB free per card, no pool warns, the size threshold is adjustable" {
	healthy_board "$ROOT"
	fake_meminfo "$ROOT" - -
	preflight
	[ "$status" -eq 0 ]
	[ "$(line_of cma)" = "WARN cma: the kernel has no CMA pool (CmaTotal in /proc/meminfo): the driver's 4 MiB of coherent DMA per card comes from normal memory and may fail once it is fragmented; dtoverlay=cma in config.txt or cma= on the kernel command line gives it a pool" ]
	fake_meminfo "$ROOT" 65536 4000
	preflight
	[ "$status" -eq 1 ]
	[ "$(line_of cma)" = "FAIL cma: CmaFree 4000 kB is below the 4096 kB the driver needs (4 MiB of coherent DMA per card, 1 card): enlarge the pool with cma=256M on the kernel command line or dtoverlay=cma,cma-256 in config.txt" ]
	fake_meminfo "$ROOT" 65536 4096
	preflight
	[ "$status" -eq 0 ]
	[ "$(line_of cma)" = "PASS cma: CmaTotal 64 MiB, CmaFree 4 MiB (the driver needs 4 MiB)" ]
	fake_meminfo "$ROOT" 49152 20480
	preflight
	[ "$(line_of cma)" = "WARN cma: CmaTotal 48 MiB is below 64 MiB: raise it with cma= on the kernel command line" ]
	preflight --cma-min 32
	[ "$(line_of cma)" = "PASS cma: CmaTotal 48 MiB, CmaFree 20 MiB (the driver needs 4 MiB)" ]
	rm "$ROOT/proc/meminfo"
	preflight
	[ "$(line_of cma)" = "WARN cma: cannot read /proc/meminfo: No such file or directory" ]
}

@test "CMA: two cards need 8 MiB" {
	healthy_board "$ROOT"
	fake_pci "$ROOT" 0002:01:00.0 0x1f9d 0x1100
	fake_meminfo "$ROOT" 65536 6000
	preflight
	[ "$(line_of cma)" = "FAIL cma: CmaFree 6000 kB is below the 8192 kB the driver needs (4 MiB of coherent DMA per card, 2 cards): enlarge the pool with cma=256M on the kernel command line or dtoverlay=cma,cma-256 in config.txt" ]
	rm "$ROOT/sys/bus/pci/devices/0002:01:00.0"
	preflight
	[ "$(line_of cma)" = "PASS cma: CmaTotal 64 MiB, CmaFree 5 MiB (the driver needs 4 MiB)" ]
}

@test "page size: 4 and 16 KiB pass, others warn, from KernelPageSize in smaps" {
	healthy_board "$ROOT"
	fake_page_size "$ROOT" 4
	preflight
	[ "$(line_of page-size)" = "PASS page-size: 4 KiB" ]
	fake_page_size "$ROOT" 64
	preflight
	[ "$status" -eq 0 ]
	[ "$(line_of page-size)" = "WARN page-size: 64 KiB: Axelera's driver is used with 4 KiB and 16 KiB pages (16 KiB on Raspberry Pi 5 kernels); this size is untried" ]
	# The hugetlb mapping's 2048 kB is not the page size, wherever it comes.
	printf 'Size: 2048 kB\nKernelPageSize: 2048 kB\nSize: 8 kB\nKernelPageSize: 16 kB\n' >"$ROOT/proc/self/smaps"
	preflight
	[ "$(line_of page-size)" = "PASS page-size: 16 KiB" ]
	printf 'Size: 8 kB\nKernelPageSize: lots\n' >"$ROOT/proc/self/smaps"
	preflight
	[ "$(line_of page-size)" = "WARN page-size: cannot read KernelPageSize from /proc/self/smaps (Invalid argument); page size not checked" ]
	rm "$ROOT/proc/self/smaps"
	preflight
	[ "$(line_of page-size)" = "WARN page-size: cannot read KernelPageSize from /proc/self/smaps (No such file or directory); page size not checked" ]
}

@test "on the running system, the page size is this kernel's" {
	run "$PREFLIGHT"
	want=$(($(getconf PAGESIZE) / 1024))
	case $want in
	4 | 16) [[ $(line_of page-size) == "PASS page-size: $want KiB" ]] ;;
	*) [[ $(line_of page-size) == "WARN page-size: $want KiB: "* ]] ;;
	esac
}

@test "--json gives one object with every check" {
	healthy_board "$ROOT"
	fake_link "$ROOT" "$METIS_ADDR" "5.0 GT/s PCIe" 1
	preflight --json
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[ "$(jq -r .result <<<"$output")" = warn ]
	[ "$(jq -r '[.passed, .warnings, .failed] | join(" ")' <<<"$output")" = "12 1 0" ]
	[ "$(jq -r '.checks[] | select(.check == "link-speed") | .result + " " + .device' <<<"$output")" = "warn $METIS_ADDR" ]
	[ "$(jq -r '.checks[] | select(.check == "msi") | .result + " " + .device' <<<"$output")" = "pass $METIS_ADDR" ]
	[ "$(jq -r '.checks[] | select(.check == "cma") | .device' <<<"$output")" = null ]
	[ "$(jq -r '[.checks[].check] | join(",")' <<<"$output")" = "pci,link-speed,link-width,driver,msi,driver-version,device-node,node-access,overlay,overlay,dma-heap,cma,page-size" ]
	rm "$ROOT/dev/axelera0"
	preflight --json
	[ "$status" -eq 1 ]
	[ "$(jq -r .result <<<"$output")" = fail ]
}

@test "a malformed configuration warns, names the key and keeps the default" {
	healthy_board "$ROOT"
	mkdir -p "$ROOT/etc"
	printf '# test\ndevice=axelera0\noverlays=../escape\ntypo=1\nnonsense\n' >"$ROOT/etc/rpi-hardware.conf"
	preflight
	[ "$status" -eq 0 ]
	[[ $output == *"WARN config: $ROOT/etc/rpi-hardware.conf line 2: device='axelera0' ignored: not a plain path under /dev"* ]]
	[[ $output == *"WARN config: $ROOT/etc/rpi-hardware.conf line 3: overlays='../escape' ignored"* ]]
	[[ $output == *"line 4: unknown key 'typo'"* ]]
	[[ $output == *"line 5: 'nonsense' is not key=value"* ]]
	[ "$(line_of device-node)" = "PASS device-node: /dev/axelera0 -> metis-1:1:0 (card $METIS_ADDR, minor 0)" ]
	[[ $output == *"PASS overlay: axelera-metis applied"* ]]
}

@test "--config names another file; a missing one is a usage error" {
	healthy_board "$ROOT"
	echo "overlays=only-this" >"$BATS_TEST_TMPDIR/other.conf"
	preflight --config "$BATS_TEST_TMPDIR/other.conf"
	[[ $output == *"WARN overlay: only-this not applied through configfs"* ]]
	preflight --config "$BATS_TEST_TMPDIR/absent.conf"
	[ "$status" -eq 2 ]
	[[ $output == *"absent.conf: No such file or directory"* ]]
}

@test "the hardware-ids table: /etc overrides the installed copy, which overrides the built-in one" {
	healthy_board "$ROOT"
	mkdir -p "$ROOT/usr/lib/rpi-hardware" "$ROOT/etc/rpi-hardware"
	fake_pci "$ROOT" 0001:05:00.0 0x1234 0x2024
	echo "metis 0x1234 any axelera%m Installed copy" >"$ROOT/usr/lib/rpi-hardware/hardware-ids"
	preflight
	[[ $output == *"PASS pci 0001:05:00.0: Installed copy (0x1234:0x2024)"* ]]
	[[ $output != *"$METIS_ADDR"* ]]
	printf '# mine\nmetis 0x1f9d 0x1100 axelera%%m Local override\n' >"$ROOT/etc/rpi-hardware/hardware-ids"
	preflight
	[[ $output == *"PASS pci $METIS_ADDR: Local override (0x1f9d:0x1100)"* ]]
	[[ $output != *"0001:05:00.0"* ]]
}

@test "a malformed hardware-ids table is refused with its line" {
	healthy_board "$ROOT"
	mkdir -p "$ROOT/etc/rpi-hardware"
	printf '# ok\nmetis 1f9d 0x1100 axelera0 no 0x\n' >"$ROOT/etc/rpi-hardware/hardware-ids"
	preflight
	[ "$status" -eq 2 ]
	[[ $output == "rpi-hardware-preflight: $ROOT/etc/rpi-hardware/hardware-ids line 2: vendor is not"* ]]
}

@test "usage errors exit 2 with one line" {
	run "$PREFLIGHT" --bogus
	[ "$status" -eq 2 ]
	run "$PREFLIGHT" --cma-min lots
	[ "$status" -eq 2 ]
	[[ $output == *"--cma-min 'lots' is not a size in MiB"* ]]
	run "$PREFLIGHT" extra
	[ "$status" -eq 2 ]
	run "$PREFLIGHT" --sysroot "$BATS_TEST_TMPDIR/nowhere"
	[ "$status" -eq 2 ]
	[[ $output == *"--sysroot $BATS_TEST_TMPDIR/nowhere: No such file or directory"* ]]
	run "$PREFLIGHT" --help
	[ "$status" -eq 0 ]
	[[ $output == "Usage: rpi-hardware-preflight"* ]]
	run "$PREFLIGHT" --version
	[[ $output == "rpi-hardware-preflight "* ]]
}
