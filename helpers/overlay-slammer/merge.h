/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stddef.h>

/* Overlays merged into a copy of a base tree ahead of boot, for kernels without
 * the configfs overlay interface: the bootloader hands the kernel the result. */
struct merge;

/* A copy of the base tree; -EINVAL with the reason in why if it is not usable. */
int merge_open(struct merge **m, const void *base, size_t len, char *why, size_t why_size);

/* Applies the next overlay (already validated). On failure the tree is unchanged:
 * -EINVAL: a label, path or phandle it refers to is not in the tree so far (named
 *          in why);
 * -EEXIST: it sets a property an earlier overlay also set, to another value; why
 *          names the node and property, *earlier the earlier overlay's position
 *          (0 for the first one added);
 * other negative errno. */
int merge_add(struct merge *m, const void *ovl, size_t len, char *why, size_t why_size,
	      size_t *earlier);

/* The merged tree, packed: the same inputs always give the same bytes. */
const void *merge_result(const struct merge *m, size_t *len);

void merge_close(struct merge *m);

/* The merge verb: base and overlay files in, out written atomically (the old file
 * stays until the new one is complete). Logs one line per problem and returns an
 * enum exit_status. */
int action_merge(const char *base, const char *out, char *const *overlays, size_t n);
