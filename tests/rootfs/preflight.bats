#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# rpi-hardware-preflight against fake /sys, /proc, /dev and /etc trees.

# run-with: asan
# run-with: aarch64

load fake-tree

setup() {
	ROOT=$BATS_TEST_TMPDIR/root
	mkdir -p "$ROOT"
	PREFLIGHT=$BUILD_DIR/rpi-hardware-preflight
}

preflight() {
	run "$PREFLIGHT" --sysroot "$ROOT" "$@"
}

# The line of one check, e.g. line_of link-speed.
line_of() {
	printf '%s\n' "$output" | grep -E "^(PASS|WARN|FAIL) $1[ :]"
}

@test "a healthy board passes every check" {
	healthy_board "$ROOT"
	preflight
	[ "$status" -eq 0 ]
	[[ $(line_of pci) == "PASS pci $METIS_ADDR: "*"(0x1f9d:0x1100)" ]]
	[[ $(line_of link-speed) == "PASS link-speed $METIS_ADDR: Gen 3 (8.0 GT/s PCIe)"* ]]
	[[ $(line_of link-width) == "PASS link-width $METIS_ADDR: x1"* ]]
	[[ $(line_of driver) == "PASS driver $METIS_ADDR: bound to metis" ]]
	[[ $(line_of device-node) == "PASS device-node: /dev/axelera0 -> accel/accel0" ]]
	[[ $(line_of node-access) == "PASS node-access: /dev/axelera0: group axelera, mode 0660" ]]
	[[ $output == *"PASS overlay: exaviz-cruiser applied"* ]]
	[[ $output == *"PASS overlay: axelera-metis applied"* ]]
	[[ $(line_of cma) == "PASS cma: CmaTotal 256 MiB, CmaFree 195 MiB" ]]
	[[ ${lines[-1]} == "result: PASS (9 passed, 0 warnings, 0 failed)" ]]
}

@test "every Metis ID of the table is recognised, and only those" {
	healthy_board "$ROOT"
	rm "$ROOT/sys/bus/pci/devices/$METIS_ADDR"
	fake_pci "$ROOT" 0000:01:00.0 0x1e81 0x0abc
	fake_pci "$ROOT" 0002:01:00.0 0x1f0f 0x0001
	fake_pci "$ROOT" 0003:01:00.0 0x1f0f 0x0002
	fake_pci "$ROOT" 0004:01:00.0 0x1e60 0x2864
	preflight
	[[ $output == *"PASS pci 0000:01:00.0: "*"(0x1e81:0x0abc)"* ]]
	[[ $output == *"PASS pci 0002:01:00.0: "*"(0x1f0f:0x0001)"* ]]
	[[ $output != *"0003:01:00.0"* ]]
	[[ $output != *"0004:01:00.0"* ]]
}

@test "no Metis on the bus fails and names the IDs looked for" {
	healthy_board "$ROOT"
	rm "$ROOT/sys/bus/pci/devices/$METIS_ADDR"
	fake_pci "$ROOT" 0000:00:00.0 0x14e4 0x2712
	preflight
	[ "$status" -eq 1 ]
	[[ $(line_of pci) == "FAIL pci: no Metis on the PCI bus (IDs 0x1f9d:0x1100, 0x1e81, 0x1f0f:0x0001 from built-in hardware-ids)"* ]]
	[[ ${lines[-1]} == "result: FAIL "* ]]
}

@test "a Gen 2 link is a seating or signal warning, not a failure" {
	healthy_board "$ROOT"
	fake_link "$ROOT" "$METIS_ADDR" "5.0 GT/s PCIe" 1
	preflight
	[ "$status" -eq 0 ]
	[[ $(line_of link-speed) == "WARN link-speed $METIS_ADDR: Gen 2 (5.0 GT/s PCIe), expected Gen 3"*"seating or signal problem"*"pciex1_gen=3"* ]]
	[[ ${lines[-1]} == "result: WARN (8 passed, 1 warning, 0 failed)" ]]
}

@test "older kernels' speed strings are understood" {
	healthy_board "$ROOT"
	for speed in "8.0 GT/s" "8 GT/s"; do
		fake_link "$ROOT" "$METIS_ADDR" "$speed" 1 "$speed" 1
		preflight
		[[ $(line_of link-speed) == "PASS link-speed $METIS_ADDR: Gen 3 ($speed), card maximum $speed" ]]
	done
	fake_link "$ROOT" "$METIS_ADDR" "2.5 GT/s" 1
	preflight
	[[ $(line_of link-speed) == "WARN link-speed $METIS_ADDR: Gen 1 (2.5 GT/s)"* ]]
}

