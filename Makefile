# SPDX-License-Identifier: GPL-2.0-or-later
#
# rpi-hardware: early-boot bring-up of the Axelera Metis on the Exaviz Cruiser.
#
#   make                 static helper and everything installable, in build/release
#   make STATIC=0        dynamic build through pkg-config
#   make CROSS=aarch64-linux-gnu-   cross build, in build/aarch64
#   make check           install test dependencies, build, run every test
#   make demo            install dependencies, build, boot the happy path in QEMU
#   make install DESTDIR=... PREFIX=...   /   make uninstall
#   make dist            release tarball and package recipes, in build/dist

VERSION      := 0.1.0

PREFIX       ?= /usr
SBINDIR      ?= $(PREFIX)/sbin
PKGLIBDIR    ?= $(PREFIX)/lib/rpi-hardware
DRACUTDIR    ?= $(PREFIX)/lib/dracut/modules.d/95rpi-hardware
UDEVRULESDIR ?= $(PREFIX)/lib/udev/rules.d
MANDIR       ?= $(PREFIX)/share/man
SYSCONFDIR   ?= /etc
DESTDIR      ?=

RPI_HW_CACHE ?= $(HOME)/.cache/rpi-hardware
STATIC       ?= 1
SANITIZE     ?= 0
CROSS        ?=
CHECK_CROSS  ?= aarch64-linux-gnu-

ifneq ($(CROSS),)
CC           := $(CROSS)gcc
endif
ifeq ($(origin CC),default)
CC           := gcc
endif
STRIP        ?= $(CROSS)strip
ARCH         := $(shell $(CC) -dumpmachine)
# A cross build has its own directories, named by the target CPU: build/aarch64.
XB           := $(if $(CROSS),build/$(firstword $(subst -, ,$(ARCH))))

ifeq ($(SANITIZE),1)
B            ?= $(or $(XB:%=%-asan),build/asan)
override STATIC := 0
SAN_FLAGS    := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
else ifeq ($(STATIC),0)
B            ?= $(or $(XB:%=%-dynamic),build/dynamic)
SAN_FLAGS    :=
else
B            ?= $(or $(XB),build/release)
SAN_FLAGS    :=
endif

WARN_FLAGS   := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wstrict-prototypes \
                -Wmissing-prototypes -Wvla -Wundef
CFLAGS       ?= -O2 -g
ALL_CFLAGS   := -std=c11 -D_GNU_SOURCE -DVERSION='"$(VERSION)"' $(WARN_FLAGS) \
                -fstack-protector-strong $(SAN_FLAGS) $(CFLAGS)
ifeq ($(SANITIZE),0)
ALL_CFLAGS   += -D_FORTIFY_SOURCE=2
endif
ALL_LDFLAGS  := $(SAN_FLAGS) $(LDFLAGS)

# libkmod has no static archive in Debian: scripts/build-libkmod.sh builds one from
# Debian's kmod source package into the cache, once per architecture. The
# directory is named for its --sysconfdir=/etc: archives built before read
# /usr/etc/modprobe.d.
KMOD_STATIC  ?= $(RPI_HW_CACHE)/kmod-etc-$(ARCH)
# The target's .pc files; Debian ships no <triplet>-pkg-config without pkgconf:<arch>.
PKG_CONFIG   ?= $(if $(CROSS),PKG_CONFIG_LIBDIR=/usr/lib/$(ARCH)/pkgconfig:/usr/share/pkgconfig )pkg-config

