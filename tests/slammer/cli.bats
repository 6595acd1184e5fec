#!/usr/bin/env bats
# run-with: asan
# run-with: aarch64
# Command line of overlay-slammer: verbs, options, exit codes, hostile arguments.

load helper

setup_file() {
	compile_fixtures
}

setup() {
	setup_root
}

@test "--help lists every verb and the exit codes" {
	run "$SLAMMER" --help
	[ "$status" -eq 0 ]
	for verb in boot apply remove status check wait-device; do
		[[ "$output" == *"  $verb"* ]]
	done
	[[ "$output" == *"3 no configfs overlay interface"* ]]
}

@test "each verb has its own --help" {
	for verb in boot apply remove status check wait-device; do
		run "$SLAMMER" "$verb" --help
		[ "$status" -eq 0 ]
		[[ "$output" == "Usage: overlay-slammer [OPTIONS] $verb"* ]]
	done
}

@test "--version prints the version" {
	run "$SLAMMER" --version
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^overlay-slammer\ [0-9]+\.[0-9]+\.[0-9]+$ ]]
}

@test "no verb, an unknown verb or an unknown option is a usage error" {
	run "$SLAMMER"
	[ "$status" -eq 2 ]
	run "$SLAMMER" frobnicate
	[ "$status" -eq 2 ]
	[[ "$output" == *"unknown verb 'frobnicate'"* ]]
	run "$SLAMMER" --bogus status
	[ "$status" -eq 2 ]
	run "$SLAMMER" status --bogus
	[ "$status" -eq 2 ]
	run "$SLAMMER" boot extra
	[ "$status" -eq 2 ]
}

@test "a --sysroot that does not exist is named" {
	run "$SLAMMER" --sysroot "$BATS_TEST_TMPDIR/nowhere" status
	[ "$status" -eq 2 ]
	[[ "$output" == *"nowhere"* ]]
}

@test "overlay names with a path, dot-dot or shell characters are refused" {
	for name in ../etc/passwd a/b .. .hidden '$(reboot)' 'a b' -x ''; do
		run "$SLAMMER" --sysroot "$ROOT" apply -- "$name"
		[ "$status" -eq 2 ]
		[[ "$output" == *"is not a plain overlay name"* ]]
	done
	run "$SLAMMER" --sysroot "$ROOT" remove ../x
	[ "$status" -eq 2 ]
}

@test "an overlay name longer than 63 bytes is refused" {
	long=$(printf 'a%.0s' {1..64})
	run "$SLAMMER" --sysroot "$ROOT" apply "$long"
	[ "$status" -eq 2 ]
}

@test "wait-device refuses a relative path or a bad timeout" {
	run "$SLAMMER" --sysroot "$ROOT" wait-device dev/x
	[ "$status" -eq 2 ]
	run "$SLAMMER" --sysroot "$ROOT" wait-device --timeout abc
	[ "$status" -eq 2 ]
	run "$SLAMMER" --sysroot "$ROOT" wait-device --timeout -1
	[ "$status" -eq 2 ]
	run "$SLAMMER" --sysroot "$ROOT" wait-device --timeout 601
	[ "$status" -eq 2 ]
}

@test "garbage on the kernel command line is named and the defaults stay" {
	printf 'rd.rpi_hw.timeout=soon rd.rpi_hw.overlays=../../x,y rd.rpi_hw.colour=red "rd.rpi_hw.device=/dev/a b" rd.rpi_hw.strict=perhaps \001\377 rd.rpi_hw.modules=a;reboot\n' \
		>"$ROOT/proc/cmdline"
	run "$SLAMMER" --sysroot "$ROOT" status --json
	[ "$status" -eq 1 ]
	[[ "$output" == *"rd.rpi_hw.timeout='soon' ignored"* ]]
	[[ "$output" == *"rd.rpi_hw.overlays='../../x,y' ignored"* ]]
	[[ "$output" == *"unknown option 'rd.rpi_hw.colour'"* ]]
	[[ "$output" == *"rd.rpi_hw.strict='perhaps' ignored"* ]]
	[[ "$output" == *"rd.rpi_hw.modules='a;reboot' ignored"* ]]
	json=$(printf '%s\n' "$output" | grep '^{')
	python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert [o["name"] for o in d["overlays"]] == ["cruiser-raspberrypi-cm5","axelera-metis"], d; assert d["device"]["path"] == "/dev/axelera0"; assert not d["strict"]; assert [m["name"] for m in d["modules"]] == ["metis"]' "$json"
}

