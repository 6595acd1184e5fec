/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "context.h"
#include "dtbo.h"

/* The device tree the kernel booted with, as the firmware or the bootloader
 * handed it over: one flattened blob, read with libfdt. Without a configfs
 * overlay interface it is the live tree; with one, the tree before any overlay
 * was applied through configfs. */
#define BOOTED_TREE "/sys/firmware/fdt"

/* ROOT/sys/firmware/fdt into booted (dt_close it). -ENOENT when there is none;
 * another negative errno with the reason in why. */
int livetree_read(const struct context *ctx, struct dt *booted, char *why, size_t why_size);

/* Whether ROOT/sys/firmware/fdt exists. */
bool livetree_present(const struct context *ctx);

/* Whether the overlay ovl[0..len) (validated), called name, is in effect in booted: listed with that digest in the merged DTB's /chosen
 * (merge.h), or else each property of each fragment at its target with the value
 * applying it would give, and each of its nodes there (a DTB merged by other
 * means, or by the Raspberry Pi firmware from config.txt). Returns 1 when so; 0
 * when not, with the first differences in why ("/axi/pcie@1/status differs
 * (...)", "/axi/pcie@1/m2 missing"); negative errno. same (may be NULL) counts the
 * properties already as the overlay sets them: not in effect with same > 0 is
 * partly there. */
int livetree_check(const struct dt *booted, const char *name, const void *ovl, size_t len,
		   char *why, size_t why_size, unsigned *same);

/* Settings of the overlay that drivers read only when they probe (max-link-speed)
 * aimed at a node whose device has probed already, so that applying them now
 * changes nothing until it probes again. Returns how many, named in why; 0 none;
 * negative errno when the devices cannot be read. */
int livetree_probed(const struct context *ctx, const struct dt *booted, const void *ovl,
		    char *why, size_t why_size);

/* Each of names read as apply reads it (search order, manifest, validation) and
 * checked against ROOT/sys/firmware/fdt: fn is called once per name with
 * livetree_check's result, or a negative errno and why when it cannot be checked.
 * Returns how many are in effect, or -ENOENT when there is no booted tree. */
typedef void livetree_fn(void *arg, const char *name, int r, const char *why);
int livetree_each(const struct context *ctx, const struct name_list *names, livetree_fn *fn,
		  void *arg);
