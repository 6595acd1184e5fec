# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# What the package suites share: the release tarball of this tree, a work
# directory an unprivileged builder can write, and throwaway Debian 12 roots
# whose maintainer scripts really run (chroot).
#
#   pkg_workdir             PKG_WORK: a fresh directory the builder owns;
#                           pkg_cleanup removes it
#   pkg_version             the Makefile's VERSION
#   pkg_dist DIR            make dist of this tree into DIR
#   as_builder [--nonet] CMD...
#                           CMD as an unprivileged user (nobody, when run as
#                           root), HOME in PKG_WORK, a plain environment;
#                           --nonet: without a network (pkg_nonet)
#   pkg_nonet CMD...        CMD without a network (a new network namespace; as
#                           root only, otherwise CMD as it is)
#   debian_root             PKG_ROOT: a Debian 12 root with dracut and systemd,
#                           made once with mmdebstrap into the cache;
#                           PKG_DEBS: more packages for it (initramfs-tools and
#                           what it needs, libfdt1)
#   root_init DIR           a throwaway root: PKG_ROOT below, changes in DIR
#   root_run CMD...         CMD chrooted into it, with /proc and /dev
#   root_mounted CMD...     CMD on this host, the root mounted at PKG_SCRATCH/merged
#   root_kernel KVER        a kernel for dracut to build images for, and small
#                           images (the modules 95rpi-hardware needs, and
#                           95rpi-hardware while it is installed)
#
# Settings: RPI_HW_CACHE.

REPO=${REPO:-$(cd "${BASH_SOURCE[0]%/*}/../.." && pwd)}
RPI_HW_CACHE=${RPI_HW_CACHE:-$HOME/.cache/rpi-hardware}
export RPI_HW_CACHE
# shellcheck source=../lib/archive.bash
. "$REPO/tests/lib/archive.bash"
# shellcheck source=../lib/libfdt.bash
. "$REPO/tests/lib/libfdt.bash"

PKG_BUILDER=nobody
PKG_BUILDER_GROUP=nogroup
PKG_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

pkg_workdir() {
	PKG_WORK=$(mktemp -d "${TMPDIR:-/tmp}/rpi-hardware-pkg.XXXXXX")
	chmod 0755 "$PKG_WORK"
	mkdir "$PKG_WORK/home"
	if ((EUID == 0)); then
		chown "$PKG_BUILDER:$PKG_BUILDER_GROUP" "$PKG_WORK" "$PKG_WORK/home"
	fi
	export PKG_WORK
}

# The Arch and RPM packages link the system's libfdt, which must be 1.7.1 or
# later (as Arch's and Fedora's are); on a host with an older one (Debian 12),
# their builds get a stand-in (tests/lib/libfdt.bash) through PKG_CONFIG_PATH.
pkg_libfdt() {
	libfdt_system_old || return 0
	PKG_FDT_PC=$(libfdt_standin "$PKG_WORK/libfdt") || return
	export PKG_FDT_PC
}

pkg_cleanup() {
	[[ -n ${PKG_WORK:-} && -d $PKG_WORK ]] && rm -rf "$PKG_WORK"
	return 0
}

pkg_version() {
	make -s --no-print-directory -C "$REPO" --eval='pkg-version: ; @echo $(VERSION)' pkg-version
}

pkg_dist() {
	make -s --no-print-directory -C "$REPO" dist DIST_DIR="$1" >/dev/null
}

as_builder() {
	local -a run=(env -i HOME="$PKG_WORK/home" PATH="$PKG_PATH" LC_ALL=C.UTF-8 TERM=dumb
		${PKG_FDT_PC:+PKG_CONFIG_PATH="$PKG_FDT_PC"}) net=()
	if [[ ${1-} == --nonet ]]; then
		shift
		((EUID == 0)) && net=(unshare --net --)
	fi
	if ((EUID == 0)); then
		"${net[@]}" setpriv --reuid="$PKG_BUILDER" --regid="$PKG_BUILDER_GROUP" --clear-groups "${run[@]}" "$@"
	else
		"${run[@]}" "$@"
	fi
}

pkg_nonet() {
	if ((EUID == 0)); then
		unshare --net -- "$@"
	else
		"$@"
	fi
}

# The root is the host's release, made from the host's mirror. initramfs-tools
# and what it needs come as packages, since it cannot be installed beside
# dracut; libfdt1 for the RPM's dynamically linked helper.
PKG_ROOT_SUITE=bookworm
PKG_ROOT_PACKAGES=dracut,systemd
PKG_DEB_PACKAGES=(initramfs-tools initramfs-tools-core klibc-utils libklibc linux-base libfdt1)

