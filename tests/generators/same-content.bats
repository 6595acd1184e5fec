#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# One build root, three generators: in a Debian 13 root with this tree
# installed, initramfs-tools 0.148 (mkinitramfs), dracut-ng 106 and the
# mkinitcpio glue (tests/lib/mkinitcpio-harness) each build an image; all three
# carry the same helper, configuration, overlays, ID table, rules, group and
# boot steps, because all three take the list from initramfs/lib/image.sh.

load ../lib/dracut
load ../lib/generators

# The files every image must carry identically.
SAME="usr/sbin/overlay-slammer etc/rpi-hardware.conf usr/lib/rpi-hardware/hardware-ids
usr/lib/rpi-hardware/overlays/cruiser-raspberrypi-cm5.dtbo usr/lib/rpi-hardware/overlays/axelera-metis.dtbo
usr/lib/udev/rules.d/65-rpi-hardware.rules usr/lib/rpi-hardware/boot.sh"

three_images() {
	gen_install || return
	printf '%s\n' 'build() { :; }' >"$GEN_MNT/usr/lib/initcpio/install/base"
	install -m 0755 "$REPO/tests/lib/mkinitcpio-harness" "$GEN_MNT/var/tmp/mkinitcpio-harness"
	sed -i 's/^MODULES=.*/MODULES=list/' "$GEN_MNT/etc/initramfs-tools/initramfs.conf"
	gen_chroot mkinitramfs -c gzip -o /out/itools.img "$KERNEL_ABI" >"$GEN_MNT/out/itools.log" 2>&1 &&
		gen_chroot unmkinitramfs /out/itools.img /out/itools &&
		gen_chroot dracut --no-hostonly --no-compress --no-early-microcode --force \
			-m "base udev-rules rpi-hardware" --kver "$KERNEL_ABI" /out/dracut.img >"$GEN_MNT/out/dracut.log" 2>&1 &&
		mkdir -p "$GEN_MNT/out/dracut" &&
		gen_chroot sh -c 'cd /out/dracut && lsinitrd --unpack /out/dracut.img' &&
		gen_chroot bash /var/tmp/mkinitcpio-harness -k "$KERNEL_ABI" -d /out/mkinitcpio \
			base udev rpi-hardware >"$GEN_MNT/out/mkinitcpio.log" 2>&1
}

setup_file() {
	[[ $EUID -eq 0 ]] || skip "needs root for chroot and overlay mounts"
	kernel_prepare
	TREE=$(kernel_cached_tree "$KERNEL_ABI")
	gen_root trixie || return 1
	gen_run "$BATS_FILE_TMPDIR/gen" "$KERNEL_ABI" "$TREE/lib/modules/$KERNEL_ABI" three_images || {
		tail -n 20 "$BATS_FILE_TMPDIR"/gen/out/*.log >&2
		return 1
	}
	OUT=$BATS_FILE_TMPDIR/gen/out
	export OUT
}

# The unpacked image of a generator (unmkinitramfs: main/ when there is an
# early part).
root_of() {
	if [[ -d $OUT/$1/main ]]; then echo "$OUT/$1/main"; else echo "$OUT/$1"; fi
}

@test "the three images carry the same helper, configuration, overlays, ID table, rules and boot steps" {
	local f g
	for f in $SAME; do
		[ -f "$(root_of dracut)/$f" ] || { echo "dracut: no $f"; return 1; }
		for g in itools mkinitcpio; do
			cmp "$(root_of dracut)/$f" "$(root_of "$g")/$f" || { echo "$g: $f differs from dracut's"; return 1; }
		done
	done
	cmp "$BUILD_DIR/overlay-slammer" "$(root_of dracut)/usr/sbin/overlay-slammer"
}

@test "the three images give the rules' group the same ID, the build root's" {
	local g want
	want=$(grep -m1 '^render:' "$GEN_CACHE/trixie-root/etc/group" | cut -d: -f1-3):
	for g in dracut itools mkinitcpio; do
		grep -qx "$want" "$(root_of "$g")/etc/group" || { echo "$g: no $want"; return 1; }
	done
}

@test "the three images carry the driver and configfs" {
	local g
	for g in dracut itools mkinitcpio; do
		find "$(root_of "$g")" -path "*/modules/$KERNEL_ABI/extra/metis.ko*" | grep -q . || { echo "$g: no metis"; return 1; }
		find "$(root_of "$g")" -path "*/modules/$KERNEL_ABI/*" -name 'configfs.ko*' | grep -q . || { echo "$g: no configfs"; return 1; }
	done
}

@test "the three build logs carry the same lines of rpi-hardware" {
	local g
	for g in itools dracut mkinitcpio; do
		grep -o 'rpi-hardware: overlay .*' "$OUT/$g.log" | sort >"$BATS_TEST_TMPDIR/$g"
	done
	[ -s "$BATS_TEST_TMPDIR/itools" ]
	diff "$BATS_TEST_TMPDIR/itools" "$BATS_TEST_TMPDIR/dracut"
	diff "$BATS_TEST_TMPDIR/itools" "$BATS_TEST_TMPDIR/mkinitcpio"
}
