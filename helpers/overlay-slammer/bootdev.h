/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stddef.h>

#define BOOTDEV_MOUNT "/run/rpi-hardware/bootfs"

/* Reads overlays/NAME.dtbo (at most max bytes) from the firmware boot partition:
 * the one spec names (LABEL=, UUID=, PARTLABEL=, PARTUUID= or a device path), or
 * with an empty spec the first of the usual firmware partition labels. The
 * partition is mounted read-only on ROOT/run/rpi-hardware/bootfs only for the
 * read. The device used is written to dev. -ENODEV: no such partition. */
int bootdev_read(const char *root, const char *spec, const char *name, size_t max,
		 void **buf, size_t *len, char *dev, size_t dev_size);
