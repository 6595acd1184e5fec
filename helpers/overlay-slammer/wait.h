/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "context.h"

/* Waits until device exists (a link counts once its target does), at most
 * timeout_s seconds, checking every 20 ms. EXIT_OK or EXIT_TIMEOUT. */
int action_wait_device(const struct context *ctx, const char *device, unsigned timeout_s);
