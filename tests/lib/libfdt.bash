# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# A libfdt of 1.7.1 or later as a distribution would install it (a libfdt.pc
# naming headers and library), for the dynamic builds that Arch's and Fedora's
# packages make (LIBFDT=system) when the test host's own libfdt is older, as
# Debian 12's 1.6.1 is. It is the archive the static build uses
# (scripts/build-libfdt.sh), so it is linked in statically.
#
#   libfdt_standin DIR   DIR/pkgconfig/libfdt.pc with DIR/include, DIR/lib;
#                        prints DIR/pkgconfig (for PKG_CONFIG_PATH)
#   libfdt_system_old    true when the host's libfdt has no fdt_get_symbol (< 1.7.1)

libfdt_standin() {
	local dir=$1 src ver
	# shellcheck disable=SC2016 # make expands it
	src=$(make -s --no-print-directory -C "$REPO" STATIC=0 LIBFDT=source \
		--eval='fdt-dir: ; @echo $(FDT_STATIC)' fdt-dir) || return
	make -s -C "$REPO" STATIC=0 LIBFDT=source static-deps >&2 || return
	ver=$(awk '{ v = $2; sub(/-[^-]*$/, "", v); print v; exit }' "$src/VERSION")
	mkdir -p "$dir/pkgconfig" && cp -r "$src/include" "$src/lib" "$dir/" || return
	chmod -R a+rX "$dir"
	cat >"$dir/pkgconfig/libfdt.pc" <<-PC
		Name: libfdt
		Description: stand-in: libfdt $ver, built by scripts/build-libfdt.sh
		Version: $ver
		Cflags: -I$dir/include
		Libs: -L$dir/lib -lfdt
	PC
	echo "$dir/pkgconfig"
}

libfdt_system_old() {
	! printf '#include <libfdt.h>\nint main(void) { return fdt_get_symbol(0, "x") != 0; }\n' |
		cc -Werror=implicit-function-declaration -x c -o /dev/null - -lfdt 2>/dev/null
}
