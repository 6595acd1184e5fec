# The initramfs glue of the generators other than dracut (whose module is in
# modules.d/), and what all three share: initramfs/lib/image.sh (what goes into
# an image) and initramfs/lib/boot.sh (the boot steps). See docs/generators.md.
#   initramfs-tools  INITRAMFSTOOLSDIR/hooks/rpi-hardware, scripts/init-premount/
#                    rpi-hardware, scripts/panic/rpi-hardware
#   mkinitcpio       INITCPIODIR/install/rpi-hardware, hooks/rpi-hardware, and the
#                    unit of its systemd images, SYSTEMDUNITDIR/rpi-hardware-initrd.service

# Which glue to install (both by default; a package leaves out what its
# distribution does not have: Debian no mkinitcpio, Arch no initramfs-tools,
# Fedora and openSUSE neither). The shared part comes with either.
INITRAMFS_TOOLS   ?= 1
MKINITCPIO        ?= 1
INITRAMFSTOOLSDIR ?= $(PREFIX)/share/initramfs-tools
INITCPIODIR       ?= $(PREFIX)/lib/initcpio
INITRAMFS_LIBDIR  := $(PKGLIBDIR)/initramfs

# The install locations written into image.sh (and the dracut module's copy of it).
RPI_HW_PATHS_SED := -e 's|^rpi_hw_default_helper=.*|rpi_hw_default_helper=$(SBINDIR)/overlay-slammer|' \
                    -e 's|^rpi_hw_default_datadir=.*|rpi_hw_default_datadir=$(PKGLIBDIR)|' \
                    -e 's|^rpi_hw_default_rulesdir=.*|rpi_hw_default_rulesdir=$(UDEVRULESDIR)|'
# Where the glue finds the shared part.
RPI_HW_LIB_SED   := -e 's|^RPI_HW_LIB=.*|RPI_HW_LIB=$(INITRAMFS_LIBDIR)|'

INSTALL      += install-initramfs
UNINSTALL    += uninstall-initramfs

install-initramfs:
ifneq ($(INITRAMFS_TOOLS)$(MKINITCPIO),00)
	install -d $(DESTDIR)$(INITRAMFS_LIBDIR)
	sed $(RPI_HW_PATHS_SED) initramfs/lib/image.sh > $(DESTDIR)$(INITRAMFS_LIBDIR)/image.sh
	chmod 0755 $(DESTDIR)$(INITRAMFS_LIBDIR)/image.sh
	install -m 0755 initramfs/lib/boot.sh $(DESTDIR)$(INITRAMFS_LIBDIR)/boot.sh
endif
ifeq ($(INITRAMFS_TOOLS),1)
	install -d $(DESTDIR)$(INITRAMFSTOOLSDIR)/hooks $(DESTDIR)$(INITRAMFSTOOLSDIR)/scripts/init-premount \
	    $(DESTDIR)$(INITRAMFSTOOLSDIR)/scripts/panic
	install -m 0755 initramfs/initramfs-tools/glue.sh $(DESTDIR)$(INITRAMFS_LIBDIR)/initramfs-tools.sh
	sed $(RPI_HW_LIB_SED) initramfs/initramfs-tools/hook > $(DESTDIR)$(INITRAMFSTOOLSDIR)/hooks/rpi-hardware
	chmod 0755 $(DESTDIR)$(INITRAMFSTOOLSDIR)/hooks/rpi-hardware
	install -m 0755 initramfs/initramfs-tools/init-premount $(DESTDIR)$(INITRAMFSTOOLSDIR)/scripts/init-premount/rpi-hardware
	install -m 0755 initramfs/initramfs-tools/panic $(DESTDIR)$(INITRAMFSTOOLSDIR)/scripts/panic/rpi-hardware
endif
ifeq ($(MKINITCPIO),1)
	install -d $(DESTDIR)$(INITCPIODIR)/install $(DESTDIR)$(INITCPIODIR)/hooks $(DESTDIR)$(SYSTEMDUNITDIR)
	install -m 0755 initramfs/mkinitcpio/glue.sh $(DESTDIR)$(INITRAMFS_LIBDIR)/mkinitcpio.sh
	sed $(RPI_HW_LIB_SED) initramfs/mkinitcpio/install > $(DESTDIR)$(INITCPIODIR)/install/rpi-hardware
	chmod 0644 $(DESTDIR)$(INITCPIODIR)/install/rpi-hardware
	install -m 0644 initramfs/mkinitcpio/hook $(DESTDIR)$(INITCPIODIR)/hooks/rpi-hardware
	install -m 0644 initramfs/mkinitcpio/rpi-hardware-initrd.service $(DESTDIR)$(SYSTEMDUNITDIR)/rpi-hardware-initrd.service
endif

uninstall-initramfs:
	rm -f $(DESTDIR)$(INITRAMFS_LIBDIR)/image.sh $(DESTDIR)$(INITRAMFS_LIBDIR)/boot.sh \
	      $(DESTDIR)$(INITRAMFS_LIBDIR)/initramfs-tools.sh $(DESTDIR)$(INITRAMFS_LIBDIR)/mkinitcpio.sh \
	      $(DESTDIR)$(INITRAMFSTOOLSDIR)/hooks/rpi-hardware \
	      $(DESTDIR)$(INITRAMFSTOOLSDIR)/scripts/init-premount/rpi-hardware \
	      $(DESTDIR)$(INITRAMFSTOOLSDIR)/scripts/panic/rpi-hardware \
	      $(DESTDIR)$(INITCPIODIR)/install/rpi-hardware $(DESTDIR)$(INITCPIODIR)/hooks/rpi-hardware \
	      $(DESTDIR)$(SYSTEMDUNITDIR)/rpi-hardware-initrd.service
	-rmdir $(DESTDIR)$(INITRAMFS_LIBDIR) 2>/dev/null

.PHONY: install-initramfs uninstall-initramfs
