# axelera-stats-logger: periodic health line of the Metis, to syslog or stdout.

STATSLOG_SRCS := $(wildcard helpers/axelera-stats-logger/*.c)
STATSLOG_OBJS := $(patsubst helpers/axelera-stats-logger/%.c,$(B)/obj/stats-logger/%.o,$(STATSLOG_SRCS))

PROGRAMS  += $(B)/axelera-stats-logger
INSTALL   += install-axelera-stats-logger
UNINSTALL += uninstall-axelera-stats-logger

$(B)/axelera-stats-logger: $(STATSLOG_OBJS) $(B)/librpihw.a
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(ALL_LDFLAGS)

$(B)/obj/stats-logger/%.o: helpers/axelera-stats-logger/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Ihelpers/lib -DSYSCONFDIR='"$(SYSCONFDIR)"' -MMD -MP -c -o $@ $<

.PHONY: install-axelera-stats-logger uninstall-axelera-stats-logger
install-axelera-stats-logger: $(B)/axelera-stats-logger
	install -Dm755 $< $(DESTDIR)$(SBINDIR)/axelera-stats-logger
	install -Dm644 docs/man/axelera-stats-logger.8 $(DESTDIR)$(MANDIR)/man8/axelera-stats-logger.8

uninstall-axelera-stats-logger:
	rm -f $(DESTDIR)$(SBINDIR)/axelera-stats-logger \
	      $(DESTDIR)$(MANDIR)/man8/axelera-stats-logger.8

-include $(STATSLOG_OBJS:.o=.d)
