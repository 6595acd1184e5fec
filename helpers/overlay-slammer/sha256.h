/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_SIZE 32
#define SHA256_HEX_SIZE (2 * SHA256_DIGEST_SIZE + 1)

/* FIPS 180-4 SHA-256 of data[0..len), as lower-case hex with a terminating NUL. */
void sha256_hex(const void *data, size_t len, char hex[SHA256_HEX_SIZE]);
