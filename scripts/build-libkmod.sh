#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# build-libkmod.sh DEST: DEST/lib/libkmod.a and DEST/include/libkmod.h.
#
# Debian ships libkmod only as a shared library, and the initramfs helper is linked
# statically. The archive is built from Debian's own kmod source package, at the
# version the installed libkmod-dev came from (KMOD_VERSION overrides, from the
# suite KMOD_SUITE), so it carries the same patches. The source is fetched with a private apt configuration
# (scripts/debian-source.bash): the host's apt sources, lists and caches are left
# as they were. Concurrent builds of one DEST wait for each other.
#
# CC selects the compiler; a cross compiler gives a cross build (--host).
set -euo pipefail

me="build-libkmod"
dest=${1:?usage: build-libkmod.sh DEST}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# shellcheck source-path=SCRIPTDIR source=debian-source.bash
. "$here/debian-source.bash"

if [[ -f $dest/lib/libkmod.a && -f $dest/include/libkmod.h ]]; then
	say "$dest/lib/libkmod.a already built"
	exit 0
fi

read -ra cc <<<"${CC:-cc}"
for tool in apt-get apt-config dpkg-query dpkg-source autoreconf libtoolize make pkg-config "${cc[0]}"; do
	command -v "$tool" >/dev/null ||
		die "$tool not found: this builds Debian's kmod source; run scripts/deps.sh (elsewhere build with STATIC=0)"
done

debsrc_lock "$dest"
if [[ -f $dest/lib/libkmod.a && -f $dest/include/libkmod.h ]]; then
	say "$dest/lib/libkmod.a already built"
	exit 0
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/$me.XXXXXX")
src=$work/src/kmod
tmp_a=$dest/lib/.libkmod.a.$$
tmp_h=$dest/include/.libkmod.h.$$
trap 'rm -rf "$work" "$tmp_a" "$tmp_h"' EXIT
log=$work/log


# Vendor fields differ between compilers (x86_64-pc-linux-gnu for clang,
# x86_64-linux-gnu for gcc); drop them so only a real target change counts as cross.
triplet() { awk -F- 'NF == 4 { print $1 "-" $3 "-" $4; next } { print }'; }
host=$("${cc[@]}" -dumpmachine | triplet) || die "${CC:-cc} -dumpmachine failed"
build=$({ dpkg-architecture -qDEB_BUILD_GNU_TYPE 2>/dev/null || gcc -dumpmachine; } | triplet)

version=${KMOD_VERSION:-$({ dpkg-query -W -f='${db:Status-Abbrev}|${source:Version}\n' \
	libkmod-dev kmod 2>/dev/null || :; } | awk -F'|' '$1 ~ /^.i/ { print $2; exit }')}
[[ -n $version ]] || die "no installed libkmod-dev or kmod to take the version from; set KMOD_VERSION"

mkdir -p "$work/build" || die "cannot create $work/build"
debsrc_setup "$work" "${KMOD_SUITE:-}"
say "download: kmod $version source package"
debsrc_unpack kmod "$version" "$src"

say "autoreconf"
# automake wants gtk-doc's gtk-doc.make even though the API manual is not built here.
regen() ( cd "$src" && touch libkmod/docs/gtk-doc.make && autoreconf --force --install )
step autoreconf regen

if [[ $host != "$build" && -z ${PKG_CONFIG_LIBDIR:-} ]] && ! command -v "$host-pkg-config" >/dev/null; then
	export PKG_CONFIG_LIBDIR=/usr/lib/$host/pkgconfig:/usr/share/pkgconfig
fi
say "configure: xz zstd zlib, no openssl, host $host"
# --sysconfdir: libkmod reads SYSCONFDIR/modprobe.d, and with --prefix=/usr alone
# that is /usr/etc/modprobe.d, where no distribution and no dracut image puts
# its files (options, blacklists, rd.driver.blacklist=).
configure() (
	cd "$work/build" && "$src/configure" --build="$build" --host="$host" CC="${CC:-cc}" \
		--prefix=/usr --sysconfdir=/etc --with-xz --with-zstd --with-zlib \
		--without-openssl --disable-tools --disable-manpages --disable-test-modules
)
step configure configure

# kmod's configure refuses --enable-static, but its test suite links a convenience
# archive of the same objects (libkmod plus its shared helpers): that is the archive.
say "build: libkmod-internal.a"
archive=$work/build/libkmod/.libs/libkmod-internal.a
step "make libkmod-internal.la" make -C "$work/build" -j"$(nproc 2>/dev/null || echo 2)" libkmod/libkmod-internal.la
[[ -f $archive ]] || die "make did not produce $archive"

# The internals have generic global names (hash_new, mkdir_p, strbuf_init...) that
# would collide with a program's own. Partially link them into one object and make
# every hidden symbol local: only the kmod_* API stays global, as in libkmod.so.
say "localize: one object, only the kmod_* API global"
tool() { if command -v "$host-$1" >/dev/null; then echo "$host-$1"; else echo "$1"; fi; }
localize() (
	mkdir -p "$work/obj" && cd "$work/obj" && "$(tool ar)" x "$archive" &&
		"${cc[@]}" -r -nostdlib -o "$work/libkmod-all.o" ./*.o &&
		"$(tool objcopy)" --localize-hidden "$work/libkmod-all.o" &&
		rm -f "$work/libkmod.a" && "$(tool ar)" rcs "$work/libkmod.a" "$work/libkmod-all.o"
)
step "localizing internal symbols" localize
archive=$work/libkmod.a

# Rename into place, archive last: its presence is what says the build is complete.
mkdir -p "$dest/lib" "$dest/include" || die "cannot create $dest"
if ! { install -m 0644 "$src/libkmod/libkmod.h" "$tmp_h" && mv -f "$tmp_h" "$dest/include/libkmod.h" &&
	install -m 0644 "$archive" "$tmp_a" && mv -f "$tmp_a" "$dest/lib/libkmod.a"; }; then
	die "installing into $dest failed"
fi
say "installed $dest/lib/libkmod.a (kmod $version, ${SECONDS}s)"
