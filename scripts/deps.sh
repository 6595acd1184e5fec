#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Install what building and testing need, then the static libkmod. Safe to rerun:
# it only acts on what is missing, and never asks questions (CI has no terminal).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mapfile -t pkgs < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' "$here/deps.list")

is_debian() {
	[[ -r /etc/os-release ]] || return 1
	local ids
	ids=$(. /etc/os-release && echo " ${ID:-} ${ID_LIKE:-} ")
	[[ $ids == *" debian "* || $ids == *" ubuntu "* ]]
}

debian_install() {
	local installed missing=() p avail=() log
	installed=$({ dpkg-query -W -f='${db:Status-Abbrev}|${Package}\n' "${pkgs[@]}" 2>/dev/null || :; } \
		| awk -F'|' '$1 ~ /^.i/ { printf " %s", $2 }')" "
	for p in "${pkgs[@]}"; do
		[[ $installed == *" $p "* ]] || missing+=("$p")
	done
	if ((${#missing[@]} == 0)); then
		echo "deps: all ${#pkgs[@]} packages present"
		return 0
	fi
	if ((EUID != 0)); then
		echo "deps: missing ${missing[*]}; run as root: apt-get update &&" \
			"apt-get install -y --no-install-recommends ${missing[*]}" >&2
		return 1
	fi
	log=$(mktemp)
	# shellcheck disable=SC2064 # expand now: the path is fixed
	trap "rm -f '$log'" EXIT
	if ! apt-get -q update >"$log" 2>&1 </dev/null; then
		tail -n 5 "$log" >&2
		echo "deps: error: apt-get update failed" >&2
		return 1
	fi
	# Names that differ between Debian and Ubuntu or per architecture are skipped
	# with a note rather than failing the whole install.
	for p in "${missing[@]}"; do
		if apt-cache show --no-all-versions "$p" >/dev/null 2>&1; then
			avail+=("$p")
		else
			echo "deps: warning: no package $p here, skipped" >&2
		fi
	done
	((${#avail[@]})) || return 0
	if ! DEBIAN_FRONTEND=noninteractive apt-get -q install -y --no-install-recommends \
		-o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
		"${avail[@]}" >"$log" 2>&1 </dev/null; then
		tail -n 10 "$log" >&2
		echo "deps: error: apt-get install ${avail[*]} failed" >&2
		return 1
	fi
	echo "deps: installed ${avail[*]}"
}

other_install() {
	local c missing=()
	echo "deps: packages (Debian names): ${pkgs[*]}"
	echo "deps: not Debian: install your distribution's equivalents of the packages above"
	for c in cc dtc bats dracut; do
		command -v "$c" >/dev/null || missing+=("$c")
	done
	if ((${#missing[@]})); then
		echo "deps: error: commands not found: ${missing[*]}" >&2
		return 1
	fi
}

if is_debian; then debian_install; else other_install; fi

# Same default location and compiler as the Makefile, so `make` finds the archive.
cc=${CC:-${CROSS:-}gcc}
kmod_dest=${KMOD_STATIC:-${RPI_HW_CACHE:-$HOME/.cache/rpi-hardware}/kmod-$($cc -dumpmachine)}
if [[ -f $kmod_dest/lib/libkmod.a ]]; then
	:
elif command -v apt-get >/dev/null; then
	CC=$cc "$here/build-libkmod.sh" "$kmod_dest"
else
	echo "deps: note: static builds need $kmod_dest/lib/libkmod.a (built from Debian sources"\
		"by scripts/build-libkmod.sh); or build with STATIC=0"
fi
