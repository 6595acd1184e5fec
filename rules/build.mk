# udev rules, generated from rules/hardware-ids by rules/gen-rules.sh (also
# installed, as PKGLIBDIR/gen-rules, for tables edited in /etc/rpi-hardware).
#   65-rpi-hardware.rules   /dev/axelera0 link, render, 0660: initramfs and root
#   99-axelera-metis.rules  group axelera on the Metis nodes: root only

RULES_LINK   := $(B)/rules/65-rpi-hardware.rules
RULES_GROUP  := $(B)/rules/99-axelera-metis.rules

PROGRAMS     += $(RULES_LINK) $(RULES_GROUP)
INSTALL      += install-rules
UNINSTALL    += uninstall-rules

$(RULES_LINK): rules/hardware-ids rules/gen-rules.sh
	@mkdir -p $(@D)
	rules/gen-rules.sh link $< > $@.tmp && mv $@.tmp $@

$(RULES_GROUP): rules/hardware-ids rules/gen-rules.sh
	@mkdir -p $(@D)
	rules/gen-rules.sh group $< > $@.tmp && mv $@.tmp $@

install-rules: $(RULES_LINK) $(RULES_GROUP)
	install -D -m 0644 $(RULES_LINK) $(DESTDIR)$(UDEVRULESDIR)/65-rpi-hardware.rules
	install -D -m 0644 $(RULES_GROUP) $(DESTDIR)$(UDEVRULESDIR)/99-axelera-metis.rules
	install -D -m 0644 rules/hardware-ids $(DESTDIR)$(PKGLIBDIR)/hardware-ids
	install -D -m 0755 rules/gen-rules.sh $(DESTDIR)$(PKGLIBDIR)/gen-rules

uninstall-rules:
	rm -f $(DESTDIR)$(UDEVRULESDIR)/65-rpi-hardware.rules \
	      $(DESTDIR)$(UDEVRULESDIR)/99-axelera-metis.rules \
	      $(DESTDIR)$(PKGLIBDIR)/hardware-ids $(DESTDIR)$(PKGLIBDIR)/gen-rules

.PHONY: install-rules uninstall-rules
