#!/usr/bin/env bats
# run-with: asan
# run-with: aarch64
# Hostile and unlucky inputs: overlays built to crash or stall libfdt, FIFOs and
# directories where files belong, bytes that are not text, outputs that are not
# files, no memory, no file descriptors. Each one costs one line naming it.

load helper

setup_file() {
	compile_fixtures
}

setup() {
	setup_root
	T=$BATS_TEST_TMPDIR
}

teardown() {
	teardown_root
}

# The line of $output that contains TEXT, which must be there exactly once.
only_line() {
	local n
	n=$(printf '%s\n' "$output" | grep -cF -- "$1")
	[ "$n" -eq 1 ] || { echo "expected one line with '$1', found $n in:"; echo "$output"; return 1; }
}

@test "a fixup outside its property is refused by check, check --base, merge and apply" {
	hostile local-fixup 0x7ffffff0 >"$T/lf.dtbo"
	hostile fixup 4294967294 pcie1 >"$T/fx.dtbo"
	local lf="__local_fixups__: offset 2147483632 is outside property 'fan' of /fragment@0/__overlay__/user, which has 4 bytes"
	local fx="__fixups__: label 'pcie1' at offset 4294967294 of property 'target' of /fragment@0, which has 4 bytes"
	run "$SLAMMER" check "$T/lf.dtbo" "$T/fx.dtbo"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "$T/lf.dtbo: FAIL $lf" ]
	[ "${lines[1]}" = "$T/fx.dtbo: FAIL $fx" ]
	# libfdt 1.6.1 reads and writes at these offsets unchecked: SIGSEGV, once.
	run "$SLAMMER" check --base "$FIX/cm5-base.dtbo" "$T/lf.dtbo" "$T/fx.dtbo"
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 2 ]
	run "$SLAMMER" merge --base "$FIX/cm5-base.dtbo" -o "$T/out.dtb" "$T/lf.dtbo"
	[ "$status" -eq 1 ]
	[[ "$output" == *"$T/lf.dtbo is not a valid overlay: $lf"* ]]
	[ ! -e "$T/out.dtb" ]

	# In boot, the culprit is named and never reaches the kernel; the others apply.
	start_kernel
	cp "$FIX/cm5-base.dtbo" "$ROOT/sys/firmware/fdt"
	cp "$T/lf.dtbo" "$OVL/bad-fixup.dtbo"
	cmdline rd.rpi_hw.overlays=cruiser-raspberrypi-cm5,bad-fixup,axelera-metis
	slam boot
	[ "$status" -eq 1 ]
	only_line "overlay bad-fixup: $OVL/bad-fixup.dtbo is not a valid overlay: $lf; not applied"
	[ "$(grep '^apply' "$KLOG")" = "$(printf 'apply cruiser-raspberrypi-cm5 ok\napply axelera-metis ok')" ]
	run grep -c bad-fixup "$KLOG"
	[ "$output" = 0 ]
}

@test "an overlay nested 80,000 levels deep, or 40,000 nodes wide, is refused at once" {
	hostile deep 80000 >"$T/deep.dtbo"
	[ "$(stat -c %s "$T/deep.dtbo")" -lt 1048576 ]
	hostile siblings 40000 >"$T/wide.dtbo"
	hostile props 20000 >"$T/props.dtbo"
	# Minutes in libfdt, then a stack overflow: now a line, at once.
	run timeout 20 "$SLAMMER" check --base "$FIX/cm5-base.dtbo" "$T/deep.dtbo" "$T/wide.dtbo" "$T/props.dtbo"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "$T/deep.dtbo: FAIL nodes nest deeper than 64 levels (the kernel's limit)" ]
	[ "${lines[1]}" = "$T/wide.dtbo: FAIL 40003 nodes: more than 1024, far beyond any real overlay" ]
	[ "${lines[2]}" = "$T/props.dtbo: FAIL a node with 20000 properties: more than 1024, far beyond any real overlay" ]
	# 64 levels are what the kernel takes, and they apply.
	hostile deep 64 >"$T/ok.dtbo"
	run "$SLAMMER" check --base "$FIX/cm5-base.dtbo" "$T/ok.dtbo"
	[ "$status" -eq 0 ]

	start_kernel
	cp "$FIX/cm5-base.dtbo" "$ROOT/sys/firmware/fdt"
	cp "$T/deep.dtbo" "$OVL/deep.dtbo"
	run timeout 20 "$SLAMMER" --sysroot "$ROOT" apply deep
	[ "$status" -eq 1 ]
	only_line "overlay deep: $OVL/deep.dtbo is not a valid overlay: nodes nest deeper than 64 levels (the kernel's limit); not applied"
	[ -z "$(kernel_events)" ]
}

