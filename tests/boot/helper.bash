# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Fake installed systems for the bootloader integration (boot/): kernels with
# their build configuration and device trees where distributions put them, and
# the board's overlays, below $SYS. The merged-DTB tool reads them through
# RPI_HW_SYSROOT and runs the built helper.

load "$REPO/tests/lib/fake-sysroot.bash"

# shellcheck disable=SC2034 # used by the suites
{
	FIXTURES=$REPO/tests/slammer/fixtures
	DTB_TOOL=$REPO/boot/rpi-hardware-dtb
	PLUGIN=$REPO/boot/91-rpi-hardware-dtb.install
	GRUB_SNIPPET=$REPO/boot/09_rpi_hardware_dtb
}
export RPI_HW_HELPER=$BUILD_DIR/overlay-slammer
export RPI_HW_SHLIB=$BUILD_DIR/rpi-hardware.sh
export RPI_HW_DTB_TOOL=$DTB_TOOL

# The CM5-like base and the two overlays, compiled once per file.
compile_boot_fixtures() {
	local name
	mkdir -p "$BATS_FILE_TMPDIR/fix"
	for name in cm5-base cruiser-raspberrypi-cm5; do
		compile_dts "$FIXTURES/$name.dts" "$BATS_FILE_TMPDIR/fix/$name.dtbo"
	done
	compile_dts "$REPO/overlays/axelera-metis.dts" "$BATS_FILE_TMPDIR/fix/axelera-metis.dtbo"
}

# new_system: an empty system root in $SYS with the overlays in
# /boot/firmware/overlays and no configuration file (the defaults apply).
new_system() {
	SYS=$BATS_TEST_TMPDIR/sys
	FIX=$BATS_FILE_TMPDIR/fix
	mkdir -p "$SYS/boot/firmware/overlays"
	cp "$FIX/cruiser-raspberrypi-cm5.dtbo" "$FIX/axelera-metis.dtbo" "$SYS/boot/firmware/overlays/"
	export RPI_HW_SYSROOT=$SYS
}

# kernel_config KIND: a kernel's configuration. rpi: Raspberry Pi's configfs
# overlay interface built in. mainline: overlays, no configfs interface (the
# option does not exist there). no-overlay: not even CONFIG_OF_OVERLAY.
kernel_config() {
	case $1 in
	rpi) printf '%s\n' CONFIG_OF=y CONFIG_OF_OVERLAY=y CONFIG_OF_CONFIGFS=y CONFIG_CONFIGFS_FS=y ;;
	mainline) printf '%s\n' CONFIG_OF=y CONFIG_OF_OVERLAY=y CONFIG_CONFIGFS_FS=m ;;
	no-overlay) printf '%s\n' CONFIG_OF=y '# CONFIG_OF_OVERLAY is not set' ;;
	esac
}

# fake_kernel KVER CONFIG LAYOUT: a kernel in $SYS/boot with the configuration
# kind CONFIG (or "none") and its device trees laid out as LAYOUT has them:
# debian (/boot/config-KVER, /usr/lib/linux-image-KVER/broadcom), fedora
# (/usr/lib/modules/KVER/config and dtb/broadcom), arch (/boot/dtbs, the module
# tree's build/.config).
fake_kernel() {
	local kver=$1 config=$2 layout=$3 cfg dtbdir
	case $layout in
	debian) cfg=$SYS/boot/config-$kver dtbdir=$SYS/usr/lib/linux-image-$kver/broadcom ;;
	fedora) cfg=$SYS/usr/lib/modules/$kver/config dtbdir=$SYS/usr/lib/modules/$kver/dtb/broadcom ;;
	arch) cfg=$SYS/usr/lib/modules/$kver/build/.config dtbdir=$SYS/boot/dtbs/broadcom ;;
	esac
	mkdir -p "$SYS/boot" "${cfg%/*}" "$dtbdir"
	echo "kernel $kver" >"$SYS/boot/vmlinuz-$kver"
	echo "initrd $kver" >"$SYS/boot/initrd.img-$kver"
	[[ $config == none ]] || kernel_config "$config" >"$cfg"
	cp "$FIX/cm5-base.dtbo" "$dtbdir/bcm2712-rpi-cm5-cm5io.dtb"
	cp "$FIX/cm5-base.dtbo" "$dtbdir/bcm2712-rpi-cm5l-cm5io.dtb"
}

# expected_dtb OUT: what `overlay-slammer merge` makes of the base and overlays.
expected_dtb() {
	"$RPI_HW_HELPER" merge --base "$FIX/cm5-base.dtbo" -o "$1" \
		"$FIX/cruiser-raspberrypi-cm5.dtbo" "$FIX/axelera-metis.dtbo" 2>/dev/null
}
