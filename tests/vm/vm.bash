# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# Emulated boots: Debian's kernel boots a dracut image built by the real dracut
# with 95rpi-hardware from the working tree, in QEMU, with test-only kernel
# modules standing in for the hardware (tests/kmod): the configfs overlay
# interface with the PCIe x1 port behind it, and Axelera's driver, which binds
# to a real PCI device of the emulated machine (QEMU's edu). See docs/testing.md.
#
#   vm_prepare DIR      everything a boot needs, under DIR (per run) and the cache:
#                       kernel, stand-in modules, module trees, overlays, the
#                       administrator's hardware-ids, root filesystem, and the
#                       images (VM_IMG_CLASSIC, _SYSTEMD, _FAULTY, _NOMOD)
#   vm_accel            picks KVM or TCG (RPI_HW_ACCEL=auto|kvm|tcg): VM_ACCEL,
#                       VM_ACCEL_NOTE
#   vm_boot NAME IMAGE "CMDLINE" [PATTERN INPUT]...
#                       one bounded boot; the serial console goes to
#                       $VM_OUT/NAME.log. Each PATTERN (grep -E) awaited on the
#                       console is answered by typing INPUT. VM_CARDS (1) edu
#                       devices stand for Metis cards, at slots 4, 5, ...
#   vm_timeline LOG     the boot's timeline, from kernel timestamps
#
# Settings: RPI_HW_ACCEL (auto), RPI_HW_VM_TIMEOUT (hard limit per boot, seconds),
# RPI_HW_VM_JOBS (boots run at once), RPI_HW_VM_OUT (where logs are kept).

# shellcheck source-path=SCRIPTDIR source=../lib/dracut.bash
. "${BASH_SOURCE[0]%/*}/../lib/dracut.bash"
# shellcheck source-path=SCRIPTDIR source=cards.bash
. "${BASH_SOURCE[0]%/*}/cards.bash"

VM_SRC=$REPO/tests/vm
VM_CACHE=$RPI_HW_CACHE/vm
VM_OUT=${RPI_HW_VM_OUT:-$BUILD_DIR/vm}
VM_FIXTURES=$REPO/tests/slammer/fixtures
# The product's own Metis overlay, as make builds it.
VM_METIS_DTBO=$BUILD_DIR/overlays/axelera-metis.dtbo

# Kernel command line of every boot: serial console with timestamps, the test
# root on virtio (no fsck: it is not what the boots test), and no reboot loop
# if the kernel panics. Scenarios add to it.
VM_CMDLINE="console=ttyS0 printk.time=1 panic=-1 root=/dev/vda rootfstype=ext4 ro rd.skipfsck"
# A boot that is not meant to stop in a shell ends instead of waiting in one:
# systemd powers off; the classic init has no poweroff, exits, and the kernel's
# panic ends QEMU (panic=-1, -no-reboot).
export VM_NOSHELL="rd.shell=0 rd.emergency=poweroff"

# Progress for people; the demo replaces it.
vm_progress() {
	:
}

vm_die() {
	echo "vm: $*" >&2
	return 1
}

# vm_tree VARIANT [MODULE-TO-LEAVE-OUT]: a cached module tree, Debian's modules
# plus the test modules; prints its root.
_vm_tree() {
	local variant=$1 without=${2:-} root key m mods=()
	key=$(printf '%s\n' tree-3 "$KMOD_DIR" | sha256sum | cut -c1-16)
	root=$VM_CACHE/trees/$KERNEL_ABI-$key-$variant
	{
		flock 9
		if [[ ! -f $root/.done ]]; then
			rm -rf "$root"
			for m in "$KMOD_DIR"/*.ko; do
				m=${m##*/}
				[[ $m == "$without.ko" ]] || mods+=("${m%.ko}")
			done
			kernel_tree "$root" "$KERNEL_ABI" "${mods[@]}" >&2 || exit 1
			_vm_compress "$root/lib/modules/$KERNEL_ABI" "$variant" || exit 1
			touch "$root/.done"
		fi
	} 9>"$VM_CACHE/.trees.lock" || return 1
	echo "$root"
}