@test "a link that is down fails" {
	healthy_board "$ROOT"
	fake_link "$ROOT" "$METIS_ADDR" "Unknown" 0
	preflight
	[ "$status" -eq 1 ]
	[[ $(line_of link-speed) == "FAIL link-speed $METIS_ADDR: link is down (current_link_speed 'Unknown')"* ]]
	[[ $(line_of link-width) == "WARN link-width $METIS_ADDR: "* ]]
}

@test "missing link attributes are a warning" {
	healthy_board "$ROOT"
	rm "$(pci_dir "$ROOT" "$METIS_ADDR")"/current_link_*
	preflight
	[ "$status" -eq 0 ]
	[[ $(line_of link-speed) == "WARN link-speed $METIS_ADDR: current_link_speed cannot be read"* ]]
	[[ $(line_of link-width) == "WARN link-width $METIS_ADDR: current_link_width cannot be read"* ]]
}

@test "a card without a bound driver fails" {
	healthy_board "$ROOT"
	rm "$(pci_dir "$ROOT" "$METIS_ADDR")/driver"
	preflight
	[ "$status" -eq 1 ]
	[[ $(line_of driver) == "FAIL driver $METIS_ADDR: no driver bound"*"modprobe metis"* ]]
}

@test "a missing /dev/axelera0 fails and says what to do" {
	healthy_board "$ROOT"
	rm "$ROOT/dev/axelera0"
	preflight
	[ "$status" -eq 1 ]
	[[ $(line_of device-node) == "FAIL device-node: /dev/axelera0 is missing"*"udevadm trigger"* ]]
	[[ -z $(line_of node-access) ]]
}

@test "the link may lead to accel0, accel/accel0 or a metis node" {
	healthy_board "$ROOT"
	for target in accel0 accel/accel0 metis-0001:01:00.0; do
		rm -f "$ROOT/dev/axelera0"
		fake_node "$ROOT" "$target"
		preflight
		[ "$status" -eq 0 ]
		[[ $(line_of device-node) == "PASS device-node: /dev/axelera0 -> $target" ]]
	done
	# An absolute target is taken below the sysroot, not on the host.
	ln -sfn /dev/accel/accel0 "$ROOT/dev/axelera0"
	preflight
	[[ $(line_of device-node) == "PASS device-node: /dev/axelera0 -> /dev/accel/accel0" ]]
}

@test "a link to something else, a dangling link and a plain node are reported" {
	healthy_board "$ROOT"
	fake_node "$ROOT" ttyS0
	preflight
	[[ $(line_of device-node) == "WARN device-node: /dev/axelera0 points to ttyS0, which is neither an accel nor a metis node" ]]
	ln -sfn accel/accel7 "$ROOT/dev/axelera0"
	preflight
	[ "$status" -eq 1 ]
	[[ $(line_of device-node) == "FAIL device-node: /dev/axelera0 points to accel/accel7, which does not exist"* ]]
	rm "$ROOT/dev/axelera0"
	cp "$ROOT/dev/accel/accel0" "$ROOT/dev/axelera0"
	preflight
	[[ $(line_of device-node) == "WARN device-node: /dev/axelera0 is a device node, not the link the udev rules make"* ]]
	mkdir -p "$ROOT/dev/accel/accel9"
	ln -sfn accel/accel9 "$ROOT/dev/axelera0"
	preflight
	[[ $(line_of device-node) == "FAIL device-node: /dev/axelera0 points to accel/accel9, which is not a character device" ]]
}

