/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "pcidev.h"

#define TRACK_MAX PCI_DEVS_MAX

enum track_event { TRACK_APPEARED, TRACK_VANISHED, TRACK_REAPPEARED };

/* A Metis seen since start, kept after it disappears so that its return, and
 * its absence meanwhile, can be reported under the same address. */
struct tracked {
	char addr[PCI_ADDR_MAX];
	char dir[512];
	bool present;
	bool have_aer;
	unsigned long long aer_total; /* sum of the AER counters at the last sample */
};

struct tracker {
	size_t n;
	bool started; /* the first scan reports no events: everything is "already there" */
	struct tracked dev[TRACK_MAX];
};

typedef int (*track_event_fn)(void *ctx, enum track_event ev, const struct tracked *d);

/* Folds one scan into the tracker, calling fn for each change. Devices beyond
 * TRACK_MAX are ignored. Returns the first non-zero value fn returned, else 0. */
int track_update(struct tracker *t, const struct pci_match *m, size_t n, track_event_fn fn,
		 void *ctx);
