// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmdline.h"
#include "fsutil.h"
#include "util.h"


struct warner {
	config_warn_fn fn;
	void *userdata;
};

__attribute__((format(printf, 2, 3)))
static void warnf(const struct warner *w, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (!w->fn)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	w->fn(w->userdata, msg);
}

struct setting {
	const char *key;
	/* Parses value[0..n) into c; on failure leaves c alone and says why. */
	int (*parse)(struct config *c, const char *value, size_t n, const char **why);
	bool on_cmdline;
	bool is_bool; /* a bare rd.rpi_hw.KEY means 1, as dracut's getargbool reads it */
};

static bool is_alnum(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
}

bool overlay_name_valid(const char *s, size_t n)
{
	if (n == 0 || n > NAME_LEN_MAX || !is_alnum(s[0]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!is_alnum(s[i]) && s[i] != '.' && s[i] != '_' && s[i] != '-')
			return false;
	return true;
}

bool module_name_valid(const char *s, size_t n)
{
	if (n == 0 || n > NAME_LEN_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!is_alnum(s[i]) && s[i] != '_' && s[i] != '-')
			return false;
	return true;
}

/* A user name as shadow's useradd accepts it by default: at most 32 bytes of
 * letters, digits, '.', '_', '-', not starting with '-', not "." or "..". */
bool account_name_valid(const char *s, size_t n)
{
	if (n == 0 || n > ACCOUNT_LEN_MAX || s[0] == '-' || (n == 1 && s[0] == '.') ||
	    (n == 2 && s[0] == '.' && s[1] == '.'))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!is_alnum(s[i]) && s[i] != '.' && s[i] != '_' && s[i] != '-')
			return false;
	return true;
}

bool name_list_contains(const struct name_list *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->names[i], name) == 0)
			return true;
	return false;
}

int name_list_join(const struct name_list *l, char *out, size_t size)
{
	size_t used = 0;

	if (size == 0)
		return -ENAMETOOLONG;
	out[0] = '\0';
	for (size_t i = 0; i < l->n; i++) {
		int w = snprintf(out + used, size - used, "%s%s", i ? "," : "", l->names[i]);

		if (w < 0 || (size_t)w >= size - used)
			return -ENAMETOOLONG;
		used += (size_t)w;
	}
	return 0;
}

/* Appends to out[*used..size); -ENAMETOOLONG when it does not fit. */
__attribute__((format(printf, 4, 5)))
static int append(char *out, size_t size, size_t *used, const char *fmt, ...)
{
	va_list ap;
	int w;

	va_start(ap, fmt);
	w = vsnprintf(out + *used, size - *used, fmt, ap);
	va_end(ap);
	if (w < 0 || (size_t)w >= size - *used)
		return -ENAMETOOLONG;
	*used += (size_t)w;
	return 0;
}

/* A bare parameter is written "param=on", which it means: a list of one entry
 * with bare parameters only would otherwise read back as a list of names. */
int overlay_list_join(const struct name_list *l, char *out, size_t size)
{
	bool params = false;
	size_t used = 0;
	int r = 0;

	for (size_t i = 0; i < l->n; i++)
		params |= l->params[i][0] != '\0';
	if (!params)
		return name_list_join(l, out, size);
	if (size == 0)
		return -ENAMETOOLONG;
	out[0] = '\0';
	for (size_t i = 0; r == 0 && i < l->n; i++) {
		const char *rest = l->params[i], *why = NULL;
		struct overlay_param p;

		r = append(out, size, &used, "%s%s", i ? " " : "", l->names[i]);
		while (r == 0 && overlay_param_next(&rest, &p, &why) > 0)
			r = append(out, size, &used, ",%.*s=%.*s", (int)p.name_len, p.name,
				   p.value ? (int)p.value_len : 2, p.value ? p.value : "on");
	}
	return r;
}

static bool param_name_char(char ch)
{
	return is_alnum(ch) || ch == '_' || ch == '-' || ch == '.';
}

