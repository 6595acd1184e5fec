# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# The emulated arm64 boot: Debian's arm64 kernel (the build that matches the
# host's linux-headers-amd64) boots, in qemu-system-aarch64 -M virt, a dracut
# image built for arm64 with 95rpi-hardware and the arm64 helper. The image is
# cross-built: dracut runs on the host against an arm64 system root (Debian
# packages unpacked by mmdebstrap, the project installed into it with
# `make install DESTDIR=`), and resolves the arm64 libraries through qemu-user.
# The stand-in hardware (tests/kmod) is cross-compiled against Debian's arm64
# headers; the card is QEMU's edu device, as in the x86 boots, whose test dracut
# module, root init and card setup (tests/vm/cards.bash) it shares. The
# administrator's hardware-ids and rules are in the system root's /etc, where
# 95rpi-hardware takes them from.
#
#   a64_prepare DIR     kernel, modules, system root, image and root file system
#                       under DIR and the cache; sets A64_KERNEL A64_IMG A64_ROOTFS
#   a64_boot NAME "CMDLINE" [CARDS]
#                       one bounded boot with CARDS (1) edu devices; the console
#                       goes to $A64_OUT/NAME.log
#
# Needs BUILD_DIR (the arm64 build: build/aarch64) and REPO.

# shellcheck source=../lib/kernel.bash
. "$REPO/tests/lib/kernel.bash"
# shellcheck source=../vm/cards.bash
. "$REPO/tests/vm/cards.bash"

A64_CACHE=$RPI_HW_CACHE/vm-arm64
A64_OUT=${RPI_HW_VM_OUT:-$BUILD_DIR/vm-arm64}
A64_CROSS=aarch64-linux-gnu-
# What the image's dracut modules take from the system root: the shell, the
# core tools, udev, kmod, and dracut's own arm64 helpers (dracut-util).
A64_PACKAGES=bash,dash,coreutils,util-linux,mount,kmod,udev,sed,grep,dracut-core,libc-bin,busybox-static
A64_CMDLINE="console=ttyAMA0 printk.time=1 panic=-1 root=/dev/vda rootfstype=ext4 ro rd.skipfsck"

a64_die() {
	echo "vm-arm64: $*" >&2
	return 1
}

# Downloads PKG=VERSION into DIR unless a .deb of it is there; prints its path.
_a64_deb() {
	local pkg=$1 ver=$2 dir=$3 deb
	mkdir -p "$dir"
	deb=$(compgen -G "$dir/${pkg%:*}_${ver#*:}_*.deb" | head -n 1)
	if [[ -z $deb ]]; then
		(cd "$dir" && apt-get download -q "$pkg=$ver") >"$dir/download.log" 2>&1 ||
			a64_die "cannot download $pkg=$ver: is arm64 in dpkg's architectures and apt updated? (scripts/deps.sh)" ||
			return
		deb=$(compgen -G "$dir/${pkg%:*}_${ver#*:}_*.deb" | head -n 1)
	fi
	echo "$deb"
}

# The arm64 kernel and its headers, unpacked into the cache: A64_ABI, A64_KROOT
# (modules under lib/modules/ABI, depmod'ed), A64_KERNEL, A64_HEADERS.
_a64_kernel() {
	local base deb
	kernel_abi || return
	A64_ABI=${KERNEL_ABI%-amd64}-arm64
	base=$A64_CACHE/kernel/$A64_ABI
	A64_KROOT=$base/root
	A64_KERNEL=$A64_KROOT/boot/vmlinuz-$A64_ABI
	A64_HEADERS=$base/headers/usr/src/linux-headers-$A64_ABI
	[[ -f $base/.done ]] && return 0
	rm -rf "$base/root" "$base/headers"
	deb=$(_a64_deb "linux-image-$A64_ABI-unsigned:arm64" "$KERNEL_DEBVER" "$base/deb") || return
	dpkg -x "$deb" "$base/root" || return
	if [[ ! -d $base/root/lib/modules && -d $base/root/usr/lib/modules ]]; then
		mkdir -p "$base/root/lib" && mv "$base/root/usr/lib/modules" "$base/root/lib/modules"
	fi
	depmod -b "$base/root" "$A64_ABI" || return
	deb=$(_a64_deb "linux-headers-$A64_ABI:arm64" "$KERNEL_DEBVER" "$base/deb") || return
	dpkg -x "$deb" "$base/headers" || return
	# Its scripts and tools are the build host's (linux-kbuild, installed with the
	# amd64 headers, same version): relink them from the unpacked tree.
	ln -sfn "$(readlink -f "$KERNEL_HEADERS/scripts")" "$A64_HEADERS/scripts"
	ln -sfn "$(readlink -f "$KERNEL_HEADERS/tools")" "$A64_HEADERS/tools"
	touch "$base/.done"
}

