// SPDX-License-Identifier: GPL-2.0
/*
 * A bounded walk over a flattened device tree overlay. x86 kernels have no
 * libfdt to call, so this makes the checks the kernel makes before it
 * unflattens an overlay (header, block bounds, a well-formed structure) and
 * collects what the stand-in needs: fragment targets, the labels the overlay
 * needs from the live tree (__fixups__), the labels it defines (__symbols__),
 * and which fragments set status = "okay" on their target (so that the stand-in
 * knows when the PCIe x1 port is enabled). Every offset read from the blob is
 * checked against the blob's size before use.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <asm/unaligned.h>

#include "ovl.h"

#define FDT_MAGIC 0xd00dfeed
#define FDT_BEGIN_NODE 0x1
#define FDT_END_NODE 0x2
#define FDT_PROP 0x3
#define FDT_NOP 0x4
#define FDT_END 0x9
#define FDT_HEADER_SIZE 40
#define FDT_DEPTH_MAX 32

/* A fixup entry that names a fragment's target: "/fragment@0:target:0". */
struct ovl_target_fixup {
	char node[OVL_NAME_MAX];
	char label[OVL_LABEL_MAX];
};

struct ovl_walk {
	const u8 *st;			/* structure block */
	u32 st_size;
	const char *strings;
	u32 strings_size;
	int depth;
	char path[OVL_PATH_MAX];
	size_t path_len[FDT_DEPTH_MAX + 1];
	struct ovl_info *info;
	unsigned int n_targets;
	struct ovl_target_fixup targets[OVL_MAX_FRAGMENTS];
	char *why;
	size_t why_size;
};

