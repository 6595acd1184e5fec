#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The kernel's own overlay engine: Debian's 7.x arm64 kernel of stable-backports
# (CONFIG_OF_OVERLAY=y) boots the product's dracut image in qemu-system-aarch64
# -M virt with QEMU's own board tree, whose PCIe host pcie@10000000 is disabled
# and labelled pcie1/pciex1 as the CM5's x1 port is. The configfs overlay
# interface is tests/kmod/of/rpihw_overlays.c on of_overlay_fdt_apply(); no PCI
# gate, no label table: the kernel resolves, refuses, enables the controller,
# and pci-host-generic enumerates QEMU's edu card, which metis binds as axl.
# How: of.bash. It needs the arm64 build (make check makes build/aarch64;
# RPI_HW_ARM64_BUILD names another).
#
# Boots, two at once: happy (4 KiB pages), happy16k (the arm64-16k flavour),
# engine (the kernel refusing an overlay, removal and apply again), firmware
# (the Cruiser overlay in the -dtb tree); and three negative controls, each of
# which must fail the assertion the good boots pass: nostatus (a helper that
# does not read status), noenable (a Metis overlay that does not enable the
# controller), late (the device appears only after the root mounts).

CARD=0000:00:04.0
NODE=metis-0:0:4
OVERLAYS=rd.rpi_hw.overlays

setup_file() {
	local dt=$BATS_FILE_TMPDIR/dt mutant k16 r16 i16 engine
	BUILD_DIR=${RPI_HW_ARM64_BUILD:-$REPO/build/aarch64}
	if [[ $(file -b "$BUILD_DIR/overlay-slammer" 2>/dev/null) != *"ARM aarch64"* ]]; then
		export OF_SKIP="no arm64 build in $BUILD_DIR: make CROSS=aarch64-linux-gnu-"
		return 0
	fi
	export BUILD_DIR
	load of
	# The 16 KiB flavour first: of_prepare's variables then stay the 4 KiB one's.
	of_prepare "$BATS_FILE_TMPDIR/of16" arm64-16k || return 1
	[[ -z $OF_SKIP ]] || return 0
	k16=$OF_KERNEL r16=$OF_ROOTFS i16=$OF_IMG
	of_prepare "$BATS_FILE_TMPDIR/of" arm64 || return 1
	[[ -z $OF_SKIP ]] || return 0
	of_trees "$dt" || return 1
	engine=$BATS_FILE_TMPDIR/engine.img
	of_image_with "$OF_IMG" "$engine" "cruiser-poe-port=$dt/cruiser-poe-port.dtbo" || return 1
	of_image_with "$OF_IMG" "$BATS_FILE_TMPDIR/noenable.img" "axelera-metis=$dt/no-enable.dtbo" || return 1
	mutant=$(of_mutant_helper) || return 1
	of_image_with "$OF_IMG" "$BATS_FILE_TMPDIR/nostatus.img" "cruiser-poe-port=$dt/cruiser-poe-port.dtbo" \
		"/usr/sbin/overlay-slammer=$mutant" || return 1
	# The kernel refuses cruiser-poe-port (it needs the label cruiser_poe,
	# which only the Cruiser overlay defines); the path-applied marker keeps
	# the helper's own pre-check out of it.
	ENGINE="rpihw_oftest.path=marker $OVERLAYS=cruiser-poe-port,cruiser-raspberrypi-cm5,axelera-metis"
	# Two at once: each has two vCPUs, the machine two cores.
	of_boot happy "$dt/base.dtb" "$OF_IMG" "rpihw_test.root=twice" &
	OF_KERNEL=$k16 OF_ROOTFS=$r16 of_boot happy16k "$dt/base.dtb" "$i16" "rpihw_test.root=twice" &
	wait
	of_boot engine "$dt/base.dtb" "$engine" "$ENGINE rpihw_oftest.remove=1" &
	of_boot firmware "$dt/firmware.dtb" "$OF_IMG" "rpihw_test.root=twice" &
	wait
	of_boot nostatus "$dt/base.dtb" "$BATS_FILE_TMPDIR/nostatus.img" "$ENGINE" &
	of_boot noenable "$dt/base.dtb" "$BATS_FILE_TMPDIR/noenable.img" "" &
	wait
	# The Metis overlay left out of the helper's initramfs run and applied
	# once the root is mounted (pre-pivot).
	of_boot late "$dt/base.dtb" "$OF_IMG" "$OVERLAYS=cruiser-raspberrypi-cm5 rpihw_oftest.apply=axelera-metis"
	local b results=
	for b in happy happy16k engine firmware nostatus noenable late; do
		results+=" $b $(cat "$OF_OUT/$b.result")"
	done
	echo "# OF-engine boots: kernel $OF_ABI ($OF_VERSION) and its -16k;$results; logs in $OF_OUT" >&3
	export OF_OUT OF_IMG OF_ABI
}