int overlay_param_next(const char **s, struct overlay_param *p, const char **why)
{
	const char *q = *s;

	if (*q == '\0')
		return 0;
	p->name = q;
	while (*q && *q != ',' && *q != '=') {
		if (!param_name_char(*q)) {
			*why = "a parameter name has other characters than letters, digits, '_', "
			       "'-', '.'";
			return -EINVAL;
		}
		q++;
	}
	p->name_len = (size_t)(q - p->name);
	if (p->name_len == 0) {
		*why = "a parameter without a name (two commas, or '=' first)";
		return -EINVAL;
	}
	if (p->name_len > NAME_LEN_MAX) {
		*why = "a parameter name longer than 63 characters";
		return -EINVAL;
	}
	p->value = NULL;
	p->value_len = 0;
	if (*q == '=') {
		p->value = ++q;
		while (*q && *q != ',') {
			if ((unsigned char)*q <= ' ' || (unsigned char)*q >= 0x7f) {
				*why = "a parameter value with white space or a control character";
				return -EINVAL;
			}
			q++;
		}
		p->value_len = (size_t)(q - p->value);
	}
	if (*q == ',')
		q++;
	*s = q;
	return 1;
}

int overlay_entry_parse(const char *s, size_t n, char *name, char *params, const char **why)
{
	const char *comma = memchr(s, ',', n), *rest;
	size_t nlen = comma ? (size_t)(comma - s) : n, plen = comma ? n - nlen - 1 : 0;
	struct overlay_param p;
	int r;

	if (!overlay_name_valid(s, nlen)) {
		*why = "not a plain overlay name (letters, digits, '.', '_', '-')";
		return -EINVAL;
	}
	if (plen > PARAMS_LEN_MAX) {
		*why = "parameters longer than 255 characters";
		return -E2BIG;
	}
	memcpy(name, s, nlen);
	name[nlen] = '\0';
	memcpy(params, comma ? comma + 1 : "", plen);
	params[plen] = '\0';
	rest = params;
	while ((r = overlay_param_next(&rest, &p, why)) > 0)
		;
	return r;
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

enum list_kind { LIST_OVERLAYS, LIST_MODULES, LIST_ACCOUNTS };

/* Comma separated names into out (replacing it only when every entry is good).
 * Module names take the kernel's spelling: '-' and '_' are the same. */
static int parse_list(struct name_list *out, const char *v, size_t n, enum list_kind kind,
		      const char **why)
{
	const bool modules = kind == LIST_MODULES;

	struct name_list l = { 0 };
	size_t i = 0;

	while (i <= n) {
		size_t j = i, len;
		const char *item;

		while (j < n && v[j] != ',')
			j++;
		item = v + i;
		len = trim(&item, j - i);
		i = j + 1;
		if (len == 0)
			continue;
		if (modules && !module_name_valid(item, len)) {
			/* modprobe takes names, and libkmod looks them up in the kernel's own
			 * tree: a path would load a file from anywhere. */
			*why = memchr(item, '/', len) || memmem(item, len, ".ko", 3)
				       ? "a path or file, not a module name: give the name, such as "
					 "metis"
				       : "not a module name (letters, digits, '_', '-')";
			return -EINVAL;
		}
		if (kind == LIST_OVERLAYS && !overlay_name_valid(item, len)) {
			*why = "not a plain overlay name (letters, digits, '.', '_', '-')";
			return -EINVAL;
		}
		if (kind == LIST_ACCOUNTS && !account_name_valid(item, len)) {
			*why = "not a comma-separated list of user names";
			return -EINVAL;
		}
		if (l.n == LIST_MAX) {
			*why = "too many entries (at most " XSTRINGIFY(LIST_MAX) ")";
			return -E2BIG;
		}
		memcpy(l.names[l.n], item, len);
		l.names[l.n][len] = '\0';
		if (modules)
			for (char *p = l.names[l.n]; *p; p++)
				if (*p == '-')
					*p = '_';
		if (!name_list_contains(&l, l.names[l.n]))
			l.n++;
	}
	*out = l;
	return 0;
}

/* Names the seed document gave for modules that no kernel has (SPEC §4). A list
 * naming one would otherwise fail later as "not found", pointing nowhere. */
static const struct {
	const char *name, *what;
} not_modules[] = {
	{ "axdevice", "is Axelera's command-line tool, not a kernel module: the driver is metis" },
	{ "rp1_uart", "is in no kernel: RP1's UARTs are PL011 ones (amba-pl011), which need no "
		      "module of their own" },
};

const char *module_not_a_module(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(not_modules); i++)
		if (strcmp(name, not_modules[i].name) == 0)
			return not_modules[i].what;
	return NULL;
}