@test "the node must belong to the axelera group with mode 0660" {
	healthy_board "$ROOT"
	printf 'render:x:%s:\naxelera:x:%s:\n' "$(id -g)" "$(($(id -g) + 1000))" >"$ROOT/etc/group"
	preflight
	[ "$status" -eq 1 ]
	[[ $(line_of node-access) == "FAIL node-access: /dev/axelera0 belongs to group render, not axelera"*"metis-setup"* ]]

	printf 'render:x:%s:\n' "$(id -g)" >"$ROOT/etc/group"
	preflight
	[[ $(line_of node-access) == "FAIL node-access: group axelera does not exist: run metis-setup" ]]

	fake_group "$ROOT" axelera "$(id -g)"
	chmod 0600 "$ROOT/dev/accel/accel0"
	preflight
	[[ $(line_of node-access) == "FAIL node-access: /dev/axelera0 has mode 0600: the axelera group cannot read and write it"* ]]

	chmod 0666 "$ROOT/dev/accel/accel0"
	preflight
	[ "$status" -eq 0 ]
	[[ $(line_of node-access) == "WARN node-access: /dev/axelera0 has mode 0666: every user can open it"* ]]
}

@test "overlays: applied, rejected, missing, no configfs, disabled" {
	healthy_board "$ROOT"
	fake_overlay "$ROOT" axelera-metis unapplied
	preflight
	[ "$status" -eq 1 ]
	[[ $output == *"FAIL overlay: axelera-metis is 'unapplied': the kernel rejected it"* ]]

	rm -r "$ROOT/sys/kernel/config/device-tree/overlays/axelera-metis"
	preflight
	[ "$status" -eq 0 ]
	[[ $output == *"WARN overlay: axelera-metis not applied through configfs; the Metis is present"* ]]

	rm "$ROOT/sys/bus/pci/devices/$METIS_ADDR"
	preflight
	[[ $output == *"FAIL overlay: axelera-metis not applied: run 'overlay-slammer apply'"* ]]

	rm -r "$ROOT/sys/kernel/config"
	preflight
	[[ $output == *"WARN overlay: no configfs overlay interface"* ]]

	mkdir -p "$ROOT/etc"
	echo "enable=0" >"$ROOT/etc/rpi-hardware.conf"
	preflight
	[[ $output == *"WARN overlay: disabled by enable=0 or rd.rpi_hw=0; overlays not checked"* ]]
}

@test "the overlay list and device follow the configuration and the kernel command line" {
	healthy_board "$ROOT"
	mkdir -p "$ROOT/etc"
	printf 'overlays=exaviz-cruiser\ndevice=/dev/metis0\n' >"$ROOT/etc/rpi-hardware.conf"
	ln -s accel/accel0 "$ROOT/dev/metis0"
	preflight
	[[ $output == *"PASS overlay: exaviz-cruiser applied"* ]]
	[[ $output != *"axelera-metis"* ]]
	[[ $(line_of device-node) == "PASS device-node: /dev/metis0 -> accel/accel0" ]]

	echo "console=tty1 rd.rpi_hw.overlays=custom-one rd.rpi_hw.device=/dev/axelera0" >"$ROOT/proc/cmdline"
	preflight
	[[ $output == *"WARN overlay: custom-one not applied through configfs"* ]]
	[[ $output != *"exaviz-cruiser"* ]]
	[[ $(line_of device-node) == "PASS device-node: /dev/axelera0 -> accel/accel0" ]]

	echo "rd.rpi_hw=0" >"$ROOT/proc/cmdline"
	preflight
	[[ $output == *"WARN overlay: disabled"* ]]
}

@test "CMA: missing and small pools warn, the threshold is adjustable" {
	healthy_board "$ROOT"
	fake_meminfo "$ROOT" - -
	preflight
	[ "$status" -eq 0 ]
	[[ $(line_of cma) == "WARN cma: the kernel has no CMA pool"* ]]
	fake_meminfo "$ROOT" 49152 1024
	preflight
	[[ $(line_of cma) == "WARN cma: CmaTotal 48 MiB is below 64 MiB"* ]]
	preflight --cma-min 32
	[[ $(line_of cma) == "PASS cma: CmaTotal 48 MiB, CmaFree 1 MiB" ]]
	rm "$ROOT/proc/meminfo"
	preflight
	[[ $(line_of cma) == "WARN cma: cannot read /proc/meminfo: No such file or directory" ]]
}

@test "--json gives one object with every check" {
	healthy_board "$ROOT"
	fake_link "$ROOT" "$METIS_ADDR" "5.0 GT/s PCIe" 1
	preflight --json
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[ "$(jq -r .result <<<"$output")" = warn ]
	[ "$(jq -r '[.passed, .warnings, .failed] | join(" ")' <<<"$output")" = "8 1 0" ]
	[ "$(jq -r '.checks[] | select(.check == "link-speed") | .result + " " + .device' <<<"$output")" = "warn $METIS_ADDR" ]
	[ "$(jq -r '.checks[] | select(.check == "cma") | .device' <<<"$output")" = null ]
	[ "$(jq '.checks | length' <<<"$output")" -eq 9 ]
	rm "$ROOT/dev/axelera0"
	preflight --json
	[ "$status" -eq 1 ]
	[ "$(jq -r .result <<<"$output")" = fail ]
}

