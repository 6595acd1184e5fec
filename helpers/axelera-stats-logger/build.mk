# axelera-stats-logger: periodic health line of the Metis, to syslog or stdout.

STATSLOG_DIR  := helpers/axelera-stats-logger
STATSLOG_SRCS := main.c sample.c sink.c track.c
STATSLOG_OBJS := $(addprefix $(B)/obj/stats-logger/,$(STATSLOG_SRCS:.c=.o))

PROGRAMS  += $(B)/axelera-stats-logger
INSTALL   += install-axelera-stats-logger
UNINSTALL += uninstall-axelera-stats-logger

$(B)/obj/stats-logger/%.o: $(STATSLOG_DIR)/%.c Makefile
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(RPIHW_CFLAGS) -MMD -MP -c -o $@ $<

$(B)/axelera-stats-logger: $(STATSLOG_OBJS) $(RPIHW_LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^

.PHONY: install-axelera-stats-logger uninstall-axelera-stats-logger
install-axelera-stats-logger: $(B)/axelera-stats-logger
	install -D -m 0755 $< $(DESTDIR)$(SBINDIR)/axelera-stats-logger
	install -D -m 0644 docs/man/axelera-stats-logger.8 \
		$(DESTDIR)$(MANDIR)/man8/axelera-stats-logger.8

uninstall-axelera-stats-logger:
	rm -f $(DESTDIR)$(SBINDIR)/axelera-stats-logger \
	      $(DESTDIR)$(MANDIR)/man8/axelera-stats-logger.8

-include $(STATSLOG_OBJS:.o=.d)
