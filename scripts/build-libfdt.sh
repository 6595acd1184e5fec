#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# build-libfdt.sh DEST: DEST/lib/libfdt.a and DEST/include/{libfdt,fdt,libfdt_env}.h.
#
# The static helper needs libfdt 1.7.1 or later: 1.6.1, Debian 12's, copies the
# phandle of an overlay's own labelled __overlay__ node over its target's and then
# loses the target (fixed in dtc 1.7.1: "Don't overwrite phandles when applying
# overlays"), which is how Raspberry Pi's overlays are written. So the archive is
# built from the Debian source package pinned in scripts/sources.list (trixie's
# device-tree-compiler), fetched with a private apt configuration from the host's
# Debian mirror, for the target of CC (a cross compiler gives a cross build).
# The same source gives the same archive: fixed flags, no debug paths, ar's
# deterministic mode. The caller names DEST by version and target (the Makefile's
# FDT_STATIC); concurrent builds of one DEST wait for each other.
set -euo pipefail

me="build-libfdt"
dest=${1:?usage: build-libfdt.sh DEST}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# shellcheck source-path=SCRIPTDIR source=debian-source.bash
. "$here/debian-source.bash"

done_file() { [[ -f $dest/lib/libfdt.a && -f $dest/include/libfdt.h ]]; }
done_file && exit 0

read -ra cc <<<"${CC:-cc}"
for tool in apt-get apt-config dpkg-source sha256sum tar make "${cc[0]}"; do
	command -v "$tool" >/dev/null ||
		die "$tool not found: this builds Debian's device-tree-compiler source; run scripts/deps.sh"
done
host=$("${cc[@]}" -dumpmachine) || die "${CC:-cc} -dumpmachine failed"
tool() { if command -v "$host-$1" >/dev/null; then echo "$host-$1"; else echo "$1"; fi; }

read -r suite version sum < <(debsrc_pin device-tree-compiler) ||
	die "no device-tree-compiler line in $here/sources.list"

debsrc_lock "$dest"
done_file && exit 0

work=$(mktemp -d "${TMPDIR:-/tmp}/$me.XXXXXX")
tmp=$dest.new.$$
trap 'rm -rf "$work" "$tmp"' EXIT
log=$work/log
src=$work/src

debsrc_setup "$work" "$suite"
say "download: device-tree-compiler $version ($suite), upstream tarball"
debsrc_orig device-tree-compiler "$version" "$sum" "$src"

# The library's own list of sources, from its make fragment.
# shellcheck disable=SC2016 # make expands it
mapfile -t srcs < <(make -s -C "$src/libfdt" -f - <<<'include Makefile.libfdt
print: ; @printf "%s\n" $(LIBFDT_SRCS)' print 2>/dev/null)
((${#srcs[@]} > 0)) || die "no LIBFDT_SRCS in $src/libfdt/Makefile.libfdt"

say "build: ${#srcs[@]} sources for $host"
# Sections per function, so that the helper's --gc-sections keeps only what it calls.
flags=(-O2 -fno-ident -ffunction-sections -fdata-sections -fstack-protector-strong
	-D_FORTIFY_SOURCE=2 -I"$src/libfdt")
compile() (
	cd "$src/libfdt" && mkdir -p "$work/obj" || exit
	for s in "${srcs[@]}"; do
		"${cc[@]}" "${flags[@]}" -c -o "$work/obj/${s%.c}.o" "$s" || exit
	done
	cd "$work/obj" && rm -f libfdt.a && "$(tool ar)" rcsD libfdt.a "${srcs[@]/%.c/.o}"
)
step "compiling libfdt" compile

# Into a new directory, then renamed over DEST: DEST is complete or absent.
mkdir -p "$tmp/lib" "$tmp/include" || die "cannot create $tmp"
if ! { install -m 0644 "$work/obj/libfdt.a" "$tmp/lib/" &&
	install -m 0644 "$src/libfdt/libfdt.h" "$src/libfdt/fdt.h" "$src/libfdt/libfdt_env.h" "$tmp/include/" &&
	echo "device-tree-compiler $version ($suite) for $host" >"$tmp/VERSION"; }; then
	die "installing into $tmp failed"
fi
rm -rf "$dest.old"
if ! { { [[ ! -e $dest ]] || mv "$dest" "$dest.old"; } && mv "$tmp" "$dest"; }; then
	die "installing into $dest failed"
fi
rm -rf "$dest.old"
say "installed $dest/lib/libfdt.a (device-tree-compiler $version, ${SECONDS}s)"