@test "the configuration file sets values; bad lines are named with their number" {
	cat >"$ROOT/etc/rpi-hardware.conf" <<-'CONF'
	# test
	overlays = "by-path"
	timeout=oops
	modules=rp1-pci
	colour=blue
	strict=1
	CONF
	run "$SLAMMER" --sysroot "$ROOT" status --json
	[[ "$output" == *"rpi-hardware.conf line 3: timeout='oops' ignored"* ]]
	[[ "$output" == *"rpi-hardware.conf line 5: unknown key 'colour'"* ]]
	json=$(printf '%s\n' "$output" | grep '^{')
	python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert [o["name"] for o in d["overlays"]] == ["by-path"]; assert [m["name"] for m in d["modules"]] == ["rp1_pci"]; assert d["strict"]' "$json"
}

@test "the kernel command line overrides the configuration file" {
	printf 'overlays=by-path\n' >"$ROOT/etc/rpi-hardware.conf"
	cmdline rd.rpi_hw.overlays=cruiser-raspberrypi-cm5
	run "$SLAMMER" --sysroot "$ROOT" status --json
	[[ "$output" == *'"overlays":[{"name":"cruiser-raspberrypi-cm5"'* ]]
}

@test "--config reads another file" {
	printf 'device=/dev/metis-0000:01:00\n' >"$BATS_TEST_TMPDIR/other.conf"
	run "$SLAMMER" --sysroot "$ROOT" --config "$BATS_TEST_TMPDIR/other.conf" status
	[[ "$output" == *"device   /dev/metis-0000:01:00"* ]]
}

@test "an unreadable or oversized configuration file falls back to the defaults" {
	head -c 70000 /dev/zero | tr '\0' '#' >"$ROOT/etc/rpi-hardware.conf"
	run "$SLAMMER" --sysroot "$ROOT" status
	[[ "$output" == *"larger than 64 KiB; using the defaults"* ]]
	[[ "$output" == *"cruiser-raspberrypi-cm5"* ]]
}

@test "options from /etc/cmdline.d come first, the kernel's own command line last" {
	mkdir -p "$ROOT/etc/cmdline.d"
	echo "rd.rpi_hw.timeout=7 rd.rpi_hw.device=/dev/metis-1:1:0" >"$ROOT/etc/cmdline.d/10-a.conf"
	echo "rd.rpi_hw.timeout=8" >"$ROOT/etc/cmdline.d/20-b.conf"
	echo "rd.rpi_hw.timeout=99" >"$ROOT/etc/cmdline.d/30-c.txt"
	cmdline rd.rpi_hw.device=/dev/metis-1:2:0
	run "$SLAMMER" --sysroot "$ROOT" wait-device
	[ "$status" -eq 4 ]
	[[ "$output" == *"/dev/metis-1:2:0 did not appear within 8 s"* ]]
}

@test "the shipped rpi-hardware.conf says what the built-in defaults are, no more, no less" {
	local empty=$BATS_TEST_TMPDIR/empty
	mkdir -p "$empty"
	run "$SLAMMER" --sysroot "$empty" config
	[ "$status" -eq 0 ]
	local builtin=$output
	run "$SLAMMER" --sysroot "$empty" --config "$BUILD_DIR/rpi-hardware.conf" config
	[ "$status" -eq 0 ]
	[ "$output" = "$builtin" ]
	[[ $builtin == *$'\nmodules=metis\n'* ]]
	[[ $builtin == *$'\noverlays=cruiser-raspberrypi-cm5,axelera-metis\n'* ]]
}

@test "config prints the settings in effect, after the file and the command line" {
	printf 'timeout=25\nstrict=1\n' >"$ROOT/etc/rpi-hardware.conf"
	cmdline rd.rpi_hw.timeout=3 rd.rpi_hw.modules=rp1-pci rd.rpi_hw.debug modprobe.blacklist=x
	run "$SLAMMER" --sysroot "$ROOT" config
	[ "$status" -eq 0 ]
	[[ "$output" == *$'\ntimeout=3\n'* ]]
	[[ "$output" == *$'\nmodules=rp1_pci\n'* ]]
	[[ "$output" == *$'\nstrict=1\n'* ]]
	[[ "$output" == *$'\ndebug=1\n'* ]]
	[[ "$output" == *$'\nblacklist=x'* ]]
	[[ "$output" == *$'\noverlays=cruiser-raspberrypi-cm5,axelera-metis\n'* ]]
	run "$SLAMMER" --sysroot "$ROOT" config timeout
	[ "$output" = 3 ]
	run "$SLAMMER" --sysroot "$ROOT" config colour
	[ "$status" -eq 2 ]
	run "$SLAMMER" --sysroot "$ROOT" config timeout strict
	[ "$status" -eq 2 ]
}

@test "a --config file that cannot be read is a usage error, not silent defaults" {
	run "$SLAMMER" --sysroot "$ROOT" --config "$BATS_TEST_TMPDIR/missing.conf" status
	[ "$status" -eq 2 ]
	[[ "$output" == *"--config $BATS_TEST_TMPDIR/missing.conf: No such file or directory"* ]]
}
