/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stddef.h>
#include <stdio.h>

/* Names that come from outside (file names, configfs items, link targets, the
 * kernel release) hold any bytes. These render them so that they cannot forge a
 * line of output, and so that JSON stays JSON. */

/* The length of the well-formed UTF-8 sequence at s[0..n) (1 to 4), or 0 when
 * s starts with a byte that begins none: a stray continuation byte, an overlong
 * form, a surrogate, beyond U+10FFFF, or cut short. */
size_t utf8_seq_len(const unsigned char *s, size_t n);

/* s for one line of text: control bytes and bytes that are not UTF-8 as \xNN, a
 * backslash as \\, everything else as it is. Cut with "..." when it does not fit.
 * Returns out. */
const char *text_show(const char *s, char *out, size_t size);

/* s as a JSON string, quotes included: '"' and '\' escaped, newline and tab as
 * \n and \t, the other control characters as \u00XX, each byte that is not part of well-formed UTF-8 as \ufffd, so the
 * output is valid UTF-8 and valid JSON whatever s holds. */
void json_string(FILE *f, const char *s);

/* The reason for a failure written into why[0..why_size), cut to fit; returns
 * err (a negative errno), so that a check and its message are one expression. */
__attribute__((format(printf, 4, 5)))
int why_err(int err, char *why, size_t why_size, const char *fmt, ...);
