/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the parts of rpihw_overlays: what the blob parser learns about an
 * overlay, and the PCIe x1 port an overlay can switch on.
 */
#ifndef RPIHW_OVL_H
#define RPIHW_OVL_H

#include <linux/types.h>

#define OVL_LABEL_MAX 64
#define OVL_NAME_MAX 64
#define OVL_PATH_MAX 256
#define OVL_MAX_FRAGMENTS 16
#define OVL_MAX_LABELS 32
#define OVL_WHY_MAX 160

/*
 * The labels of the PCIe x1 port's controller: Raspberry Pi trees have both,
 * mainline trees pcie1 only. A fragment that targets one of them and sets
 * status = "okay" enables the port.
 */
#define OVL_PORT_LABELS "pcie1,pciex1"

struct ovl_fragment {
	char node[OVL_NAME_MAX];
	bool has_overlay;
	bool has_target;
	u32 target;
	bool has_target_path;
	char target_path[OVL_PATH_MAX];
	char target_label[OVL_LABEL_MAX];	/* from __fixups__, "" if none */
	bool enables;				/* its __overlay__ sets status "okay" */
};

struct ovl_info {
	unsigned int n_fragments;
	struct ovl_fragment fragment[OVL_MAX_FRAGMENTS];
	unsigned int n_fixups;			/* labels the live tree must define */
	char fixup[OVL_MAX_LABELS][OVL_LABEL_MAX];
	unsigned int n_symbols;			/* labels this overlay defines */
	char symbol[OVL_MAX_LABELS][OVL_LABEL_MAX];
	bool port;				/* enables the PCIe x1 port */
};

/*
 * Checks BLOB the way the kernel does before it unflattens an overlay, and fills
 * INFO. Returns 0, or -EINVAL / -E2BIG with the reason in WHY.
 */
int ovl_fdt_parse(const void *blob, size_t size, struct ovl_info *info, char *why,
		  size_t why_size);

/* Whether LABEL is in the comma separated LIST. */
bool ovl_label_in_list(const char *list, const char *label);

/*
 * The PCIe x1 port (ovl_pci.c): down at load, its cards hidden from the PCI
 * bus, unless the module parameter port_up says the firmware enabled it.
 * Called with the overlay lock held.
 */
int ovl_port_init(void);
void ovl_port_exit(void);
bool ovl_port_is_up(void);
void ovl_port_up(const char *overlay);
void ovl_port_down(const char *overlay);

#endif
