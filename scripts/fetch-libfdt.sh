#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# fetch-libfdt.sh DEST: DEST/lib/libfdt.a for the target of the cross compiler CC.
#
# Debian's libfdt-dev cannot be installed for two architectures at once (its amd64
# build lacks "Multi-Arch: same"), so a cross build takes the target's archive
# from the target's libfdt-dev package, unpacked here and not installed. It must
# come from the same source version as the host's libfdt-dev, whose headers the
# build uses. Needs the target architecture in dpkg (scripts/deps.sh adds it).
set -euo pipefail

me="fetch-libfdt"
dest=${1:?usage: fetch-libfdt.sh DEST}

say() { echo "$me: $*"; }
die() {
	echo "$me: error: $*" >&2
	exit 1
}

[[ -f $dest/lib/libfdt.a ]] && exit 0

read -ra cc <<<"${CC:?CC must name the cross compiler}"
for tool in apt-get dpkg-architecture dpkg-deb dpkg-query "${cc[0]}"; do
	command -v "$tool" >/dev/null || die "$tool not found; run scripts/deps.sh"
done
triplet=$("${cc[@]}" -dumpmachine) || die "$CC -dumpmachine failed"
arch=$(dpkg-architecture -t "$triplet" -qDEB_HOST_ARCH 2>/dev/null) ||
	die "no Debian architecture for $triplet"
want=$(dpkg-query -W -f='${source:Version}' libfdt-dev 2>/dev/null) ||
	die "libfdt-dev is not installed (its headers are used); run scripts/deps.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/$me.XXXXXX")
tmp=$dest/lib/.libfdt.a.$$
trap 'rm -rf "$work" "$tmp"' EXIT

if ! (cd "$work" && apt-get download -q "libfdt-dev:$arch") >"$work/log" 2>&1 </dev/null; then
	tail -n 5 "$work/log" | sed 's/^/    /' >&2
	die "apt-get download libfdt-dev:$arch failed; is $arch in 'dpkg --print-foreign-architectures' and apt updated? (scripts/deps.sh does both)"
fi
deb=$(compgen -G "$work/libfdt-dev_*_$arch.deb" | head -n 1) || die "no libfdt-dev_*_$arch.deb downloaded"

# "device-tree-compiler (1.6.1-4)" when the binary was rebuilt (+bN), else no version.
got=$(dpkg-deb -f "$deb" Source Version | awk '
	/^Source:/ && /\(/ { v = $0; sub(/.*\(/, "", v); sub(/\).*/, "", v) }
	/^Version:/ { if (v == "") v = $2 }
	END { print v }')
[[ $got == "$want" ]] ||
	die "libfdt-dev:$arch is from source version $got, the host's libfdt-dev from $want; update both"

dpkg-deb -x "$deb" "$work/x" || die "unpacking $deb failed"
lib=$work/x/usr/lib/$triplet/libfdt.a
[[ -f $lib ]] || die "$deb has no usr/lib/$triplet/libfdt.a"
mkdir -p "$dest/lib" || die "cannot create $dest/lib"
if ! { install -m 0644 "$lib" "$tmp" && mv -f "$tmp" "$dest/lib/libfdt.a"; }; then
	die "installing into $dest failed"
fi
say "installed $dest/lib/libfdt.a (libfdt-dev:$arch $got)"
