#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The Arch packages (PKGBUILD hygiene, pinned checksums, a DKMS build of a
# stand-in driver with our dkms.conf), the install targets of the
# root-filesystem tools, and their man pages.

setup() {
	T=$BATS_TEST_TMPDIR
	PKG=$REPO/packaging/arch
}

# Prints NAME=VALUE lines of a PKGBUILD's variables, arrays joined by '|'.
pkgbuild_vars() {
	bash -c '
		startdir=$(dirname "$1")
		source "$1"
		j() { local IFS="|"; echo "$*"; }
		echo "pkgname=$pkgname"
		echo "arch=$(j "${arch[@]}")"
		echo "depends=$(j "${depends[@]}")"
		echo "makedepends=$(j "${makedepends[@]}")"
		echo "optdepends=$(j "${optdepends[@]}")"
		echo "source=$(j "${source[@]}")"
		echo "sums=$(j "${sha256sums[@]}")"
		echo "nsource=${#source[@]} nsums=${#sha256sums[@]}"
		echo "backup=$(j "${backup[@]}")"
		echo "functions=$(declare -F | awk "{print \$3}" | tr "\n" " ")"
	' sh "$1"
}

var() {
	printf '%s\n' "$output" | sed -n "s/^$1=//p"
}

@test "no PKGBUILD skips a checksum, and every checksum is a sha256" {
	run grep -rn SKIP "$PKG"
	[ "$status" -eq 1 ]
	for f in "$PKG"/*/PKGBUILD; do
		bash -n "$f"
		run pkgbuild_vars "$f"
		[ "$status" -eq 0 ]
		# One checksum per source.
		[[ $(var nsource) =~ ^([0-9]+)\ nsums=([0-9]+)$ ]]
		[ "${BASH_REMATCH[1]}" = "${BASH_REMATCH[2]}" ]
		IFS='|' read -ra sums <<<"$(var sums)"
		for s in "${sums[@]}"; do
			[[ $s =~ ^[0-9a-f]{64}$ ]]
		done
	done
}

@test "metis-dkms: pinned dkms.conf, headers optional, builds the metis module" {
	run pkgbuild_vars "$PKG/metis-dkms/PKGBUILD"
	[ "$(var pkgname)" = metis-dkms ]
	[ "$(var arch)" = any ]
	[ "$(var depends)" = dkms ]
	[ -z "$(var makedepends)" ]
	[[ $(var optdepends) == *"linux-headers: "* ]]
	[[ $(var source) == 'axelera-driver-1.5.0.tar.gz::https://github.com/axelera-ai-hub/axelera-driver/archive/refs/tags/v1.5.0.tar.gz|dkms.conf' ]]
	# The local file's checksum is the real one.
	[ "$(var sums | cut -d'|' -f2)" = "$(sha256sum "$PKG/metis-dkms/dkms.conf" | cut -d' ' -f1)" ]
	# The fields DKMS reads.
	run bash -c 'kernel_source_dir=/K dkms_tree=/T; source "$1"
		echo "$PACKAGE_NAME ${BUILT_MODULE_NAME[0]} ${BUILT_MODULE_LOCATION[0]} $AUTOINSTALL"
		echo "${MAKE[0]}"' sh "$PKG/metis-dkms/dkms.conf"
	[ "${lines[0]}" = "metis metis . yes" ]
	[ "${lines[1]}" = "make -C /K M=/T/metis/@PKGVER@/build modules" ]
}

@test "DKMS builds metis.ko from a kbuild tree with this dkms.conf (root, dkms and headers)" {
	[ "$(id -u)" = 0 ] || skip "needs root for a private /var/lib/dkms"
	command -v dkms >/dev/null || skip "no dkms"
	kver=$(ls /lib/modules 2>/dev/null | head -n 1)
	[ -n "$kver" ] && [ -d "/lib/modules/$kver/build" ] || skip "no kernel headers"
	src=$T/src/metis-1.5.0
	mkdir -p "$src" "$T/tree"
	printf 'obj-m += metis.o\nmetis-y += metis-core.o\n' >"$src/Makefile"
	printf '#include <linux/module.h>\nMODULE_LICENSE("GPL");\n' >"$src/metis-core.c"
	sed 's/@PKGVER@/1.5.0/' "$PKG/metis-dkms/dkms.conf" >"$src/dkms.conf"
	# DKMS writes its signing key under /var/lib/dkms: keep that off the host.
	run unshare -m sh -c 'mount -t tmpfs tmpfs /var/lib/dkms &&
		dkms build --dkmstree "$1/tree" --sourcetree "$1/src" -m metis -v 1.5.0 -k "$2"' \
		sh "$T" "$kver"
	echo "$output"
	[ "$status" -eq 0 ]
	ls "$T/tree/metis/1.5.0/$kver/"*/module/metis.ko*
}

