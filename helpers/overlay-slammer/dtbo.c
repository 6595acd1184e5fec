// SPDX-License-Identifier: GPL-2.0-or-later
#include "dtbo.h"

#include <errno.h>
#include <libfdt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dtindex.h"
#include "text.h"

static uint32_t align4(uint32_t n)
{
	return (n + 3) & ~3u;
}

/* What the structure block holds, counted in its one bounded pass. */
struct shape {
	unsigned nodes;
	unsigned props;
	unsigned most_props; /* in any one node */
};

/* One bounded pass over the structure block before libfdt walks it: libfdt 1.6
 * steps by each property's length unchecked, so a length near 4 GiB sends it
 * backwards for ever (fixed in dtc 1.7.0, "libfdt: prevent integer overflow in
 * fdt_next_tag"; the helper needs 1.7.1 anyway, see scripts/build-libfdt.sh, but
 * the pass also counts the shape and bounds the depth, which libfdt does not).
 * Every tag, name and value must lie inside the block, and
 * nodes nest at most DT_DEPTH_MAX deep: libfdt's overlay code recurses once per
 * level and its apply is quadratic in the depth. */
static int check_struct_block(const void *blob, struct shape *sh, char *why, size_t why_size)
{
	const char *blk = (const char *)blob + fdt_off_dt_struct(blob);
	uint32_t size = fdt_size_dt_struct(blob), strings = fdt_size_dt_strings(blob);
	uint32_t off = 0, depth = 0;
	/* Properties of the node at each open level, to find the fullest node. */
	unsigned props[DT_DEPTH_MAX + 1] = { 0 };

	memset(sh, 0, sizeof(*sh));
	while (size - off >= FDT_TAGSIZE) {
		uint32_t tag = fdt32_ld((const fdt32_t *)(blk + off)), len, nameoff;

		off += FDT_TAGSIZE;
		switch (tag) {
		case FDT_BEGIN_NODE:
			len = (uint32_t)strnlen(blk + off, size - off);
			if (len == size - off || align4(len + 1) > size - off)
				return why_err(-EINVAL, why, why_size,
					       "node name runs past the structure block");
			off += align4(len + 1);
			if (++depth > DT_DEPTH_MAX)
				return why_err(-EINVAL, why, why_size,
					       "nodes nest deeper than %d levels (the kernel's limit)",
					       DT_DEPTH_MAX);
			props[depth] = 0;
			sh->nodes++;
			break;
		case FDT_END_NODE:
			if (depth-- == 0)
				return why_err(-EINVAL, why, why_size, "unbalanced end of node");
			break;
		case FDT_PROP:
			if (size - off < 8)
				return why_err(-EINVAL, why, why_size,
					       "property header past the structure block");
			len = fdt32_ld((const fdt32_t *)(blk + off));
			nameoff = fdt32_ld((const fdt32_t *)(blk + off + 4));
			off += 8;
			if (len > size - off || align4(len) > size - off)
				return why_err(-EINVAL, why, why_size,
					       "property of %u bytes runs past the structure block", len);
			if (nameoff >= strings)
				return why_err(-EINVAL, why, why_size,
					       "property name outside the strings block");
			if (depth == 0)
				return why_err(-EINVAL, why, why_size, "property outside any node");
			off += align4(len);
			sh->props++;
			if (++props[depth] > sh->most_props)
				sh->most_props = props[depth];
			break;
		case FDT_NOP:
			break;
		case FDT_END:
			if (depth != 0)
				return why_err(-EINVAL, why, why_size,
					       "structure block ends inside a node");
			return 0;
		default:
			return why_err(-EINVAL, why, why_size, "unknown structure tag 0x%x", tag);
		}
	}
	return why_err(-EINVAL, why, why_size, "structure block has no end tag");
}

static int check_whole(const void *blob, size_t size, struct shape *sh, char *why,
		       size_t why_size)
{
	int r;

	if (size < sizeof(struct fdt_header))
		return why_err(-EINVAL, why, why_size, "too short for a device tree header");
	if (fdt_magic(blob) != FDT_MAGIC)
		return why_err(-EINVAL, why, why_size, "not a device tree blob (bad magic)");
	r = fdt_check_header(blob);
	if (r < 0)
		return why_err(-EINVAL, why, why_size, "bad header: %s", fdt_strerror(r));
	/* Older layouts keep full paths as names, and libfdt 1.6's full check can
	 * follow a NULL name there; dtc has written version 17 for over a decade. */
	if (fdt_version(blob) < 17)
		return why_err(-EINVAL, why, why_size,
			       "device tree version %u: older than 17, the one dtc writes",
			       fdt_version(blob));
	if (fdt_totalsize(blob) > size) {
		return why_err(-EINVAL, why, why_size,
			       "truncated: the header says %u bytes, the file has %zu",
			       fdt_totalsize(blob), size);
	}
	if (fdt_totalsize(blob) < size)
		return why_err(-EINVAL, why, why_size, "trailing bytes after the device tree");
	r = check_struct_block(blob, sh, why, why_size);
	if (r < 0)
		return r;
	r = fdt_check_full(blob, size);
	if (r < 0)
		return why_err(-EINVAL, why, why_size, "malformed structure: %s", fdt_strerror(r));
	return 0;
}

