#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# axelera-stats-logger against fake sysfs trees: the line, its fields, signals,
# and a device that disappears and comes back. Waits are bounded polls on the
# output; nothing asserts on timing.

# run-with: asan
# run-with: aarch64

load fake-tree

setup() {
	ROOT=$BATS_TEST_TMPDIR/root
	mkdir -p "$ROOT"
	LOGGER=$BUILD_DIR/axelera-stats-logger
	OUT=$BATS_TEST_TMPDIR/out
}

teardown() {
	if [ -n "${LOGGER_PID:-}" ] && kill -0 "$LOGGER_PID" 2>/dev/null; then
		kill "$LOGGER_PID"
	fi
}

logger_rounds() {
	run "$LOGGER" --sysroot "$ROOT" --interval 0.01 --count "$@"
}

# Starts the logger in the background, its standard output in $OUT.
start_logger() {
	# shellcheck disable=SC2086 # LOGGER may carry a wrapper
	$LOGGER --sysroot "$ROOT" "$@" >"$OUT" 2>"$OUT.err" &
	LOGGER_PID=$!
}

# Waits until $OUT has at least N lines matching PATTERN (grep -E); gives up
# after a generous bound so that a broken logger fails instead of hanging.
wait_for() {
	local pattern=$1 n=${2:-1} i
	for ((i = 0; i < 600; i++)); do
		[ "$(grep -cE -- "$pattern" "$OUT")" -ge "$n" ] && return 0
		kill -0 "$LOGGER_PID" 2>/dev/null || break
		sleep 0.05
	done
	echo "gave up waiting for $n x '$pattern'; output:" >&2
	cat "$OUT" "$OUT.err" >&2
	return 1
}

# Sends a signal and returns the logger's exit status.
stop_logger() {
	local rc=0
	kill "-$1" "$LOGGER_PID"
	wait "$LOGGER_PID" || rc=$?
	LOGGER_PID=
	return "$rc"
}

@test "one line per round with link, AER, driver, metis device and device link" {
	healthy_board "$ROOT"
	logger_rounds 2
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 4 ]
	[ "${lines[0]}" = "event=start interval=0.010s device=/dev/axelera0 ids=built-in" ]
	[ "${lines[1]}" = "dev=$METIS_ADDR pci=present link=up speed=8.0GT/s gen=3 width=x1 driver=axl aer_cor=0 aer_nonfatal=0 aer_fatal=0 metis=metis-1:1:0 node=present" ]
	[ "${lines[2]}" = "${lines[1]}" ]
	[ "${lines[3]}" = "event=stop reason=count" ]
}

@test "temperature appears when the device has a hwmon" {
	healthy_board "$ROOT"
	fake_hwmon "$ROOT" "$METIS_ADDR" 41560
	logger_rounds 1
	[[ ${lines[1]} == *" node=present temp=41.5C" ]]
	fake_hwmon "$ROOT" "$METIS_ADDR" -500
	logger_rounds 1
	[[ ${lines[1]} == *" temp=-0.5C" ]]
}

@test "a degraded or down link, no driver, no AER and no device link are shown" {
	healthy_board "$ROOT"
	fake_link "$ROOT" "$METIS_ADDR" "5.0 GT/s PCIe" 1
	rm -r "$(pci_dir "$ROOT" "$METIS_ADDR")"/aer_dev_* "$(pci_dir "$ROOT" "$METIS_ADDR")/driver" \
		"$(pci_dir "$ROOT" "$METIS_ADDR")/metis"
	rm "$ROOT/dev/axelera0"
	logger_rounds 1
	[ "${lines[1]}" = "dev=$METIS_ADDR pci=present link=up speed=5.0GT/s gen=2 width=x1 driver=none aer=unavailable metis=none node=absent" ]
	fake_link "$ROOT" "$METIS_ADDR" "Unknown" 0
	logger_rounds 1
	[[ ${lines[1]} == "dev=$METIS_ADDR pci=present link=down speed=unknown gen=0 width=unknown "* ]]
}

@test "a card bound to another driver, without a metis device, is shown" {
	healthy_board "$ROOT"
	fake_driver "$ROOT" "$METIS_ADDR" vfio-pci
	rm -r "$(pci_dir "$ROOT" "$METIS_ADDR")/metis"
	logger_rounds 1
	[[ ${lines[1]} == *" driver=vfio-pci "*" metis=none node=present" ]]
}