@test "rpi-hardware PKGBUILD: no download, dynamic build, make check in check()" {
	run pkgbuild_vars "$PKG/rpi-hardware/PKGBUILD"
	[ "$(var pkgname)" = rpi-hardware ]
	[ -z "$(var source)" ]
	[ "$(var backup)" = etc/rpi-hardware.conf ]
	for d in dtc kmod util-linux-libs dracut; do
		[[ "|$(var depends)|" == *"|$d|"* ]]
	done
	[[ $(var functions) == *"check "* ]]
	grep -qE '^  make "\$\{_make_vars\[@\]\}" check$' "$PKG/rpi-hardware/PKGBUILD"
	grep -q 'STATIC=0' "$PKG/rpi-hardware/PKGBUILD"
	grep -q 'SBINDIR=/usr/bin' "$PKG/rpi-hardware/PKGBUILD"
	[ -f "$PKG/rpi-hardware/rpi-hardware.install" ]
	bash -n "$PKG/rpi-hardware/rpi-hardware.install"
}

@test "install puts the tools, units and man pages in place; uninstall removes exactly them" {
	[ "$VARIANT" = release ] || skip "installs the release build"
	dest=$T/dest
	run make -s -C "$REPO" B="$BUILD_DIR" DESTDIR="$dest" OPENRC=1 \
		install-rpi-hardware-preflight install-axelera-stats-logger install-metis-setup install-units
	echo "$output"
	[ "$status" -eq 0 ]
	run bash -c 'cd "$1" && find . -type f -printf "%p %m\n" | LC_ALL=C sort' sh "$dest"
	[ "$output" = "./etc/init.d/ax_status 755
./etc/init.d/axelera-slammer 755
./etc/init.d/axelera-watchdog 755
./usr/lib/systemd/system/axelera-stats-logger.service 644
./usr/lib/systemd/system/axelera.service 644
./usr/lib/systemd/system/rpi-hardware-rebuild.path 644
./usr/lib/systemd/system/rpi-hardware-rebuild.service 644
./usr/lib/sysusers.d/axelera.conf 644
./usr/sbin/axelera-stats-logger 755
./usr/sbin/metis-setup 755
./usr/sbin/rpi-hardware-preflight 755
./usr/share/man/man8/axelera-stats-logger.8 644
./usr/share/man/man8/metis-setup.8 644
./usr/share/man/man8/rpi-hardware-preflight.8 644" ] || {
		echo "$output"
		false
	}
	run make -s -C "$REPO" B="$BUILD_DIR" DESTDIR="$dest" OPENRC=1 \
		uninstall-rpi-hardware-preflight uninstall-axelera-stats-logger uninstall-metis-setup uninstall-units
	[ "$status" -eq 0 ]
	[ -z "$(find "$dest" -type f)" ]
}

@test "man pages render without warnings and document every option" {
	for prog in rpi-hardware-preflight axelera-stats-logger metis-setup; do
		page=$REPO/docs/man/$prog.8
		run groff -man -ww -z "$page"
		[ -z "$output" ]
		for opt in $("$BUILD_DIR/$prog" --help | grep -oE -- '--[a-z][a-z-]+' | sort -u); do
			grep -qF -- "${opt//-/\\-}" "$page" || {
				echo "$prog: $opt not in $page"
				false
			}
		done
	done
}
