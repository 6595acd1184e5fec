#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# metis-dkms: the PKGBUILD pinned to Axelera's driver, built with makepkg as an
# unprivileged user from a stand-in repository of the driver's layout (no
# network: git's URL is redirected to it), and its dkms.conf proven with DKMS
# against Debian's kernel headers, in private trees: the module lands in
# updates/dkms, where depmod and 95rpi-hardware's dracut module find it.

load packaging
load ../lib/refute

PKGDIR=$REPO/packaging/arch/metis-dkms
UPSTREAM=https://github.com/axelera-ai-hub/axelera-driver.git

setup_file() {
	pkg_workdir
	pkg_arch_init
	# The pinned commit's driver version (axl-aipu-version.h at 82e9f04c).
	COMMIT=$(standin_driver "$PKG_WORK/driver" 1.6.2)
	printf '[url "%s"]\n\tinsteadOf = %s\n[safe]\n\tdirectory = *\n' "$PKG_WORK/driver" "$UPSTREAM" >"$PKG_WORK/gitconfig"
	PKG_GIT_CONFIG=$PKG_WORK/gitconfig
	# The recipe as it is, but for the commit: the stand-in's.
	mkdir "$PKG_WORK/metis-dkms"
	cp "$PKGDIR/PKGBUILD" "$PKGDIR/dkms.conf" "$PKGDIR/metis-dkms.sysusers" "$PKG_WORK/metis-dkms/"
	sed -i "s/^_commit=.*/_commit=$COMMIT/" "$PKG_WORK/metis-dkms/PKGBUILD"
	[[ $EUID -ne 0 ]] || chown -R "$PKG_BUILDER:$PKG_BUILDER_GROUP" "$PKG_WORK/metis-dkms" "$PKG_WORK/driver"
	export COMMIT PKG_GIT_CONFIG
	pkg_makepkg "$PKG_WORK/metis-dkms" -d >"$PKG_WORK/makepkg.log" 2>&1
	echo $? >"$PKG_WORK/makepkg.rc"
	PKG=$(compgen -G "$PKG_WORK/pkgdest/metis-dkms-*.pkg.tar.zst" || :)
	export PKG
}

teardown_file() {
	pkg_cleanup
}

pkgbuild_var() {
	bash -c 'source "$1"; declare -n v=$2; IFS="|"; echo "${v[*]}"' _ "$PKGDIR/PKGBUILD" "$1"
}

