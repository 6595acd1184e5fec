# libaccel: what rpi-hardware-preflight and axelera-stats-logger share (the
# configuration file, the hardware-ids table, PCI sysfs reads). Static archive,
# not installed.
#
# Other fragments are read before this one, so they name $(B)/libaccel.a and
# -Ihelpers/libaccel literally rather than through variables set here.

LIBACCEL_SRCS   := $(wildcard helpers/libaccel/*.c)
LIBACCEL_OBJS   := $(patsubst helpers/libaccel/%.c,$(B)/obj/libaccel/%.o,$(LIBACCEL_SRCS)) \
                   $(B)/obj/libaccel/gen/hwids-builtin.o
LIBACCEL_CFLAGS := -Ihelpers/libaccel -DPKGLIBDIR='"$(PKGLIBDIR)"' \
                   -DSYSCONFDIR='"$(SYSCONFDIR)"'
LIBACCEL_AR     := $(if $(filter default,$(origin AR)),$(CROSS)ar,$(AR))

$(B)/libaccel.a: $(LIBACCEL_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	$(LIBACCEL_AR) rcs $@ $^

$(B)/obj/libaccel/%.o: helpers/libaccel/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(LIBACCEL_CFLAGS) -MMD -MP -c -o $@ $<

# The table built in for when no hardware-ids file is installed: the same
# rules/hardware-ids the udev rules come from, as one C string.
$(B)/obj/libaccel/gen/hwids-builtin.c: rules/hardware-ids helpers/libaccel/build.mk
	@mkdir -p $(@D)
	{ echo '/* From rules/hardware-ids by helpers/libaccel/build.mk. */'; \
	  echo '#include "hwids.h"'; \
	  echo 'const char hwids_builtin[] ='; \
	  sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/' rules/hardware-ids; \
	  echo ';'; } > $@.tmp
	mv $@.tmp $@

$(B)/obj/libaccel/gen/hwids-builtin.o: $(B)/obj/libaccel/gen/hwids-builtin.c
	$(CC) $(ALL_CFLAGS) $(LIBACCEL_CFLAGS) -MMD -MP -c -o $@ $<

-include $(LIBACCEL_OBJS:.o=.d)
