# librpihw: what the programs share (configuration and kernel command line, the
# root-side tools' options, the configfs overlay interface, paths below a root,
# the hardware-ids table, PCI sysfs reads, text for lines and JSON). Static archive, not installed. The Makefile
# reads this fragment first: the others link $(RPIHW_LIB) and compile with
# $(RPIHW_CFLAGS).

RPIHW_SRCS   := cli.c cmdline.c config.c configfs.c fsutil.c hwids.c pcidev.c text.c
RPIHW_OBJS   := $(addprefix $(B)/obj/lib/,$(RPIHW_SRCS:.c=.o)) \
                $(addprefix $(B)/obj/lib/gen/,hwids-builtin.o config-defaults.o)
RPIHW_CFLAGS := -Ihelpers/lib -DPKGLIBDIR='"$(PKGLIBDIR)"' -DSYSCONFDIR='"$(SYSCONFDIR)"'
RPIHW_LIB    := $(B)/librpihw.a
RPIHW_TESTS  := $(addprefix $(B)/tests/unit-,cmdline config fsutil sysfs text)
RPIHW_AR     := $(if $(filter default,$(origin AR)),$(CROSS)ar,$(AR))
# A text file as the lines of one C string literal.
RPIHW_CSTR   := sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/'

UNIT_TESTS   += $(RPIHW_TESTS)

$(RPIHW_LIB): $(RPIHW_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	$(RPIHW_AR) rcs $@ $^

$(B)/obj/lib/%.o: helpers/lib/%.c Makefile
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(RPIHW_CFLAGS) -MMD -MP -c -o $@ $<

# The table built in for when no hardware-ids file is installed: the same
# rules/hardware-ids the udev rules come from, as one C string.
$(B)/obj/lib/gen/hwids-builtin.c: rules/hardware-ids helpers/lib/build.mk
	@mkdir -p $(@D)
	{ echo '/* From rules/hardware-ids by helpers/lib/build.mk. */'; \
	  echo '#include "hwids.h"'; \
	  echo 'const char hwids_builtin[] ='; \
	  $(RPIHW_CSTR) rules/hardware-ids; \
	  echo ';'; } > $@.tmp
	mv $@.tmp $@

# The defaults of every setting: the shipped configuration file, with this
# build's PKGLIBDIR and, as the device to wait for, the first link of the
# hardware-ids table (its first card: %m, the minor, is 0).
$(B)/rpi-hardware.conf: helpers/lib/rpi-hardware.conf.in rules/hardware-ids helpers/lib/build.mk
	@mkdir -p $(@D)
	link=$$(awk '!/^[ \t]*(#|$$)/ { sub(/%m/, "0", $$4); print $$4; exit }' rules/hardware-ids); \
	[ -n "$$link" ] && \
	sed -e 's|@PKGLIBDIR@|$(PKGLIBDIR)|g' -e "s|@DEVICE@|$$link|g" $< > $@.tmp
	mv $@.tmp $@

# The same file as one C string (config_init parses it), and inside the shell
# reader.
$(B)/obj/lib/gen/config-defaults.c: $(B)/rpi-hardware.conf helpers/lib/build.mk
	@mkdir -p $(@D)
	{ echo '/* From helpers/lib/rpi-hardware.conf.in by helpers/lib/build.mk. */'; \
	  echo '#include "config.h"'; \
	  echo 'const char config_defaults[] ='; \
	  $(RPIHW_CSTR) $<; \
	  echo ';'; } > $@.tmp
	mv $@.tmp $@

$(B)/rpi-hardware.sh: helpers/lib/rpi-hardware.sh $(B)/rpi-hardware.conf helpers/lib/build.mk
	sed -e '/^@DEFAULTS@$$/{r $(B)/rpi-hardware.conf' -e 'd;}' $< > $@.tmp
	mv $@.tmp $@

$(B)/obj/lib/gen/%.o: $(B)/obj/lib/gen/%.c
	$(CC) $(ALL_CFLAGS) $(RPIHW_CFLAGS) -c -o $@ $<

PROGRAMS     += $(B)/rpi-hardware.conf $(B)/rpi-hardware.sh
INSTALL      += install-rpihw
UNINSTALL    += uninstall-rpihw

.PHONY: install-rpihw uninstall-rpihw
install-rpihw: $(B)/rpi-hardware.conf $(B)/rpi-hardware.sh
	install -Dm644 $(B)/rpi-hardware.sh $(DESTDIR)$(PKGLIBDIR)/rpi-hardware.sh
	@# An edited configuration is the administrator's: never overwrite it.
	[ -e $(DESTDIR)$(SYSCONFDIR)/rpi-hardware.conf ] || \
		install -Dm644 $(B)/rpi-hardware.conf $(DESTDIR)$(SYSCONFDIR)/rpi-hardware.conf
	install -Dm644 docs/man/rpi-hardware.conf.5 $(DESTDIR)$(MANDIR)/man5/rpi-hardware.conf.5

uninstall-rpihw:
	rm -f $(DESTDIR)$(PKGLIBDIR)/rpi-hardware.sh $(DESTDIR)$(MANDIR)/man5/rpi-hardware.conf.5
	-rmdir $(DESTDIR)$(PKGLIBDIR) 2>/dev/null
	! cmp -s $(B)/rpi-hardware.conf $(DESTDIR)$(SYSCONFDIR)/rpi-hardware.conf || \
		rm -f $(DESTDIR)$(SYSCONFDIR)/rpi-hardware.conf

$(RPIHW_TESTS): $(B)/tests/unit-%: helpers/lib/tests/test-%.c $(RPIHW_LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(RPIHW_CFLAGS) -o $@ $< $(RPIHW_LIB) $(ALL_LDFLAGS) $(CMOCKA_LIBS)

-include $(RPIHW_OBJS:.o=.d)
