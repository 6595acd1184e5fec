/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "track.h"

/* The Cruiser's x1 slot trains a seated Metis at Gen 3; anything less is worth
 * a warning in the log. */
#define HEALTHY_GEN 3
/* Axelera's driver registers as PCI driver axl and makes class-metis devices. */
#define METIS_PCI_DRIVER "axl"
#define METIS_CLASS "metis"

/* Whether SYSROOT + device (the link /dev/axelera0) leads to something. */
bool sample_node_present(const char *sysroot, const char *device);

/* One status line for d into buf: "dev=ADDR pci=present link=up speed=8.0GT/s
 * gen=3 width=x1 driver=axl aer_cor=0 aer_nonfatal=0 aer_fatal=0
 * metis=metis-1:1:0 node=present temp=41.5C" (temp only when the device has a
 * hwmon). Returns the syslog priority the line deserves: a degraded or missing
 * link, a driver other than axl, no metis device, no device link, or new AER
 * errors since the last sample make it a warning. */
int sample_device(struct tracked *d, bool node_present, char *buf, size_t size);

/* The line for when no Metis has been seen since start. */
int sample_none(bool node_present, char *buf, size_t size);
