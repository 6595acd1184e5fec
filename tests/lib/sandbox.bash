# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# A throwaway copy of this host for `make install` and dracut as an
# administrator runs them, without touching the host: a private mount
# namespace where /usr and /etc are overlays whose changes land in a scratch
# directory, /boot and /var/tmp are empty tmpfs, /usr/lib/modules holds the
# test kernels, and /sys/firmware/devicetree can say what board this is.
#
#   sandbox_init DIR          scratch directory; kernels go in DIR/root/lib/modules,
#                             DIR/boot is the sandbox's /boot
#   sandbox_run [DT...] -- COMMAND...
#                             run COMMAND in the sandbox; DT are the device-tree
#                             compatible strings of the pretended board (none:
#                             a PC, no device tree)
#   SANDBOX_USR, SANDBOX_ETC  the overlays' upper directories: what was changed

sandbox_init() {
	SANDBOX=$1
	mkdir -p "$SANDBOX"/{usr,etc}.{upper,work} "$SANDBOX/root/lib/modules" "$SANDBOX/boot"
	SANDBOX_USR=$SANDBOX/usr.upper
	SANDBOX_ETC=$SANDBOX/etc.upper
	export SANDBOX SANDBOX_USR SANDBOX_ETC
}

sandbox_run() {
	local -a dt=()
	while (($#)) && [[ $1 != -- ]]; do
		dt+=("$1")
		shift
	done
	shift
	unshare --mount --propagation private -- bash -c '
		set -e
		s=$1
		n=$2
		shift 2
		dt=("${@:1:n}")
		shift "$n"
		mount -t overlay overlay -o "lowerdir=/usr,upperdir=$s/usr.upper,workdir=$s/usr.work" /usr
		mount -t overlay overlay -o "lowerdir=/etc,upperdir=$s/etc.upper,workdir=$s/etc.work" /etc
		mount --bind "$s/root/lib/modules" /usr/lib/modules
		mount --bind "$s/boot" /boot
		mount -t tmpfs tmpfs /var/tmp
		mount -t tmpfs tmpfs /sys/firmware
		if ((n)); then
			mkdir -p /sys/firmware/devicetree/base
			printf "%s\0" "${dt[@]}" >/sys/firmware/devicetree/base/compatible
		fi
		set +e
		"$@"
	' _ "$SANDBOX" "${#dt[@]}" "${dt[@]}" "$@"
}