@test "a FIFO where a file of the configuration belongs never blocks: named, skipped" {
	mkfifo "$ROOT/etc/rpi-hardware.conf" "$ROOT/etc/cmdline"
	mkdir -p "$ROOT/etc/cmdline.d"
	mkfifo "$ROOT/etc/cmdline.d/10-fifo.conf"
	echo "rd.rpi_hw.timeout=7" >"$ROOT/etc/cmdline.d/20-ok.conf"
	cmdline rd.rpi_hw.strict=1
	run timeout 10 "$SLAMMER" --sysroot "$ROOT" config
	[ "$status" -eq 0 ]
	only_line "overlay-slammer: $ROOT/etc/rpi-hardware.conf is not a regular file; using the defaults"
	only_line "overlay-slammer: $ROOT/etc/cmdline.d/10-fifo.conf is not a regular file; skipped"
	only_line "overlay-slammer: $ROOT/etc/cmdline is not a regular file; skipped"
	only_line "timeout=7"
	only_line "strict=1"

	rm "$ROOT/proc/cmdline"
	mkfifo "$ROOT/proc/cmdline"
	run timeout 10 "$SLAMMER" --sysroot "$ROOT" config strict
	[ "$status" -eq 0 ]
	only_line "overlay-slammer: $ROOT/proc/cmdline is not a regular file: the kernel command line is not applied"
	[ "${lines[-1]}" = 0 ]

	run timeout 10 "$SLAMMER" --sysroot "$ROOT" --config "$ROOT/etc/rpi-hardware.conf" config
	[ "$status" -eq 2 ]
	[ "$output" = "overlay-slammer: --config $ROOT/etc/rpi-hardware.conf: not a regular file" ]
}

@test "a FIFO where an overlay or the live tree belongs never blocks" {
	start_kernel
	rm "$OVL/axelera-metis.dtbo"
	mkfifo "$OVL/axelera-metis.dtbo"
	mkfifo "$ROOT/sys/firmware/fdt"
	run timeout 10 "$SLAMMER" --sysroot "$ROOT" apply
	[ "$status" -eq 1 ]
	only_line "overlay-slammer: $ROOT/sys/firmware/fdt is not a regular file; overlays not pre-checked"
	only_line "overlay-slammer: overlay axelera-metis: $OVL/axelera-metis.dtbo is not a regular file; not applied"
	only_line "applied overlay cruiser-raspberrypi-cm5"
}

@test "a FIFO where the kernel release or the kernel log belongs never blocks" {
	start_kernel
	rm "$ROOT/proc/sys/kernel/osrelease" "$ROOT/dev/kmsg"
	mkfifo "$ROOT/proc/sys/kernel/osrelease" "$ROOT/dev/kmsg"
	run timeout 10 "$SLAMMER" --sysroot "$ROOT" boot
	[ "$status" -eq 1 ]
	only_line "overlay-slammer: cannot log to $ROOT/dev/kmsg (a FIFO); logging to stderr only"
	only_line "overlay-slammer: cannot tell which kernel's modules to load ($ROOT/proc/sys/kernel/osrelease is not a regular file); modules not loaded"
	only_line "applied overlay axelera-metis"
	run timeout 10 "$SLAMMER" --sysroot "$ROOT" status
	[[ "$output" == *"kernel   unknown (module tree unreadable)"* ]]
}

