#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# make dist: the release tarball every package builds from, reproducible, and
# the product's one version number, the Makefile's VERSION, in every package.

load packaging

setup_file() {
	pkg_workdir
	VERSION=$(pkg_version)
	pkg_dist "$PKG_WORK/dist"
	TARBALL=$PKG_WORK/dist/rpi-hardware-$VERSION.tar.gz
	export VERSION TARBALL
}

teardown_file() {
	pkg_cleanup
}

# The tree as a clean clone has it: what make dist must pack.
tree_files() {
	git -C "$REPO" ls-files --cached --others --exclude-standard |
		while IFS= read -r f; do [[ -e $REPO/$f || -L $REPO/$f ]] && echo "$f"; done | LC_ALL=C sort
}

@test "the same tree gives the same bytes: another checkout, umask, file times, time zone and locale" {
	local copy=$BATS_TEST_TMPDIR/copy here=$BATS_TEST_TMPDIR/here
	# Both from the tree as it is now (a commit in between changes every date).
	pkg_dist "$here"
	mkdir "$copy"
	# A copy of the tree with fresh file times and a strict umask.
	(cd "$REPO" && { tree_files; find .git -type f; } | tar -cf - -T -) |
		(umask 077 && tar -C "$copy" -xf - --touch)
	(umask 077 && TZ=Pacific/Kiritimati LC_ALL=C.UTF-8 make -s -C "$copy" dist DIST_DIR="$BATS_TEST_TMPDIR/out" >/dev/null)
	cmp "$here/rpi-hardware-$VERSION.tar.gz" "$BATS_TEST_TMPDIR/out/rpi-hardware-$VERSION.tar.gz"
	# And again here: nothing left over from the first run changes it.
	pkg_dist "$here"
	cmp "$here/rpi-hardware-$VERSION.tar.gz" "$BATS_TEST_TMPDIR/out/rpi-hardware-$VERSION.tar.gz"
}

@test "the tarball: names sorted, the last commit's time, owner 0 by number, modes 0644/0755, gzip without name or time" {
	local mtime
	mtime=$(git -C "$REPO" log -1 --format=%ct)
	# Sorted as tar sorts, directory by directory.
	run tar -tzf "$TARBALL"
	[ "$output" = "$(sed 's|/|\x01|g' <<<"$output" | LC_ALL=C sort | sed 's|\x01|/|g')" ]
	run tar --numeric-owner --full-time -tvzf "$TARBALL"
	[ "$status" -eq 0 ]
	local stamp
	stamp=$(TZ=UTC date -d "@$mtime" '+%Y-%m-%d %H:%M:%S')
	run bash -c 'TZ=UTC tar --numeric-owner --full-time -tvzf "$1" | awk -v s="$2" '\''
		$2 != "0/0" { print "owner: " $0 }
		$4 " " $5 != s { print "time: " $0 }
		$1 !~ /^(-rw-r--r--|-rwxr-xr-x|drwxr-xr-x|lrwxr-xr-x)$/ { print "mode: " $0 }'\''' _ "$TARBALL" "$stamp"
	[ -z "$output" ] || {
		echo "$output" | head
		false
	}
	# gzip header: no FNAME flag, MTIME zero.
	[ "$(od -An -tx1 -j3 -N5 "$TARBALL" | tr -d ' ')" = "0000000000" ]
}

@test "the tarball holds the tree as a clean clone has it, under rpi-hardware-VERSION/, and the RPM spec" {
	run bash -c 'tar -tzf "$1" | grep -v "/$" | sed "s|^rpi-hardware-$2/||" | LC_ALL=C sort' _ "$TARBALL" "$VERSION"
	[ "$output" = "$({ tree_files; echo rpi-hardware.spec; } | LC_ALL=C sort)" ] || {
		diff <({ tree_files; echo rpi-hardware.spec; } | LC_ALL=C sort) <(echo "$output")
		false
	}
	tar -xzOf "$TARBALL" "rpi-hardware-$VERSION/rpi-hardware.spec" | grep -qx "Version:        $VERSION"
	cmp <(tar -xzOf "$TARBALL" "rpi-hardware-$VERSION/rpi-hardware.spec") "$PKG_WORK/dist/rpi-hardware.spec"
	cmp "$TARBALL" "$PKG_WORK/dist/rpi-hardware_$VERSION.orig.tar.gz"
	(cd "$PKG_WORK/dist" && sha256sum -c --quiet SHA256SUMS)
}

@test "one version number: the Makefile's VERSION is the only one the packaging names" {
	[[ $VERSION =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]
	# The recipes take it from make dist; Debian's changelog must follow it
	# (debian/rules refuses a mismatch: tests/packaging/deb.bats).
	run grep -rnF -- "$VERSION" "$REPO/packaging" "$REPO/debian"
	[ "$output" = "$REPO/debian/changelog:1:rpi-hardware ($VERSION-1) unstable; urgency=medium" ] || {
		echo "$output"
		false
	}
	grep -qx "pkgver=$VERSION" "$PKG_WORK/dist/arch/rpi-hardware/PKGBUILD"
	grep -qx "Version:        $VERSION" "$PKG_WORK/dist/rpi-hardware.spec"
	# A changed VERSION reaches the tarball's name and every recipe.
	run make -s -C "$REPO" dist VERSION=9.8.7 DIST_DIR="$BATS_TEST_TMPDIR/v"
	[ "$status" -eq 0 ]
	[ -f "$BATS_TEST_TMPDIR/v/rpi-hardware-9.8.7.tar.gz" ]
	grep -qx 'pkgver=9.8.7' "$BATS_TEST_TMPDIR/v/arch/rpi-hardware/PKGBUILD"
	grep -qx 'Version:        9.8.7' "$BATS_TEST_TMPDIR/v/rpi-hardware.spec"
	tar -tzf "$BATS_TEST_TMPDIR/v/rpi-hardware-9.8.7.tar.gz" rpi-hardware-9.8.7/Makefile >/dev/null
}
