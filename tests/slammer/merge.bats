#!/usr/bin/env bats
# run-with: asan
# run-with: aarch64
# merge: overlays merged into a copy of a CM5-like base ahead of boot, for kernels
# without the configfs overlay interface.

load helper

setup_file() {
	compile_fixtures
}

setup() {
	FIX="$BATS_FILE_TMPDIR/fix"
	OUT="$BATS_TEST_TMPDIR/out"
	mkdir -p "$OUT"
}

merge() {
	run "$SLAMMER" merge --base "$FIX/cm5-base.dtbo" "$@"
}

prop() {
	fdtget "$@" 2>/dev/null
}

@test "labels, target-path and both kinds of fixups merge into the base" {
	merge -o "$OUT/board.dtb" "$FIX/cruiser-raspberrypi-cm5.dtbo" "$FIX/cruiser-poe-port.dtbo" \
		"$FIX/axelera-metis.dtbo" "$FIX/by-path.dtbo" "$FIX/local-fixups.dtbo"
	[ "$status" -eq 0 ]
	[[ $output == *"merged 5 overlays into $OUT/board.dtb ("*" bytes, crc32 "* ]]
	local t=$OUT/board.dtb pcie=/axi/pcie@1000110000 poe=/axi/rp1/serial@38000/poe-controller
	# labels: the base tree's, and the one the Cruiser defines for a later overlay
	[ "$(prop -t s "$t" "$pcie" status)" = okay ]
	[ "$(prop "$t" "$pcie" max-link-speed)" = 3 ]
	[ "$(prop -t s "$t" /axi/rp1/serial@38000 status)" = okay ]
	[ "$(prop -t s "$t" "$poe" compatible)" = exaviz,cruiser-poe ]
	[ "$(prop -t s "$t" "$poe/poe-port-lan0" label)" = lan0 ]
	[ "$(prop -t s "$t" /__symbols__ cruiser_poe)" = "$poe" ]
	# target-path
	[ "$(prop -t s "$t" /axi/test-node compatible)" = test,by-path ]
	# a base label inside a property, and the overlay's own renumbered phandle
	[ "$(prop "$t" /axi/rp1/fan@0 interrupt-parent)" = "$(prop "$t" /axi/rp1 phandle)" ]
	[ "$(prop "$t" /axi/rp1/fan-controller fans)" = "$(prop "$t" /axi/rp1/fan@0 phandle)" ]
	# a plain device tree again, nothing of the overlays' bookkeeping in it but
	# their list in /chosen
	run fdtget -l "$t" /
	[[ $output != *__fixups__* && $output != *__local_fixups__* && $output != *fragment* ]]
	dtc -q -I dtb -O dts -o /dev/null "$t"
}