setup() {
	[[ -z ${OF_SKIP:-} ]] || skip "$OF_SKIP"
}

# The kernel log of boot NAME as the console showed it: one record per line,
# without the time.
klog() {
	tr -d '\r' <"$OF_OUT/$1.log" | sed -E 's/([^[:space:]])(\[ *[0-9]+\.[0-9]{6}\] )/\1\n\2/g' |
		sed -nE 's/^\[ *[0-9]+\.[0-9]+\] //p'
}

# The kernel time of boot NAME's first record matching the ERE.
stamp() {
	tr -d '\r' <"$OF_OUT/$1.log" | sed -E 's/([^[:space:]])(\[ *[0-9]+\.[0-9]{6}\] )/\1\n\2/g' |
		awk -v re="$2" '
	match($0, /^\[ *[0-9]+\.[0-9]+\] /) && substr($0, RLENGTH + 1) ~ re {
		printf "%.6f\n", substr($0, 2, RLENGTH - 3); exit }'
}

# has BOOT ERE WHAT
has() {
	klog "$1" | grep -qE -- "$2" && return 0
	echo "boot $1: expected $3 (/$2/); last lines of $OF_OUT/$1.log:"
	tr -d '\r' <"$OF_OUT/$1.log" | tail -n 15
	return 1
}

# hasnt BOOT ERE WHAT
hasnt() {
	local m
	m=$(klog "$1" | grep -E -- "$2" | head -n 3)
	[[ -z $m ]] && return 0
	echo "boot $1: expected no $3 (/$2/), found: $m"
	return 1
}

# before BOOT ERE-A ERE-B WHAT
before() {
	local a b
	a=$(stamp "$1" "$2")
	b=$(stamp "$1" "$3")
	[[ -n $a && -n $b ]] || { echo "boot $1: $4: missing /$2/ (${a:-none}) or /$3/ (${b:-none})"; return 1; }
	awk -v a="$a" -v b="$b" 'BEGIN { exit !(a < b) }' ||
		{ echo "boot $1: $4: /$2/ at $a is not before /$3/ at $b"; return 1; }
}

ROOT_MOUNTED='^EXT4-fs \(vda\): mounted filesystem'
METIS_APPLIED='^rpihw_overlays: overlay axelera-metis applied by the kernel \(changeset [0-9]+'
HOST_UP='^pci-host-generic [0-9a-f]+\.pcie: PCI host bridge to bus 0000:00$'
CARD_FOUND="^pci $CARD: \[1234:11e8\] type 00 class 0x00ff00"
BOUND="^metis: $NODE created for $CARD \(axl\)$"
LINKED="^rpihw-vmtest: udev: /dev/$NODE ready, links: axelera0$"
PREMOUNT="^rpihw-vmtest: pre-mount: axelera0=$NODE sysroot=unmounted$"

# The chain, each step from the kernel's side, then its order. The Cruiser
# overlay is applied by the kernel unless CRUISER=firmware.
chain_ok() {
	local b=$1 cruiser=${CRUISER:-configfs}
	# What happens.
	has "$b" '^rpihw_overlays: configfs overlay interface device-tree/overlays ready: the kernel.s overlay engine' \
		"the interface on the kernel's engine" &&
		has "$b" '^overlay-slammer: loaded module metis ' "metis loaded by the helper" &&
		has "$b" '^metis: stand-in of Axelera.s driver .* PCI driver axl registered$' "the driver registered" &&
		if [[ $cruiser == configfs ]]; then
			has "$b" '^rpihw_overlays: overlay cruiser-raspberrypi-cm5 applied by the kernel \(changeset [0-9]+,' \
				"the kernel applying the Cruiser overlay" &&
				has "$b" '^OF: overlay: WARNING: memory leak will occur if overlay removed, property: /serial-cruiser/status$' \
					"the kernel changing the node the Cruiser overlay targets"
		fi &&
		has "$b" '^OF: overlay: WARNING: memory leak will occur if overlay removed, property: /pcie@10000000/status$' \
			"the kernel changing the controller's status" &&
		has "$b" "$HOST_UP" "pci-host-generic probing the controller the overlay enabled" &&
		has "$b" "$CARD_FOUND" "the kernel enumerating the card" &&
		has "$b" "^axl $CARD: Wrong msi number 1 \(want 32\), falling back to 1$" "the driver probing it" &&
		has "$b" "$BOUND" "metis binding it as axl" &&
		has "$b" "$METIS_APPLIED" "the kernel applying the Metis overlay" &&
		has "$b" '^overlay-slammer: applied overlay axelera-metis from ' "the helper's success" &&
		has "$b" "$LINKED" "udev's /dev/axelera0" &&
		has "$b" "$ROOT_MOUNTED" "the root mounted" &&
		has "$b" '^rpihw-oftest: state pre-pivot: pci=present axl=0000:00:04.0 node=present pcie-status=okay host=present ' \
			"the live tree's pcie@10000000 okay, the card bound" &&
		has "$b" '^rpihw-vmtest: root: init running$' "the root's init" &&
		# In which order: nothing on the bus until the Metis overlay; all of
		# it before the root mounts.
		before "$b" '^overlay-slammer: boot: modules 1, overlays [0-9]+' "$HOST_UP" "the controller down until the helper runs" &&
		before "$b" '^overlay-slammer: loaded module metis ' "$HOST_UP" "the driver loaded before the controller comes up" &&
		if [[ $cruiser == configfs ]]; then
			before "$b" '^rpihw_overlays: overlay cruiser-raspberrypi-cm5 applied by the kernel' "$HOST_UP" \
				"the Cruiser overlay first"
		fi &&
		before "$b" "$HOST_UP" "$CARD_FOUND" "the card found on the bus the controller brought" &&
		before "$b" "$BOUND" "$ROOT_MOUNTED" "the driver bound before the root mounted" &&
		before "$b" "$LINKED" "$ROOT_MOUNTED" "/dev/axelera0 before the root mounted" &&
		before "$b" "$PREMOUNT" "$ROOT_MOUNTED" "pre-mount seeing /dev/axelera0, the root not mounted"
}

