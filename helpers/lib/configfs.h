/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

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

/* The status attribute of an item as the kernel words it ("applied",
 * "unapplied"), trailing white space dropped, cut to fit size. */
int configfs_status(int dirfd, const char *name, char *buf, size_t size);

/* The blob the kernel holds for an applied item (the dtbo attribute read back). */
int configfs_read_blob(int dirfd, const char *name, void **blob, size_t *len);

/* mkdir, one whole write of the blob, close, then status: the kernel applies the
 * blob when the writer closes and reports failure only through status.
 * -EBADMSG: the kernel did not apply it; its item (this run's own) has been
 * removed again. -EEXIST: the mkdir found an item of that name, made by another
 * writer since the caller looked; it is left alone. */
int configfs_apply(int dirfd, const char *name, const void *blob, size_t len);

/* rmdir; an absent item is not an error. */
int configfs_remove(int dirfd, const char *name);

/* Takes the exclusive lock that apply, remove and boot hold while they change
 * items: flock(2) on the overlays directory itself, released by the kernel when
 * the process ends however it ends. Waits at most timeout_s seconds
 * (-ETIMEDOUT); *waited_usec (may be NULL) says how long it did. Other -errno:
 * the file system cannot lock. */
int configfs_lock(int dirfd, unsigned timeout_s, uint64_t *waited_usec);

struct configfs_item {
	char *name;           /* as the directory holds it: any bytes but '/' */
	struct timespec made; /* the item's mtime: when it was made */
};

struct configfs_items {
	size_t n;
	struct configfs_item *item;
};

/* Every item present, whatever its name, oldest first (then by name): the order
 * in which they were made. -ENOMEM or -errno. */
int configfs_items(int dirfd, struct configfs_items *out);
void configfs_items_free(struct configfs_items *items);

const char *overlay_state_name(enum overlay_state state);
