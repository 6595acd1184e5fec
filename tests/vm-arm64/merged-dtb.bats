#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The merged-DTB path on the real architecture: Debian's arm64 kernel, with no
# configfs overlay interface (the stand-in left out: rpihw_test.iface=0), boots
# in qemu-system-aarch64 -M virt with -dtb: QEMU's own virt tree plus a CM5-like
# /axi (the labels the Cruiser and Metis overlays target), the overlays merged in
# by `overlay-slammer merge`. In the initramfs the helper finds the overlays in
# the live tree. The same boot with the unmerged tree names what is missing.
# And a firmware boot: the Cruiser overlay in the tree already, as Raspberry Pi
# firmware applies config.txt's dtoverlay= lines before Linux starts, with the
# configfs interface there and the card (QEMU's edu) behind the x1 port: the
# helper leaves the Cruiser overlay alone and applies only the Metis overlay.
# Harness: arm64.bash (image, kernel, root file system).

# The virt machine as a64_boot starts it: the dumped tree must describe the same.
MACHINE=(-M virt -cpu cortex-a72 -smp 2 -m 768)

setup_file() {
	# The merge runs on the host, with the helper of the build under test.
	local native=${BUILD_DIR:-$REPO/build/release}/overlay-slammer d=$BATS_FILE_TMPDIR/dt
	BUILD_DIR=${RPI_HW_ARM64_BUILD:-$REPO/build/aarch64}
	if [[ $(file -b "$BUILD_DIR/overlay-slammer" 2>/dev/null) != *"ARM aarch64"* ]]; then
		export A64_SKIP="no arm64 build in $BUILD_DIR: make CROSS=aarch64-linux-gnu-"
		return 0
	fi
	[[ -x $native ]] || { echo "no $native: run make first" >&2; return 1; }
	export BUILD_DIR
	load arm64
	a64_prepare "$BATS_FILE_TMPDIR/a64" || return 1
	mkdir -p "$d"
	make_trees "$d" "$native" || return 1
	# Two at once: each has two vCPUs, the machine two cores.
	boot_dtb merged "$d/merged.dtb" rpihw_test.iface=0 0 &
	boot_dtb unmerged "$d/base.dtb" rpihw_test.iface=0 0 &
	wait
	boot_dtb firmware "$d/firmware.dtb" "rpihw_test.root=twice" 1
	echo "# arm64 -dtb boots: merged $(cat "$A64_OUT/merged.result"), unmerged $(cat "$A64_OUT/unmerged.result")," \
		"firmware $(cat "$A64_OUT/firmware.result")" >&3
	export A64_OUT
}

setup() {
	[[ -z ${A64_SKIP:-} ]] || skip "$A64_SKIP"
}

# QEMU's virt tree with a CM5-like /axi added (compiled with __symbols__), that
# base with the image's two overlays merged in (the Cruiser's stand-in and the
# product's Metis overlay), and the base with the Cruiser's only, as the firmware
# hands it over after dtoverlay=cruiser-raspberrypi-cm5.
make_trees() {
	local d=$1 native=$2
	qemu-system-aarch64 "${MACHINE[@]}" -machine dumpdtb="$d/virt.dtb" -nodefaults \
		-display none >"$d/dump.log" 2>&1 || { cat "$d/dump.log" >&2; return 1; }
	{
		dtc -q -I dtb -O dts "$d/virt.dtb"
		sed -n '/^\/ {/,$p' "$REPO/tests/slammer/fixtures/cm5-base.dts" |
			sed -e '/compatible = "raspberrypi/d' -e '/^\tmodel/d' -e '/#address-cells\|#size-cells/d'
	} >"$d/base.dts"
	dtc -q -@ -I dts -O dtb -o "$d/base.dtb" "$d/base.dts" || return 1
	dtc -q -@ -I dts -O dtb -o "$d/cruiser-raspberrypi-cm5.dtbo" \
		"$REPO/tests/slammer/fixtures/cruiser-raspberrypi-cm5.dts" || return 1
	dtc -q -@ -I dts -O dtb -o "$d/axelera-metis.dtbo" "$REPO/overlays/axelera-metis.dts" || return 1
	"$native" merge --base "$d/base.dtb" -o "$d/merged.dtb" "$d/cruiser-raspberrypi-cm5.dtbo" \
		"$d/axelera-metis.dtbo" &&
		"$native" merge --base "$d/base.dtb" -o "$d/firmware.dtb" "$d/cruiser-raspberrypi-cm5.dtbo"
}

