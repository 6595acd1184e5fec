#!/usr/bin/env bats
# run-with: asan
# run-with: aarch64
# One run at a time changes configfs items: apply, remove and boot take an
# exclusive lock on the overlays directory, wait for it a bounded time, and never
# remove an item another writer made.

load helper

setup_file() {
	compile_fixtures
}

setup() {
	setup_root
	HOLDER=""
}

teardown() {
	# A holder keeps a directory of the mount open: it goes first.
	if [ -n "$HOLDER" ]; then
		kill "$HOLDER" 2>/dev/null || true
		wait "$HOLDER" 2>/dev/null || true
	fi
	teardown_root
}

# hold_lock SECONDS: another process holds the lock (flock(1) on the overlays
# directory, as the helper takes it) for SECONDS, from the moment this returns.
hold_lock() {
	local ready=$BATS_TEST_TMPDIR/held
	rm -f "$ready"
	flock --no-fork -x "$CFS" -c "touch '$ready'; exec sleep $1" 3>&- &
	HOLDER=$!
	while [ ! -e "$ready" ]; do sleep 0.02; done
}

@test "concurrent runs neither fail nor remove each other's items" {
	start_kernel
	local round pids i rc before
	for ((round = 0; round < 20; round++)); do
		before=$(wc -l <"$KLOG" 2>/dev/null || echo 0)
		pids=()
		for i in 1 2 3 4; do
			"$SLAMMER" --sysroot "$ROOT" apply >"$BATS_TEST_TMPDIR/out.$i" 2>&1 &
			pids+=($!)
		done
		for i in "${!pids[@]}"; do
			rc=0
			wait "${pids[$i]}" || rc=$?
			if [ "$rc" -ne 0 ]; then
				echo "round $round, run $((i + 1)): exit $rc"
				cat "$BATS_TEST_TMPDIR/out.$((i + 1))"
				return 1
			fi
		done
		# Each overlay made and applied once, nothing taken away.
		settle_fake_configfs "$ROOT"
		[ "$(tail -n +$((before + 1)) "$KLOG" | grep -c '^mkdir')" -eq 2 ]
		[ "$(tail -n +$((before + 1)) "$KLOG" | grep -c '^apply .* ok$')" -eq 2 ]
		[ "$(tail -n +$((before + 1)) "$KLOG" | grep -c '^rmdir')" -eq 0 ]
		[ "$(cat "$CFS/cruiser-raspberrypi-cm5/status")" = applied ]
		[ "$(cat "$CFS/axelera-metis/status")" = applied ]
		slam remove
		[ "$status" -eq 0 ]
	done
}

@test "a lock held too long is named, and nothing is changed" {
	start_kernel
	hold_lock 30
	cmdline rd.rpi_hw.timeout=1
	SECONDS=0
	slam apply
	[ "$status" -eq 1 ]
	[ "$SECONDS" -lt 10 ]
	[[ "$output" == *"another overlay-slammer run has held the lock on /sys/kernel/config/device-tree/overlays for 1 s: nothing changed; run this again once it has finished"* ]]
	slam remove
	[ "$status" -eq 1 ]
	[[ "$output" == *"has held the lock on /sys/kernel/config/device-tree/overlays for 1 s"* ]]
	[ -z "$(kernel_events)" ]
}

@test "a lock held a moment is waited for" {
	start_kernel
	hold_lock 0.5
	slam apply
	[ "$status" -eq 0 ]
	[[ "$output" == *"waited "*" ms for another overlay-slammer run to finish"* ]]
	[ "$(cat "$CFS/axelera-metis/status")" = applied ]
}

@test "a run killed while it holds the lock leaves no lock behind" {
	start_kernel
	hold_lock 30
	kill -KILL "$HOLDER"
	wait "$HOLDER" 2>/dev/null || true
	HOLDER=""
	# And an item a killed run left half-made is taken for what it is.
	mkdir "$CFS/axelera-metis"
	cmdline rd.rpi_hw.timeout=0
	slam apply
	[ "$status" -eq 0 ]
	[[ "$output" != *"waited"* && "$output" != *"lock"* ]]
	[[ "$output" == *"overlay axelera-metis: removing an unapplied item left behind"* ]]
	[ "$(cat "$CFS/axelera-metis/status")" = applied ]
}

@test "an item another writer made meanwhile is left to it" {
	start_kernel --race-mkdir cruiser-raspberrypi-cm5
	slam apply
	[ "$status" -eq 1 ]
	[[ "$output" == *"overlay cruiser-raspberrypi-cm5: another writer made its configfs item while this run was applying it (unapplied now); left alone: run 'overlay-slammer apply cruiser-raspberrypi-cm5' again once that writer is done"* ]]
	[[ "$output" == *"applied overlay axelera-metis"* ]]
	settle_fake_configfs "$ROOT"
	[ "$(grep cruiser "$KLOG")" = "mkdir cruiser-raspberrypi-cm5 by another writer" ]
	[ -d "$CFS/cruiser-raspberrypi-cm5" ]
}

@test "the kernel's stand-in takes part in the race as told" {
	start_kernel --race-mkdir x
	run mkdir "$CFS/x"
	[ "$status" -ne 0 ]
	[[ "$output" == *"File exists"* ]]
	[ -d "$CFS/x" ]
	mkdir "$CFS/y"
	[ "$(kernel_events)" = "$(printf 'mkdir x by another writer\nmkdir y')" ]
}
