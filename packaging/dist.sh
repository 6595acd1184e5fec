#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# packaging/dist.sh VERSION OUTDIR (make dist): the release tarball and the
# package recipes that build from it.
#
#   OUTDIR/rpi-hardware-VERSION.tar.gz        the tree's files as a clean clone has
#                                             them (tracked and new, not ignored),
#                                             from the working tree, under
#                                             rpi-hardware-VERSION/, plus
#                                             rpi-hardware.spec (rpmbuild -ta)
#   OUTDIR/rpi-hardware_VERSION.orig.tar.gz   the same file, by Debian's name
#   OUTDIR/rpi-hardware.spec                  the RPM spec, for rpmbuild -bb
#   OUTDIR/arch/rpi-hardware/                 PKGBUILD (version and the tarball's
#                                             sha256 filled in), its install
#                                             script, the tarball
#   OUTDIR/SHA256SUMS
#
# The same tree gives the same bytes: names sorted, every entry dated by the
# last commit, owner and group 0 by number, modes 0644/0755 whatever the umask,
# gzip without a name or a time stamp.
set -euo pipefail
export LC_ALL=C

me=dist
version=${1:?usage: packaging/dist.sh VERSION OUTDIR}
out=${2:?usage: packaging/dist.sh VERSION OUTDIR}
die() {
	echo "$me: error: $*" >&2
	exit 1
}

[[ $version =~ ^[0-9]+(\.[0-9]+)*$ ]] || die "version '$version' is not N.N.N"
top=$(git rev-parse --show-toplevel 2>/dev/null) || die "not in a git checkout"
mtime=$(git -C "$top" log -1 --format=%ct 2>/dev/null) || die "no commit to date the files by"
name=rpi-hardware-$version
tarball=$name.tar.gz

work=$(mktemp -d "${TMPDIR:-/tmp}/rpi-hardware-dist.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Tracked and new files, not ignored; one deleted in the working tree is left out.
git -C "$top" ls-files -z --cached --others --exclude-standard |
	while IFS= read -r -d '' f; do
		[[ -e $top/$f || -L $top/$f ]] && printf '%s\0' "$f"
	done >"$work/files"
mkdir "$work/$name"
tar -C "$top" --null --no-recursion -T "$work/files" -cf - | tar -C "$work/$name" -xf -

# The changelog date is the last commit's, like every time stamp here.
date=$(date -u -d "@$mtime" '+%a %b %d %Y')
subst() {
	sed -e "s|@VERSION@|$version|g" -e "s|@DATE@|$date|g" -e "s|@SHA256@|${2:-}|g" "$1"
}
subst "$top/packaging/rpm/rpi-hardware.spec.in" >"$work/$name/rpi-hardware.spec"

mkdir -p "$out"
tar -C "$work" --sort=name --format=gnu --mtime="@$mtime" \
	--owner=0 --group=0 --numeric-owner --mode='u=rwX,go=rX' \
	-cf - "$name" | env -u GZIP gzip -n -9 >"$out/.$tarball.tmp"
mv -f "$out/.$tarball.tmp" "$out/$tarball"
ln -f "$out/$tarball" "$out/rpi-hardware_$version.orig.tar.gz"
cp "$work/$name/rpi-hardware.spec" "$out/rpi-hardware.spec"

sum=$(sha256sum "$out/$tarball")
sum=${sum%% *}
arch=$out/arch/rpi-hardware
mkdir -p "$arch"
subst "$top/packaging/arch/rpi-hardware/PKGBUILD.in" "$sum" >"$arch/PKGBUILD"
cp "$top/packaging/arch/rpi-hardware/rpi-hardware.install" "$arch/"
ln -sfn "../../$tarball" "$arch/$tarball"
(cd "$out" && sha256sum "$tarball" >SHA256SUMS)
echo "$me: $out/$tarball $sum"
