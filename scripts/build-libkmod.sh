#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# build-libkmod.sh DEST: DEST/lib/libkmod.a and DEST/include/libkmod.h.
#
# Debian ships libkmod only as a shared library, and the initramfs helper is linked
# statically. The archive is built from Debian's own kmod source package, at the
# version the installed libkmod-dev came from (KMOD_VERSION overrides), so it
# carries the same patches. The source is fetched with a private apt configuration
# whose deb-src entries are derived from the host's Debian archive entries: the
# host's apt sources, lists and caches are left as they were.
#
# CC selects the compiler; a cross compiler gives a cross build (--host).
set -euo pipefail

me="build-libkmod"
dest=${1:?usage: build-libkmod.sh DEST}

say() { echo "$me: $*"; }
die() {
	echo "$me: error: $*" >&2
	exit 1
}

if [[ -f $dest/lib/libkmod.a && -f $dest/include/libkmod.h ]]; then
	say "$dest/lib/libkmod.a already built"
	exit 0
fi

read -ra cc <<<"${CC:-cc}"
for tool in apt-get apt-config dpkg-query dpkg-source autoreconf libtoolize make pkg-config "${cc[0]}"; do
	command -v "$tool" >/dev/null ||
		die "$tool not found: this builds Debian's kmod source; run scripts/deps.sh (elsewhere build with STATIC=0)"
done

work=$(mktemp -d "${TMPDIR:-/tmp}/$me.XXXXXX")
tmp_a=$dest/lib/.libkmod.a.$$
tmp_h=$dest/include/.libkmod.h.$$
trap 'rm -rf "$work" "$tmp_a" "$tmp_h"' EXIT
log=$work/log

# Run one phase with its output kept aside; on failure show the end of it.
# HINT, when set, says what to do about it.
step() {
	local name=$1
	shift
	if ! "$@" >"$log" 2>&1 </dev/null; then
		tail -n 20 "$log" | sed 's/^/    /' >&2
		die "$name failed${HINT:+; $HINT}"
	fi
}

# Vendor fields differ between compilers (x86_64-pc-linux-gnu for clang,
# x86_64-linux-gnu for gcc); drop them so only a real target change counts as cross.
triplet() { awk -F- 'NF == 4 { print $1 "-" $3 "-" $4; next } { print }'; }
host=$("${cc[@]}" -dumpmachine | triplet) || die "${CC:-cc} -dumpmachine failed"
build=$({ dpkg-architecture -qDEB_BUILD_GNU_TYPE 2>/dev/null || gcc -dumpmachine; } | triplet)

version=${KMOD_VERSION:-$({ dpkg-query -W -f='${db:Status-Abbrev}|${source:Version}\n' \
	libkmod-dev kmod 2>/dev/null || :; } | awk -F'|' '$1 ~ /^.i/ { print $2; exit }')}
[[ -n $version ]] || die "no installed libkmod-dev or kmod to take the version from; set KMOD_VERSION"