# libfdt 1.7.1 or later (1.6.1 loses the target of an overlay that labels its own
# __overlay__ node, as Raspberry Pi's do). LIBFDT=source: the archive that
# scripts/build-libfdt.sh builds from the Debian source pinned in
# scripts/sources.list, cached by version and target; the default of the static
# and the sanitizer builds. LIBFDT=system: the system's, checked (the default of
# STATIC=0).
FDT_PIN      := $(shell awk '$$1 == "device-tree-compiler" { print $$3 }' scripts/sources.list)
FDT_STATIC   ?= $(RPI_HW_CACHE)/fdt-$(FDT_PIN)-$(ARCH)
LIBFDT       ?= $(if $(filter 1,$(STATIC) $(SANITIZE)),source,system)
ifeq ($(LIBFDT),source)
FDT_CFLAGS   := -I$(FDT_STATIC)/include
FDT_LIBS     := -L$(FDT_STATIC)/lib -lfdt
FDT_DEPS     := $(FDT_STATIC)/lib/libfdt.a
else ifeq ($(LIBFDT),system)
FDT_CFLAGS   := $(shell $(PKG_CONFIG) --cflags libfdt 2>/dev/null)
FDT_LIBS     := $(or $(shell $(PKG_CONFIG) --libs libfdt 2>/dev/null),-lfdt)
# fdt_get_symbol() came with 1.7.1: without it, the library is older.
FDT_DEPS     := $(B)/.libfdt-1.7.1
else
$(error LIBFDT=$(LIBFDT): say LIBFDT=source or LIBFDT=system)
endif

# The static helper is linked against musl, not glibc (LIBC=musl, the default of
# the static build; LIBC=glibc links it against static glibc as before): a
# second build of its objects in $(B)/musl with MUSL_CC, against the libraries
# scripts/build-musl-libs.sh builds for musl from the Debian sources pinned in
# scripts/sources.list. Everything else (the unit tests, the test tools) stays
# with the system's C library. docs/performance.md says what it saves.
LIBC         ?= $(if $(filter 1,$(STATIC)),musl,glibc)
MUSL_TRIPLET := $(subst -gnu,-musl,$(ARCH))
MUSL_SPECS   := /usr/lib/$(MUSL_TRIPLET)/musl-gcc.specs
MUSL_CC      ?= $(CC) -specs=$(MUSL_SPECS)
# The Linux UAPI headers the musl build sees (musl-gcc.specs leaves them out).
KERNEL_UAPI  ?= $(if $(CROSS),$(addprefix /usr/$(ARCH)/include/,linux asm asm-generic),\
                /usr/include/linux /usr/include/asm-generic /usr/include/$(ARCH)/asm)
MUSL_KEY     := $(shell cat scripts/sources.list scripts/build-musl-libs.sh scripts/build-libkmod.sh 2>/dev/null | sha256sum | cut -c1-12)
MUSL_LIBS    ?= $(RPI_HW_CACHE)/musl-$(ARCH)-$(MUSL_KEY)

ifeq ($(LIBC),musl-objects)
# The inner build of the musl helper (see LIBC above): only the helper is made.
DEP_CFLAGS   := -I$(MUSL_LIBS)/include
DEP_LIBS     := -static -Wl,--gc-sections -L$(MUSL_LIBS)/lib -lkmod -lzstd -llzma -lz -lfdt
STATIC_DEPS  := $(MUSL_LIBS)/.complete
ALL_CFLAGS   += -ffunction-sections -fdata-sections -isystem $(MUSL_LIBS)/include/kernel
else ifeq ($(STATIC),1)
DEP_CFLAGS   := $(FDT_CFLAGS) -I$(KMOD_STATIC)/include
DEP_LIBS     := -static -Wl,--gc-sections -L$(KMOD_STATIC)/lib -lkmod -lzstd -llzma -lz \
                $(FDT_LIBS)
STATIC_DEPS  := $(KMOD_STATIC)/lib/libkmod.a $(FDT_DEPS) $(if $(filter musl,$(LIBC)),$(MUSL_LIBS)/.complete)
ALL_CFLAGS   += -ffunction-sections -fdata-sections
else
DEP_CFLAGS   := $(FDT_CFLAGS) $(shell $(PKG_CONFIG) --cflags libkmod zlib 2>/dev/null)
DEP_LIBS     := $(shell $(PKG_CONFIG) --libs libkmod zlib 2>/dev/null) $(FDT_LIBS)
STATIC_DEPS  := $(FDT_DEPS)
endif
CMOCKA_LIBS  := $(shell pkg-config --libs cmocka 2>/dev/null || echo -lcmocka)

