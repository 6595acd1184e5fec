// SPDX-License-Identifier: GPL-2.0-or-later
#include "text.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

static bool cont(unsigned char c)
{
	return (c & 0xc0) == 0x80;
}

/* RFC 3629, section 4: the second byte's range depends on the first. */
size_t utf8_seq_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len;

	if (n == 0)
		return 0;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4;
	else
		return 0;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (!cont(s[i]))
			return 0;
	return len;
}

const char *text_show(const char *s, char *out, size_t size)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	/* Where the last pieces began, to make room for "..." when cut. */
	size_t n = strlen(s), used = 0, marks[4] = { 0 }, nmarks = 0;

	if (size == 0)
		return out;
	for (size_t i = 0; i < n;) {
		size_t len = utf8_seq_len(p + i, n - i);
		char piece[5];
		size_t pl;

		if (len == 0 || p[i] < 0x20 || p[i] == 0x7f || p[i] == '\\') {
			if (p[i] == '\\') {
				piece[0] = piece[1] = '\\';
				pl = 2;
			} else {
				piece[0] = '\\', piece[1] = 'x';
				piece[2] = hex[p[i] >> 4], piece[3] = hex[p[i] & 15];
				pl = 4;
			}
			len = 1;
		} else {
			memcpy(piece, p + i, len);
			pl = len;
		}
		if (used + pl >= size) {
			/* Cut: whole pieces go until "..." fits, if it can at all. */
			while (used + 3 >= size && nmarks > 0)
				used = marks[--nmarks];
			if (used + 3 < size) {
				memcpy(out + used, "...", 3);
				used += 3;
			}
			break;
		}
		if (nmarks == 4)
			memmove(marks, marks + 1, 3 * sizeof(marks[0])), nmarks = 3;
		marks[nmarks++] = used;
		memcpy(out + used, piece, pl);
		used += pl;
		i += len;
	}
	out[used] = '\0';
	return out;
}

void json_string(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);

	fputc('"', f);
	for (size_t i = 0; i < n;) {
		size_t len = utf8_seq_len(p + i, n - i);

		if (len == 0) {
			fputs("\\ufffd", f);
			len = 1;
		} else if (p[i] == '"' || p[i] == '\\') {
			fprintf(f, "\\%c", p[i]);
		} else if (p[i] == '\n') {
			fputs("\\n", f);
		} else if (p[i] == '\t') {
			fputs("\\t", f);
		} else if (p[i] < 0x20 || p[i] == 0x7f) {
			fprintf(f, "\\u%04x", p[i]);
		} else {
			fwrite(p + i, 1, len, f);
		}
		i += len;
	}
	fputc('"', f);
}

int why_err(int err, char *why, size_t why_size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, why_size, fmt, ap);
	va_end(ap);
	return err;
}
