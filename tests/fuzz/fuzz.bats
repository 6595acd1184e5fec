#!/usr/bin/env bats
# Every fuzzing corpus replayed once: inputs that once crashed or hung stay fixed.
# `make fuzz` fuzzes for longer (FUZZ_SECONDS per harness).

setup_file() {
	cd "$REPO" || return 1
	make -s fuzz-build FUZZ_B="$BATS_FILE_TMPDIR" >&2
}

replay() {
	local corpus=("$REPO/tests/fuzz/corpus/$1"/*)
	[ -e "${corpus[0]}" ]
	run timeout 120 "$BATS_FILE_TMPDIR/fuzz-$1" -timeout=10 "${corpus[@]}"
	echo "$output" | tail -5
	[ "$status" -eq 0 ]
	[[ "$output" == *"Executed ${corpus[-1]}"* ]]
}

@test "dtbo validator and overlay application: corpus replays cleanly" {
	replay dtbo
}

@test "overlay parameters (__overrides__ encodings): corpus replays cleanly" {
	replay overrides
}

@test "kernel command line parser: corpus replays cleanly" {
	replay cmdline
}

@test "configuration file parser: corpus replays cleanly" {
	replay config
}

@test "names shown as JSON and text: corpus replays cleanly" {
	replay text
}
