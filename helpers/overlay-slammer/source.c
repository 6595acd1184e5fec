// SPDX-License-Identifier: GPL-2.0-or-later
#include "source.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bootdev.h"
#include "dtbo.h"
#include "fsutil.h"
#include "manifest.h"
#include "util.h"

/* SHA256SUMS lists a few overlays: 64 KiB is hundreds of lines. */
#define MANIFEST_MAX ((size_t)64 * 1024)

void overlay_blob_free(struct overlay_blob *b)
{
	free(b->data);
	b->data = NULL;
	b->size = 0;
}

static int verify_manifest(int dirfd, const char *dir, const char *file,
			   const struct overlay_blob *b, char *why, size_t why_size)
{
	_cleanup_(freep) void *list = NULL;
	char want[SHA256_HEX_SIZE];
	size_t len;
	int r = read_file_beneath(dirfd, MANIFEST_NAME, MANIFEST_MAX, &list, &len);

	if (r == -ENOENT)
		return 0;
	if (r < 0) {
		char path[PATH_MAX + 16];

		snprintf(path, sizeof(path), "%s/%s", dir, MANIFEST_NAME);
		read_error(why, why_size, path, r, MANIFEST_MAX);
		return r;
	}
	r = manifest_lookup(list, len, file, want);
	if (r == -ENOENT) {
		snprintf(why, why_size, "%s is not listed in %s/%s: rebuild the initramfs", file,
			 dir, MANIFEST_NAME);
		return -EBADMSG;
	}
	if (r < 0) {
		snprintf(why, why_size, "%s/%s: malformed line for %s", dir, MANIFEST_NAME, file);
		return -EBADMSG;
	}
	if (strcmp(want, b->sha256) != 0) {
		snprintf(why, why_size,
			 "checksum mismatch against %s/%s (the file was changed after the image "
			 "was built): rebuild the initramfs",
			 dir, MANIFEST_NAME);
		return -EBADMSG;
	}
	return 0;
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
	if (r < 0) {
		describe_read_error(r, b->origin, why, why_size);
		return r;
	}
	sha256_hex(b->data, b->size, b->sha256);
	r = verify_manifest(dirfd, dir, file, b, why, why_size);
	if (r < 0)
		overlay_blob_free(b);
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
	char file[NAME_LEN_MAX + 8], dev[256];
	int r;

	memset(out, 0, sizeof(*out));
	snprintf(file, sizeof(file), "%s.dtbo", name);
	r = search_dirs(ctx, file, out, why, why_size);
	if (r != -ENOENT)
		return r;
	if (ctx->overlay_dir) {
		snprintf(why, why_size, "%s not found in %s", file, ctx->overlay_dir);
		return r;
	}
	r = bootdev_read(ctx->root, ctx->cfg.bootdev, name, DTBO_SIZE_MAX, &out->data, &out->size,
			 dev, sizeof(dev));
	if (r == 0) {
		snprintf(out->origin, sizeof(out->origin), "%s:/overlays/%s", dev, file);
		sha256_hex(out->data, out->size, out->sha256);
		return 0;
	}
	if (r == -ENOENT || r == -ENODEV)
		snprintf(why, why_size,
			 "%s not found in %s, the configured overlay_dirs or a boot partition: "
			 "install it and rebuild the initramfs",
			 file, EMBEDDED_OVERLAYS);
	else
		snprintf(why, why_size, "%s: boot partition %s: %s", file,
			 *ctx->cfg.bootdev ? ctx->cfg.bootdev : "(usual labels)", strerror(-r));
	return r == -ENODEV ? -ENOENT : r;
}
