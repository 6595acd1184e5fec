/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stddef.h>

/* Validates each file as an overlay and, with base, applies them in order to a copy
 * of base, naming what does not resolve. One line per file on stdout.
 * Returns an enum exit_status. */
int action_check(char *const *files, size_t n, const char *base);
