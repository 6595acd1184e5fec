# dracut module 95rpi-hardware. Its default paths follow this build's PREFIX,
# so `make install PREFIX=/usr/local` gives a module that finds its helper.

DRACUT_MOD_SRC   := modules.d/95rpi-hardware
DRACUT_MOD_FILES := rpi-hardware-lib.sh rpi-hardware-boot.sh rpi-hardware-wait.sh \
                    rpi-hardware-emergency.sh

INSTALL      += install-dracut
UNINSTALL    += uninstall-dracut

install-dracut:
	install -d $(DESTDIR)$(DRACUTDIR)
	sed -e 's|^rpi_hw_default_helper=.*|rpi_hw_default_helper=$(SBINDIR)/overlay-slammer|' \
	    -e 's|^rpi_hw_default_datadir=.*|rpi_hw_default_datadir=$(PKGLIBDIR)|' \
	    -e 's|^rpi_hw_default_rulesdir=.*|rpi_hw_default_rulesdir=$(UDEVRULESDIR)|' \
	    $(DRACUT_MOD_SRC)/module-setup.sh > $(DESTDIR)$(DRACUTDIR)/module-setup.sh.tmp
	chmod 0755 $(DESTDIR)$(DRACUTDIR)/module-setup.sh.tmp
	mv $(DESTDIR)$(DRACUTDIR)/module-setup.sh.tmp $(DESTDIR)$(DRACUTDIR)/module-setup.sh
	install -m 0755 $(addprefix $(DRACUT_MOD_SRC)/,$(DRACUT_MOD_FILES)) $(DESTDIR)$(DRACUTDIR)/

uninstall-dracut:
	rm -f $(DESTDIR)$(DRACUTDIR)/module-setup.sh $(addprefix $(DESTDIR)$(DRACUTDIR)/,$(DRACUT_MOD_FILES))
	-rmdir $(DESTDIR)$(DRACUTDIR) 2>/dev/null

.PHONY: install-dracut uninstall-dracut
