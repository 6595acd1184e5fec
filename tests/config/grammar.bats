#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# One table of cases (tests/config/grammar), run against both readers of
# rpi-hardware.conf: the helper and the shell reader of rpi-hardware.sh.

setup() {
	SLAMMER=$BUILD_DIR/overlay-slammer
	SHLIB=$BUILD_DIR/rpi-hardware.sh
	EMPTY=$BATS_TEST_TMPDIR/empty
	mkdir -p "$EMPTY"
}

# The cases as KEY<TAB>EXPECTED<TAB>FILE, fields trimmed.
cases() {
	sed -e '/^#/d' -e '/^$/d' "$REPO/tests/config/grammar" |
		awk -F'|' '{
			f = substr($0, index($0, "|") + 1); f = substr(f, index(f, "|") + 1)
			sub(/^ /, "", f)
			k = $1; v = $2
			gsub(/^ +| +$/, "", k); gsub(/^ +| +$/, "", v)
			printf "%s\t%s\t%s\n", k, v, f
		}'
}

# The helper's value of KEY in FILE (no command line: an empty root).
c_reader() {
	"$SLAMMER" --sysroot "$EMPTY" --config "$2" config "$1" 2>/dev/null
}

# The shell reader's, under SHELL.
sh_reader() {
	"$1" -c '. "$0" && rpi_hw_conf_get "$1" "$2"' "$SHLIB" "$3" "$2"
}

@test "both readers read every case of the grammar table the same way" {
	local key want file n=0 got shell bad=0
	while IFS=$'\t' read -r key want file; do
		n=$((n + 1))
		printf '%b' "$file" >"$BATS_TEST_TMPDIR/case.conf"
		case $want in
		@default) want=$("$SLAMMER" --sysroot "$EMPTY" config "$key") ;;
		@empty) want= ;;
		esac
		got=$(c_reader "$key" "$BATS_TEST_TMPDIR/case.conf")
		if [ "$got" != "$want" ]; then
			echo "case $n ($key, '$file'): the helper says '$got', the table '$want'"
			bad=1
		fi
		for shell in sh bash; do
			got=$(sh_reader "$shell" "$key" "$BATS_TEST_TMPDIR/case.conf")
			if [ "$got" != "$want" ]; then
				echo "case $n ($key, '$file'): the shell reader ($shell) says '$got', the table '$want'"
				bad=1
			fi
		done
	done < <(cases)
	[ "$n" -gt 30 ]
	[ "$bad" -eq 0 ]
}

@test "both readers have the same defaults: the shipped file's, every key" {
	local line key
	run "$SLAMMER" --sysroot "$EMPTY" config
	[ "$status" -eq 0 ]
	while IFS= read -r line; do
		key=${line%%=*}
		# blacklist comes from the kernel command line only.
		[ "$key" = blacklist ] && continue
		[ "$(sh_reader sh "$key" /nonexistent)" = "${line#*=}" ]
		[ "$(sh_reader sh "$key" "$BUILD_DIR/rpi-hardware.conf")" = "${line#*=}" ]
	done <<<"$output"
	[[ $output == *$'\naccounts=frigate,hass'* ]]
}

@test "the default device is the first card's link of the hardware-ids table" {
	local link
	link=$(awk '!/^[ \t]*(#|$)/ { print $4; exit }' "$REPO/rules/hardware-ids")
	[ "$("$SLAMMER" --sysroot "$EMPTY" config device)" = "/dev/${link/\%m/0}" ]
}

@test "the shell reader names the line of a key, and fails for an absent one" {
	printf 'enable=1\n\ndevice = /dev/x\n' >"$BATS_TEST_TMPDIR/c.conf"
	run sh -c '. "$0" && rpi_hw_conf_line "$1" device' "$SHLIB" "$BATS_TEST_TMPDIR/c.conf"
	[ "$status" -eq 0 ]
	[ "$output" = $'3\t/dev/x' ]
	run sh -c '. "$0" && rpi_hw_conf_line "$1" timeout' "$SHLIB" "$BATS_TEST_TMPDIR/c.conf"
	[ "$status" -eq 1 ]
	run sh -c '. "$0" && rpi_hw_conf_get "$1" nosuchkey' "$SHLIB" "$BATS_TEST_TMPDIR/c.conf"
	[ "$status" -eq 1 ]
}