@test "the PKGBUILD pins driver 1.6.2 to its full commit; DKMS, not the headers, is a dependency" {
	[ "$(pkgbuild_var pkgver)" = 1.6.2 ]
	[ "$(pkgbuild_var _commit)" = 82e9f04cba0413f6ddd9b630b87921c539a54064 ]
	[ "$(pkgbuild_var source | cut -d'|' -f1)" = "axelera-driver::git+$UPSTREAM#commit=82e9f04cba0413f6ddd9b630b87921c539a54064" ]
	[ "$(pkgbuild_var arch)" = any ]
	[ "$(pkgbuild_var depends)" = dkms ]
	[ "$(pkgbuild_var makedepends)" = git ]
	[[ $(pkgbuild_var optdepends) == *"linux-headers: "* ]]
	# A VCS source is pinned by its commit (SKIP); every file by its sha256.
	run pkgbuild_var sha256sums
	IFS='|' read -ra sums <<<"$output"
	IFS='|' read -ra srcs <<<"$(pkgbuild_var source)"
	[ "${#sums[@]}" -eq "${#srcs[@]}" ]
	local i
	for i in "${!srcs[@]}"; do
		if [[ ${srcs[i]} == *git+* ]]; then
			[[ ${srcs[i]} =~ \#commit=[0-9a-f]{40}$ ]]
			[ "${sums[i]}" = SKIP ]
		else
			[ "${sums[i]}" = "$(sha256sum "$PKGDIR/${srcs[i]}" | cut -d' ' -f1)" ]
		fi
	done
	shellcheck -s bash "$PKGDIR/PKGBUILD"
}

@test ".SRCINFO is what makepkg --printsrcinfo makes of the PKGBUILD" {
	mkdir "$PKG_WORK/srcinfo"
	cp "$PKGDIR/PKGBUILD" "$PKG_WORK/srcinfo/"
	run pkg_makepkg "$PKG_WORK/srcinfo" --printsrcinfo
	[ "$status" -eq 0 ]
	[ "$output" = "$(cat "$PKGDIR/.SRCINFO")" ] || {
		diff <(echo "$output") "$PKGDIR/.SRCINFO"
		false
	}
}

@test "dkms.conf: module metis from driver/, to /updates/dkms, rebuilt for new kernels, no REMAKE_INITRD" {
	run bash -c 'kernel_source_dir=/K dkms_tree=/T; source "$1"
		echo "$PACKAGE_NAME ${BUILT_MODULE_NAME[0]} ${BUILT_MODULE_LOCATION[0]} ${DEST_MODULE_LOCATION[0]} $AUTOINSTALL"
		echo "${MAKE[0]}"
		echo "${REMAKE_INITRD-unset}"' _ "$PKGDIR/dkms.conf"
	[ "${lines[0]}" = "metis metis ./driver /updates/dkms yes" ]
	[ "${lines[1]}" = "make -C /K M=/T/metis/@PKGVER@/build/driver modules" ]
	[ "${lines[2]}" = unset ]
}

@test "makepkg builds it offline from the pinned commit, as an unprivileged user" {
	[ "$(cat "$PKG_WORK/makepkg.rc")" -eq 0 ] || {
		tail -n 30 "$PKG_WORK/makepkg.log"
		false
	}
	grep -q "Cloning axelera-driver git repo" "$PKG_WORK/makepkg.log"
	run bash -c 'bsdtar -tf "$1" | grep -v "/$" | LC_ALL=C sort' _ "$PKG"
	[ "$output" = ".BUILDINFO
.MTREE
.PKGINFO
usr/lib/sysusers.d/metis-dkms.conf
usr/lib/udev/rules.d/72-axelera.rules
usr/src/metis-1.6.2/dkms.conf
usr/src/metis-1.6.2/driver/Makefile
usr/src/metis-1.6.2/driver/axl-aipu-core.c
usr/src/metis-1.6.2/driver/axl-aipu-ids.c
usr/src/metis-1.6.2/driver/axl-aipu-version.h" ] || {
		echo "$output"
		false
	}
	run bsdtar -xOf "$PKG" usr/src/metis-1.6.2/dkms.conf
	[[ $output == *'PACKAGE_VERSION="1.6.2"'* ]]
	[[ $output != *@PKGVER@* ]]
	run bsdtar -xOf "$PKG" .PKGINFO
	[[ $output == *"pkgver = 1.6.2-1"* ]]
	grep -qx 'depend = dkms' <<<"$output"
	refute grep -q '^depend = linux' <<<"$output"
	[ "$(bsdtar -xOf "$PKG" usr/lib/sysusers.d/metis-dkms.conf | grep -v '^#')" = "g axelera - -" ]
}

@test "prepare() refuses a commit whose driver is not pkgver" {
	local other
	sed -i 's/"1.6.2"/"1.6.1"/' "$PKG_WORK/driver/axl-aipu-version.h"
	git -C "$PKG_WORK/driver" -c safe.directory='*' -c user.name=test -c user.email=test@example.invalid \
		commit -q -am "driver 1.6.1"
	other=$(git -C "$PKG_WORK/driver" -c safe.directory='*' rev-parse HEAD)
	mkdir "$PKG_WORK/other"
	cp "$PKG_WORK/metis-dkms/"* "$PKG_WORK/other/"
	sed -i "s/^_commit=.*/_commit=$other/" "$PKG_WORK/other/PKGBUILD"
	[[ $EUID -ne 0 ]] || chown -R "$PKG_BUILDER:$PKG_BUILDER_GROUP" "$PKG_WORK/other" "$PKG_WORK/driver"
	run pkg_makepkg "$PKG_WORK/other" -d -o
	[ "$status" -ne 0 ]
	[[ $output == *"commit $other is driver 1.6.1, not 1.6.2"* ]]
}

@test "DKMS builds and installs metis.ko against Debian's headers into updates/dkms; 95rpi-hardware takes it into the image" {
	[ "$EUID" -eq 0 ] || skip "DKMS writes its signing key below /var/lib/dkms: needs root for a private one"
	command -v dkms >/dev/null || skip "no dkms"
	[ "$(cat "$PKG_WORK/makepkg.rc")" -eq 0 ]
	# shellcheck source=../lib/dracut.bash
	. "$REPO/tests/lib/dracut.bash"
	kernel_abi
	local t=$BATS_TEST_TMPDIR root
	root=$t/root
	mkdir -p "$t/pkg" "$t/dkms" "$root/lib/modules/$KERNEL_ABI"
	bsdtar -xf "$PKG" -C "$t/pkg"
	# DKMS writes its signing key under /var/lib/dkms: a private one, off the host.
	run unshare -m sh -c 'mount -t tmpfs tmpfs /var/lib/dkms &&
		for verb in add build install; do
			dkms $verb --dkmstree "$1/dkms" --sourcetree "$1/pkg/usr/src" --installtree "$2/lib/modules" \
				--kernelsourcedir "$3" -m metis -v 1.6.2 -k "$4" --no-depmod || exit 1
		done' _ "$t" "$root" "$KERNEL_HEADERS" "$KERNEL_ABI"
	echo "$output"
	[ "$status" -eq 0 ]
	local ko
	ko=$(compgen -G "$root/lib/modules/$KERNEL_ABI/updates/dkms/metis.ko*")
	[ "$(modinfo -F version "$ko")" = 1.6.2 ]
	[[ $(modinfo -F vermagic "$ko") == "$KERNEL_ABI "* ]]
	# Nothing of DKMS's touched the host's modules or initramfs.
	[[ $output != *initrd* && $output != *initramfs* ]]

	depmod -b "$root" "$KERNEL_ABI"
	grep -q '^updates/dkms/metis\.ko[^:]*:' "$root/lib/modules/$KERNEL_ABI/modules.dep"
	grep -q '^alias pci:v00001F9Dd00001100sv\*sd\*bc\*sc\*i\* metis$' "$root/lib/modules/$KERNEL_ABI/modules.alias"

	[[ -x $BUILD_DIR/overlay-slammer ]]
	dracut_workspace "$t/ws"
	dracut_image "$t/img" "$KERNEL_ABI" "$root/lib/modules/$KERNEL_ABI" --no-hostonly -m "base udev-rules rpi-hardware"
	image_has "$t/img" "usr/lib/modules/$KERNEL_ABI/updates/dkms/${ko##*/}" || {
		cat "$t/img.log"
		false
	}
	refute grep -q "kernel module 'metis' not found" "$t/img.log"

	# dkms remove takes the module out of the tree again.
	run unshare -m sh -c 'mount -t tmpfs tmpfs /var/lib/dkms &&
		dkms remove --dkmstree "$1/dkms" --sourcetree "$1/pkg/usr/src" --installtree "$2/lib/modules" \
			-m metis -v 1.6.2 -k "$3" --no-depmod' _ "$t" "$root" "$KERNEL_ABI"
	echo "$output"
	[ "$status" -eq 0 ]
	refute compgen -G "$root/lib/modules/$KERNEL_ABI/updates/dkms/metis.ko*"
}
