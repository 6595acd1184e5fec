// SPDX-License-Identifier: GPL-2.0-or-later
#include "dtbo.h"

#include <errno.h>
#include <libfdt.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__attribute__((format(printf, 3, 4)))
static int fail(char *why, size_t why_size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, why_size, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static uint32_t align4(uint32_t n)
{
	return (n + 3) & ~3u;
}

/* One bounded pass over the structure block before libfdt walks it: libfdt 1.6
 * steps by each property's length unchecked, so a length near 4 GiB sends it
 * backwards for ever. Every tag, name and value must lie inside the block. */
static int check_struct_block(const void *blob, char *why, size_t why_size)
{
	const char *blk = (const char *)blob + fdt_off_dt_struct(blob);
	uint32_t size = fdt_size_dt_struct(blob), strings = fdt_size_dt_strings(blob);
	uint32_t off = 0, depth = 0;

	while (size - off >= FDT_TAGSIZE) {
		uint32_t tag = fdt32_ld((const fdt32_t *)(blk + off)), len, nameoff;

		off += FDT_TAGSIZE;
		switch (tag) {
		case FDT_BEGIN_NODE:
			len = (uint32_t)strnlen(blk + off, size - off);
			if (len == size - off || align4(len + 1) > size - off)
				return fail(why, why_size, "node name runs past the structure block");
			off += align4(len + 1);
			depth++;
			break;
		case FDT_END_NODE:
			if (depth-- == 0)
				return fail(why, why_size, "unbalanced end of node");
			break;
		case FDT_PROP:
			if (size - off < 8)
				return fail(why, why_size, "property header past the structure block");
			len = fdt32_ld((const fdt32_t *)(blk + off));
			nameoff = fdt32_ld((const fdt32_t *)(blk + off + 4));
			off += 8;
			if (len > size - off || align4(len) > size - off)
				return fail(why, why_size, "property of %u bytes runs past the structure block", len);
			if (nameoff >= strings)
				return fail(why, why_size, "property name outside the strings block");
			off += align4(len);
			break;
		case FDT_NOP:
			break;
		case FDT_END:
			if (depth != 0)
				return fail(why, why_size, "structure block ends inside a node");
			return 0;
		default:
			return fail(why, why_size, "unknown structure tag 0x%x", tag);
		}
	}
	return fail(why, why_size, "structure block has no end tag");
}

static int check_whole(const void *blob, size_t size, char *why, size_t why_size)
{
	int r;

	if (size < sizeof(struct fdt_header))
		return fail(why, why_size, "too short for a device tree header");
	if (fdt_magic(blob) != FDT_MAGIC)
		return fail(why, why_size, "not a device tree blob (bad magic)");
	r = fdt_check_header(blob);
	if (r < 0)
		return fail(why, why_size, "bad header: %s", fdt_strerror(r));
	/* Older layouts keep full paths as names, and libfdt 1.6's full check can
	 * follow a NULL name there; dtc has written version 17 for over a decade. */
	if (fdt_version(blob) < 17)
		return fail(why, why_size, "device tree version %u: older than 17, the one dtc writes",
			    fdt_version(blob));
	if (fdt_totalsize(blob) > size) {
		return fail(why, why_size, "truncated: the header says %u bytes, the file has %zu",
			    fdt_totalsize(blob), size);
	}
	if (fdt_totalsize(blob) < size)
		return fail(why, why_size, "trailing bytes after the device tree");
	r = check_struct_block(blob, why, why_size);
	if (r < 0)
		return r;
	r = fdt_check_full(blob, size);
	if (r < 0)
		return fail(why, why_size, "malformed structure: %s", fdt_strerror(r));
	return 0;
}

/* A fragment applies when its __overlay__ node has a target or target-path. */
static int check_fragments(const void *blob, struct dtbo_info *info, char *why,
			   size_t why_size)
{
	int node;

	fdt_for_each_subnode(node, blob, 0) {
		const char *name = fdt_get_name(blob, node, NULL);
		int len;

		if (fdt_subnode_offset(blob, node, "__overlay__") < 0)
			continue;
		if (!fdt_getprop(blob, node, "target", &len) &&
		    !fdt_getprop(blob, node, "target-path", &len))
			return fail(why, why_size, "%s has an __overlay__ but no target", name);
		if (len <= 0)
			return fail(why, why_size, "%s has an empty target", name);
		info->fragments++;
	}
	if (info->fragments == 0)
		return fail(why, why_size,
			    "not an overlay: no fragment with __overlay__ and a target");
	info->has_fixups = fdt_path_offset(blob, "/__fixups__") >= 0;
	return 0;
}

int dtbo_validate(const void *blob, size_t size, struct dtbo_info *info, char *why,
		  size_t why_size)
{
	struct dtbo_info tmp = { 0 };
	int r;

	if (size > DTBO_SIZE_MAX)
		return fail(why, why_size, "larger than the kernel's 1 MiB limit");
	r = check_whole(blob, size, why, why_size);
	if (r < 0)
		return r;
	r = check_fragments(blob, &tmp, why, why_size);
	if (r < 0)
		return r;
	if (info)
		*info = tmp;
	return 0;
}

int dt_open(struct dt *dt, const void *base, size_t size, char *why, size_t why_size)
{
	int r;

	dt->fdt = NULL;
	dt->size = 0;
	if (size > DTB_SIZE_MAX)
		return fail(why, why_size, "larger than 8 MiB");
	r = check_whole(base, size, why, why_size);
	if (r < 0)
		return r;
	dt->fdt = malloc(size);
	if (!dt->fdt)
		return -ENOMEM;
	memcpy(dt->fdt, base, size);
	dt->size = size;
	return 0;
}

bool dt_has_symbols(const struct dt *dt)
{
	return fdt_path_offset(dt->fdt, "/__symbols__") >= 0;
}

void dt_close(struct dt *dt)
{
	free(dt->fdt);
	dt->fdt = NULL;
	dt->size = 0;
}

/* libfdt reports an unknown label only as "not found": name it first. */
static int check_references(const void *base, const void *ovl, char *why, size_t why_size)
{
	int symbols = fdt_path_offset(base, "/__symbols__");
	int fixups = fdt_path_offset(ovl, "/__fixups__");
	int node;

	if (fixups >= 0) {
		int prop;

		fdt_for_each_property_offset(prop, ovl, fixups) {
			const char *label;
			const char *path;

			fdt_getprop_by_offset(ovl, prop, &label, NULL);
			path = symbols >= 0 ? fdt_getprop(base, symbols, label, NULL) : NULL;
			if (!label)
				continue;
			if (!path)
				return fail(why, why_size, "label '%s' is not in the base tree",
					    label);
			if (fdt_path_offset(base, path) < 0)
				return fail(why, why_size,
					    "label '%s' points to a node the tree lacks", label);
		}
	}
	fdt_for_each_subnode(node, ovl, 0) {
		const char *path = fdt_getprop(ovl, node, "target-path", NULL);

		if (path && fdt_subnode_offset(ovl, node, "__overlay__") >= 0 &&
		    fdt_path_offset(base, path) < 0)
			return fail(why, why_size, "target-path '%s' is not in the base tree",
				    path);
	}
	return 0;
}

int dt_apply(struct dt *dt, const void *overlay, size_t size, char *why, size_t why_size)
{
	size_t room = fdt_totalsize(dt->fdt) + 2 * size + 4096;
	void *work = NULL, *ovl = NULL;
	int r;

	r = check_references(dt->fdt, overlay, why, why_size);
	if (r < 0)
		return r;
	/* libfdt leaves both trees undefined on failure: work on copies. */
	for (int attempt = 0; attempt < 4; attempt++, room *= 2) {
		free(work);
		free(ovl);
		work = malloc(room);
		ovl = malloc(size);
		if (!work || !ovl) {
			r = -ENOMEM;
			break;
		}
		memcpy(ovl, overlay, size);
		r = fdt_open_into(dt->fdt, work, (int)room);
		if (r == 0)
			r = fdt_overlay_apply(work, ovl);
		if (r != -FDT_ERR_NOSPACE)
			break;
	}
	free(ovl);
	if (r == -ENOMEM) {
		free(work);
		return r;
	}
	if (r < 0) {
		free(work);
		return fail(why, why_size, "libfdt cannot apply it: %s", fdt_strerror(r));
	}
	fdt_pack(work);
	free(dt->fdt);
	dt->fdt = work;
	dt->size = room;
	return 0;
}

/* Whether one of the NUL-separated strings in list[0..len) is want. */
static bool stringlist_has(const char *list, int len, const char *want)
{
	size_t wl = strlen(want);

	for (int off = 0; off < len;) {
		size_t n = strnlen(list + off, (size_t)(len - off));

		if (n == wl && memcmp(list + off, want, n) == 0)
			return true;
		off += (int)n + 1;
	}
	return false;
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

			if (list && label && stringlist_has(list, len, want)) {
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
