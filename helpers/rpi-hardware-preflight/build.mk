# rpi-hardware-preflight: PASS/WARN/FAIL readiness check of the Metis.

PREFLIGHT_DIR   := helpers/rpi-hardware-preflight
PREFLIGHT_SRCS  := check_driver.c check_node.c check_pci.c check_system.c main.c report.c
PREFLIGHT_OBJS  := $(addprefix $(B)/obj/preflight/,$(PREFLIGHT_SRCS:.c=.o))
PREFLIGHT_TESTS := $(B)/tests/unit-preflight-report

PROGRAMS   += $(B)/rpi-hardware-preflight
UNIT_TESTS += $(PREFLIGHT_TESTS)
INSTALL    += install-rpi-hardware-preflight
UNINSTALL  += uninstall-rpi-hardware-preflight

$(B)/obj/preflight/%.o: $(PREFLIGHT_DIR)/%.c Makefile
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(RPIHW_CFLAGS) -MMD -MP -c -o $@ $<

$(B)/rpi-hardware-preflight: $(PREFLIGHT_OBJS) $(RPIHW_LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^

$(B)/tests/unit-preflight-report: $(PREFLIGHT_DIR)/tests/test-report.c $(B)/obj/preflight/report.o \
		$(RPIHW_LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(RPIHW_CFLAGS) -I$(PREFLIGHT_DIR) -o $@ $^ $(ALL_LDFLAGS) $(CMOCKA_LIBS)

.PHONY: install-rpi-hardware-preflight uninstall-rpi-hardware-preflight
install-rpi-hardware-preflight: $(B)/rpi-hardware-preflight
	install -D -m 0755 $< $(DESTDIR)$(SBINDIR)/rpi-hardware-preflight
	install -D -m 0644 docs/man/rpi-hardware-preflight.8 \
		$(DESTDIR)$(MANDIR)/man8/rpi-hardware-preflight.8

uninstall-rpi-hardware-preflight:
	rm -f $(DESTDIR)$(SBINDIR)/rpi-hardware-preflight \
	      $(DESTDIR)$(MANDIR)/man8/rpi-hardware-preflight.8

-include $(PREFLIGHT_OBJS:.o=.d)