# The test modules, cross-compiled; A64_KO is their directory. Keyed by sources.
_a64_kmods() {
	local key out
	key=$( (cd "$REPO/tests/kmod" && find . -type f -print0 | sort -z | xargs -0 sha256sum
		echo "$KERNEL_DEBVER") | sha256sum | cut -c1-16)
	out=$A64_CACHE/kmod/$A64_ABI-$key
	A64_KO=$out/ko
	[[ -f $out/.done ]] && return 0
	rm -rf "$out"
	mkdir -p "$out/ko" "$out/src"
	find "$REPO/tests/kmod" -maxdepth 1 -type f -exec cp {} "$out/src/" \;
	if ! make -s -C "$A64_HEADERS" M="$out/src" ARCH=arm64 CROSS_COMPILE="$A64_CROSS" \
		modules >"$out/build.log" 2>&1; then
		cat "$out/build.log" >&2
		a64_die "cross-building tests/kmod against $A64_HEADERS failed" || return
	fi
	cp "$out/src"/*.ko "$out/ko/" || return
	touch "$out/.done"
}

# Debian's arm64 packages unpacked (not installed: no maintainer scripts run, so
# no binfmt_misc is needed), cached by the package list.
_a64_sysroot_base() {
	local key sources
	key=$(echo "$A64_PACKAGES" | sha256sum | cut -c1-16)
	A64_BASE=$A64_CACHE/sysroot-$key
	[[ -f $A64_BASE.done ]] && return 0
	rm -rf "$A64_BASE"
	mapfile -t sources < <(_a64_sources)
	((${#sources[@]})) || a64_die "no apt sources on this host to take the arm64 packages from" || return
	# apt hands mmdebstrap a descriptor above the lowest free one and names it in a
	# /bin/sh hook; dash cannot redirect descriptors above 9, and under bats the low
	# ones are taken. Closing them leaves it a low one.
	if ! (exec 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&-
		mmdebstrap --variant=extract --mode=root --architectures=arm64 \
			--include="$A64_PACKAGES" "$(_a64_suite)" "$A64_BASE" "${sources[@]}" \
			</dev/null >"$A64_BASE.log" 2>&1); then
		tail -n 20 "$A64_BASE.log" >&2
		a64_die "mmdebstrap of the arm64 system root failed (log: $A64_BASE.log)" || return
	fi
	touch "$A64_BASE.done"
}

# The host's apt source files that name a repository, for mmdebstrap.
_a64_sources() {
	local list parts f
	eval "$(apt-config shell list Dir::Etc::SourceList/f parts Dir::Etc::SourceParts/d)"
	for f in "$list" "$parts"*.list "$parts"*.sources; do
		[[ -f $f ]] && grep -qE '^[[:space:]]*(deb|Types:)' "$f" && echo "$f"
	done
}

# The host's Debian release, for the system root's packages.
_a64_suite() {
	(. /etc/os-release && echo "${VERSION_CODENAME:-stable}")
}

# Finds PATH inside ROOT, following links as if ROOT were /.
_a64_resolve() {
	local root=$1 p=$2 n=0 t
	while [[ -L $root$p ]] && ((n++ < 40)); do
		t=$(readlink "$root$p")
		if [[ $t == /* ]]; then p=$t; else p=${p%/*}/$t; fi
	done
	echo "$p"
}

# dracut's ldd for arm64 programs: the target's dynamic loader run by qemu-user
# in a chroot of the system root, so that no library of the host is seen.
_a64_ldd() {
	local out=$1/a64-ldd qemu
	qemu=$(command -v qemu-aarch64-static) || a64_die "qemu-aarch64-static not found; run scripts/deps.sh" || return
	cp "$qemu" "$A64_SYSROOT/.qemu-aarch64-static" || return
	cat >"$out" <<-EOF
		#!/bin/bash
		# ldd for the arm64 files of $A64_SYSROOT.
		$(declare -f _a64_resolve)
		root='$A64_SYSROOT'
		f=\$(_a64_resolve "\$root" "\${1#"\$root"}")
		case \$(file -b "\$root\$f" 2>/dev/null) in
		*"dynamically linked"*)
			exec chroot "\$root" /.qemu-aarch64-static /lib/ld-linux-aarch64.so.1 --list "\$f" ;;
		*)
			echo "	not a dynamic executable"
			exit 1 ;;
		esac
	EOF
	chmod 0755 "$out"
	A64_LDD=$out
}

# The system root of this run: the base (hard links), the project installed
# into it from the arm64 build (its configuration and its Metis overlay among
# it), the Cruiser overlay's stand-in where the Pi firmware keeps overlays, the
# administrator's hardware-ids with the edu card, and the kernel's modules with
# the test modules.
_a64_sysroot() {
	local sr=$1 mods conf
	rm -rf "$sr"
	# Hard links where the cache shares the file system; the run only replaces files.
	cp -al "$A64_BASE" "$sr" 2>/dev/null || cp -a "$A64_BASE" "$sr" || return
	make -s -C "$REPO" CROSS="$A64_CROSS" B="$BUILD_DIR" DESTDIR="$sr" install >"$sr.install.log" 2>&1 ||
		{ cat "$sr.install.log" >&2; a64_die "make install into the system root failed"; return; }
	[[ -f $sr/usr/lib/rpi-hardware/overlays/axelera-metis.dtbo ]] ||
		a64_die "make install put no axelera-metis.dtbo in /usr/lib/rpi-hardware/overlays" || return
	mkdir -p "$sr/boot/firmware/overlays"
	dtc -q -@ -I dts -O dtb -o "$sr/boot/firmware/overlays/cruiser-raspberrypi-cm5.dtbo" \
		"$REPO/tests/slammer/fixtures/cruiser-raspberrypi-cm5.dts" ||
		a64_die "dtc failed on cruiser-raspberrypi-cm5.dts" || return
	# The installed configuration, the product's defaults, with a shorter wait.
	conf=$sr/etc/rpi-hardware.conf
	[[ -f $conf ]] || a64_die "make install put no /etc/rpi-hardware.conf" || return
	sed '/^timeout=/d' "$conf" >"$conf.new" && rm -f "$conf" &&
		printf '%s\n' '# emulated arm64 boot (tests/vm-arm64): the wait shortened' 'timeout=5' >>"$conf.new" &&
		mv "$conf.new" "$conf" || return
	rm -f "$sr/etc/rpi-hardware/hardware-ids" "$sr/etc/udev/rules.d/65-rpi-hardware.rules"
	vm_admin_etc "$sr/etc" || return
	mods=$sr/lib/modules/$A64_ABI
	mkdir -p "${mods%/*}"
	cp -al "$A64_KROOT/lib/modules/$A64_ABI" "$mods" 2>/dev/null ||
		cp -a "$A64_KROOT/lib/modules/$A64_ABI" "$mods" || return
	mkdir -p "$mods/extra"
	cp "$A64_KO"/*.ko "$mods/extra/" || return
	depmod -b "$sr" "$A64_ABI"
}

# dracut from the host with 95rpi-hardware from the working tree and the x86
# boots' test module: links to the installed dracut, as tests/lib/dracut.bash
# does. It lies inside the system root because dracut takes every file it
# installs from there, the modules' scripts included; and dracut-util, which
# goes into the image, is the arm64 one.
_a64_workspace() {
	local f
	mkdir -p "$A64_DW/base/modules.d" "$A64_DW/confdir" "$A64_DW/tmp"
	for f in /usr/lib/dracut/*; do
		[[ ${f##*/} == @(modules.d|dracut-util) ]] || ln -sfn "$f" "$A64_DW/base/"
	done
	cp "$A64_SYSROOT/usr/lib/dracut/dracut-util" "$A64_DW/base/dracut-util" || return
	for f in /usr/lib/dracut/modules.d/*; do
		ln -sfn "$f" "$A64_DW/base/modules.d/"
	done
	# A copy with its links resolved, as make install leaves it: under --sysroot
	# dracut resolves a link inside the module against the system root, where
	# the working tree's initramfs/lib is not.
	rm -rf "$A64_DW/base/modules.d/95rpi-hardware"
	cp -rL "$REPO/modules.d/95rpi-hardware" "$A64_DW/base/modules.d/95rpi-hardware" || return
	ln -sfn "$REPO/tests/vm/dracut/99rpihw-vmtest" "$A64_DW/base/modules.d/99rpihw-vmtest"
	# The system root's layout (Debian 12: /lib not merged into /usr), which
	# dracut would otherwise take from the build host.
	printf '%s\n' 'systemdutildir=/lib/systemd' 'udevdir=/lib/udev' >"$A64_DW/dracut.conf"
}

_a64_image() {
	A64_IMG=$1
	DRACUT_LDD=$A64_LDD dracutbasedir=$A64_DW/base dracut --sysroot "$A64_SYSROOT" \
		--conf "$A64_DW/dracut.conf" --confdir "$A64_DW/confdir" --tmpdir "$A64_DW/tmp" \
		--no-compress --no-early-microcode --no-hostonly --force \
		-m "base udev-rules rootfs-block rpi-hardware rpihw-vmtest" \
		--kver "$A64_ABI" "$A64_IMG" >"$A64_IMG.log" 2>&1 ||
		{ tail -n 20 "$A64_IMG.log" >&2; a64_die "dracut failed (log: $A64_IMG.log)"; }
}

# The root file system: arm64 busybox, the x86 boots' init, the helper, its
# configuration and overlays, and the module indexes the helper reads.
_a64_rootfs() {
	local img=$1 st=$1.d sr=$A64_SYSROOT a kdir
	rm -rf "$st"
	mkdir -p "$st"/{bin,sbin,etc,proc,sys,dev,run,tmp,usr/sbin} "$st/boot/firmware/overlays"
	cp "$sr/bin/busybox" "$st/bin/busybox"
	for a in $(qemu-aarch64-static "$st/bin/busybox" --list); do
		[[ $a == busybox ]] || ln -sf busybox "$st/bin/$a"
	done
	install -m 0755 "$REPO/tests/vm/rootfs/init" "$st/sbin/init"
	install -m 0755 "$BUILD_DIR/overlay-slammer" "$st/usr/sbin/overlay-slammer"
	cp "$sr/boot/firmware/overlays"/*.dtbo "$sr/usr/lib/rpi-hardware/overlays/axelera-metis.dtbo" \
		"$st/boot/firmware/overlays/"
	cp "$sr/etc/rpi-hardware.conf" "$st/etc/"
	mkdir -p "$st/usr/lib/rpi-hardware"
	cp "$sr/usr/lib/rpi-hardware/hardware-ids" "$st/usr/lib/rpi-hardware/"
	cp -r "$sr/etc/rpi-hardware" "$st/etc/"
	printf '%s\n' 'NAME="rpi-hardware arm64 test root"' 'ID=rpihw-vmtest' >"$st/etc/os-release"
	kdir=$st/lib/modules/$A64_ABI
	mkdir -p "$kdir"
	cp "$sr/lib/modules/$A64_ABI"/modules.* "$kdir/"
	cp -r "$sr/lib/modules/$A64_ABI/extra" "$kdir/"
	rm -f "$img"
	mke2fs -q -t ext4 -L rpihw-root -d "$st" "$img" 64M >/dev/null || a64_die "mke2fs failed" || return
	rm -rf "$st"
	A64_ROOTFS=$img
}

a64_prepare() {
	local dir=$1
	[[ $(file -b "$BUILD_DIR/overlay-slammer" 2>/dev/null) == *"ARM aarch64"* ]] ||
		a64_die "$BUILD_DIR/overlay-slammer is not an arm64 build: make CROSS=$A64_CROSS" || return
	mkdir -p "$dir" "$A64_CACHE" "$A64_OUT"
	A64_SYSROOT=$dir/sysroot
	A64_DW=$A64_SYSROOT/.dracut
	{
		flock 9
		_a64_kernel && _a64_kmods && _a64_sysroot_base
	} 9>"$A64_CACHE/.lock" || return
	_a64_sysroot "$A64_SYSROOT" || return
	_a64_workspace || return
	_a64_ldd "$dir" || return
	_a64_image "$dir/happy.img" || return
	_a64_rootfs "$dir/root.ext4" || return
	export A64_KERNEL A64_IMG A64_ROOTFS A64_OUT
}

# Hard limit of one boot, seconds: it only stops a hung guest.
a64_timeout() {
	echo "${RPI_HW_VM_TIMEOUT:-400}"
}

a64_boot() {
	local name=$1 cmdline="$A64_CMDLINE $2" log t0 rc cards=()
	log=$A64_OUT/$name.log
	rm -f "$log"
	mapfile -t cards < <(vm_cards_qemu "${3:-1}")
	t0=$(date +%s%N)
	timeout -k 5 "$(a64_timeout)" qemu-system-aarch64 -M virt -cpu cortex-a72 -smp 2 -m 768 \
		-accel tcg,thread=multi -nodefaults -no-user-config -display none -monitor none \
		-no-reboot -serial "file:$log" -kernel "$A64_KERNEL" -initrd "$A64_IMG" \
		-append "$cmdline" -drive "file=$A64_ROOTFS,format=raw,if=virtio,snapshot=on" \
		"${cards[@]}" </dev/null >"$A64_OUT/$name.qemu" 2>&1
	rc=$?
	awk -v rc="$rc" -v ns="$(($(date +%s%N) - t0))" \
		'BEGIN { printf "qemu=%d seconds=%.1f\n", rc, ns / 1e9 }' >"$A64_OUT/$name.result"
}
