#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The RPM package (Fedora, openSUSE): rpmbuild -tb on the release tarball, whose
# rpi-hardware.spec make dist writes with the Makefile's version; built as an
# unprivileged user with no network. Debian's rpmbuild knows no Fedora package:
# --nodeps skips the BuildRequires check, and the spec's fallbacks stand in for
# systemd-rpm-macros.

load packaging
load ../lib/refute

setup_file() {
	pkg_workdir
	VERSION=$(pkg_version)
	pkg_dist "$PKG_WORK/dist"
	pkg_libfdt
	as_builder --nonet rpmbuild -tb --nodeps --define "_topdir $PKG_WORK/rpmbuild" \
		--define 'debug_package %{nil}' "$PKG_WORK/dist/rpi-hardware-$VERSION.tar.gz" \
		>"$PKG_WORK/rpmbuild.log" 2>&1
	echo $? >"$PKG_WORK/rpmbuild.rc"
	RPM=$(compgen -G "$PKG_WORK/rpmbuild/RPMS/*/rpi-hardware-$VERSION-1.*.rpm" || :)
	export VERSION RPM
}

teardown_file() {
	pkg_cleanup
}

built() {
	[ "$(cat "$PKG_WORK/rpmbuild.rc")" -eq 0 ] || {
		tail -n 40 "$PKG_WORK/rpmbuild.log"
		false
	}
}

