/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "hwids.h"

#define PCI_ADDR_MAX 32
#define PCI_DEVS_MAX 16

struct pci_match {
	char addr[PCI_ADDR_MAX]; /* "0001:01:00.0" */
	char dir[512];		 /* its directory under SYSROOT/sys/bus/pci/devices */
	unsigned vendor, device;
	const struct hwid *id;
};

/* Devices under SYSROOT/sys/bus/pci/devices whose IDs match a row of the given
 * kind, sorted by address. At most max are returned; *found counts them all. */
int pci_scan(const char *sysroot, const struct hwid_table *t, const char *kind,
	     struct pci_match *out, size_t max, size_t *found);

struct pci_link {
	char speed[32], max_speed[32]; /* as sysfs prints them; "" when unreadable */
	int gen, max_gen;	       /* 1..6; 0 unknown or link down */
	int width, max_width;	       /* lanes; 0 unknown or link down */
};

/* PCIe generation of a sysfs link speed: "8.0 GT/s PCIe", "8.0 GT/s" and "8 GT/s"
 * all give 3. 0 for "Unknown" and anything else not recognised. */
int pci_speed_gen(const char *s);

/* A link width as sysfs prints it ("1", older kernels "x1"); 0 if not a width. */
int pci_parse_width(const char *s);

/* Fills what can be read; missing attributes stay empty/zero. */
void pci_read_link(const char *devdir, struct pci_link *l);

/* Name of the bound driver into buf; -ENOENT when none is bound. */
int pci_read_driver(const char *devdir, char *buf, size_t size);

/* Whether s is a PCI function address as sysfs names it: "0001:01:00.0". */
bool pci_is_addr(const char *s);

/* The link of the port the device hangs from: the PCI function whose directory
 * holds the device's own under /sys/devices (a root port or a switch port). Its
 * address goes into port. -ENOENT when the parent is no PCI function (a device on
 * a root bus, as in a VM without a root port). */
int pci_read_port_link(const char *devdir, char *port, size_t port_size, struct pci_link *l);

/* How many MSI vectors the kernel gave the device's driver: the entries of its
 * msi_irqs directory. -ENOENT when there is no such directory (no driver holds
 * MSI vectors). */
int pci_count_msi(const char *devdir, unsigned *count);

/* Name of the device's class device of class cls, the devdir/CLS/NAME directory a
 * driver's device_create() makes ("metis-1:1:0" in class "metis"); the lowest name
 * when there are several. -ENOENT when there is none. */
int pci_class_dev(const char *devdir, const char *cls, char *buf, size_t size);

struct pci_aer {
	bool present; /* the kernel exposes the counters */
	unsigned long long cor, nonfatal, fatal;
};

/* The TOTAL_ERR_* lines of aer_dev_correctable, aer_dev_nonfatal, aer_dev_fatal. */
void pci_read_aer(const char *devdir, struct pci_aer *aer);

/* The value of the "NAME value" line of an AER counter file's text. */
int pci_aer_total(const char *text, const char *name, unsigned long long *out);

/* temp1_input of the device's first hwmon, in millidegrees Celsius. -ENOENT when
 * it has no hwmon. */
int pci_read_temp(const char *devdir, long *millideg);