@test "a malformed configuration warns, names the key and keeps the default" {
	healthy_board "$ROOT"
	mkdir -p "$ROOT/etc"
	printf '# test\ndevice=axelera0\noverlays=../escape\ntypo=1\nnonsense\n' >"$ROOT/etc/rpi-hardware.conf"
	preflight
	[ "$status" -eq 0 ]
	[[ $output == *"WARN config: $ROOT/etc/rpi-hardware.conf line 2: device='axelera0' ignored: not a plain path under /dev"* ]]
	[[ $output == *"WARN config: $ROOT/etc/rpi-hardware.conf line 3: overlays='../escape' ignored"* ]]
	[[ $output == *"line 4: unknown key 'typo'"* ]]
	[[ $output == *"line 5: 'nonsense' is not key=value"* ]]
	[[ $(line_of device-node) == "PASS device-node: /dev/axelera0 -> accel/accel0" ]]
	[[ $output == *"PASS overlay: axelera-metis applied"* ]]
}

@test "--config names another file; a missing one is a usage error" {
	healthy_board "$ROOT"
	echo "overlays=only-this" >"$BATS_TEST_TMPDIR/other.conf"
	preflight --config "$BATS_TEST_TMPDIR/other.conf"
	[[ $output == *"WARN overlay: only-this not applied through configfs"* ]]
	preflight --config "$BATS_TEST_TMPDIR/absent.conf"
	[ "$status" -eq 2 ]
	[[ $output == *"absent.conf: No such file or directory"* ]]
}

@test "the hardware-ids table: /etc overrides the installed copy, which overrides the built-in one" {
	healthy_board "$ROOT"
	mkdir -p "$ROOT/usr/lib/rpi-hardware" "$ROOT/etc/rpi-hardware"
	fake_pci "$ROOT" 0005:01:00.0 0x1234 0x5678
	echo "accel 0x1234 any axelera0 Installed copy" >"$ROOT/usr/lib/rpi-hardware/hardware-ids"
	preflight
	[[ $output == *"PASS pci 0005:01:00.0: Installed copy (0x1234:0x5678)"* ]]
	[[ $output != *"$METIS_ADDR"* ]]
	printf '# mine\naccel 0x1f9d 0x1100 axelera0 Local override\n' >"$ROOT/etc/rpi-hardware/hardware-ids"
	preflight
	[[ $output == *"PASS pci $METIS_ADDR: Local override (0x1f9d:0x1100)"* ]]
	[[ $output != *"0005:01:00.0"* ]]
}

@test "a malformed hardware-ids table is refused with its line" {
	healthy_board "$ROOT"
	mkdir -p "$ROOT/etc/rpi-hardware"
	printf '# ok\naccel 1f9d 0x1100 axelera0 no 0x\n' >"$ROOT/etc/rpi-hardware/hardware-ids"
	preflight
	[ "$status" -eq 2 ]
	[[ $output == "rpi-hardware-preflight: $ROOT/etc/rpi-hardware/hardware-ids line 2: vendor is not a 4-digit hex ID"* ]]
}

@test "usage errors exit 2 with one line" {
	run "$PREFLIGHT" --bogus
	[ "$status" -eq 2 ]
	run "$PREFLIGHT" --cma-min lots
	[ "$status" -eq 2 ]
	[[ $output == *"--cma-min 'lots' is not a size in MiB"* ]]
	run "$PREFLIGHT" extra
	[ "$status" -eq 2 ]
	run "$PREFLIGHT" --sysroot "$BATS_TEST_TMPDIR/nowhere"
	[ "$status" -eq 2 ]
	[[ $output == *"--sysroot $BATS_TEST_TMPDIR/nowhere: No such file or directory"* ]]
	run "$PREFLIGHT" --help
	[ "$status" -eq 0 ]
	[[ $output == "Usage: rpi-hardware-preflight"* ]]
	run "$PREFLIGHT" --version
	[[ $output == "rpi-hardware-preflight "* ]]
}
