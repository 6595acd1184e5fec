// SPDX-License-Identifier: GPL-2.0-or-later
/* The Metis on the PCI bus: enumerated, link trained as expected, driver bound. */
#include <errno.h>
#include <string.h>

#include "pcidev.h"
#include "preflight.h"

static void check_link_speed(struct preflight *p, const struct pci_match *m,
			     const struct pci_link *l)
{
	if (!l->speed[0]) {
		report_add(&p->rep, V_WARN, "link-speed", m->addr,
			   "current_link_speed cannot be read; link not checked");
	} else if (l->gen == 0) {
		report_add(&p->rep, V_FAIL, "link-speed", m->addr,
			   "link is down (current_link_speed '%s'): reseat the card", l->speed);
	} else if (l->gen < EXPECTED_GEN) {
		report_add(&p->rep, V_WARN, "link-speed", m->addr,
			   "Gen %d (%s), expected Gen %d (8.0 GT/s; card maximum %s): a seating or "
			   "signal problem, or the slot is limited (dtparam=pciex1_gen=3 in config.txt)",
			   l->gen, l->speed, EXPECTED_GEN, l->max_speed[0] ? l->max_speed : "unknown");
	} else {
		report_add(&p->rep, V_PASS, "link-speed", m->addr, "Gen %d (%s), card maximum %s",
			   l->gen, l->speed, l->max_speed[0] ? l->max_speed : "unknown");
	}
}

static void check_link_width(struct preflight *p, const struct pci_match *m,
			     const struct pci_link *l)
{
	if (l->width == 0) {
		report_add(&p->rep, V_WARN, "link-width", m->addr,
			   "current_link_width cannot be read or is 0; width not checked");
	} else if (l->width < EXPECTED_WIDTH) {
		report_add(&p->rep, V_WARN, "link-width", m->addr,
			   "x%d, expected x%d: a seating or signal problem", l->width,
			   EXPECTED_WIDTH);
	} else if (l->max_width > 0) {
		report_add(&p->rep, V_PASS, "link-width", m->addr, "x%d, card maximum x%d",
			   l->width, l->max_width);
	} else {
		report_add(&p->rep, V_PASS, "link-width", m->addr, "x%d", l->width);
	}
}

static void check_driver(struct preflight *p, const struct pci_match *m)
{
	char drv[64];
	int r = pci_read_driver(m->dir, drv, sizeof(drv));

	if (r == 0)
		report_add(&p->rep, V_PASS, "driver", m->addr, "bound to %s", drv);
	else if (r == -ENOENT)
		report_add(&p->rep, V_FAIL, "driver", m->addr,
			   "no driver bound: install the driver (metis-dkms) and load it "
			   "(modprobe metis)");
	else
		report_add(&p->rep, V_FAIL, "driver", m->addr, "cannot read the driver link: %s",
			   strerror(-r));
}

void check_pci(struct preflight *p)
{
	struct pci_match m[PCI_DEVS_MAX];
	size_t found = 0;
	int r = pci_scan(p->sysroot, &p->ids, "accel", m, PCI_DEVS_MAX, &found);

	if (r < 0) {
		report_add(&p->rep, V_FAIL, "pci", NULL, "cannot list /sys/bus/pci/devices: %s",
			   strerror(-r));
		return;
	}
	if (found == 0) {
		char known[256];

		hwids_describe(&p->ids, "accel", known, sizeof(known));
		report_add(&p->rep, V_FAIL, "pci", NULL,
			   "no Metis on the PCI bus (IDs %s from %s): check that the card is "
			   "seated and the overlays are applied, then compare 'lspci -nn'",
			   known, p->ids.source);
		return;
	}
	p->metis_found = true;
	if (found > PCI_DEVS_MAX)
		report_add(&p->rep, V_WARN, "pci", NULL,
			   "%zu Metis devices found; only the first %d are checked", found,
			   PCI_DEVS_MAX);
	for (size_t i = 0; i < found && i < PCI_DEVS_MAX; i++) {
		struct pci_link l;

		report_add(&p->rep, V_PASS, "pci", m[i].addr, "%s (0x%04x:0x%04x)", m[i].id->desc,
			   m[i].vendor, m[i].device);
		pci_read_link(m[i].dir, &l);
		check_link_speed(p, &m[i], &l);
		check_link_width(p, &m[i], &l);
		check_driver(p, &m[i]);
	}
}
