# Tests of the root-filesystem tools: cmocka unit tests of the
# pre-flight report, and the syslog sink the logger's bats suite uses.

UNIT_TESTS += $(B)/tests/unit-preflight-report
TEST_TOOLS += $(B)/tests/syslog-sink

$(B)/tests/unit-preflight-report: tests/rootfs/unit-preflight-report.c \
		helpers/rpi-hardware-preflight/report.c helpers/rpi-hardware-preflight/report.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Ihelpers/rpi-hardware-preflight -o $@ $< \
		helpers/rpi-hardware-preflight/report.c $(ALL_LDFLAGS) $(CMOCKA_LIBS)

$(B)/tests/syslog-sink: tests/rootfs/syslog-sink.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(ALL_LDFLAGS)
