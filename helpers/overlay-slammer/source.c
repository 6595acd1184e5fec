// SPDX-License-Identifier: GPL-2.0-or-later
#include "source.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "dtbo.h"
#include "fsutil.h"
#include "util.h"

void overlay_blob_free(struct overlay_blob *b)
{
	free(b->data);
	b->data = NULL;
	b->size = 0;
}

unsigned long blob_crc32(const void *data, size_t len)
{
	unsigned long c = crc32(0L, Z_NULL, 0);

	/* zlib takes at most UINT_MAX bytes a call; overlays are at most 1 MiB. */
	return crc32(c, data, (unsigned)(len < UINT_MAX ? len : UINT_MAX));
}

static void describe_read_error(int r, const char *path, char *why, size_t why_size)
{
	if (r == -EFBIG)
		snprintf(why, why_size, "%s is larger than the kernel's 1 MiB limit", path);
	else
		read_error(why, why_size, path, r, DTBO_SIZE_MAX);
}

/* -ENOENT when dir has no such file, so the search goes on; other errors stop it. */
static int read_from_dir(const char *dir, const char *file, struct overlay_blob *b, char *why,
			 size_t why_size)
{
	_cleanup_(closep) int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int r;

	/* Only a directory that is not there lets the search go on: one that cannot be
	 * opened (no file descriptors left, no permission) is named as it is. */
	if (dirfd < 0 && (errno == ENOENT || errno == ENOTDIR))
		return -ENOENT;
	if (dirfd < 0) {
		r = -errno;
		snprintf(why, why_size, "cannot open the overlay directory %s: %s", dir,
			 strerror(-r));
		return r;
	}
	r = path_join(b->origin, sizeof(b->origin), dir, file);
	if (r < 0)
		return r;
	r = read_file_beneath(dirfd, file, DTBO_SIZE_MAX, &b->data, &b->size);
	if (r == -ENOENT)
		return r;
	if (r < 0)
		describe_read_error(r, b->origin, why, why_size);
	return r;
}

static int search_dirs(const struct context *ctx, const char *file, struct overlay_blob *b,
		       char *why, size_t why_size)
{
	char dir[PATH_MAX];
	int r;

	if (ctx->overlay_dir)
		return read_from_dir(ctx->overlay_dir, file, b, why, why_size);
	r = context_path(ctx, EMBEDDED_OVERLAYS, dir, sizeof(dir));
	if (r == 0)
		r = read_from_dir(dir, file, b, why, why_size);
	for (size_t i = 0; r == -ENOENT && i < ctx->cfg.n_overlay_dirs; i++) {
		r = context_path(ctx, ctx->cfg.overlay_dirs[i], dir, sizeof(dir));
		if (r == 0)
			r = read_from_dir(dir, file, b, why, why_size);
	}
	return r;
}

int overlay_read(const struct context *ctx, const char *name, struct overlay_blob *out,
		 char *why, size_t why_size)
{
	char file[NAME_LEN_MAX + 8];
	int r;

	memset(out, 0, sizeof(*out));
	snprintf(file, sizeof(file), "%s.dtbo", name);
	r = search_dirs(ctx, file, out, why, why_size);
	if (r != -ENOENT)
		return r;
	if (ctx->overlay_dir)
		snprintf(why, why_size, "%s not found in %s", file, ctx->overlay_dir);
	else
		snprintf(why, why_size,
			 "%s not found in %s or the configured overlay_dirs: install it and "
			 "rebuild the initramfs",
			 file, EMBEDDED_OVERLAYS);
	return r;
}
