# overlay-slammer: the static helper, its unit tests and its installation.

SLAMMER_DIR  := helpers/overlay-slammer
SLAMMER_SRCS := actions.c atomicfile.c bounded.c check.c context.c dt.c dtbo.c dtindex.c \
                livetree.c log.c merge.c modules.c params.c source.c status.c wait.c
SLAMMER_OBJS := $(addprefix $(B)/obj/slammer/,$(SLAMMER_SRCS:.c=.o))
SLAMMER_MAIN := $(B)/obj/slammer/main.o
SLAMMER_TESTS := $(addprefix $(B)/tests/unit-,dtbo livetree merge params)
SLAMMER_LIBS := $(RPIHW_LIB)

PROGRAMS     += $(B)/overlay-slammer
UNIT_TESTS   += $(SLAMMER_TESTS)
INSTALL      += install-slammer
UNINSTALL    += uninstall-slammer

$(B)/obj/slammer/%.o: $(SLAMMER_DIR)/%.c Makefile | $(STATIC_DEPS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(DEP_CFLAGS) $(RPIHW_CFLAGS) -MMD -MP -c -o $@ $<

$(B)/obj/slammer/test-%.o: $(SLAMMER_DIR)/tests/test-%.c Makefile | $(STATIC_DEPS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(DEP_CFLAGS) $(RPIHW_CFLAGS) -I$(SLAMMER_DIR) -MMD -MP -c -o $@ $<

# libkmod opens .ko.gz modules for reading only, but its gzclose() makes a static
# link pull in zlib's whole compressor (gzclose -> gzclose_w -> deflate): about
# 40 KiB that never runs. Binding gzclose to zlib's read-side close drops it.
ifneq ($(filter 1,$(STATIC))$(filter musl-objects,$(LIBC)),)
SLAMMER_LDFLAGS := -Wl,--defsym=gzclose=gzclose_r
endif

ifeq ($(LIBC),musl)
# The helper of a musl build comes from the inner build in $(B)/musl (the
# Makefile's LIBC); copied only when it changed, so that what depends on it is
# not remade for nothing.
$(B)/overlay-slammer: FORCE | $(STATIC_DEPS)
	$(MAKE) --no-print-directory -f Makefile B=$(B)/musl LIBC=musl-objects CC="$(MUSL_CC)" \
		CROSS=$(CROSS) MUSL_LIBS=$(MUSL_LIBS) $(B)/musl/overlay-slammer
	cmp -s $(B)/musl/overlay-slammer $@ || cp -p $(B)/musl/overlay-slammer $@
else
$(B)/overlay-slammer: $(SLAMMER_MAIN) $(SLAMMER_OBJS) $(SLAMMER_LIBS)
	$(CC) $(ALL_LDFLAGS) $(SLAMMER_LDFLAGS) -o $@ $^ $(DEP_LIBS)
endif

# Unit tests link the same objects dynamically: they need cmocka, not a static binary.
# Those that make allocations fail on demand get the code's malloc calls first.
$(B)/tests/unit-dtbo: SLAMMER_TEST_LDFLAGS := -Wl,--wrap=malloc
$(B)/tests/unit-merge: SLAMMER_TEST_LDFLAGS := \
	-Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=strdup
$(SLAMMER_TESTS): $(B)/tests/unit-%: $(B)/obj/slammer/test-%.o $(SLAMMER_OBJS) $(SLAMMER_LIBS)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) $(SLAMMER_TEST_LDFLAGS) -o $@ $^ $(filter-out -static,$(DEP_LIBS)) \
		$(CMOCKA_LIBS)

install-slammer: $(B)/overlay-slammer
	install -D -m 0755 $(B)/overlay-slammer $(DESTDIR)$(SBINDIR)/overlay-slammer
	install -D -m 0644 docs/man/overlay-slammer.8 $(DESTDIR)$(MANDIR)/man8/overlay-slammer.8

uninstall-slammer:
	rm -f $(DESTDIR)$(SBINDIR)/overlay-slammer $(DESTDIR)$(MANDIR)/man8/overlay-slammer.8

.PHONY: install-slammer uninstall-slammer

-include $(SLAMMER_OBJS:.o=.d) $(SLAMMER_MAIN:.o=.d) \
         $(patsubst $(B)/tests/unit-%,$(B)/obj/slammer/test-%.d,$(SLAMMER_TESTS))
