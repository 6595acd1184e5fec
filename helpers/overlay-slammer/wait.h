/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <sys/types.h>

#include "context.h"

/* Whether ROOT/device (links followed) is a device node: a character device. Under
 * a fake root a regular file stands in for one, as tests cannot make device nodes.
 * 1 when it is; 0 when nothing is there (or a link dangles); -ENODEV when
 * something else is, *mode saying what; -ENAMETOOLONG. */
int device_node(const struct context *ctx, const char *device, mode_t *mode);

/* Waits until device is a device node (a link counts once its target is one), at
 * most timeout_s seconds, checking every 20 ms. EXIT_OK, EXIT_TIMEOUT, or
 * EXIT_USAGE for a path too long. */
int action_wait_device(const struct context *ctx, const char *device, unsigned timeout_s);