# boot_dtb NAME DTB CMDLINE CARDS: a64_boot with the device tree given and CARDS
# edu devices; one bounded boot, the console in NAME.log.
boot_dtb() {
	local name=$1 dtb=$2 log=$A64_OUT/$1.log rc cards=()
	rm -f "$log"
	mapfile -t cards < <(vm_cards_qemu "$4")
	timeout -k 5 "$(a64_timeout)" qemu-system-aarch64 "${MACHINE[@]}" -dtb "$dtb" \
		-accel tcg,thread=multi -nodefaults -no-user-config -display none -monitor none \
		-no-reboot -serial "file:$log" -kernel "$A64_KERNEL" -initrd "$A64_IMG" \
		-append "$A64_CMDLINE rd.shell=0 rd.emergency=poweroff $3" \
		-drive "file=$A64_ROOTFS,format=raw,if=virtio,snapshot=on" "${cards[@]}" \
		</dev/null >"$A64_OUT/$name.qemu" 2>&1
	rc=$?
	echo "qemu=$rc" >"$A64_OUT/$name.result"
}

# The kernel log of boot NAME, one record per line, without the time.
klog() {
	tr -d '\r' <"$A64_OUT/$1.log" | sed -E 's/([^[:space:]])(\[ *[0-9]+\.[0-9]{6}\] )/\1\n\2/g' |
		sed -nE 's/^\[ *[0-9]+\.[0-9]+\] //p'
}

has() {
	klog "$1" | grep -qE -- "$2" && return 0
	echo "expected /$2/ in $A64_OUT/$1.log; its last lines:"
	tr -d '\r' <"$A64_OUT/$1.log" | tail -n 25
	return 1
}

@test "arm64 -dtb merged: no configfs interface, both overlays in effect through the merged DTB" {
	has merged '^rpihw-vmtest: interface: left out \(rpihw_test.iface=0\)'
	has merged '^overlay-slammer: overlay cruiser-raspberrypi-cm5: merged DTB in effect'
	has merged '^overlay-slammer: overlay axelera-metis: merged DTB in effect'
	has merged '^overlay-slammer: overlays: 2 of 2 in effect through the merged DTB'
	has merged '^rpihw-vmtest: root: init running'
	run klog merged
	[[ $output != *"no configfs overlay interface"* ]]
	[[ $output != *"overlay-slammer boot failed"* ]]
}

@test "arm64 -dtb unmerged: what is missing, and the boot goes on" {
	has unmerged "^overlay-slammer: overlay cruiser-raspberrypi-cm5: not in effect: /axi/rp1/serial@38000/status differs"
	has unmerged "^overlay-slammer: overlay axelera-metis: not in effect: /axi/pcie@1000110000/status differs"
	has unmerged '^overlay-slammer: this kernel has no configfs overlay interface .*lacks overlays named above'
	has unmerged '^rpihw-vmtest: root: init running'
}

@test "arm64 firmware boot: the Cruiser overlay in the booted tree is not applied again, the Metis overlay brings the card" {
	has firmware "^overlay-slammer: overlay cruiser-raspberrypi-cm5: in effect, applied before Linux started"
	run klog firmware
	[[ $output != *"rpihw_overlays: overlay cruiser-raspberrypi-cm5 applied"* ]]
	has firmware '^rpihw_overlays: overlay axelera-metis applied'
	has firmware '^rpihw_overlays: PCIe x1 port up \(overlay axelera-metis\): card 0000:00:04\.0 \[1234:11e8\] found'
	has firmware '^metis: metis-0:0:4 created for 0000:00:04\.0 \(axl\)'
	has firmware '^rpihw-vmtest: pre-mount: axelera0=metis-0:0:4 sysroot=unmounted'
	has firmware '^rpihw-vmtest: root: configfs items: axelera-metis=applied$'
	# Run again after switch_root, the Cruiser overlay is still left alone.
	has firmware '^rpihw-vmtest: root: twice: apply=0 boot=0 changes=1->1 status=same$'
}

@test "arm64 -dtb boots: no kernel warning, oops or panic" {
	local b
	for b in merged unmerged firmware; do
		run bash -c "tr -d '\r' <'$A64_OUT/$b.log' | grep -E 'WARNING: CPU|BUG:|Oops|Internal error|Kernel panic'"
		[ "$status" -eq 1 ] || { echo "boot $b: $output"; return 1; }
	done
}
