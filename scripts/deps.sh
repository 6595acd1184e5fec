#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Install what building and testing need, then the static libkmod and libfdt. Safe to rerun:
# it only acts on what is missing, and never asks questions (CI has no terminal).
# On a host that is not arm64, also what the arm64 build and its emulated tests
# need (deps-arm64.list), and the arm64 static libkmod and libfdt.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
read_list() { sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' "$1"; }
mapfile -t pkgs < <(read_list "$here/deps.list")

is_debian() {
	[[ -r /etc/os-release ]] || return 1
	local ids
	ids=$(. /etc/os-release && echo " ${ID:-} ${ID_LIKE:-} ")
	[[ $ids == *" debian "* || $ids == *" ubuntu "* ]]
}

# The cross build `make check` adds; the Makefile's CHECK_CROSS names the same one.
cross=aarch64-linux-gnu-
cross_pkgs=()
case $(dpkg --print-architecture 2>/dev/null || uname -m) in
arm64 | aarch64) ;;
*) mapfile -t cross_pkgs < <(read_list "$here/deps-arm64.list") ;;
esac
# Ubuntu serves arm64 from another archive (ports.ubuntu.com): adding the
# architecture to the usual sources would break apt-get update.
if ((${#cross_pkgs[@]})) && [[ $(. /etc/os-release 2>/dev/null && echo "${ID:-}") == ubuntu ]]; then
	echo "deps: note: Ubuntu: not installing the arm64 packages (${cross_pkgs[*]});" \
		"add ports.ubuntu.com arm64 sources and install them, or run 'make check CHECK_CROSS='"
	cross_pkgs=()
fi

# Architectures named as NAME:ARCH in the arguments that dpkg does not know yet.
new_archs() {
	local known p a seen=" "
	known=" $(dpkg --print-architecture) $(dpkg --print-foreign-architectures | tr '\n' ' ') "
	for p in "$@"; do
		[[ $p == *:* ]] || continue
		a=${p##*:}
		[[ $known$seen == *" $a "* ]] || { seen+="$a "; echo "$a"; }
	done
}

debian_install() {
	local native installed missing=() p avail=() log archs=() a
	native=$(dpkg --print-architecture)
	pkgs+=("${cross_pkgs[@]}")
	# Package:Architecture, so that libfdt-dev:arm64 is not taken for the host's.
	installed=$({ dpkg-query -W -f='${db:Status-Abbrev}|${Package}:${Architecture}\n' "${pkgs[@]}" 2>/dev/null || :; } \
		| awk -F'|' '$1 ~ /^.i/ { printf " %s", $2 }')" "
	for p in "${pkgs[@]}"; do
		case $p in
		*:*) [[ $installed == *" $p "* ]] ;;
		*) [[ $installed == *" $p:$native "* || $installed == *" $p:all "* ]] ;;
		esac || missing+=("$p")
	done
	if ((${#missing[@]} == 0)); then
		echo "deps: all ${#pkgs[@]} packages present"
		return 0
	fi
	mapfile -t archs < <(new_archs "${missing[@]}")
	if ((EUID != 0)); then
		echo "deps: missing ${missing[*]}; run as root:" \
			"$( ((${#archs[@]} == 0)) || printf 'dpkg --add-architecture %s && ' "${archs[@]}")apt-get update &&" \
			"apt-get install -y --no-install-recommends ${missing[*]}" >&2
		return 1
	fi
	log=$(mktemp)
	# shellcheck disable=SC2064 # expand now: the path is fixed
	trap "rm -f '$log'" EXIT
	for a in "${archs[@]}"; do
		dpkg --add-architecture "$a" || {
			echo "deps: error: dpkg --add-architecture $a failed" >&2
			return 1
		}
		echo "deps: added dpkg architecture $a"
	done
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
	if ((${#cross_pkgs[@]})); then
		echo "deps: the arm64 part of 'make check' also needs (Debian names): ${cross_pkgs[*]}"
		echo "deps: without them, run 'make check CHECK_CROSS=' (no arm64 build and tests)"
	fi
	for c in cc dtc bats dracut; do
		command -v "$c" >/dev/null || missing+=("$c")
	done
	if ((${#missing[@]})); then
		echo "deps: error: commands not found: ${missing[*]}" >&2
		return 1
	fi
}

if is_debian; then debian_install; else other_install; fi

# The libraries built from Debian sources into the cache (libkmod.a, libfdt.a):
# the Makefile's static-deps names them for each architecture.
static_deps() {
	if command -v apt-get >/dev/null; then
		make -s -C "$here/.." "$@" static-deps
	else
		echo "deps: note: static builds need libkmod.a and libfdt.a built from Debian sources"\
			"(scripts/build-libkmod.sh, scripts/build-libfdt.sh); or build with STATIC=0"
	fi
}

static_deps ${CC:+CC="$CC"} ${CROSS:+CROSS="$CROSS"}
if ((${#cross_pkgs[@]})) && command -v apt-get >/dev/null && command -v "${cross}gcc" >/dev/null; then
	static_deps CROSS="$cross"
fi
