#!/usr/bin/env bats
# run-with: asan
# run-with: aarch64
# wait-device: bounded wait for the accelerator's node.

load helper

setup_file() {
	compile_fixtures
}

setup() {
	setup_root
}

@test "a present device returns at once with its link target" {
	: >"$ROOT/dev/metis-1:1:0"
	ln -s metis-1:1:0 "$ROOT/dev/axelera0"
	slam wait-device
	[ "$status" -eq 0 ]
	[[ "$output" == *"/dev/axelera0 present after "*" ms -> metis-1:1:0"* ]]
}

@test "a device that appears later is waited for" {
	(sleep 0.3 && : >"$ROOT/dev/metis-1:1:0" && ln -s metis-1:1:0 "$ROOT/dev/axelera0") &
	slam wait-device --timeout 10
	[ "$status" -eq 0 ]
	wait
}

@test "a device that never appears ends the wait with exit 4" {
	slam wait-device --timeout 1
	[ "$status" -eq 4 ]
	[[ "$output" == *"/dev/axelera0 did not appear within 1 s"* ]]
}

@test "a dangling link is not a device" {
	ln -s metis-1:1:0 "$ROOT/dev/axelera0"
	slam wait-device --timeout 0
	[ "$status" -eq 4 ]
}

@test "the device and timeout come from the command line and the config" {
	: >"$ROOT/dev/metis-1:2:0"
	cmdline rd.rpi_hw.device=/dev/metis-1:2:0 rd.rpi_hw.timeout=0
	slam wait-device
	[ "$status" -eq 0 ]
	cmdline rd.rpi_hw.timeout=0
	slam wait-device
	[ "$status" -eq 4 ]
	[[ "$output" == *"within 0 s"* ]]
	slam wait-device --timeout 0 /dev/metis-1:2:0
	[ "$status" -eq 0 ]
}

@test "a FIFO or a directory is not the device: waited out, then named" {
	mkfifo "$ROOT/dev/axelera0"
	slam wait-device --timeout 0
	[ "$status" -eq 4 ]
	[[ "$output" == *"/dev/axelera0 did not appear within 0 s: /dev/axelera0 is a FIFO, not a device node: remove it (udev makes the node and its link)"* ]]
	slam status
	[[ "$output" == *"device   /dev/axelera0            absent (a FIFO is there)"* ]]
	rm "$ROOT/dev/axelera0"
	mkdir "$ROOT/dev/metis-1:1:0"
	ln -s metis-1:1:0 "$ROOT/dev/axelera0"
	slam wait-device --timeout 0
	[ "$status" -eq 4 ]
	[[ "$output" == *"/dev/axelera0 is a directory, not a device node"* ]]
	# Once the real node replaces it, the wait ends.
	rmdir "$ROOT/dev/metis-1:1:0"
	: >"$ROOT/dev/metis-1:1:0"
	slam wait-device --timeout 0
	[ "$status" -eq 0 ]
}
