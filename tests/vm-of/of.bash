# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# The emulated boot on the kernel's own overlay engine: Debian's 7.x arm64
# kernel of stable-backports (CONFIG_OF_OVERLAY=y) boots, in qemu-system-aarch64
# -M virt, the product's dracut image. The configfs overlay interface is
# tests/kmod/of/rpihw_overlays.c, whose apply and remove are the kernel's
# of_overlay_fdt_apply() and of_overlay_remove(). The board tree is QEMU's own
# (dumpdtb) with its PCIe host controller pcie@10000000 disabled and labelled as
# the CM5's external x1 port is (pcie1, pciex1), passed with -dtb; QEMU's edu
# card sits on that bus. Nothing simulates a PCI gate: the kernel enumerates the
# card once an overlay enables the controller.
#
#   of_prepare DIR FLAVOUR  kernel (arm64 or arm64-16k), test modules, trees,
#                           image and root file system under DIR and the cache;
#                           sets OF_KERNEL OF_IMG OF_ROOTFS OF_ABI OF_VERSION,
#                           or OF_SKIP (and returns 0) when the kernel lacks
#                           what the boot needs
#   of_boot NAME DTB IMAGE "CMDLINE"
#                           one bounded boot; the console in $OF_OUT/NAME.log
#   of_trees DIR            DIR/{base,firmware}.dtb: the board tree, and the
#                           board tree with the Cruiser overlay merged in; the
#                           overlays the scenarios add (cruiser-poe-port,
#                           no-enable: the Metis overlay without status okay)
#   of_image_with SRC IMG NAME=FILE...  SRC with overlays or files added
#   of_mutant_helper        a helper that does not read status (printed path)
#
# The image is made as tests/vm-arm64 makes it (dracut on the host against the
# arm64 system root, tests/vm-arm64/arm64.bash), with this kernel's module tree.
# The test modules are built inside a Debian 13 root with the compiler the
# kernel was built with (gcc 14) and its linux-kbuild, never with the host's.
#
# Needs BUILD_DIR (the arm64 build: build/aarch64) and REPO.

# shellcheck source=../vm-arm64/arm64.bash
. "$REPO/tests/vm-arm64/arm64.bash"
# shellcheck source=../lib/archive.bash
. "$REPO/tests/lib/archive.bash"

OF_SUITE=trixie-backports
OF_CACHE=$RPI_HW_CACHE/vm-of
OF_OUT=${RPI_HW_VM_OUT:-$BUILD_DIR/vm-of}
# The machine: the dumped tree must describe the one that boots. Cortex-A76,
# the CPU of the Raspberry Pi 5 and CM5: the Cortex-A72 has no 16 KiB granule,
# and the arm64-16k kernel stops on it before its first console line.
OF_MACHINE=(-M virt -cpu cortex-a76 -smp 2 -m 768)
# What the kernel must have for this boot, from its config.
OF_NEEDS="CONFIG_OF_OVERLAY=y CONFIG_OF_DYNAMIC=y CONFIG_PCI_HOST_GENERIC=y"

of_die() {
	echo "vm-of: $*" >&2
	return 1
}

