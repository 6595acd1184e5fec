# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# The other initramfs generators, real, without touching the host: a Debian root
# per release made with mmdebstrap (archive.bash) through the host's mirror,
# cached under $RPI_HW_CACHE/generators and shared by the suites under a lock.
# Each test works in a throw-away overlay of that root (gen_root_run), into
# which `make install` puts the product and the test kernel's module tree is
# bound; the generator then runs there as an administrator would run it.
# initramfs-tools cannot sit next to dracut on the host (they conflict), so it
# runs only in those roots.
#
#   gen_root SUITE            the cached root of SUITE (bookworm: initramfs-tools
#                             0.142; trixie: initramfs-tools 0.148 and dracut-ng
#                             106 side by side); sets GEN_ROOT
#   gen_run DIR KVER MODDIR COMMAND...
#                             run COMMAND (on the host side) in a private mount
#                             namespace where $GEN_MNT is an overlay of GEN_ROOT
#                             whose changes stay in DIR/upper, with /proc, /sys,
#                             /dev, the test kernel's module tree MODDIR as
#                             /lib/modules/KVER and DIR/out as /out; COMMAND
#                             reaches into it with "chroot $GEN_MNT ..."
#   gen_install               (in gen_run) make install of this tree into
#                             $GEN_MNT, the test configuration and overlays
#   gen_chroot COMMAND...     (in gen_run) COMMAND in the root, PATH of Debian's

# shellcheck source=archive.bash
. "${BASH_SOURCE[0]%/*}/archive.bash"

GEN_CACHE=${RPI_HW_CACHE:-$HOME/.cache/rpi-hardware}/generators

# The packages of each root. busybox: initramfs-tools' default BUSYBOX=auto
# takes it when present, as on Debian and Raspberry Pi OS installs.
gen_packages() {
	case $1 in
	bookworm) echo initramfs-tools,busybox ;;
	trixie) echo initramfs-tools,busybox,dracut-core,systemd,systemd-sysv ;;
	*) return 1 ;;
	esac
}

gen_root() {
	local suite=$1 pkgs
	pkgs=$(gen_packages "$suite") || { echo "generators: no root defined for $suite" >&2; return 1; }
	GEN_ROOT=$GEN_CACHE/$suite-root
	mkdir -p "$GEN_CACHE"
	{
		flock 9
		archive_root "$suite" "$GEN_ROOT" "$pkgs"
	} 9>"$GEN_CACHE/.$suite.lock" || return 1
	export GEN_ROOT
}

# The shell functions and the variables of the caller go along into the
# namespace: COMMAND may be one of the test's functions.
gen_run() {
	local dir=$1 kver=$2 moddir=$3
	shift 3
	mkdir -p "$dir"/{upper,work,root,out}
	unshare --mount --propagation private -- bash -c "$(declare -f)
		$(declare -p REPO BUILD_DIR KERNEL_ABI KERNEL_ROOT GEN_ROOT DW ${GEN_VARS-} 2>/dev/null | sed 's/^declare -[a-z-]* /declare -x /')"'
		set -e
		d=$1 lower=$2 kver=$3 moddir=$4
		shift 4
		mount -t overlay overlay -o "lowerdir=$lower,upperdir=$d/upper,workdir=$d/work" "$d/root"
		mount -t proc proc "$d/root/proc"
		mount --bind /sys "$d/root/sys"
		mount --bind /dev "$d/root/dev"
		mkdir -p "$d/root/lib/modules/$kver" "$d/root/out"
		mount --bind "$moddir" "$d/root/lib/modules/$kver"
		mount --bind "$d/out" "$d/root/out"
		set +e
		GEN_MNT=$d/root "$@"
	' _ "$dir" "$GEN_ROOT" "$kver" "$moddir" "$@"
}

gen_chroot() {
	env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root TMPDIR=/var/tmp chroot "$GEN_MNT" "$@"
}

# The product as `make install` puts it, the kernel's configuration where a
# Debian system has it, and the test configuration: the default overlays (the
# Metis overlay is the package's; the Cruiser's stand-in where a Raspberry Pi
# root has it), the driver and rp1_pci.
gen_install() {
	make -s -C "$REPO" B="${BUILD_DIR#"$REPO"/}" DESTDIR="$GEN_MNT" install >/dev/null || return
	[[ -f $KERNEL_ROOT/boot/config-$KERNEL_ABI ]] && cp "$KERNEL_ROOT/boot/config-$KERNEL_ABI" "$GEN_MNT/boot/"
	make_overlay "$GEN_MNT/boot/firmware/overlays" cruiser-raspberrypi-cm5
	printf '%s\n' '# generator tests' 'modules=metis,rp1_pci' 'timeout=7' >"$GEN_MNT/etc/rpi-hardware.conf"
}
