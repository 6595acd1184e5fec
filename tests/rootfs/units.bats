#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The systemd units (systemd-analyze verify in a scratch root holding them and
# stand-ins for the programs they start), the sysusers.d entry, and the OpenRC
# scripts run by a harness that plays openrc-run.

setup() {
	UNITS=$BUILD_DIR/units
	T=$BATS_TEST_TMPDIR
}

# A root with the host's unit library, our units, and executables at the paths
# the units name.
make_unit_root() {
	local root=$1 exe
	mkdir -p "$root/usr/lib/systemd" "$root/etc"
	cp -a /usr/lib/systemd/system "$root/usr/lib/systemd/"
	cp "$UNITS"/systemd/* "$root/usr/lib/systemd/system/"
	for exe in $(sed -n 's/^Exec[A-Za-z]*=[-@:+!]*\([^ ]*\).*/\1/p' "$UNITS"/systemd/*); do
		mkdir -p "$root$(dirname "$exe")"
		printf '#!/bin/sh\n' >"$root$exe"
		chmod +x "$root$exe"
	done
}

@test "systemd-analyze verify is clean for every unit" {
	command -v systemd-analyze >/dev/null || skip "no systemd-analyze"
	make_unit_root "$T/root"
	for unit in axelera.service axelera-stats-logger.service \
		rpi-hardware-rebuild.path rpi-hardware-rebuild.service; do
		run systemd-analyze verify --root="$T/root" --man=no \
			"$T/root/usr/lib/systemd/system/$unit"
		echo "$unit: $output"
		[ "$status" -eq 0 ]
		[ -z "$output" ]
	done
}

@test "verify would catch a broken unit (the check is not vacuous)" {
	command -v systemd-analyze >/dev/null || skip "no systemd-analyze"
	make_unit_root "$T/root"
	sed 's/^Type=oneshot/Type=oneshoot/' "$UNITS/systemd/axelera.service" \
		>"$T/root/usr/lib/systemd/system/broken.service"
	run systemd-analyze verify --root="$T/root" --man=no "$T/root/usr/lib/systemd/system/broken.service"
	[[ $output == *"Failed to parse service type"* ]]
}

@test "axelera.service applies the overlays early, before every ordinary service" {
	command -v systemd-analyze >/dev/null || skip "no systemd-analyze"
	make_unit_root "$T/root"
	u=$UNITS/systemd/axelera.service
	grep -qx "ExecStart=/usr/sbin/overlay-slammer apply" "$u"
	grep -qx "Type=oneshot" "$u"
	grep -qx "RemainAfterExit=yes" "$u"
	# Ordinary services start after basic.target, which is after sysinit.target.
	grep -qx "Before=sysinit.target shutdown.target" "$u"
	grep -qx "WantedBy=sysinit.target" "$u"
	# No configfs interface (exit 3) is not a failure of the unit.
	grep -qx "SuccessExitStatus=3" "$u"
	# Enabling it in the scratch root links it where the boot pulls it in.
	run systemctl --root="$T/root" enable axelera.service
	[ "$status" -eq 0 ]
	[ -L "$T/root/etc/systemd/system/sysinit.target.wants/axelera.service" ]
}

