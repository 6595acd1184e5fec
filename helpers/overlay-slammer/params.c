// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Overlay parameters. An __overrides__ property is one parameter; its value is a
 * list of declarations, each a phandle cell and a NUL-terminated string:
 *   <&node>, "prop"        a string property
 *   <&node>, "prop.N"      an integer of 8 bits at byte offset N (";" 16, ":" 32,
 *                          "#" 64 bits)
 *   <&node>, "prop?"       a boolean (empty) property, present when true ("!":
 *                          present when false)
 *   <&node>, "prop["       a byte string, hex digits in pairs
 *   any of them + "=VALUE" a literal that replaces the parameter's value; an
 *                          empty one takes the next string (for a string) or the
 *                          next cell (for an integer: <&label> to retarget)
 *   <0>, "+1-2=3!4"        fragment switches: on, off, on when the value is
 *                          true, on when it is false
 * Sources: Raspberry Pi's "Device Trees, overlays, and parameters"
 * (raspberrypi/documentation, configuration/device-tree.md, part 2.2) and the
 * behaviour of its dtoverlay (raspberrypi/utils, dtmerge/). docs/overlays.md
 * lists what this engine does differently.
 */
#include "params.h"

#include <errno.h>
#include <libfdt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config.h"
#include "text.h"

#define PROP_NAME_MAX 128
#define LABEL_MAX 256
#define PATH_MAX_DT 512
#define BYTES_MAX 256
/* An __overrides__ entry names at most this many targets. */
#define DECLS_MAX 256

static const char OVERRIDES[] = "/__overrides__";
static const char FIXUPS[] = "/__fixups__";
static const char LOCAL_FIXUPS[] = "/__local_fixups__";
static const char SYMBOLS[] = "/__symbols__";
static const char ACTIVE[] = "__overlay__";
static const char DORMANT[] = "__dormant__";

/* Copies the string src into dst[0..size); false when it does not fit. */
static bool copy_str(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);

	if (n >= size)
		return false;
	memcpy(dst, src, n + 1);
	return true;
}

/* ---- values ---- */

/* A number as strtoull with base 0 reads it (0x hex, 0 octal, decimal), the whole
 * text, no sign. */
static bool parse_number(const char *v, uint64_t *out)
{
	unsigned base = 10;
	uint64_t n = 0;
	size_t i = 0;

	if (v[0] == '0' && (v[1] == 'x' || v[1] == 'X')) {
		base = 16;
		i = 2;
	} else if (v[0] == '0' && v[1]) {
		base = 8;
		i = 1;
	}
	if (!v[i])
		return false;
	for (; v[i]; i++) {
		unsigned d;

		if (v[i] >= '0' && v[i] <= '9')
			d = (unsigned)(v[i] - '0');
		else if (v[i] >= 'a' && v[i] <= 'f')
			d = (unsigned)(v[i] - 'a' + 10);
		else if (v[i] >= 'A' && v[i] <= 'F')
			d = (unsigned)(v[i] - 'A' + 10);
		else
			return false;
		if (d >= base || n > (UINT64_MAX - d) / base)
			return false;
		n = n * base + d;
	}
	*out = n;
	return true;
}

/* The words Raspberry Pi's tools take for numbers: 1, 0, and "up" (a pull-up) 2. */
static bool parse_word(const char *v, uint64_t *out)
{
	static const char *const one[] = { "y", "yes", "on", "true", "down" };
	static const char *const zero[] = { "n", "no", "off", "false" };

	for (size_t i = 0; i < sizeof(one) / sizeof(one[0]); i++)
		if (strcmp(v, one[i]) == 0)
			return *out = 1, true;
	for (size_t i = 0; i < sizeof(zero) / sizeof(zero[0]); i++)
		if (strcmp(v, zero[i]) == 0)
			return *out = 0, true;
	if (strcmp(v, "up") == 0)
		return *out = 2, true;
	return false;
}

/* A number is all digits or a word; "too large" is told apart from "not one". */
static bool value_number(const char *v, uint64_t *out)
{
	return parse_number(v, out) || parse_word(v, out);
}

static bool value_true(const char *v, bool *out)
{
	uint64_t n;

	if (!value_number(v, &n))
		return false;
	*out = n != 0;
	return true;
}

/* ---- one declaration ---- */

enum kind { K_STRING, K_INT, K_BOOL, K_BOOL_INV, K_BYTES };

struct decl {
	uint32_t phandle;
	size_t phandle_at; /* byte offset of the phandle cell in the entry */
	const char *spec;  /* the string, NUL-terminated inside the entry copy */
	char prop[PROP_NAME_MAX];
	enum kind kind;
	unsigned width;	    /* bytes of an integer */
	unsigned long off;  /* byte offset of an integer */
	const char *literal; /* after '=', or NULL */
	bool literal_cell;  /* "=" then a cell of the entry */
	size_t cell_at;	    /* where that cell is */
	uint32_t cell;
};

struct param_ctx {
	void *fdt;
	const char *name; /* the parameter, NUL-terminated */
	char *why;
	size_t why_size;
};

