# rpi-hardware-preflight: PASS/WARN/FAIL readiness check of the Metis.

PREFLIGHT_SRCS := $(wildcard helpers/rpi-hardware-preflight/*.c)
PREFLIGHT_OBJS := $(patsubst helpers/rpi-hardware-preflight/%.c,$(B)/obj/preflight/%.o,$(PREFLIGHT_SRCS))

PROGRAMS  += $(B)/rpi-hardware-preflight
INSTALL   += install-rpi-hardware-preflight
UNINSTALL += uninstall-rpi-hardware-preflight

$(B)/rpi-hardware-preflight: $(PREFLIGHT_OBJS) $(B)/librpihw.a
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(ALL_LDFLAGS)

$(B)/obj/preflight/%.o: helpers/rpi-hardware-preflight/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Ihelpers/lib -DSYSCONFDIR='"$(SYSCONFDIR)"' -MMD -MP -c -o $@ $<

.PHONY: install-rpi-hardware-preflight uninstall-rpi-hardware-preflight
install-rpi-hardware-preflight: $(B)/rpi-hardware-preflight
	install -Dm755 $< $(DESTDIR)$(SBINDIR)/rpi-hardware-preflight
	install -Dm644 docs/man/rpi-hardware-preflight.8 $(DESTDIR)$(MANDIR)/man8/rpi-hardware-preflight.8

uninstall-rpi-hardware-preflight:
	rm -f $(DESTDIR)$(SBINDIR)/rpi-hardware-preflight \
	      $(DESTDIR)$(MANDIR)/man8/rpi-hardware-preflight.8

-include $(PREFLIGHT_OBJS:.o=.d)
