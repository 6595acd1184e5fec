#!/usr/bin/env bats
# Every verb under valgrind memcheck: no invalid access, no leak. The dynamic
# build is used (valgrind cannot follow a static glibc's start-up).

load helper

setup_file() {
	compile_fixtures
	make -s -C "$REPO" STATIC=0 LIBFDT=source B="$BATS_FILE_TMPDIR/dyn" "$BATS_FILE_TMPDIR/dyn/overlay-slammer" >&2
}

setup() {
	setup_root
	make_module_tree
	DYN="$BATS_FILE_TMPDIR/dyn/overlay-slammer"
}

teardown() {
	teardown_root
}

memcheck() {
	run valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=all \
		--errors-for-leak-kinds=all --track-fds=no \
		--suppressions="$REPO/tests/valgrind.supp" "$DYN" "$@"
	echo "$output"
	[ "$status" -ne 99 ]
	[[ "$output" != *"=="*"=="* ]]
}

@test "boot, apply, status, remove are clean under memcheck" {
	start_kernel
	memcheck --sysroot "$ROOT" boot
	[ "$status" -eq 0 ]
	memcheck --sysroot "$ROOT" apply
	[ "$status" -eq 0 ]
	memcheck --sysroot "$ROOT" status
	memcheck --sysroot "$ROOT" status --json
	memcheck --sysroot "$ROOT" remove
	[ "$status" -eq 0 ]
}

@test "failure paths are clean under memcheck" {
	start_kernel --reject-all
	printf 'garbage that is not a tree, long enough for a header......' >"$OVL/cruiser-raspberrypi-cm5.dtbo"
	memcheck --sysroot "$ROOT" boot
	[ "$status" -eq 1 ]
	memcheck --sysroot "$ROOT" apply ../bad
	[ "$status" -eq 2 ]
	memcheck --sysroot "$ROOT" frobnicate
	[ "$status" -eq 2 ]
}

@test "check and wait-device are clean under memcheck" {
	memcheck check "$FIX/cruiser-raspberrypi-cm5.dtbo" "$FIX/axelera-metis.dtbo" "$FIX/not-an-overlay.dtbo" --base "$FIX/cm5-base.dtbo"
	[ "$status" -eq 1 ]
	memcheck --sysroot "$ROOT" wait-device --timeout 0
	[ "$status" -eq 4 ]
	memcheck --sysroot "$ROOT" --help
	[ "$status" -eq 0 ]
}

@test "no configfs interface is clean under memcheck" {
	memcheck --sysroot "$ROOT" boot
	[ "$status" -eq 3 ]
}
