#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# build-musl-libs.sh DEST: what the static helper links, built against musl
# instead of glibc, for the target of CC (a compiler set up for musl: the
# Makefile's MUSL_CC, gcc with Debian's musl-gcc.specs). Into DEST:
#
#   lib/libz.a       zlib, inflate only used (.ko.gz)
#   lib/liblzma.a    xz-utils' liblzma, decoders only (.ko.xz)
#   lib/libzstd.a    libzstd, decompression only, no legacy (pre-1.0) formats (.ko.zst)
#   lib/libkmod.a    libkmod against those three (scripts/build-libkmod.sh)
#   lib/libfdt.a     libfdt (scripts/build-libfdt.sh)
#   include/         their headers; include/kernel: the Linux UAPI headers
#                    (linux/, asm/, asm-generic/) of linux-libc-dev, which
#                    musl-gcc.specs leaves out of the search path
#
# Each from the Debian source package pinned in scripts/sources.list, fetched
# with a private apt configuration (scripts/debian-source.bash). The caller
# names DEST by target and by those pins (the Makefile's MUSL_LIBS). KERNEL_UAPI
# names the UAPI header directories (the Makefile sets it).
set -euo pipefail

me="build-musl-libs"
dest=${1:?usage: build-musl-libs.sh DEST}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# shellcheck source-path=SCRIPTDIR source=debian-source.bash
. "$here/debian-source.bash"

complete() { [[ -f $dest/.complete ]]; }
complete && exit 0

read -ra cc <<<"${CC:?CC must name a compiler set up for musl, as the Makefile MUSL_CC is}"
for tool in apt-get dpkg-source make "${cc[0]}"; do
	command -v "$tool" >/dev/null || die "$tool not found; run scripts/deps.sh"
done
host=$("${cc[@]}" -dumpmachine) || die "$CC -dumpmachine failed"
build=$(gcc -dumpmachine)
tool() { if command -v "$host-$1" >/dev/null; then echo "$host-$1"; else echo "$1"; fi; }
ar=$(tool ar)
read -ra uapi <<<"${KERNEL_UAPI:?KERNEL_UAPI must name the linux/, asm/ and asm-generic/ header directories}"

debsrc_lock "$dest"
complete && exit 0

work=$(mktemp -d "${TMPDIR:-/tmp}/$me.XXXXXX")
trap 'rm -rf "$work"' EXIT
log=$work/log
rm -rf "$dest"
mkdir -p "$dest/lib/pkgconfig" "$dest/include/kernel" || die "cannot create $dest"

# The UAPI headers, copied: the archive builds and the helper see the same ones.
for d in "${uapi[@]}"; do
	[[ -d $d ]] || die "no $d: install linux-libc-dev (scripts/deps.sh)"
	cp -rL "$d" "$dest/include/kernel/" || die "copying $d failed"
done

# Size first; each library then keeps only what the helper calls (--gc-sections).
cflags="-Os -fno-ident -ffunction-sections -fdata-sections -isystem $dest/include/kernel"
pin() {
	local p=$1
	read -r suite version _ < <(debsrc_pin "$p") || die "no $p line in $here/sources.list"
	[[ -n $version ]] || die "no $p line in $here/sources.list"
}

# Release tarballs carry configure: nothing is regenerated.
suite_done=
fetch() {
	local p=$1
	pin "$p"
	[[ $suite_done == "$suite" ]] || { debsrc_setup "$work/apt-$suite" "$suite"; suite_done=$suite; }
	say "download: $p $version ($suite)"
	debsrc_unpack "$p" "$version" "$work/src/$p"
}

# zlib: its own configure; only the static archive.
fetch zlib
say "build: zlib"
zlib() (
	cd "$work/src/zlib" &&
		CC="$CC" AR="$ar" RANLIB="$(tool ranlib)" CFLAGS="$cflags" ./configure --static --prefix="$dest" &&
		make -j2 libz.a && make install
)
step "building zlib" zlib

# liblzma: decoders only; the xz tools, scripts, translations and docs left out.
fetch xz-utils
say "build: liblzma (decoders)"
xz() (
	mkdir -p "$work/build-xz" && cd "$work/build-xz" &&
		"$work/src/xz-utils/configure" --build="$build" --host="$host" CC="$CC" CFLAGS="$cflags" \
			--prefix="$dest" --disable-shared --enable-static --disable-encoders \
			--disable-xz --disable-xzdec --disable-lzmadec --disable-lzmainfo \
			--disable-lzma-links --disable-scripts --disable-doc --disable-nls --disable-threads \
			--disable-microlzma --disable-lzip-decoder &&
		make -j2 -C src/liblzma && make -C src/liblzma install
)
step "building liblzma" xz

# libzstd: decompression only, without the decoders of the pre-1.0 (v0.1-v0.7)
# frame formats, which no kernel or kmod writes.
fetch libzstd
say "build: libzstd (decompression, no legacy formats)"
zstd() (
	cd "$work/src/libzstd/lib" &&
		make -j2 CC="$CC" AR="$ar" CFLAGS="$cflags" ZSTD_LIB_COMPRESSION=0 ZSTD_LIB_DICTBUILDER=0 \
			ZSTD_LIB_DEPRECATED=0 ZSTD_LEGACY_SUPPORT=0 libzstd.a &&
		make CC="$CC" PREFIX="$dest" LIBDIR="$dest/lib" INCLUDEDIR="$dest/include" \
			install-static install-includes install-pc
)
step "building libzstd" zstd

# libkmod and libfdt by their own scripts, against what is above.
pin kmod
say "build: libkmod $version"
PKG_CONFIG_LIBDIR=$dest/lib/pkgconfig KMOD_VERSION=$version KMOD_SUITE=$suite \
	CFLAGS="$cflags -I$dest/include" LDFLAGS="-L$dest/lib" \
	"$here/build-libkmod.sh" "$work/kmod" || die "building libkmod failed"
say "build: libfdt"
"$here/build-libfdt.sh" "$work/fdt" || die "building libfdt failed"
for d in "$work/kmod" "$work/fdt"; do
	cp "$d"/lib/*.a "$dest/lib/" && cp "$d"/include/*.h "$dest/include/" || die "installing $d failed"
done

# What each archive was built from.
for p in zlib xz-utils libzstd kmod device-tree-compiler; do
	echo "$p $(debsrc_pin "$p")"
done >"$dest/SOURCES"
touch "$dest/.complete"
say "installed $dest (${SECONDS}s)"