# _vm_compress DIR VARIANT: module formats other distributions ship, which the
# helper's libkmod decompresses itself (the kernel's own decompression is not
# used): variant zst-xz has metis.ko.zst and rp1_pci.ko.xz (as kbuild writes
# them, CRC32 check). Other variants stay plain. No .ko.gz: Debian 12's depmod
# (and so dracut's) is built without zlib (-ZLIB) and leaves such a module out
# of modules.dep.
_vm_compress() {
	local dir=$1/extra
	case $2 in
	zst-xz) zstd -q --rm "$dir/metis.ko" && xz --check=crc32 "$dir/rp1_pci.ko" ;;
	*) return 0 ;;
	esac || return
	depmod -b "${1%/lib/modules/*}" "${1##*/}"
}

# QEMU boots an uncompressed kernel directly (PVH entry point): under TCG that
# saves the seconds the xz decompressor takes. Falls back to the bzImage.
_vm_kernel() {
	local out=$VM_CACHE/vmlinux-$KERNEL_ABI off
	VM_KERNEL=$KERNEL_IMAGE
	if [[ ! -f $out ]]; then
		off=$(LC_ALL=C grep -abo $'\xfd7zXZ' "$KERNEL_IMAGE" | head -n 1 | cut -d: -f1)
		[[ -n $off ]] || return 0
		tail -c +"$((off + 1))" "$KERNEL_IMAGE" | xz -dc --single-stream >"$out.tmp" 2>/dev/null
		if [[ $(head -c 4 "$out.tmp" | od -An -c | tr -d ' ') == 177ELF ]]; then
			mv "$out.tmp" "$out"
		else
			rm -f "$out.tmp"
			return 0
		fi
	fi
	VM_KERNEL=$out
}

# The stand-in of Exaviz's Cruiser overlay and the PoE port overlay that needs a
# label only the Cruiser's defines: the helper's test fixtures, compiled. The
# Metis overlay is the product's own ($VM_METIS_DTBO).
_vm_overlays() {
	local dir=$1 n
	mkdir -p "$dir"
	for n in cruiser-raspberrypi-cm5 cruiser-poe-port; do
		dtc -q -@ -I dts -O dtb -o "$dir/$n.dtbo" "$VM_FIXTURES/$n.dts" ||
			vm_die "dtc failed on $VM_FIXTURES/$n.dts" || return
	done
}