@test "the result is byte-for-byte reproducible" {
	merge -o "$OUT/a.dtb" "$FIX/cruiser-raspberrypi-cm5.dtbo" "$FIX/axelera-metis.dtbo" "$FIX/local-fixups.dtbo"
	[ "$status" -eq 0 ]
	mkdir "$OUT/other"
	cp "$FIX/cruiser-raspberrypi-cm5.dtbo" "$FIX/axelera-metis.dtbo" "$FIX/local-fixups.dtbo" "$OUT/other/"
	touch -d 2001-01-01 "$OUT/other"/*.dtbo
	(cd "$OUT/other" && "$SLAMMER" merge --base "$FIX/cm5-base.dtbo" -o b.dtb \
		cruiser-raspberrypi-cm5.dtbo axelera-metis.dtbo local-fixups.dtbo)
	cmp "$OUT/a.dtb" "$OUT/other/b.dtb"
}

@test "a missing label is named, and nothing is written" {
	merge -o "$OUT/board.dtb" "$FIX/cruiser-poe-port.dtbo"
	[ "$status" -eq 1 ]
	[[ $output == *"$FIX/cruiser-poe-port.dtbo does not apply: label 'cruiser_poe' is not in the base tree"* ]]
	[ -z "$(ls -A "$OUT")" ]
}

@test "overlays apply in the order given: the label a later one needs comes from an earlier one" {
	merge -o "$OUT/board.dtb" "$FIX/cruiser-poe-port.dtbo" "$FIX/cruiser-raspberrypi-cm5.dtbo"
	[ "$status" -eq 1 ]
	[[ $output == *"label 'cruiser_poe' is not in the base tree"* ]]
}

@test "a missing target-path is named" {
	printf '/dts-v1/;\n/ { compatible = "x"; #address-cells = <1>; };\n' >"$BATS_TEST_TMPDIR/b.dts"
	compile_dts "$BATS_TEST_TMPDIR/b.dts" "$BATS_TEST_TMPDIR/b.dtb"
	run "$SLAMMER" merge --base "$BATS_TEST_TMPDIR/b.dtb" -o "$OUT/x.dtb" "$FIX/by-path.dtbo"
	[ "$status" -eq 1 ]
	[[ $output == *"target-path '/axi' is not in the base tree"* ]]
}

@test "a later overlay may change what an earlier one set, as the kernel stacks them" {
	merge -o "$OUT/board.dtb" "$FIX/axelera-metis.dtbo" "$FIX/conflicting.dtbo"
	[ "$status" -eq 0 ]
	[ "$(prop -t s "$OUT/board.dtb" /axi/pcie@1000110000 status)" = disabled ]
	[ "$(prop "$OUT/board.dtb" /axi/pcie@1000110000 max-link-speed)" = 3 ]
	# The same overlay twice, and two that set the same value: no conflict either.
	merge -o "$OUT/board.dtb" "$FIX/axelera-metis.dtbo" "$FIX/axelera-metis.dtbo" "$FIX/by-path.dtbo" \
		"$FIX/by-path.dtbo"
	[ "$status" -eq 0 ]
	[ "$(prop -t s "$OUT/board.dtb" /axi/pcie@1000110000 status)" = okay ]
}

@test "what the kernel refuses is refused, naming the rule: overlapping fragments, cell counts, a label again" {
	merge -o "$OUT/board.dtb" "$FIX/overlapping-fragments.dtbo"
	[ "$status" -eq 1 ]
	[[ $output == *"overlapping-fragments.dtbo does not apply: fragment@0 and fragment@1 both set /axi/pcie@1000110000 property 'status': the kernel refuses an overlay whose fragments change the same property"* ]]
	merge -o "$OUT/board.dtb" "$FIX/address-cells.dtbo"
	[ "$status" -eq 1 ]
	[[ $output == *"address-cells.dtbo does not apply: fragment@0 changes #address-cells of /: the kernel refuses that"* ]]
	# Another controller under the Cruiser's label.
	dtc -q -@ -I dts -O dtb -o "$BATS_TEST_TMPDIR/relabel.dtbo" - <<-'DTS'
	/dts-v1/;
	/plugin/;
	/ { fragment@0 { target = <&uart2>; __overlay__ { cruiser_poe: other-controller { }; }; }; };
	DTS
	merge -o "$OUT/board.dtb" "$FIX/cruiser-raspberrypi-cm5.dtbo" "$BATS_TEST_TMPDIR/relabel.dtbo"
	[ "$status" -eq 1 ]
	[[ $output == *"relabel.dtbo does not apply: it defines label 'cruiser_poe', which the tree has already: the kernel refuses an overlay that defines a label again"* ]]
	[ -z "$(ls -A "$OUT")" ]
	# check --base applies the same rules.
	run "$SLAMMER" check --base "$FIX/cm5-base.dtbo" "$FIX/overlapping-fragments.dtbo"
	[ "$status" -eq 1 ]
	[[ $output == *"FAIL does not apply to $FIX/cm5-base.dtbo: fragment@0 and fragment@1 both set"* ]]
}

# The CRC-32 of a file as gzip stores it (little-endian, last 8 bytes), in hex.
crc32() {
	gzip -c "$1" | tail -c 8 | head -c 4 | od -An -tx4 --endian=little | tr -d ' '
}

@test "an overlay with labels in effect already, earlier in the list or merged before: as once, not a conflict" {
	merge -o "$OUT/once.dtb" "$FIX/cruiser-raspberrypi-cm5.dtbo"
	[ "$status" -eq 0 ]
	merge -o "$OUT/twice.dtb" "$FIX/cruiser-raspberrypi-cm5.dtbo" "$FIX/cruiser-raspberrypi-cm5.dtbo"
	[ "$status" -eq 0 ]
	[[ $output == *"cruiser-raspberrypi-cm5.dtbo is in the tree already (merged before, or earlier in this list): not applied again"* ]]
	cmp "$OUT/once.dtb" "$OUT/twice.dtb"
	run "$SLAMMER" merge --base "$OUT/once.dtb" -o "$OUT/again.dtb" "$FIX/cruiser-raspberrypi-cm5.dtbo"
	[ "$status" -eq 0 ]
	cmp "$OUT/once.dtb" "$OUT/again.dtb"
}

@test "the merged DTB lists its overlays and their digests in /chosen" {
	merge -o "$OUT/board.dtb" "$FIX/cruiser-raspberrypi-cm5.dtbo" "$FIX/axelera-metis.dtbo"
	[ "$status" -eq 0 ]
	[ "$(prop "$OUT/board.dtb" /chosen rpi-hardware,overlays)" = "cruiser-raspberrypi-cm5 axelera-metis" ]
	[ "$(prop -t x "$OUT/board.dtb" /chosen rpi-hardware,overlays-crc32)" = \
		"$(crc32 "$FIX/cruiser-raspberrypi-cm5.dtbo" | sed 's/^0*//') $(crc32 "$FIX/axelera-metis.dtbo" | sed 's/^0*//')" ]
	# Merged again onto that result, the list grows.
	run "$SLAMMER" merge --base "$OUT/board.dtb" -o "$OUT/more.dtb" "$FIX/by-path.dtbo"
	[ "$status" -eq 0 ]
	[ "$(prop "$OUT/more.dtb" /chosen rpi-hardware,overlays)" = "cruiser-raspberrypi-cm5 axelera-metis by-path" ]
}

