# metis-setup: the root-filesystem setup script (POSIX sh), with the install
# paths filled in and the configuration reader (helpers/lib) copied in.

PROGRAMS  += $(B)/metis-setup
INSTALL   += install-metis-setup
UNINSTALL += uninstall-metis-setup

$(B)/metis-setup: helpers/metis-setup/metis-setup.in $(B)/rpi-hardware.sh Makefile
	@mkdir -p $(@D)
	sed -e 's|@VERSION@|$(VERSION)|g' -e 's|@UDEVRULESDIR@|$(UDEVRULESDIR)|g' \
	    -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
	    -e '/^\. \.\/@RPI_HW_SH@$$/{r $(B)/rpi-hardware.sh' -e 'd;}' $< > $@.tmp
	chmod 0755 $@.tmp
	mv $@.tmp $@

.PHONY: install-metis-setup uninstall-metis-setup
install-metis-setup: $(B)/metis-setup
	install -Dm755 $< $(DESTDIR)$(SBINDIR)/metis-setup
	install -Dm644 docs/man/metis-setup.8 $(DESTDIR)$(MANDIR)/man8/metis-setup.8

uninstall-metis-setup:
	rm -f $(DESTDIR)$(SBINDIR)/metis-setup $(DESTDIR)$(MANDIR)/man8/metis-setup.8