static int mangled(const struct param_ctx *c, const char *what)
{
	return why_err(-FDT_ERR_BADOVERLAY, c->why, c->why_size,
		       "parameter '%s': its __overrides__ entry is mangled (%s); the overlay is "
		       "broken: rebuild it",
		       c->name, what);
}

/* "prop", "prop.4", "prop?", "prop[", each with an optional "=literal". */
static int parse_spec(const struct param_ctx *c, struct decl *d)
{
	static const char seps[] = ".;:#?![{=";
	const char *s = d->spec, *p;
	size_t n = strcspn(s, seps);

	if (n == 0)
		return mangled(c, "a target without a property name");
	if (n >= sizeof(d->prop))
		return mangled(c, "a property name longer than 127 bytes");
	memcpy(d->prop, s, n);
	d->prop[n] = '\0';
	p = s + n;
	d->kind = K_STRING;
	switch (*p) {
	case '.':
	case ';':
	case ':':
	case '#': {
		unsigned long off = 0;
		const char *q = p + 1;

		d->kind = K_INT;
		d->width = *p == '.' ? 1 : *p == ';' ? 2 : *p == ':' ? 4 : 8;
		if (*q < '0' || *q > '9')
			return mangled(c, "an integer target without a byte offset");
		for (; *q >= '0' && *q <= '9'; q++) {
			off = off * 10 + (unsigned long)(*q - '0');
			if (off > 0xffffff)
				return mangled(c, "a byte offset beyond any property");
		}
		d->off = off;
		p = q;
		break;
	}
	case '?':
		d->kind = K_BOOL;
		p++;
		break;
	case '!':
		d->kind = K_BOOL_INV;
		p++;
		break;
	case '[':
		d->kind = K_BYTES;
		p++;
		break;
	case '{':
		return why_err(-FDT_ERR_BADOVERLAY, c->why, c->why_size,
			       "parameter '%s': uses a lookup table ('{'), which this helper does "
			       "not apply; set the value the table would give with another parameter",
			       c->name);
	default:
		break;
	}
	if (*p == '=') {
		d->literal = p + 1;
		return 0;
	}
	if (*p != '\0')
		return mangled(c, "unexpected characters after the property name");
	return 0;
}

/* Reads the declaration at data[*pos..len), *pos advanced past it. */
static int next_decl(const struct param_ctx *c, const char *data, size_t len, size_t *pos,
		     struct decl *d)
{
	size_t at = *pos, n;

	memset(d, 0, sizeof(*d));
	if (len - at < 6)
		return mangled(c, "truncated: too short for a target and a property");
	d->phandle = fdt32_ld((const fdt32_t *)(const void *)(data + at));
	d->phandle_at = at;
	at += 4;
	n = strnlen(data + at, len - at);
	if (n == len - at)
		return mangled(c, "a string that is not NUL-terminated");
	if (n == 0)
		return mangled(c, "an empty string where a property or switches belong");
	d->spec = data + at;
	at += n + 1;
	*pos = at;
	if (d->phandle == 0)
		return 0;
	return parse_spec(c, d);
}

/* ---- fixups ---- */

/* An entry "PATH:PROP:OFFSET" of a __fixups__ list, and what to drop. */
enum drop_mode {
	DROP_EXACT,  /* the entry equals prefix */
	DROP_PREFIX, /* the entry starts with prefix */
	DROP_NODE,   /* prefix is a node's path: entries at that node or below it */
};

struct drop {
	const char *prefix;
	size_t prefix_len;
	enum drop_mode mode;
};

static bool drops(const struct drop *d, const char *e, size_t n)
{
	if (n < d->prefix_len || memcmp(e, d->prefix, d->prefix_len) != 0)
		return false;
	switch (d->mode) {
	case DROP_EXACT:
		return n == d->prefix_len;
	case DROP_NODE:
		return n > d->prefix_len && (e[d->prefix_len] == '/' || e[d->prefix_len] == ':');
	default:
		return true;
	}
}

/* Takes the entries d matches out of every label's list of __fixups__; a label
 * left with none goes. */
static int fixups_drop(void *fdt, const struct drop *d)
{
	char label[LABEL_MAX];
	int fix, prop;

again:
	fix = fdt_path_offset(fdt, FIXUPS);
	if (fix < 0)
		return 0;
	fdt_for_each_property_offset(prop, fdt, fix) {
		const char *name = NULL;
		int len = 0;
		const char *list = fdt_getprop_by_offset(fdt, prop, &name, &len);
		char *kept;
		size_t used = 0;
		bool changed = false;
		int r;

		if (!list || !name)
			return -FDT_ERR_BADSTRUCTURE;
		for (int o = 0; o < len;) {
			size_t n = strnlen(list + o, (size_t)(len - o));

			changed |= drops(d, list + o, n);
			o += (int)n + 1;
		}
		if (!changed)
			continue;
		if (!copy_str(label, sizeof(label), name))
			return -FDT_ERR_BADOVERLAY;
		kept = malloc((size_t)len);
		if (!kept)
			return -FDT_ERR_NOSPACE;
		for (int o = 0; o < len;) {
			size_t n = strnlen(list + o, (size_t)(len - o));

			if (!drops(d, list + o, n)) {
				memcpy(kept + used, list + o, n);
				kept[used + n] = '\0';
				used += n + 1;
			}
			o += (int)n + 1;
		}
		r = used ? fdt_setprop(fdt, fix, label, kept, (int)used) : fdt_delprop(fdt, fix, label);
		free(kept);
		if (r < 0)
			return r;
		goto again;
	}
	return 0;
}

