# Service units: systemd (always installed) and OpenRC (installed when the build
# host runs OpenRC, or with OPENRC=1). OpenRC scripts stay off systemd systems:
# systemd-sysv-generator would turn every /etc/init.d script into a unit.

SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR    ?= $(PREFIX)/lib/sysusers.d
OPENRC_INITDIR ?= $(SYSCONFDIR)/init.d
OPENRC         ?= $(if $(wildcard /sbin/openrc-run /usr/sbin/openrc-run),1,0)

SYSTEMD_UNITS  := axelera.service axelera-stats-logger.service \
                  rpi-hardware-rebuild.path rpi-hardware-rebuild.service
OPENRC_SCRIPTS := axelera-slammer ax_status axelera-watchdog

UNIT_FILES     := $(addprefix $(B)/units/systemd/,$(SYSTEMD_UNITS)) \
                  $(addprefix $(B)/units/openrc/,$(OPENRC_SCRIPTS))

PROGRAMS  += $(UNIT_FILES)
INSTALL   += install-units
UNINSTALL += uninstall-units

# @DEVICE@: the device= of the shipped configuration (helpers/lib/build.mk).
UNITS_SUBST = sed -e 's|@SBINDIR@|$(SBINDIR)|g' \
	-e "s|@DEVICE@|$$(sed -n 's/^device=//p' $(B)/rpi-hardware.conf)|g"

$(B)/units/systemd/%: units/systemd/%.in $(B)/rpi-hardware.conf Makefile
	@mkdir -p $(@D)
	$(UNITS_SUBST) $< > $@.tmp && mv $@.tmp $@

$(B)/units/systemd/%: units/systemd/%
	@mkdir -p $(@D)
	cp $< $@

$(B)/units/openrc/%: units/openrc/%.in $(B)/rpi-hardware.conf Makefile
	@mkdir -p $(@D)
	$(UNITS_SUBST) $< > $@.tmp && chmod 0755 $@.tmp && mv $@.tmp $@

.PHONY: install-units uninstall-units
install-units: $(UNIT_FILES)
	install -d $(DESTDIR)$(SYSTEMDUNITDIR)
	install -m644 $(addprefix $(B)/units/systemd/,$(SYSTEMD_UNITS)) $(DESTDIR)$(SYSTEMDUNITDIR)/
	install -Dm644 units/systemd/axelera.sysusers $(DESTDIR)$(SYSUSERSDIR)/axelera.conf
ifeq ($(OPENRC),1)
	install -d $(DESTDIR)$(OPENRC_INITDIR)
	install -m755 $(addprefix $(B)/units/openrc/,$(OPENRC_SCRIPTS)) $(DESTDIR)$(OPENRC_INITDIR)/
endif

uninstall-units:
	rm -f $(addprefix $(DESTDIR)$(SYSTEMDUNITDIR)/,$(SYSTEMD_UNITS)) \
	      $(DESTDIR)$(SYSUSERSDIR)/axelera.conf
ifeq ($(OPENRC),1)
	rm -f $(addprefix $(DESTDIR)$(OPENRC_INITDIR)/,$(OPENRC_SCRIPTS))
endif