debian_root() {
	local base=$RPI_HW_CACHE/packaging lock rc=0
	mkdir -p "$base"
	exec {lock}>"$base/.lock"
	flock "$lock"
	PKG_ROOT=$base/debian12-root
	archive_root "$PKG_ROOT_SUITE" "$PKG_ROOT" "$PKG_ROOT_PACKAGES" || rc=1
	PKG_DEBS=$base/debian12-debs-$(echo "${PKG_DEB_PACKAGES[*]}" | sha256sum | cut -c1-12)
	if ((rc == 0)) && [[ ! -f $PKG_DEBS/.done ]]; then
		rm -rf "$PKG_DEBS"
		mkdir -p "$PKG_DEBS"
		if (cd "$PKG_DEBS" && apt-get download -q "${PKG_DEB_PACKAGES[@]}") >"$PKG_DEBS.log" 2>&1; then
			touch "$PKG_DEBS/.done"
		else
			cat "$PKG_DEBS.log" >&2
			rc=1
		fi
	fi
	exec {lock}>&-
	export PKG_ROOT PKG_DEBS
	return "$rc"
}

root_init() {
	PKG_SCRATCH=$1
	mkdir -p "$PKG_SCRATCH"/{upper,work,merged}
	export PKG_SCRATCH
}

# Each call mounts the overlay afresh in a private mount namespace; what the
# command changed stays in the upper directory for the next call.
_root_mounts='
	set -e
	lower=$1 s=$2
	shift 2
	mount -t overlay overlay -o "lowerdir=$lower,upperdir=$s/upper,workdir=$s/work" "$s/merged"
	mount -t proc proc "$s/merged/proc"
	mount --rbind /dev "$s/merged/dev"
	mount -t tmpfs tmpfs "$s/merged/run"
	mount -t tmpfs tmpfs "$s/merged/tmp"
	set +e
'

root_run() {
	unshare --mount --propagation private -- bash -c "$_root_mounts"'
		chroot "$s/merged" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C.UTF-8 "$@"
	' _ "$PKG_ROOT" "$PKG_SCRATCH" "$@"
}

root_mounted() {
	unshare --mount --propagation private -- bash -c "$_root_mounts"'"$@"' _ "$PKG_ROOT" "$PKG_SCRATCH" "$@"
}

root_kernel() {
	local kver=$1 u=$PKG_SCRATCH/upper
	# (usr/lib: the root's /lib is a link to it)
	mkdir -p "$u/boot" "$u/usr/lib/modules/$kver" "$u/etc/dracut.conf.d"
	: >"$u/boot/vmlinuz-$kver"
	cat >"$u/etc/dracut.conf.d/90-test.conf" <<-'EOF'
		hostonly=no
		compress=cat
		early_microcode=no
		dracutmodules=" base udev-rules "
		if [ -d /usr/lib/dracut/modules.d/95rpi-hardware ]; then dracutmodules+=" rpi-hardware "; fi
	EOF
	root_run depmod -a "$kver" 2>/dev/null
}

# Files (not directories) below the throwaway root, as PATH lines, without what
# changes on its own: dpkg's and apt's state, logs, caches.
root_files() {
	root_run find / -xdev \( -path /proc -o -path /dev -o -path /sys -o -path /run -o -path /tmp \
		-o -path /var/lib/dpkg -o -path /var/log -o -path /var/cache -o -path /var/lib/apt \) -prune \
		-o ! -type d -print | LC_ALL=C sort
}