# deb-src twins of the host's Debian archive entries (one-line and deb822 forms);
# third-party repositories publish no sources and are left out.
derive_sources() {
	local list parts f
	eval "$(apt-config shell list Dir::Etc::SourceList/f parts Dir::Etc::SourceParts/d)"
	# Signed by the archive keyring; or, with no keyring file named, a path that ends
	# in the archive name.
	local official='function official(u, k) {
		if (k ~ /(debian|ubuntu)-archive-/) return 1
		if (k ~ /signed-by[:=][ \t]*[^ \t]/) return 0
		return u ~ /\/(debian|debian-security|debian-ports|ubuntu|ubuntu-ports)\/?([ \t]|$)/
	}'
	for f in "$list" "$parts"*.list; do
		[[ -f $f ]] || continue
		awk "$official"'
			{ sub(/#.*/, "") }
			$1 == "deb" {
				rest = substr($0, index($0, "deb") + 3)
				uri = rest; opts = ""
				if (uri ~ /^[ \t]*\[/) { opts = uri; sub(/\].*/, "", opts); sub(/^[^\]]*\]/, "", uri) }
				split(uri, w, " ")
				if (official(w[1], opts)) print "deb-src" rest
			}' "$f"
	done >"$work/apt/parts/host.list"
	for f in "$parts"*.sources; do
		[[ -f $f ]] || continue
		awk "$official"'
			BEGIN { RS = ""; FS = "\n" }
			{
				types = uris = keys = out = ""; enabled = 1
				for (i = 1; i <= NF; i++) {
					line = $i; l = tolower(line)
					if (l ~ /^#/) continue
					if (l ~ /^types:/) { types = l " "; line = "Types: deb-src" }
					else if (l ~ /^uris:/) uris = l " "
					else if (l ~ /^signed-by:/) keys = l
					else if (l ~ /^enabled:[ \t]*no/) enabled = 0
					out = out line "\n"
				}
				if (enabled && types ~ /[ \t]deb[ \t]/ && official(uris, keys)) print out
			}' "$f"
	done >"$work/apt/parts/host.sources"
}

mkdir -p "$work/apt/parts" "$work/apt/lists/partial" "$work/apt/cache/archives/partial" "$work/src" "$work/build"
derive_sources || die "reading the apt sources failed"
entries=$(cat "$work/apt/parts/host.list" "$work/apt/parts/host.sources" | grep -c -i -E '^(deb-src|types:)' || :)
((entries > 0)) || die "no Debian archive entries in the apt sources to derive deb-src from"

# Given with -c, this is read after the host's apt.conf.d, so it can drop the
# update hooks there (they act on the host's caches).
cat >"$work/apt.conf" <<EOF
#clear APT::Update::Pre-Invoke;
#clear APT::Update::Post-Invoke;
#clear APT::Update::Post-Invoke-Success;
Dir::Etc::SourceList "$work/apt/none.list";
Dir::Etc::SourceParts "$work/apt/parts";
Dir::State::Lists "$work/apt/lists";
Dir::Cache "$work/apt/cache";
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
APT::Sandbox::User "root";
Acquire::Languages "none";
EOF
apt=(apt-get -q -c "$work/apt.conf")
src=$work/src/kmod

say "index: fetching source indexes for $entries Debian archive entries"
# An unreachable or source-less entry is no reason to stop while others answered.
if ! "${apt[@]}" update >"$log" 2>&1 </dev/null; then
	compgen -G "$work/apt/lists/*_Sources*" >/dev/null || {
		tail -n 20 "$log" | sed 's/^/    /' >&2
		die "apt-get update (private source index) failed"
	}
	say "warning: some source indexes failed: $(grep -m1 '^E:' "$log" || :)" >&2
fi
say "download: kmod $version source package"
download() ( cd "$work/src" && "${apt[@]}" source --download-only --only-source "kmod=$version" )
HINT="if the archive no longer has $version, set KMOD_VERSION" step "download of kmod $version source" download
say "unpack: dpkg-source -x"
step "dpkg-source -x" dpkg-source -x "$work/src/kmod_${version#*:}.dsc" "$src"

say "autoreconf"
# automake wants gtk-doc's gtk-doc.make even though the API manual is not built here.
regen() ( cd "$src" && touch libkmod/docs/gtk-doc.make && autoreconf --force --install )
step autoreconf regen

if [[ $host != "$build" ]] && ! command -v "$host-pkg-config" >/dev/null; then
	export PKG_CONFIG_LIBDIR=/usr/lib/$host/pkgconfig:/usr/share/pkgconfig
fi
say "configure: xz zstd zlib, no openssl, host $host"
configure() (
	cd "$work/build" && "$src/configure" --build="$build" --host="$host" CC="${CC:-cc}" \
		--prefix=/usr --with-xz --with-zstd --with-zlib \
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