@test "a FIFO given to check or merge never blocks" {
	mkfifo "$T/fifo.dtbo" "$T/fifo.dtb"
	run timeout 10 "$SLAMMER" check "$T/fifo.dtbo" "$FIX/by-path.dtbo"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "$T/fifo.dtbo: FAIL is not a regular file" ]
	[[ "${lines[1]}" == "$FIX/by-path.dtbo: OK"* ]]
	run timeout 10 "$SLAMMER" check --base "$T/fifo.dtb" "$FIX/by-path.dtbo"
	[ "$status" -eq 1 ]
	[ "$output" = "$T/fifo.dtb: FAIL base is not a regular file" ]
	run timeout 10 "$SLAMMER" merge --base "$T/fifo.dtb" -o "$T/out.dtb" "$FIX/by-path.dtbo"
	[ "$status" -eq 1 ]
	[ "$output" = "overlay-slammer: base tree: $T/fifo.dtb is not a regular file" ]
	run timeout 10 "$SLAMMER" merge --base "$FIX/cm5-base.dtbo" -o "$T/out.dtb" "$T/fifo.dtbo"
	[ "$status" -eq 1 ]
	[ "$output" = "overlay-slammer: $T/fifo.dtbo is not a regular file" ]
}

@test "a directory or /dev/zero where a file belongs is named by its kind" {
	mkdir "$ROOT/etc/rpi-hardware.conf"
	run "$SLAMMER" --sysroot "$ROOT" config
	only_line "overlay-slammer: $ROOT/etc/rpi-hardware.conf is a directory; using the defaults"
	run "$SLAMMER" --sysroot "$ROOT" --config /dev/zero config
	[ "$status" -eq 2 ]
	[ "$output" = "overlay-slammer: --config /dev/zero: not a regular file" ]
	run "$SLAMMER" check "$T" /dev/zero
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "$T: FAIL is a directory" ]
	[ "${lines[1]}" = "/dev/zero: FAIL is not a regular file" ]
	rm "$OVL/axelera-metis.dtbo"
	mkdir "$OVL/axelera-metis.dtbo"
	start_kernel
	slam apply axelera-metis
	[ "$status" -eq 1 ]
	only_line "overlay axelera-metis: $OVL/axelera-metis.dtbo is a directory; not applied"
}

@test "an unreadable /etc/cmdline is named and /proc/cmdline still applies" {
	start_kernel
	mkdir "$ROOT/etc/cmdline"
	cmdline rd.rpi_hw=0
	slam boot
	[ "$status" -eq 0 ]
	only_line "overlay-slammer: $ROOT/etc/cmdline is a directory; skipped"
	[[ "$output" == *"disabled (rd.rpi_hw=0 or enable=0); nothing to do"* ]]
	[ -z "$(kernel_events)" ]
	rmdir "$ROOT/etc/cmdline"
	head -c 70000 /dev/zero | tr '\0' ' ' >"$ROOT/etc/cmdline"
	cmdline rd.rpi_hw.strict=1
	slam config strict
	[ "$status" -eq 0 ]
	only_line "overlay-slammer: $ROOT/etc/cmdline is larger than 64 KiB; skipped"
	[ "${lines[-1]}" = 1 ]
}

