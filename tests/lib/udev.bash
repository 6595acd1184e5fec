# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# udev's own rule engine against simulated devices. A fake sysfs tree (plain
# directories, attribute files and the kernel's symlinks) is mounted over /sys
# in a private mount namespace, with private /dev, /run, rules directories and
# /etc/group, and `udevadm test` runs the real rules on it: parsing, matching,
# links, group and mode resolution. Nothing outside the namespace changes.
#
#   sysfs_device SYS DEVPATH SUBSYSTEM [ATTR=VALUE...]
#                             a device directory (SUBSYSTEM like bus/pci)
#   sysfs_node SYS PARENT CLASS NAME MAJOR:MINOR DEVNAME
#                             a class device with a /dev node under PARENT;
#                             prints its /sys/class path
#   udev_test SYS RULESDIR GROUPFILE SYSPATH
#                             udevadm test output (stdout and stderr)
#   udev_test_in ROOT SYS SYSPATH
#                             the same with ROOT's udevadm, rules and
#                             /etc/group, in a chroot (an unpacked initramfs)

sysfs_device() {
	local sys=$1 devpath=$2 subsystem=$3 kv dir
	shift 3
	dir=$sys$devpath
	mkdir -p "$dir" "$sys/$subsystem"
	# sd-device only accepts /sys/devices directories that have a uevent file,
	# parents included.
	local d=$dir
	while [[ $d != "$sys/devices" && $d != "$sys" ]]; do
		[[ -e $d/uevent ]] || : >"$d/uevent"
		d=${d%/*}
	done
	ln -sfnr "$sys/$subsystem" "$dir/subsystem"
	for kv in "$@"; do
		printf '%s\n' "${kv#*=}" >"$dir/${kv%%=*}"
	done
}

sysfs_node() {
	local sys=$1 parent=$2 class=$3 name=$4 dev=$5 devname=$6
	sysfs_device "$sys" "$parent/$class/$name" "class/$class" "dev=$dev"
	printf 'MAJOR=%s\nMINOR=%s\nDEVNAME=%s\n' "${dev%:*}" "${dev#*:}" "$devname" \
		>"$sys$parent/$class/$name/uevent"
	ln -sfnr "$sys$parent/$class/$name" "$sys/class/$class/$name"
	echo "/sys/class/$class/$name"
}

udev_test() {
	[[ -d /etc/udev/rules.d ]] || {
		echo "udev_test: /etc/udev/rules.d is missing (is udev installed?)" >&2
		return 1
	}
	unshare --mount --propagation private -- bash -c '
		set -e
		mount --bind "$1" /sys
		mount -t tmpfs tmpfs /dev
		mknod -m 666 /dev/null c 1 3
		mount -t tmpfs tmpfs /run
		mkdir -p /run/udev/rules.d /run/empty
		mount --bind "$2" /etc/udev/rules.d
		mount --bind /run/empty /usr/lib/udev/rules.d
		mount --bind "$3" /etc/group
		SYSTEMD_DEVICE_VERIFY_SYSFS=0 udevadm test --action=add "$4" 2>&1
	' _ "$@"
}

udev_test_in() {
	unshare --mount --propagation private -- bash -c '
		set -e
		mount --bind "$2" "$1/sys"
		mount -t tmpfs tmpfs "$1/dev"
		mknod -m 666 "$1/dev/null" c 1 3
		mount -t tmpfs tmpfs "$1/run"
		SYSTEMD_DEVICE_VERIFY_SYSFS=0 chroot "$1" udevadm test --action=add "$3" 2>&1
	' _ "$@"
}

# From udevadm test output: the device's links, and the group the rules of
# FILE (a rules file name) set last.
udev_links() {
	sed -n 's/^DEVLINKS=//p' <<<"$1"
}

udev_group() {
	sed -n "s/.*\\/$2:[0-9]* GROUP \\([0-9]*\\)\$/\\1/p" <<<"$1" | tail -n 1
}

# Complaints udev had while parsing FILE: unknown keys, groups or users,
# anything it ignored.
udev_complaints() {
	grep -E "$2:[0-9]+ .*(Invalid|Unknown|ignoring|[Ff]ailed|error)" <<<"$1" || true
}
