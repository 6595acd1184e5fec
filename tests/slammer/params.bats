#!/usr/bin/env bats
# run-with: asan
# run-with: aarch64
# Overlay parameters (__overrides__) and __dormant__ fragments, on Raspberry Pi
# style fixtures of the project's own: merge, check, the runtime path through
# the configfs stand-in, and the configuration's NAME,param=value spelling.

load helper

setup_file() {
	compile_fixtures
}

setup() {
	FIX="$BATS_FILE_TMPDIR/fix"
	OUT="$BATS_TEST_TMPDIR/out"
	EXP="$REPO/tests/slammer/fixtures/expected"
	mkdir -p "$OUT"
}

teardown() {
	[[ -z ${ROOT-} ]] || teardown_root
}

merge() {
	run "$SLAMMER" merge --base "$FIX/rpi-base.dtbo" "$@"
}

# A tree as dtc prints it, sorted, without phandle values (which depend on the
# order dtc and libfdt number nodes in).
tree() {
	dtc -q -I dtb -O dts -s "$1" | grep -v '^[[:space:]]*phandle = '
}

# unlisted TREE: a copy of a merged TREE without merge's list of overlays in
# /chosen (merge.bats checks that), and without /chosen if nothing else is in it.
unlisted() {
	cp "$1" "$OUT/unlisted.dtb"
	fdtput -d "$OUT/unlisted.dtb" /chosen rpi-hardware,overlays rpi-hardware,overlays-crc32
	if [[ -z $(fdtget -p "$OUT/unlisted.dtb" /chosen) && -z $(fdtget -l "$OUT/unlisted.dtb" /chosen) ]]; then
		fdtput -r "$OUT/unlisted.dtb" /chosen
	fi
	echo "$OUT/unlisted.dtb"
}

# The merged tree $1 equals the expected tree $2 (fixtures/expected/$2.dts),
# compiled the way the fixtures are.
same_tree() {
	compile_dts "$EXP/$2.dts" "$OUT/expected-$2.dtb"
	diff -u <(tree "$OUT/expected-$2.dtb") <(tree "$(unlisted "$1")")
}

@test "an overlay merged without parameters: dormant fragments out, the rest as written" {
	merge -o "$OUT/t.dtb" "$FIX/rpi-params.dtbo"
	[ "$status" -eq 0 ]
	[[ $output != *warn* ]]
	same_tree "$OUT/t.dtb" rpi-params-defaults
}

@test "every kind of parameter and every fragment switch" {
	merge -o "$OUT/t.dtb" "$FIX/rpi-params.dtbo,gain=7,rate=0x1234,low=5,high=0x7fffffff,serial=0x1122334455667788,mac=01:02:03:0a:0b:0c,low-power=off,label=hello,enable=off,fast,irq=1,nospi=yes,i2c0"
	[ "$status" -eq 0 ]
	same_tree "$OUT/t.dtb" rpi-params-all
}

@test "literal assignments and an inverted boolean" {
	merge -o "$OUT/t.dtb" "$FIX/rpi-params.dtbo,alt,always-on=1"
	[ "$status" -eq 0 ]
	same_tree "$OUT/t.dtb" rpi-params-literals
}

@test "a literal cell naming a node of the overlay is renumbered with it" {
	merge -o "$OUT/t.dtb" "$FIX/rpi-params.dtbo,partner"
	[ "$status" -eq 0 ]
	local bus=/axi/i2c@74000 peer
	peer=$(fdtget "$OUT/t.dtb" "$bus/peer@49" phandle)
	[ -n "$peer" ] && [ "$peer" != 0 ]
	[ "$(fdtget "$OUT/t.dtb" "$bus/sensor@48" partner)" = "$peer" ]
}

@test "=N and !N follow the value: off, then on" {
	merge -o "$OUT/a.dtb" "$FIX/rpi-params.dtbo,irq=0,nospi=0"
	[ "$status" -eq 0 ]
	same_tree "$OUT/a.dtb" rpi-params-defaults
	merge -o "$OUT/b.dtb" "$FIX/rpi-params.dtbo,nospi=1"
	[ "$status" -eq 0 ]
	[ "$(fdtget -t s "$OUT/b.dtb" /axi/spi@50000 status)" = disabled ]
}

