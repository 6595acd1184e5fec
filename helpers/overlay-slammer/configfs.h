/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "config.h"

#define CONFIGFS_MOUNT "/sys/kernel/config"
#define CONFIGFS_OVERLAYS CONFIGFS_MOUNT "/device-tree/overlays"

enum overlay_state {
	OVERLAY_ABSENT,    /* no item of that name */
	OVERLAY_UNAPPLIED, /* an item the kernel did not (or no longer) apply */
	OVERLAY_APPLIED,
};

/* Mounts configfs on ROOT/sys/kernel/config unless it is mounted already.
 * -ENODEV: the kernel has no configfs; other -errno: mount(2) refused. */
int configfs_mount(const char *root);

/* Opens ROOT/sys/kernel/config/device-tree/overlays.
 * -ENODEV: configfs is not mounted, or has no overlay directory. */
int configfs_open(const char *root, int *dirfd);

int configfs_state(int dirfd, const char *name, enum overlay_state *state);

/* The blob the kernel holds for an applied item (the dtbo attribute read back). */
int configfs_read_blob(int dirfd, const char *name, void **blob, size_t *len);

/* mkdir, one whole write of the blob, close, then status: the kernel applies the
 * blob when the writer closes and reports failure only through status.
 * -EBADMSG: the kernel did not apply it; its item has been removed again. */
int configfs_apply(int dirfd, const char *name, const void *blob, size_t len);

/* rmdir; an absent item is not an error. */
int configfs_remove(int dirfd, const char *name);

/* Names of the items present, in directory order; others are skipped. */
int configfs_list(int dirfd, struct name_list *out);

const char *overlay_state_name(enum overlay_state state);
