# The product's own device-tree overlays, compiled with __symbols__ (dtc -@) as
# the firmware and the kernel's resolver need them, and installed where the
# dracut module looks last (overlay_dirs), /usr/lib/rpi-hardware/overlays.

OVERLAY_SRCS := $(wildcard overlays/*.dts)
OVERLAYS     := $(patsubst overlays/%.dts,$(B)/overlays/%.dtbo,$(OVERLAY_SRCS))
OVERLAYDIR   ?= $(PKGLIBDIR)/overlays

PROGRAMS     += $(OVERLAYS)
INSTALL      += install-overlays
UNINSTALL    += uninstall-overlays

$(B)/overlays/%.dtbo: overlays/%.dts
	@mkdir -p $(@D)
	dtc -q -@ -I dts -O dtb -o $@.tmp $< && mv $@.tmp $@

install-overlays: $(OVERLAYS)
	install -d $(DESTDIR)$(OVERLAYDIR)
	install -m 0644 $(OVERLAYS) $(DESTDIR)$(OVERLAYDIR)/

uninstall-overlays:
	rm -f $(patsubst $(B)/overlays/%,$(DESTDIR)$(OVERLAYDIR)/%,$(OVERLAYS))
	-rmdir $(DESTDIR)$(OVERLAYDIR) 2>/dev/null

.PHONY: install-overlays uninstall-overlays