static __printf(3, 4) int fail(char *why, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, size, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static u32 be32_at(const u8 *p)
{
	return get_unaligned_be32(p);
}

static int check_header(const u8 *blob, size_t size, char *why, size_t why_size)
{
	u32 total, off_st, off_str, off_rsv, version, last_comp, size_str, size_st;

	if (size < FDT_HEADER_SIZE)
		return fail(why, why_size, "%zu bytes is too short for a device tree header", size);
	if (be32_at(blob) != FDT_MAGIC)
		return fail(why, why_size, "bad magic 0x%08x, not a device tree blob", be32_at(blob));
	total = be32_at(blob + 4);
	off_st = be32_at(blob + 8);
	off_str = be32_at(blob + 12);
	off_rsv = be32_at(blob + 16);
	version = be32_at(blob + 20);
	last_comp = be32_at(blob + 24);
	size_str = be32_at(blob + 32);
	size_st = be32_at(blob + 36);
	if (version < 17 || last_comp > 17)
		return fail(why, why_size, "unsupported version %u (last compatible %u)", version,
			    last_comp);
	if (total < FDT_HEADER_SIZE)
		return fail(why, why_size, "totalsize %u is smaller than the header", total);
	if (size < total)
		return fail(why, why_size, "truncated: the header says %u bytes, %zu were written",
			    total, size);
	if (off_rsv < FDT_HEADER_SIZE || off_rsv > total || off_rsv % 8)
		return fail(why, why_size, "memory reserve map offset %u out of bounds", off_rsv);
	if (off_st < FDT_HEADER_SIZE || off_st % 4 || off_st > total || size_st > total - off_st)
		return fail(why, why_size, "structure block %u+%u outside totalsize %u", off_st,
			    size_st, total);
	if (off_str < FDT_HEADER_SIZE || off_str > total || size_str > total - off_str)
		return fail(why, why_size, "strings block %u+%u outside totalsize %u", off_str,
			    size_str, total);
	return 0;
}

static int copy_label(char *dst, const char *src, size_t len, struct ovl_walk *w)
{
	if (len == 0 || len >= OVL_LABEL_MAX)
		return fail(w->why, w->why_size, "label '%.*s' is empty or too long", (int)len, src);
	memcpy(dst, src, len);
	dst[len] = '\0';
	return 0;
}

/* Records "label = "/fragment@N:target:0"" entries; other references need no map. */
static int note_fixup(struct ovl_walk *w, const char *label, const char *val, u32 len)
{
	struct ovl_info *info = w->info;
	u32 off = 0;
	int r;

	if (info->n_fixups == OVL_MAX_LABELS)
		return fail(w->why, w->why_size, "more than %d labels in __fixups__", OVL_MAX_LABELS);
	r = copy_label(info->fixup[info->n_fixups], label, strlen(label), w);
	if (r)
		return r;
	info->n_fixups++;
	if (len == 0 || val[len - 1] != '\0')
		return fail(w->why, w->why_size, "__fixups__/%s is not a string list", label);
	while (off < len) {
		const char *ref = val + off, *colon = strchr(ref, ':');
		size_t n = strlen(ref);
		struct ovl_target_fixup *t;

		off += n + 1;
		if (!colon || ref[0] != '/' || strncmp(colon, ":target:", 8) != 0 ||
		    memchr(ref + 1, '/', colon - ref - 1))
			continue;
		if (w->n_targets == OVL_MAX_FRAGMENTS)
			return fail(w->why, w->why_size, "too many fragment targets in __fixups__");
		t = &w->targets[w->n_targets];
		if (colon - ref - 1 >= OVL_NAME_MAX)
			return fail(w->why, w->why_size, "fragment name in __fixups__/%s too long",
				    label);
		memcpy(t->node, ref + 1, colon - ref - 1);
		t->node[colon - ref - 1] = '\0';
		strscpy(t->label, info->fixup[info->n_fixups - 1], sizeof(t->label));
		w->n_targets++;
	}
	return 0;
}

static struct ovl_fragment *current_fragment(struct ovl_walk *w)
{
	struct ovl_info *info = w->info;
	const char *name = w->path + 1;
	size_t len = w->path_len[2] - 1;
	unsigned int i;

	for (i = 0; i < info->n_fragments; i++)
		if (strlen(info->fragment[i].node) == len &&
		    memcmp(info->fragment[i].node, name, len) == 0)
			return &info->fragment[i];
	return NULL;
}

static int on_node(struct ovl_walk *w, const char *name)
{
	struct ovl_info *info = w->info;
	struct ovl_fragment *f;

	if (w->depth == 2 && name[0] != '_') {
		if (info->n_fragments == OVL_MAX_FRAGMENTS)
			return fail(w->why, w->why_size, "more than %d fragments",
				    OVL_MAX_FRAGMENTS);
		f = &info->fragment[info->n_fragments++];
		memset(f, 0, sizeof(*f));
		strscpy(f->node, name, sizeof(f->node));
	} else if (w->depth == 3 && strcmp(name, "__overlay__") == 0) {
		f = current_fragment(w);
		if (f)
			f->has_overlay = true;
	}
	return 0;
}

static bool in_node(const struct ovl_walk *w, const char *path)
{
	return strcmp(w->path, path) == 0;
}

/* The values the kernel takes for an enabled node (of_device_is_available). */
static bool enables(const u8 *val, u32 len)
{
	return (len == 5 && memcmp(val, "okay", 5) == 0) || (len == 3 && memcmp(val, "ok", 3) == 0);
}

static int on_prop(struct ovl_walk *w, const char *name, const u8 *val, u32 len)
{
	struct ovl_fragment *f;

	if (in_node(w, "/__fixups__"))
		return note_fixup(w, name, (const char *)val, len);
	if (in_node(w, "/__symbols__")) {
		if (w->info->n_symbols == OVL_MAX_LABELS)
			return fail(w->why, w->why_size, "more than %d labels in __symbols__",
				    OVL_MAX_LABELS);
		return copy_label(w->info->symbol[w->info->n_symbols++], name, strlen(name), w);
	}
	if (w->depth == 3 && strcmp(name, "status") == 0 && enables(val, len) &&
	    strcmp(w->path + w->path_len[2], "/__overlay__") == 0) {
		f = current_fragment(w);
		if (f)
			f->enables = true;
		return 0;
	}
	if (w->depth != 2)
		return 0;
	f = current_fragment(w);
	if (!f)
		return 0;
	if (strcmp(name, "target") == 0) {
		if (len != 4)
			return fail(w->why, w->why_size, "%s: target is %u bytes, not a phandle",
				    w->path, len);
		f->has_target = true;
		f->target = be32_at(val);
	} else if (strcmp(name, "target-path") == 0) {
		if (len == 0 || len > OVL_PATH_MAX || val[len - 1] != '\0')
			return fail(w->why, w->why_size, "%s: target-path is not a string", w->path);
		f->has_target_path = true;
		memcpy(f->target_path, val, len);
	}
	return 0;
}

static int push_node(struct ovl_walk *w, u32 *off)
{
	const char *name = (const char *)w->st + *off;
	size_t n = strnlen(name, w->st_size - *off), used;

	if (n == w->st_size - *off)
		return fail(w->why, w->why_size, "unterminated node name at offset %u", *off);
	if (w->depth == 0 && w->path_len[0])
		return fail(w->why, w->why_size, "a second root node at offset %u", *off);
	if (w->depth == 0 && n != 0)
		return fail(w->why, w->why_size, "the root node has a name");
	if (w->depth == FDT_DEPTH_MAX)
		return fail(w->why, w->why_size, "nodes nested deeper than %d", FDT_DEPTH_MAX);
	used = w->depth ? w->path_len[w->depth] : 0;
	if (used + n + 2 > sizeof(w->path))
		return fail(w->why, w->why_size, "node path longer than %d bytes", OVL_PATH_MAX);
	if (w->depth == 0) {
		strscpy(w->path, "/", sizeof(w->path));
		w->path_len[0] = 1;	/* marks "root seen" */
		w->path_len[1] = 1;
	} else {
		size_t at = used > 1 ? used : 0;

		w->path[at] = '/';
		memcpy(w->path + at + 1, name, n);
		w->path[at + 1 + n] = '\0';
		w->path_len[w->depth + 1] = at + 1 + n;
	}
	w->depth++;
	*off += ALIGN(n + 1, 4);
	if (*off > w->st_size)
		return fail(w->why, w->why_size, "node name runs past the structure block");
	return on_node(w, name);
}

static void pop_node(struct ovl_walk *w)
{
	w->depth--;
	if (w->depth > 0)
		w->path[w->path_len[w->depth]] = '\0';
}

static int read_prop(struct ovl_walk *w, u32 *off)
{
	u32 len, nameoff;
	const char *name;

	if (w->st_size - *off < 8)
		return fail(w->why, w->why_size, "property header runs past the structure block");
	len = be32_at(w->st + *off);
	nameoff = be32_at(w->st + *off + 4);
	*off += 8;
	if (len > w->st_size - *off)
		return fail(w->why, w->why_size, "property of %u bytes runs past the structure block",
			    len);
	if (nameoff >= w->strings_size)
		return fail(w->why, w->why_size, "property name offset %u outside the strings block",
			    nameoff);
	name = w->strings + nameoff;
	if (strnlen(name, w->strings_size - nameoff) == w->strings_size - nameoff)
		return fail(w->why, w->why_size, "unterminated property name at offset %u", nameoff);
	if (w->depth == 0)
		return fail(w->why, w->why_size, "property '%s' outside any node", name);
	if (ALIGN(len, 4) > w->st_size - *off)
		return fail(w->why, w->why_size, "property '%s' runs past the structure block", name);
	*off += ALIGN(len, 4);
	return on_prop(w, name, w->st + *off - ALIGN(len, 4), len);
}

static int walk(struct ovl_walk *w)
{
	u32 off = 0, tag;
	int r;

	for (;;) {
		if (w->st_size - off < 4)
			return fail(w->why, w->why_size, "structure block ends without FDT_END");
		tag = be32_at(w->st + off);
		off += 4;
		switch (tag) {
		case FDT_BEGIN_NODE:
			r = push_node(w, &off);
			break;
		case FDT_END_NODE:
			if (w->depth == 0)
				return fail(w->why, w->why_size, "unbalanced FDT_END_NODE at %u", off);
			pop_node(w);
			r = 0;
			break;
		case FDT_PROP:
			r = read_prop(w, &off);
			break;
		case FDT_NOP:
			r = 0;
			break;
		case FDT_END:
			if (w->depth != 0 || !w->path_len[0])
				return fail(w->why, w->why_size, "FDT_END inside a node or before the root");
			return 0;
		default:
			return fail(w->why, w->why_size, "unknown tag 0x%x at offset %u", tag, off - 4);
		}
		if (r)
			return r;
	}
}

static void map_targets(struct ovl_walk *w)
{
	struct ovl_info *info = w->info;
	struct ovl_fragment *f;
	unsigned int i, j;

	for (i = 0; i < w->n_targets; i++)
		for (j = 0; j < info->n_fragments; j++)
			if (strcmp(info->fragment[j].node, w->targets[i].node) == 0)
				strscpy(info->fragment[j].target_label, w->targets[i].label,
					sizeof(info->fragment[j].target_label));
	for (j = 0; j < info->n_fragments; j++) {
		f = &info->fragment[j];
		if (f->has_overlay && f->enables && f->target_label[0] &&
		    ovl_label_in_list(OVL_PORT_LABELS, f->target_label))
			info->port = true;
	}
}

int ovl_fdt_parse(const void *blob, size_t size, struct ovl_info *info, char *why,
		  size_t why_size)
{
	const u8 *b = blob;
	struct ovl_walk *w;
	int r = check_header(b, size, why, why_size);

	if (r)
		return r;
	w = kzalloc(sizeof(*w), GFP_KERNEL);
	if (!w)
		return -ENOMEM;
	memset(info, 0, sizeof(*info));
	w->st = b + be32_at(b + 8);
	w->st_size = be32_at(b + 36);
	w->strings = (const char *)b + be32_at(b + 12);
	w->strings_size = be32_at(b + 32);
	w->info = info;
	w->why = why;
	w->why_size = why_size;
	r = walk(w);
	if (!r)
		map_targets(w);
	kfree(w);
	return r;
}
