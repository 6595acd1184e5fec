// SPDX-License-Identifier: GPL-2.0-or-later
#include "dtindex.h"

#include <errno.h>
#include <libfdt.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "dtbo.h"

struct ix_node {
	int offset; /* of its FDT_BEGIN_NODE tag */
	int parent, child, sibling; /* indexes into node[], -1 for none */
	uint32_t phandle; /* what fdt_get_phandle gives: 0 for none */
	const char *name;
	int namelen;
};

/* One phandle, or one label: sorted by key, and by the order in the tree for
 * equal keys, since libfdt takes the first. */
struct ix_phandle {
	uint32_t phandle;
	int node;
};

struct ix_label {
	const char *name;
	const char *value;
	int len, order;
};

struct dt_index {
	const void *fdt;
	struct ix_node *node; /* in the order of the tree: by offset */
	size_t nodes, cap;
	struct ix_phandle *phandle;
	size_t phandles;
	struct ix_label *label;
	size_t labels;
	int symbols;
};

void dt_index_free(struct dt_index *ix)
{
	if (!ix)
		return;
	free(ix->node);
	free(ix->phandle);
	free(ix->label);
	free(ix);
}

static int find_node(const struct dt_index *ix, int offset)
{
	size_t lo = 0, hi = ix->nodes;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ix->node[mid].offset == offset)
			return (int)mid;
		if (ix->node[mid].offset < offset)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* libfdt's rule for a name in a path: the whole name, or the name without its
 * unit address when the one asked for has none ("serial" finds "serial@7e201000"). */
static bool name_matches(const struct ix_node *n, const char *s, size_t len)
{
	if ((size_t)n->namelen < len || memcmp(n->name, s, len) != 0)
		return false;
	return (size_t)n->namelen == len || (n->name[len] == '@' && !memchr(s, '@', len));
}

static int child_named(const struct dt_index *ix, int parent, const char *s, size_t len)
{
	for (int c = ix->node[parent].child; c >= 0; c = ix->node[c].sibling)
		if (name_matches(&ix->node[c], s, len))
			return c;
	return -1;
}

/* The node at path, an index; -1 when there is none. Empty components are
 * skipped, as libfdt skips them. */
static int node_at(const struct dt_index *ix, const char *path)
{
	const char *p = path;
	int n = 0;

	for (;;) {
		const char *q;

		while (*p == '/')
			p++;
		if (!*p)
			return n;
		q = strchrnul(p, '/');
		n = child_named(ix, n, p, (size_t)(q - p));
		if (n < 0)
			return -1;
		p = q;
	}
}

int dt_index_path(const struct dt_index *ix, const char *path)
{
	int n;

	if (path[0] != '/') /* an alias: libfdt reads /aliases */
		return fdt_path_offset(ix->fdt, path);
	n = node_at(ix, path);
	return n < 0 ? -FDT_ERR_NOTFOUND : ix->node[n].offset;
}

int dt_index_subnode(const struct dt_index *ix, int parent, const char *name)
{
	int p = find_node(ix, parent), c;

	if (p < 0)
		return fdt_subnode_offset(ix->fdt, parent, name);
	c = child_named(ix, p, name, strlen(name));
	return c < 0 ? -FDT_ERR_NOTFOUND : ix->node[c].offset;
}

int dt_index_by_phandle(const struct dt_index *ix, uint32_t phandle)
{
	size_t lo = 0, hi = ix->phandles;

	if (phandle == 0 || phandle == UINT32_MAX)
		return -FDT_ERR_BADPHANDLE;
	while (lo < hi) { /* the first of equal phandles */
		size_t mid = lo + (hi - lo) / 2;

		if (ix->phandle[mid].phandle < phandle)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == ix->phandles || ix->phandle[lo].phandle != phandle)
		return -FDT_ERR_NOTFOUND;
	return ix->node[ix->phandle[lo].node].offset;
}

