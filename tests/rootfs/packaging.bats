#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The install targets of the root-filesystem tools, and their man pages. The
# packages (Debian, RPM, Arch, metis-dkms) are tested in tests/packaging.

setup() {
	T=$BATS_TEST_TMPDIR
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