/* Takes the seed's names out of the module list, one line for each. */
static void drop_not_modules(struct name_list *l, const struct warner *w, const char *where)
{
	size_t kept = 0;

	for (size_t i = 0; i < l->n; i++) {
		const char *what = module_not_a_module(l->names[i]);

		if (what) {
			warnf(w, "%s: module %s %s; left out", where, l->names[i], what);
			continue;
		}
		if (kept != i)
			memcpy(l->names[kept], l->names[i], sizeof(l->names[i]));
		kept++;
	}
	l->n = kept;
}

static bool is_blank(char ch)
{
	return ch == ' ' || ch == '\t';
}

/* Whether white space separates two entries somewhere in v: a run of it with
 * something other than a comma (or the end) on both sides. */
static bool blank_separated(const char *v, size_t n)
{
	for (size_t i = 0; i < n;) {
		size_t j = i;

		if (!is_blank(v[i])) {
			i++;
			continue;
		}
		while (j < n && is_blank(v[j]))
			j++;
		if (i > 0 && v[i - 1] != ',' && j < n && v[j] != ',')
			return true;
		i = j;
	}
	return false;
}

/* Entries NAME[,param[=value]]... separated by white space. A list with no '='
 * whose only white space is around commas is the older form: names separated by
 * commas ("a,b", "a, b"). */
static int parse_overlays(struct config *c, const char *v, size_t n, const char **why)
{
	struct name_list l = { 0 };
	char name[NAME_LEN_MAX + 1], params[PARAMS_LEN_MAX + 1];
	size_t i = 0;

	if (!memchr(v, '=', n) && !blank_separated(v, n))
		return parse_list(&c->overlays, v, n, LIST_OVERLAYS, why);
	while (i < n) {
		size_t j;
		int r;

		while (i < n && is_blank(v[i]))
			i++;
		for (j = i; j < n && !is_blank(v[j]); j++)
			;
		if (j == i)
			break;
		r = overlay_entry_parse(v + i, j - i, name, params, why);
		if (r < 0)
			return r;
		i = j;
		if (name_list_contains(&l, name)) {
			for (size_t k = 0; k < l.n; k++) {
				if (strcmp(l.names[k], name) == 0 && strcmp(l.params[k], params) != 0) {
					*why = "an overlay listed twice with different parameters (it "
					       "is applied once: give its parameters in one entry)";
					return -EINVAL;
				}
			}
			continue;
		}
		if (l.n == LIST_MAX) {
			*why = "too many entries (at most 16)";
			return -E2BIG;
		}
		memcpy(l.names[l.n], name, sizeof(name));
		memcpy(l.params[l.n], params, sizeof(params));
		l.n++;
	}
	c->overlays = l;
	return 0;
}

static int parse_modules(struct config *c, const char *v, size_t n, const char **why)
{
	return parse_list(&c->modules, v, n, LIST_MODULES, why);
}

static int parse_bool(bool *out, const char *v, size_t n, const char **why)
{
	static const char *const yes[] = { "1", "yes", "true", "on", "y" };
	static const char *const no[] = { "0", "no", "false", "off", "n" };

	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		if (n == strlen(yes[i]) && strncmp(v, yes[i], n) == 0) {
			*out = true;
			return 0;
		}
		if (n == strlen(no[i]) && strncmp(v, no[i], n) == 0) {
			*out = false;
			return 0;
		}
	}
	*why = "not a boolean (0 or 1)";
	return -EINVAL;
}

