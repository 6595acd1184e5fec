#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The Arch Linux (ARM) package of rpi-hardware: make dist writes its PKGBUILD
# with the version and the release tarball's sha256; makepkg builds it with
# Arch's flags, as an unprivileged user, with no network, check() included.

load packaging
load ../lib/refute

setup_file() {
	pkg_workdir
	pkg_arch_init
	VERSION=$(pkg_version)
	pkg_dist "$PKG_WORK/dist"
	mkdir "$PKG_WORK/arch"
	cp -rL "$PKG_WORK/dist/arch/rpi-hardware" "$PKG_WORK/arch/"
	[[ $EUID -ne 0 ]] || chown -R "$PKG_BUILDER:$PKG_BUILDER_GROUP" "$PKG_WORK/arch"
	pkg_libfdt
	pkg_makepkg "$PKG_WORK/arch/rpi-hardware" -d >"$PKG_WORK/makepkg.log" 2>&1
	echo $? >"$PKG_WORK/makepkg.rc"
	PKG=$(compgen -G "$PKG_WORK/pkgdest/rpi-hardware-*.pkg.tar.zst" || :)
	export VERSION PKG
}

teardown_file() {
	pkg_cleanup
}

built() {
	[ "$(cat "$PKG_WORK/makepkg.rc")" -eq 0 ] || {
		tail -n 40 "$PKG_WORK/makepkg.log"
		false
	}
}

@test "the PKGBUILD of make dist: the Makefile's version, the tarball's sha256, shellcheck clean" {
	local pb=$PKG_WORK/dist/arch/rpi-hardware/PKGBUILD sum
	sum=$(sha256sum "$PKG_WORK/dist/rpi-hardware-$VERSION.tar.gz" | cut -d' ' -f1)
	run pkg_makepkg "$PKG_WORK/arch/rpi-hardware" --printsrcinfo
	[ "$status" -eq 0 ]
	grep -qx $'\tpkgver = '"$VERSION" <<<"$output"
	grep -qx $'\tsource = rpi-hardware-'"$VERSION.tar.gz" <<<"$output"
	grep -qx $'\tsha256sums = '"$sum" <<<"$output"
	grep -qx $'\tbackup = etc/rpi-hardware.conf' <<<"$output"
	for d in bash dracut dtc kmod systemd zlib; do
		grep -qx $'\tdepends = '"$d" <<<"$output"
	done
	refute grep -q '@[A-Z0-9]*@' "$pb"
	shellcheck -s bash "$pb" "$REPO/packaging/arch/rpi-hardware/rpi-hardware.install"
}

@test "makepkg builds it as an unprivileged user with no network, from the tarball, its checksum verified" {
	built
	grep -q "rpi-hardware-$VERSION.tar.gz ... Passed" "$PKG_WORK/makepkg.log"
	grep -q "==> Finished making: rpi-hardware $VERSION-1" "$PKG_WORK/makepkg.log"
	[ -f "$PKG" ]
}

@test "check() runs the unit tests and the root-filesystem tools' suites, nothing that needs root or a network" {
	built
	run sed -n '/==> Starting check()/,/==> Entering fakeroot/p' "$PKG_WORK/makepkg.log"
	[[ $output == *"# unit: build/arch/tests/unit-config"* ]]
	[[ $output == *"# bats (release): tests/rootfs/preflight.bats"* ]]
	[[ $output == *"# bats (release): tests/rootfs/setup.bats"* ]]
	[[ $output == *"# bats (release): tests/rootfs/stats-logger.bats"* ]]
	[[ $output =~ [0-9]+\ passed,\ 0\ failed ]]
	refute grep -qE 'apt-get|scripts/deps.sh|tests/(vm|dracut|slammer)' <<<"$output"
}

