#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Test-only dracut module of `make bench` (tests/bench/run); never installed and
# never in the images of the tests. With rpihw_bench.reps=N on the kernel command
# line, a pre-udev hook that runs before 95rpi-hardware's times N alternating
# rounds of the helper's `boot` against the seed's shell approach on the
# stand-in hardware, prints one line per run on the console and powers off.
#
# Settings from the dracut.conf the benchmark writes:
#   rpihw_bench_timer=FILE   the static timer (tests/bench/timer.c)
#
# shellcheck disable=SC2154 # moddir and rpihw_bench_timer come from dracut

# called by dracut
check() {
    # Only when asked for by name (-m / --add).
    return 255
}

# called by dracut
depends() {
    echo rpihw-vmtest
    return 0
}

# called by dracut
install() {
    if [[ ! -x ${rpihw_bench_timer-} ]]; then
        dfatal "rpihw-bench: rpihw_bench_timer= names no timer program (${rpihw_bench_timer-unset})"
        exit 1
    fi
    inst_hook pre-udev 30 "$moddir/bench-hook.sh"
    inst_script "$moddir/bench-loop.sh" /usr/lib/rpihw-bench/bench-loop
    inst_script "$moddir/seed-approach.sh" /usr/lib/rpihw-bench/seed-approach
    inst_binary "$rpihw_bench_timer" /usr/lib/rpihw-bench/timer
    # What the seed's approach and the clean-up between runs call.
    inst_multiple sh cat mkdir rmdir mount grep modprobe rmmod readlink
}