/* libfdt's overlay apply searches a node's properties and its siblings linearly
 * for each one it adds: quadratic, so that a 1 MiB overlay of small nodes takes
 * minutes. Real overlays hold tens of nodes; these bounds keep the worst case to
 * a fraction of a second. */
static int check_size(const struct shape *sh, char *why, size_t why_size)
{
	if (sh->nodes > DTBO_NODES_MAX)
		return why_err(-EINVAL, why, why_size,
			       "%u nodes: more than %d, far beyond any real overlay",
			       sh->nodes, DTBO_NODES_MAX);
	if (sh->most_props > DTBO_NODE_PROPS_MAX)
		return why_err(-EINVAL, why, why_size,
			       "a node with %u properties: more than %d, far beyond any real overlay",
			       sh->most_props, DTBO_NODE_PROPS_MAX);
	if (sh->props > DTBO_PROPS_MAX)
		return why_err(-EINVAL, why, why_size,
			       "%u properties: more than %d, far beyond any real overlay",
			       sh->props, DTBO_PROPS_MAX);
	return 0;
}

/* A property that is one NUL-terminated string with no other NUL in it. */
static bool is_string(const char *v, int len)
{
	return v && len > 0 && v[len - 1] == '\0' && strlen(v) == (size_t)len - 1;
}

/* An offset as dtc writes it: decimal digits only. */
static bool parse_offset(const char *s, size_t n, unsigned long long *out)
{
	unsigned long long v = 0;

	if (n == 0 || n > 10)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (unsigned long long)(s[i] - '0');
	}
	*out = v;
	return true;
}

/* One "PATH:PROP:OFFSET" of a __fixups__ label: PATH a node of the overlay that
 * has PROP, and OFFSET + 4 within PROP, where the label's phandle is written.
 * libfdt 1.6 writes there unchecked (an offset near 4 GiB wraps its bound). */
static int check_fixup(const void *blob, const char *label, const char *e, size_t n,
		       char *why, size_t why_size)
{
	const char *c1 = memchr(e, ':', n), *c2;
	unsigned long long off;
	int node, len;

	c2 = c1 ? memchr(c1 + 1, ':', n - (size_t)(c1 + 1 - e)) : NULL;
	if (!c1 || !c2 || c1 == e || c2 == c1 + 1 ||
	    !parse_offset(c2 + 1, n - (size_t)(c2 + 1 - e), &off))
		return why_err(-EINVAL, why, why_size,
			       "__fixups__: '%.*s' (label '%s') is not PATH:PROPERTY:OFFSET",
			       (int)(n < 200 ? n : 200), e, label);
	node = fdt_path_offset_namelen(blob, e, (int)(c1 - e));
	if (node < 0)
		return why_err(-EINVAL, why, why_size,
			       "__fixups__: label '%s' is used at %.*s, a node the overlay lacks",
			       label, (int)(c1 - e), e);
	if (!fdt_getprop_namelen(blob, node, c1 + 1, (int)(c2 - c1 - 1), &len))
		return why_err(-EINVAL, why, why_size,
			       "__fixups__: label '%s' is used in property '%.*s' of %.*s, which it lacks",
			       label, (int)(c2 - c1 - 1), c1 + 1, (int)(c1 - e), e);
	if (len < 4 || off > (unsigned long long)len - 4)
		return why_err(-EINVAL, why, why_size,
			       "__fixups__: label '%s' at offset %llu of property '%.*s' of %.*s, which has %d bytes",
			       label, off, (int)(c2 - c1 - 1), c1 + 1, (int)(c1 - e), e, len);
	return 0;
}