# Prints the body of scriptlet NAME ("postinstall", ...) of rpm -qp --scripts.
scriptlet() {
	rpm -qp --scripts "$RPM" | awk -v want="$1" '
		/^[a-z]+ scriptlet \(using / { cur = $1; next }
		cur == want { print }'
}

@test "rpmbuild -tb builds the binary RPM from the release tarball's own spec, offline; %check passes" {
	built
	[ -f "$RPM" ]
	# %check ran the unit tests.
	grep -q '^+ build/rpm/tests/unit-config$' "$PKG_WORK/rpmbuild.log"
	grep -q 'OK \] test_defaults$' "$PKG_WORK/rpmbuild.log"
	[ "$(rpm -qp --qf '%{VERSION}-%{RELEASE}' "$RPM")" = "$VERSION-1" ]
}

@test "rpm -qlp: the files in Fedora's places, the configuration as %config(noreplace)" {
	built
	run bash -c 'rpm -qlp "$1" | grep -v "^/usr/lib/.build-id" | sed "s/\.gz$//"' _ "$RPM"
	[ "$output" = "/etc/grub.d/09_rpi_hardware_dtb
/etc/rpi-hardware.conf
/usr/lib/dracut/modules.d/95rpi-hardware
/usr/lib/dracut/modules.d/95rpi-hardware/module-setup.sh
/usr/lib/dracut/modules.d/95rpi-hardware/rpi-hardware-boot.sh
/usr/lib/dracut/modules.d/95rpi-hardware/rpi-hardware-dracut.sh
/usr/lib/dracut/modules.d/95rpi-hardware/rpi-hardware-emergency.sh
/usr/lib/dracut/modules.d/95rpi-hardware/rpi-hardware-image.sh
/usr/lib/dracut/modules.d/95rpi-hardware/rpi-hardware-lib.sh
/usr/lib/dracut/modules.d/95rpi-hardware/rpi-hardware-wait.sh
/usr/lib/kernel/install.d/91-rpi-hardware-dtb.install
/usr/lib/rpi-hardware
/usr/lib/rpi-hardware/gen-rules
/usr/lib/rpi-hardware/hardware-ids
/usr/lib/rpi-hardware/overlays
/usr/lib/rpi-hardware/overlays/axelera-metis.dtbo
/usr/lib/rpi-hardware/rpi-hardware-dtb
/usr/lib/rpi-hardware/rpi-hardware.sh
/usr/lib/systemd/system/axelera-stats-logger.service
/usr/lib/systemd/system/axelera.service
/usr/lib/systemd/system/rpi-hardware-rebuild.path
/usr/lib/systemd/system/rpi-hardware-rebuild.service
/usr/lib/sysusers.d/axelera.conf
/usr/lib/udev/rules.d/65-rpi-hardware.rules
/usr/lib/udev/rules.d/99-axelera-metis.rules
/usr/sbin/axelera-stats-logger
/usr/sbin/metis-setup
/usr/sbin/overlay-slammer
/usr/sbin/rpi-hardware-preflight
/usr/share/doc/rpi-hardware-$VERSION
/usr/share/doc/rpi-hardware-$VERSION/README.md
/usr/share/doc/rpi-hardware-$VERSION/dracut.md
/usr/share/doc/rpi-hardware-$VERSION/generators.md
/usr/share/doc/rpi-hardware-$VERSION/hardware.md
/usr/share/doc/rpi-hardware-$VERSION/kernel-paths.md
/usr/share/doc/rpi-hardware-$VERSION/packaging.md
/usr/share/doc/rpi-hardware-$VERSION/rootfs.md
/usr/share/doc/rpi-hardware-$VERSION/security.md
/usr/share/licenses/rpi-hardware-$VERSION
/usr/share/licenses/rpi-hardware-$VERSION/LICENSE
/usr/share/man/man5/rpi-hardware.conf.5
/usr/share/man/man8/axelera-stats-logger.8
/usr/share/man/man8/metis-setup.8
/usr/share/man/man8/overlay-slammer.8
/usr/share/man/man8/rpi-hardware-preflight.8" ] || {
		echo "$output"
		false
	}
	run rpm -qcp "$RPM"
	[ "$output" = "/etc/grub.d/09_rpi_hardware_dtb
/etc/rpi-hardware.conf" ]
	# noreplace: an edited file is kept, the new one lands beside it.
	run rpm -qp --qf '[%{FILEFLAGS:fflags} %{FILENAMES}\n]' "$RPM"
	grep -qx 'cn /etc/rpi-hardware.conf' <<<"$output"
}

@test "rpm -qp --scripts: the group before install, dracut rebuilds every image after install and after erase" {
	built
	run scriptlet preinstall
	[[ $output == *"groupadd -r axelera"* ]]
	run scriptlet postinstall
	[[ $output == *"/usr/bin/dracut -f --regenerate-all"* ]]
	[[ $output == *"systemctl --no-reload preset axelera.service axelera-stats-logger.service rpi-hardware-rebuild.path"* ]]
	run scriptlet preuninstall
	[[ $output == *"disable --now axelera.service"* ]]
	# After an erase ($1 = 0), not after an upgrade: the new version's %post rebuilt them.
	run scriptlet postuninstall
	[[ $output == *$'if [ $1 -eq 0 ]; then\n    if [ -x /usr/bin/dracut ]; then /usr/bin/dracut -f --regenerate-all'* ]]
	[[ $output == *"try-restart axelera-stats-logger.service"* ]]
}

@test "the helper links the system's libraries; dracut, and the libraries, are requirements" {
	built
	local x=$BATS_TEST_TMPDIR/x
	mkdir "$x"
	(cd "$x" && rpm2cpio "$RPM" | cpio -idm --quiet)
	grep -qx 'rpi_hw_default_helper=/usr/sbin/overlay-slammer' "$x/usr/lib/dracut/modules.d/95rpi-hardware/rpi-hardware-image.sh"
	grep -qx 'rpi_hw_default_rulesdir=/usr/lib/udev/rules.d' "$x/usr/lib/dracut/modules.d/95rpi-hardware/rpi-hardware-image.sh"
	run rpm -qp --requires "$RPM"
	grep -qx dracut <<<"$output"
	grep -q '^libkmod.so.2' <<<"$output"
	grep -q '^libz.so.1' <<<"$output"
	[[ -n ${PKG_FDT_PC:-} ]] || grep -q '^libfdt.so.1' <<<"$output"
	"$x/usr/sbin/overlay-slammer" --version | grep -qF "$VERSION"
}

@test "the scriptlets run (rpm --root into a Debian 12 root): the group, the image rebuilt with the helper; erase rebuilds it without" {
	[ "$EUID" -eq 0 ] || skip "chroot needs root"
	built
	local kver=6.1.0-rpihw-test
	debian_root
	root_init "$BATS_TEST_TMPDIR/root"
	root_kernel "$kver"
	mkdir -p "$PKG_SCRATCH/upper/srv/pkg"
	cp "$PKG_DEBS"/libfdt1_*.deb "$PKG_SCRATCH/upper/srv/pkg/"
	root_run sh -c 'dpkg -i /srv/pkg/libfdt1_*.deb' >/dev/null
	refute root_run test -e "/boot/initrd.img-$kver"
	# The root has no Fedora packages for rpm to resolve: --nodeps.
	run root_mounted sh -c 'rpm --root "$1" --dbpath /var/lib/rpm --initdb &&
		rpm --root "$1" --dbpath /var/lib/rpm -i --nodeps "$2"' _ "$PKG_SCRATCH/merged" "$RPM"
	echo "$output"
	[ "$status" -eq 0 ]
	root_run getent group axelera
	run root_run lsinitrd "/boot/initrd.img-$kver"
	[[ $output == *usr/sbin/overlay-slammer* ]]
	# The dynamically linked helper took its libraries along (libfdt is linked
	# in when the build host's is older than 1.7.1: the stand-in is a static one).
	[[ $output == *libkmod.so.2* ]]
	[[ -n ${PKG_FDT_PC:-} || $output == *libfdt.so.1* ]]
	run root_mounted rpm --root "$PKG_SCRATCH/merged" --dbpath /var/lib/rpm -e rpi-hardware
	echo "$output"
	[ "$status" -eq 0 ]
	refute root_run test -e /usr/sbin/overlay-slammer
	run root_run lsinitrd "/boot/initrd.img-$kver"
	[ "$status" -eq 0 ]
	[[ $output != *overlay-slammer* ]]
}