# The controller is disabled in the -dtb tree: the kernel's one probe of it
# comes after the overlays.
@test "happy: the controller is disabled at boot: no PCI host, no device until the Metis overlay" {
	before happy '^rpihw_overlays: overlay cruiser-raspberrypi-cm5 applied by the kernel' \
		'^pci-host-generic [0-9a-f]+\.pcie: host bridge /pcie@10000000 ranges:' "no host before the overlays"
	[[ $(klog happy | grep -cE '^pci-host-generic [0-9a-f]+\.pcie: host bridge /pcie@10000000 ranges:') == 1 ]]
}

@test "the image: the product's module and configuration, metis.ko.xz compressed as this kernel's modules are" {
	run lsinitrd "$OF_IMG"
	[[ $output == *"lib/modules/$OF_ABI/extra/metis.ko.xz"* ]]
	[[ $output == *"lib/modules/$OF_ABI/kernel/fs/configfs/configfs.ko.xz"* ]]
	[[ $output == *"usr/lib/rpi-hardware/overlays/axelera-metis.dtbo"* ]]
	[[ $output != *"cruiser-poe-port"* ]]
	has happy '^overlay-slammer: loaded module metis ' "libkmod loading metis.ko.xz"
}

@test "happy: the kernel applies both overlays, enables the controller, finds the card; axl, /dev/axelera0, before the root" {
	chain_ok happy
}

@test "happy: apply and boot again after switch_root change nothing" {
	has happy '^rpihw-vmtest: root: configfs items: axelera-metis=applied cruiser-raspberrypi-cm5=applied$' "both items applied"
	has happy '^rpihw-vmtest: root: twice: apply=0 boot=0 changes=2->2 status=same$' "no change from a second run"
	[[ $(klog happy | grep -cE '^rpihw_overlays: overlay .* applied by the kernel') == 2 ]]
	[[ $(klog happy | grep -cE "$HOST_UP") == 1 ]]
}

@test "happy16k: the arm64-16k flavour, 16 KiB pages: the same chain" {
	has happy16k '^Linux version [^ ]+-arm64-16k ' "the 16k kernel"
	has happy16k '^rpihw-oftest: kernel page size 16 KiB$' "16 KiB pages"
	has happy '^rpihw-oftest: kernel page size 4 KiB$' "4 KiB pages in the other boot"
	chain_ok happy16k
	has happy16k '^rpihw-vmtest: root: twice: apply=0 boot=0 changes=2->2 status=same$' "no change from a second run"
}

