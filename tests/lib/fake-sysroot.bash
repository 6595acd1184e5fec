# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Fake root trees for tests that run overlay-slammer with --sysroot, plus the FUSE
# stand-in for the configfs overlay interface. Source it from setup(), and call
# stop_fake_configfs from teardown() so that no mount outlives a failed test.
#
#   make_sysroot DIR
#   start_fake_configfs SYSROOT [fake-configfs options...]
#   stop_fake_configfs SYSROOT
#   settle_fake_configfs SYSROOT
#   compile_dts SRC.dts OUT.dtbo
#
# Needs BUILD_DIR (the build directory holding tests/fake-configfs).

FAKE_SYSROOT_KVER=6.1.0-test

# make_sysroot DIR: the kernel-facing files the helper reads, without configfs.
make_sysroot() {
	local root=${1:?make_sysroot: give the directory to fill}

	mkdir -p "$root/proc/sys/kernel" "$root/sys/kernel/config" "$root/sys/module" \
		"$root/sys/firmware" "$root/dev" "$root/etc" \
		"$root/lib/modules/$FAKE_SYSROOT_KVER" "$root/usr/lib/rpi-hardware/overlays" ||
		return 1
	printf 'root=/dev/vda ro quiet\n' >"$root/proc/cmdline"
	printf '%s\n' "$FAKE_SYSROOT_KVER" >"$root/proc/sys/kernel/osrelease"
	printf '%s\n' \
		'sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0' \
		'proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0' \
		'devtmpfs /dev devtmpfs rw,nosuid,size=4096k,mode=755 0 0' \
		'/dev/vda / ext4 ro,relatime 0 0' >"$root/proc/mounts"
	printf 'nodev\t%s\n' sysfs tmpfs proc devtmpfs >"$root/proc/filesystems"
	printf '\text4\n' >>"$root/proc/filesystems"
	: >"$root/dev/kmsg"
}

# Adds LINE to FILE unless it is there already.
_fake_sysroot_add_line() {
	grep -qxF -- "$2" "$1" 2>/dev/null || printf '%s\n' "$2" >>"$1"
}

# True while DIR is a mount point of this namespace, even a dead FUSE one.
_fake_sysroot_mounted() {
	awk -v m="$1" '$2 == m { found = 1 } END { exit !found }' /proc/self/mounts
}

