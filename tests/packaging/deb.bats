#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The Debian package: built with dpkg-buildpackage from the release tarball of
# this tree (make dist) with no network, for amd64 and cross for arm64; checked
# with lintian; installed, upgraded, removed and purged in a throwaway Debian 12
# root, where its maintainer scripts and dracut's trigger really run.

load packaging
load ../lib/refute

KVER=6.1.0-rpihw-test

setup_file() {
	pkg_workdir
	VERSION=$(pkg_version)
	DEB=$PKG_WORK/deb
	SRC=$DEB/rpi-hardware-$VERSION
	mkdir -p "$DEB"
	pkg_dist "$PKG_WORK/dist"
	ln "$PKG_WORK/dist/rpi-hardware_$VERSION.orig.tar.gz" "$DEB/"
	tar -C "$DEB" -xzf "$DEB/rpi-hardware_$VERSION.orig.tar.gz"
	HOST_ARCH=$(dpkg --print-architecture)
	export VERSION DEB SRC HOST_ARCH
	(cd "$SRC" && pkg_nonet dpkg-buildpackage -us -uc) >"$DEB/native.log" 2>&1
	echo $? >"$DEB/native.rc"
	CROSS_ARCH=
	if [[ $HOST_ARCH != arm64 ]] && command -v aarch64-linux-gnu-gcc >/dev/null; then
		CROSS_ARCH=arm64
		(cd "$SRC" && pkg_nonet dpkg-buildpackage -a"$CROSS_ARCH" -Pcross -us -uc -B) >"$DEB/cross.log" 2>&1
		echo $? >"$DEB/cross.rc"
	fi
	export CROSS_ARCH
}

teardown_file() {
	pkg_cleanup
}

built() {
	local rc
	rc=$(cat "$DEB/$1.rc")
	[ "$rc" -eq 0 ] || {
		tail -n 40 "$DEB/$1.log"
		false
	}
}

deb_file() {
	echo "$DEB/rpi-hardware_${VERSION}-1_$1.deb"
}

# The files of a .deb, one path a line, compression suffixes dropped.
deb_paths() {
	dpkg-deb -c "$1" | awk '$1 !~ /^d/ { sub(/^\.\//, "", $6); print $6 }' | sed 's/\.gz$//' | LC_ALL=C sort
}

@test "dpkg-buildpackage builds the source and binary packages from the release tarball, offline" {
	built native
	# The source package's upstream tarball is make dist's, byte for byte.
	local sum
	sum=$(sha256sum "$PKG_WORK/dist/rpi-hardware-$VERSION.tar.gz" | cut -d' ' -f1)
	grep -q "^ $sum [0-9]* rpi-hardware_$VERSION.orig.tar.gz$" "$DEB/rpi-hardware_$VERSION-1.dsc"
	[ -f "$(deb_file "$HOST_ARCH")" ]
	# The unit tests ran in the build.
	grep -q "^build/deb-$HOST_ARCH/tests/unit-config$" "$DEB/native.log"
}

