/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stddef.h>

#include "sha256.h"

/* Finds file in a sha256sum(1) listing ("HEX  NAME" or "HEX *NAME" per line) and
 * copies its digest to hex. -ENOENT: not listed; -EINVAL: its line is malformed. */
int manifest_lookup(const char *buf, size_t len, const char *file, char hex[SHA256_HEX_SIZE]);
