# Tests of the root-filesystem tools: cmocka unit tests of libaccel and the
# pre-flight report, and the syslog sink the logger's bats suite uses.

UNIT_TESTS += $(B)/tests/unit-libaccel $(B)/tests/unit-preflight-report
TEST_TOOLS += $(B)/tests/syslog-sink

$(B)/tests/unit-libaccel: tests/rootfs/unit-libaccel.c $(B)/libaccel.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Ihelpers/libaccel -o $@ $< $(B)/libaccel.a $(ALL_LDFLAGS) $(CMOCKA_LIBS)

$(B)/tests/unit-preflight-report: tests/rootfs/unit-preflight-report.c \
		helpers/rpi-hardware-preflight/report.c helpers/rpi-hardware-preflight/report.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Ihelpers/rpi-hardware-preflight -o $@ $< \
		helpers/rpi-hardware-preflight/report.c $(ALL_LDFLAGS) $(CMOCKA_LIBS)

$(B)/tests/syslog-sink: tests/rootfs/syslog-sink.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(ALL_LDFLAGS)
