# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Shared setup for the overlay-slammer suites: a fake root in $ROOT with the test
# overlays embedded, and `slam ARGS` running the helper against it.

load "$REPO/tests/lib/fake-sysroot.bash"

SLAMMER="$BUILD_DIR/overlay-slammer"
FIXTURES="$REPO/tests/slammer/fixtures"

# Compiles every fixture, and the product's own overlays, once per file into
# $BATS_FILE_TMPDIR/fix.
compile_fixtures() {
	local src
	mkdir -p "$BATS_FILE_TMPDIR/fix"
	for src in "$FIXTURES"/*.dts "$REPO"/overlays/*.dts; do
		compile_dts "$src" "$BATS_FILE_TMPDIR/fix/$(basename "${src%.dts}").dtbo"
	done
}

# A fake root with both overlays embedded.
setup_root() {
	ROOT="$BATS_TEST_TMPDIR/root"
	FIX="$BATS_FILE_TMPDIR/fix"
	OVL="$ROOT/usr/lib/rpi-hardware/overlays"
	make_sysroot "$ROOT"
	cp "$FIX/cruiser-raspberrypi-cm5.dtbo" "$FIX/axelera-metis.dtbo" "$OVL/"
}

# The CRC-32 of a file as the helper prints it (gzip's trailer holds it).
crc32_of() {
	gzip -c "$1" | tail -c 8 | od -An -tx4 -N4 | tr -d ' '
}

# Mounts the configfs stand-in with the CM5 base as the kernel's live tree.
start_kernel() {
	start_fake_configfs "$ROOT" --base "$FIX/cm5-base.dtbo" "$@"
	# shellcheck disable=SC2034 # used by the suites
	CFS="$ROOT/sys/kernel/config/device-tree/overlays"
	KLOG="$ROOT/fake-configfs.log"
}

teardown_root() {
	stop_fake_configfs "$ROOT"
}

slam() {
	run "$SLAMMER" --sysroot "$ROOT" "$@"
}

cmdline() {
	printf 'root=/dev/vda ro %s\n' "$*" >"$ROOT/proc/cmdline"
}

# The fake kernel's event log, one event per line, without "ok".
kernel_events() {
	cat "$KLOG" 2>/dev/null || true
}

# Fake module tree for $ROOT's kernel: relocatable ELF objects that carry the
# .modinfo and symbol tables depmod reads, so libkmod resolves real aliases and
# dependencies. Never loaded anywhere. metis carries the modalias of Axelera's
# driver; rpihw_dep_user, a test-only module, needs rp1_pci through an exported
# symbol, so that dependency order shows.
make_module_tree() {
	local kver dir src name
	kver=$(cat "$ROOT/proc/sys/kernel/osrelease")
	dir="$ROOT/lib/modules/$kver/extra"
	src="$BATS_TEST_TMPDIR/kmod-src"
	mkdir -p "$dir" "$src"
	cat >"$src/rp1_pci.c" <<-'C'
	static const char modinfo[] __attribute__((section(".modinfo"), used)) =
		"license=GPL\0name=rp1_pci\0";
	int rp1_pci_claim(void) { return 0; }
	static const char ksym[] __attribute__((section("__ksymtab_strings"), used)) =
		"rp1_pci_claim";
	C
	cat >"$src/metis.c" <<-'C'
	static const char modinfo[] __attribute__((section(".modinfo"), used)) =
		"license=GPL\0name=metis\0alias=pci:v00001F9Dd00001100sv*sd*bc*sc*i*\0";
	C
	cat >"$src/rpihw_dep_user.c" <<-'C'
	static const char modinfo[] __attribute__((section(".modinfo"), used)) =
		"license=GPL\0name=rpihw_dep_user\0";
	extern int rp1_pci_claim(void);
	int rpihw_dep_user_probe(void) { return rp1_pci_claim(); }
	C
	for name in rp1_pci metis rpihw_dep_user; do
		cc -c -o "$dir/$name.ko" "$src/$name.c"
	done
	depmod -b "$ROOT" "$kver" 2>/dev/null
}

# Marks a module as loaded in the fake /sys/module.
module_loaded() {
	mkdir -p "$ROOT/sys/module/$1"
	echo live >"$ROOT/sys/module/$1/initstate"
}

# hostile KIND ARGS... >OUT: a hand-made hostile device tree (tests/slammer/hostile-fdt).
hostile() {
	"$REPO/tests/slammer/hostile-fdt" "$@"
}

# corrupt_module_index crash|hang: breaks ROOT's modules.dep.bin as a bad disk or
# a half-written depmod would, in one of two ways libkmod does not survive: the
# root node's child range turned inside out (libkmod asks malloc for a negative
# count of children and writes through NULL), or its first child pointed past the
# end of the file at a prefix (libkmod reads it one byte at a time for ever,
# growing a buffer).
corrupt_module_index() {
	local kver
	kver=$(cat "$ROOT/proc/sys/kernel/osrelease")
	python3 - "$ROOT/lib/modules/$kver/modules.dep.bin" "$1" <<-'PY'
	import struct, sys
	path, how = sys.argv[1], sys.argv[2]
	b = bytearray(open(path, "rb").read())
	magic, _, root = struct.unpack(">III", b[:12])
	assert magic == 0xB007F457, "not a kmod index"
	PREFIX, CHILDS = 0x80000000, 0x20000000
	assert root & CHILDS, "the root node has no children"
	off = root & 0x0FFFFFFF
	if root & PREFIX:
	    off = b.index(0, off) + 1
	if how == "crash":
	    b[off], b[off + 1] = 0x7E, 0x00
	else:
	    b[off + 2:off + 6] = struct.pack(">I", PREFIX | 0x0FFFFFF0)
	open(path, "wb").write(b)
	PY
}