static int check_fixups(const void *blob, char *why, size_t why_size)
{
	int fixups = fdt_path_offset(blob, "/__fixups__"), prop;

	if (fixups == -FDT_ERR_NOTFOUND)
		return 0;
	if (fixups < 0)
		return why_err(-EINVAL, why, why_size, "__fixups__: %s", fdt_strerror(fixups));
	fdt_for_each_property_offset(prop, blob, fixups) {
		const char *label = NULL;
		int len = 0;
		const char *list = fdt_getprop_by_offset(blob, prop, &label, &len);

		if (!list || !label)
			return why_err(-EINVAL, why, why_size, "__fixups__: unreadable property");
		for (int o = 0; o < len;) {
			size_t n = strnlen(list + o, (size_t)(len - o));
			int r;

			if (n == (size_t)(len - o))
				return why_err(-EINVAL, why, why_size,
					       "__fixups__: the list of label '%s' is not NUL-terminated", label);
			r = check_fixup(blob, label, list + o, n, why, why_size);
			if (r < 0)
				return r;
			o += (int)n + 1;
		}
	}
	return 0;
}

/* Where a __local_fixups__ node's twin is, for a message. */
static const char *twin_path(const void *blob, int node, char *buf, size_t size)
{
	if (fdt_get_path(blob, node, buf, (int)size) < 0)
		snprintf(buf, size, "(a node)");
	return buf;
}

/* __local_fixups__ mirrors the overlay from its root: each property lists offsets
 * into the property of that name of the node at the same path, where a phandle of
 * the overlay's own is renumbered. libfdt 1.6 reads 4 bytes at each offset
 * unchecked. At most DT_DEPTH_MAX deep, as the structure block was. */
// NOLINTNEXTLINE(misc-no-recursion)
static int check_local_node(const void *blob, int fix, int node, char *why, size_t why_size)
{
	char path[512];
	int prop, sub;

	fdt_for_each_property_offset(prop, blob, fix) {
		const char *name = NULL;
		int len = 0, plen = 0;
		const char *offs = fdt_getprop_by_offset(blob, prop, &name, &len);

		if (!offs || !name)
			return why_err(-EINVAL, why, why_size,
				       "__local_fixups__: unreadable property");
		if (len % 4)
			return why_err(-EINVAL, why, why_size,
				       "__local_fixups__: '%s' of %s is %d bytes, not a list of offsets",
				       name, twin_path(blob, node, path, sizeof(path)), len);
		if (!fdt_getprop(blob, node, name, &plen))
			return why_err(-EINVAL, why, why_size,
				       "__local_fixups__ names property '%s' of %s, which it lacks", name,
				       twin_path(blob, node, path, sizeof(path)));
		for (int i = 0; i < len; i += 4) {
			uint32_t off = fdt32_ld((const fdt32_t *)(offs + i));

			if (plen < 4 || off > (uint32_t)plen - 4)
				return why_err(-EINVAL, why, why_size,
					       "__local_fixups__: offset %u is outside property '%s' of %s, which has %d bytes",
					       off, name, twin_path(blob, node, path, sizeof(path)), plen);
		}
	}
	fdt_for_each_subnode(sub, blob, fix) {
		int nl = 0, twin, r;
		const char *name = fdt_get_name(blob, sub, &nl);

		twin = name ? fdt_subnode_offset_namelen(blob, node, name, nl) : -FDT_ERR_BADSTRUCTURE;
		if (twin < 0)
			return why_err(-EINVAL, why, why_size,
				       "__local_fixups__ names node %s/%.*s, which the overlay lacks",
				       twin_path(blob, node, path, sizeof(path)), name ? nl : 0, name ? name : "");
		r = check_local_node(blob, sub, twin, why, why_size);
		if (r < 0)
			return r;
	}
	return 0;
}

static int check_local_fixups(const void *blob, char *why, size_t why_size)
{
	int fix = fdt_path_offset(blob, "/__local_fixups__");

	if (fix == -FDT_ERR_NOTFOUND)
		return 0;
	if (fix < 0)
		return why_err(-EINVAL, why, why_size, "__local_fixups__: %s", fdt_strerror(fix));
	return check_local_node(blob, fix, 0, why, why_size);
}

/* A fragment applies when its __overlay__ node has a target or target-path. One
 * whose node is __dormant__ instead (Raspberry Pi's convention) is off until a
 * parameter switches it on, and still needs a target; an overlay of dormant
 * fragments only is an overlay that applies nothing as it is. */
