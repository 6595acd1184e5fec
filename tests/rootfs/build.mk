# Test tools of the root-filesystem tools: the syslog sink the logger's bats
# suite uses.

TEST_TOOLS += $(B)/tests/syslog-sink

$(B)/tests/syslog-sink: tests/rootfs/syslog-sink.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(ALL_LDFLAGS)