@test "units name man pages that the project ships" {
	for page in $(grep -ho 'man:[a-z-]*([0-9])' "$UNITS"/systemd/* | sort -u); do
		name=${page#man:}
		name=${name%(*}
		case $name in dracut) continue ;; esac
		section=${page##*(}
		section=${section%)}
		[ -f "$REPO/docs/man/$name.$section" ] || {
			echo "missing docs/man/$name.$section"
			return 1
		}
	done
}

@test "sysusers.d creates the axelera system group" {
	command -v systemd-sysusers >/dev/null || skip "no systemd-sysusers"
	mkdir -p "$T/root/etc"
	: >"$T/root/etc/group"
	: >"$T/root/etc/passwd"
	run systemd-sysusers --root="$T/root" "$REPO/units/systemd/axelera.sysusers"
	[ "$status" -eq 0 ]
	grep -qE '^axelera:x:[0-9]+:$' "$T/root/etc/group"
	gid=$(awk -F: '$1 == "axelera" { print $3 }' "$T/root/etc/group")
	[ "$gid" -lt 1000 ]
}

@test "OpenRC scripts parse as sh and pass shellcheck" {
	for s in "$UNITS"/openrc/*; do
		sh -n "$s"
		shellcheck -x -S warning "$s"
	done
	[ "$(ls "$UNITS"/openrc | wc -l)" -eq 3 ]
}

# Copies a built OpenRC script with the installed program paths pointed at stubs.
stubbed() {
	mkdir -p "$T/stubs"
	sed "s|/usr/sbin/|$T/stubs/|g" "$UNITS/openrc/$1" >"$T/$1"
	echo "$T/$1"
}

stub() { # NAME EXIT-STATUS
	mkdir -p "$T/stubs"
	printf '#!/bin/sh\necho "%s $*"\nexit %s\n' "$1" "$2" >"$T/stubs/$1"
	chmod +x "$T/stubs/$1"
}

harness() {
	run sh "$BATS_TEST_DIRNAME/openrc-harness.sh" "$@"
}

@test "axelera-watchdog: refuses to start without the device, logs to syslog with it" {
	harness "$(stubbed axelera-watchdog)" depend start_pre
	[ "$status" -eq 1 ]
	[[ $output == *"need: dev"* ]]
	[[ $output == *"after: axelera-slammer"* ]]
	[[ $output == *"eerror: /dev/axelera0 is missing: the Metis is not set up"* ]]
	[[ $output == *"command=$T/stubs/axelera-stats-logger command_args=--interval 60 --syslog background=yes pidfile=/run/axelera-watchdog.pid"* ]]
	: >"$T/node"
	AXELERA_DEVICE=$T/node AXELERA_INTERVAL=15 harness "$T/axelera-watchdog" start_pre
	[ "$status" -eq 0 ]
	[[ $output == *"command_args=--interval 15 --syslog"* ]]
}

@test "ax_status: status_ai reports through overlay-slammer status" {
	stub overlay-slammer 0
	harness "$(stubbed ax_status)" depend status_ai
	[ "$status" -eq 1 ]
	[[ $output == *"need: axelera-slammer"* ]]
	[[ $output == *"eerror: Hardware not initialized: /dev/axelera0 is missing"* ]]
	[[ $output == *"overlay-slammer status"* ]]
	: >"$T/node"
	AXELERA_DEVICE=$T/node harness "$T/ax_status" status_ai
	[ "$status" -eq 0 ]
	[[ $output == *"overlay-slammer status"* ]]
	stub overlay-slammer 1
	AXELERA_DEVICE=$T/node harness "$T/ax_status" status_ai
	[ "$status" -eq 1 ]
	grep -qx 'extra_commands="status_ai"' "$UNITS/openrc/ax_status"
}

@test "axelera-slammer: applies, tolerates a kernel without configfs overlays, reports failure" {
	stub overlay-slammer 0
	harness "$(stubbed axelera-slammer)" depend start
	[ "$status" -eq 0 ]
	[[ $output == *"need: sysfs localmount"* ]]
	[[ $output == *"overlay-slammer apply"* ]]
	[[ $output == *"eend: 0"* ]]
	stub overlay-slammer 3
	harness "$T/axelera-slammer" start
	[ "$status" -eq 0 ]
	[[ $output == *"ewarn: no configfs overlay interface"* ]]
	stub overlay-slammer 1
	harness "$T/axelera-slammer" start
	[ "$status" -eq 1 ]
	[[ $output == *"eend: 1 overlay-slammer apply failed"* ]]
	harness "$T/axelera-slammer" stop
	[ "$status" -eq 0 ]
}
