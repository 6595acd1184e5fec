/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <limits.h>
#include <stddef.h>

#include "context.h"
#include "sha256.h"

struct overlay_blob {
	void *data;
	size_t size;
	char origin[PATH_MAX]; /* the file or device it was read from */
	char sha256[SHA256_HEX_SIZE];
};

/* Reads NAME.dtbo from the first place that has it: only --overlay-dir when given;
 * otherwise the initramfs's embedded overlays, then the configured overlay_dirs,
 * then the firmware boot partition. A directory holding a SHA256SUMS manifest must
 * list the file with its exact checksum. On failure why says what to do.
 * -ENOENT: found nowhere; -EBADMSG: checksum mismatch; other -errno. */
int overlay_read(const struct context *ctx, const char *name, struct overlay_blob *out,
		 char *why, size_t why_size);

void overlay_blob_free(struct overlay_blob *b);