@test "an overlay of dormant fragments only is valid and merges as nothing" {
	run "$SLAMMER" check "$FIX/rpi-rtc.dtbo"
	[ "$status" -eq 0 ]
	[[ $output == *"rpi-rtc.dtbo: OK every fragment dormant (a parameter switches them on): nothing to apply"* ]]
	merge -o "$OUT/t.dtb" "$FIX/rpi-rtc.dtbo"
	[ "$status" -eq 0 ]
	[[ $output == *"rpi-rtc.dtbo: every fragment is dormant (a parameter switches them on): nothing to merge"* ]]
	diff -u <(tree "$FIX/rpi-base.dtbo") <(tree "$OUT/t.dtb")
}

@test "a dormant fragment switched on, with its cell and boolean set" {
	merge -o "$OUT/t.dtb" "$FIX/rpi-rtc.dtbo,rtc-b,addr=0x52,wakeup"
	[ "$status" -eq 0 ]
	same_tree "$OUT/t.dtb" rpi-rtc-b
	run "$SLAMMER" check "$FIX/rpi-rtc.dtbo,rtc-a" --base "$FIX/rpi-base.dtbo"
	[ "$status" -eq 0 ]
	[[ $output == *"rpi-rtc.dtbo,rtc-a: OK 1 fragment, uses labels, applies to "* ]]
}

@test "check and merge name the overlay, the parameter and what it accepts" {
	local -A want=(
		[gain=256]="parameter 'gain'='256': out of range; it takes a number from 0 to 255"
		[rate=70000]="parameter 'rate'='70000': out of range; it takes a number from 0 to 65535"
		[low=board]="parameter 'low'='board': not a number; it takes a number from 0 to 4294967295"
		[low=-1]="parameter 'low'='-1': not a number"
		[mac=0g]="parameter 'mac'='0g': not a byte string; it takes hex digits in pairs"
		[low-power=maybe]="parameter 'low-power'='maybe': not a boolean; it takes y/n, on/off, true/false or a number"
		[nope]="parameter 'nope': the overlay has no such parameter; it takes label, enable, gain,"
		[gain=1,,x]="a parameter without a name"
	)
	local p
	for p in "${!want[@]}"; do
		run "$SLAMMER" check "$FIX/rpi-params.dtbo,$p"
		[ "$status" -eq 1 ]
		[[ $output == "$FIX/rpi-params.dtbo,$p: FAIL "*"${want[$p]}"* ]] || {
			echo "$p: $output"
			return 1
		}
		merge -o "$OUT/t.dtb" "$FIX/rpi-params.dtbo,$p"
		[ "$status" -eq 1 ]
		[[ $output == *"$FIX/rpi-params.dtbo: "*"${want[$p]}"* ]]
		[ ! -e "$OUT/t.dtb" ]
	done
	run "$SLAMMER" check "$FIX/cm5-base.dtbo,x=1"
	[ "$status" -eq 1 ]
	[[ $output == *"FAIL not an overlay"* ]]
	run "$SLAMMER" check "$FIX/by-path.dtbo,x=1"
	[ "$status" -eq 1 ]
	[[ $output == *"parameter 'x': the overlay takes no parameters"* ]]
}

@test "broken __overrides__: a clear error each, nothing half-applied, no crash" {
	local -A want=(
		[past-end]="points to bytes 4 to 7 of property 'reg' of /fragment@0/__overlay__/dev@20, which has 4"
		[no-prop]="points to property 'nosuch' of /fragment@0/__overlay__/dev@20, which the overlay lacks"
		[no-fragment]="switches fragment 7, which the overlay lacks"
		[bad-switch]="mangled (a fragment switch other than +N, -N, =N, !N)"
		[base-node]="changes a node of the base tree, not of the overlay"
		[lookup]="uses a lookup table ('{')"
		[truncated]="mangled (truncated: too short for a target and a property)"
		[no-nul]="mangled (a string that is not NUL-terminated)"
		[no-cell]="mangled (truncated: a literal cell is missing)"
		[no-phandle]="points to phandle 0x77, no node of the overlay"
		[half]="points to bytes 8 to 11 of property 'reg'"
	)
	local p
	run "$SLAMMER" check "$FIX/rpi-broken.dtbo,ok=off" --base "$FIX/rpi-base.dtbo"
	[ "$status" -eq 0 ]
	for p in "${!want[@]}"; do
		merge -o "$OUT/t.dtb" "$FIX/rpi-broken.dtbo,ok=off,$p=1"
		[ "$status" -eq 1 ]
		[[ $output == *"rpi-broken.dtbo: parameter '$p'"*"${want[$p]}"* ]] || {
			echo "$p: $output"
			return 1
		}
		[ "$(grep -c . <<<"$output")" -eq 1 ]
		[ ! -e "$OUT/t.dtb" ]
	done
}

