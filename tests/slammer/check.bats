#!/usr/bin/env bats
# run-with: asan
# run-with: aarch64
# check: offline validation of overlays, alone and against a base tree.

load helper

setup_file() {
	compile_fixtures
}

setup() {
	FIX="$BATS_FILE_TMPDIR/fix"
}

@test "good overlays pass and are described" {
	run "$SLAMMER" check "$FIX/cruiser-raspberrypi-cm5.dtbo" "$FIX/by-path.dtbo"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "$FIX/cruiser-raspberrypi-cm5.dtbo: OK 1 fragment, uses labels, "*"crc32 $(crc32_of "$FIX/cruiser-raspberrypi-cm5.dtbo")" ]]
	[[ "${lines[1]}" == "$FIX/by-path.dtbo: OK 1 fragment, "* ]]
}

@test "against a base, overlays apply in the order given" {
	run "$SLAMMER" check "$FIX/cruiser-raspberrypi-cm5.dtbo" "$FIX/cruiser-poe-port.dtbo" \
		"$FIX/axelera-metis.dtbo" --base "$FIX/cm5-base.dtbo"
	[ "$status" -eq 0 ]
	[[ "${lines[1]}" == *"cruiser-poe-port.dtbo: OK 1 fragment, uses labels, applies to $FIX/cm5-base.dtbo"* ]]
	[[ "${lines[2]}" == *"axelera-metis.dtbo: OK 1 fragment, uses labels, applies to $FIX/cm5-base.dtbo"* ]]
}

@test "an overlay labelling its own __overlay__ node applies, and the label reaches the node" {
	# Fails with libfdt 1.6.1 (FDT_ERR_NOTFOUND): fixed in 1.7.1.
	run "$SLAMMER" check --base "$FIX/cm5-base.dtbo" "$FIX/self-labelled.dtbo"
	[ "$status" -eq 0 ]
	[[ "$output" == *"self-labelled.dtbo: OK 2 fragments, uses labels, applies to $FIX/cm5-base.dtbo"* ]]
	run "$SLAMMER" merge --base "$FIX/cm5-base.dtbo" -o "$BATS_TEST_TMPDIR/m.dtb" "$FIX/self-labelled.dtbo"
	[ "$status" -eq 0 ]
	[ "$(fdtget "$BATS_TEST_TMPDIR/m.dtb" /axi/rp1/serial@38000 status)" = okay ]
	[ "$(fdtget "$BATS_TEST_TMPDIR/m.dtb" /axi/rp1/serial@38000 current-speed)" = 115200 ]
}

@test "an unresolved label is named" {
	run "$SLAMMER" check --base "$FIX/cm5-base.dtbo" "$FIX/cruiser-poe-port.dtbo"
	[ "$status" -eq 1 ]
	[ "$output" = "$FIX/cruiser-poe-port.dtbo: FAIL does not apply to $FIX/cm5-base.dtbo: label 'cruiser_poe' is not in the base tree" ]
}

@test "the shipped Metis overlay fits the CM5-like base alone: it needs only pcie1" {
	run "$SLAMMER" check --base "$FIX/cm5-base.dtbo" "$FIX/axelera-metis.dtbo"
	[ "$status" -eq 0 ]
	run "$SLAMMER" merge --base "$FIX/cm5-base.dtbo" -o "$BATS_TEST_TMPDIR/m.dtb" "$FIX/axelera-metis.dtbo"
	[ "$status" -eq 0 ]
	[ "$(fdtget -t s "$BATS_TEST_TMPDIR/m.dtb" /axi/pcie@1000110000 status)" = okay ]
	[ "$(fdtget -t u "$BATS_TEST_TMPDIR/m.dtb" /axi/pcie@1000110000 max-link-speed)" = 3 ]
}

@test "an unresolved target-path is named" {
	printf '/dts-v1/;\n/ { compatible = "x"; other { }; };\n' >"$BATS_TEST_TMPDIR/b.dts"
	compile_dts "$BATS_TEST_TMPDIR/b.dts" "$BATS_TEST_TMPDIR/b.dtb"
	run "$SLAMMER" check --base "$BATS_TEST_TMPDIR/b.dtb" "$FIX/by-path.dtbo"
	[ "$status" -eq 1 ]
	[[ "$output" == *"target-path '/axi' is not in the base tree"* ]]
	[[ "$output" == *"no __symbols__ node (compile it with dtc -@)"* ]]
}

@test "broken files fail with the reason, and the others are still checked" {
	head -c 300 "$FIX/cruiser-raspberrypi-cm5.dtbo" >"$BATS_TEST_TMPDIR/cut.dtbo"
	head -c 3000 /dev/zero >"$BATS_TEST_TMPDIR/zero.dtbo"
	head -c 1100000 /dev/zero >"$BATS_TEST_TMPDIR/big.dtbo"
	run "$SLAMMER" check "$BATS_TEST_TMPDIR/cut.dtbo" "$BATS_TEST_TMPDIR/zero.dtbo" \
		"$BATS_TEST_TMPDIR/big.dtbo" "$FIX/not-an-overlay.dtbo" "$BATS_TEST_TMPDIR/none.dtbo" \
		"$BATS_TEST_TMPDIR" "$FIX/by-path.dtbo"
	[ "$status" -eq 1 ]
	[[ "${lines[0]}" == *"cut.dtbo: FAIL truncated: the header says $(stat -c %s "$FIX/cruiser-raspberrypi-cm5.dtbo") bytes, the file has 300" ]]
	[[ "${lines[1]}" == *"zero.dtbo: FAIL not a device tree blob (bad magic)" ]]
	[[ "${lines[2]}" == *"big.dtbo: FAIL cannot read: larger than the kernel's 1 MiB limit" ]]
	[[ "${lines[3]}" == *"not-an-overlay.dtbo: FAIL not an overlay"* ]]
	[[ "${lines[4]}" == *"none.dtbo: FAIL cannot read: No such file or directory" ]]
	[ "${lines[5]}" = "$BATS_TEST_TMPDIR: FAIL is a directory" ]
	[[ "${lines[6]}" == *"by-path.dtbo: OK"* ]]
}

@test "every truncation of a good overlay is refused" {
	size=$(stat -c %s "$FIX/axelera-metis.dtbo")
	for ((n = 0; n < size; n += 7)); do
		head -c "$n" "$FIX/axelera-metis.dtbo" >"$BATS_TEST_TMPDIR/t.dtbo"
		run "$SLAMMER" check "$BATS_TEST_TMPDIR/t.dtbo"
		[ "$status" -eq 1 ]
	done
}

@test "a bad base is reported and nothing else" {
	printf 'nonsense' >"$BATS_TEST_TMPDIR/base.dtb"
	run "$SLAMMER" check --base "$BATS_TEST_TMPDIR/base.dtb" "$FIX/by-path.dtbo"
	[ "$status" -eq 1 ]
	[[ "$output" == *"base.dtb: FAIL not a usable base tree: too short for a device tree header" ]]
}

@test "check needs a file" {
	run "$SLAMMER" check
	[ "$status" -eq 2 ]
	run "$SLAMMER" check --base
	[ "$status" -eq 2 ]
}
