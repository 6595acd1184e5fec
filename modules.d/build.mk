# dracut module 95rpi-hardware. Its default paths follow this build's PREFIX
# (RPI_HW_PATHS_SED, initramfs/build.mk), so `make install PREFIX=/usr/local`
# gives a module that finds its helper. rpi-hardware-image.sh and
# rpi-hardware-lib.sh are initramfs/lib's image.sh and boot.sh, which every
# generator's glue shares.

DRACUT_MOD_SRC   := modules.d/95rpi-hardware
DRACUT_MOD_FILES := module-setup.sh rpi-hardware-lib.sh rpi-hardware-dracut.sh rpi-hardware-boot.sh \
                    rpi-hardware-wait.sh rpi-hardware-emergency.sh

INSTALL      += install-dracut
UNINSTALL    += uninstall-dracut

install-dracut:
	install -d $(DESTDIR)$(DRACUTDIR)
	sed $(RPI_HW_PATHS_SED) $(DRACUT_MOD_SRC)/rpi-hardware-image.sh > $(DESTDIR)$(DRACUTDIR)/rpi-hardware-image.sh.tmp
	chmod 0755 $(DESTDIR)$(DRACUTDIR)/rpi-hardware-image.sh.tmp
	mv $(DESTDIR)$(DRACUTDIR)/rpi-hardware-image.sh.tmp $(DESTDIR)$(DRACUTDIR)/rpi-hardware-image.sh
	install -m 0755 $(addprefix $(DRACUT_MOD_SRC)/,$(DRACUT_MOD_FILES)) $(DESTDIR)$(DRACUTDIR)/

uninstall-dracut:
	rm -f $(addprefix $(DESTDIR)$(DRACUTDIR)/,$(DRACUT_MOD_FILES) rpi-hardware-image.sh)
	-rmdir $(DESTDIR)$(DRACUTDIR) 2>/dev/null

.PHONY: install-dracut uninstall-dracut
