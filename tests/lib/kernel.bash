# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# The test kernel: Debian's linux-image that matches the installed
# linux-headers-amd64, unpacked into the cache, plus the test-only modules of
# tests/kmod built with kbuild against those headers. Nothing goes into the
# host's /boot or /lib/modules. The first run downloads and builds; later runs
# reuse the cache, guarded by a lock so parallel suites do not race.
#
#   kernel_prepare          sets KERNEL_ABI, KERNEL_ROOT (ROOT/lib/modules/ABI is
#                           the pristine Debian tree with modules.dep), KMOD_DIR
#                           (built .ko files) and KERNEL_IMAGE (vmlinuz)
#   kernel_tree DEST KVER [MODULE...]
#                           hard-linked copy of the Debian tree at
#                           DEST/lib/modules/KVER with the named test modules
#                           (default: all) in extra/, depmod'ed
#   kernel_cached_tree KVER [MODULE...]
#                           the same, kept in the cache; prints ROOT

RPI_HW_CACHE=${RPI_HW_CACHE:-$HOME/.cache/rpi-hardware}
KMOD_SRC=${REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}/tests/kmod

# The meta-package pins the ABI ("linux-headers-6.1.0-56-amd64 (= 6.1.192-2)");
# the image must be that exact build, or module vermagic and symbols disagree.
kernel_abi() {
	local dep
	dep=$(dpkg-query -W -f='${Depends}' linux-headers-amd64 2>/dev/null) || {
		echo "kernel: linux-headers-amd64 is not installed; run scripts/deps.sh" >&2
		return 1
	}
	dep=${dep%%,*}
	KERNEL_ABI=${dep%% *}
	KERNEL_ABI=${KERNEL_ABI#linux-headers-}
	KERNEL_DEBVER=${dep##*= }
	KERNEL_DEBVER=${KERNEL_DEBVER%)}
	KERNEL_HEADERS=/usr/src/linux-headers-$KERNEL_ABI
	if [[ ! -f $KERNEL_HEADERS/Makefile ]]; then
		echo "kernel: $KERNEL_HEADERS is missing; reinstall linux-headers-amd64" >&2
		return 1
	fi
}

# apt-get download needs package lists; a fresh machine may have none yet.
_kernel_download() {
	local pkg=$1 dir=$2
	(cd "$dir" && apt-get download -q "$pkg" >/dev/null 2>&1) && return 0
	if ((EUID == 0)); then
		apt-get -q update >/dev/null 2>&1 || true
		(cd "$dir" && apt-get download -q "$pkg" >/dev/null) && return 0
	fi
	echo "kernel: cannot download $pkg; run 'apt-get update', and make sure" \
		"linux-headers-amd64 is the newest version the archive offers" >&2
	return 1
}

_kernel_unpack() {
	local base=$1 pkg deb
	pkg=linux-image-$KERNEL_ABI-unsigned=$KERNEL_DEBVER
	mkdir -p "$base/deb"
	deb=$(compgen -G "$base/deb/linux-image-${KERNEL_ABI}-unsigned_*.deb" | head -n 1)
	if [[ -z $deb ]]; then
		_kernel_download "$pkg" "$base/deb" || return 1
		deb=$(compgen -G "$base/deb/linux-image-${KERNEL_ABI}-unsigned_*.deb" | head -n 1)
	fi
	rm -rf "$base/root.tmp"
	dpkg -x "$deb" "$base/root.tmp" || return 1
	# Debian 12 ships the tree under /lib; later releases under /usr/lib.
	if [[ ! -d $base/root.tmp/lib/modules && -d $base/root.tmp/usr/lib/modules ]]; then
		mkdir -p "$base/root.tmp/lib"
		mv "$base/root.tmp/usr/lib/modules" "$base/root.tmp/lib/modules"
	fi
	depmod -b "$base/root.tmp" "$KERNEL_ABI" || return 1
	rm -rf "$base/root"
	mv "$base/root.tmp" "$base/root"
}

# Objects are keyed by the sources and the headers build, so an edit to a test
# module or a headers update rebuilds, and nothing else does.
_kmod_build() {
	local key out
	key=$( (cd "$KMOD_SRC" && find . -type f \( -name '*.c' -o -name '*.h' -o -name Kbuild \
		-o -name Makefile \) -print0 | sort -z | xargs -0 sha256sum; echo "$KERNEL_DEBVER") |
		sha256sum | cut -c1-16)
	out=$RPI_HW_CACHE/kmod-build/$KERNEL_ABI-$key
	KMOD_DIR=$out/ko
	[[ -f $out/.done ]] && return 0
	rm -rf "$out"
	mkdir -p "$out/src" "$out/ko"
	cp -r "$KMOD_SRC"/. "$out/src/"
	if ! make -s -C "$KERNEL_HEADERS" M="$out/src" modules >"$out/build.log" 2>&1; then
		cat "$out/build.log" >&2
		echo "kernel: building the test modules against $KERNEL_HEADERS failed" >&2
		return 1
	fi
	find "$out/src" -name '*.ko' -exec cp {} "$out/ko/" \;
	touch "$out/.done"
}

kernel_prepare() {
	local base lock rc=0
	kernel_abi || return 1
	base=$RPI_HW_CACHE/kernel/$KERNEL_ABI
	mkdir -p "$base"
	exec {lock}>"$base/.lock"
	flock "$lock"
	if [[ ! -f $base/root/lib/modules/$KERNEL_ABI/modules.dep ]]; then
		_kernel_unpack "$base" || rc=1
		# A headers update moved the ABI on: the old kernel is not used again.
		find "$RPI_HW_CACHE/kernel" -mindepth 1 -maxdepth 1 -type d \
			! -name "$KERNEL_ABI" -exec rm -rf {} +
	fi
	((rc == 0)) && { _kmod_build || rc=1; }
	exec {lock}>&-
	((rc == 0)) || return 1
	KERNEL_ROOT=$base/root
	KERNEL_IMAGE=$KERNEL_ROOT/boot/vmlinuz-$KERNEL_ABI
	export KERNEL_ABI KERNEL_DEBVER KERNEL_HEADERS KERNEL_ROOT KMOD_DIR KERNEL_IMAGE
}

kernel_tree() {
	local dest=$1 kver=$2 m
	shift 2
	local src=$KERNEL_ROOT/lib/modules/$KERNEL_ABI dst=$dest/lib/modules/$kver
	mkdir -p "${dst%/*}"
	cp -al "$src" "$dst" 2>/dev/null || cp -a "$src" "$dst" || return 1
	mkdir -p "$dst/extra"
	if (($# == 0)); then
		cp "$KMOD_DIR"/*.ko "$dst/extra/"
	else
		for m in "$@"; do
			cp "$KMOD_DIR/$m.ko" "$dst/extra/" || return 1
		done
	fi
	# depmod replaces its output files rather than writing through the links,
	# so the cached tree keeps its own modules.dep.
	depmod -b "$dest" "$kver"
}

# A kernel_tree kept in the cache, for suites that only read it; prints its
# root (ROOT/lib/modules/KVER). Keyed by the test modules' build.
kernel_cached_tree() {
	local kver=$1 root lock rc=0
	shift
	root=${KMOD_DIR%/ko}
	root=$RPI_HW_CACHE/trees/${root##*/}-$kver${*:+-}$(
		IFS=-
		echo "$*"
	)
	mkdir -p "$RPI_HW_CACHE/trees"
	exec {lock}>"$RPI_HW_CACHE/trees/.lock"
	flock "$lock"
	if [[ ! -f $root/.done ]]; then
		rm -rf "$root"
		if kernel_tree "$root" "$kver" "$@" >&2; then
			touch "$root/.done"
		else
			rc=1
		fi
	fi
	exec {lock}>&-
	((rc == 0)) && echo "$root"
}