static int parse_enable(struct config *c, const char *v, size_t n, const char **why)
{
	return parse_bool(&c->enable, v, n, why);
}

static int parse_strict(struct config *c, const char *v, size_t n, const char **why)
{
	return parse_bool(&c->strict, v, n, why);
}

static int parse_debug(struct config *c, const char *v, size_t n, const char **why)
{
	return parse_bool(&c->debug, v, n, why);
}

static int parse_timeout(struct config *c, const char *v, size_t n, const char **why)
{
	unsigned t = 0;

	if (n == 0 || n > 4)
		goto bad;
	for (size_t i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			goto bad;
		t = t * 10 + (unsigned)(v[i] - '0');
	}
	if (t > TIMEOUT_MAX)
		goto bad;
	c->timeout_s = t;
	return 0;
bad:
	*why = "not a number of seconds from 0 to " XSTRINGIFY(TIMEOUT_MAX);
	return -EINVAL;
}

/* Absolute, no "..", no white space or shell metacharacters. */
static bool plain_path(const char *v, size_t n)
{
	if (n == 0 || n > PATH_LEN_MAX || v[0] != '/')
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = v[i];

		if (!is_alnum(ch) && !strchr("/._-:@+", ch))
			return false;
		if (ch == '.' && i > 0 && v[i - 1] == '/' && i + 1 < n && v[i + 1] == '.' &&
		    (i + 2 == n || v[i + 2] == '/'))
			return false;
	}
	return true;
}

static int parse_device(struct config *c, const char *v, size_t n, const char **why)
{
	if (n > PATH_LEN_MAX || n < 6 || !plain_path(v, n) || strncmp(v, "/dev/", 5) != 0) {
		*why = "not a plain path under /dev";
		return -EINVAL;
	}
	memcpy(c->device, v, n);
	c->device[n] = '\0';
	return 0;
}

static int parse_overlay_dirs(struct config *c, const char *v, size_t n, const char **why)
{
	char dirs[DIRS_MAX][PATH_LEN_MAX + 1];
	size_t count = 0, i = 0;

	while (i < n) {
		size_t j;

		while (i < n && (v[i] == ' ' || v[i] == '\t'))
			i++;
		j = i;
		while (j < n && v[j] != ' ' && v[j] != '\t')
			j++;
		if (j == i)
			break;
		if (!plain_path(v + i, j - i)) {
			*why = "each directory must be an absolute path without '..'";
			return -EINVAL;
		}
		if (count == DIRS_MAX) {
			*why = "too many directories (at most " XSTRINGIFY(DIRS_MAX) ")";
			return -E2BIG;
		}
		memcpy(dirs[count], v + i, j - i);
		dirs[count][j - i] = '\0';
		count++;
		i = j;
	}
	memcpy(c->overlay_dirs, dirs, sizeof(dirs));
	c->n_overlay_dirs = count;
	return 0;
}

/* For metis-setup, which adds them to the axelera group. */
static int parse_accounts(struct config *c, const char *v, size_t n, const char **why)
{
	return parse_list(&c->accounts, v, n, LIST_ACCOUNTS, why);
}

/* A key that is accepted and read by nothing. */
static int parse_ignored(struct config *c, const char *v, size_t n, const char **why)
{
	(void)c, (void)v, (void)n, (void)why;
	return 0;
}

static const struct setting settings[] = {
	{ "enable", parse_enable, true, true },
	{ "overlays", parse_overlays, true, false },
	{ "modules", parse_modules, true, false },
	{ "overlay_dirs", parse_overlay_dirs, false, false },
	{ "device", parse_device, true, false },
	{ "timeout", parse_timeout, true, false },
	{ "strict", parse_strict, true, true },
	{ "debug", parse_debug, true, true },
	/* Read by nothing since the helper no longer falls back on the boot partition
	 * (docs/dracut.md); a configuration that still sets it is not wrong. */
	{ "bootdev", parse_ignored, true, false },
	{ "accounts", parse_accounts, false, false },
};

