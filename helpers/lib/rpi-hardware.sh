# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=sh
#
# rpi-hardware.sh: what the suite's shell tools share, installed as
# PKGLIBDIR/rpi-hardware.sh and sourced (metis-setup carries a copy made at
# build time). POSIX sh; every name starts with rpi_hw_ or _rh_.
#
# The configuration: the one reader of rpi-hardware.conf is the helper
# (`overlay-slammer config`). This is the reader for where it cannot run (a
# cross build of the image, whose helper is for another CPU) and for what only
# the file says (the line of a key, for a message). Same grammar as
# helpers/lib/config.c, proven by tests/config/grammar.bats: KEY=VALUE lines,
# blanks and tabs around key and value trimmed, a carriage return before the
# end of the line dropped, '#' lines and blank lines skipped, one pair of
# double quotes around the value removed, the last assignment winning. The
# values are not checked here: the helper checks them.

# rpi_hw_conf_line FILE KEY: "LINE<TAB>VALUE" of the last assignment of KEY in
# FILE ("-": standard input); status 1 when there is none.
rpi_hw_conf_line() {
	awk -v key="$2" '
	{
		line = $0
		sub(/^[ \t]+/, "", line)
		if (line == "" || substr(line, 1, 1) == "#")
			next
		eq = index(line, "=")
		if (eq == 0)
			next
		k = substr(line, 1, eq - 1)
		sub(/[ \t\r]+$/, "", k)
		if (k != key)
			next
		v = substr(line, eq + 1)
		sub(/^[ \t]+/, "", v)
		sub(/[ \t\r]+$/, "", v)
		if (length(v) >= 2 && v ~ /^".*"$/)
			v = substr(v, 2, length(v) - 2)
		val = v; at = NR; found = 1
	}
	END {
		if (!found)
			exit 1
		printf "%d\t%s\n", at, val
	}' "$1"
}

# The built-in defaults: the shipped rpi-hardware.conf, which the helper has
# compiled in as well (helpers/lib/build.mk).
rpi_hw_conf_defaults() {
	cat <<'RPI_HW_DEFAULTS'
@DEFAULTS@
RPI_HW_DEFAULTS
}

# rpi_hw_conf_get FILE KEY: the value of KEY in FILE (which may be missing), or
# its default; status 1 for a key that has neither.
rpi_hw_conf_get() {
	if [ -r "$1" ] && _rh_found=$(rpi_hw_conf_line "$1" "$2"); then
		printf '%s\n' "${_rh_found#*	}"
		return 0
	fi
	_rh_found=$(rpi_hw_conf_defaults | rpi_hw_conf_line - "$2") || return 1
	printf '%s\n' "${_rh_found#*	}"
}

# The kernel's build configuration: rpi_hw_kernel_config ROOT KVER [MODDIR]
# prints the first of ROOT/boot/config-KVER and, in MODDIR (default: KVER's
# module trees below ROOT, /usr/lib/modules and /lib/modules), config and
# build/.config; status 1 when there is none.
rpi_hw_kernel_config() {
	_rh_root=$1 _rh_kver=$2
	_rh_dirs=${3:-"$_rh_root/usr/lib/modules/$_rh_kver $_rh_root/lib/modules/$_rh_kver"}
	if [ -f "$_rh_root/boot/config-$_rh_kver" ]; then
		printf '%s\n' "$_rh_root/boot/config-$_rh_kver"
		return 0
	fi
	for _rh_f in config build/.config; do
		# The module trees are space separated by definition.
		for _rh_d in $_rh_dirs; do
			if [ -f "$_rh_d/$_rh_f" ]; then
				printf '%s\n' "$_rh_d/$_rh_f"
				return 0
			fi
		done
	done
	return 1
}

# rpi_hw_kernel_lacks CONFIG: the option the configfs overlay interface needs
# (CONFIG_OF_OVERLAY, then Raspberry Pi's CONFIG_OF_CONFIGFS on top of it) that
# the kernel configuration file CONFIG does not build in; status 1 when it has
# both, so the helper applies the overlays at boot (the runtime path).
rpi_hw_kernel_lacks() {
	for _rh_opt in CONFIG_OF_OVERLAY CONFIG_OF_CONFIGFS; do
		if ! grep -qx "$_rh_opt=y" "$1"; then
			printf '%s\n' "$_rh_opt"
			return 0
		fi
	done
	return 1
}
