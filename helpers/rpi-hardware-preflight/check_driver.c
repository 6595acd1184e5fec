// SPDX-License-Identifier: GPL-2.0-or-later
/* Axelera's driver: the card bound to it, the MSI vectors it got, its version. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "fsutil.h"
#include "pcidev.h"
#include "preflight.h"

#define VERSION_FILE "/sys/class/" METIS_CLASS "/version"

/* Whether the metis module is loaded (built in, it has the directory too). */
static bool module_loaded(const struct preflight *p)
{
	char path[PATH_MAX];
	struct stat st;

	return root_path(path, sizeof(path), p->sysroot, "/sys/module/" METIS_MODULE) == 0 &&
	       stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static void check_msi(struct preflight *p, const struct pci_match *m)
{
	unsigned n = 0;
	int r = pci_count_msi(m->dir, &n);

	if (r < 0 && r != -ENOENT) {
		report_add(&p->rep, V_WARN, "msi", m->addr, "cannot read msi_irqs: %s",
			   strerror(-r));
	} else if (n == 0) {
		report_add(&p->rep, V_WARN, "msi", m->addr,
			   "no MSI vectors although %s is bound: the driver gets no interrupts; "
			   "see dmesg ('Failed to enable MSI')", METIS_PCI_DRIVER);
	} else if (n < METIS_MSI_WANTED) {
		report_add(&p->rep, V_WARN, "msi", m->addr,
			   "%u MSI vector%s, the driver wants %d and falls back to one ('Wrong msi "
			   "number'; driver 1.4.4 refuses to probe unless loaded with single_msi=1): "
			   "for %d, dtoverlay=pciex1-compat-pi5,no-mip in config.txt",
			   n, n == 1 ? "" : "s", METIS_MSI_WANTED, METIS_MSI_WANTED);
	} else {
		report_add(&p->rep, V_PASS, "msi", m->addr, "%u MSI vectors", n);
	}
}

void check_driver(struct preflight *p, const struct pci_match *m)
{
	char drv[64], node[64];
	int r = pci_read_driver(m->dir, drv, sizeof(drv));

	if (r == -ENOENT && module_loaded(p)) {
		report_add(&p->rep, V_FAIL, "driver", m->addr,
			   "no driver bound, although the %s module is loaded: its probe failed; "
			   "see 'dmesg | grep %s' ('Wrong msi number': load it with single_msi=1)",
			   METIS_MODULE, m->addr);
	} else if (r == -ENOENT) {
		report_add(&p->rep, V_FAIL, "driver", m->addr,
			   "no driver bound: load Axelera's driver (modprobe %s; package %s-dkms)",
			   METIS_MODULE, METIS_MODULE);
	} else if (r < 0) {
		report_add(&p->rep, V_FAIL, "driver", m->addr, "cannot read the driver link: %s",
			   strerror(-r));
	} else if (strcmp(drv, METIS_PCI_DRIVER) != 0) {
		report_add(&p->rep, V_FAIL, "driver", m->addr,
			   "bound to %s, not %s (Axelera's %s module): unbind it and load %s",
			   drv, METIS_PCI_DRIVER, METIS_MODULE, METIS_MODULE);
	} else {
		p->axl_bound = true;
		if (pci_class_dev(m->dir, METIS_CLASS, node, sizeof(node)) == 0)
			report_add(&p->rep, V_PASS, "driver", m->addr, "bound to %s, node %s",
				   METIS_PCI_DRIVER, node);
		else
			report_add(&p->rep, V_WARN, "driver", m->addr,
				   "bound to %s, but it made no %s device: see dmesg",
				   METIS_PCI_DRIVER, METIS_CLASS);
		check_msi(p, m);
	}
}

void check_driver_version(struct preflight *p)
{
	char path[PATH_MAX], version[64] = "";
	int r = root_path(path, sizeof(path), p->sysroot, VERSION_FILE);

	if (r == 0)
		r = read_text_file(path, version, sizeof(version));
	if (r >= 0 && version[0])
		report_add(&p->rep, V_PASS, "driver-version", NULL, "Axelera's driver %s (%s)",
			   version, VERSION_FILE);
	else if (p->axl_bound)
		report_add(&p->rep, V_WARN, "driver-version", NULL,
			   "cannot read %s (%s) although a card is bound to %s", VERSION_FILE,
			   r < 0 ? strerror(-r) : "empty", METIS_PCI_DRIVER);
	/* Without a bound card the driver check has said what to do already. */
}
