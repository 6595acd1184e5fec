// SPDX-License-Identifier: GPL-2.0-or-later
/* The Metis on the PCI bus: enumerated, link trained as expected. */
#include <errno.h>
#include <string.h>

#include "pcidev.h"
#include "preflight.h"

/* The port's own maximum speed is what the firmware or device tree allowed
 * (dtparam=pciex1_gen, max-link-speed): it decides whether a slow link is the
 * configuration's doing or the card's seating. */
static void check_link_speed(struct preflight *p, const struct pci_match *m,
			     const struct pci_link *l)
{
	struct pci_link port;
	char port_addr[PCI_ADDR_MAX], port_max[64] = "";
	int r = pci_read_port_link(m->dir, port_addr, sizeof(port_addr), &port);
	const char *card_max = l->max_speed[0] ? l->max_speed : "unknown";

	if (r == 0 && port.max_speed[0])
		snprintf(port_max, sizeof(port_max), ", port maximum %s", port.max_speed);
	else
		port.max_gen = 0;
	if (!l->speed[0]) {
		report_add(&p->rep, V_WARN, "link-speed", m->addr,
			   "current_link_speed cannot be read; link not checked");
	} else if (l->gen == 0) {
		report_add(&p->rep, V_FAIL, "link-speed", m->addr,
			   "link is down (current_link_speed '%s'): reseat the card", l->speed);
	} else if (l->gen >= EXPECTED_GEN) {
		report_add(&p->rep, V_PASS, "link-speed", m->addr, "Gen %d (%s), card maximum %s%s",
			   l->gen, l->speed, card_max, port_max);
	} else if (port.max_gen > 0 && port.max_gen < EXPECTED_GEN) {
		report_add(&p->rep, V_WARN, "link-speed", m->addr,
			   "Gen %d (%s): the port %s allows at most %s; allow Gen %d with "
			   "dtparam=pciex1_gen=3 in config.txt (or max-link-speed = <3> on pcie1 "
			   "in a merged device tree) and reboot",
			   l->gen, l->speed, port_addr, port.max_speed, EXPECTED_GEN);
	} else if (l->max_gen > 0 && l->max_gen < EXPECTED_GEN) {
		report_add(&p->rep, V_WARN, "link-speed", m->addr,
			   "Gen %d (%s): the card itself reports a maximum of %s, not the "
			   "Metis M.2's Gen %d", l->gen, l->speed, l->max_speed, EXPECTED_GEN);
	} else if (port.max_gen > 0) {
		/* Kernels without 6.13's "PCI: Honor Max Link Speed when determining
		 * supported speeds" print a port's max_link_speed from its Link
		 * Capabilities 2, which the Broadcom controller's Gen cap leaves alone:
		 * the firmware's cap may be there without showing. */
		report_add(&p->rep, V_WARN, "link-speed", m->addr,
			   "Gen %d (%s) although the port %s reports Gen %d: the driver retrains "
			   "to Gen %d itself when the port allows, so a seating or signal problem "
			   "(reseat the card, see dmesg), or a firmware cap older kernels do not "
			   "show (dtparam=pciex1_gen=3 in config.txt)",
			   l->gen, l->speed, port_addr, port.max_gen, EXPECTED_GEN);
	} else {
		report_add(&p->rep, V_WARN, "link-speed", m->addr,
			   "Gen %d (%s), expected Gen %d (8.0 GT/s; card maximum %s, port maximum "
			   "unknown): a seating or signal problem, or the port is limited "
			   "(dtparam=pciex1_gen=3 in config.txt)",
			   l->gen, l->speed, EXPECTED_GEN, card_max);
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

void check_pci(struct preflight *p)
{
	struct pci_match *m = p->cards;
	size_t found = 0;
	int r = pci_scan(p->sysroot, &p->ids, "metis", m, PCI_DEVS_MAX, &found);

	if (r < 0) {
		report_add(&p->rep, V_FAIL, "pci", NULL, "cannot list /sys/bus/pci/devices: %s",
			   strerror(-r));
		return;
	}
	if (found == 0) {
		char known[256];

		hwids_describe(&p->ids, "metis", known, sizeof(known));
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
	p->ncards = found < PCI_DEVS_MAX ? found : PCI_DEVS_MAX;
	for (size_t i = 0; i < p->ncards; i++) {
		struct pci_link l;

		report_add(&p->rep, V_PASS, "pci", m[i].addr, "%s (0x%04x:0x%04x)", m[i].id->desc,
			   m[i].vendor, m[i].device);
		pci_read_link(m[i].dir, &l);
		check_link_speed(p, &m[i], &l);
		check_link_width(p, &m[i], &l);
		check_driver(p, &m[i]);
	}
}
