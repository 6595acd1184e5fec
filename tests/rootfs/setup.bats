#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# metis-setup on fake roots, with stand-ins for groupadd, usermod, getent and
# udevadm that record their arguments. Nothing here touches the host's accounts
# or udev.

load ../lib/refute
load setup-stubs

setup() {
	T=$BATS_TEST_TMPDIR
	ROOT=$T/root
	mkdir -p "$ROOT/etc" "$ROOT/usr/lib/udev/rules.d"
	printf 'root:x:0:\nusers:x:100:\n' >"$ROOT/etc/group"
	printf 'root:x:0:0::/root:/bin/sh\nfrigate:x:1001:100::/srv/frigate:/usr/sbin/nologin\nhass:x:1002:100::/srv/hass:/usr/sbin/nologin\n' \
		>"$ROOT/etc/passwd"
	echo "# packaged" >"$ROOT/usr/lib/udev/rules.d/65-rpi-hardware.rules"
	echo "# packaged" >"$ROOT/usr/lib/udev/rules.d/99-axelera-metis.rules"
	make_stubs "$T/bin"
	export STUB_LOG=$T/calls STUB_ETC=$ROOT/etc
	: >"$STUB_LOG"
	SETUP=$BUILD_DIR/metis-setup
	# The running system's variant: rule directories moved into the fake root.
	sed -e "s|^RULES_DIRS=.*|RULES_DIRS=$ROOT/usr/lib/udev/rules.d|" \
		-e "s|^LOCAL_RULES_DIR=.*|LOCAL_RULES_DIR=$ROOT/etc/udev/rules.d|" \
		"$SETUP" >"$T/metis-setup-host"
	chmod +x "$T/metis-setup-host"
	: >"$T/host.conf"
}

# metis-setup on the fake root with --root, stubs first in PATH.
setup_root() {
	run env PATH="$T/bin:$PATH" "$SETUP" --root "$ROOT" "$@"
}

# metis-setup as on the running system (stubs for getent, groupadd, udevadm...).
setup_host() {
	run env PATH="$T/bin:$PATH" "$T/metis-setup-host" --config "$T/host.conf" "$@"
}

