// SPDX-License-Identifier: GPL-2.0-or-later
#include "conf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sysroot.h"

struct list {
	size_t n;
	char names[CONF_LIST_MAX][CONF_NAME_MAX + 1];
};

static bool is_alnum(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
}

static size_t trim(const char **s, size_t n)
{
	while (n > 0 && (**s == ' ' || **s == '\t')) {
		(*s)++;
		n--;
	}
	while (n > 0 && ((*s)[n - 1] == ' ' || (*s)[n - 1] == '\t' || (*s)[n - 1] == '\r'))
		n--;
	return n;
}

static bool overlay_name_ok(const char *s, size_t n)
{
	if (n == 0 || n > CONF_NAME_MAX || !is_alnum(s[0]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!is_alnum(s[i]) && s[i] != '.' && s[i] != '_' && s[i] != '-')
			return false;
	return true;
}

static bool list_has(const struct list *l, const char *s, size_t n)
{
	for (size_t i = 0; i < l->n; i++)
		if (strlen(l->names[i]) == n && strncmp(l->names[i], s, n) == 0)
			return true;
	return false;
}

static int parse_overlays(struct ax_conf *c, const char *v, size_t n, const char **why)
{
	struct list l = { 0 };
	size_t i = 0;

	while (i <= n) {
		size_t j = i, len;
		const char *item = v + i;

		while (j < n && v[j] != ',')
			j++;
		len = trim(&item, j - i);
		i = j + 1;
		if (len == 0 || list_has(&l, item, len))
			continue;
		if (!overlay_name_ok(item, len)) {
			*why = "not a plain overlay name (letters, digits, '.', '_', '-')";
			return -EINVAL;
		}
		if (l.n == CONF_LIST_MAX) {
			*why = "too many entries (at most 16)";
			return -E2BIG;
		}
		memcpy(l.names[l.n], item, len);
		l.names[l.n++][len] = '\0';
	}
	c->n_overlays = l.n;
	memcpy(c->overlays, l.names, sizeof(l.names));
	return 0;
}

static int parse_enable(struct ax_conf *c, const char *v, size_t n, const char **why)
{
	static const char *const yes[] = { "1", "yes", "true", "on", "y" };
	static const char *const no[] = { "0", "no", "false", "off", "n" };

	for (size_t i = 0; i < AX_ARRAY_SIZE(yes); i++) {
		if (n == strlen(yes[i]) && strncmp(v, yes[i], n) == 0) {
			c->enable = true;
			return 0;
		}
		if (n == strlen(no[i]) && strncmp(v, no[i], n) == 0) {
			c->enable = false;
			return 0;
		}
	}
	*why = "not a boolean (0 or 1)";
	return -EINVAL;
}

/* Absolute, under /dev, no "..", nothing a shell or a log line would trip on. */
static int parse_device(struct ax_conf *c, const char *v, size_t n, const char **why)
{
	bool ok = n > 5 && n <= CONF_PATH_MAX && strncmp(v, "/dev/", 5) == 0;

	for (size_t i = 0; ok && i < n; i++) {
		if (!is_alnum(v[i]) && !strchr("/._-:@+", v[i]))
			ok = false;
		if (v[i] == '.' && i > 0 && v[i - 1] == '/' && i + 1 < n && v[i + 1] == '.')
			ok = false;
	}
	if (!ok) {
		*why = "not a plain path under /dev";
		return -EINVAL;
	}
	memcpy(c->device, v, n);
	c->device[n] = '\0';
	return 0;
}

static int parse_other(struct ax_conf *c, const char *v, size_t n, const char **why)
{
	(void)c, (void)v, (void)n, (void)why;
	return 0;
}

struct setting {
	const char *key;
	int (*parse)(struct ax_conf *c, const char *v, size_t n, const char **why);
};

/* Every key of the file is listed so that only real typos are reported; the
 * ones other tools of the suite read are accepted as they are. */
static const struct setting settings[] = {
	{ "enable", parse_enable },	  { "overlays", parse_overlays },
	{ "device", parse_device },	  { "modules", parse_other },
	{ "overlay_dirs", parse_other },  { "timeout", parse_other },
	{ "strict", parse_other },	  { "debug", parse_other },
	{ "bootdev", parse_other },	  { "accounts", parse_other },
};

void conf_init(struct ax_conf *c)
{
	const char *why;

	memset(c, 0, sizeof(*c));
	c->enable = true;
	parse_overlays(c, "exaviz-cruiser,axelera-metis", 28, &why);
	snprintf(c->device, sizeof(c->device), "%s", "/dev/axelera0");
}

/* Untrusted text made safe for one log line: cut, control bytes as '?'. */
static const char *shown(const char *s, size_t n, char *buf, size_t size)
{
	size_t i;

	for (i = 0; i < n && i + 4 < size; i++)
		buf[i] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
	if (i < n)
		for (int k = 0; k < 3; k++)
			buf[i++] = '.';
	buf[i] = '\0';
	return buf;
}

static void warnf(conf_warn_fn warn, void *ctx, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void warnf(conf_warn_fn warn, void *ctx, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (warn)
		warn(ctx, msg);
}

static const struct setting *find_setting(const char *key, size_t n)
{
	for (size_t i = 0; i < AX_ARRAY_SIZE(settings); i++)
		if (strlen(settings[i].key) == n && strncmp(settings[i].key, key, n) == 0)
			return &settings[i];
	return NULL;
}

static int parse_line(struct ax_conf *c, const char *line, size_t n, const char *origin,
		      unsigned lineno, conf_warn_fn warn, void *ctx)
{
	char vbuf[80];
	const char *key = line, *val, *eq, *end, *why = NULL;
	const struct setting *s;
	size_t klen, vlen;

	n = trim(&key, n);
	if (n == 0 || key[0] == '#')
		return 0;
	end = key + n;
	eq = memchr(key, '=', n);
	if (!eq) {
		warnf(warn, ctx, "%s line %u: '%s' is not key=value; ignored", origin, lineno,
		      shown(key, n, vbuf, sizeof(vbuf)));
		return 1;
	}
	klen = trim(&key, (size_t)(eq - key));
	val = eq + 1;
	vlen = trim(&val, (size_t)(end - val));
	if (vlen >= 2 && val[0] == '"' && val[vlen - 1] == '"') {
		val++;
		vlen -= 2;
	}
	s = find_setting(key, klen);
	if (!s) {
		char kbuf[40];

		warnf(warn, ctx, "%s line %u: unknown key '%s'; ignored", origin, lineno,
		      shown(key, klen, kbuf, sizeof(kbuf)));
		return 1;
	}
	if (s->parse(c, val, vlen, &why) < 0) {
		warnf(warn, ctx, "%s line %u: %s='%s' ignored: %s", origin, lineno, s->key,
		      shown(val, vlen, vbuf, sizeof(vbuf)), why);
		return 1;
	}
	return 0;
}

int conf_parse(struct ax_conf *c, const char *text, size_t len, const char *origin,
	       conf_warn_fn warn, void *ctx)
{
	unsigned lineno = 0;
	int ignored = 0;
	size_t i = 0;

	while (i < len) {
		size_t j = i;

		while (j < len && text[j] != '\n')
			j++;
		lineno++;
		if (memchr(text + i, '\0', j - i)) {
			warnf(warn, ctx, "%s line %u: contains a NUL byte; ignored", origin, lineno);
			ignored++;
		} else {
			ignored += parse_line(c, text + i, j - i, origin, lineno, warn, ctx);
		}
		i = j + 1;
	}
	return ignored;
}

/* One command-line word into out: white space separates, double quotes group.
 * Returns 1 for a word, 0 at the end, -E2BIG for a word longer than out (skipped). */
static int cmdline_word(const char *t, size_t len, size_t *pos, char *out, size_t size)
{
	size_t i = *pos, o = 0;
	bool quoted = false, too_long = false;

	while (i < len && (t[i] == ' ' || t[i] == '\t' || t[i] == '\n'))
		i++;
	while (i < len && t[i] != '\0' && (quoted || (t[i] != ' ' && t[i] != '\t' && t[i] != '\n'))) {
		if (t[i] == '"')
			quoted = !quoted;
		else if (o + 1 < size)
			out[o++] = t[i];
		else
			too_long = true;
		i++;
	}
	out[o] = '\0';
	*pos = i;
	if (too_long)
		return -E2BIG;
	return o > 0 ? 1 : 0;
}

static const struct {
	const char *prefix;
	int (*parse)(struct ax_conf *c, const char *v, size_t n, const char **why);
} cmdline_opts[] = {
	{ "rd.rpi_hw=", parse_enable },
	{ "rd.rpi_hw.overlays=", parse_overlays },
	{ "rd.rpi_hw.device=", parse_device },
};

static int cmdline_apply(struct ax_conf *c, const char *word, conf_warn_fn warn, void *ctx)
{
	char vbuf[80];

	for (size_t i = 0; i < AX_ARRAY_SIZE(cmdline_opts); i++) {
		size_t kl = strlen(cmdline_opts[i].prefix), vl;
		const char *why = NULL;

		if (strncmp(word, cmdline_opts[i].prefix, kl) != 0)
			continue;
		vl = strlen(word + kl);
		if (cmdline_opts[i].parse(c, word + kl, vl, &why) < 0) {
			warnf(warn, ctx, "kernel command line: %s'%s' ignored: %s",
			      cmdline_opts[i].prefix, shown(word + kl, vl, vbuf, sizeof(vbuf)), why);
			return 1;
		}
	}
	return 0;
}

int conf_parse_cmdline(struct ax_conf *c, const char *text, size_t len, conf_warn_fn warn,
		       void *ctx)
{
	char word[512];
	size_t pos = 0;
	int ignored = 0, r;

	while ((r = cmdline_word(text, len, &pos, word, sizeof(word))) != 0) {
		if (r < 0) {
			if (strncmp(word, "rd.rpi_hw", 9) == 0) {
				warnf(warn, ctx, "kernel command line: a word starting '%.40s' is too "
						 "long; ignored", word);
				ignored++;
			}
			continue;
		}
		if (strcmp(word, "--") == 0)
			break;
		ignored += cmdline_apply(c, word, warn, ctx);
	}
	return ignored;
}

static int load_text(const char *path, char **out)
{
	char *buf = malloc(CONF_FILE_MAX);
	int n;

	if (!buf)
		return -ENOMEM;
	n = ax_read_small(path, buf, CONF_FILE_MAX);
	if (n < 0) {
		free(buf);
		return n;
	}
	*out = buf;
	return n;
}

int conf_load(struct ax_conf *c, const char *path, conf_warn_fn warn, void *ctx)
{
	char *text = NULL;
	int n = load_text(path, &text);

	if (n == -ENOENT)
		return 0;
	if (n < 0)
		return n;
	conf_parse(c, text, (size_t)n, path, warn, ctx);
	free(text);
	return 0;
}

int conf_load_cmdline(struct ax_conf *c, const char *sysroot, conf_warn_fn warn, void *ctx)
{
	char path[4096], *text = NULL;
	int n = ax_path(path, sizeof(path), sysroot, "/proc/cmdline");

	if (n < 0)
		return n;
	n = load_text(path, &text);
	if (n == -ENOENT)
		return 0;
	if (n < 0)
		return n;
	conf_parse_cmdline(c, text, (size_t)n, warn, ctx);
	free(text);
	return 0;
}
