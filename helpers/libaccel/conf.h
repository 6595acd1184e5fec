/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#define CONF_NAME_MAX 63
#define CONF_LIST_MAX 16
#define CONF_PATH_MAX 255
#define CONF_FILE_MAX ((size_t)64 * 1024)

/* The settings of /etc/rpi-hardware.conf that the root-side tools read. */
struct ax_conf {
	bool enable;
	size_t n_overlays;
	char overlays[CONF_LIST_MAX][CONF_NAME_MAX + 1];
	char device[CONF_PATH_MAX + 1];
};

/* Receives one warning line naming the file, line and key. */
typedef void (*conf_warn_fn)(void *ctx, const char *msg);

void conf_init(struct ax_conf *c);

/* Applies key=value text; a malformed line or value is reported through warn and
 * the earlier value kept. Returns the number of lines ignored. */
int conf_parse(struct ax_conf *c, const char *text, size_t len, const char *origin,
	       conf_warn_fn warn, void *ctx);

/* Applies rd.rpi_hw=, rd.rpi_hw.overlays= and rd.rpi_hw.device= from a kernel
 * command line, the way the boot used them. Returns the number of words ignored. */
int conf_parse_cmdline(struct ax_conf *c, const char *text, size_t len, conf_warn_fn warn,
		       void *ctx);

/* Reads path and applies it. A missing file is not an error (defaults stay);
 * other read errors return -errno. */
int conf_load(struct ax_conf *c, const char *path, conf_warn_fn warn, void *ctx);

/* Reads SYSROOT/proc/cmdline and applies it; a missing file is not an error. */
int conf_load_cmdline(struct ax_conf *c, const char *sysroot, conf_warn_fn warn, void *ctx);
