// SPDX-License-Identifier: GPL-2.0-or-later
#include "hwids.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsutil.h"
#include "util.h"


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

/* As sysfs prints an ID, and as the generated rules compare it: "0x" and four
 * lower-case hex digits. rules/gen-rules.sh takes the same. */
static int parse_hex16(const char *w, size_t n, unsigned *out)
{
	unsigned v = 0;

	if (n != 6 || w[0] != '0' || w[1] != 'x')
		return -EINVAL;
	for (size_t i = 2; i < n; i++) {
		char c = w[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else
			return -EINVAL;
	}
	*out = v;
	return 0;
}

static bool name_char(char c, bool first)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || (!first && (c == '-' || c == '.'));
}

/* A /dev name, optionally ending in udev's "%m" (the node's minor), that fits
 * max bytes with its NUL, "%m" included: at most 31 characters, as the rule
 * generator takes them. */
static bool link_word(const char *w, size_t n, size_t max)
{
	if (n >= max)
		return false;
	if (n >= 2 && w[n - 2] == '%' && w[n - 1] == 'm')
		n -= 2;
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!name_char(w[i], i == 0))
			return false;
	return true;
}

static bool known_kind(const char *w, size_t n)
{
	static const char *const kinds[] = { HWID_KIND_METIS, HWID_KIND_HAILO };

	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
		if (n == strlen(kinds[i]) && memcmp(w, kinds[i], n) == 0)
			return true;
	return false;
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
	if (!known_kind(w, len)) {
		*why = "kind is not " HWID_KIND_METIS " or " HWID_KIND_HAILO;
		return -EINVAL;
	}
	copy_word(id->kind, w, len);
	len = next_word(line, n, &pos, &w);
	if (parse_hex16(w, len, &id->vendor) < 0) {
		*why = "vendor is not 0x and four lower-case hex digits, such as 0x1f9d";
		return -EINVAL;
	}
	len = next_word(line, n, &pos, &w);
	if (len == 3 && memcmp(w, "any", 3) == 0) {
		id->device = HWID_ANY;
	} else if (parse_hex16(w, len, &dev) == 0) {
		id->device = (int)dev;
	} else {
		*why = "device is not \"any\" or 0x and four lower-case hex digits";
		return -EINVAL;
	}
	len = next_word(line, n, &pos, &w);
	if (!link_word(w, len, sizeof(id->link))) {
		*why = "link is not a plain /dev name (%m at the end for the minor)";
		return -EINVAL;
	}
	copy_word(id->link, w, len);
	while (pos < n && (line[pos] == ' ' || line[pos] == '\t'))
		pos++;
	if (pos == n) {
		*why = "want 5 columns: kind vendor device link description";
		return -EINVAL;
	}
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
		/* A comment runs from '#' to the end of the line, as in the rule generator. */
		for (size_t k = 0; k < n; k++)
			if (line[k] == '#')
				n = k;
		while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\t' || line[n - 1] == '\r'))
			n--;
		if (n == 0)
			continue;
		if (t->n == HWIDS_MAX)
			why = "too many rows (at most " XSTRINGIFY(HWIDS_MAX) ")";
		else if (memchr(line, '\0', n))
			why = "contains a NUL byte";
		if (why || parse_row(&t->ids[t->n], line, n, &why) < 0) {
			snprintf(err, errsize, "%s line %u: %s", origin, lineno, why);
			return -EINVAL;
		}
		t->n++;
	}
	if (t->n == 0) {
		/* As the rule generator: a table with no rows makes no rules. */
		snprintf(err, errsize, "%s: no identifiers", origin);
		return -EINVAL;
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
	char path[PATH_MAX];

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
