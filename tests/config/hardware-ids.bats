#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# One table of cases (tests/config/hardware-ids), run against both readers of
# the hardware-ids grammar: the udev rule generator and the C parser the
# pre-flight check, the stats logger and the built-in table use.

setup() {
	ROOT=$BATS_TEST_TMPDIR/root
	mkdir -p "$ROOT/etc/rpi-hardware" "$ROOT/sys/bus/pci/devices" "$ROOT/proc"
}

cases() {
	sed -e '/^#/d' -e '/^$/d' "$REPO/tests/config/hardware-ids" |
		awk '{ r = $1; t = substr($0, index($0, "|") + 2); printf "%s\t%s\n", r, t }'
}

# ok or bad, as the generator sees the table.
awk_reader() {
	if "$REPO/rules/gen-rules.sh" check "$1" 2>/dev/null; then echo ok; else echo bad; fi
}

# ok or bad, as the C parser sees it: the pre-flight check names a table it
# cannot use and stops with status 2 before checking anything.
c_reader() {
	local out
	cp "$1" "$ROOT/etc/rpi-hardware/hardware-ids"
	out=$("$BUILD_DIR/rpi-hardware-preflight" --sysroot "$ROOT" 2>&1)
	if [[ $? -eq 2 && $out == *"fix the table or remove the override"* ]]; then
		echo bad
	else
		echo ok
	fi
}

@test "both readers accept and refuse the same hardware-ids tables" {
	local want table n=0 got bad=0
	while IFS=$'\t' read -r want table; do
		n=$((n + 1))
		printf '%b\n' "$table" >"$BATS_TEST_TMPDIR/ids"
		got=$(awk_reader "$BATS_TEST_TMPDIR/ids")
		[ "$got" = "$want" ] || { echo "case $n '$table': gen-rules.sh says $got, the table $want"; bad=1; }
		got=$(c_reader "$BATS_TEST_TMPDIR/ids")
		[ "$got" = "$want" ] || { echo "case $n '$table': the C parser says $got, the table $want"; bad=1; }
	done < <(cases)
	[ "$n" -gt 25 ]
	[ "$bad" -eq 0 ]
}

@test "both readers refuse a 65th row" {
	local i
	for i in $(seq 1 65); do
		printf 'metis 0x1f9d 0x%04x axelera%%m card %d\n' "$i" "$i"
	done >"$BATS_TEST_TMPDIR/ids"
	[ "$(awk_reader "$BATS_TEST_TMPDIR/ids")" = bad ]
	[ "$(c_reader "$BATS_TEST_TMPDIR/ids")" = bad ]
	sed -i '$d' "$BATS_TEST_TMPDIR/ids"
	[ "$(awk_reader "$BATS_TEST_TMPDIR/ids")" = ok ]
	[ "$(c_reader "$BATS_TEST_TMPDIR/ids")" = ok ]
}

@test "the shipped table is read the same way by both" {
	[ "$(awk_reader "$REPO/rules/hardware-ids")" = ok ]
	[ "$(c_reader "$REPO/rules/hardware-ids")" = ok ]
}