@test "AER counters are read from the kernel's files" {
	healthy_board "$ROOT"
	fake_aer "$ROOT" "$METIS_ADDR" 7 2 1
	logger_rounds 1
	[[ ${lines[1]} == *" aer_cor=7 aer_nonfatal=2 aer_fatal=1 "* ]]
}

@test "no Metis at all gives one line per round" {
	mkdir -p "$ROOT/sys/bus/pci/devices"
	logger_rounds 2
	[ "$status" -eq 0 ]
	[ "${lines[1]}" = "dev=none pci=absent node=absent" ]
	[ "${lines[2]}" = "dev=none pci=absent node=absent" ]
}

@test "two cards give two lines, in address order, each with its own node" {
	healthy_board "$ROOT"
	fake_pci "$ROOT" 0002:01:00.0 0x1f9d 0x1100
	fake_link "$ROOT" 0002:01:00.0 "8.0 GT/s PCIe" 1
	fake_driver "$ROOT" 0002:01:00.0 axl
	fake_metis "$ROOT" 0002:01:00.0 1 1.6.2
	# The seed's IDs are other vendors' devices: not watched.
	fake_pci "$ROOT" 0000:03:00.0 0x1e81 0x0001
	logger_rounds 1
	[ "${#lines[@]}" -eq 4 ]
	[[ ${lines[1]} == "dev=$METIS_ADDR pci=present "*" driver=axl "*" metis=metis-1:1:0 node=present" ]]
	[[ ${lines[2]} == "dev=0002:01:00.0 pci=present "*" driver=axl "*" metis=metis-2-1-0 node=present" ]]
}

@test "a device that vanishes and reappears is logged both ways and watched throughout" {
	healthy_board "$ROOT"
	start_logger --interval 0.05
	wait_for "^dev=$METIS_ADDR pci=present"
	unplug_pci "$ROOT" "$METIS_ADDR"
	wait_for "^event=vanished dev=$METIS_ADDR\$"
	wait_for "^dev=$METIS_ADDR pci=absent node=present\$"
	replug_pci "$ROOT" "$METIS_ADDR"
	wait_for "^event=reappeared dev=$METIS_ADDR\$"
	wait_for "^dev=$METIS_ADDR pci=present" 2
	stop_logger TERM
	# In order: present, vanished, absent, reappeared, present again.
	run grep -nE "^(event=(vanished|reappeared)|dev=.* pci=(absent|present))" "$OUT"
	[[ $(printf '%s\n' "$output" | awk -F: '/event=vanished/ {v = $1} /event=reappeared/ {r = $1} END {print (v < r)}') == 1 ]]
	[ "$(grep -c '^event=vanished' "$OUT")" -eq 1 ]
	[ "$(grep -c '^event=reappeared' "$OUT")" -eq 1 ]
	[ "$(tail -n 1 "$OUT")" = "event=stop reason=SIGTERM" ]
}

@test "a card that shows up after start is announced" {
	mkdir -p "$ROOT/sys/bus/pci/devices"
	start_logger --interval 0.05
	wait_for "^dev=none pci=absent"
	healthy_board "$ROOT"
	wait_for "^event=appeared dev=$METIS_ADDR\$"
	wait_for "^dev=$METIS_ADDR pci=present"
	stop_logger TERM
}

@test "SIGTERM ends a long wait at once and cleanly" {
	healthy_board "$ROOT"
	start_logger --interval 3600
	wait_for "^dev=$METIS_ADDR"
	stop_logger TERM
	[ "$(tail -n 1 "$OUT")" = "event=stop reason=SIGTERM" ]
	[ ! -s "$OUT.err" ]
}

@test "SIGINT stops it too" {
	healthy_board "$ROOT"
	# The shell starts background jobs with SIGINT ignored; a terminal would not.
	LOGGER="env --default-signal=INT $LOGGER"
	start_logger --interval 3600
	wait_for "^dev=$METIS_ADDR"
	stop_logger INT
	[ "$(tail -n 1 "$OUT")" = "event=stop reason=SIGINT" ]
}

@test "a malformed configuration is logged, naming the key, and defaults are used" {
	healthy_board "$ROOT"
	mkdir -p "$ROOT/etc"
	printf 'device=dev/axelera0\n' >"$ROOT/etc/rpi-hardware.conf"
	logger_rounds 1
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "event=config-warning $ROOT/etc/rpi-hardware.conf line 1: device='dev/axelera0' ignored: not a plain path under /dev" ]
	[[ ${lines[1]} == *"device=/dev/axelera0 "* ]]
	[[ ${lines[2]} == *" node=present" ]]
}

