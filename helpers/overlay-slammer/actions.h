/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "context.h"

/* Each returns an enum exit_status and logs one line per step. */

/* The initramfs sequence: modules in order, then the overlays in order. */
int action_boot(const struct context *ctx);

/* Applies names (all configured overlays when n == 0), in order; running it again
 * changes nothing. */
int action_apply(const struct context *ctx, const struct name_list *names);

/* Removes names (all configured overlays when n == 0) in reverse order. */
int action_remove(const struct context *ctx, const struct name_list *names);
