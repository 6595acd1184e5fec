# Bootloader integration for kernels without the configfs overlay interface:
# the merged-DTB tool, the kernel-install plugin and the GRUB snippet.
#
# BOOT_INTEGRATION=auto (default) installs the plugin and the snippet only where
# their directories exist (kernel-install's install.d, /etc/grub.d); =all always;
# =none never. The tool itself is always installed.

KERNELINSTALLDIR ?= $(PREFIX)/lib/kernel/install.d
GRUBDDIR         ?= $(SYSCONFDIR)/grub.d
BOOT_INTEGRATION ?= auto

BOOT_SRC     := boot
BOOT_TOOL    := $(DESTDIR)$(PKGLIBDIR)/rpi-hardware-dtb
BOOT_PLUGIN  := $(DESTDIR)$(KERNELINSTALLDIR)/91-rpi-hardware-dtb.install
BOOT_GRUB    := $(DESTDIR)$(GRUBDDIR)/09_rpi_hardware_dtb

INSTALL      += install-boot
UNINSTALL    += uninstall-boot

# install-boot-file SRC DEST SED: installs SRC as DEST (0755) with SED applied,
# unless BOOT_INTEGRATION rules it out for DEST's directory.
define install-boot-file
	@if [ "$(BOOT_INTEGRATION)" = all ] || \
	    { [ "$(BOOT_INTEGRATION)" = auto ] && [ -d "$(dir $(2))" ]; }; then \
		echo "install $(2)"; \
		mkdir -p "$(dir $(2))" && \
		sed $(3) $(1) > "$(2).tmp" && chmod 0755 "$(2).tmp" && mv "$(2).tmp" "$(2)"; \
	else \
		echo "skip $(2): $(dir $(2)) does not exist (BOOT_INTEGRATION=all installs it)"; \
	fi
endef

install-boot:
	install -d $(DESTDIR)$(PKGLIBDIR)
	sed -e 's|^rpi_hw_default_helper=.*|rpi_hw_default_helper=$(SBINDIR)/overlay-slammer|' \
	    -e 's|^rpi_hw_default_shlib=.*|rpi_hw_default_shlib=$(PKGLIBDIR)/rpi-hardware.sh|' \
	    $(BOOT_SRC)/rpi-hardware-dtb > $(BOOT_TOOL).tmp
	chmod 0755 $(BOOT_TOOL).tmp
	mv $(BOOT_TOOL).tmp $(BOOT_TOOL)
	$(if $(filter none,$(BOOT_INTEGRATION)),,$(call install-boot-file,$(BOOT_SRC)/91-rpi-hardware-dtb.install,$(BOOT_PLUGIN),-e 's|^rpi_hw_default_tool=.*|rpi_hw_default_tool=$(PKGLIBDIR)/rpi-hardware-dtb|'))
	$(if $(filter none,$(BOOT_INTEGRATION)),,$(call install-boot-file,$(BOOT_SRC)/09_rpi_hardware_dtb,$(BOOT_GRUB),-e 's|^rpi_hw_default_tool=.*|rpi_hw_default_tool=$(PKGLIBDIR)/rpi-hardware-dtb|'))

uninstall-boot:
	rm -f $(BOOT_TOOL) $(BOOT_PLUGIN) $(BOOT_GRUB)
	-rmdir $(DESTDIR)$(PKGLIBDIR) 2>/dev/null

.PHONY: install-boot uninstall-boot