@test "the package carries each part in Debian 12's place, the helper static" {
	built native
	run deb_paths "$(deb_file "$HOST_ARCH")"
	[ "$output" = "etc/grub.d/09_rpi_hardware_dtb
etc/rpi-hardware.conf
lib/systemd/system/axelera-stats-logger.service
lib/systemd/system/axelera.service
lib/systemd/system/rpi-hardware-rebuild.path
lib/systemd/system/rpi-hardware-rebuild.service
lib/udev/rules.d/65-rpi-hardware.rules
lib/udev/rules.d/99-axelera-metis.rules
usr/lib/dracut/modules.d/95rpi-hardware/module-setup.sh
usr/lib/dracut/modules.d/95rpi-hardware/rpi-hardware-boot.sh
usr/lib/dracut/modules.d/95rpi-hardware/rpi-hardware-dracut.sh
usr/lib/dracut/modules.d/95rpi-hardware/rpi-hardware-emergency.sh
usr/lib/dracut/modules.d/95rpi-hardware/rpi-hardware-image.sh
usr/lib/dracut/modules.d/95rpi-hardware/rpi-hardware-lib.sh
usr/lib/dracut/modules.d/95rpi-hardware/rpi-hardware-wait.sh
usr/lib/kernel/install.d/91-rpi-hardware-dtb.install
usr/lib/rpi-hardware/gen-rules
usr/lib/rpi-hardware/hardware-ids
usr/lib/rpi-hardware/initramfs/boot.sh
usr/lib/rpi-hardware/initramfs/image.sh
usr/lib/rpi-hardware/initramfs/initramfs-tools.sh
usr/lib/rpi-hardware/overlays/axelera-metis.dtbo
usr/lib/rpi-hardware/rpi-hardware-dtb
usr/lib/rpi-hardware/rpi-hardware.sh
usr/lib/sysusers.d/axelera.conf
usr/sbin/axelera-stats-logger
usr/sbin/metis-setup
usr/sbin/overlay-slammer
usr/sbin/rpi-hardware-preflight
usr/share/doc/rpi-hardware/README.md
usr/share/doc/rpi-hardware/changelog.Debian
usr/share/doc/rpi-hardware/copyright
usr/share/doc/rpi-hardware/dracut.md
usr/share/doc/rpi-hardware/generators.md
usr/share/doc/rpi-hardware/hardware.md
usr/share/doc/rpi-hardware/kernel-paths.md
usr/share/doc/rpi-hardware/packaging.md
usr/share/doc/rpi-hardware/rootfs.md
usr/share/doc/rpi-hardware/security.md
usr/share/initramfs-tools/hooks/rpi-hardware
usr/share/initramfs-tools/scripts/init-premount/rpi-hardware
usr/share/initramfs-tools/scripts/panic/rpi-hardware
usr/share/lintian/overrides/rpi-hardware
usr/share/man/man5/rpi-hardware.conf.5
usr/share/man/man8/axelera-stats-logger.8
usr/share/man/man8/metis-setup.8
usr/share/man/man8/overlay-slammer.8
usr/share/man/man8/rpi-hardware-preflight.8" ] || {
		echo "$output"
		false
	}
	local x=$BATS_TEST_TMPDIR/x
	dpkg-deb -x "$(deb_file "$HOST_ARCH")" "$x"
	file "$x/usr/sbin/overlay-slammer" | grep -q 'statically linked'
	"$x/usr/sbin/overlay-slammer" --version | grep -qF "$VERSION"
	# The dracut module finds the helper and the rules where the package put them.
	grep -qx 'rpi_hw_default_helper=/usr/sbin/overlay-slammer' "$x/usr/lib/dracut/modules.d/95rpi-hardware/rpi-hardware-image.sh"
	grep -qx 'rpi_hw_default_rulesdir=/lib/udev/rules.d' "$x/usr/lib/dracut/modules.d/95rpi-hardware/rpi-hardware-image.sh"
	grep -qx 'ExecStart=/usr/sbin/overlay-slammer apply' "$x/lib/systemd/system/axelera.service"
}

