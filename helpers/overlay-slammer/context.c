// SPDX-License-Identifier: GPL-2.0-or-later
#include "context.h"

#include "fsutil.h"

int context_path(const struct context *ctx, const char *path, char *out, size_t size)
{
	return path_join(out, size, ctx->root, path);
}