@test "the start line names the hardware-ids table in use" {
	healthy_board "$ROOT"
	mkdir -p "$ROOT/usr/lib/rpi-hardware"
	cp "$REPO/rules/hardware-ids" "$ROOT/usr/lib/rpi-hardware/hardware-ids"
	logger_rounds 1
	[ "${lines[0]}" = "event=start interval=0.010s device=/dev/axelera0 ids=$ROOT/usr/lib/rpi-hardware/hardware-ids" ]
}

@test "the device link comes from the configuration" {
	healthy_board "$ROOT"
	mkdir -p "$ROOT/etc"
	echo "device=/dev/metis-link" >"$ROOT/etc/rpi-hardware.conf"
	logger_rounds 1
	[[ ${lines[1]} == *" node=absent" ]]
	ln -s metis-1:1:0 "$ROOT/dev/metis-link"
	logger_rounds 1
	[[ ${lines[1]} == *" node=present" ]]
}

@test "bad options and a bad hardware-ids table exit 2" {
	for bad in "--interval 0" "--interval abc" "--interval -1" "--interval 86401" \
		"--interval 1." "--count 0" "--count x" "--bogus" "extra"; do
		# shellcheck disable=SC2086 # split on purpose
		run "$LOGGER" $bad
		[ "$status" -eq 2 ]
	done
	run "$LOGGER" --interval abc
	[[ $output == *"--interval 'abc' is not a number of seconds from 0.001 to 86400"* ]]
	mkdir -p "$ROOT/etc/rpi-hardware"
	echo "metis 0x1f9d" >"$ROOT/etc/rpi-hardware/hardware-ids"
	run "$LOGGER" --sysroot "$ROOT" --count 1
	[ "$status" -eq 2 ]
	[[ $output == *"hardware-ids line 1: device is not "* ]]
	run "$LOGGER" --sysroot "$BATS_TEST_TMPDIR/nowhere" --count 1
	[ "$status" -eq 2 ]
}

@test "a closed standard output ends it with an error, not a signal" {
	healthy_board "$ROOT"
	"$LOGGER" --sysroot "$ROOT" --interval 0.01 2>"$OUT.err" | head -n 1 >/dev/null || :
	status=${PIPESTATUS[0]}
	[ "$status" -eq 1 ]
	grep -q "stopping after an error: Broken pipe" "$OUT.err"
}

# One round with --syslog into a private /dev/log, its messages in $output.
syslog_round() {
	# shellcheck disable=SC2016 # expanded by the inner shell, from its arguments
	run unshare -m sh -c 'mount -t tmpfs tmpfs /dev &&
		exec "$1" /dev/log "$2" --sysroot "$3" --interval 0.01 --count 1 --syslog' \
		sh "$BUILD_DIR/tests/syslog-sink" "$LOGGER" "$ROOT"
}

@test "--syslog sends to syslog, facility daemon, with the program name" {
	[ "$(id -u)" = 0 ] || skip "needs root for a private /dev/log"
	unshare -m true 2>/dev/null || skip "no mount namespaces here"
	healthy_board "$ROOT"
	syslog_round
	[ "$status" -eq 0 ]
	# <30> is daemon.info, <28> daemon.warning.
	[[ ${lines[0]} =~ ^\<30\>.*axelera-stats-logger\[[0-9]+\]:\ event=start ]]
	[[ ${lines[1]} =~ ^\<30\>.*axelera-stats-logger\[[0-9]+\]:\ dev=$METIS_ADDR\ pci=present.*driver=axl ]]
	[[ ${lines[2]} =~ ^\<30\>.*event=stop ]]
	[ "${#lines[@]}" -eq 3 ]
	# Not bound, bound to something else, or no metis device: a warning each.
	rm "$(pci_dir "$ROOT" "$METIS_ADDR")/driver"
	syslog_round
	[[ ${lines[1]} =~ ^\<28\>.*\ dev=$METIS_ADDR\ pci=present.*driver=none ]]
	fake_driver "$ROOT" "$METIS_ADDR" vfio-pci
	syslog_round
	[[ ${lines[1]} =~ ^\<28\>.*\ driver=vfio-pci ]]
	fake_driver "$ROOT" "$METIS_ADDR" axl
	rm -r "$(pci_dir "$ROOT" "$METIS_ADDR")/metis"
	syslog_round
	[[ ${lines[1]} =~ ^\<28\>.*\ driver=axl\ .*metis=none ]]
}