@test "status --json is valid UTF-8 JSON, whatever bytes the names hold" {
	printf '6.1.0-\377\376-test\n' >"$ROOT/proc/sys/kernel/osrelease"
	: >"$ROOT/dev/metis-1:1:0"
	ln -s "$(printf 'metis-\303\050\377')" "$ROOT/dev/axelera0"
	conf=$(printf '%s/caf\303\251-\377.conf' "$T")
	echo "timeout=3" >"$conf"
	"$SLAMMER" --sysroot "$ROOT" --config "$conf" status --json >"$T/json" 2>/dev/null || true
	python3 - "$T/json" "$T" <<-'PY'
	import json, sys
	raw = open(sys.argv[1], "rb").read()
	d = json.loads(raw.decode("utf-8"))  # strict: invalid UTF-8 raises
	assert d["kernel"] == "6.1.0-\ufffd\ufffd-test", d["kernel"]
	assert d["config"] == sys.argv[2] + "/caf\u00e9-\ufffd.conf", d["config"]
	assert d["device"]["target"] == "metis-\ufffd(\ufffd", d["device"]
	PY
	# The text form shows the bytes as escapes, one line each.
	run "$SLAMMER" --sysroot "$ROOT" --config "$conf" status
	[[ "$output" == *"kernel   6.1.0-\\xff\\xfe-test"* ]]
	[[ "$output" == *"-> metis-\\xc3(\\xff"* ]]
}

@test "status lists every configfs item, whatever its name and however many" {
	start_kernel
	local i long
	for ((i = 0; i < 20; i++)); do
		mkdir "$CFS/item$i"
	done
	long=$(printf 'L%.0s' {1..200})
	mkdir "$CFS/name with space" "$CFS/$(printf 'new\nline')" "$CFS/$long" "$CFS/$(printf '\303\274ber')" "$CFS/.hidden"
	slam status
	[ "$(printf '%s\n' "$output" | grep -c '^overlay .*(not configured)$')" -eq 25 ]
	printf '%s\n' "$output" | grep -qxE 'overlay  new\\x0aline +unapplied \(not configured\)'
	printf '%s\n' "$output" | grep -qxE 'overlay  name with space +unapplied \(not configured\)'
	printf '%s\n' "$output" | grep -qxF "overlay  $long unapplied (not configured)"
	"$SLAMMER" --sysroot "$ROOT" status --json >"$T/json" || true
	python3 - "$T/json" <<-'PY'
	import json, sys
	d = json.loads(open(sys.argv[1], "rb").read().decode("utf-8"))
	names = [o["name"] for o in d["overlays"] if o.get("configured") is False]
	assert len(names) == 25, names
	assert "new\nline" in names and "\u00fcber" in names and ".hidden" in names, names
	PY
}

@test "merge -o never replaces a device node, a FIFO, a link or a directory" {
	mkfifo "$T/fifo.dtb"
	ln -s /dev/null "$T/null.dtb"
	ln -s /proc/self/fd/1 "$T/stdout.dtb"
	mkdir "$T/dir.dtb"
	merge_to() {
		run "$SLAMMER" merge --base "$FIX/cm5-base.dtbo" -o "$1" "$FIX/axelera-metis.dtbo"
	}
	merge_to "$T/fifo.dtb"
	[ "$status" -eq 1 ]
	[ "$output" = "overlay-slammer: $T/fifo.dtb is not a regular file (a device node, a FIFO or a socket): refused, it would be replaced; nothing written" ]
	[ -p "$T/fifo.dtb" ]
	merge_to "$T/null.dtb"
	[ "$status" -eq 1 ]
	[ "$output" = "overlay-slammer: $T/null.dtb is a symbolic link: give the file itself (the output replaces its path, and would replace the link); nothing written" ]
	[ -L "$T/null.dtb" ] && [ -c /dev/null ]
	merge_to "$T/stdout.dtb"
	[ "$status" -eq 1 ]
	[ -L "$T/stdout.dtb" ]
	merge_to "$T/dir.dtb"
	[ "$status" -eq 1 ]
	[ "$output" = "overlay-slammer: $T/dir.dtb is a directory: give the path of the file to write" ]
	# As root, a device node of its own: it stays one.
	if mknod "$T/null" c 1 3 2>/dev/null; then
		merge_to "$T/null"
		[ "$status" -eq 1 ]
		[ -c "$T/null" ]
	fi
	[ -z "$(find "$T" -maxdepth 1 -name '*.tmp')" ]
	# A regular file is still replaced.
	merge_to "$T/board.dtb"
	[ "$status" -eq 0 ]
	merge_to "$T/board.dtb"
	[ "$status" -eq 0 ]
}

