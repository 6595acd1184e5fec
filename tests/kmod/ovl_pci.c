// SPDX-License-Identifier: GPL-2.0
/*
 * The PCIe x1 port of the stand-in: a gate in front of real PCI devices. On a
 * CM5 the slot's controller stays off until the firmware (dtparam=pciex1=on) or
 * an overlay (status = "okay" on &pcie1) enables it; then the controller probes,
 * trains the link and the kernel enumerates the card. Here the card is a real
 * device of the emulated machine (QEMU's edu, 1234:11e8, by default): at load
 * the stand-in takes every device with those IDs off the bus, as if the port
 * were down, and when an overlay enables the port it rescans their buses, so
 * the kernel finds the card again, announces it (uevent with its modalias) and
 * binds a driver if one is loaded. Taking the port down removes them again
 * (pci_stop_and_remove_bus_device_locked), its driver's remove included.
 * port_up=1 leaves them in place from the start, like firmware that enabled
 * the port before Linux started.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/pci.h>

#include "ovl.h"

#define OVL_GATE_MAX 8

static ushort gate_vendor = 0x1234;
module_param(gate_vendor, ushort, 0444);
MODULE_PARM_DESC(gate_vendor, "PCI vendor ID of the devices behind the x1 port (0x1234: QEMU)");
static ushort gate_device = 0x11e8;
module_param(gate_device, ushort, 0444);
MODULE_PARM_DESC(gate_device, "PCI device ID of the devices behind the x1 port (0x11e8: QEMU's edu)");
static bool port_up;
module_param(port_up, bool, 0444);
MODULE_PARM_DESC(port_up, "the x1 port is up from the start, as after dtparam=pciex1=on (default: down)");

static bool port_is_up;

/* The buses the gated devices sit on, to scan again when the port comes up. */
static struct {
	int domain;
	unsigned int bus;
} gate_bus[OVL_GATE_MAX];
static unsigned int n_gate_bus;

static void note_bus(struct pci_bus *bus)
{
	int domain = pci_domain_nr(bus);
	unsigned int i;

	for (i = 0; i < n_gate_bus; i++)
		if (gate_bus[i].domain == domain && gate_bus[i].bus == bus->number)
			return;
	if (n_gate_bus == OVL_GATE_MAX)
		return;
	gate_bus[n_gate_bus].domain = domain;
	gate_bus[n_gate_bus].bus = bus->number;
	n_gate_bus++;
}

/* The gated devices on the bus now, each with a reference; returns how many. */
static unsigned int gated(struct pci_dev **found)
{
	struct pci_dev *pdev = NULL;
	unsigned int n = 0;

	while ((pdev = pci_get_device(gate_vendor, gate_device, pdev))) {
		if (n == OVL_GATE_MAX) {
			pci_dev_put(pdev);
			break;
		}
		found[n++] = pci_dev_get(pdev);
	}
	return n;
}

/* Takes the gated devices off the bus; WHY says what took the port down. */
static void port_take_down(const char *why)
{
	struct pci_dev *found[OVL_GATE_MAX];
	unsigned int i, n = gated(found);

	if (n == 0)
		pr_info("PCIe x1 port down (%s): no [%04x:%04x] device on the bus\n", why,
			gate_vendor, gate_device);
	for (i = 0; i < n; i++) {
		note_bus(found[i]->bus);
		pr_info("PCIe x1 port down (%s): %s [%04x:%04x] taken off the bus\n", why,
			pci_name(found[i]), gate_vendor, gate_device);
		pci_stop_and_remove_bus_device_locked(found[i]);
		pci_dev_put(found[i]);
	}
	port_is_up = false;
}

bool ovl_port_is_up(void)
{
	return port_is_up;
}

/*
 * What pci_rescan_bus() does, in its two halves: the scan finds the card and
 * announces it (uevent with its modalias), then adding the bus's devices lets a
 * loaded driver bind. The cards found are logged in between.
 */
void ovl_port_up(const char *overlay)
{
	struct pci_dev *found[OVL_GATE_MAX];
	struct pci_bus *buses[OVL_GATE_MAX];
	unsigned int i, n, nb = 0;

	pr_info("PCIe x1 port up (overlay %s): scanning for the card\n", overlay);
	pci_lock_rescan_remove();
	for (i = 0; i < n_gate_bus; i++) {
		buses[nb] = pci_find_bus(gate_bus[i].domain, gate_bus[i].bus);
		if (buses[nb]) {
			pci_scan_child_bus(buses[nb]);
			pci_assign_unassigned_bus_resources(buses[nb]);
			nb++;
		}
	}
	port_is_up = true;
	n = gated(found);
	if (n == 0)
		pr_info("PCIe x1 port up (overlay %s): no card answered\n", overlay);
	for (i = 0; i < n; i++) {
		pr_info("PCIe x1 port up (overlay %s): card %s [%04x:%04x] found\n", overlay,
			pci_name(found[i]), gate_vendor, gate_device);
		pci_dev_put(found[i]);
	}
	for (i = 0; i < nb; i++)
		pci_bus_add_devices(buses[i]);
	pci_unlock_rescan_remove();
}

void ovl_port_down(const char *overlay)
{
	char why[OVL_NAME_MAX + 32];

	snprintf(why, sizeof(why), "overlay %s removed", overlay);
	port_take_down(why);
}

int ovl_port_init(void)
{
	struct pci_dev *found[OVL_GATE_MAX];
	unsigned int i, n;

	if (!port_up) {
		port_take_down("until an overlay enables pcie1");
		return 0;
	}
	port_is_up = true;
	n = gated(found);
	for (i = 0; i < n; i++) {
		note_bus(found[i]->bus);
		pr_info("PCIe x1 port up from the start (port_up=1): %s [%04x:%04x] on the bus\n",
			pci_name(found[i]), gate_vendor, gate_device);
		pci_dev_put(found[i]);
	}
	if (n == 0)
		pr_info("PCIe x1 port up from the start (port_up=1): no [%04x:%04x] device\n",
			gate_vendor, gate_device);
	return 0;
}

/* Unloading gives the machine its devices back. */
void ovl_port_exit(void)
{
	if (!port_is_up)
		ovl_port_up("none: the stand-in unloads");
}