/* The label whose __fixups__ list has exactly entry, or NULL. */
static const char *fixup_label(const void *fdt, const char *entry)
{
	size_t want = strlen(entry);
	int fix = fdt_path_offset(fdt, FIXUPS), prop;

	if (fix < 0)
		return NULL;
	fdt_for_each_property_offset(prop, fdt, fix) {
		const char *name = NULL;
		int len = 0;
		const char *list = fdt_getprop_by_offset(fdt, prop, &name, &len);

		for (int o = 0; list && o < len;) {
			size_t n = strnlen(list + o, (size_t)(len - o));

			if (n == want && memcmp(list + o, entry, n) == 0)
				return name;
			o += (int)n + 1;
		}
	}
	return NULL;
}

/* The __local_fixups__ node that mirrors the node at path (which starts with '/'). */
static int local_mirror(const void *fdt, const char *path, char *buf, size_t size)
{
	int n = snprintf(buf, size, "%s%s", LOCAL_FIXUPS, strcmp(path, "/") == 0 ? "" : path);

	if (n < 0 || (size_t)n >= size)
		return -FDT_ERR_NOSPACE;
	return fdt_path_offset(fdt, buf);
}

/* Drops offset off (or, with off < 0, every offset) of prop from the local
 * fixups of the node at path: the value there is no phandle of the overlay's
 * any more. */
static int local_fixup_drop(void *fdt, const char *path, const char *prop, long off)
{
	char lpath[PATH_MAX_DT + sizeof(LOCAL_FIXUPS)];
	uint32_t kept[256];
	int node = local_mirror(fdt, path, lpath, sizeof(lpath)), len = 0, n = 0;
	const fdt32_t *v;

	if (node < 0)
		return node == -FDT_ERR_NOSPACE ? node : 0;
	v = fdt_getprop(fdt, node, prop, &len);
	if (!v)
		return 0;
	if (off < 0 || len % 4 || len / 4 > (int)(sizeof(kept) / sizeof(kept[0])))
		return fdt_delprop(fdt, node, prop);
	for (int i = 0; i < len / 4; i++)
		if (fdt32_ld(&v[i]) != (uint32_t)off)
			kept[n++] = v[i];
	if (n == len / 4)
		return 0;
	return n ? fdt_setprop(fdt, node, prop, kept, n * 4) : fdt_delprop(fdt, node, prop);
}

/* Whether /__local_fixups__/__overrides__ lists offset at in parameter name. */
static bool local_fixup_at(const void *fdt, const char *name, size_t at)
{
	int node = fdt_path_offset(fdt, "/__local_fixups__/__overrides__"), len = 0;
	const fdt32_t *v = node >= 0 ? fdt_getprop(fdt, node, name, &len) : NULL;

	for (int i = 0; v && i + 4 <= len; i += 4)
		if (fdt32_ld(&v[i / 4]) == at)
			return true;
	return false;
}

/* Adds offset off of prop to the local fixups of the node at path, making the
 * mirror nodes that are missing. */
static int local_fixup_add(void *fdt, const char *path, const char *prop, uint32_t off)
{
	int node = fdt_path_offset(fdt, LOCAL_FIXUPS);
	const char *p = path;

	if (node == -FDT_ERR_NOTFOUND)
		node = fdt_add_subnode(fdt, 0, LOCAL_FIXUPS + 1);
	while (node >= 0 && *p) {
		const char *e;
		int sub;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		e = strchr(p, '/');
		if (!e)
			e = p + strlen(p);
		sub = fdt_subnode_offset_namelen(fdt, node, p, (int)(e - p));
		if (sub == -FDT_ERR_NOTFOUND)
			sub = fdt_add_subnode_namelen(fdt, node, p, (int)(e - p));
		node = sub;
		p = e;
	}
	if (node < 0)
		return node;
	return fdt_appendprop_u32(fdt, node, prop, off);
}

/* Whatever pointed into prop of the node at path (the value was replaced). */
static int refs_drop(void *fdt, const char *path, const char *prop, long off)
{
	char entry[PATH_MAX_DT + PROP_NAME_MAX + 16];
	struct drop d = { entry, 0, off >= 0 ? DROP_EXACT : DROP_PREFIX };
	int n = off >= 0 ? snprintf(entry, sizeof(entry), "%s:%s:%ld", path, prop, off)
			 : snprintf(entry, sizeof(entry), "%s:%s:", path, prop);
	int r;

	if (n < 0 || (size_t)n >= sizeof(entry))
		return -FDT_ERR_NOSPACE;
	d.prefix_len = (size_t)n;
	r = fixups_drop(fdt, &d);
	return r < 0 ? r : local_fixup_drop(fdt, path, prop, off);
}

/* ---- applying a declaration ---- */

static int node_path(const struct param_ctx *c, int node, char *buf, size_t size)
{
	int r = fdt_get_path(c->fdt, node, buf, (int)size);

	if (r < 0)
		return why_err(r, c->why, c->why_size, "parameter '%s': a target node's path: %s",
			       c->name, fdt_strerror(r));
	return 0;
}