static const struct setting *find_setting(const char *key, size_t n)
{
	for (size_t i = 0; i < ARRAY_SIZE(settings); i++)
		if (strlen(settings[i].key) == n && strncmp(settings[i].key, key, n) == 0)
			return &settings[i];
	return NULL;
}

void config_init(struct config *c)
{
	memset(c, 0, sizeof(*c));
	config_parse_file(c, config_defaults, strlen(config_defaults), "built-in defaults", NULL,
			  NULL);
}

/* One setting as `overlay-slammer config` prints it; -ENOENT for an unknown key. */
static int config_value(const struct config *c, const char *key, char *out, size_t size)
{
	const struct name_list *list = NULL;

	out[0] = '\0';
	if (strcmp(key, "enable") == 0 || strcmp(key, "strict") == 0 ||
	    strcmp(key, "debug") == 0) {
		bool on = key[0] == 'e' ? c->enable : key[0] == 's' ? c->strict : c->debug;

		snprintf(out, size, "%d", on);
	} else if (strcmp(key, "overlays") == 0) {
		return overlay_list_join(&c->overlays, out, size);
	} else if (strcmp(key, "modules") == 0) {
		list = &c->modules;
	} else if (strcmp(key, "blacklist") == 0) {
		list = &c->blacklist;
	} else if (strcmp(key, "accounts") == 0) {
		list = &c->accounts;
	} else if (strcmp(key, "overlay_dirs") == 0) {
		for (size_t i = 0; i < c->n_overlay_dirs; i++)
			snprintf(out + strlen(out), size - strlen(out), "%s%s", i ? " " : "",
				 c->overlay_dirs[i]);
	} else if (strcmp(key, "device") == 0) {
		snprintf(out, size, "%s", c->device);
	} else if (strcmp(key, "timeout") == 0) {
		snprintf(out, size, "%u", c->timeout_s);
	} else {
		return -ENOENT;
	}
	return list ? name_list_join(list, out, size) : 0;
}

int config_print(const struct config *c, const char *key, FILE *f)
{
	/* The order of the shipped file; blacklist is the kernel command line's. */
	static const char *const keys[] = { "enable",  "overlays", "modules", "overlay_dirs",
					    "device",  "timeout",  "strict",  "debug",
					    "blacklist", "accounts" };
	char value[CONFIG_VALUE_MAX];
	int r;

	if (key) {
		r = config_value(c, key, value, sizeof(value));
		if (r < 0)
			return r;
		return fprintf(f, "%s\n", value) < 0 ? -EIO : 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		r = config_value(c, keys[i], value, sizeof(value));
		if (r < 0)
			return r;
		if (fprintf(f, "%s=%s\n", keys[i], value) < 0)
			return -EIO;
	}
	return 0;
}

/* Printable view of untrusted text for a log line: cut, control bytes shown as '?'. */
static const char *shown(const char *s, size_t n, char *buf, size_t size)
{
	size_t i;

	for (i = 0; i < n && i + 4 < size; i++)
		buf[i] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
	if (i < n)
		buf[i++] = '.', buf[i++] = '.', buf[i++] = '.';
	buf[i] = '\0';
	return buf;
}