uint32_t dt_index_phandle(const struct dt_index *ix, int node)
{
	int n = find_node(ix, node);

	return n < 0 ? fdt_get_phandle(ix->fdt, node) : ix->node[n].phandle;
}

int dt_index_node_path(const struct dt_index *ix, int node, char *buf, int size)
{
	int n = find_node(ix, node), len = 0, at;

	if (n < 0)
		return fdt_get_path(ix->fdt, node, buf, size);
	if (size < 2)
		return -FDT_ERR_NOSPACE;
	for (int i = n; i > 0; i = ix->node[i].parent)
		len += 1 + ix->node[i].namelen;
	if (len + 1 > size)
		return -FDT_ERR_NOSPACE;
	buf[len > 0 ? len : 1] = '\0';
	buf[0] = '/';
	at = len;
	for (int i = n; i > 0; i = ix->node[i].parent) {
		at -= ix->node[i].namelen;
		memcpy(buf + at, ix->node[i].name, (size_t)ix->node[i].namelen);
		buf[--at] = '/';
	}
	return 0;
}

int dt_index_symbols(const struct dt_index *ix)
{
	return ix->symbols;
}

static int label_cmp(const void *a, const void *b)
{
	const struct ix_label *x = a, *y = b;
	int r = strcmp(x->name, y->name);

	return r ? r : (x->order > y->order) - (x->order < y->order);
}

const char *dt_index_label(const struct dt_index *ix, const char *label, int *len)
{
	size_t lo = 0, hi = ix->labels;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(ix->label[mid].name, label) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == ix->labels || strcmp(ix->label[lo].name, label) != 0) {
		if (len)
			*len = -FDT_ERR_NOTFOUND;
		return NULL;
	}
	if (len)
		*len = ix->label[lo].len;
	return ix->label[lo].value;
}

/* --- the one pass ----------------------------------------------------------------- */

static int phandle_cmp(const void *a, const void *b)
{
	const struct ix_phandle *x = a, *y = b;

	if (x->phandle != y->phandle)
		return x->phandle < y->phandle ? -1 : 1;
	return (x->node > y->node) - (x->node < y->node);
}