@test "out of memory is named as such, never with stray bytes" {
	# Address-space limits mean nothing to sanitizers and qemu-user.
	[ "${VARIANT:-release}" = release ] || skip "needs the native release build"
	hostile big-base 6 >"$T/base.dtb"
	hostile big-overlay 700 >"$T/ovl.dtbo"
	local kb seen_oom=0 seen_ok=0 line
	for ((kb = 4096; kb <= 40960; kb += 256)); do
		run bash -c 'ulimit -v "$1"; exec "$2" check --base "$3" "$4"' _ "$kb" "$SLAMMER" "$T/base.dtb" "$T/ovl.dtbo"
		line=${lines[0]:-}
		case $line in
		*": OK 1 fragment, applies to $T/base.dtb, "*) seen_ok=1 ;;
		"$T/base.dtb: FAIL out of memory" | "$T/ovl.dtbo: FAIL out of memory applying it" | \
			"$T/base.dtb: FAIL base cannot read: out of memory"* | "$T/base.dtb: FAIL base out of memory reading it" | \
			"$T/ovl.dtbo: FAIL out of memory reading it")
			seen_oom=1 ;;
		"") [ "$status" -ne 0 ] ;; # the loader itself found no room: no line at all
		*) echo "at $kb KiB: unexpected '$line'"; return 1 ;;
		esac
		[ "${#lines[@]}" -le 1 ]
	done
	[ "$seen_oom" -eq 1 ] && [ "$seen_ok" -eq 1 ]
}

@test "running out of file descriptors is named, not taken for a missing overlay" {
	[ "${VARIANT:-release}" != aarch64 ] || skip "qemu-user needs descriptors of its own"
	start_kernel
	run bash -c 'exec 3>&-; ulimit -n 4; exec "$1" --sysroot "$2" apply axelera-metis' _ "$SLAMMER" "$ROOT"
	[ "$status" -eq 1 ]
	# strerror(EMFILE): glibc and musl word it differently.
	only_line "overlay axelera-metis: cannot open the overlay directory $OVL: "
	printf '%s\n' "$output" | grep -qE "directory $OVL: (Too many open files|No file descriptors available); not applied\$"
	[[ "$output" != *"not found"* && "$output" != *"install it"* ]]
}

@test "an overlay that is a directory is named, not raw errno text" {
	start_kernel
	rm "$OVL/axelera-metis.dtbo"
	mkdir "$OVL/axelera-metis.dtbo"
	slam apply axelera-metis
	[ "$status" -eq 1 ]
	only_line "overlay axelera-metis: $OVL/axelera-metis.dtbo is a directory; not applied"
	[ -z "$(kernel_events)" ]
}

@test "check shows file names so that none can forge a line" {
	local forged
	forged=$(printf 'x.dtbo\nby-path.dtbo: OK 1 fragment')
	printf 'junk' >"$T/$forged"
	cd "$T"
	run "$SLAMMER" check "$forged"
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 1 ]
	[ "$output" = 'x.dtbo\x0aby-path.dtbo: OK 1 fragment: FAIL too short for a device tree header' ]
}

@test "exactly 1 MiB applies, one byte more is refused: the limits leave real sizes alone" {
	start_kernel
	cp "$FIX/cm5-base.dtbo" "$ROOT/sys/firmware/fdt"
	hostile sized 1048576 >"$OVL/mib.dtbo"
	{ cat "$OVL/mib.dtbo"; printf 'x'; } >"$OVL/mib1.dtbo"
	slam apply mib
	[ "$status" -eq 0 ]
	[[ "$output" == *"applied overlay mib from $OVL/mib.dtbo (1048576 bytes, "* ]]
	cmp "$CFS/mib/dtbo" "$OVL/mib.dtbo"
	slam apply mib1
	[ "$status" -eq 1 ]
	only_line "overlay mib1: $OVL/mib1.dtbo is larger than the kernel's 1 MiB limit; not applied"
}