static int config_parse_line(struct config *c, const char *line, size_t n, const char *origin,
			     unsigned lineno, const struct warner *w)
{
	char vbuf[80];
	const char *key = line, *end, *eq, *val, *why = NULL;
	const struct setting *s;
	size_t klen, vlen;

	n = trim(&key, n);
	if (n == 0 || key[0] == '#')
		return 0;
	end = key + n;
	eq = memchr(key, '=', n);
	if (!eq) {
		warnf(w, "%s line %u: '%s' is not key=value; ignored", origin, lineno,
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

		warnf(w, "%s line %u: unknown key '%s'; ignored", origin, lineno,
			 shown(key, klen, kbuf, sizeof(kbuf)));
		return 1;
	}
	if (s->parse(c, val, vlen, &why) < 0) {
		warnf(w, "%s line %u: %s='%s' ignored: %s", origin, lineno, s->key,
			 shown(val, vlen, vbuf, sizeof(vbuf)), why);
		return 1;
	}
	if (s->parse == parse_modules) {
		char where[PATH_MAX + 32];

		snprintf(where, sizeof(where), "%s line %u", origin, lineno);
		drop_not_modules(&c->modules, w, where);
	}
	return 0;
}

int config_parse_file(struct config *c, const char *buf, size_t len, const char *origin,
		      config_warn_fn warn, void *userdata)
{
	const struct warner w = { warn, userdata };
	unsigned lineno = 0;
	int ignored = 0;
	size_t i = 0;

	while (i < len) {
		size_t j = i;

		while (j < len && buf[j] != '\n')
			j++;
		lineno++;
		if (memchr(buf + i, '\0', j - i)) {
			warnf(&w, "%s line %u: contains a NUL byte; ignored", origin, lineno);
			ignored++;
		} else {
			ignored += config_parse_line(c, buf + i, j - i, origin, lineno, &w);
		}
		i = j + 1;
	}
	return ignored;
}

/* Blacklists may be given several times; entries add up. */
static int add_blacklist(struct config *c, const char *v, size_t n)
{
	struct name_list more;
	const char *why = NULL;

	if (parse_list(&more, v, n, LIST_MODULES, &why) < 0)
		return -EINVAL;
	for (size_t i = 0; i < more.n; i++) {
		if (name_list_contains(&c->blacklist, more.names[i]))
			continue;
		if (c->blacklist.n == LIST_MAX)
			return -E2BIG;
		memcpy(c->blacklist.names[c->blacklist.n++], more.names[i], NAME_LEN_MAX + 1);
	}
	return 0;
}

static int cmdline_word(const struct cmdline_arg *a, struct config *c, const struct warner *w)
{
	static const char prefix[] = "rd.rpi_hw.";
	const size_t plen = sizeof(prefix) - 1;
	char kbuf[48], vbuf[80];
	const struct setting *s;
	const char *why = NULL;

	if (cmdline_key_is(a, "module_blacklist") || cmdline_key_is(a, "modprobe.blacklist") ||
	    cmdline_key_is(a, "rd.driver.blacklist")) {
		if (a->value && add_blacklist(c, a->value, a->value_len) < 0)
			warnf(w, "kernel command line: %.*s='%s' partly ignored: not a list of "
				 "module names, or more than 16", (int)a->key_len, a->key,
				 shown(a->value, a->value_len, vbuf, sizeof(vbuf)));
		return 0;
	}
	if (cmdline_key_is(a, "rd.rpi_hw")) {
		/* A bare "rd.rpi_hw" means on, as dracut's getargbool reads it. */
		if (!a->value)
			c->enable = true;
		else if (parse_bool(&c->enable, a->value, a->value_len, &why) < 0)
			goto ignored;
		return 0;
	}
	if (a->key_len <= plen || strncmp(a->key, prefix, plen) != 0)
		return 0;
	s = find_setting(a->key + plen, a->key_len - plen);
	if (!s || !s->on_cmdline) {
		warnf(w, "kernel command line: unknown option '%s'; ignored",
			 shown(a->key, a->key_len, kbuf, sizeof(kbuf)));
		return 1;
	}
	if (!a->value && s->is_bool)
		return s->parse(c, "1", 1, &why) < 0;
	if (!a->value) {
		why = "needs a value";
		goto ignored;
	}
	if (s->parse(c, a->value, a->value_len, &why) < 0)
		goto ignored;
	if (s->parse == parse_modules)
		drop_not_modules(&c->modules, w, "kernel command line: rd.rpi_hw.modules");
	return 0;
ignored:
	warnf(w, "kernel command line: %s='%s' ignored: %s",
		 shown(a->key, a->key_len, kbuf, sizeof(kbuf)),
		 a->value ? shown(a->value, a->value_len, vbuf, sizeof(vbuf)) : "", why);
	return 1;
}

struct cmdline_state {
	struct config *c;
	struct warner w;
	int ignored;
};

static int cmdline_count(const struct cmdline_arg *a, void *userdata)
{
	struct cmdline_state *st = userdata;

	st->ignored += cmdline_word(a, st->c, &st->w);
	return 0;
}

int config_parse_cmdline(struct config *c, const char *buf, size_t len, config_warn_fn warn,
			 void *userdata)
{
	struct cmdline_state st = { c, { warn, userdata }, 0 };

	cmdline_foreach(buf, len, cmdline_count, &st);
	return st.ignored;
}

int config_locate(const char *root, const char *given, char *out, size_t size)
{
	struct stat st;

	if (!given)
		return root_path(out, size, root, SYSCONFDIR "/rpi-hardware.conf");
	if (access(given, R_OK) < 0 || stat(given, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
	return snprintf(out, size, "%s", given) < (int)size ? 0 : -ENAMETOOLONG;
}

int config_load_file(struct config *c, const char *path, config_warn_fn warn, void *userdata)
{
	_cleanup_(freep) void *buf = NULL;
	size_t len = 0;
	int r = read_file(path, CONFIG_FILE_MAX, &buf, &len);

	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	config_parse_file(c, buf, len, path, warn, userdata);
	return 0;
}

/* Reads the command-line file at ROOT/file and applies it; its full path goes to
 * path, for messages. A missing file is not an error. */
static int apply_cmdline_file(struct config *c, const char *root, const char *file, char *path,
			      size_t size, const struct warner *w)
{
	_cleanup_(freep) void *buf = NULL;
	size_t len = 0;
	int r = root_path(path, size, root, file);

	if (r == 0)
		r = read_file(path, CONFIG_FILE_MAX, &buf, &len);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	config_parse_cmdline(c, buf, len, w->fn, w->userdata);
	return 0;
}

/* A file of dracut's that cannot be read is skipped on its own: the others, and
 * above all /proc/cmdline (rd.rpi_hw=0, rd.rpi_hw.strict=1), still count. */
static void apply_dracut_file(struct config *c, const char *root, const char *file,
			      const struct warner *w)
{
	char path[PATH_MAX];
	int r = apply_cmdline_file(c, root, file, path, sizeof(path), w);

	if (r < 0) {
		char why[4200];

		warnf(w, "%s; skipped", read_error(why, sizeof(why), path, r, CONFIG_FILE_MAX));
	}
}

static int is_conf(const struct dirent *de)
{
	size_t n = strlen(de->d_name);

	return n > 5 && strcmp(de->d_name + n - 5, ".conf") == 0;
}

/* dracut reads /etc/cmdline.d/\*.conf (where --kernel-cmdline puts its options),
 * then /etc/cmdline, then /proc/cmdline; the last word of a key wins. */
int config_load_cmdline(struct config *c, const char *root, config_warn_fn warn,
			void *userdata)
{
	const struct warner w = { warn, userdata };
	struct dirent **list = NULL;
	char dir[PATH_MAX], file[PATH_MAX];
	int n = 0;

	if (root_path(dir, sizeof(dir), root, "/etc/cmdline.d") == 0) {
		n = scandir(dir, &list, is_conf, alphasort);
		if (n < 0 && errno != ENOENT)
			warnf(&w, "cannot read the directory %s: %s; skipped", dir,
			      errno == ENOMEM ? "out of memory" : strerror(errno));
	}
	for (int i = 0; i < n; i++) {
		if (snprintf(file, sizeof(file), "/etc/cmdline.d/%s", list[i]->d_name) <
		    (int)sizeof(file))
			apply_dracut_file(c, root, file, &w);
		free(list[i]);
	}
	free(list);
	apply_dracut_file(c, root, "/etc/cmdline", &w);
	return apply_cmdline_file(c, root, "/proc/cmdline", file, sizeof(file), &w);
}
