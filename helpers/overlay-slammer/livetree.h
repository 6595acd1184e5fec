/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "context.h"

/* The device tree the kernel booted with, one directory per node and one file of
 * raw bytes per property. */
#define LIVE_TREE "/proc/device-tree"

/* Whether the overlay (validated) is in effect in the live tree open at tree_fd:
 * each fragment's properties present at its target with the overlay's values
 * (phandles the overlay refers to resolved through the tree's __symbols__), and
 * each of its nodes present. Returns 1 when so; 0 when not, with the first
 * differences in why ("/axi/pcie@1/status differs (...)", "/axi/pcie@1/m2 missing");
 * negative errno when the tree cannot be read. */
int livetree_check(int tree_fd, const void *ovl, char *why, size_t why_size, unsigned *same);
/* same (may be NULL) counts the properties already as the overlay sets them: an
 * overlay not in effect with same > 0 is partly there. */

/* ROOT/proc/device-tree opened as a directory, or -errno. */
int livetree_open(const struct context *ctx);

/* Settings of the overlay that drivers read only when they probe (max-link-speed)
 * aimed at a node whose device has probed already, so that applying them now
 * changes nothing until it probes again. Returns how many, named in why; 0 none;
 * negative errno when the devices cannot be read. */
int livetree_probed(const struct context *ctx, int tree_fd, const void *ovl, char *why,
		    size_t why_size);

/* Whether ROOT/proc/device-tree exists. */
bool livetree_present(const struct context *ctx);

/* Reads overlay name as apply does (search order, validation, its parameters
 * applied: params.h) and checks it against ROOT/proc/device-tree. Returns as
 * livetree_check (1 too when every fragment is dormant: nothing to be in effect);
 * a negative errno comes with why. */
int livetree_overlay(const struct context *ctx, const char *name, const char *params,
		     char *why, size_t why_size);