@test "a label on a fragment's own __overlay__ node, used by a fragment and a parameter (libfdt >= 1.7.1)" {
	merge -o "$OUT/t.dtb" "$FIX/rpi-selflabel.dtbo,spi=on"
	[ "$status" -eq 0 ]
	# libfdt writes the label of a whole __overlay__ node as the target's path
	# with a '/' after it: compared apart, as the node it names.
	compile_dts "$EXP/rpi-selflabel.dts" "$OUT/want.dtb"
	diff -u <(tree "$OUT/want.dtb" | grep -v '^[[:space:]]*frag0 = ') \
		<(tree "$(unlisted "$OUT/t.dtb")" | grep -v '^[[:space:]]*frag0 = ')
	local label
	label=$(fdtget -t s "$OUT/t.dtb" /__symbols__ frag0)
	[ "${label%/}" = /axi/spi@50000 ]
	run "$SLAMMER" check "$FIX/rpi-selflabel.dtbo,spi=off" --base "$FIX/rpi-base.dtbo"
	[ "$status" -eq 0 ]
}

# The runtime path: the blob the configfs stand-in received is the one merge
# applies for the same NAME,params: merging it without parameters gives the
# same tree, byte for byte.
runtime_root() {
	ROOT="$BATS_TEST_TMPDIR/root"
	OVL="$ROOT/usr/lib/rpi-hardware/overlays"
	make_sysroot "$ROOT"
	cp "$FIX/rpi-params.dtbo" "$FIX/rpi-rtc.dtbo" "$OVL/"
	start_fake_configfs "$ROOT" --base "$FIX/rpi-base.dtbo"
	CFS="$ROOT/sys/kernel/config/device-tree/overlays"
	KLOG="$ROOT/fake-configfs.log"
}

@test "the runtime path writes to configfs the blob merge applies" {
	runtime_root
	local params=gain=7,low=5,mac=01:02:03:0a:0b:0c,label=hello,fast,irq=1,nospi=yes,i2c0
	slam apply "rpi-params,$params" "rpi-rtc,rtc-b,addr=0x52,wakeup"
	[ "$status" -eq 0 ]
	[[ $output == *"applied overlay rpi-params from $OVL/rpi-params.dtbo with $params ("* ]]
	[ "$(grep '^apply' "$KLOG")" = "$(printf 'apply rpi-params ok\napply rpi-rtc ok')" ]
	cp "$CFS/rpi-params/dtbo" "$OUT/params-received.dtbo"
	cp "$CFS/rpi-rtc/dtbo" "$OUT/rtc-received.dtbo"
	run cmp -s "$OUT/params-received.dtbo" "$FIX/rpi-params.dtbo"
	[ "$status" -ne 0 ]
	run fdtget -l "$OUT/params-received.dtbo" /
	[[ $output != *__overrides__* && $output != *fragment@1* && $output != *fragment@4* ]]
	merge -o "$OUT/by-merge.dtb" "$FIX/rpi-params.dtbo,$params" "$FIX/rpi-rtc.dtbo,rtc-b,addr=0x52,wakeup"
	[ "$status" -eq 0 ]
	# Under their own names: merge lists each with its CRC-32 in /chosen.
	mkdir "$OUT/received"
	cp "$OUT/params-received.dtbo" "$OUT/received/rpi-params.dtbo"
	cp "$OUT/rtc-received.dtbo" "$OUT/received/rpi-rtc.dtbo"
	merge -o "$OUT/received.dtb" "$OUT/received/rpi-params.dtbo" "$OUT/received/rpi-rtc.dtbo"
	[ "$status" -eq 0 ]
	cmp "$OUT/by-merge.dtb" "$OUT/received.dtb"
	# Applied again with the same parameters: the same blob, nothing changes.
	before=$(kernel_events)
	slam apply "rpi-params,$params"
	[ "$status" -eq 0 ]
	[[ $output == *"overlay rpi-params already applied; unchanged"* ]]
	[ "$(kernel_events)" = "$before" ]
	# Other parameters are other content.
	slam apply "rpi-params,gain=8"
	[ "$status" -eq 1 ]
	[[ $output == *"overlay rpi-params is applied with other content than "* ]]
}