@test "engine: an overlay whose label the live tree lacks is refused by the kernel, and the helper names it" {
	has engine '^rpihw-oftest: path: marker applied through path, status applied$' "the path-applied overlay"
	has engine '^overlay-slammer: overlay marker is applied, but cannot be replayed .*firmware path' \
		"the helper unable to pre-check what follows"
	has engine "^OF: resolver: node label 'cruiser_poe' not found in live devicetree symbols table$" \
		"the kernel's resolver"
	has engine '^rpihw_overlays: overlay cruiser-poe-port: the kernel refused it \(-22\): status stays unapplied$' \
		"the refusal through the interface"
	has engine "^overlay-slammer: overlay cruiser-poe-port: the kernel did not apply it \(status stays 'unapplied'" \
		"the helper naming it"
	hasnt engine '^overlay-slammer: applied overlay cruiser-poe-port ' "success claimed"
	# The others go on: the chain, with the refused item gone.
	chain_ok engine
	has engine '^rpihw-oftest: state pre-pivot: .* items=axelera-metis=applied,cruiser-raspberrypi-cm5=applied,marker=applied$' \
		"no item left of the refused overlay"
}

@test "engine: removing in reverse order really removes the device; apply brings it back" {
	before engine '^rpihw_overlays: overlay axelera-metis removed by the kernel$' \
		'^rpihw_overlays: overlay cruiser-raspberrypi-cm5 removed by the kernel$' "Metis removed before Cruiser"
	before engine "^metis: $NODE removed \($CARD\)$" '^rpihw_overlays: overlay axelera-metis removed by the kernel$' \
		"the driver's remove as the controller goes"
	has engine '^rpihw-oftest: remove exit 0$' "remove succeeding"
	has engine '^rpihw-oftest: state after-remove: pci=absent axl=none node=absent pcie-status=disabled host=absent items=marker=applied$' \
		"card, driver binding, node and controller gone, the live tree back to disabled"
	has engine '^rpihw-oftest: apply exit 0$' "apply succeeding"
	has engine '^rpihw-oftest: state after-apply: pci=present axl=0000:00:04.0 node=present pcie-status=okay host=present items=axelera-metis=applied,cruiser-raspberrypi-cm5=applied,marker=applied$' \
		"all of it back"
	[[ $(klog engine | grep -cE "$HOST_UP") == 2 ]]
}

@test "firmware: an overlay compiled into the -dtb tree is in effect and not applied again; the Metis overlay brings the card" {
	has firmware '^overlay-slammer: overlay cruiser-raspberrypi-cm5: in effect, applied before Linux started' "the skip"
	hasnt firmware '^rpihw_overlays: overlay cruiser-raspberrypi-cm5 ' "the Cruiser overlay written to configfs"
	CRUISER=firmware chain_ok firmware
	has firmware '^rpihw_overlays: overlay axelera-metis applied by the kernel \(changeset 1,' "the only changeset"
	has firmware '^rpihw-vmtest: root: configfs items: axelera-metis=applied$' "only axelera-metis in configfs"
	has firmware '^rpihw-vmtest: root: twice: apply=0 boot=0 changes=1->1 status=same$' "no change from a second run"
}

@test "negative control: a helper that does not read status fails the refusal test" {
	has nostatus '^rpihw_overlays: overlay cruiser-poe-port: the kernel refused it \(-22\)' "the same refusal"
	has nostatus '^overlay-slammer: applied overlay cruiser-poe-port ' "the mutant claiming success"
	run has nostatus "^overlay-slammer: overlay cruiser-poe-port: the kernel did not apply it" "the helper naming it"
	[ "$status" -ne 0 ]
}

@test "negative control: a Metis overlay that does not enable the controller fails the chain" {
	has noenable '^rpihw_overlays: overlay axelera-metis applied by the kernel' "the overlay itself applied"
	hasnt noenable '^OF: overlay: .*property: /pcie@10000000/status$' "a change of the controller's status"
	run chain_ok noenable
	[ "$status" -ne 0 ]
	run has noenable "$HOST_UP" "pci-host-generic probing the controller"
	[ "$status" -ne 0 ]
	hasnt noenable "$CARD_FOUND" "the card"
	has noenable '^overlay-slammer: /dev/axelera0 did not appear within 5 s' "the helper's wait ending"
}

@test "negative control: the device appearing only after the root mounted fails the chain" {
	has late "$BOUND" "the card bound in the end"
	before late "$ROOT_MOUNTED" "$BOUND" "bound after the root mounted"
	has late '^rpihw-vmtest: pre-mount: axelera0=absent sysroot=unmounted$' "no device at pre-mount"
	run chain_ok late
	[ "$status" -ne 0 ]
	run before late "$BOUND" "$ROOT_MOUNTED" "bound before the root mounted"
	[ "$status" -ne 0 ]
}

@test "no kernel warning, oops or panic in the good boots" {
	local b
	for b in happy happy16k engine firmware; do
		run bash -c "tr -d '\r' <'$OF_OUT/$b.log' | grep -E 'WARNING: CPU|BUG:|Oops|Internal error|Kernel panic|refused to remove'"
		[ "$status" -eq 1 ] || { echo "boot $b: $output"; return 1; }
	done
}