@test "control: the Makefile's version, sysusers and library dependencies, Built-Using, the initramfs trigger" {
	built native
	local deb
	deb=$(deb_file "$HOST_ARCH")
	[ "$(dpkg-deb -f "$deb" Version)" = "$VERSION-1" ]
	run dpkg-deb -f "$deb" Depends
	[[ $output == *"udev"* ]]
	[[ $output == *"systemd | systemd-standalone-sysusers | systemd-sysusers"* ]]
	# Suggested, not recommended: apt would replace initramfs-tools for a
	# recommendation.
	[ "$(dpkg-deb -f "$deb" Suggests)" = dracut ]
	[ -z "$(dpkg-deb -f "$deb" Recommends)" ]
	# The static helper's libraries, by source version.
	run dpkg-deb -f "$deb" Built-Using
	local src
	for src in kmod device-tree-compiler zlib xz-utils libzstd; do
		[[ $output == *"$src (= "* ]] || {
			echo "Built-Using lacks $src: $output"
			false
		}
	done
	run dpkg-deb -I "$deb" triggers
	[[ $output == *"activate-noawait update-initramfs"* ]]
	run dpkg-deb -I "$deb" conffiles
	[ "$output" = "/etc/grub.d/09_rpi_hardware_dtb
/etc/rpi-hardware.conf" ]
	# dh_installsystemd and dh_installsysusers wired the units and the group in.
	run dpkg-deb -I "$deb" postinst
	[[ $output == *"systemd-sysusers"*"axelera.conf"* ]]
	[[ $output == *"deb-systemd-helper enable 'axelera.service'"* ]]
	[[ $output == *"deb-systemd-helper enable 'axelera-stats-logger.service'"* ]]
}

@test "lintian: no tag beyond those debian/*lintian-overrides justify, none of those unused" {
	built native
	local changes=("$DEB/rpi-hardware_${VERSION}-1_$HOST_ARCH.changes")
	[[ -n $CROSS_ARCH ]] && changes+=("$DEB/rpi-hardware_${VERSION}-1_$CROSS_ARCH.changes")
	# Overridden tags are not shown; an override that matches nothing is.
	run bash -c 'lintian --display-info --pedantic "$@" 2>&1 | grep -v "running with root privileges"' _ "${changes[@]}"
	[ -z "$output" ]
	# Each override follows the comment that justifies it.
	local f
	for f in "$SRC"/debian/*lintian-overrides "$SRC"/debian/source/lintian-overrides; do
		run awk '/^#/ { why = 1; next } /^$/ { why = 0; next } !why { print FILENAME ": " $0 }' "$f"
		[ -z "$output" ]
	done
}

@test "arm64 cross build: dpkg-buildpackage -aarm64 -Pcross gives a static aarch64 helper, the same files" {
	[[ -n $CROSS_ARCH ]] || skip "no cross compiler aarch64-linux-gnu-gcc (scripts/deps.sh installs it)"
	built cross
	local x=$BATS_TEST_TMPDIR/x
	[ "$(dpkg-deb -f "$(deb_file arm64)" Architecture)" = arm64 ]
	dpkg-deb -x "$(deb_file arm64)" "$x"
	run file -b "$x/usr/sbin/overlay-slammer"
	[[ $output == *"ARM aarch64"*"statically linked"* ]]
	[ "$(deb_paths "$(deb_file arm64)")" = "$(deb_paths "$(deb_file "$HOST_ARCH")")" ]
	[[ $(dpkg-deb -f "$(deb_file arm64)" Built-Using) == *"kmod (= "* ]]
}

@test "a Makefile VERSION without its changelog entry stops the package build" {
	local copy=$BATS_TEST_TMPDIR/src
	mkdir "$copy"
	tar -C "$DEB" -xzf "$DEB/rpi-hardware_$VERSION.orig.tar.gz" --strip-components=1 -C "$copy"
	sed -i 's/^VERSION *:=.*/VERSION      := 9.9.9/' "$copy/Makefile"
	cd "$copy"
	run debian/rules clean
	[ "$status" -ne 0 ]
	[[ $output == *"debian/changelog is at $VERSION, the Makefile's VERSION is 9.9.9"* ]]
}

# A Debian 12 root with dracut, a kernel to build images for (dracut's trigger
# builds one for every /boot/vmlinuz-*), and update-grub as a recorder.
root_prepare() {
	local u=$PKG_SCRATCH/upper
	root_kernel "$KVER"
	mkdir -p "$u/boot/grub" "$u/usr/sbin" "$u/srv/pkg"
	: >"$u/boot/grub/grub.cfg"
	printf '#!/bin/sh\necho "update-grub $*" >>/var/log/update-grub.calls\n' >"$u/usr/sbin/update-grub"
	chmod 0755 "$u/usr/sbin/update-grub"
}

image_lists() {
	root_run lsinitrd "/boot/initrd.img-$KVER" | grep -q "$1"
}

@test "install, upgrade, remove, purge in a Debian 12 root: maintainer scripts, dracut trigger, an edited configuration" {
	[ "$EUID" -eq 0 ] || skip "chroot needs root"
	built native
	debian_root
	root_init "$BATS_TEST_TMPDIR/root"
	root_prepare
	root_run dracut -q --force "/boot/initrd.img-$KVER" "$KVER"
	# The previous release: the same package one Debian revision back.
	local old=$BATS_TEST_TMPDIR/old
	dpkg-deb -R "$(deb_file "$HOST_ARCH")" "$old"
	sed -i "s/^Version: .*/Version: $VERSION-0/" "$old/DEBIAN/control"
	dpkg-deb -b --root-owner-group "$old" "$PKG_SCRATCH/upper/srv/pkg/old.deb" >/dev/null
	cp "$(deb_file "$HOST_ARCH")" "$PKG_SCRATCH/upper/srv/pkg/new.deb"
	local before
	before=$(root_files | grep -vE '^/etc/(group|gshadow|passwd|shadow)-$')

	# Install: the group, the units enabled (the overlays' one not started),
	# the image rebuilt with the helper, GRUB's menu regenerated.
	run root_run dpkg -i /srv/pkg/old.deb
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *"Processing triggers for dracut"* ]]
	[[ $output != *"no rpi-hardware hooks"* ]]
	root_run getent group axelera
	root_run test -L /etc/systemd/system/sysinit.target.wants/axelera.service
	root_run test -L /etc/systemd/system/multi-user.target.wants/axelera-stats-logger.service
	refute root_run test -e /etc/systemd/system/multi-user.target.wants/rpi-hardware-rebuild.path
	image_lists usr/sbin/overlay-slammer
	image_lists usr/lib/dracut/hooks
	[ "$(root_run grep -c . /var/log/update-grub.calls)" -eq 1 ]

	# The administrator edits the configuration; the upgrade keeps the edit
	# and puts it into the image it rebuilds.
	root_run sh -c 'echo "timeout=30" >>/etc/rpi-hardware.conf'
	run root_run dpkg -i /srv/pkg/new.deb
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(root_run dpkg-query -W -f='${Version}' rpi-hardware)" = "$VERSION-1" ]
	root_run grep -qx 'timeout=30' /etc/rpi-hardware.conf
	refute root_run sh -c 'ls /etc/rpi-hardware.conf.dpkg-* 2>/dev/null | grep -q .'
	root_run lsinitrd -f etc/rpi-hardware.conf "/boot/initrd.img-$KVER" | grep -qx 'timeout=30'

	# Remove: the package's files go, its configuration stays (edited), the
	# image is rebuilt without the helper.
	run root_run dpkg -r rpi-hardware
	echo "$output"
	[ "$status" -eq 0 ]
	refute image_lists usr/sbin/overlay-slammer
	local f
	while read -r f; do
		case $f in etc/*) continue ;; esac
		refute root_run test -e "/$f" || {
			echo "left after remove: /$f"
			false
		}
	done < <(dpkg-deb -c "$(deb_file "$HOST_ARCH")" | awk '$1 !~ /^d/ { sub(/^\.\//, "", $6); print $6 }')
	root_run grep -qx 'timeout=30' /etc/rpi-hardware.conf
	[ "$(root_run grep -c . /var/log/update-grub.calls)" -eq 3 ]

	# Purge: nothing is left but the axelera group, which Axelera's own
	# packages and the accounts added to it share.
	run root_run dpkg -P rpi-hardware
	echo "$output"
	[ "$status" -eq 0 ]
	run diff <(echo "$before") <(root_files | grep -vE '^/etc/(group|gshadow|passwd|shadow)-$')
	echo "$output"
	[ "$status" -eq 0 ]
	root_run getent group axelera
}

@test "with initramfs-tools: installs without a note, the trigger reaches initramfs-tools, whose hook is there" {
	[ "$EUID" -eq 0 ] || skip "chroot needs root"
	built native
	debian_root
	root_init "$BATS_TEST_TMPDIR/root"
	mkdir -p "$PKG_SCRATCH/upper/srv/pkg"
	cp "$PKG_DEBS"/*.deb "$(deb_file "$HOST_ARCH")" "$PKG_SCRATCH/upper/srv/pkg/"
	root_run dpkg --purge dracut >/dev/null
	run root_run sh -c 'dpkg -i /srv/pkg/*initramfs-tools*.deb /srv/pkg/*klibc*.deb /srv/pkg/linux-base*.deb'
	[ "$status" -eq 0 ] || {
		echo "$output"
		false
	}
	run root_run dpkg -i "/srv/pkg/$(basename "$(deb_file "$HOST_ARCH")")"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output != *"no initramfs generator"* ]]
	[[ $output == *"Processing triggers for initramfs-tools"* ]]
	# update-initramfs finds rpi-hardware's hook and boot script where it looks.
	root_run test -x /usr/share/initramfs-tools/hooks/rpi-hardware
	root_run test -x /usr/share/initramfs-tools/scripts/init-premount/rpi-hardware
	root_run test -L /etc/systemd/system/sysinit.target.wants/axelera.service
	run root_run dpkg -P rpi-hardware
	[ "$status" -eq 0 ]
	[[ $output == *"Processing triggers for initramfs-tools"* ]]
	refute root_run test -e /usr/share/initramfs-tools/hooks/rpi-hardware
}
