# Test-only FUSE stand-in for the kernel's configfs overlay interface.
# Always dynamic: it is never installed, and libfuse has no static archive.
FAKE_CONFIGFS_CFLAGS := $(shell pkg-config --cflags fuse3 2>/dev/null)
FAKE_CONFIGFS_LIBS   := $(shell pkg-config --libs fuse3 2>/dev/null || echo -lfuse3) $(FDT_LIBS)

TEST_TOOLS += $(B)/tests/fake-configfs

$(B)/tests/fake-configfs: tests/fakes/fake-configfs.c tests/fakes/build.mk | $(FDT_DEPS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(FDT_CFLAGS) $(FAKE_CONFIGFS_CFLAGS) -o $@ $< $(ALL_LDFLAGS) $(FAKE_CONFIGFS_LIBS)
