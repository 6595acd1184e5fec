/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <sys/stat.h>

#include "config.h"
#include "hwids.h"
#include "pcidev.h"
#include "report.h"

/* What the Cruiser's x1 slot gives a seated Metis. */
#define EXPECTED_GEN 3
#define EXPECTED_WIDTH 1
#define CMA_MIN_MIB_DEFAULT 64
#define AXELERA_GROUP "axelera"

/* Axelera's driver (SPEC §4): module metis, PCI driver axl, class metis. */
#define METIS_MODULE "metis"
#define METIS_PCI_DRIVER "axl"
#define METIS_CLASS "metis"
/* It asks for this many MSI vectors and falls back to one with fewer. */
#define METIS_MSI_WANTED 32
/* Coherent DMA it allocates per card at probe, from CMA where there is a pool. */
#define METIS_CMA_KB_PER_CARD 4096

struct preflight {
	const char *sysroot;
	struct config conf;
	struct hwid_table ids;
	unsigned cma_min_mib;
	bool metis_found; /* set by check_pci, read by check_overlays */
	/* The cards check_pci found, for the checks that follow. */
	size_t ncards;
	struct pci_match cards[PCI_DEVS_MAX];
	bool axl_bound; /* at least one card bound to axl */
	struct report rep;
};

void check_pci(struct preflight *p);
/* Per card, called by check_pci: the driver binding and the MSI vectors. */
void check_driver(struct preflight *p, const struct pci_match *m);
void check_driver_version(struct preflight *p);
void check_device_node(struct preflight *p);
void check_overlays(struct preflight *p);
void check_dma_heap(struct preflight *p);
void check_cma(struct preflight *p);
void check_page_size(struct preflight *p);

/* A character device, or under a fake sysroot a regular file standing in for
 * one, so that test trees need no privilege to build. */
bool preflight_is_node(const struct preflight *p, const struct stat *st);
