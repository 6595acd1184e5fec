/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dt_index;

/* The kernel's configfs buffer for a dtbo attribute holds at most 1 MiB. */
#define DTBO_SIZE_MAX ((size_t)1024 * 1024)
/* A board's device tree, as read from /sys/firmware/fdt or a .dtb file. */
#define DTB_SIZE_MAX ((size_t)8 * 1024 * 1024)
/* Levels of nodes, the root being the first: the kernel's FDT_MAX_DEPTH. */
#define DT_DEPTH_MAX 64
/* An overlay's nodes and properties, in all and in one node (see check_size). */
#define DTBO_NODES_MAX 1024
#define DTBO_PROPS_MAX 4096
#define DTBO_NODE_PROPS_MAX 1024

struct dtbo_info {
	unsigned fragments; /* fragments with an __overlay__ node and a target */
	unsigned dormant;   /* fragments with a __dormant__ one instead: off until a
			     * parameter switches them on (params.h) */
	bool has_fixups;    /* refers to labels of the base tree */
};

/* Checks that blob[0..size) is one whole, well-formed overlay that libfdt can be
 * given: an FDT header whose totalsize is exactly size, a structure block libfdt
 * accepts in full, nested at most DT_DEPTH_MAX levels, within the DTBO_*_MAX
 * counts, at least one fragment whose __overlay__ (or __dormant__) node has a
 * target (one phandle) or target-path (a string), and __fixups__ and __local_fixups__ entries that name
 * properties of the overlay and offsets inside them.
 * Returns 0, or -EINVAL with the reason written to why. */
int dtbo_validate(const void *blob, size_t size, struct dtbo_info *info, char *why,
		  size_t why_size);

/* What a fragment's target names, as written in the overlay: a path (target-path),
 * a label of the base tree (target = <&label>, bound through __fixups__), or a
 * literal phandle of the base tree. Exactly one is set. */
struct dtbo_target {
	const char *path;
	const char *label;
	uint32_t phandle;
};

/* The target of the fragment node at offset fragment of a validated overlay.
 * -ENOENT when it has neither target nor target-path, -EINVAL when malformed. */
int dtbo_fragment_target(const void *ovl, int fragment, struct dtbo_target *t);

/* A device tree with overlays applied to it in order, as the kernel would. */
struct dt {
	void *fdt;
	size_t size; /* bytes allocated */
	struct dt_index *ix; /* of fdt, built when first needed (dtindex.h) */
};

/* Copies the base tree; -EINVAL with a reason if it is not a valid FDT (or nests
 * deeper than DT_DEPTH_MAX), -ENOMEM with "out of memory". */
int dt_open(struct dt *dt, const void *base, size_t size, char *why, size_t why_size);

/* Applies one overlay (validated) as the kernel's of_overlay_fdt_apply() would:
 * libfdt's fdt_overlay_apply, and the kernel's refusals on top (two fragments
 * changing one property or adding one node, a changed #address-cells or
 * #size-cells, a label the tree has already, a phandle given to a node that has
 * one; docs/kernel-paths.md). A later overlay may change what an earlier one set,
 * as in the kernel. When it does not apply, why names the label, target or rule;
 * the tree is left as it was (-ENOMEM: "out of memory"). 0 or negative errno:
 * -EEXIST when what the kernel refuses is a label the tree has already, -EINVAL
 * for the rest. */
int dt_apply(struct dt *dt, const void *overlay, size_t size, char *why, size_t why_size);

/* overlay applied by libfdt alone to a copy of dt, into out (dt_close it): to see
 * what applying it would change. 0, -ENOMEM or a negative libfdt error. */
int dt_trial(const struct dt *dt, const void *overlay, size_t size, struct dt *out);

/* The node of dt the fragment at offset frag of ovl targets: its target-path
 * (one without '/' through /aliases), its label through the tree's __symbols__,
 * or its literal phandle. A negative libfdt error when the tree lacks it;
 * -FDT_ERR_NOSPACE when there is no memory to look. */
int dt_target(const struct dt *dt, const void *ovl, int frag);

/* fdt_get_path of a node of dt. */
int dt_path(const struct dt *dt, int node, char *buf, int size);

/* A copy of src, to try an overlay on; as dt_open. */
int dt_copy(struct dt *dst, const struct dt *src, char *why, size_t why_size);

bool dt_has_symbols(struct dt *dt);
void dt_close(struct dt *dt);

static inline void dt_closep(struct dt *dt)
{
	dt_close(dt);
}
