/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stddef.h>

/* Overlays merged into a copy of a base tree ahead of boot, for kernels without
 * the configfs overlay interface: the bootloader hands the kernel the result. */
struct merge;

/* A copy of the base tree; -EINVAL with the reason in why if it is not usable. */
int merge_open(struct merge **m, const void *base, size_t len, char *why, size_t why_size);

/* The list of the overlays merged, in /chosen: their names (as the configuration
 * names them) and the CRC-32 of each blob (blob_crc32, one cell each), in the
 * order applied. The check at boot looks them up (livetree.h). */
#define MERGED_NAMES "rpi-hardware,overlays"
#define MERGED_CRC32 "rpi-hardware,overlays-crc32"

/* Applies the next overlay (already validated) with dt_apply, the kernel's rules
 * included; a later overlay may change what an earlier one set. Returns 0, or 1
 * when the kernel would refuse its labels because it is in effect in the tree
 * already (livetree_check): it is not applied or listed again, as the runtime
 * path does not apply it twice. On failure the tree is unchanged, with the reason
 * in why: -EEXIST (a label the tree has, from something else), -EINVAL (a label,
 * path or phandle the tree so far lacks, or another kernel rule), -ENOMEM. */
int merge_add(struct merge *m, const char *name, const void *ovl, size_t len, char *why,
	      size_t why_size);

/* Writes the list of merged overlays into /chosen; 0 or -errno with why. */
int merge_finish(struct merge *m, char *why, size_t why_size);

/* The merged tree, packed: the same inputs always give the same bytes. */
const void *merge_result(const struct merge *m, size_t *len);

void merge_close(struct merge *m);

static inline void merge_closep(struct merge **m)
{
	merge_close(*m);
}

/* The merge verb: base and overlay files in, out written atomically (the old file
 * stays until the new one is complete). Logs one line per problem and returns an
 * enum exit_status. */
int action_merge(const char *base, const char *out, char *const *overlays, size_t n);
