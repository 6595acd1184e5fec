#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# check() and depends() of 95rpi-hardware against fake build roots (dracut's
# --sysroot): a Cruiser, a plain Pi 5, a CM5 seen through sysfs, a Pi 4 and a
# PC. dracut's answers: 0 include by default, 255 only when asked, 1 never.

REPO=${REPO:-$(cd "$BATS_TEST_DIRNAME/../.." && pwd)}
BUILD_DIR=${BUILD_DIR:-$REPO/build/release}

# A build root with the module's installed files and, optionally, a device tree.
fake_root() {
	ROOT=$BATS_TEST_TMPDIR/root
	mkdir -p "$ROOT/usr/sbin" "$ROOT/usr/lib/udev/rules.d" "$ROOT/usr/lib/rpi-hardware" "$ROOT/etc"
	cp "$BUILD_DIR/overlay-slammer" "$ROOT/usr/sbin/"
	cp "$BUILD_DIR/rpi-hardware.sh" "$ROOT/usr/lib/rpi-hardware/"
	cp "$BUILD_DIR/rules/65-rpi-hardware.rules" "$ROOT/usr/lib/udev/rules.d/"
}

device_tree() {
	local where=${DT_PATH:-proc/device-tree}
	mkdir -p "$ROOT/$where"
	printf '%s\0' "$@" >"$ROOT/$where/compatible"
}

overlays_in() {
	local dir=$1 name
	shift
	mkdir -p "$ROOT$dir"
	for name in "$@"; do
		printf 'dtbo\n' >"$ROOT$dir/$name.dtbo"
	done
}

# Runs check() the way dracut does: module-setup.sh sourced, dracut's log
# functions present, $hostonly set or not, $dracutsysrootdir the fake root.
answer() {
	local hostonly_arg=$1
	run bash -c '
		derror() { echo "E: $*" >&2; }
		dwarn() { echo "W: $*" >&2; }
		dinfo() { :; }
		dracutsysrootdir=$1
		hostonly=$2
		[ -n "${3:-}" ] && rpi_hw_compatible=$3
		. "$4/modules.d/95rpi-hardware/module-setup.sh"
		check
		echo "rc=$?"
	' _ "$ROOT" "$hostonly_arg" "${EXTRA_COMPAT:-}" "$REPO"
}

setup() {
	fake_root
}

@test "Cruiser: included by default, host-only or not" {
	device_tree "exaviz,cruiser" "raspberrypi,5-compute-module" "brcm,bcm2712"
	answer -h
	[ "${lines[-1]}" = rc=0 ]
	answer ""
	[ "${lines[-1]}" = rc=0 ]
}

@test "plain Raspberry Pi 5: included by default" {
	device_tree "raspberrypi,5-model-b" "brcm,bcm2712"
	answer -h
	[ "${lines[-1]}" = rc=0 ]
}

@test "CM5 whose device tree is only under /sys/firmware: included by default" {
	DT_PATH=sys/firmware/devicetree/base device_tree "raspberrypi,5-compute-module" "brcm,bcm2712"
	answer -h
	[ "${lines[-1]}" = rc=0 ]
}

@test "Raspberry Pi 4: only when asked" {
	device_tree "raspberrypi,4-model-b" "brcm,bcm2711"
	answer -h
	[ "${lines[-1]}" = rc=255 ]
}

@test "PC (no device tree): only when asked, host-only or generic" {
	answer -h
	[ "${lines[-1]}" = rc=255 ]
	answer ""
	[ "${lines[-1]}" = rc=255 ]
}

@test "PC building a generic image with the overlays installed: included by default" {
	overlays_in /boot/firmware/overlays cruiser-raspberrypi-cm5
	overlays_in /lib/firmware/overlays axelera-metis
	answer ""
	[ "${lines[-1]}" = rc=0 ]
}

@test "PC building a host-only image: the overlays on disk do not make it a board" {
	overlays_in /boot/firmware/overlays cruiser-raspberrypi-cm5 axelera-metis
	answer -h
	[ "${lines[-1]}" = rc=255 ]
}

@test "generic image with one of the two overlays: only when asked" {
	overlays_in /boot/overlays cruiser-raspberrypi-cm5
	answer ""
	[ "${lines[-1]}" = rc=255 ]
}

@test "overlay list and search directories come from the build root's configuration" {
	printf 'overlays="my-board"\noverlay_dirs= /srv/dtbo \n' >"$ROOT/etc/rpi-hardware.conf"
	overlays_in /srv/dtbo my-board
	answer ""
	[ "${lines[-1]}" = rc=0 ]
}

@test "overlays with parameters (NAME,param=value): the files are found by NAME" {
	printf 'overlays="my-board,gen=3,flag   other-board"\noverlay_dirs=/srv/dtbo\n' \
		>"$ROOT/etc/rpi-hardware.conf"
	overlays_in /srv/dtbo my-board
	answer ""
	[ "${lines[-1]}" = rc=255 ]
	overlays_in /srv/dtbo other-board
	answer ""
	[ "${lines[-1]}" = rc=0 ]
	# The same when the helper cannot run (a cross build): the file read as is.
	chmod -x "$ROOT/usr/sbin/overlay-slammer"
	run bash -c '
		dwarn() { echo "W: $*" >&2; }
		dracutsysrootdir=$1
		. "$2/modules.d/95rpi-hardware/module-setup.sh"
		rpi_hw_paths
		rpi_hw_overlays
	' _ "$ROOT" "$REPO"
	[ "$output" = "$(printf 'my-board\nother-board')" ]
}

@test "a carrier with its own compatible is added with rpi_hw_compatible in dracut.conf" {
	device_tree "acme,carrier-x"
	answer -h
	[ "${lines[-1]}" = rc=255 ]
	EXTRA_COMPAT="acme,carrier-*" answer -h
	[ "${lines[-1]}" = rc=0 ]
}

@test "no helper installed: never included, and dracut says why" {
	device_tree "exaviz,cruiser" "brcm,bcm2712"
	rm "$ROOT/usr/sbin/overlay-slammer"
	answer -h
	[ "${lines[-1]}" = rc=1 ]
	[[ $output == *"E: rpi-hardware: /usr/sbin/overlay-slammer not found"* ]]
}

@test "no udev rules installed: never included, and dracut says why" {
	device_tree "exaviz,cruiser" "brcm,bcm2712"
	rm "$ROOT/usr/lib/udev/rules.d/65-rpi-hardware.rules"
	answer -h
	[ "${lines[-1]}" = rc=1 ]
	[[ $output == *"65-rpi-hardware.rules not found"* ]]
}

@test "no shell library installed: never included, and dracut says why" {
	device_tree "exaviz,cruiser" "brcm,bcm2712"
	rm "$ROOT/usr/lib/rpi-hardware/rpi-hardware.sh"
	answer -h
	[ "${lines[-1]}" = rc=1 ]
	[[ $output == *"/usr/lib/rpi-hardware/rpi-hardware.sh not found: install rpi-hardware"* ]]
}

@test "depends: udev-rules only; dracut-systemd when the systemd module is in" {
	run bash -c '
		dracut_module_included() { [[ " $mods_to_load " == *" $1 "* ]]; }
		. "$1/modules.d/95rpi-hardware/module-setup.sh"
		mods_to_load=" base udev-rules "; echo "classic: $(depends | xargs)"
		mods_to_load=" systemd base "; echo "systemd: $(depends | xargs)"
	' _ "$REPO"
	[ "${lines[0]}" = "classic: udev-rules" ]
	[ "${lines[1]}" = "systemd: udev-rules dracut-systemd" ]
}
