/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>

#include "config.h"
#include "hwids.h"
#include "report.h"

/* What the Cruiser's x1 slot gives a seated Metis. */
#define EXPECTED_GEN 3
#define EXPECTED_WIDTH 1
#define CMA_MIN_MIB_DEFAULT 64
#define AXELERA_GROUP "axelera"

struct preflight {
	const char *sysroot;
	struct config conf;
	struct hwid_table ids;
	unsigned cma_min_mib;
	bool metis_found; /* set by check_pci, read by check_overlays */
	struct report rep;
};

void check_pci(struct preflight *p);
void check_device_node(struct preflight *p);
void check_overlays(struct preflight *p);
void check_cma(struct preflight *p);
