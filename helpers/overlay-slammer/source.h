/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <limits.h>
#include <stddef.h>

#include "context.h"

struct overlay_blob {
	void *data;
	size_t size;
	char origin[PATH_MAX]; /* the file it was read from */
};

/* Reads NAME.dtbo from the first place that has it: only --overlay-dir when given;
 * otherwise the initramfs's embedded overlays, then the configured overlay_dirs.
 * On failure why says what to do. -ENOENT: found nowhere; other -errno. */
int overlay_read(const struct context *ctx, const char *name, struct overlay_blob *out,
		 char *why, size_t why_size);

void overlay_blob_free(struct overlay_blob *b);

/* The blob's CRC-32 (zlib's, as gzip's), to tell blobs apart in log lines. Not
 * an integrity check: the initramfs's own compression carries one. */
unsigned long blob_crc32(const void *data, size_t len);

static inline void overlay_blob_freep(struct overlay_blob *b)
{
	overlay_blob_free(b);
}