static int check_fragments(const void *blob, struct dtbo_info *info, char *why,
			   size_t why_size)
{
	int node;

	fdt_for_each_subnode(node, blob, 0) {
		const char *name = fdt_get_name(blob, node, NULL);
		bool active = fdt_subnode_offset(blob, node, "__overlay__") >= 0;
		bool dormant = fdt_subnode_offset(blob, node, "__dormant__") >= 0;
		const char *path;
		int len;

		if (!active && !dormant)
			continue;
		if (active && dormant)
			return why_err(-EINVAL, why, why_size,
				       "%s has both an __overlay__ and a __dormant__ node",
				       name);
		/* libfdt and the kernel take target first, and a phandle is one cell. */
		if (fdt_getprop(blob, node, "target", &len)) {
			if (len != (int)sizeof(fdt32_t))
				return why_err(-EINVAL, why, why_size,
					       "%s: target is %d bytes, not one phandle",
					       name, len);
		} else if ((path = fdt_getprop(blob, node, "target-path", &len))) {
			if (!is_string(path, len) || len < 2)
				return why_err(-EINVAL, why, why_size,
					       "%s: target-path is not a path", name);
		} else {
			return why_err(-EINVAL, why, why_size, "%s has an %s but no target", name,
				       active ? "__overlay__" : "__dormant__");
		}
		if (active)
			info->fragments++;
		else
			info->dormant++;
	}
	if (info->fragments + info->dormant == 0)
		return why_err(-EINVAL, why, why_size,
			       "not an overlay: no fragment with __overlay__ and a target");
	info->has_fixups = fdt_path_offset(blob, "/__fixups__") >= 0;
	return 0;
}

int dtbo_validate(const void *blob, size_t size, struct dtbo_info *info, char *why,
		  size_t why_size)
{
	struct dtbo_info tmp = { 0 };
	struct shape sh = { 0 };
	int r;


	if (size > DTBO_SIZE_MAX)
		return why_err(-EINVAL, why, why_size, "larger than the kernel's 1 MiB limit");
	r = check_whole(blob, size, &sh, why, why_size);
	if (r == 0)
		r = check_size(&sh, why, why_size);
	if (r == 0)
		r = check_fragments(blob, &tmp, why, why_size);
	if (r == 0)
		r = check_fixups(blob, why, why_size);
	if (r == 0)
		r = check_local_fixups(blob, why, why_size);
	if (r < 0)
		return r;
	if (info)
		*info = tmp;
	return 0;
}

int dt_open(struct dt *dt, const void *base, size_t size, char *why, size_t why_size)
{
	struct shape sh = { 0 };
	int r;

	*dt = (struct dt){ 0 };
	if (size > DTB_SIZE_MAX)
		return why_err(-EINVAL, why, why_size, "larger than 8 MiB");
	r = check_whole(base, size, &sh, why, why_size);
	if (r < 0)
		return r;
	dt->fdt = malloc(size);
	if (!dt->fdt)
		return why_err(-ENOMEM, why, why_size, "out of memory");
	memcpy(dt->fdt, base, size);
	dt->size = size;
	return 0;
}

int dt_copy(struct dt *dst, const struct dt *src, char *why, size_t why_size)
{
	return dt_open(dst, src->fdt, fdt_totalsize(src->fdt), why, why_size);
}

bool dt_has_symbols(struct dt *dt)
{
	if (!dt->ix && dt_index_build(dt->fdt, &dt->ix) < 0)
		return fdt_path_offset(dt->fdt, "/__symbols__") >= 0;
	return dt_index_symbols(dt->ix) >= 0;
}

void dt_close(struct dt *dt)
{
	dt_index_free(dt->ix);
	free(dt->fdt);
	*dt = (struct dt){ 0 };
}

int dtbo_fragment_target(const void *ovl, int fragment, struct dtbo_target *t)
{
	const char *name = fdt_get_name(ovl, fragment, NULL);
	const void *val;
	char want[256];
	int len, fixups, n;

	memset(t, 0, sizeof(*t));
	val = fdt_getprop(ovl, fragment, "target-path", &len);
	if (val) {
		if (len < 2 || ((const char *)val)[len - 1] != '\0' || strlen(val) != (size_t)len - 1)
			return -EINVAL;
		t->path = val;
		return 0;
	}
	val = fdt_getprop(ovl, fragment, "target", &len);
	if (!val)
		return -ENOENT;
	if (len != (int)sizeof(fdt32_t) || !name)
		return -EINVAL;
	/* A label reference is a placeholder bound by a __fixups__ entry. */
	n = snprintf(want, sizeof(want), "/%s:target:0", name);
	fixups = fdt_path_offset(ovl, "/__fixups__");
	if (n > 0 && (size_t)n < sizeof(want) && fixups >= 0) {
		int prop;

		fdt_for_each_property_offset(prop, ovl, fixups) {
			const char *label;
			const char *list = fdt_getprop_by_offset(ovl, prop, &label, &len);

			if (list && label && fdt_stringlist_contains(list, len, want)) {
				t->label = label;
				return 0;
			}
		}
	}
	t->phandle = fdt32_ld(val);
	if (t->phandle == 0 || t->phandle == (uint32_t)-1)
		return -EINVAL;
	return 0;
}
