// SPDX-License-Identifier: GPL-2.0-or-later
/* A device tree with overlays applied to it: libfdt's fdt_overlay_apply, the
 * kernel's rules on top (docs/kernel-paths.md, "One policy"), and the reason in
 * words when something does not apply. */
#include "dtbo.h"

#include <errno.h>
#include <libfdt.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dtindex.h"
#include "text.h"
#include "util.h"

/* Whether the overlay's own __local_fixups__ lists fragment frag's target: a
 * phandle of the overlay, which libfdt adjusts before it looks it up. */
static bool target_is_local(const void *ovl, int frag)
{
	char path[NAME_MAX + 32];
	const char *name = fdt_get_name(ovl, frag, NULL);
	int fix;

	if (!name || (size_t)snprintf(path, sizeof(path), "/__local_fixups__/%s", name) >= sizeof(path))
		return false;
	fix = fdt_path_offset(ovl, path);
	return fix >= 0 && fdt_getprop(ovl, fix, "target", NULL);
}

/* The fragment whose __overlay__ node a target phandle of fragment frag names,
 * when that phandle is the overlay's own: the Raspberry Pi style,
 * target = <&frag0>. -FDT_ERR_NOTFOUND when it is not the overlay's own, or
 * names another kind of node. */
static int own_fragment(const void *ovl, int frag, uint32_t phandle)
{
	const char *name;
	int node;

	if (!target_is_local(ovl, frag))
		return -FDT_ERR_NOTFOUND;
	node = fdt_node_offset_by_phandle(ovl, phandle);
	name = node >= 0 ? fdt_get_name(ovl, node, NULL) : NULL;
	if (!name || strcmp(name, "__overlay__") != 0)
		return -FDT_ERR_NOTFOUND;
	return fdt_parent_offset(ovl, node);
}

/* Fragments that target fragments: a few hops at most. */
#define TARGET_HOPS 4

// NOLINTNEXTLINE(misc-no-recursion)
static int target_of(const struct dt_index *ix, const void *ovl, int frag, unsigned hops)
{
	struct dtbo_target t;
	const char *path;
	int len = 0;

	if (dtbo_fragment_target(ovl, frag, &t) < 0)
		return -FDT_ERR_BADVALUE;
	if (t.path) /* libfdt takes a path without '/' as an alias and the rest */
		return dt_index_path(ix, t.path);
	if (t.phandle) {
		int own = own_fragment(ovl, frag, t.phandle);

		if (own >= 0)
			return own != frag && hops < TARGET_HOPS ? target_of(ix, ovl, own, hops + 1)
								  : -FDT_ERR_BADPHANDLE;
		return dt_index_by_phandle(ix, t.phandle);
	}
	if (dt_index_symbols(ix) < 0)
		return dt_index_symbols(ix);
	path = dt_index_label(ix, t.label, &len);
	return path && len > 0 && memchr(path, '\0', (size_t)len) ? dt_index_path(ix, path)
								 : -FDT_ERR_NOTFOUND;
}

/* dt's index, or, when its tree changed since it had one, one built for this
 * call into *own (the caller frees it). NULL when out of memory. */
static const struct dt_index *index_of(const struct dt *dt, struct dt_index **own)
{
	*own = NULL;
	if (dt->ix)
		return dt->ix;
	return dt_index_build(dt->fdt, own) < 0 ? NULL : *own;
}

int dt_target(const struct dt *dt, const void *ovl, int frag)
{
	struct dt_index *own;
	const struct dt_index *ix = index_of(dt, &own);
	int r = ix ? target_of(ix, ovl, frag, 0) : -FDT_ERR_NOSPACE;

	dt_index_free(own);
	return r;
}

int dt_path(const struct dt *dt, int node, char *buf, int size)
{
	struct dt_index *own;
	const struct dt_index *ix = index_of(dt, &own);
	int r = ix ? dt_index_node_path(ix, node, buf, size) : -FDT_ERR_NOSPACE;

	dt_index_free(own);
	return r;
}

