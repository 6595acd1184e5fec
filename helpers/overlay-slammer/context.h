/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <limits.h>
#include <stdbool.h>

#include "config.h"
#include "util.h"

/* Where the initramfs keeps its overlays. */
#define EMBEDDED_OVERLAYS "/usr/lib/rpi-hardware/overlays"

/* Parsed options and configuration, passed to every verb. */
struct context {
	const char *root;        /* "/" or --sysroot: root_is_fake() tells which */
	const char *overlay_dir; /* --overlay-dir: read overlays only from there */
	char config_path[PATH_MAX];
	struct config cfg;
};

/* Besides EXIT_OK, EXIT_FAILED (a step failed; the others were still done unless
 * strict) and EXIT_USAGE (util.h): */
enum exit_status {
	EXIT_NO_INTERFACE = 3, /* the kernel has no configfs overlay interface */
	EXIT_TIMEOUT = 4,      /* the device did not appear in time */
};

/* ROOT/path into out. */
int context_path(const struct context *ctx, const char *path, char *out, size_t size);
