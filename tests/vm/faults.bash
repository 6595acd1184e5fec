# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# The image of the fault matrix (tests/vm/faults.bats): the classic image with
# broken overlays added after dracut built it. dracut's module validates every
# overlay it embeds and leaves a broken one out, so they cannot come in through
# the build; the kernel unpacks a cpio archive appended to the image over the
# first one instead, as with the faulty image of vm.bash. Each fault has a name
# of its own, so one image serves them all, chosen with rd.rpi_hw.overlays=:
#
#   f-truncated    the Metis overlay cut short
#   f-notoverlay   a whole device tree (no fragments)
#   f-oversize     a well-formed overlay over the kernel's 1 MiB limit
#
# So only the helper's overlay check stops them.
#
#   vm_fault_image SRC DST   DST is SRC with the broken overlays; needs
#                            vm_prepare's settings

_vm_fault_notoverlay() {
	printf '%s\n' '/dts-v1/;' '/ {' \
		'	compatible = "raspberrypi,5-compute-module", "brcm,bcm2712";' \
		'	model = "rpi-hardware test: a whole device tree, not an overlay";' \
		'	#address-cells = <2>;' '	#size-cells = <1>;' '	chosen { };' '};' |
		dtc -q -I dts -O dtb -o "$1" -
}

# A valid overlay whose one property makes it larger than 1 MiB.
_vm_fault_oversize() {
	local out=$1 pad=$1.pad
	head -c $((1024 * 1024)) /dev/zero >"$pad"
	printf '%s\n' '/dts-v1/;' '/plugin/;' '/ {' '	fragment@0 {' '		target-path = "/";' \
		'		__overlay__ {' '			rpihw-vmtest-oversize {' \
		'				compatible = "rpi-hardware,test";' \
		"				padding = /incbin/(\"$pad\");" \
		'			};' '		};' '	};' '};' | dtc -q -@ -I dts -O dtb -o "$out" -
	rm -f "$pad"
}

vm_fault_image() {
	local src=$1 img=$2 work=$2.d ovl=usr/lib/rpi-hardware/overlays size
	rm -rf "$work"
	mkdir -p "$work/$ovl"
	size=$(stat -c %s "$VM_METIS_DTBO")
	head -c $((size - 16)) "$VM_METIS_DTBO" >"$work/$ovl/f-truncated.dtbo"
	_vm_fault_notoverlay "$work/$ovl/f-notoverlay.dtbo" || vm_die "dtc failed on the non-overlay tree" || return
	_vm_fault_oversize "$work/$ovl/f-oversize.dtbo" || vm_die "dtc failed on the oversize overlay" || return
	(($(stat -c %s "$work/$ovl/f-oversize.dtbo") > 1024 * 1024)) ||
		vm_die "f-oversize.dtbo is not over 1 MiB" || return
	cp "$src" "$img" || return
	(cd "$work" && find usr | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) >>"$img" || return
	rm -rf "$work"
}
