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

#include "text.h"
#include "util.h"

/* The fragment whose __overlay__ node a target phandle of fragment frag names,
 * when that phandle is the overlay's own (its __local_fixups__ lists the
 * target): the Raspberry Pi style, target = <&frag0>. -FDT_ERR_NOTFOUND when it
 * is not the overlay's own, or names another kind of node. */
static int own_fragment(const void *ovl, int frag, uint32_t phandle)
{
	char path[NAME_MAX + 32];
	const char *name = fdt_get_name(ovl, frag, NULL);
	int fix, node;

	if (!name || (size_t)snprintf(path, sizeof(path), "/__local_fixups__/%s", name) >= sizeof(path))
		return -FDT_ERR_NOTFOUND;
	fix = fdt_path_offset(ovl, path);
	if (fix < 0 || !fdt_getprop(ovl, fix, "target", NULL))
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
static int target_of(const void *tree, const void *ovl, int frag, unsigned hops)
{
	struct dtbo_target t;
	const char *path;
	int symbols;

	if (dtbo_fragment_target(ovl, frag, &t) < 0)
		return -FDT_ERR_BADVALUE;
	if (t.path) /* libfdt takes a path without '/' as an alias and the rest */
		return fdt_path_offset(tree, t.path);
	if (t.phandle) {
		int own = own_fragment(ovl, frag, t.phandle);

		if (own >= 0)
			return own != frag && hops < TARGET_HOPS ? target_of(tree, ovl, own, hops + 1)
								  : -FDT_ERR_BADPHANDLE;
		return fdt_node_offset_by_phandle(tree, t.phandle);
	}
	symbols = fdt_path_offset(tree, "/__symbols__");
	if (symbols < 0)
		return symbols;
	path = fdt_getprop(tree, symbols, t.label, NULL);
	return path ? fdt_path_offset(tree, path) : -FDT_ERR_NOTFOUND;
}

int dt_target(const void *tree, const void *ovl, int frag)
{
	return target_of(tree, ovl, frag, 0);
}

/* libfdt leaves both trees undefined on failure: it works on copies. It needs
 * room for what the overlay adds: its nodes and properties land in the structure
 * block and their names in the strings block, the labels' paths once more in
 * __symbols__; twice the overlay covers that, and a failure for want of room
 * doubles it, a few times, before giving up. */
#define ROOM_TRIES 4

static int apply_copy(const void *tree, const void *overlay, size_t size, void **out)
{
	size_t room = fdt_totalsize(tree) + 2 * size + 4096;
	void *work = NULL, *ovl = malloc(size);
	int r = -FDT_ERR_NOSPACE;

	for (int attempt = 0; ovl && attempt < ROOM_TRIES && r == -FDT_ERR_NOSPACE;
	     attempt++, room *= 2) {
		free(work);
		work = malloc(room);
		if (!work)
			break;
		memcpy(ovl, overlay, size);
		r = fdt_open_into(tree, work, (int)room);
		if (r == 0)
			r = fdt_overlay_apply(work, ovl);
	}
	free(ovl);
	if (!ovl || !work) {
		free(work);
		return -ENOMEM;
	}
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
	int r = apply_copy(dt->fdt, overlay, size, &out->fdt);

	if (r < 0) {
		out->fdt = NULL;
		return r;
	}
	out->size = fdt_totalsize(out->fdt);
	return 0;
}

/* --- why libfdt refused: run only after it has --------------------------------- */

/* libfdt says only "not found": which label, path or phandle it was. */
static int explain(const void *tree, const void *ovl, int err, char *why, size_t why_size)
{
	int symbols = fdt_path_offset(tree, "/__symbols__");
	int fixups = fdt_path_offset(ovl, "/__fixups__"), node, prop;

	fdt_for_each_subnode(node, ovl, 0) {
		struct dtbo_target t;

		if (fdt_subnode_offset(ovl, node, "__overlay__") < 0 ||
		    dtbo_fragment_target(ovl, node, &t) < 0 || t.label || dt_target(tree, ovl, node) >= 0)
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
		path = symbols >= 0 ? fdt_getprop(tree, symbols, label, &len) : NULL;
		if (!path)
			return why_err(-EINVAL, why, why_size,
				       "label '%s' is not in the base tree", label);
		if (len < 2 || path[len - 1] != '\0' || strlen(path) != (size_t)len - 1)
			return why_err(-EINVAL, why, why_size,
				       "label '%s' of the base tree is not a path", label);
		if (fdt_path_offset(tree, path) < 0)
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
static int walk_node(struct changes *c, const void *tree, int onode, int tnode, const char *path,
		     unsigned depth)
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
			tsub = fdt_subnode_offset(tree, tnode, name);
		if (tsub >= 0 && fdt_get_phandle(ovl, sub) && fdt_get_phandle(tree, tsub))
			return why_err(-EINVAL, c->why, c->why_size,
				       "%s gives %s a phandle, which it has already: the kernel refuses "
				       "that (a label of the overlay on a node of the tree)",
				       c->fragment, child);
		if (tsub < 0) {
			r = change_add(c, child, "", &earlier);
			if (r < 0)
				return dup_error(c, r, child, "", earlier);
		}
		r = walk_node(c, tree, sub, tsub, child, depth + 1);
		if (r < 0)
			return r;
	}
	return 0;
}

/* The kernel adds an overlay's labels to the tree's __symbols__ and refuses one
 * that is there already (-EEXIST: the overlay may be in the tree already), or any
 * when the tree has no __symbols__ (-EINVAL). */
static int check_labels(const void *tree, const void *ovl, char *why, size_t why_size)
{
	int osym = fdt_path_offset(ovl, "/__symbols__"), tsym, prop;

	if (osym < 0 || fdt_first_property_offset(ovl, osym) < 0)
		return 0;
	tsym = fdt_path_offset(tree, "/__symbols__");
	if (tsym < 0)
		return why_err(-EINVAL, why, why_size,
			       "it defines labels (__symbols__) and the tree has none "
			       "(built without dtc -@): the kernel refuses that");
	fdt_for_each_property_offset(prop, ovl, osym) {
		const char *label = NULL;

		if (fdt_getprop_by_offset(ovl, prop, &label, NULL) && label &&
		    fdt_getprop(tree, tsym, label, NULL))
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
static int kernel_rules(const void *tree, const void *ovl, char *why, size_t why_size)
{
	struct changes c = { .why = why, .why_size = why_size, .ovl = ovl };
	size_t entries = (size_t)count_entries(ovl);
	int frag, r = check_labels(tree, ovl, why, why_size);

	if (r < 0)
		return r;
	for (c.cap = 16; c.cap < 2 * entries; c.cap *= 2)
		;
	c.slot = calloc(c.cap, sizeof(*c.slot));
	if (!c.slot)
		return why_err(-ENOMEM, why, why_size, "out of memory");
	fdt_for_each_subnode(frag, ovl, 0) {
		int body = fdt_subnode_offset(ovl, frag, "__overlay__");
		int target = body >= 0 ? dt_target(tree, ovl, frag) : -1;
		char path[PATH_MAX];

		if (target < 0 || fdt_get_path(tree, target, path, sizeof(path)) < 0)
			continue;
		c.fragment = fdt_get_name(ovl, frag, NULL);
		r = walk_node(&c, tree, body, target, path, 0);
		if (r < 0)
			break;
	}
	changes_free(&c);
	return r;
}

int dt_apply(struct dt *dt, const void *overlay, size_t size, char *why, size_t why_size)
{
	void *work = NULL;
	int r = apply_copy(dt->fdt, overlay, size, &work);

	if (r == -ENOMEM)
		return why_err(-ENOMEM, why, why_size, "out of memory");
	if (r < 0)
		return explain(dt->fdt, overlay, r, why, why_size);
	r = kernel_rules(dt->fdt, overlay, why, why_size);
	if (r < 0) {
		free(work);
		return r;
	}
	free(dt->fdt);
	dt->fdt = work;
	dt->size = fdt_totalsize(work);
	return 0;
}
