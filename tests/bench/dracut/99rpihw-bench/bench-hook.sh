#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# pre-udev hook of the benchmark module, before 95rpi-hardware's (40): with
# rpihw_bench.reps=N it runs the rounds and powers the machine off, so nothing
# else of the boot runs after them. Sourced by dracut.
_rb_reps=$(getarg rpihw_bench.reps=)
if [ -n "$_rb_reps" ]; then
    /usr/lib/rpihw-bench/bench-loop "$_rb_reps" > /dev/console 2>&1
    echo o > /proc/sysrq-trigger
    sleep 60
fi
unset _rb_reps