static int add_node(struct dt_index *ix, int offset, int next, int parent, int prev)
{
	int tag = (int)FDT_TAGSIZE, at = (int)ix->nodes;
	unsigned room = next - offset > tag ? (unsigned)(next - offset - tag) : 0;
	const char *name = room ? fdt_offset_ptr(ix->fdt, offset + tag, room) : NULL;

	if (!name)
		return -EINVAL;
	if (ix->nodes == ix->cap) {
		size_t cap = ix->cap ? 2 * ix->cap : 256;
		struct ix_node *grown = reallocarray(ix->node, cap, sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		ix->node = grown;
		ix->cap = cap;
	}
	ix->node[at] = (struct ix_node){ .offset = offset, .parent = parent, .child = -1,
					 .sibling = -1, .name = name,
					 .namelen = (int)strnlen(name, room) };
	if (prev >= 0)
		ix->node[prev].sibling = at;
	else if (parent >= 0)
		ix->node[parent].child = at;
	ix->nodes++;
	return at;
}

/* What fdt_get_phandle reads: the first "phandle" if it is one cell, else the
 * first "linux,phandle" if that is. */
struct phandle_seen {
	bool phandle, linux_phandle;
	uint32_t value, linux_value;
};

static void see_property(const void *fdt, int offset, struct phandle_seen *s)
{
	const char *name = NULL;
	int len = 0;
	const fdt32_t *val = fdt_getprop_by_offset(fdt, offset, &name, &len);

	if (!val || !name)
		return;
	if (!s->phandle && strcmp(name, "phandle") == 0) {
		s->phandle = true;
		s->value = len == (int)sizeof(*val) ? fdt32_ld(val) : 0;
	} else if (!s->linux_phandle && strcmp(name, "linux,phandle") == 0) {
		s->linux_phandle = true;
		s->linux_value = len == (int)sizeof(*val) ? fdt32_ld(val) : 0;
	}
}

static uint32_t phandle_of(const struct phandle_seen *s)
{
	return s->phandle && s->value ? s->value : s->linux_value;
}

/* The nodes in the order of the tree, each linked to its parent, first child and
 * next sibling: stack[d] is the open node at depth d, last[d] the child added
 * last below stack[d - 1]. */
static int walk(struct dt_index *ix)
{
	int stack[DT_DEPTH_MAX], last[DT_DEPTH_MAX + 1];
	struct phandle_seen seen[DT_DEPTH_MAX];
	int depth = 0, offset = 0;

	last[0] = -1;
	for (;;) {
		int next;
		uint32_t tag = fdt_next_tag(ix->fdt, offset, &next);

		if (next < 0)
			return -EINVAL;
		if (tag == FDT_BEGIN_NODE) {
			int r;

			if (depth == DT_DEPTH_MAX)
				return -EINVAL;
			r = add_node(ix, offset, next, depth > 0 ? stack[depth - 1] : -1, last[depth]);
			if (r < 0)
				return r;
			last[depth] = stack[depth] = r;
			last[depth + 1] = -1;
			seen[depth] = (struct phandle_seen){ 0 };
			depth++;
		} else if (tag == FDT_PROP) {
			if (depth == 0)
				return -EINVAL;
			see_property(ix->fdt, offset, &seen[depth - 1]);
		} else if (tag == FDT_END_NODE) {
			if (depth == 0)
				return -EINVAL;
			depth--;
			ix->node[stack[depth]].phandle = phandle_of(&seen[depth]);
			if (depth == 0)
				return 0;
		} else if (tag != FDT_NOP) {
			return -EINVAL;
		}
		offset = next;
	}
}

static int index_phandles(struct dt_index *ix)
{
	ix->phandle = calloc(ix->nodes ? ix->nodes : 1, sizeof(*ix->phandle));
	if (!ix->phandle)
		return -ENOMEM;
	for (size_t i = 0; i < ix->nodes; i++)
		if (ix->node[i].phandle)
			ix->phandle[ix->phandles++] = (struct ix_phandle){ ix->node[i].phandle, (int)i };
	qsort(ix->phandle, ix->phandles, sizeof(*ix->phandle), phandle_cmp);
	return 0;
}

static int index_labels(struct dt_index *ix)
{
	size_t cap = 0;
	int prop;

	ix->symbols = dt_index_path(ix, "/__symbols__");
	if (ix->symbols < 0)
		return 0;
	fdt_for_each_property_offset(prop, ix->fdt, ix->symbols) {
		cap++;
	}
	ix->label = calloc(cap ? cap : 1, sizeof(*ix->label));
	if (!ix->label)
		return -ENOMEM;
	fdt_for_each_property_offset(prop, ix->fdt, ix->symbols) {
		const char *name = NULL;
		int len = 0;
		const char *value = fdt_getprop_by_offset(ix->fdt, prop, &name, &len);

		if (!value || !name || ix->labels == cap)
			return -EINVAL;
		ix->label[ix->labels] = (struct ix_label){ name, value, len, (int)ix->labels };
		ix->labels++;
	}
	qsort(ix->label, ix->labels, sizeof(*ix->label), label_cmp);
	return 0;
}

int dt_index_build(const void *fdt, struct dt_index **out)
{
	struct dt_index *ix = calloc(1, sizeof(*ix));
	int r;

	*out = NULL;
	if (!ix)
		return -ENOMEM;
	ix->fdt = fdt;
	r = walk(ix);
	if (r == 0)
		r = index_phandles(ix);
	if (r == 0)
		r = index_labels(ix);
	if (r < 0) {
		dt_index_free(ix);
		return r;
	}
	*out = ix;
	return 0;
}
