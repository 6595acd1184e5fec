/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the parts of rpihw_overlays: what the blob parser learns about an
 * overlay, and the simulated PCIe endpoint the Metis overlay brings.
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

/* The compatible string that marks the accelerator's node in an overlay. */
#define OVL_METIS_COMPATIBLE "axelera,metis"

struct ovl_fragment {
	char node[OVL_NAME_MAX];
	bool has_overlay;
	bool has_target;
	u32 target;
	bool has_target_path;
	char target_path[OVL_PATH_MAX];
	char target_label[OVL_LABEL_MAX];	/* from __fixups__, "" if none */
};

struct ovl_info {
	unsigned int n_fragments;
	struct ovl_fragment fragment[OVL_MAX_FRAGMENTS];
	unsigned int n_fixups;			/* labels the live tree must define */
	char fixup[OVL_MAX_LABELS][OVL_LABEL_MAX];
	unsigned int n_symbols;			/* labels this overlay defines */
	char symbol[OVL_MAX_LABELS][OVL_LABEL_MAX];
	bool metis;
};

/*
 * Checks BLOB the way the kernel does before it unflattens an overlay, and fills
 * INFO. Returns 0, or -EINVAL / -E2BIG with the reason in WHY.
 */
int ovl_fdt_parse(const void *blob, size_t size, struct ovl_info *info, char *why,
		  size_t why_size);

struct platform_device;

/* The simulated endpoint, named ENDPOINT_NAME, with vendor and device attributes. */
#define OVL_ENDPOINT_NAME "metis-endpoint"
struct platform_device *ovl_endpoint_add(void);
void ovl_endpoint_remove(struct platform_device *pdev);

#endif
