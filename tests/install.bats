#!/usr/bin/env bats
# make install / make uninstall into a staging directory.

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
	run make -s STATIC=0 B="$BATS_TEST_TMPDIR/dyn" "$BATS_TEST_TMPDIR/dyn/overlay-slammer"
	[ "$status" -eq 0 ]
	run file "$BATS_TEST_TMPDIR/dyn/overlay-slammer"
	[[ "$output" == *"dynamically linked"* ]]
	ldd "$BATS_TEST_TMPDIR/dyn/overlay-slammer" | grep -q libkmod
}