static const char *int_range(unsigned width)
{
	switch (width) {
	case 1:
		return "0 to 255";
	case 2:
		return "0 to 65535";
	case 4:
		return "0 to 4294967295";
	default:
		return "0 to 18446744073709551615";
	}
}

static int set_int(const struct param_ctx *c, int node, const char *path, const struct decl *d,
		   const char *value)
{
	uint64_t v = 0;
	uint8_t buf[8];
	int len = 0;
	const char *label = NULL;
	char lbl[LABEL_MAX];
	int r;

	if (d->literal_cell) {
		char from[NAME_LEN_MAX + 48];

		v = d->cell;
		snprintf(from, sizeof(from), "/__overrides__:%s:%zu", c->name, d->cell_at);
		label = fixup_label(c->fdt, from);
		if ((label || local_fixup_at(c->fdt, c->name, d->cell_at)) && d->width != 4)
			return mangled(c, "a phandle written to an integer that is not 32 bits");
	} else if (!parse_number(value, &v) && !parse_word(value, &v)) {
		return why_err(-FDT_ERR_BADVALUE, c->why, c->why_size,
			       "parameter '%s'='%.64s': not a number; it takes a number from %s "
			       "(decimal, 0x hex or 0 octal) or y/n, on/off, true/false",
			       c->name, value, int_range(d->width));
	}
	if (d->width < 8 && v >> (8 * d->width)) {
		return why_err(-FDT_ERR_BADVALUE, c->why, c->why_size,
			       "parameter '%s'='%.64s': out of range; it takes a number from %s",
			       c->name, value, int_range(d->width));
	}
	if (!fdt_getprop(c->fdt, node, d->prop, &len))
		return why_err(-FDT_ERR_BADOVERLAY, c->why, c->why_size,
			       "parameter '%s': its __overrides__ entry points to property '%s' of "
			       "%s, which the overlay lacks",
			       c->name, d->prop, path);
	if (d->off + d->width > (unsigned long)len)
		return why_err(-FDT_ERR_BADOVERLAY, c->why, c->why_size,
			       "parameter '%s': its __overrides__ entry points to bytes %lu to %lu of "
			       "property '%s' of %s, which has %d",
			       c->name, d->off, d->off + d->width - 1, d->prop, path, len);
	for (unsigned i = 0; i < d->width; i++)
		buf[i] = (uint8_t)(v >> (8 * (d->width - 1 - i)));
	/* The label, if any, is a string of the blob that moves: copied first. */
	if (label && !copy_str(lbl, sizeof(lbl), label))
		return mangled(c, "a label longer than 255 bytes");
	r = refs_drop(c->fdt, path, d->prop, (long)d->off);
	if (r == 0)
		r = fdt_setprop_inplace_namelen_partial(c->fdt, node, d->prop, (int)strlen(d->prop),
							 (uint32_t)d->off, buf, (int)d->width);
	if (r == 0 && label) {
		/* Retargeted to a label of the base tree: its fixup moves here. */
		char entry[PATH_MAX_DT + PROP_NAME_MAX + 16];
		int fix = fdt_path_offset(c->fdt, FIXUPS);

		snprintf(entry, sizeof(entry), "%s:%s:%lu", path, d->prop, d->off);
		r = fix < 0 ? fix : fdt_appendprop_string(c->fdt, fix, lbl, entry);
	} else if (r == 0 && d->literal_cell && local_fixup_at(c->fdt, c->name, d->cell_at)) {
		/* A phandle of the overlay's own: renumbered with the overlay's. */
		r = local_fixup_add(c->fdt, path, d->prop, (uint32_t)d->off);
	}
	return r;
}