/* --- what libfdt need not look up -------------------------------------------------- */

/* libfdt finds every node it needs in the tree by walking it from its start: for
 * each label an overlay uses, and three times or more for each fragment aimed at
 * a phandle. Done here with the index first, on the copy libfdt is given, the
 * overlay comes to libfdt with nothing left to look up but target paths. Each
 * step gives what libfdt's own would, or declines (a negative return), and then
 * libfdt is given the overlay as it came and does it all itself. */

/* A cell of the overlay's __local_fixups__ too: libfdt adds its phandle delta
 * to such a cell before it binds labels, so binding first would differ. */
static bool local_fixup_at(const void *ovl, const char *path, int plen, const char *prop,
			   int nlen, unsigned long at)
{
	char where[PATH_MAX];
	const fdt32_t *cells;
	int n = snprintf(where, sizeof(where), "/__local_fixups__%.*s", plen, path), node, len = 0;

	if (n < 0 || (size_t)n >= sizeof(where))
		return true;
	node = fdt_path_offset(ovl, where);
	cells = node >= 0 ? fdt_getprop_namelen(ovl, node, prop, nlen, &len) : NULL;
	for (int i = 0; cells && i < len / (int)sizeof(*cells); i++)
		if (fdt32_ld(&cells[i]) == at)
			return true;
	return false;
}

