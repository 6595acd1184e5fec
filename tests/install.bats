#!/usr/bin/env bats
# make install / make uninstall into a staging directory.

load lib/libfdt

setup() {
	cd "$REPO" || return 1
	DEST="$BATS_TEST_TMPDIR/dest"
}

installed_files() {
	(cd "$DEST" && find . \( -type f -o -type l \) | sort)
}

@test "install puts every part in its standard place" {
	run make -s install DESTDIR="$DEST" PREFIX=/usr
	echo "$output"
	[ "$status" -eq 0 ]
	[ -x "$DEST/usr/sbin/overlay-slammer" ]
	file "$DEST/usr/sbin/overlay-slammer" | grep -q 'statically linked'
	[ -f "$DEST/etc/rpi-hardware.conf" ]
	[ -f "$DEST/usr/share/man/man8/overlay-slammer.8" ]
	[ -f "$DEST/usr/share/man/man5/rpi-hardware.conf.5" ]
	"$DEST/usr/sbin/overlay-slammer" --version
}

@test "uninstall removes exactly what install put there" {
	mkdir -p "$DEST/usr/sbin"
	echo keep >"$DEST/usr/sbin/someone-elses-tool"
	before=$(installed_files)
	make -s install DESTDIR="$DEST" PREFIX=/usr
	[ "$(installed_files)" != "$before" ]
	run make -s uninstall DESTDIR="$DEST" PREFIX=/usr
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(installed_files)" = "$before" ]
}

@test "an edited configuration survives install and uninstall" {
	make -s install DESTDIR="$DEST" PREFIX=/usr
	echo "timeout=30" >>"$DEST/etc/rpi-hardware.conf"
	make -s install DESTDIR="$DEST" PREFIX=/usr
	grep -qx 'timeout=30' "$DEST/etc/rpi-hardware.conf"
	make -s uninstall DESTDIR="$DEST" PREFIX=/usr
	grep -qx 'timeout=30' "$DEST/etc/rpi-hardware.conf"
}

@test "PREFIX moves the installed program" {
	make -s install DESTDIR="$DEST" PREFIX=/usr/local
	[ -x "$DEST/usr/local/sbin/overlay-slammer" ]
	[ ! -e "$DEST/usr/sbin/overlay-slammer" ]
}

@test "the default build is static; STATIC=0 links through pkg-config" {
	run file "$BUILD_DIR/overlay-slammer"
	[[ "$output" == *"statically linked"* ]] || [ "$VARIANT" = asan ]
	# A libfdt >= 1.7.1 as a distribution installs it (this host's may be older).
	pc=$(libfdt_standin "$BATS_TEST_TMPDIR/fdt")
	PKG_CONFIG_PATH=$pc run make -s STATIC=0 B="$BATS_TEST_TMPDIR/dyn" "$BATS_TEST_TMPDIR/dyn/overlay-slammer"
	[ "$status" -eq 0 ]
	run file "$BATS_TEST_TMPDIR/dyn/overlay-slammer"
	[[ "$output" == *"dynamically linked"* ]]
	ldd "$BATS_TEST_TMPDIR/dyn/overlay-slammer" | grep -q libkmod
}

@test "the dynamic build refuses a libfdt older than 1.7.1, in one line saying what to do" {
	libfdt_system_old || skip "this host's libfdt is 1.7.1 or later"
	run make -s STATIC=0 B="$BATS_TEST_TMPDIR/dyn" "$BATS_TEST_TMPDIR/dyn/overlay-slammer"
	[ "$status" -ne 0 ]
	[[ "${lines[0]}" == "libfdt is older than 1.7.1 (it has no fdt_get_symbol): "*"install libfdt 1.7.1 or later"*"or build with LIBFDT=source"* ]]
	[ ! -e "$BATS_TEST_TMPDIR/dyn/overlay-slammer" ]
	# With the library built from Debian's source it links.
	run make -s STATIC=0 LIBFDT=source B="$BATS_TEST_TMPDIR/dyn" "$BATS_TEST_TMPDIR/dyn/overlay-slammer"
	[ "$status" -eq 0 ]
}