# Arch Linux's makepkg.conf defaults for x86_64, so that makepkg on Debian
# builds with the flags Arch's makepkg does; local sources and git only.
arch_makepkg_conf() {
	cat >"$1" <<-'CONF'
		VCSCLIENTS=('git::git')
		CARCH="x86_64"
		CHOST="x86_64-pc-linux-gnu"
		CFLAGS="-march=x86-64 -mtune=generic -O2 -pipe -fno-plt -fexceptions -Wp,-D_FORTIFY_SOURCE=3 -Wformat -Werror=format-security -fstack-clash-protection -fcf-protection -fno-omit-frame-pointer -mno-omit-leaf-frame-pointer"
		CXXFLAGS="$CFLAGS -Wp,-D_GLIBCXX_ASSERTIONS"
		LDFLAGS="-Wl,-O1 -Wl,--sort-common -Wl,--as-needed -Wl,-z,relro -Wl,-z,now -Wl,-z,pack-relative-relocs"
		MAKEFLAGS="-j$(nproc)"
		BUILDENV=(!distcc color !ccache check !sign)
		OPTIONS=(strip docs !libtool !staticlibs emptydirs zipman purge !debug !lto)
		INTEGRITY_CHECK=(sha256)
		STRIP_BINARIES="--strip-all"
		STRIP_SHARED="--strip-unneeded"
		STRIP_STATIC="--strip-debug"
		MAN_DIRS=({usr{,/local}{,/share},opt/*}/{man,info})
		DOC_DIRS=(usr/{,local/}{,share/}{doc,gtk-doc} opt/*/{doc,gtk-doc})
		PURGE_TARGETS=(usr/{,share}/info/dir .packlist *.pod)
		DBGSRCDIR="/usr/src/debug"
		COMPRESSZST=(zstd -c -T0 -)
		PKGEXT='.pkg.tar.zst'
		SRCEXT='.src.tar.gz'
	CONF
}

# makepkg as the builder with no network, in DIR (which holds the PKGBUILD),
# with the test makepkg.conf and the work directories below PKG_WORK. Pass -d:
# pacman here knows no Arch packages to check dependencies against.
pkg_makepkg() {
	local dir=$1
	shift
	(cd "$dir" && as_builder --nonet env PKGDEST="$PKG_WORK/pkgdest" SRCDEST="$PKG_WORK/srcdest" \
		BUILDDIR="$PKG_WORK/makepkg" ${PKG_GIT_CONFIG:+GIT_CONFIG_GLOBAL="$PKG_GIT_CONFIG"} \
		makepkg --config "$PKG_WORK/makepkg.conf" --nocolor "$@")
}

pkg_arch_init() {
	mkdir -p "$PKG_WORK/pkgdest" "$PKG_WORK/srcdest" "$PKG_WORK/makepkg"
	arch_makepkg_conf "$PKG_WORK/makepkg.conf"
	if ((EUID == 0)); then
		chown "$PKG_BUILDER:$PKG_BUILDER_GROUP" "$PKG_WORK/pkgdest" "$PKG_WORK/srcdest" "$PKG_WORK/makepkg"
	fi
}

# A git repository in DIR laid out as Axelera's driver is (kbuild Makefile with
# obj-m += metis.o, axl-aipu-*.c, axl-aipu-version.h, udev/72-axelera.rules),
# with a module of its own that claims the Metis' PCI IDs and does nothing
# else. Prints the commit id.
standin_driver() {
	local dir=$1 version=$2
	mkdir -p "$dir/udev"
	# (printf: a here-document with <<- would strip the recipes' tabs)
	printf '%b\n' '# Stand-in for Axelera'"'"'s driver: the same kbuild layout.' 'obj-m += metis.o' '' \
		'metis-y += axl-aipu-core.o axl-aipu-ids.o' '' \
		'KDIR ?= /lib/modules/$(shell uname -r)/build' 'PWD := $(shell pwd)' '' \
		'all:' '\tmake -C $(KDIR) M=$(PWD) modules' '' \
		'modules_install:' '\tmake -C $(KDIR) M=$(PWD) modules_install' '' \
		'clean:' '\tmake -C $(KDIR) M=$(PWD) clean' >"$dir/Makefile"
	printf '#ifndef AXL_AIPU_VERSION_H\n#define AXL_AIPU_VERSION_H\n\n#define DRIVER_VERSION "%s"\n\n#endif\n' \
		"$version" >"$dir/axl-aipu-version.h"
	cat >"$dir/axl-aipu-ids.c" <<-'C'
		// SPDX-License-Identifier: GPL-2.0-or-later
		#include <linux/module.h>
		#include <linux/pci.h>

		const struct pci_device_id standin_ids[] = {
			{ PCI_DEVICE(0x1f9d, 0x1100) },
			{ }
		};
		MODULE_DEVICE_TABLE(pci, standin_ids);
	C
	cat >"$dir/axl-aipu-core.c" <<-'C'
		// SPDX-License-Identifier: GPL-2.0-or-later
		#include <linux/module.h>
		#include <linux/pci.h>
		#include "axl-aipu-version.h"

		extern const struct pci_device_id standin_ids[];

		static int standin_probe(struct pci_dev *pdev, const struct pci_device_id *id)
		{
			return -ENODEV;
		}

		static struct pci_driver standin_driver = {
			.name = "axl",
			.id_table = standin_ids,
			.probe = standin_probe,
		};
		module_pci_driver(standin_driver);

		MODULE_LICENSE("GPL");
		MODULE_VERSION(DRIVER_VERSION);
		MODULE_DESCRIPTION("stand-in for Axelera's metis driver");
	C
	printf 'SUBSYSTEM=="metis", GROUP="axelera", MODE="0660"\n' >"$dir/udev/72-axelera.rules"
	git -C "$dir" init -q
	git -C "$dir" add -A
	git -C "$dir" -c user.name=test -c user.email=test@example.invalid commit -q -m "driver $version"
	git -C "$dir" rev-parse HEAD
}