# Each component adds to these from its own build.mk.
PROGRAMS     :=
UNIT_TESTS   :=
TEST_TOOLS   :=
INSTALL      :=
UNINSTALL    :=

.PHONY: FORCE all unit-tests deps static-deps check demo bench install uninstall clean
all:

# The library first: the fragments after it use its variables (RPIHW_LIB,
# RPIHW_CFLAGS); the rest in any order.
include helpers/lib/build.mk
include $(filter-out helpers/lib/build.mk,$(sort $(wildcard */build.mk helpers/*/build.mk \
                                                            tests/*/build.mk)))

all: $(PROGRAMS)
# Test tools (the FUSE fake, the syslog sink) stay native: tests/run pairs a cross
# build with the release build's tools.
unit-tests: $(UNIT_TESTS) $(if $(CROSS),,$(TEST_TOOLS))

$(KMOD_STATIC)/lib/libkmod.a:
	CC="$(CC)" scripts/build-libkmod.sh "$(KMOD_STATIC)"

$(FDT_STATIC)/lib/libfdt.a:
	CC="$(CC)" scripts/build-libfdt.sh "$(FDT_STATIC)"

$(MUSL_LIBS)/.complete:
	@[ -f $(MUSL_SPECS) ] || { echo "the static helper is linked against musl: $(MUSL_SPECS)" \
		"is missing; install musl-dev for $(ARCH) (scripts/deps.sh)" \
		"or build with LIBC=glibc" >&2; exit 1; }
	CC="$(MUSL_CC)" KERNEL_UAPI="$(strip $(KERNEL_UAPI))" scripts/build-musl-libs.sh "$(MUSL_LIBS)"

$(B)/.libfdt-1.7.1: Makefile
	@mkdir -p $(@D)
	@printf '#include <libfdt.h>\nint main(void) { return fdt_get_symbol(0, "x") != 0; }\n' | \
	$(CC) -Werror=implicit-function-declaration $(FDT_CFLAGS) -x c -o $@.probe - $(FDT_LIBS) \
		>$@.log 2>&1 || { \
		echo "libfdt is older than 1.7.1 (it has no fdt_get_symbol): it loses the target of an" \
			"overlay that labels its own __overlay__ node; install libfdt 1.7.1 or later" \
			"(Debian 13's libfdt-dev) or build with LIBFDT=source" >&2; \
		exit 1; }
	@rm -f $@.probe
	@touch $@

FORCE:

deps:
	scripts/deps.sh

# The libraries a build links that are built from Debian sources into the cache
# (scripts/deps.sh asks for them, once per architecture).
static-deps: $(STATIC_DEPS)

# CHECK_CROSS= leaves out the arm64 build and its tests under qemu-user.
CHECK_XB     := $(if $(CHECK_CROSS),build/$(firstword $(subst -, ,$(CHECK_CROSS))))
check: deps
	$(MAKE) all unit-tests
	$(MAKE) SANITIZE=1 all unit-tests
	$(if $(CHECK_CROSS),$(MAKE) CROSS=$(CHECK_CROSS) B=$(CHECK_XB) all unit-tests)
	tests/run build/release build/asan $(CHECK_XB)

demo: deps
	$(MAKE) all
	tests/vm/demo

bench: deps
	$(MAKE) all
	tests/bench/run

install: all $(INSTALL)
uninstall: $(UNINSTALL)

# The release tarball the packages build from, and their recipes with VERSION
# filled in (packaging/dist.sh, docs/packaging.md).
DIST_DIR     ?= build/dist
.PHONY: dist
dist:
	packaging/dist.sh $(VERSION) $(DIST_DIR)

clean:
	rm -rf build
