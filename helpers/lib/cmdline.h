/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* One word of the kernel command line, quotes removed as the kernel removes them.
 * Views into the caller's buffer, not NUL-terminated. */
struct cmdline_arg {
	const char *key;
	size_t key_len;
	const char *value; /* NULL for a bare word such as "quiet" */
	size_t value_len;
};

typedef int (*cmdline_fn)(const struct cmdline_arg *arg, void *userdata);

/* Splits buf[0..len) the way the kernel does: white space separates words, double
 * quotes group them, a NUL or the word "--" ends the kernel's part. Calls fn for
 * each word; stops when fn returns non-zero and returns that value, else 0. */
int cmdline_foreach(const char *buf, size_t len, cmdline_fn fn, void *userdata);

bool cmdline_key_is(const struct cmdline_arg *arg, const char *key);