/* One PATH:PROPERTY:OFFSET of a label's list: the cell there gets the phandle. */
static int bind_one(void *ovl, const char *entry, fdt32_t phandle)
{
	const char *c1 = strchr(entry, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	unsigned long at;
	char *end;
	int node, plen, nlen;

	if (!c2 || c1 == entry || c2 == c1 + 1 || c2[1] < '0' || c2[1] > '9')
		return -1;
	at = strtoul(c2 + 1, &end, 10);
	plen = (int)(c1 - entry);
	nlen = (int)(c2 - c1 - 1);
	if (*end || at > INT_MAX - sizeof(phandle) || local_fixup_at(ovl, entry, plen, c1 + 1, nlen, at))
		return -1;
	node = fdt_path_offset_namelen(ovl, entry, plen);
	if (node < 0)
		return -1;
	return fdt_setprop_inplace_namelen_partial(ovl, node, c1 + 1, nlen, (uint32_t)at, &phandle,
						   sizeof(phandle));
}

/* The overlay's references to labels of the tree (__fixups__), bound. */
static int bind_labels(const struct dt_index *ix, void *ovl)
{
	int fixups = fdt_subnode_offset(ovl, 0, "__fixups__"), prop;

	if (fixups == -FDT_ERR_NOTFOUND)
		return 0;
	if (fixups < 0 || dt_index_symbols(ix) < 0)
		return -1;
	fdt_for_each_property_offset(prop, ovl, fixups) {
		const char *label = NULL, *list, *path;
		int len = 0, plen = 0, node;
		fdt32_t phandle;

		list = fdt_getprop_by_offset(ovl, prop, &label, &len);
		path = list && label && len > 0 && !list[len - 1] ? dt_index_label(ix, label, &plen)
								  : NULL;
		if (!path || plen < 1 || !memchr(path, '\0', (size_t)plen))
			return -1;
		node = dt_index_path(ix, path);
		phandle = cpu_to_fdt32(node >= 0 ? dt_index_phandle(ix, node) : 0);
		if (!phandle)
			return -1;
		for (const char *e = list; e < list + len; e += strlen(e) + 1)
			if (bind_one(ovl, e, phandle) < 0)
				return -1;
	}
	return fdt_nop_node(ovl, fixups) < 0 ? -1 : 0;
}

/* A node the overlay adds named NAME@...: libfdt adds a node before its
 * siblings, and finds NAME by the first child called NAME or NAME@..., so such
 * a node can change what a path means while the overlay is being applied. */
static bool may_shadow(const void *ovl, const char *name, size_t len)
{
	for (int n = fdt_next_node(ovl, 0, NULL); n >= 0; n = fdt_next_node(ovl, n, NULL)) {
		int nl = 0;
		const char *s = fdt_get_name(ovl, n, &nl);

		if (s && (size_t)nl > len && s[len] == '@' && memcmp(s, name, len) == 0)
			return true;
	}
	return false;
}

static bool stable_path(const void *ovl, const char *path)
{
	for (const char *p = path + 1, *q; *p; p = *q ? q + 1 : q) {
		q = strchrnul(p, '/');
		if (!memchr(p, '@', (size_t)(q - p)) && may_shadow(ovl, p, (size_t)(q - p)))
			return false;
	}
	return true;
}

/* A fragment aimed at a node of the tree by phandle is given that node's path
 * (target-path) instead: one walk down to it in place of three over the tree. A
 * target the overlay's own __local_fixups__ adjusts is left to libfdt. */
static int retarget(const struct dt_index *ix, void *ovl)
{
	int frag;

	fdt_for_each_subnode(frag, ovl, 0) {
		const fdt32_t *target;
		char path[PATH_MAX];
		int len = 0, node;

		if (fdt_subnode_offset(ovl, frag, "__overlay__") < 0)
			continue;
		target = fdt_getprop(ovl, frag, "target", &len);
		if (!target || len != (int)sizeof(*target) || target_is_local(ovl, frag))
			continue;
		node = dt_index_by_phandle(ix, fdt32_ld(target));
		if (node < 0 || dt_index_node_path(ix, node, path, sizeof(path)) < 0 ||
		    !stable_path(ovl, path))
			continue;
		if (fdt_delprop(ovl, frag, "target") < 0 ||
		    fdt_setprop_string(ovl, frag, "target-path", path) < 0)
			return -1;
	}
	return 0;
}

/* overlay into ready (room bytes), with what the index can do for libfdt done:
 * 0, or -1 when libfdt is better given the overlay as it is. */
static int look_up_ahead(const struct dt_index *ix, const void *overlay, void *ready, size_t room)
{
	if (!ix || room > INT_MAX || fdt_open_into(overlay, ready, (int)room) < 0)
		return -1;
	if (bind_labels(ix, ready) < 0 || retarget(ix, ready) < 0)
		return -1;
	return 0;
}

/* libfdt leaves both trees undefined on failure: it works on copies. It needs
 * room for what the overlay adds: its nodes and properties land in the structure
 * block and their names in the strings block, the labels' paths once more in
 * __symbols__; twice the overlay covers that, and a failure for want of room
 * doubles it, a few times, before giving up. */
#define ROOM_TRIES 4

static int apply_copy(const void *tree, const struct dt_index *ix, const void *overlay,
		      size_t size, void **out)
{
	size_t room = fdt_totalsize(tree) + 2 * size + 4096, ready_room = 2 * size + 4096;
	void *work = NULL, *ready = malloc(ready_room), *ovl = malloc(ready_room);
	int r = -FDT_ERR_NOSPACE;

	if (ready && look_up_ahead(ix, overlay, ready, ready_room) < 0)
		memcpy(ready, overlay, size);
	for (int attempt = 0; ready && ovl && attempt < ROOM_TRIES && r == -FDT_ERR_NOSPACE;
	     attempt++, room *= 2) {
		free(work);
		work = malloc(room);
		if (!work)
			break;
		memcpy(ovl, ready, fdt_totalsize(ready));
		r = fdt_open_into(tree, work, (int)room);
		if (r == 0)
			r = fdt_overlay_apply(work, ovl);
	}
	free(ovl);
	if (!ovl || !ready || !work) {
		free(ready);
		free(work);
		return -ENOMEM;
	}
	free(ready);
	if (r < 0) {
		free(work);
		return r;
	}
	fdt_pack(work);
	*out = work;
	return 0;
}

int dt_trial(const struct dt *dt, const void *overlay, size_t size, struct dt *out)
{
	struct dt_index *own;
	const struct dt_index *ix = index_of(dt, &own);
	int r = apply_copy(dt->fdt, ix, overlay, size, &out->fdt);

	dt_index_free(own);
	out->ix = NULL;
	if (r < 0) {
		out->fdt = NULL;
		return r;
	}
	out->size = fdt_totalsize(out->fdt);
	return 0;
}

/* --- why libfdt refused: run only after it has --------------------------------- */

/* libfdt says only "not found": which label, path or phandle it was. */
static int explain(const struct dt_index *ix, const void *ovl, int err, char *why,
		   size_t why_size)
{
	int symbols = dt_index_symbols(ix);
	int fixups = fdt_path_offset(ovl, "/__fixups__"), node, prop;

	fdt_for_each_subnode(node, ovl, 0) {
		struct dtbo_target t;

		if (fdt_subnode_offset(ovl, node, "__overlay__") < 0 ||
		    dtbo_fragment_target(ovl, node, &t) < 0 || t.label || target_of(ix, ovl, node, 0) >= 0)
			continue;
		if (t.path)
			return why_err(-EINVAL, why, why_size,
				       "target-path '%s' is not in the base tree", t.path);
		return why_err(-EINVAL, why, why_size,
			       "%s: target phandle 0x%x is not in the base tree",
			       fdt_get_name(ovl, node, NULL), t.phandle);
	}
	fdt_for_each_property_offset(prop, ovl, fixups) {
		const char *label = NULL, *path;
		int len = 0;

		if (!fdt_getprop_by_offset(ovl, prop, &label, NULL) || !label)
			continue;
		path = symbols >= 0 ? dt_index_label(ix, label, &len) : NULL;
		if (!path)
			return why_err(-EINVAL, why, why_size,
				       "label '%s' is not in the base tree", label);
		if (len < 2 || path[len - 1] != '\0' || strlen(path) != (size_t)len - 1)
			return why_err(-EINVAL, why, why_size,
				       "label '%s' of the base tree is not a path", label);
		if (dt_index_path(ix, path) < 0)
			return why_err(-EINVAL, why, why_size,
				       "label '%s' points to a node the tree lacks",
				       label);
	}
	return why_err(-EINVAL, why, why_size, "libfdt cannot apply it: %s", fdt_strerror(err));
}

/* --- the kernel's rules --------------------------------------------------------- */

/* What one overlay changes, by the node's path and the property's name (or the
 * node alone, for a node it adds): the kernel refuses an overlay two of whose
 * fragments change the same thing. A set of hashed keys, open addressing. */
struct change {
	uint64_t hash;
	char *key; /* "PATH\0PROP", or "PATH\0" for an added node */
	size_t len;
	const char *fragment;
};

struct changes {
	struct change *slot;
	size_t cap; /* a power of two, at least twice the entries */
	char *why;
	size_t why_size;
	const void *ovl;
	const char *fragment; /* the fragment being walked */
};

static uint64_t fnv1a(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 0x100000001b3ull;
	return h;
}

/* Records PATH and PROP ("" for the node itself); -EEXIST, with the earlier
 * fragment in *earlier, when another fragment changed it already. */
static int change_add(struct changes *c, const char *path, const char *prop, const char **earlier)
{
	size_t pl = strlen(path), len = pl + 1 + strlen(prop);
	char *key = malloc(len + 1);
	uint64_t h;
	size_t i;

	if (!key)
		return -ENOMEM;
	memcpy(key, path, pl + 1);
	memcpy(key + pl + 1, prop, len - pl);
	h = fnv1a(key, len);
	for (i = h & (c->cap - 1); c->slot[i].key; i = (i + 1) & (c->cap - 1)) {
		if (c->slot[i].hash == h && c->slot[i].len == len &&
		    memcmp(c->slot[i].key, key, len) == 0) {
			*earlier = c->slot[i].fragment;
			free(key);
			return -EEXIST;
		}
	}
	c->slot[i] = (struct change){ h, key, len, c->fragment };
	return 0;
}

static void changes_free(struct changes *c)
{
	for (size_t i = 0; c->slot && i < c->cap; i++)
		free(c->slot[i].key);
	free(c->slot);
}

static bool is_phandle_prop(const char *name)
{
	return strcmp(name, "phandle") == 0 || strcmp(name, "linux,phandle") == 0;
}

/* A property the kernel does not take from an overlay into a node of the tree. */
static bool kernel_skips(const char *name)
{
	return strcmp(name, "name") == 0 || is_phandle_prop(name);
}

static int child_path(char *out, size_t size, const char *path, const char *name)
{
	int n = snprintf(out, size, "%s/%s", strcmp(path, "/") == 0 ? "" : path, name);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

static int dup_error(struct changes *c, int r, const char *path, const char *prop,
		     const char *earlier)
{
	if (r == -ENOMEM)
		return why_err(-ENOMEM, c->why, c->why_size, "out of memory");
	if (*prop)
		return why_err(-EINVAL, c->why, c->why_size,
			       "%s and %s both set %s property '%s': the kernel refuses an overlay "
			       "whose fragments change the same property",
			       earlier, c->fragment, path, prop);
	return why_err(-EINVAL, c->why, c->why_size,
		       "%s and %s both add node %s: the kernel refuses an overlay whose fragments "
		       "add the same node",
		       earlier, c->fragment, path);
}

/* The kernel keeps #address-cells and #size-cells of a node as they are. */
static int check_cells(const struct changes *c, const void *tree, int tnode, const char *path,
		       const char *name, const void *val, int len)
{
	const void *have;
	int hlen;

	if (strcmp(name, "#address-cells") != 0 && strcmp(name, "#size-cells") != 0)
		return 0;
	have = fdt_getprop(tree, tnode, name, &hlen);
	if (!have || (hlen == len && memcmp(have, val, (size_t)len) == 0))
		return 0;
	return why_err(-EINVAL, c->why, c->why_size,
		       "%s changes %s of %s: the kernel refuses that (the addresses of the nodes "
		       "below it would change meaning)",
		       c->fragment, name, path);
}

/* One node of a fragment, and tnode the node of the tree it lands on (negative:
 * a node the overlay adds). At most DT_DEPTH_MAX deep, as the validator checked. */
// NOLINTNEXTLINE(misc-no-recursion)
static int walk_node(struct changes *c, const void *tree, const struct dt_index *ix, int onode,
		     int tnode, const char *path, unsigned depth)
{
	const void *ovl = c->ovl;
	int prop, sub, r;

	if (depth > DT_DEPTH_MAX)
		return why_err(-EINVAL, c->why, c->why_size, "nodes nest deeper than %d below %s",
			       DT_DEPTH_MAX, path);
	fdt_for_each_property_offset(prop, ovl, onode) {
		const char *name = NULL, *earlier = NULL;
		int len = 0;
		const void *val = fdt_getprop_by_offset(ovl, prop, &name, &len);

		if (!val || !name || kernel_skips(name))
			continue;
		if (tnode >= 0) {
			r = check_cells(c, tree, tnode, path, name, val, len);
			if (r < 0)
				return r;
		}
		r = change_add(c, path, name, &earlier);
		if (r < 0)
			return dup_error(c, r, path, name, earlier);
	}
	fdt_for_each_subnode(sub, ovl, onode) {
		const char *name = fdt_get_name(ovl, sub, NULL), *earlier = NULL;
		char child[PATH_MAX];
		int tsub = -1;

		if (!name || child_path(child, sizeof(child), path, name) < 0)
			return why_err(-EINVAL, c->why, c->why_size, "a node path below %s is too long", path);
		if (tnode >= 0)
			tsub = dt_index_subnode(ix, tnode, name);
		if (tsub >= 0 && fdt_get_phandle(ovl, sub) && dt_index_phandle(ix, tsub))
			return why_err(-EINVAL, c->why, c->why_size,
				       "%s gives %s a phandle, which it has already: the kernel refuses "
				       "that (a label of the overlay on a node of the tree)",
				       c->fragment, child);
		if (tsub < 0) {
			r = change_add(c, child, "", &earlier);
			if (r < 0)
				return dup_error(c, r, child, "", earlier);
		}
		r = walk_node(c, tree, ix, sub, tsub, child, depth + 1);
		if (r < 0)
			return r;
	}
	return 0;
}

/* The kernel adds an overlay's labels to the tree's __symbols__ and refuses one
 * that is there already (-EEXIST: the overlay may be in the tree already), or any
 * when the tree has no __symbols__ (-EINVAL). */
static int check_labels(const struct dt_index *ix, const void *ovl, char *why, size_t why_size)
{
	int osym = fdt_path_offset(ovl, "/__symbols__"), prop;

	if (osym < 0 || fdt_first_property_offset(ovl, osym) < 0)
		return 0;
	if (dt_index_symbols(ix) < 0)
		return why_err(-EINVAL, why, why_size,
			       "it defines labels (__symbols__) and the tree has none "
			       "(built without dtc -@): the kernel refuses that");
	fdt_for_each_property_offset(prop, ovl, osym) {
		const char *label = NULL;

		if (fdt_getprop_by_offset(ovl, prop, &label, NULL) && label &&
		    dt_index_label(ix, label, NULL))
			return why_err(-EEXIST, why, why_size,
				       "it defines label '%s', which the tree has already: the "
				       "kernel refuses an overlay that defines a label again",
				       label);
	}
	return 0;
}

static int count_entries(const void *ovl)
{
	int n = 0, node;

	for (node = fdt_next_node(ovl, 0, NULL); node >= 0; node = fdt_next_node(ovl, node, NULL)) {
		int prop;

		n++;
		fdt_for_each_property_offset(prop, ovl, node) {
			n++;
		}
	}
	return n;
}

/* What of_overlay_fdt_apply() refuses that fdt_overlay_apply() takes, checked
 * against the tree before the overlay (whose targets all resolve: libfdt has just
 * applied it). */
static int kernel_rules(const void *tree, const struct dt_index *ix, const void *ovl, char *why,
			size_t why_size)
{
	struct changes c = { .why = why, .why_size = why_size, .ovl = ovl };
	size_t entries = (size_t)count_entries(ovl);
	int frag, r = check_labels(ix, ovl, why, why_size);

	if (r < 0)
		return r;
	for (c.cap = 16; c.cap < 2 * entries; c.cap *= 2)
		;
	c.slot = calloc(c.cap, sizeof(*c.slot));
	if (!c.slot)
		return why_err(-ENOMEM, why, why_size, "out of memory");
	fdt_for_each_subnode(frag, ovl, 0) {
		int body = fdt_subnode_offset(ovl, frag, "__overlay__");
		int target = body >= 0 ? target_of(ix, ovl, frag, 0) : -1;
		char path[PATH_MAX];

		if (target < 0 || dt_index_node_path(ix, target, path, sizeof(path)) < 0)
			continue;
		c.fragment = fdt_get_name(ovl, frag, NULL);
		r = walk_node(&c, tree, ix, body, target, path, 0);
		if (r < 0)
			break;
	}
	changes_free(&c);
	return r;
}

int dt_apply(struct dt *dt, const void *overlay, size_t size, char *why, size_t why_size)
{
	void *work = NULL;
	int r = dt->ix ? 0 : dt_index_build(dt->fdt, &dt->ix);

	if (r < 0)
		return why_err(r, why, why_size, r == -ENOMEM ? "out of memory"
							     : "the tree cannot be walked");
	r = apply_copy(dt->fdt, dt->ix, overlay, size, &work);
	if (r == -ENOMEM)
		return why_err(-ENOMEM, why, why_size, "out of memory");
	if (r < 0)
		return explain(dt->ix, overlay, r, why, why_size);
	r = kernel_rules(dt->fdt, dt->ix, overlay, why, why_size);
	if (r < 0) {
		free(work);
		return r;
	}
	dt_index_free(dt->ix);
	dt->ix = NULL;
	free(dt->fdt);
	dt->fdt = work;
	dt->size = fdt_totalsize(work);
	return 0;
}