@test "on failure the old output stays as it was, and no temporary file is left" {
	merge -o "$OUT/board.dtb" "$FIX/cruiser-raspberrypi-cm5.dtbo"
	[ "$status" -eq 0 ]
	cp "$OUT/board.dtb" "$BATS_TEST_TMPDIR/saved.dtb"
	merge -o "$OUT/board.dtb" "$FIX/axelera-metis.dtbo" "$FIX/overlapping-fragments.dtbo"
	[ "$status" -eq 1 ]
	cmp "$OUT/board.dtb" "$BATS_TEST_TMPDIR/saved.dtb"
	merge -o "$OUT/board.dtb" "$FIX/not-an-overlay.dtbo"
	[ "$status" -eq 1 ]
	[[ $output == *"not-an-overlay.dtbo is not a valid overlay: not an overlay"* ]]
	cmp "$OUT/board.dtb" "$BATS_TEST_TMPDIR/saved.dtb"
	[ "$(ls -A "$OUT")" = board.dtb ]
}

@test "the new output replaces the old one by rename, complete, readable by all" {
	merge -o "$OUT/board.dtb" "$FIX/cruiser-raspberrypi-cm5.dtbo"
	local before
	before=$(stat -c %i "$OUT/board.dtb")
	merge -o "$OUT/board.dtb" "$FIX/cruiser-raspberrypi-cm5.dtbo" "$FIX/axelera-metis.dtbo"
	[ "$status" -eq 0 ]
	[ "$(stat -c %i "$OUT/board.dtb")" != "$before" ]
	[ "$(stat -c %a "$OUT/board.dtb")" = 644 ]
	[ "$(ls -A "$OUT")" = board.dtb ]
	[ "$(prop "$OUT/board.dtb" /axi/pcie@1000110000 max-link-speed)" = 3 ]
}

@test "an output that cannot be written is an error naming it" {
	merge -o "$OUT/no-such-dir/board.dtb" "$FIX/cruiser-raspberrypi-cm5.dtbo"
	[ "$status" -eq 1 ]
	[[ $output == *"cannot write $OUT/no-such-dir/board.dtb: No such file or directory"* ]]
}

@test "an overlay with parameters, none given: the fragment goes in as written" {
	merge -o "$OUT/board.dtb" "$FIX/with-parameters.dtbo"
	[ "$status" -eq 0 ]
	[[ $output != *warn* ]]
	[ "$(prop "$OUT/board.dtb" /axi/pcie@1000110000 max-link-speed)" = 2 ]
	run fdtget -l "$OUT/board.dtb" /
	[[ $output != *__overrides__* ]]
	# Its parameter names a node of the base tree, which no parameter may change
	# (tests/slammer/params.bats has the parameters that apply).
	merge -o "$OUT/other.dtb" "$FIX/with-parameters.dtbo,gen=3"
	[ "$status" -eq 1 ]
	[[ $output == *"with-parameters.dtbo: parameter 'gen': changes a node of the base tree, not of the overlay"* ]]
	[ ! -e "$OUT/other.dtb" ]
}

@test "a base without __symbols__ is warned about" {
	printf '/dts-v1/;\n/ { axi { }; };\n' | dtc -q -I dts -O dtb -o "$BATS_TEST_TMPDIR/b.dtb" -
	run "$SLAMMER" merge --base "$BATS_TEST_TMPDIR/b.dtb" -o "$OUT/x.dtb" "$FIX/cruiser-raspberrypi-cm5.dtbo"
	[ "$status" -eq 1 ]
	[[ $output == *"has no __symbols__ node (dtc -@)"* ]]
	[[ $output == *"label 'uart2' is not in the base tree"* ]]
}

@test "usage errors exit 2; --help exits 0" {
	run "$SLAMMER" merge -o "$OUT/x.dtb" "$FIX/cruiser-raspberrypi-cm5.dtbo"
	[ "$status" -eq 2 ]
	merge "$FIX/cruiser-raspberrypi-cm5.dtbo"
	[ "$status" -eq 2 ]
	merge -o "$OUT/x.dtb"
	[ "$status" -eq 2 ]
	run "$SLAMMER" merge --bogus
	[ "$status" -eq 2 ]
	run "$SLAMMER" merge --help
	[ "$status" -eq 0 ]
	[[ $output == *"merge --base BASE.dtb -o OUT.dtb OVERLAY.dtbo[,PARAM=VALUE...]..."* ]]
	[ -z "$(ls -A "$OUT")" ]
}

@test "bad base and unreadable overlays are named" {
	printf 'nonsense' >"$BATS_TEST_TMPDIR/bad.dtb"
	run "$SLAMMER" merge --base "$BATS_TEST_TMPDIR/bad.dtb" -o "$OUT/x.dtb" "$FIX/cruiser-raspberrypi-cm5.dtbo"
	[ "$status" -eq 1 ]
	[[ $output == *"bad.dtb is not a usable base tree: too short for a device tree header"* ]]
	merge -o "$OUT/x.dtb" "$BATS_TEST_TMPDIR/none.dtbo"
	[ "$status" -eq 1 ]
	[[ $output == *"cannot read $BATS_TEST_TMPDIR/none.dtbo: No such file or directory"* ]]
}
