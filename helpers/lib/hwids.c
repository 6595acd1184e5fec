// SPDX-License-Identifier: GPL-2.0-or-later
#include "hwids.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fsutil.h"
#include "util.h"

#ifndef PKGLIBDIR
#define PKGLIBDIR "/usr/lib/rpi-hardware"
#endif
#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif

/* Next white-space separated word of line[*pos..n); its length, 0 at the end. */
static size_t next_word(const char *line, size_t n, size_t *pos, const char **word)
{
	size_t i = *pos, start;

	while (i < n && (line[i] == ' ' || line[i] == '\t'))
		i++;
	start = i;
	while (i < n && line[i] != ' ' && line[i] != '\t')
		i++;
	*word = line + start;
	*pos = i;
	return i - start;
}

static int parse_hex16(const char *w, size_t n, unsigned *out)
{
	unsigned v = 0;

	if (n != 6 || w[0] != '0' || (w[1] != 'x' && w[1] != 'X'))
		return -EINVAL;
	for (size_t i = 2; i < n; i++) {
		char c = w[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return -EINVAL;
	}
	*out = v;
	return 0;
}

static bool plain_word(const char *w, size_t n, size_t max)
{
	if (n == 0 || n > max)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = w[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-' || c == '.'))
			return false;
	}
	return true;
}

static void copy_word(char *dst, const char *w, size_t n)
{
	memcpy(dst, w, n);
	dst[n] = '\0';
}

static int parse_row(struct hwid *id, const char *line, size_t n, const char **why)
{
	const char *w;
	size_t pos = 0, len;
	unsigned dev;

	len = next_word(line, n, &pos, &w);
	if (!plain_word(w, len, sizeof(id->kind) - 1)) {
		*why = "kind is not a plain word";
		return -EINVAL;
	}
	copy_word(id->kind, w, len);
	len = next_word(line, n, &pos, &w);
	if (parse_hex16(w, len, &id->vendor) < 0) {
		*why = "vendor is not a 4-digit hex ID such as 0x1f9d";
		return -EINVAL;
	}
	len = next_word(line, n, &pos, &w);
	if (len == 3 && strncasecmp(w, "any", 3) == 0) {
		id->device = HWID_ANY;
	} else if (parse_hex16(w, len, &dev) == 0) {
		id->device = (int)dev;
	} else {
		*why = "device is not a 4-digit hex ID or \"any\"";
		return -EINVAL;
	}
	len = next_word(line, n, &pos, &w);
	if (!plain_word(w, len, sizeof(id->link) - 1)) {
		*why = "link is not a plain /dev name";
		return -EINVAL;
	}
	copy_word(id->link, w, len);
	while (pos < n && (line[pos] == ' ' || line[pos] == '\t'))
		pos++;
	len = n - pos;
	if (len >= sizeof(id->desc))
		len = sizeof(id->desc) - 1;
	copy_word(id->desc, line + pos, len);
	return 0;
}

int hwids_parse(struct hwid_table *t, const char *text, size_t len, const char *origin,
		char *err, size_t errsize)
{
	unsigned lineno = 0;
	size_t i = 0;

	t->n = 0;
	snprintf(t->source, sizeof(t->source), "%s", origin);
	while (i < len) {
		const char *line = text + i, *why = NULL;
		size_t j = i, n;

		while (j < len && text[j] != '\n')
			j++;
		n = j - i;
		i = j + 1;
		lineno++;
		while (n > 0 && (*line == ' ' || *line == '\t')) {
			line++;
			n--;
		}
		while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\t' || line[n - 1] == '\r'))
			n--;
		if (n == 0 || line[0] == '#')
			continue;
		if (t->n == HWIDS_MAX)
			why = "too many rows (at most 64)";
		else if (memchr(line, '\0', n))
			why = "contains a NUL byte";
		if (why || parse_row(&t->ids[t->n], line, n, &why) < 0) {
			snprintf(err, errsize, "%s line %u: %s", origin, lineno, why);
			return -EINVAL;
		}
		t->n++;
	}
	return 0;
}

static int load_file(struct hwid_table *t, const char *path, char *err, size_t errsize)
{
	char *buf = malloc(HWIDS_FILE_MAX);
	int n;

	if (!buf) {
		snprintf(err, errsize, "%s: %s", path, strerror(ENOMEM));
		return -ENOMEM;
	}
	n = read_text_file(path, buf, HWIDS_FILE_MAX);
	if (n < 0) {
		if (n != -ENOENT)
			snprintf(err, errsize, "%s: %s", path, strerror(-n));
	} else {
		n = hwids_parse(t, buf, (size_t)n, path, err, errsize);
	}
	free(buf);
	return n;
}

int hwids_load(struct hwid_table *t, const char *sysroot, char *err, size_t errsize)
{
	static const char *const files[] = { SYSCONFDIR "/rpi-hardware/hardware-ids",
					     PKGLIBDIR "/hardware-ids" };
	char path[4096];

	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		int r = root_path(path, sizeof(path), sysroot, files[i]);

		if (r < 0) {
			snprintf(err, errsize, "%s: %s", files[i], strerror(-r));
			return r;
		}
		r = load_file(t, path, err, errsize);
		if (r != -ENOENT)
			return r;
	}
	return hwids_parse(t, hwids_builtin, strlen(hwids_builtin), "built-in hardware-ids", err,
			   errsize);
}

const struct hwid *hwids_match(const struct hwid_table *t, const char *kind, unsigned vendor,
			       unsigned device)
{
	for (size_t i = 0; i < t->n; i++) {
		const struct hwid *id = &t->ids[i];

		if (strcmp(id->kind, kind) == 0 && id->vendor == vendor &&
		    (id->device == HWID_ANY || (unsigned)id->device == device))
			return id;
	}
	return NULL;
}

void hwids_describe(const struct hwid_table *t, const char *kind, char *out, size_t size)
{
	size_t used = 0;

	if (size == 0)
		return;
	out[0] = '\0';
	for (size_t i = 0; i < t->n; i++) {
		const struct hwid *id = &t->ids[i];
		int w;

		if (strcmp(id->kind, kind) != 0)
			continue;
		if (id->device == HWID_ANY)
			w = snprintf(out + used, size - used, "%s0x%04x", used ? ", " : "",
				     id->vendor);
		else
			w = snprintf(out + used, size - used, "%s0x%04x:0x%04x", used ? ", " : "",
				     id->vendor, (unsigned)id->device);
		if (w < 0 || (size_t)w >= size - used)
			return;
		used += (size_t)w;
	}
}