# True while PID runs (not a zombie).
_fake_sysroot_running() {
	local stat
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	stat=${stat##*) }
	[[ ${stat%% *} != Z ]]
}

# True while PID runs and is a fake-configfs (not a reused pid).
_fake_sysroot_alive() {
	_fake_sysroot_running "$1" && tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null |
		grep -q fake-configfs
}

# Waits up to 30 s: a daemon under valgrind or ASan on a loaded machine can take
# seconds to exit after the unmount; one that holds a file open never does.
_fake_sysroot_gone() {
	local i
	for ((i = 0; i < 600; i++)); do
		_fake_sysroot_alive "$1" || return 0
		sleep 0.05
	done
	return 1
}

# start_fake_configfs SYSROOT [options...]: mounts the fake on SYSROOT/sys/kernel/config
# and registers it in SYSROOT/proc/mounts and SYSROOT/proc/filesystems. Events go to
# SYSROOT/fake-configfs.log, the fake's own messages to SYSROOT/fake-configfs.err.
start_fake_configfs() {
	local root=${1:?start_fake_configfs: give the sysroot}
	shift
	local bin=${BUILD_DIR:?start_fake_configfs: BUILD_DIR is not set}/tests/fake-configfs
	local mnt=$root/sys/kernel/config pid i

	if [[ ! -x $bin ]]; then
		echo "start_fake_configfs: $bin is missing: run 'make unit-tests' first" >&2
		return 1
	fi
	if _fake_sysroot_mounted "$mnt"; then
		echo "start_fake_configfs: $mnt is already mounted" >&2
		return 1
	fi
	# fd 3 is bats' output: a daemon holding it would make bats wait for ever.
	"$bin" --log "$root/fake-configfs.log" "$@" "$mnt" \
		</dev/null >"$root/fake-configfs.err" 2>&1 3>&- &
	pid=$!
	echo "$pid" >"$root/fake-configfs.pid"
	for ((i = 0; i < 200; i++)); do
		[[ -d $mnt/device-tree/overlays ]] && break
		# Until it has called exec, the child still runs as a copy of bash.
		if ! _fake_sysroot_running "$pid"; then
			echo "start_fake_configfs: fake-configfs exited before mounting:" >&2
			cat "$root/fake-configfs.err" >&2
			stop_fake_configfs "$root" 2>/dev/null
			return 1
		fi
		sleep 0.05
	done
	if [[ ! -d $mnt/device-tree/overlays ]]; then
		echo "start_fake_configfs: $mnt/device-tree/overlays did not appear" >&2
		stop_fake_configfs "$root"
		return 1
	fi
	_fake_sysroot_add_line "$root/proc/mounts" \
		'configfs /sys/kernel/config configfs rw,relatime 0 0'
	_fake_sysroot_add_line "$root/proc/filesystems" $'nodev\tconfigfs'
}

# stop_fake_configfs SYSROOT: unmounts and reaps the fake; fails when the fake did
# not exit cleanly (a sanitizer report, a crash). Safe to call more than once.
stop_fake_configfs() {
	local root=${1:?stop_fake_configfs: give the sysroot}
	local mnt=$root/sys/kernel/config pidfile=$root/fake-configfs.pid pid="" rc=0 forced=""

	[[ -f $pidfile ]] && pid=$(<"$pidfile")
	if _fake_sysroot_mounted "$mnt"; then
		fusermount3 -u "$mnt" 2>/dev/null || umount -l "$mnt" ||
			echo "stop_fake_configfs: cannot unmount $mnt" >&2
	fi
	if [[ -f $root/proc/mounts ]]; then
		sed -i '\|^configfs /sys/kernel/config configfs |d' "$root/proc/mounts"
	fi
	[[ -n $pid ]] || return 0
	rm -f "$pidfile"
	# A file left open under the mount keeps the daemon serving after umount -l.
	if ! _fake_sysroot_gone "$pid"; then
		forced=1
		kill -TERM "$pid" 2>/dev/null
		_fake_sysroot_gone "$pid" || kill -KILL "$pid" 2>/dev/null
	fi
	wait "$pid" 2>/dev/null || rc=$?
	if [[ -n $forced ]]; then
		echo "stop_fake_configfs: fake-configfs outlived the unmount and was" \
			"killed: is a file under $mnt still open?" >&2
		return 1
	fi
	# 127: started from another shell, so not ours to reap; nothing to report.
	if [[ $rc -ne 0 && $rc -ne 127 ]]; then
		echo "stop_fake_configfs: fake-configfs exited with status $rc:" >&2
		cat "$root/fake-configfs.err" >&2
		return 1
	fi
}

# settle_fake_configfs SYSROOT: the kernel queues a file's release to FUSE without
# waiting for it, so an apply may not be in the log yet when close() returns. One
# round trip through the mount, queued behind it, lets it land. Reading a status
# file does the same.
settle_fake_configfs() {
	local root=${1:?settle_fake_configfs: give the sysroot}

	stat "$root/sys/kernel/config/device-tree/overlays" >/dev/null
}

# compile_dts SRC.dts OUT.dtbo: overlays and base trees alike, with __symbols__.
compile_dts() {
	local src=${1:?compile_dts: give the .dts source} out=${2:?compile_dts: give the output}
	local err

	if ! err=$(dtc -@ -I dts -O dtb -o "$out" "$src" 2>&1); then
		printf 'compile_dts: dtc failed on %s:\n%s\n' "$src" "$err" >&2
		return 1
	fi
}