static int hex_digit(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

static int set_bytes(const struct param_ctx *c, int node, const char *path,
		     const struct decl *d, const char *value)
{
	uint8_t bytes[BYTES_MAX];
	int n = 0, r;

	for (const char *p = value; *p;) {
		int hi, lo;

		if (*p == ':' || *p == ' ') {
			p++;
			continue;
		}
		hi = hex_digit(p[0]);
		lo = hi < 0 ? -1 : hex_digit(p[1]);
		if (hi < 0 || lo < 0)
			return why_err(-FDT_ERR_BADVALUE, c->why, c->why_size,
				       "parameter '%s'='%.64s': not a byte string; it takes hex digits "
				       "in pairs, optionally separated by ':'",
				       c->name, value);
		if (n == BYTES_MAX)
			return why_err(-FDT_ERR_BADVALUE, c->why, c->why_size,
				       "parameter '%s': more than %d bytes", c->name, BYTES_MAX);
		bytes[n++] = (uint8_t)(hi << 4 | lo);
		p += 2;
	}
	r = refs_drop(c->fdt, path, d->prop, -1);
	return r < 0 ? r : fdt_setprop(c->fdt, node, d->prop, bytes, n);
}

static int set_string(const struct param_ctx *c, int node, const char *path,
		      const struct decl *d, const char *value)
{
	int r;

	/* status takes the words of a boolean, as Raspberry Pi's tools read them. */
	if (strcmp(d->prop, "status") == 0) {
		static const char *const on[] = { "y", "yes", "on", "true", "enable", "1" };
		static const char *const off[] = { "n", "no", "off", "false", "0" };

		for (size_t i = 0; i < sizeof(on) / sizeof(on[0]); i++)
			if (strcmp(value, on[i]) == 0)
				value = "okay";
		for (size_t i = 0; i < sizeof(off) / sizeof(off[0]); i++)
			if (strcmp(value, off[i]) == 0)
				value = "disabled";
	}
	if (strcmp(d->prop, "name") == 0 || strcmp(d->prop, "bootargs") == 0)
		return why_err(-FDT_ERR_BADOVERLAY, c->why, c->why_size,
			       "parameter '%s': sets '%s', which Raspberry Pi's tools treat "
			       "specially and this helper does not apply",
			       c->name, d->prop);
	r = refs_drop(c->fdt, path, d->prop, -1);
	return r < 0 ? r : fdt_setprop_string(c->fdt, node, d->prop, value);
}

static int set_bool(const struct param_ctx *c, int node, const char *path, const struct decl *d,
		    const char *value)
{
	bool on;
	int r;

	if (!value_true(value, &on))
		return why_err(-FDT_ERR_BADVALUE, c->why, c->why_size,
			       "parameter '%s'='%.64s': not a boolean; it takes y/n, on/off, "
			       "true/false or a number",
			       c->name, value);
	if (d->kind == K_BOOL_INV)
		on = !on;
	r = refs_drop(c->fdt, path, d->prop, -1);
	if (r < 0)
		return r;
	if (on)
		return fdt_setprop(c->fdt, node, d->prop, NULL, 0);
	r = fdt_delprop(c->fdt, node, d->prop);
	return r == -FDT_ERR_NOTFOUND ? 0 : r;
}

/* "fragment@N", else "fragment-N", under the root. */
static int find_fragment(const void *fdt, unsigned long n)
{
	char name[40];
	int node;

	snprintf(name, sizeof(name), "fragment@%lu", n);
	node = fdt_subnode_offset(fdt, 0, name);
	if (node != -FDT_ERR_NOTFOUND)
		return node;
	snprintf(name, sizeof(name), "fragment-%lu", n);
	return fdt_subnode_offset(fdt, 0, name);
}

static int switch_fragments(const struct param_ctx *c, const char *ops, const char *value)
{
	bool truth;
	uint64_t n;

	/* A text that is no number or word still switches: on when not empty. */
	if (value_number(value, &n))
		truth = n != 0;
	else
		truth = value[0] != '\0';
	for (const char *p = ops; *p;) {
		char op = *p++;
		unsigned long num = 0;
		int frag, on, off;
		bool want;

		if (op != '+' && op != '-' && op != '=' && op != '!')
			return mangled(c, "a fragment switch other than +N, -N, =N, !N");
		if (*p < '0' || *p > '9')
			return mangled(c, "a fragment switch without a number");
		for (; *p >= '0' && *p <= '9'; p++)
			if ((num = num * 10 + (unsigned long)(*p - '0')) > 0xffff)
				return mangled(c, "a fragment number beyond any overlay");
		want = op == '+' || (op == '=' && truth) || (op == '!' && !truth);
		frag = find_fragment(c->fdt, num);
		if (frag < 0)
			return why_err(-FDT_ERR_BADOVERLAY, c->why, c->why_size,
				       "parameter '%s': its __overrides__ entry switches fragment %lu, "
				       "which the overlay lacks",
				       c->name, num);
		on = fdt_subnode_offset(c->fdt, frag, ACTIVE);
		off = fdt_subnode_offset(c->fdt, frag, DORMANT);
		if (on < 0 && off < 0)
			return why_err(-FDT_ERR_BADOVERLAY, c->why, c->why_size,
				       "parameter '%s': fragment %lu has neither %s nor %s", c->name,
				       num, ACTIVE, DORMANT);
		/* Both names are 11 bytes: renaming moves nothing. */
		if (want && on < 0) {
			int r = fdt_set_name(c->fdt, off, ACTIVE);

			if (r < 0)
				return r;
		} else if (!want && on >= 0) {
			int r = off >= 0 ? -FDT_ERR_EXISTS : fdt_set_name(c->fdt, on, DORMANT);

			if (r < 0)
				return r;
		}
	}
	return 0;
}

static int apply_decl(const struct param_ctx *c, const struct decl *d, const char *value)
{
	char path[PATH_MAX_DT];
	int node, r;

	if (d->phandle == 0)
		return switch_fragments(c, d->spec, value);
	{
		char entry[NAME_LEN_MAX + 48];

		snprintf(entry, sizeof(entry), "/__overrides__:%s:%zu", c->name, d->phandle_at);
		if (d->phandle == 0xffffffff || fixup_label(c->fdt, entry))
			return why_err(-FDT_ERR_BADOVERLAY, c->why, c->why_size,
				       "parameter '%s': changes a node of the base tree, not of the "
				       "overlay; parameters change only the overlay's own nodes",
				       c->name);
	}
	node = fdt_node_offset_by_phandle(c->fdt, d->phandle);
	if (node < 0)
		return why_err(-FDT_ERR_BADOVERLAY, c->why, c->why_size,
			       "parameter '%s': its __overrides__ entry points to phandle 0x%x, no node "
			       "of the overlay",
			       c->name, d->phandle);
	r = node_path(c, node, path, sizeof(path));
	if (r < 0)
		return r;
	switch (d->kind) {
	case K_INT:
		return set_int(c, node, path, d, value);
	case K_BOOL:
	case K_BOOL_INV:
		return set_bool(c, node, path, d, value);
	case K_BYTES:
		return set_bytes(c, node, path, d, value);
	default:
		return set_string(c, node, path, d, value);
	}
}

/* The names the overlay takes, for a message. */
static void list_params(const void *fdt, char *buf, size_t size)
{
	int ovr = fdt_path_offset(fdt, OVERRIDES), prop;
	size_t used = 0;

	buf[0] = '\0';
	if (ovr < 0)
		return;
	fdt_for_each_property_offset(prop, fdt, ovr) {
		const char *name = NULL;
		int w;

		if (!fdt_getprop_by_offset(fdt, prop, &name, NULL) || !name)
			continue;
		w = snprintf(buf + used, size - used, "%s%s", used ? ", " : "", name);
		if (w < 0 || (size_t)w >= size - used) {
			if (size > 4)
				memcpy(buf + size - 4, "...", 4);
			return;
		}
		used += (size_t)w;
	}
}

static int unknown_param(const struct param_ctx *c)
{
	char names[200];

	list_params(c->fdt, names, sizeof(names));
	if (!names[0])
		return why_err(-FDT_ERR_NOTFOUND, c->why, c->why_size,
			       "parameter '%s': the overlay takes no parameters", c->name);
	return why_err(-FDT_ERR_NOTFOUND, c->why, c->why_size,
		       "parameter '%s': the overlay has no such parameter; it takes %s", c->name,
		       names);
}

/* Applies one parameter: each of its declarations in turn, on the blob as the
 * earlier ones left it. The entry is copied: the blob moves under it. */
static int apply_param(void *fdt, const struct overlay_param *p, char *why, size_t why_size)
{
	char name[NAME_LEN_MAX + 1], value[PARAMS_LEN_MAX + 1], lit[PARAMS_LEN_MAX + 1];
	struct param_ctx c = { fdt, name, why, why_size };
	const void *entry;
	char *data;
	int ovr, len = 0, r = 0;
	size_t pos = 0;

	memcpy(name, p->name, p->name_len);
	name[p->name_len] = '\0';
	if (p->value) {
		memcpy(value, p->value, p->value_len);
		value[p->value_len] = '\0';
	} else {
		memcpy(value, "on", 3);
	}
	ovr = fdt_path_offset(fdt, OVERRIDES);
	entry = ovr >= 0 ? fdt_getprop(fdt, ovr, name, &len) : NULL;
	if (!entry)
		return unknown_param(&c);
	if (len == 0)
		return 0;
	data = malloc((size_t)len);
	if (!data)
		return -FDT_ERR_NOSPACE;
	memcpy(data, entry, (size_t)len);
	for (unsigned k = 0; r == 0 && pos < (size_t)len; k++) {
		struct decl d;
		const char *v = value;

		if (k == DECLS_MAX) {
			r = mangled(&c, "more than 256 targets");
			break;
		}
		r = next_decl(&c, data, (size_t)len, &pos, &d);
		if (r < 0)
			break;
		if (d.phandle && d.literal) {
			v = d.literal;
			if (!*d.literal && d.kind == K_STRING) {
				/* The literal is the next string (a path dtc wrote for &label). */
				size_t n = pos < (size_t)len ? strnlen(data + pos, (size_t)len - pos) : 0;

				if (pos < (size_t)len && n == (size_t)len - pos) {
					r = mangled(&c, "a literal string that is not NUL-terminated");
					break;
				}
				v = pos < (size_t)len ? data + pos : "";
				pos += pos < (size_t)len ? n + 1 : 0;
			} else if (!*d.literal && d.kind == K_INT) {
				if ((size_t)len - pos < 4) {
					r = mangled(&c, "truncated: a literal cell is missing");
					break;
				}
				d.literal_cell = true;
				d.cell_at = pos;
				d.cell = fdt32_ld((const fdt32_t *)(const void *)(data + pos));
				pos += 4;
			}
			if (!copy_str(lit, sizeof(lit), v)) {
				r = mangled(&c, "a literal longer than 255 bytes");
				break;
			}
			v = lit;
		}
		r = apply_decl(&c, &d, v);
		if (r < 0 && why[0] == '\0')
			snprintf(why, why_size, "parameter '%s': %s", name, fdt_strerror(r));
	}
	free(data);
	return r;
}

/* ---- settling the fragments ---- */

/* Rewrites, in place, the paths "/FRAG/__dormant__..." of __fixups__ lists and
 * __symbols__ to "/FRAG/__overlay__...": the fragment was switched on. */
static void rename_refs(void *fdt, const char *frag)
{
	const char *nodes[] = { FIXUPS, SYMBOLS };
	char prefix[PATH_MAX_DT];
	int pl = snprintf(prefix, sizeof(prefix), "/%s/%s", frag, DORMANT);

	if (pl < 0 || (size_t)pl >= sizeof(prefix))
		return;
	for (size_t k = 0; k < 2; k++) {
		int node = fdt_path_offset(fdt, nodes[k]), prop;

		if (node < 0)
			continue;
		fdt_for_each_property_offset(prop, fdt, node) {
			const char *name = NULL;
			int len = 0;
			char *v = NULL;

			if (fdt_getprop_by_offset(fdt, prop, &name, NULL) && name)
				v = fdt_getprop_w(fdt, node, name, &len);

			for (int o = 0; v && o < len;) {
				size_t n = strnlen(v + o, (size_t)(len - o));
				char next = n > (size_t)pl ? v[o + pl] : '\0';

				/* The same length: the name is overwritten where it is. */
				if (n >= (size_t)pl && memcmp(v + o, prefix, (size_t)pl) == 0 &&
				    (next == '\0' || next == '/' || next == ':'))
					for (size_t q = 0; q < sizeof(ACTIVE) - 1; q++)
						v[o + pl - (int)(sizeof(DORMANT) - 1) + (int)q] = ACTIVE[q];
				o += (int)n + 1;
			}
		}
	}
}

/* Takes the __symbols__ entries whose path starts with prefix (prefix_len bytes)
 * and goes on with '/' or ends. */
static int symbols_drop(void *fdt, const char *prefix, size_t pl)
{
	char name[LABEL_MAX];
	int sym, prop;

again:
	sym = fdt_path_offset(fdt, SYMBOLS);
	if (sym < 0)
		return 0;
	fdt_for_each_property_offset(prop, fdt, sym) {
		const char *label = NULL;
		int len = 0;
		const char *v = fdt_getprop_by_offset(fdt, prop, &label, &len);
		int r;

		if (!v || !label || len < (int)pl || memcmp(v, prefix, pl) != 0 ||
		    (len > (int)pl && v[pl] != '/' && v[pl] != '\0'))
			continue;
		if (!copy_str(name, sizeof(name), label))
			return -FDT_ERR_BADOVERLAY;
		r = fdt_delprop(fdt, sym, name);
		if (r < 0)
			return r;
		goto again;
	}
	return 0;
}

/* Whether a symbol's path lies in a fragment's __overlay__ node: only those name
 * a node of the tree the overlay is applied to. */
static bool symbol_applies(const char *v, int len)
{
	const char *s = len > 1 && v[len - 1] == '\0' && v[0] == '/' ? strchr(v + 1, '/') : NULL;
	size_t n = strlen(ACTIVE);

	return s && strncmp(s + 1, ACTIVE, n) == 0 && (s[1 + n] == '\0' || s[1 + n] == '/');
}

/* Takes out the __symbols__ entries that name no node of the result (a label on
 * a fragment node itself, or in __overrides__): the kernel expects every one
 * inside an __overlay__ node. */
static int symbols_keep_applied(void *fdt)
{
	char name[LABEL_MAX];
	int sym, prop;

again:
	sym = fdt_path_offset(fdt, SYMBOLS);
	if (sym < 0)
		return 0;
	fdt_for_each_property_offset(prop, fdt, sym) {
		const char *label = NULL;
		int len = 0, r;
		const char *v = fdt_getprop_by_offset(fdt, prop, &label, &len);

		if (!v || !label || symbol_applies(v, len))
			continue;
		if (!copy_str(name, sizeof(name), label))
			return -FDT_ERR_BADOVERLAY;
		r = fdt_delprop(fdt, sym, name);
		if (r < 0)
			return r;
		goto again;
	}
	return 0;
}

static int del_path(void *fdt, const char *path)
{
	int node = fdt_path_offset(fdt, path);

	if (node == -FDT_ERR_NOTFOUND)
		return 0;
	return node < 0 ? node : fdt_del_node(fdt, node);
}

/* A fragment left dormant, and everything that names its nodes. */
static int drop_fragment(void *fdt, const char *frag)
{
	char prefix[PATH_MAX_DT], lpath[PATH_MAX_DT + sizeof(LOCAL_FIXUPS)];
	int pl = snprintf(prefix, sizeof(prefix), "/%s", frag), r;
	struct drop d = { prefix, 0, DROP_NODE };

	if (pl < 0 || (size_t)pl >= sizeof(prefix))
		return -FDT_ERR_NOSPACE;
	d.prefix_len = (size_t)pl;
	r = fixups_drop(fdt, &d);
	if (r == 0)
		r = symbols_drop(fdt, prefix, (size_t)pl);
	snprintf(lpath, sizeof(lpath), "%s/%s", LOCAL_FIXUPS, frag);
	if (r == 0)
		r = del_path(fdt, lpath);
	snprintf(prefix, sizeof(prefix), "/%s", frag);
	return r < 0 ? r : del_path(fdt, prefix);
}

/* A node with neither properties nor subnodes. */
static void del_if_empty(void *fdt, const char *path)
{
	int node = fdt_path_offset(fdt, path);

	if (node >= 0 && fdt_first_property_offset(fdt, node) < 0 &&
	    fdt_first_subnode(fdt, node) < 0)
		fdt_del_node(fdt, node);
}

static int settle(void *fdt)
{
	static const struct drop overrides = { "/__overrides__", 14, DROP_NODE };
	char frag[PATH_MAX_DT - 16];
	int node, active = 0, r;

again:
	active = 0;
	fdt_for_each_subnode(node, fdt, 0) {
		int len = 0;
		const char *name = fdt_get_name(fdt, node, &len);
		bool on = fdt_subnode_offset(fdt, node, ACTIVE) >= 0;

		if (!name || (!on && fdt_subnode_offset(fdt, node, DORMANT) < 0))
			continue;
		if (len >= (int)sizeof(frag))
			return -FDT_ERR_BADOVERLAY;
		snprintf(frag, sizeof(frag), "%.*s", len, name);
		if (on) {
			char lpath[PATH_MAX_DT + 32];
			int lf;

			active++;
			rename_refs(fdt, frag);
			snprintf(lpath, sizeof(lpath), "%s/%s/%s", LOCAL_FIXUPS, frag, DORMANT);
			lf = fdt_path_offset(fdt, lpath);
			if (lf >= 0 && (r = fdt_set_name(fdt, lf, ACTIVE)) < 0)
				return r;
			continue;
		}
		r = drop_fragment(fdt, frag);
		if (r < 0)
			return r;
		goto again;
	}
	r = fixups_drop(fdt, &overrides);
	if (r == 0)
		r = symbols_keep_applied(fdt);
	if (r == 0)
		r = del_path(fdt, "/__local_fixups__/__overrides__");
	if (r == 0)
		r = del_path(fdt, OVERRIDES);
	if (r < 0)
		return r;
	del_if_empty(fdt, FIXUPS);
	del_if_empty(fdt, LOCAL_FIXUPS);
	del_if_empty(fdt, SYMBOLS);
	return active;
}

int params_apply(const void *in, void *out, int out_size, const char *params, char *why,
		 size_t why_size)
{
	const char *rest = params, *perr = NULL;
	struct overlay_param p;
	int r = fdt_open_into(in, out, out_size);

	why[0] = '\0';
	while (r == 0) {
		int k = overlay_param_next(&rest, &p, &perr);

		if (k < 0)
			return why_err(-FDT_ERR_BADVALUE, why, why_size, "parameters '%.64s': %s",
				       params, perr);
		if (k == 0)
			break;
		r = apply_param(out, &p, why, why_size);
	}
	if (r < 0)
		return r;
	r = settle(out);
	if (r >= 0) {
		int k = fdt_pack(out);

		if (k < 0)
			return k;
	}
	return r;
}

/* ---- the allocating wrapper ---- */

/* Whether the overlay is to be applied as it is. */
static bool untouched(const void *blob, const char *params)
{
	int node;

	if (params[0] || fdt_path_offset(blob, OVERRIDES) >= 0)
		return false;
	fdt_for_each_subnode(node, blob, 0)
		if (fdt_subnode_offset(blob, node, DORMANT) >= 0)
			return false;
	return true;
}

void prepared_free(struct prepared *p)
{
	free(p->data);
	p->data = NULL;
	p->size = 0;
}

int overlay_prepare(const void *blob, size_t size, const char *params, struct prepared *out,
		    char *why, size_t why_size)
{
	size_t room = size + size / 2 + 1024;
	int r = dtbo_validate(blob, size, &out->info, why, why_size);

	out->data = NULL;
	out->size = 0;
	if (r < 0)
		return r;
	if (untouched(blob, params)) {
		out->data = malloc(size);
		if (!out->data)
			return snprintf(why, why_size, "out of memory"), -ENOMEM;
		memcpy(out->data, blob, size);
		out->size = size;
		return 0;
	}
	for (int attempt = 0; attempt < 4; attempt++, room *= 2) {
		void *buf = room <= DTBO_SIZE_MAX * 2 ? malloc(room) : NULL;

		if (!buf)
			return snprintf(why, why_size, "out of memory"), -ENOMEM;
		r = params_apply(blob, buf, (int)room, params, why, why_size);
		if (r == -FDT_ERR_NOSPACE) {
			free(buf);
			continue;
		}
		if (r < 0) {
			free(buf);
			if (!why[0])
				snprintf(why, why_size, "parameters: %s", fdt_strerror(r));
			return -EDOM;
		}
		out->data = buf;
		out->size = fdt_totalsize(buf);
		if (r == 0) {
			/* Nothing to apply: no fragment is left for the validator to see. */
			memset(&out->info, 0, sizeof(out->info));
			return 0;
		}
		r = dtbo_validate(out->data, out->size, &out->info, why, why_size);
		if (r < 0) {
			prepared_free(out);
			return r;
		}
		return 0;
	}
	snprintf(why, why_size, "out of memory");
	return -ENOMEM;
}

int overlay_arg_split(const char *arg, char *file, size_t size, const char **params)
{
	const char *slash = strrchr(arg, '/');
	const char *comma = strchr(slash ? slash : arg, ',');
	size_t n = comma ? (size_t)(comma - arg) : strlen(arg);
	struct stat st;

	if (!comma || stat(arg, &st) == 0)
		n = strlen(arg);
	if (n >= size)
		return -ENAMETOOLONG;
	memcpy(file, arg, n);
	file[n] = '\0';
	*params = arg[n] ? arg + n + 1 : "";
	return 0;
}
