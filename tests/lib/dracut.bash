# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# Real dracut with the module from the working tree, nothing installed on the
# host: a scratch dracut base directory made of links to the installed dracut
# plus this repository's 95rpi-hardware, a dracut.conf that points the module at
# the build directory, and images built against the test kernel of kernel.bash.
#
#   dracut_workspace DIR      base dir, conf, overlays, test config under DIR
#   dracut_image IMG KVER KMODDIR [dracut options...]
#                             build IMG; its output is in IMG.log
#   image_unpack IMG DIR      unpack IMG into DIR (root: device nodes)
#   conf_copy DIR             private copies of the test config and dracut.conf
#                             in DIR for one test to edit; dracut_image uses them

# shellcheck source=kernel.bash
. "${BASH_SOURCE[0]%/*}/kernel.bash"

REPO=${REPO:-$(cd "${BASH_SOURCE[0]%/*}/../.." && pwd)}
BUILD_DIR=${BUILD_DIR:-$REPO/build/release}

# Writes NAME.dtbo, a valid overlay that adds one node (named after NAME, or
# NODE), into DIR.
make_overlay() {
	local dir=$1 name=$2 node=${3:-$2}
	mkdir -p "$dir"
	printf '/dts-v1/;\n/plugin/;\n/ {\n\tcompatible = "brcm,bcm2712";\n\tfragment@0 {\n\t\ttarget-path = "/";\n\t\t__overlay__ {\n\t\t\trpi-hardware-test-%s {\n\t\t\t\tcompatible = "rpi-hardware,test";\n\t\t\t};\n\t\t};\n\t};\n};\n' "$node" |
		dtc -q -@ -I dts -O dtb -o "$dir/$name.dtbo" -
}

dracut_workspace() {
	DW=$1
	local f
	mkdir -p "$DW/base/modules.d" "$DW/confdir" "$DW/tmp" "$DW/overlays"
	for f in /usr/lib/dracut/*; do
		[[ ${f##*/} == modules.d ]] || ln -sfn "$f" "$DW/base/"
	done
	for f in /usr/lib/dracut/modules.d/*; do
		ln -sfn "$f" "$DW/base/modules.d/"
	done
	ln -sfn "$REPO/modules.d/95rpi-hardware" "$DW/base/modules.d/95rpi-hardware"

	make_overlay "$DW/overlays" cruiser-raspberrypi-cm5
	make_overlay "$DW/overlays" axelera-metis
	cat >"$DW/rpi-hardware.conf" <<-EOF
		# test configuration
		overlays = cruiser-raspberrypi-cm5, axelera-metis
		modules="metis,rp1_pci"
		overlay_dirs=$DW/no-such-dir $DW/overlays
		timeout=7
	EOF
	cat >"$DW/dracut.conf" <<-EOF
		rpi_hw_config=$DW/rpi-hardware.conf
		rpi_hw_helper=$BUILD_DIR/overlay-slammer
		rpi_hw_datadir=$REPO/rules
		rpi_hw_rulesdir=$BUILD_DIR/rules
		rpi_hw_shlib=$BUILD_DIR/rpi-hardware.sh
	EOF
	export DW
}

dracut_image() {
	local img=$1 kver=$2 kmoddir=$3
	shift 3
	dracutbasedir=$DW/base dracut --conf "${RH_DRACUT_CONF:-$DW/dracut.conf}" --confdir "$DW/confdir" \
		--tmpdir "$DW/tmp" --no-compress --no-early-microcode --force \
		--kver "$kver" --kmoddir "$kmoddir" "$@" "$img" >"$img.log" 2>&1
}

image_unpack() {
	local img=$1 dir=$2
	rm -rf "$dir"
	mkdir -p "$dir"
	(cd "$dir" && lsinitrd --unpack "$img" >/dev/null 2>&1)
	[[ -e $dir/init || -e $dir/usr/lib/systemd/systemd ]]
}

# Whether IMG lists PATH (with or without the /usr prefix dracut's merged-/usr
# images put on /lib, /bin and /sbin).
image_has() {
	local listing
	listing=$(lsinitrd "$1" 2>/dev/null)
	grep -Eq "[[:space:]](usr/)?${2#/}( |$)" <<<"$listing"
}

conf_copy() {
	RH_CONF=$1/rpi-hardware.conf
	RH_DRACUT_CONF=$1/dracut.conf
	cp "$DW/rpi-hardware.conf" "$RH_CONF"
	sed "s|^rpi_hw_config=.*|rpi_hw_config=$RH_CONF|" "$DW/dracut.conf" >"$RH_DRACUT_CONF"
	export RH_CONF RH_DRACUT_CONF
}