# Overwrites 4 bytes of FILE at OFFSET with the big-endian VALUE.
_vm_poke32() {
	printf '%b' "$(printf '\\x%02x' $(($3 >> 24 & 255)) $(($3 >> 16 & 255)) $(($3 >> 8 & 255)) $(($3 & 255)))" |
		dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

_vm_peek32() {
	od -An -tu4 --endian=big -j "$2" -N 4 "$1" | tr -d ' '
}

# Blobs for the stand-in's own checks (rootfs/selftest), made from the Metis
# overlay: each breaks one thing the kernel checks before it looks inside.
_vm_blobs() {
	local dir=$1 ovl=$2 size
	mkdir -p "$dir"
	cp "$ovl/cruiser-raspberrypi-cm5.dtbo" "$dir/cruiser.dtbo"
	cp "$ovl/cruiser-poe-port.dtbo" "$dir/poe-port.dtbo"
	cp "$VM_METIS_DTBO" "$dir/metis.dtbo"
	size=$(stat -c %s "$dir/metis.dtbo")
	cp "$dir/metis.dtbo" "$dir/bad-magic.dtbo"
	_vm_poke32 "$dir/bad-magic.dtbo" 0 $((0xd00dfeee))
	head -c $((size - 16)) "$dir/metis.dtbo" >"$dir/truncated.dtbo"
	cp "$dir/metis.dtbo" "$dir/small-totalsize.dtbo"
	_vm_poke32 "$dir/small-totalsize.dtbo" 4 64
	cp "$dir/metis.dtbo" "$dir/bad-tag.dtbo"
	_vm_poke32 "$dir/bad-tag.dtbo" "$(_vm_peek32 "$dir/metis.dtbo" 8)" 15
}

# A tiny root filesystem: busybox, the helper, its configuration and the
# overlays where a Raspberry Pi root keeps them, and the module indexes the
# helper reads. Boots write to a throw-away copy (QEMU's snapshot mode), so
# boots running at once share it and every boot starts from the same state.
_vm_rootfs() {
	local img=$1 tree=$2 ovl=$3 blobs=$4 etc=$5 st=$1.d a kdir
	rm -rf "$st"
	mkdir -p "$st"/{bin,sbin,etc,proc,sys,dev,run,tmp,usr/sbin,usr/lib/rpihw-vmtest} \
		"$st/boot/firmware/overlays" "$st/lib/firmware/rpihw-vmtest" "$st/usr/lib/rpi-hardware"
	cp /bin/busybox "$st/bin/busybox"
	for a in $(/bin/busybox --list); do
		[[ $a == busybox ]] || ln -sf busybox "$st/bin/$a"
	done
	install -m 0755 "$VM_SRC/rootfs/init" "$st/sbin/init"
	install -m 0755 "$VM_SRC/rootfs/selftest" "$st/usr/lib/rpihw-vmtest/selftest"
	install -m 0755 "$BUILD_DIR/overlay-slammer" "$st/usr/sbin/overlay-slammer"
	cp "$ovl"/cruiser-*.dtbo "$VM_METIS_DTBO" "$st/boot/firmware/overlays/"
	cp -r "$blobs" "$st/usr/lib/rpihw-vmtest/blobs"
	_vm_plain_overlay "$st/lib/firmware/rpihw-vmtest/plain.dtbo" plain || return
	# systemd's switch-root refuses a root without os-release.
	printf '%s\n' 'NAME="rpi-hardware test root"' 'ID=rpihw-vmtest' >"$st/etc/os-release"
	# The product's defaults; the overlays where a Raspberry Pi root keeps them.
	printf '%s\n' '# emulated boots (tests/vm): the defaults but for the wait' 'timeout=5' \
		>"$st/etc/rpi-hardware.conf"
	cp "$REPO/rules/hardware-ids" "$st/usr/lib/rpi-hardware/hardware-ids"
	cp -r "$etc/rpi-hardware" "$st/etc/"
	kdir=$st/lib/modules/$KERNEL_ABI
	mkdir -p "$kdir"
	cp "$tree/lib/modules/$KERNEL_ABI"/modules.* "$kdir/"
	cp -r "$tree/lib/modules/$KERNEL_ABI/extra" "$kdir/"
	rm -f "$img"
	mke2fs -q -t ext4 -L rpihw-root -d "$st" "$img" 64M >/dev/null || vm_die "mke2fs failed" || return
	rm -rf "$st"
}

# _vm_plain_overlay FILE NAME: an overlay with nothing to resolve, adding a
# node named after NAME.
_vm_plain_overlay() {
	printf '%s\n' '/dts-v1/;' '/plugin/;' '/ {' '	fragment@0 {' '		target-path = "/";' \
		"		__overlay__ { rpihw-vmtest-$2 { compatible = \"rpi-hardware,test\"; }; };" \
		'	};' '};' | dtc -q -@ -I dts -O dtb -o "$1" -
}

# The test configuration embedded in the images: the product's defaults (modules,
# overlays, device), but where the build host keeps the overlays and how long to
# wait.
_vm_conf() {
	cat >"$1" <<-EOF
		# emulated boots (tests/vm)
		overlay_dirs=$DW/no-such-dir $DW/overlays ${VM_METIS_DTBO%/*}
		timeout=5
	EOF
}

# dracut with the module from the working tree and the test module next to it.
_vm_workspace() {
	local dir=$1
	dracut_workspace "$dir"
	ln -sfn "$VM_SRC/dracut/99rpihw-vmtest" "$DW/base/modules.d/99rpihw-vmtest"
	rm -f "$DW/overlays"/*.dtbo
	_vm_overlays "$DW/overlays" || return
	_vm_conf "$DW/rpi-hardware.conf"
	# The test dracut module copies the administrator's files into the image's
	# /etc: without --sysroot, 95rpi-hardware would read the build host's /etc.
	vm_admin_etc "$dir/etc" || return
	export RPIHW_VMTEST_ETC=$dir/etc
	if [[ ! -f $BUILD_DIR/rules/65-rpi-hardware.rules ]]; then
		mkdir -p "$DW/rules"
		"$REPO/rules/gen-rules.sh" link "$REPO/rules/hardware-ids" \
			>"$DW/rules/65-rpi-hardware.rules" || return
		sed -i "s|^rpi_hw_rulesdir=.*|rpi_hw_rulesdir=$DW/rules|" "$DW/dracut.conf"
	fi
}

VM_MODULES_CLASSIC="base udev-rules rootfs-block rpi-hardware rpihw-vmtest"
VM_MODULES_SYSTEMD="systemd systemd-initrd dracut-systemd base udev-rules rootfs-block rpi-hardware rpihw-vmtest"

# vm_image IMG TREE CONF MODULES
_vm_image() {
	local img=$1 tree=$2 conf=$3 modules=$4 dconf=$1.dracut.conf
	sed "s|^rpi_hw_config=.*|rpi_hw_config=$conf|" "$DW/dracut.conf" >"$dconf"
	RH_DRACUT_CONF=$dconf dracut_image "$img" "$KERNEL_ABI" "$tree/lib/modules/$KERNEL_ABI" \
		--no-hostonly -m "$modules" || {
		tail -n 20 "$img.log" >&2
		vm_die "dracut failed building $img (log: $img.log)"
	}
}

# The faulty image is the classic one with overlays added after it was built, the
# way a damaged or edited file would be: the kernel unpacks a cpio archive
# appended to the image over the first one. truncated-metis is cut short, so
# only the overlay check can catch it; cruiser-poe-port is a good overlay that needs a label only the Cruiser overlay
# defines, so the kernel refuses it before that one.
_vm_break_image() {
	local src=$1 img=$2 work=$2.break ovl=usr/lib/rpi-hardware/overlays size
	rm -rf "$work"
	mkdir -p "$work/$ovl"
	size=$(stat -c %s "$VM_METIS_DTBO")
	head -c $((size - 16)) "$VM_METIS_DTBO" >"$work/$ovl/truncated-metis.dtbo"
	cp "$DW/overlays/cruiser-poe-port.dtbo" "$work/$ovl/"
	cp "$src" "$img" || return
	(cd "$work" && find usr | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) >>"$img" || return
	rm -rf "$work"
}

vm_prepare() {
	local dir=$1 tree tree_nomod tree_zx pid pids failed=0
	[[ -x $BUILD_DIR/overlay-slammer ]] ||
		vm_die "no $BUILD_DIR/overlay-slammer: run make first" || return
	[[ -f $VM_METIS_DTBO ]] || vm_die "no $VM_METIS_DTBO: run make first" || return
	mkdir -p "$dir" "$VM_CACHE" "$VM_OUT"
	vm_progress "fetching and unpacking Debian's kernel (first run only)"
	kernel_prepare || return
	_vm_kernel
	vm_progress "module trees for $KERNEL_ABI"
	tree=$(_vm_tree full) || return
	tree_nomod=$(_vm_tree no-metis metis) || return
	tree_zx=$(_vm_tree zst-xz) || return
	_vm_workspace "$dir/ws" || return
	_vm_blobs "$dir/blobs" "$DW/overlays"
	vm_progress "root filesystem (ext4, busybox)"
	VM_ROOTFS=$dir/root.ext4
	_vm_rootfs "$VM_ROOTFS" "$tree" "$DW/overlays" "$dir/blobs" "$dir/ws/etc" || return

	vm_progress "initramfs images with dracut"
	VM_IMG_CLASSIC=$dir/classic.img
	VM_IMG_SYSTEMD=$dir/systemd.img
	VM_IMG_FAULTY=$dir/faulty.img
	VM_IMG_NOMOD=$dir/nomod.img
	VM_IMG_ZSTXZ=$dir/zst-xz.img
	if [[ ${VM_ONLY_CLASSIC:-0} == 1 ]]; then
		_vm_image "$VM_IMG_CLASSIC" "$tree" "$DW/rpi-hardware.conf" "$VM_MODULES_CLASSIC"
		return
	fi
	# dracut runs mostly on one core: the images build side by side.
	{ _vm_image "$VM_IMG_CLASSIC" "$tree" "$DW/rpi-hardware.conf" "$VM_MODULES_CLASSIC" &&
		_vm_break_image "$VM_IMG_CLASSIC" "$VM_IMG_FAULTY"; } &
	pids=($!)
	_vm_image "$VM_IMG_SYSTEMD" "$tree" "$DW/rpi-hardware.conf" "$VM_MODULES_SYSTEMD" &
	pids+=($!)
	_vm_image "$VM_IMG_NOMOD" "$tree_nomod" "$DW/rpi-hardware.conf" "$VM_MODULES_CLASSIC" &
	pids+=($!)
	_vm_image "$VM_IMG_ZSTXZ" "$tree_zx" "$DW/rpi-hardware.conf" "$VM_MODULES_CLASSIC" &
	pids+=($!)
	for pid in "${pids[@]}"; do
		wait "$pid" || failed=1
	done
	((failed == 0))
}

# --- accelerator -----------------------------------------------------------

# A kernel and a five-line init that prints a marker and powers off: the probe
# passes only if a guest really ran to user space.
_vm_probe_initrd() {
	local out=$VM_CACHE/probe.cpio st
	[[ -f $out ]] && { echo "$out"; return 0; }
	st=$(mktemp -d)
	mkdir -p "$st/bin"
	cp /bin/busybox "$st/bin/"
	printf '%s\n' '#!/bin/busybox sh' '/bin/busybox mkdir -p /proc' \
		'/bin/busybox mount -t proc proc /proc' 'echo RPIHW-PROBE-USERSPACE' \
		'echo o > /proc/sysrq-trigger' '/bin/busybox sleep 30' >"$st/init"
	chmod 0755 "$st/init"
	(cd "$st" && find . | cpio -o -H newc -R 0:0 --quiet) >"$out.tmp" && mv "$out.tmp" "$out"
	rm -rf "$st"
	echo "$out"
}

# Exit 0 if a KVM guest with CPU model $1 reaches user space in time; 2 if
# QEMU itself gave up quickly (another model may still work).
_vm_probe_kvm() {
	local cpu=$1 initrd log rc
	initrd=$(_vm_probe_initrd) || return 1
	log=$(mktemp)
	timeout -k 2 "${RPI_HW_KVM_PROBE_TIMEOUT:-10}" qemu-system-x86_64 -accel kvm -cpu "$cpu" \
		-m 256 -nodefaults -no-user-config -display none -monitor none -no-reboot \
		-serial "file:$log" -kernel "$VM_KERNEL" -initrd "$initrd" \
		-append "console=ttyS0 panic=-1" </dev/null >/dev/null 2>&1
	rc=$?
	if grep -q RPIHW-PROBE-USERSPACE "$log"; then
		rm -f "$log"
		return 0
	fi
	rm -f "$log"
	((rc == 124 || rc == 137)) && return 1
	return 2
}

vm_accel() {
	local cpu r
	VM_CPU=
	case ${RPI_HW_ACCEL:-auto} in
	tcg)
		VM_ACCEL=tcg VM_ACCEL_NOTE="TCG (forced with RPI_HW_ACCEL=tcg)"
		;;
	kvm)
		VM_ACCEL=kvm VM_CPU=host VM_ACCEL_NOTE="KVM (forced with RPI_HW_ACCEL=kvm)"
		;;
	auto)
		VM_ACCEL=tcg
		if [[ ! -r /dev/kvm || ! -w /dev/kvm ]]; then
			VM_ACCEL_NOTE="TCG (no usable /dev/kvm)"
			return 0
		fi
		VM_ACCEL_NOTE="TCG (/dev/kvm is there but a KVM guest did not reach user space)"
		vm_progress "probing KVM with a short boot"
		for cpu in host max; do
			_vm_probe_kvm "$cpu"
			r=$?
			if ((r == 0)); then
				VM_ACCEL=kvm VM_CPU=$cpu VM_ACCEL_NOTE="KVM (-cpu $cpu; probe boot passed)"
				break
			fi
			# A guest that hung is not rescued by another CPU model.
			((r == 2)) || break
		done
		;;
	*)
		vm_die "RPI_HW_ACCEL=${RPI_HW_ACCEL} is not auto, kvm or tcg"
		return
		;;
	esac
	export VM_ACCEL VM_CPU VM_ACCEL_NOTE
}

# --- boots -----------------------------------------------------------------

# The QEMU command line of a boot, in VM_QEMU.
_vm_qemu_args() {
	local img=$1 cmdline=$2
	VM_QEMU=(qemu-system-x86_64 -accel tcg)
	[[ $VM_ACCEL == kvm ]] && VM_QEMU=(qemu-system-x86_64 -accel kvm -cpu "$VM_CPU")
	VM_QEMU+=(-m 512 -smp 1 -nodefaults -no-user-config -display none -monitor none
		-no-reboot -serial stdio -kernel "$VM_KERNEL" -initrd "$img" -append "$cmdline"
		-drive "file=$VM_ROOTFS,format=raw,if=virtio,snapshot=on")
	# The cards: VM_CARDS (1) edu devices (cards.bash).
	mapfile -t -O "${#VM_QEMU[@]}" VM_QEMU < <(vm_cards_qemu "${VM_CARDS:-1}")
}

# Waits until the log matches PATTERN or QEMU (PID) is gone.
_vm_expect() {
	local log=$1 pattern=$2 pid=$3
	until grep -qE -- "$pattern" "$log" 2>/dev/null; do
		kill -0 "$pid" 2>/dev/null || return 1
		sleep 0.2
	done
}

# Hard limit of one boot, seconds: generous, it only stops a hung guest.
vm_timeout() {
	if [[ -n ${RPI_HW_VM_TIMEOUT:-} ]]; then
		echo "$RPI_HW_VM_TIMEOUT"
	elif [[ $VM_ACCEL == kvm ]]; then
		echo 90
	else
		echo 240
	fi
}

# vm_boot_all: boots the lines "NAME|IMAGE|ARGS[|PROMPT|INPUT[|CARDS]]" read from
# stdin, RPI_HW_VM_JOBS (default: the number of CPUs) at a time, and waits for
# all. CARDS is how many edu devices the machine has (1).
vm_boot_all() {
	local name img args prompt input cards jobs=${RPI_HW_VM_JOBS:-$(nproc)}
	while IFS='|' read -r name img args prompt input cards; do
		while (($(jobs -rp | wc -l) >= jobs)); do
			wait -n
		done
		if [[ -n $prompt ]]; then
			VM_CARDS=${cards:-1} vm_boot "$name" "$img" "$args" "$prompt" "$input" &
		else
			VM_CARDS=${cards:-1} vm_boot "$name" "$img" "$args" &
		fi
	done
	wait
}

vm_boot() {
	local name=$1 img=$2 cmdline="$VM_CMDLINE $3" log fifo fd pid rc t0
	shift 3
	log=$VM_OUT/$name.log
	fifo=$VM_OUT/$name.in
	rm -f "$log" "$fifo" "$VM_OUT/$name.result"
	mkfifo "$fifo"
	# Held open for writing, so QEMU's console input neither blocks nor ends.
	exec {fd}<>"$fifo"
	t0=$(date +%s%N)
	_vm_qemu_args "$img" "$cmdline"
	timeout -k 5 "$(vm_timeout)" "${VM_QEMU[@]}" <"$fifo" >"$log" 2>"$VM_OUT/$name.qemu" &
	pid=$!
	while (($# >= 2)); do
		_vm_expect "$log" "$1" "$pid" || break
		printf '%s\n' "$2" >&"$fd"
		shift 2
	done
	wait "$pid"
	rc=$?
	exec {fd}>&-
	rm -f "$fifo"
	awk -v rc="$rc" -v ns="$(($(date +%s%N) - t0))" \
		'BEGIN { printf "qemu=%d seconds=%.1f\n", rc, ns / 1e9 }' >"$VM_OUT/$name.result"
	return 0
}

# --- timeline --------------------------------------------------------------

# The console with one kernel log record per line: a record printed while the
# console was in the middle of another line starts a line of its own again
# (also after initramfs-tools' "Begin: ... ... ", which ends in a space).
vm_console() {
	tr -d '\r' <"$1" | sed -E 's/([^[:space:]]|\.\.\. )(\[ *[0-9]+\.[0-9]{6}\] )/\1\n\2/g'
}

# The chain as the kernel timestamped it: helper start and end, each module,
# each overlay (and any refusal), the port and the card on the PCI bus, the
# driver's node, /dev/axelera0, the pre-mount check, the root mount, the root's
# init and what it found.
vm_timeline() {
	vm_console "$1" | awk '
	function out(t, who, what) {
		if (length(what) > 96)
			what = substr(what, 1, 93) "..."
		printf "  %8.3f  %-9s %s\n", t, who, what
	}
	!match($0, /^\[ *[0-9]+\.[0-9]+\] /) { next }
	{ t = substr($0, 2, RLENGTH - 3) + 0; m = substr($0, RLENGTH + 1) }
	m ~ /^rpihw-vmtest: root: init running/ { root = 1; out(t, "root", "init running"); next }
	root && m ~ /^rpihw-vmtest: root: (device|class metis|twice|selftest: done)/ {
		sub(/^rpihw-vmtest: root: /, "", m); out(t, "root", m); next }
	root { next }
	m ~ /^overlay-slammer: boot: modules/ { out(t, "helper", "start: " substr(m, 24)); next }
	m ~ /^overlay-slammer: boot: (done|finished)/ { out(t, "helper", "end: " substr(m, 24)); next }
	m ~ /^overlay-slammer: loaded module / {
		split(m, w, " "); out(t, "helper", "module " w[4] " loaded " w[5] " " w[6]); next }
	m ~ /^overlay-slammer: applied overlay / {
		split(m, w, " "); out(t, "helper", "overlay " w[4] " applied"); next }
	m ~ /^overlay-slammer: overlays: / { next }
	m ~ /^overlay-slammer: / { sub(/^overlay-slammer: /, "", m); out(t, "helper", m); next }
	m ~ /^rpihw_overlays: (overlay .* rejected|PCIe x1 port (down|up))/ {
		sub(/^rpihw_overlays: /, "", m); out(t, "kernel", m); next }
	m ~ /^pci [0-9a-f]+:[0-9a-f]+:[0-9a-f]+\.[0-7]: \[1234:11e8\] type/ {
		split(m, w, " "); out(t, "kernel", "PCI " substr(w[2], 1, length(w[2]) - 1) " [1234:11e8] enumerated"); next }
	m ~ /^axl [0-9a-f:.]+: Wrong msi number/ { sub(/^axl /, "", m); out(t, "metis", m); next }
	m ~ /^metis: (metis-[^ ]+ (created|removed)|stand-in)/ { sub(/^metis: /, "", m); out(t, "metis", m); next }
	m ~ /^rpihw-vmtest: (interface|udev|udev-early|pre-mount): / {
		sub(/^rpihw-vmtest: /, "", m); out(t, "probe", m); next }
	m ~ /^(dracut: )?rpi-hardware: / && m !~ /rpi-hardware: status: / {
		sub(/^(dracut: )?rpi-hardware: /, "", m); out(t, "hook", m); next }
	m ~ /^dracut Warning: rpi-hardware: / { sub(/^dracut Warning: rpi-hardware: /, "", m); out(t, "hook", m); next }
	m ~ /^EXT4-fs \(vda\): mounted/ { out(t, "kernel", "root /dev/vda mounted"); next }
	m ~ /^EXT4-fs \(vda\): unmounting/ { out(t, "kernel", "root /dev/vda unmounted (for fsck)"); next }
	'
}

# The kernel timestamp of the first record whose text matches the ERE, or nothing.
vm_stamp() {
	vm_console "$1" | awk -v re="$2" '
	match($0, /^\[ *[0-9]+\.[0-9]+\] /) && substr($0, RLENGTH + 1) ~ re {
		printf "%.3f\n", substr($0, 2, RLENGTH - 3); exit }'
}
