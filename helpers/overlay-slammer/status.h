/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>

#include "context.h"

/* Prints what is in place: configuration, configfs interface, each overlay, each
 * module, the device. EXIT_OK when everything configured is in place. */
int action_status(const struct context *ctx, bool json);