@test "the package: Arch's paths (/usr/bin), the dracut module pointing there, units, rules, man pages" {
	built
	run bash -c 'bsdtar -tf "$1" | grep -v "/$" | sed "s/\.gz$//" | LC_ALL=C sort' _ "$PKG"
	[ "$output" = ".BUILDINFO
.INSTALL
.MTREE
.PKGINFO
etc/grub.d/09_rpi_hardware_dtb
etc/rpi-hardware.conf
usr/bin/axelera-stats-logger
usr/bin/metis-setup
usr/bin/overlay-slammer
usr/bin/rpi-hardware-preflight
usr/lib/dracut/modules.d/95rpi-hardware/module-setup.sh
usr/lib/dracut/modules.d/95rpi-hardware/rpi-hardware-boot.sh
usr/lib/dracut/modules.d/95rpi-hardware/rpi-hardware-dracut.sh
usr/lib/dracut/modules.d/95rpi-hardware/rpi-hardware-emergency.sh
usr/lib/dracut/modules.d/95rpi-hardware/rpi-hardware-image.sh
usr/lib/dracut/modules.d/95rpi-hardware/rpi-hardware-lib.sh
usr/lib/dracut/modules.d/95rpi-hardware/rpi-hardware-wait.sh
usr/lib/initcpio/hooks/rpi-hardware
usr/lib/initcpio/install/rpi-hardware
usr/lib/kernel/install.d/91-rpi-hardware-dtb.install
usr/lib/rpi-hardware/gen-rules
usr/lib/rpi-hardware/hardware-ids
usr/lib/rpi-hardware/initramfs/boot.sh
usr/lib/rpi-hardware/initramfs/image.sh
usr/lib/rpi-hardware/initramfs/mkinitcpio.sh
usr/lib/rpi-hardware/overlays/axelera-metis.dtbo
usr/lib/rpi-hardware/rpi-hardware-dtb
usr/lib/rpi-hardware/rpi-hardware.sh
usr/lib/systemd/system/axelera-stats-logger.service
usr/lib/systemd/system/axelera.service
usr/lib/systemd/system/rpi-hardware-initrd.service
usr/lib/systemd/system/rpi-hardware-rebuild.path
usr/lib/systemd/system/rpi-hardware-rebuild.service
usr/lib/sysusers.d/axelera.conf
usr/lib/udev/rules.d/65-rpi-hardware.rules
usr/lib/udev/rules.d/99-axelera-metis.rules
usr/share/man/man5/rpi-hardware.conf.5
usr/share/man/man8/axelera-stats-logger.8
usr/share/man/man8/metis-setup.8
usr/share/man/man8/overlay-slammer.8
usr/share/man/man8/rpi-hardware-preflight.8" ] || {
		echo "$output"
		false
	}
	local x=$BATS_TEST_TMPDIR/x
	mkdir "$x"
	bsdtar -xf "$PKG" -C "$x"
	grep -qx 'rpi_hw_default_helper=/usr/bin/overlay-slammer' "$x/usr/lib/dracut/modules.d/95rpi-hardware/rpi-hardware-image.sh"
	grep -qx 'rpi_hw_default_helper=/usr/bin/overlay-slammer' "$x/usr/lib/rpi-hardware/initramfs/image.sh"
	grep -qx 'RPI_HW_LIB=/usr/lib/rpi-hardware/initramfs' "$x/usr/lib/initcpio/install/rpi-hardware"
	grep -qx 'ExecStart=/usr/bin/overlay-slammer apply' "$x/usr/lib/systemd/system/axelera.service"
	# The helper links the system's libraries; dracut copies them into the image.
	run readelf -d "$x/usr/bin/overlay-slammer"
	# (libfdt.so unless this host's libfdt is too old and the stand-in, an
	# archive, is linked: tests/lib/libfdt.bash)
	[[ $output == *"libkmod.so"* && $output == *"libz.so"* ]]
	[[ -n ${PKG_FDT_PC:-} || $output == *"libfdt.so"* ]]
	"$x/usr/bin/overlay-slammer" --version | grep -qF "$VERSION"
	run bsdtar -xOf "$PKG" .PKGINFO
	grep -qx "pkgver = $VERSION-1" <<<"$output"
	grep -qx 'backup = etc/rpi-hardware.conf' <<<"$output"
	grep -qx 'backup = etc/grub.d/09_rpi_hardware_dtb' <<<"$output"
	run bsdtar -xOf "$PKG" .INSTALL
	[[ $output == *"dracut --regenerate-all --force"* ]]
}