@test "boot takes the configured NAME,param=value entries; a dormant-only overlay applies as nothing" {
	runtime_root
	printf 'overlays="rpi-params,gain=7,irq rpi-rtc"\nmodules=\n' >"$ROOT/etc/rpi-hardware.conf"
	slam config overlays
	[ "$status" -eq 0 ]
	[ "$output" = "rpi-params,gain=7,irq=on rpi-rtc" ]
	slam apply
	[ "$status" -eq 0 ]
	[[ $output == *"overlay rpi-rtc: every fragment is dormant (a parameter switches them on): nothing to apply"* ]]
	[[ $output == *"overlays: 2 of 2 in place"* ]]
	[ "$(grep '^apply' "$KLOG")" = "apply rpi-params ok" ]
	[ ! -e "$CFS/rpi-rtc" ]
	[ "$(fdtget "$CFS/rpi-params/dtbo" /fragment@0/__overlay__/sensor@48 gain)" = 7 ]
	fdtget -l "$CFS/rpi-params/dtbo" / | grep -qx fragment@3
}

@test "the kernel command line takes the same spelling; rd.rpi_hw.overlays=a,b stays a list of names" {
	runtime_root
	cmdline 'rd.rpi_hw.overlays="rpi-rtc,rtc-a,addr=0x69 rpi-params"'
	slam config overlays
	[ "$output" = "rpi-rtc,rtc-a=on,addr=0x69 rpi-params" ]
	slam apply
	[ "$status" -eq 0 ]
	[ "$(fdtget "$CFS/rpi-rtc/dtbo" /fragment@0/__overlay__/rtc@68 reg)" = 105 ]
	cmdline rd.rpi_hw.overlays=rpi-params,rpi-rtc
	slam config overlays
	[ "$output" = "rpi-params,rpi-rtc" ]
	cmdline rd.rpi_hw.overlays=rpi-params,gain=300
	slam apply
	[ "$status" -eq 1 ]
	[ "$(grep -c "overlay rpi-params: parameter 'gain'='300': out of range; it takes a number from 0 to 255; not applied" <<<"$output")" -eq 1 ]
}

@test "no configfs interface: a DTB merged with the same parameters is in effect, with others it is not" {
	ROOT="$BATS_TEST_TMPDIR/root"
	OVL="$ROOT/usr/lib/rpi-hardware/overlays"
	make_sysroot "$ROOT"
	cp "$FIX/rpi-params.dtbo" "$FIX/rpi-rtc.dtbo" "$OVL/"
	merge -o "$OUT/booted.dtb" "$FIX/rpi-params.dtbo,gain=7,fast" "$FIX/rpi-rtc.dtbo"
	[ "$status" -eq 0 ]
	cp "$OUT/booted.dtb" "$ROOT/sys/firmware/fdt"
	printf 'overlays="rpi-params,gain=7,fast rpi-rtc"\n' >"$ROOT/etc/rpi-hardware.conf"
	slam apply
	[ "$status" -eq 0 ]
	[[ $output == *"overlay rpi-params: merged DTB in effect"* ]]
	[[ $output == *"overlay rpi-rtc: merged DTB in effect"* ]]
	slam status
	[[ $output == *"rpi-params"*merged* ]]
	printf 'overlays="rpi-params,gain=8,fast"\n' >"$ROOT/etc/rpi-hardware.conf"
	slam apply
	[ "$status" -eq 3 ]
	[[ $output == *"overlay rpi-params: not in effect: "* ]]
}
