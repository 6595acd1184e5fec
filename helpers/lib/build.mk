# librpihw: what the programs share (configuration and kernel command line, paths
# below a root, the hardware-ids table, PCI sysfs reads). Static archive, not
# installed. Other fragments name $(B)/librpihw.a and -Ihelpers/lib literally:
# fragments read before this one cannot use variables set here.

RPIHW_SRCS   := cmdline.c config.c fsutil.c hwids.c pcidev.c
RPIHW_OBJS   := $(addprefix $(B)/obj/lib/,$(RPIHW_SRCS:.c=.o)) $(B)/obj/lib/gen/hwids-builtin.o
RPIHW_CFLAGS := -Ihelpers/lib -DPKGLIBDIR='"$(PKGLIBDIR)"' -DSYSCONFDIR='"$(SYSCONFDIR)"'
RPIHW_TESTS  := $(addprefix $(B)/tests/unit-,cmdline config fsutil sysfs)
RPIHW_AR     := $(if $(filter default,$(origin AR)),$(CROSS)ar,$(AR))

UNIT_TESTS   += $(RPIHW_TESTS)

$(B)/librpihw.a: $(RPIHW_OBJS)
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
	  sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/' rules/hardware-ids; \
	  echo ';'; } > $@.tmp
	mv $@.tmp $@

$(B)/obj/lib/gen/hwids-builtin.o: $(B)/obj/lib/gen/hwids-builtin.c
	$(CC) $(ALL_CFLAGS) $(RPIHW_CFLAGS) -c -o $@ $<

$(RPIHW_TESTS): $(B)/tests/unit-%: helpers/lib/tests/test-%.c $(B)/librpihw.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(RPIHW_CFLAGS) -o $@ $< $(B)/librpihw.a $(ALL_LDFLAGS) $(CMOCKA_LIBS)

-include $(RPIHW_OBJS:.o=.d)