# Debian's 7.x arm64 kernel of FLAVOUR from the index: the image, modules and
# base (config) packages behind linux-image-FLAVOUR, and the headers, each
# unpacked once per version. Sets OF_ABI OF_VERSION OF_KROOT OF_KERNEL
# OF_HEADERS OF_PKGS.
_of_kernel() {
	local flavour=$1 img p ver base
	archive_update "$OF_SUITE" arm64 || return
	img=$(archive_dep "linux-image-$flavour" linux-image-) ||
		of_die "no linux-image-$flavour in $OF_SUITE" || return
	[[ -n $img ]] || of_die "linux-image-$flavour in $OF_SUITE depends on no linux-image-ABI" || return
	OF_ABI=${img#linux-image-}
	OF_PKGS=()
	for p in base binary modules; do
		p=$(archive_dep "$img" "linux-$p-")
		[[ -n $p ]] || of_die "$img has no linux-$p-ABI package (a kernel packaged otherwise?)" || return
		OF_PKGS+=("$p")
	done
	OF_PKGS+=("linux-headers-$OF_ABI")
	p=$(archive_dep "linux-headers-$OF_ABI" linux-headers-)
	[[ $p == *-common ]] && OF_PKGS+=("$p")
	for p in "${OF_PKGS[@]}"; do
		ver=$(archive_fetch "$p" "$ARCHIVE_CACHE/$p") || return
	done
	OF_VERSION=$ver
	base=$ARCHIVE_CACHE/linux-base-$OF_ABI/usr/lib/modules/$OF_ABI
	OF_CONFIG=$base/config
	OF_KERNEL=$ARCHIVE_CACHE/linux-binary-$OF_ABI/usr/lib/modules/$OF_ABI/vmlinuz
	[[ -f $OF_KERNEL ]] || of_die "linux-binary-$OF_ABI has no usr/lib/modules/$OF_ABI/vmlinuz" || return
	OF_HEADERS=linux-headers-$OF_ABI
	# The module tree: modules and base together, depmod'ed, as the image
	# wants it (lib/modules/ABI).
	OF_KROOT=$OF_CACHE/kernel/$OF_ABI-$ver
	if [[ ! -f $OF_KROOT/.done ]]; then
		rm -rf "$OF_KROOT"
		mkdir -p "$OF_KROOT/lib/modules"
		cp -a "$ARCHIVE_CACHE/linux-modules-$OF_ABI/usr/lib/modules/$OF_ABI" "$OF_KROOT/lib/modules/" || return
		cp -a "$base"/modules.builtin* "$base"/modules.order "$OF_KROOT/lib/modules/$OF_ABI/" || return
		depmod -b "$OF_KROOT" "$OF_ABI" || return
		touch "$OF_KROOT/.done"
	fi
}

# Prints why this kernel cannot run the boot, or nothing.
of_kernel_lacks() {
	local need missing=()
	[[ -f $1 ]] || { echo "its config ($1) is missing"; return; }
	for need in $OF_NEEDS; do
		grep -qx "$need" "$1" || missing+=("$need")
	done
	grep -qE '^CONFIG_CONFIGFS_FS=[ym]$' "$1" || missing+=("CONFIG_CONFIGFS_FS")
	((${#missing[@]} == 0)) ||
		echo "its config lacks ${missing[*]} (the kernel's overlay engine and what this boot needs of it)"
}

# The Debian 13 root the test modules are built in: the kernel's compiler, its
# linux-kbuild for the host, its headers unpacked into /usr/src.
_of_buildroot() {
	local kbuild root=$OF_CACHE/buildroot p
	kbuild=$(archive_dep "linux-headers-$OF_ABI" linux-kbuild-)
	[[ -n $kbuild ]] || of_die "linux-headers-$OF_ABI names no linux-kbuild" || return
	archive_root trixie "$root" "make,gcc-aarch64-linux-gnu,libc6-dev,$kbuild" || return
	for p in "${OF_PKGS[@]}"; do
		[[ $p == linux-headers-* ]] || continue
		[[ -f $root/.unpacked-$p-$OF_VERSION ]] && continue
		cp -a "$ARCHIVE_CACHE/$p/usr" "$root/" || return
		touch "$root/.unpacked-$p-$OF_VERSION"
	done
	[[ -d $root/usr/src/$OF_HEADERS ]] || of_die "no /usr/src/$OF_HEADERS in the build root" || return
	OF_BUILDROOT=$root
}

# The test modules: the real-engine interface (tests/kmod/of) and from
# tests/kmod the metis stand-in and rpihw_initfail, built in the Debian 13
# root. Keyed by their sources and the kernel. Sets OF_KO.
_of_kmods() {
	local key out src
	key=$( (cd "$REPO/tests" && sha256sum kmod/of/* kmod/metis.c kmod/rpihw_initfail.c
		echo "$OF_ABI $OF_VERSION") | sha256sum | cut -c1-16)
	out=$OF_CACHE/kmod/$OF_ABI-$key
	OF_KO=$out/ko
	[[ -f $out/.done ]] && return 0
	rm -rf "$out"
	src=$OF_BUILDROOT/build/$OF_ABI
	rm -rf "$src"
	mkdir -p "$src" "$OF_KO"
	cp "$REPO/tests/kmod/of"/*.c "$REPO/tests/kmod/of/Kbuild" "$REPO/tests/kmod/metis.c" \
		"$REPO/tests/kmod/rpihw_initfail.c" "$src/" || return
	if ! chroot "$OF_BUILDROOT" make -s -C "/usr/src/$OF_HEADERS" M="/build/$OF_ABI" ARCH=arm64 \
		CROSS_COMPILE=aarch64-linux-gnu- modules >"$out.log" 2>&1 || grep -q 'warning:' "$out.log"; then
		cat "$out.log" >&2
		of_die "building the test modules against $OF_HEADERS failed or warned (log: $out.log)" || return
	fi
	cp "$src"/*.ko "$OF_KO/" || return
	mv "$out.log" "$out/build.log"
	touch "$out/.done"
}

# QEMU's virt tree, its PCIe host disabled and labelled as the CM5's x1 port,
# and a node the Cruiser stand-in can enable (label uart2, no driver binds it).
# Compiled with -@ so that overlays resolve against its __symbols__.
of_trees() {
	local d=$1 native=${RPI_HW_NATIVE_BUILD:-$REPO/build/release}/overlay-slammer
	mkdir -p "$d"
	qemu-system-aarch64 "${OF_MACHINE[@]}" -machine dumpdtb="$d/virt.dtb" -nodefaults \
		-display none >"$d/dump.log" 2>&1 || { cat "$d/dump.log" >&2; return 1; }
	dtc -q -I dtb -O dts "$d/virt.dtb" | awk '
		/^\tpcie@10000000 \{/ { sub(/pcie@10000000/, "pciex1: pcie1: pcie@10000000"); inpcie = 1 }
		inpcie && /^\t\tstatus = / { next }
		inpcie && /^\t};/ { print "\t\tstatus = \"disabled\";"; inpcie = 0 }
		/^};/ {
			print "\n\tuart2: serial-cruiser {"
			print "\t\tcompatible = \"rpihw,cruiser-uart-standin\";"
			print "\t\tstatus = \"disabled\";"
			print "\t};"
		}
		{ print }' >"$d/base.dts"
	grep -q 'pciex1: pcie1: pcie@10000000 {' "$d/base.dts" ||
		of_die "QEMU's virt tree has no pcie@10000000 (another QEMU?)" || return
	dtc -q -@ -I dts -O dtb -o "$d/base.dtb" "$d/base.dts" || return
	dtc -q -@ -I dts -O dtb -o "$d/cruiser-raspberrypi-cm5.dtbo" \
		"$REPO/tests/slammer/fixtures/cruiser-raspberrypi-cm5.dts" || return
	dtc -q -@ -I dts -O dtb -o "$d/cruiser-poe-port.dtbo" \
		"$REPO/tests/slammer/fixtures/cruiser-poe-port.dts" || return
	# The product's Metis overlay without the line that enables the controller.
	sed '/^[[:space:]]*status = "okay";$/d' "$REPO/overlays/axelera-metis.dts" >"$d/no-enable.dts"
	! cmp -s "$REPO/overlays/axelera-metis.dts" "$d/no-enable.dts" ||
		of_die "overlays/axelera-metis.dts sets no status = \"okay\" line to take out" || return
	dtc -q -@ -I dts -O dtb -o "$d/no-enable.dtbo" "$d/no-enable.dts" || return
	[[ -x $native ]] || of_die "no $native: run make first" || return
	# The firmware's boot: config.txt's dtoverlay=cruiser-raspberrypi-cm5 applied
	# before Linux starts.
	"$native" merge --base "$d/base.dtb" -o "$d/firmware.dtb" "$d/cruiser-raspberrypi-cm5.dtbo" \
		>"$d/merge.log" 2>&1 || { cat "$d/merge.log" >&2; return 1; }
}

# Faults that come in the image, as a damaged or edited file would: a cpio
# archive appended to IMG (the kernel unpacks it over the first). Each
# argument NAME=FILE adds FILE as the overlay NAME.dtbo; /PATH=FILE puts FILE
# at PATH.
of_image_with() {
	local src=$1 img=$2 work=$2.add ovl=usr/lib/rpi-hardware/overlays a
	shift 2
	rm -rf "$work"
	mkdir -p "$work/$ovl"
	for a in "$@"; do
		if [[ $a == /* ]]; then
			mkdir -p "$work$(dirname "${a%%=*}")"
			cp -p "${a#*=}" "$work${a%%=*}" || return
			continue
		fi
		cp "${a#*=}" "$work/$ovl/${a%%=*}.dtbo" || return
	done
	cp "$src" "$img" || return
	(cd "$work" && find . -mindepth 1 | sed 's|^\./||' | LC_ALL=C sort |
		cpio -o -H newc -R 0:0 --quiet) >>"$img" || return
	rm -rf "$work"
}

# The image: tests/vm-arm64's, with this directory's test module next to
# 99rpihw-vmtest (the MMIO disk driver, the path-applied overlay, the removal
# probe) and the firmware file it installs.
_of_image() {
	local img=$1 fw=$A64_SYSROOT/lib/firmware/rpihw-oftest
	# Inside the system root: dracut --sysroot takes every file from there.
	mkdir -p "$fw"
	dtc -q -@ -I dts -O dtb -o "$fw/marker.dtbo" "$REPO/tests/vm-of/marker.dts" || return
	ln -sfn "$REPO/tests/vm-of/dracut/98rpihw-oftest" "$A64_DW/base/modules.d/98rpihw-oftest"
	A64_IMG=$img
	RPIHW_OFTEST_FIRMWARE=$fw DRACUT_LDD=$A64_LDD dracutbasedir=$A64_DW/base \
		dracut --sysroot "$A64_SYSROOT" \
		--conf "$A64_DW/dracut.conf" --confdir "$A64_DW/confdir" --tmpdir "$A64_DW/tmp" \
		--no-compress --no-early-microcode --no-hostonly --force \
		-m "base udev-rules rootfs-block rpi-hardware rpihw-vmtest rpihw-oftest" \
		--kver "$A64_ABI" "$img" >"$img.log" 2>&1 ||
		{ tail -n 20 "$img.log" >&2; of_die "dracut failed (log: $img.log)"; }
}

of_prepare() {
	local dir=$1 flavour=$2 why v
	[[ $(file -b "$BUILD_DIR/overlay-slammer" 2>/dev/null) == *"ARM aarch64"* ]] ||
		of_die "$BUILD_DIR/overlay-slammer is not an arm64 build: make CROSS=$A64_CROSS" || return
	mkdir -p "$dir" "$OF_CACHE" "$A64_CACHE" "$OF_OUT"
	OF_SKIP=
	(
		flock 9
		_of_kernel "$flavour" || exit
		why=$(of_kernel_lacks "$OF_CONFIG")
		if [[ -n $why ]]; then
			echo "OF_SKIP=$(printf %q "Debian's $OF_SUITE kernel $OF_ABI ($OF_VERSION) cannot run this boot: $why")"
			exit 0
		fi
		_of_buildroot && _of_kmods || exit
		_a64_sysroot_base || exit
		for v in OF_ABI OF_VERSION OF_KROOT OF_KERNEL OF_KO A64_BASE; do
			printf '%s=%q\n' "$v" "${!v}"
		done
	) 9>"$OF_CACHE/.lock" >"$dir/prepare.env" || return
	# shellcheck disable=SC1091 # written just above
	. "$dir/prepare.env"
	[[ -z $OF_SKIP ]] || return 0
	# The arm64 image path of tests/vm-arm64, with this kernel's module tree.
	# shellcheck disable=SC2034 # arm64.bash's functions read them
	A64_ABI=$OF_ABI A64_KROOT=$OF_KROOT A64_KO=$OF_KO
	A64_SYSROOT=$dir/sysroot
	# shellcheck disable=SC2034
	A64_DW=$A64_SYSROOT/.dracut
	_a64_sysroot "$A64_SYSROOT" || return
	# This kernel's modules are .ko.xz, and DKMS compresses what it builds the
	# same way (metis-dkms on this kernel: metis.ko.xz): so are the test
	# modules, and the helper loads metis.ko.xz through libkmod.
	xz --check=crc32 --lzma2=dict=1MiB -f "$A64_SYSROOT/lib/modules/$OF_ABI/extra"/*.ko &&
		depmod -b "$A64_SYSROOT" "$OF_ABI" || return
	_a64_workspace || return
	_a64_ldd "$dir" || return
	_of_image "$dir/of.img" || return
	_a64_rootfs "$dir/root.ext4" || return
	OF_IMG=$A64_IMG OF_ROOTFS=$A64_ROOTFS
	export OF_KERNEL OF_IMG OF_ROOTFS OF_ABI OF_VERSION OF_OUT OF_SKIP
}

# The helper as it would be if it stopped reading "status" after a write (it
# takes every write for applied): the negative control of the kernel's
# refusal. Built from a copy of the working tree with one line changed, cached
# by the helper's sources. Prints its path.
of_mutant_helper() {
	local key dir src=helpers/lib/configfs.c
	key=$( (cd "$REPO" && find helpers -type f -print0 | sort -z | xargs -0 sha256sum) |
		sha256sum | cut -c1-16)
	dir=$OF_CACHE/mutant-$key
	if [[ ! -f $dir/.done ]]; then
		rm -rf "$dir"
		mkdir -p "$dir/tree"
		tar -C "$REPO" --exclude=./build --exclude=./.git -cf - . | tar -C "$dir/tree" -xf - || return
		sed -i 's|^\t\tr = configfs_state(dirfd, name, &state);$|\t\tstate = OVERLAY_APPLIED; /* mutant: status not read */|' \
			"$dir/tree/$src"
		[[ $(grep -c 'mutant: status not read' "$dir/tree/$src") == 1 ]] ||
			of_die "$src: the status read after a write is not where the mutant expects it" || return
		make -s -C "$dir/tree" CROSS="$A64_CROSS" B="$dir/build" "$dir/build/overlay-slammer" \
			>"$dir/build.log" 2>&1 || { tail -n 20 "$dir/build.log" >&2; of_die "building the mutant failed"; return; }
		touch "$dir/.done"
	fi
	echo "$dir/build/overlay-slammer"
}

of_boot() {
	local name=$1 dtb=$2 img=$3 log=$OF_OUT/$1.log rc t0
	rm -f "$log"
	t0=$(date +%s%N)
	timeout -k 5 "$(a64_timeout)" qemu-system-aarch64 "${OF_MACHINE[@]}" -dtb "$dtb" \
		-accel tcg,thread=multi -nodefaults -no-user-config -display none -monitor none \
		-no-reboot -serial "file:$log" -kernel "$OF_KERNEL" -initrd "$img" \
		-append "$A64_CMDLINE rd.shell=0 rd.emergency=poweroff $4" \
		-drive "file=$OF_ROOTFS,format=raw,if=none,id=root,snapshot=on" \
		-device virtio-blk-device,drive=root -device edu,addr=04.0 \
		</dev/null >"$OF_OUT/$name.qemu" 2>&1 && rc=0 || rc=$?
	awk -v rc="$rc" -v ns="$(($(date +%s%N) - t0))" \
		'BEGIN { printf "qemu=%d seconds=%.1f\n", rc, ns / 1e9 }' >"$OF_OUT/$name.result"
}