@test "a fresh system: group created, rules in effect, both accounts added" {
	setup_root
	[ "$status" -eq 0 ]
	[ "$(cat "$STUB_LOG")" = "groupadd --system --prefix $ROOT axelera
usermod --append --groups axelera --prefix $ROOT frigate
usermod --append --groups axelera --prefix $ROOT hass" ]
	[[ $output == *"group axelera: created"* ]]
	[[ $output == *"rule 99-axelera-metis.rules: in effect from /usr/lib/udev/rules.d"* ]]
	[[ $output == *"account frigate: added to axelera"* ]]
	[[ $output == *"account hass: added to axelera"* ]]
	[[ $output == *"udev: not touched (--root)"* ]]
	grep -qx "axelera:x:990:frigate,hass" "$ROOT/etc/group"
}

@test "running it again changes nothing" {
	setup_root
	: >"$STUB_LOG"
	setup_root
	[ "$status" -eq 0 ]
	[ ! -s "$STUB_LOG" ]
	[[ $output == *"group axelera: exists (gid 990)"* ]]
	[[ $output == *"account frigate: already in axelera"* ]]
	[[ $output == *"account hass: already in axelera"* ]]
}

@test "accounts that do not exist are named and skipped" {
	grep -v '^hass:' "$ROOT/etc/passwd" >"$T/p" && mv "$T/p" "$ROOT/etc/passwd"
	setup_root
	[ "$status" -eq 0 ]
	[[ $output == *"account hass: does not exist; skipped (create it, then run metis-setup again)"* ]]
	refute grep -q "hass" "$STUB_LOG"
	grep -q "usermod .* frigate" "$STUB_LOG"
}

@test "account names are matched exactly, not as patterns" {
	printf 'a.b:x:1004:100::/home/ab:/bin/sh\n' >>"$ROOT/etc/passwd"
	setup_root --accounts "axb,a.b"
	[[ $output == *"account axb: does not exist; skipped"* ]]
	[[ $output == *"account a.b: added to axelera"* ]]
}

@test "a member by primary group is already in" {
	printf 'axelera:x:990:\n' >>"$ROOT/etc/group"
	sed -i 's/^frigate:x:1001:100:/frigate:x:1001:990:/' "$ROOT/etc/passwd"
	setup_root
	[[ $output == *"account frigate: already in axelera"* ]]
	[ "$(cat "$STUB_LOG")" = "usermod --append --groups axelera --prefix $ROOT hass" ]
}

@test "accounts come from accounts= of the configuration, or --accounts" {
	printf 'alice:x:1003:100::/home/alice:/bin/sh\n' >>"$ROOT/etc/passwd"
	printf '# site\n accounts = "alice , frigate"\n' >"$ROOT/etc/rpi-hardware.conf"
	setup_root
	[ "$status" -eq 0 ]
	grep -q "usermod .* alice" "$STUB_LOG"
	grep -q "usermod .* frigate" "$STUB_LOG"
	refute grep -q "hass" "$STUB_LOG"
	: >"$STUB_LOG"
	setup_root --accounts hass
	[ "$(grep -c usermod "$STUB_LOG")" -eq 1 ]
	grep -q "usermod .* hass" "$STUB_LOG"
	: >"$STUB_LOG"
	setup_root --accounts ""
	[ "$status" -eq 0 ]
	refute grep -q usermod "$STUB_LOG"
}

@test "a malformed accounts= is refused, naming the key and line, and nothing changes" {
	printf 'enable=1\naccounts=frigate,$(reboot)\n' >"$ROOT/etc/rpi-hardware.conf"
	setup_root
	[ "$status" -eq 2 ]
	[[ $output == *"$ROOT/etc/rpi-hardware.conf line 2: accounts='frigate,\$(reboot)' is not a comma-separated list of user names; fix it (nothing was changed)"* ]]
	[ ! -s "$STUB_LOG" ]
	run env PATH="$T/bin:$PATH" "$SETUP" --root "$ROOT" --accounts "a b"
	[ "$status" -eq 2 ]
	[[ $output == *"--accounts 'a b' is not a comma-separated list of user names"* ]]
}

@test "--dry-run shows every change and makes none" {
	cp "$ROOT/etc/group" "$T/group.before"
	setup_root --dry-run
	[ "$status" -eq 0 ]
	[ ! -s "$STUB_LOG" ]
	cmp "$ROOT/etc/group" "$T/group.before"
	[[ $output == *"would run: groupadd --system --prefix $ROOT axelera"* ]]
	[[ $output == *"group axelera: would be created"* ]]
	[[ $output == *"would run: usermod --append --groups axelera --prefix $ROOT frigate"* ]]
	[[ $output == *"account hass: would be added to axelera"* ]]
}

@test "a missing packaged rule is an error that says what to install" {
	rm "$ROOT/usr/lib/udev/rules.d/99-axelera-metis.rules"
	setup_root
	[ "$status" -eq 1 ]
	[[ $output == *"error: rule 99-axelera-metis.rules: not found in /usr/lib/udev/rules.d: install rpi-hardware"* ]]
	# The other steps still ran.
	grep -q "usermod .* hass" "$STUB_LOG"
}

@test "a differing copy in /etc/udev/rules.d is moved aside; an identical one stays" {
	mkdir -p "$ROOT/etc/udev/rules.d"
	echo 'SUBSYSTEM=="pci", ATTR{vendor}=="0x1f0f", GROUP="axelera"' >"$ROOT/etc/udev/rules.d/99-axelera-metis.rules"
	cp "$ROOT/usr/lib/udev/rules.d/65-rpi-hardware.rules" "$ROOT/etc/udev/rules.d/"
	setup_root --keep-local-rules
	[ -e "$ROOT/etc/udev/rules.d/99-axelera-metis.rules" ]
	[[ $output == *"warning: rule 99-axelera-metis.rules: /etc/udev/rules.d/99-axelera-metis.rules differs from /usr/lib/udev/rules.d/99-axelera-metis.rules"* ]]
	setup_root --dry-run
	[ -e "$ROOT/etc/udev/rules.d/99-axelera-metis.rules" ]
	[[ $output == *"would run: mv -f $ROOT/etc/udev/rules.d/99-axelera-metis.rules $ROOT/etc/udev/rules.d/99-axelera-metis.rules.old"* ]]
	[[ $output == *"rule 99-axelera-metis.rules: would move the differing /etc/udev/rules.d/99-axelera-metis.rules to 99-axelera-metis.rules.old"* ]]
	setup_root
	[ "$status" -eq 0 ]
	[ ! -e "$ROOT/etc/udev/rules.d/99-axelera-metis.rules" ]
	grep -q 0x1f0f "$ROOT/etc/udev/rules.d/99-axelera-metis.rules.old"
	[ -e "$ROOT/etc/udev/rules.d/65-rpi-hardware.rules" ]
	[[ $output == *"rule 65-rpi-hardware.rules: in effect"* ]]
}

@test "on the running system: udev reloads and triggers only the metis devices" {
	setup_host
	[ "$status" -eq 0 ]
	[ "$(grep udevadm "$STUB_LOG")" = "udevadm control --reload
udevadm trigger --action=change --subsystem-match=metis
udevadm settle --timeout=10" ]
	grep -qx "groupadd --system axelera" "$STUB_LOG"
	grep -qx "usermod --append --groups axelera frigate" "$STUB_LOG"
	[[ $output == *"udev: rules reloaded, metis devices triggered"* ]]
}

@test "on the running system: nothing to do means no udev calls, unless the node is in the wrong group" {
	setup_host
	: >"$STUB_LOG"
	setup_host
	[ "$status" -eq 0 ]
	[ ! -s "$STUB_LOG" ]
	[[ $output == *"udev: nothing to reload"* ]]
	# A node that udev gave another group: the rules ran before the group existed.
	: >"$T/node"
	[ "$(stat -c %G "$T/node")" != axelera ]
	echo "device=$T/node" >"$T/host.conf"
	setup_host
	grep -q "udevadm trigger" "$STUB_LOG"
	: >"$STUB_LOG"
	setup_host --no-udev
	[[ $output == *"udev: not touched (--no-udev)"* ]]
}

@test "on the running system: --dry-run shows the udev calls and makes none" {
	setup_host --dry-run
	[ "$status" -eq 0 ]
	[ ! -s "$STUB_LOG" ]
	[[ $output == *"would run: udevadm trigger --action=change --subsystem-match=metis"* ]]
	[[ $output == *"udev: would reload the rules and trigger the metis devices"* ]]
}

@test "udev not running is a warning, not a failure" {
	export UDEVADM_CONTROL_RC=1
	setup_host
	[ "$status" -eq 0 ]
	[[ $output == *"warning: udev: not running"* ]]
	refute grep -q "udevadm trigger" "$STUB_LOG"
}

@test "a failing groupadd is an error" {
	export GROUPADD_RC=10
	setup_root
	[ "$status" -eq 1 ]
	[[ $output == *"error: group axelera: could not be created"* ]]
}

@test "BusyBox systems without shadow use addgroup" {
	make_minimal_path "$T/min"
	rm "$T/bin/groupadd" "$T/bin/usermod"
	run env PATH="$T/bin:$T/min" "$T/metis-setup-host" --config "$T/host.conf" --no-udev
	[ "$status" -eq 0 ]
	[ "$(cat "$STUB_LOG")" = "addgroup -S axelera
addgroup frigate axelera
addgroup hass axelera" ]
	run env PATH="$T/bin:$T/min" "$SETUP" --root "$ROOT"
	[ "$status" -eq 2 ]
	[[ $output == *"--root needs groupadd and usermod (shadow), not BusyBox"* ]]
}

@test "the real groupadd and usermod accept the calls (root only)" {
	[ "$(id -u)" = 0 ] || skip "groupadd --prefix needs root"
	command -v groupadd >/dev/null || skip "no shadow tools"
	cp "$ROOT/etc/group" "$ROOT/etc/gshadow"
	: >"$ROOT/etc/shadow"
	run "$SETUP" --root "$ROOT"
	[ "$status" -eq 0 ]
	grep -qE "^axelera:x:[0-9]+:frigate,hass$" "$ROOT/etc/group"
	run "$SETUP" --root "$ROOT"
	[ "$status" -eq 0 ]
	[[ $output == *"account hass: already in axelera"* ]]
}

@test "usage errors exit 2" {
	run "$SETUP" --bogus
	[ "$status" -eq 2 ]
	[[ $output == *"unknown argument '--bogus'"* ]]
	run "$SETUP" --root "$T/nowhere"
	[ "$status" -eq 2 ]
	run "$SETUP" --config "$T/nowhere.conf" --dry-run
	[ "$status" -eq 2 ]
	[[ $output == *"cannot read the configuration file $T/nowhere.conf"* ]]
	run "$SETUP" --help
	[ "$status" -eq 0 ]
	[[ $output == "Usage: metis-setup"* ]]
	run "$SETUP" --version
	[[ $output == "metis-setup "* ]]
}
