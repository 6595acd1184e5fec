// SPDX-License-Identifier: GPL-2.0-or-later
#include "merge.h"

#include <errno.h>
#include <libfdt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomicfile.h"
#include "context.h"
#include "dtbo.h"
#include "fsutil.h"
#include "log.h"
#include "params.h"
#include "source.h"
#include "util.h"

/* Nodes nest at most this deep below a fragment's target: dtbo_validate allows
 * no more in all. */
#define DEPTH_MAX DT_DEPTH_MAX
/* Properties remembered across overlays, to find two that disagree. */
#define SETTINGS_MAX 65536

/* A property an overlay set, with the value it had right after that overlay. */
struct setting {
	char *path;
	char *prop;
	void *val;
	int len;
	size_t owner;
};

struct merge {
	struct dt dt;
	struct setting *set;
	size_t n_set, cap_set;
	size_t count; /* overlays added */
};

int merge_open(struct merge **out, const void *base, size_t len, char *why, size_t why_size)
{
	struct merge *m = calloc(1, sizeof(*m));
	int r;

	*out = NULL;
	if (!m) {
		snprintf(why, why_size, "out of memory");
		return -ENOMEM;
	}
	r = dt_open(&m->dt, base, len, why, why_size);
	if (r < 0) {
		free(m);
		return r;
	}
	*out = m;
	return 0;
}

void merge_close(struct merge *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n_set; i++) {
		free(m->set[i].path);
		free(m->set[i].prop);
		free(m->set[i].val);
	}
	free(m->set);
	dt_close(&m->dt);
	free(m);
}

const void *merge_result(const struct merge *m, size_t *len)
{
	*len = fdt_totalsize(m->dt.fdt);
	return m->dt.fdt;
}

static struct setting *find_setting(const struct merge *m, const char *path, const char *prop)
{
	for (size_t i = 0; i < m->n_set; i++)
		if (strcmp(m->set[i].path, path) == 0 && strcmp(m->set[i].prop, prop) == 0)
			return &m->set[i];
	return NULL;
}

static int replace_value(struct setting *s, const void *val, int len, size_t owner)
{
	void *copy = malloc(len > 0 ? (size_t)len : 1);

	if (!copy)
		return -ENOMEM;
	if (len > 0)
		memcpy(copy, val, (size_t)len);
	free(s->val);
	s->val = copy;
	s->len = len;
	s->owner = owner;
	return 0;
}

static int add_setting(struct merge *m, const char *path, const char *prop, const void *val,
		       int len)
{
	struct setting *s;

	if (m->n_set == m->cap_set) {
		size_t cap = m->cap_set ? m->cap_set * 2 : 64;
		struct setting *n;

		if (cap > SETTINGS_MAX)
			return -E2BIG;
		n = realloc(m->set, cap * sizeof(*n));
		if (!n)
			return -ENOMEM;
		m->set = n;
		m->cap_set = cap;
	}
	s = &m->set[m->n_set];
	memset(s, 0, sizeof(*s));
	s->path = strdup(path);
	s->prop = strdup(prop);
	if (!s->path || !s->prop || replace_value(s, val, len, m->count) < 0) {
		free(s->path);
		free(s->prop);
		return -ENOMEM;
	}
	m->n_set++;
	return 0;
}

/* One pass over an overlay's properties: first only comparing (so a conflict
 * leaves everything as it was), then recording. */
struct walk {
	struct merge *m;
	const void *tree; /* the merged tree, with the overlay applied */
	const void *ovl;
	bool commit;
	char *why;
	size_t why_size;
	size_t *earlier;
};

/* One property of the current overlay, as the merged tree now has it at path. */
static int note_property(const struct walk *w, const char *path, const char *prop)
{
	int node = fdt_path_offset(w->tree, path), len = 0;
	const void *val = node >= 0 ? fdt_getprop(w->tree, node, prop, &len) : NULL;
	struct setting *s;
	int r;

	if (!val)
		return 0; /* libfdt applied it; nothing to compare */
	s = find_setting(w->m, path, prop);
	if (!w->commit) {
		if (s && s->owner != w->m->count &&
		    (s->len != len || memcmp(s->val, val, (size_t)len) != 0)) {
			snprintf(w->why, w->why_size, "it sets %s property '%s' to another value",
				 path, prop);
			*w->earlier = s->owner;
			return -EEXIST;
		}
		return 0;
	}
	r = s ? replace_value(s, val, len, w->m->count) : add_setting(w->m, path, prop, val, len);
	if (r == -E2BIG)
		snprintf(w->why, w->why_size, "the overlays set more than %d properties in all",
			 SETTINGS_MAX);
	else if (r < 0)
		snprintf(w->why, w->why_size, "out of memory");
	return r;
}

static int child_path(char *out, size_t size, const char *path, const char *name)
{
	int n = snprintf(out, size, "%s/%s", strcmp(path, "/") == 0 ? "" : path, name);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

/* Every property below an __overlay__ node, by where it landed in the tree; at
 * most DEPTH_MAX deep. */
// NOLINTNEXTLINE(misc-no-recursion)
static int note_node(const struct walk *w, int node, const char *path,
		     unsigned depth)
{
	int prop, sub, r;

	if (depth > DEPTH_MAX) {
		snprintf(w->why, w->why_size, "nodes nest deeper than %d below %s", DEPTH_MAX,
			 path);
		return -EINVAL;
	}
	fdt_for_each_property_offset(prop, w->ovl, node) {
		const char *name;

		if (!fdt_getprop_by_offset(w->ovl, prop, &name, NULL) || !name)
			continue;
		/* libfdt renumbers an overlay's own phandles: they differ by design. */
		if (strcmp(name, "phandle") == 0 || strcmp(name, "linux,phandle") == 0)
			continue;
		r = note_property(w, path, name);
		if (r < 0)
			return r;
	}
	fdt_for_each_subnode(sub, w->ovl, node) {
		char child[PATH_MAX];

		r = child_path(child, sizeof(child), path, fdt_get_name(w->ovl, sub, NULL));
		if (r == 0)
			r = note_node(w, sub, child, depth + 1);
		if (r < 0)
			return r;
	}
	return 0;
}

/* The node a fragment's target names in tree, or a negative libfdt error. */
static int resolve_target(const void *tree, const struct dtbo_target *t)
{
	const char *path;
	int symbols;

	if (t->path)
		return fdt_path_offset(tree, t->path);
	if (t->phandle)
		return fdt_node_offset_by_phandle(tree, t->phandle);
	symbols = fdt_path_offset(tree, "/__symbols__");
	if (symbols < 0)
		return symbols;
	path = fdt_getprop(tree, symbols, t->label, NULL);
	return path ? fdt_path_offset(tree, path) : -FDT_ERR_NOTFOUND;
}

/* libfdt names a missing phandle only as "not found". */
static int check_phandle_targets(const void *tree, const void *ovl, char *why, size_t why_size)
{
	int frag;

	fdt_for_each_subnode(frag, ovl, 0) {
		struct dtbo_target t;

		if (fdt_subnode_offset(ovl, frag, "__overlay__") < 0 ||
		    dtbo_fragment_target(ovl, frag, &t) < 0 || !t.phandle)
			continue;
		if (fdt_node_offset_by_phandle(tree, t.phandle) < 0) {
			snprintf(why, why_size, "%s: target phandle 0x%x is not in the base tree",
				 fdt_get_name(ovl, frag, NULL), t.phandle);
			return -EINVAL;
		}
	}
	return 0;
}

static int note_fragments(const struct walk *w)
{
	int frag;

	fdt_for_each_subnode(frag, w->ovl, 0) {
		int body = fdt_subnode_offset(w->ovl, frag, "__overlay__"), node, r;
		char path[PATH_MAX];
		struct dtbo_target t;

		if (body < 0 || dtbo_fragment_target(w->ovl, frag, &t) < 0)
			continue;
		node = resolve_target(w->tree, &t);
		if (node < 0 || fdt_get_path(w->tree, node, path, sizeof(path)) < 0)
			continue;
		r = note_node(w, body, path, 0);
		if (r < 0)
			return r;
	}
	return 0;
}

static int note_overlay(struct merge *m, const void *ovl, char *why, size_t why_size,
			size_t *earlier)
{
	struct walk w = { m, m->dt.fdt, ovl, false, why, why_size, earlier };
	int r = note_fragments(&w);

	if (r < 0)
		return r;
	w.commit = true;
	return note_fragments(&w);
}

int merge_add(struct merge *m, const void *ovl, size_t len, char *why, size_t why_size,
	      size_t *earlier)
{
	struct dt before = { 0 };
	int r = check_phandle_targets(m->dt.fdt, ovl, why, why_size);

	if (r < 0)
		return r;
	/* Kept until the overlay is known not to conflict, so a refusal changes nothing. */
	r = dt_open(&before, m->dt.fdt, fdt_totalsize(m->dt.fdt), why, why_size);
	if (r < 0)
		return r;
	r = dt_apply(&m->dt, ovl, len, why, why_size);
	if (r == 0)
		r = note_overlay(m, ovl, why, why_size, earlier);
	if (r < 0 && before.fdt) {
		dt_close(&m->dt);
		m->dt = before;
		return r;
	}
	dt_close(&before);
	m->count++;
	return 0;
}

static void merge_closep(struct merge **m)
{
	merge_close(*m);
}

static int open_base(const char *base, struct merge **m)
{
	_cleanup_(freep) void *buf = NULL;
	char why[PATH_MAX + 160];
	size_t len;
	int r = read_file(base, DTB_SIZE_MAX, &buf, &len);

	if (r < 0) {
		log_err("base tree: %s", read_error(why, sizeof(why), base, r, DTB_SIZE_MAX));
		return r;
	}
	r = merge_open(m, buf, len, why, sizeof(why));
	if (r == -EINVAL)
		log_err("%s is not a usable base tree: %s", base, why);
	else if (r < 0)
		log_err("%s: %s", base, r == -ENOMEM ? "out of memory" : strerror(-r));
	else if (fdt_path_offset((*m)->dt.fdt, "/__symbols__") < 0)
		log_warn("%s has no __symbols__ node (dtc -@): overlays that use its labels will "
			 "not apply",
			 base);
	return r;
}

static void prepared_freep(struct prepared *p)
{
	prepared_free(p);
}

/* files[i] is FILE.dtbo or FILE.dtbo,param=value,...: the parameters are applied
 * as the runtime path applies them, so both give the kernel the same overlay. */
static int add_file(struct merge *m, char *const *files, size_t i)
{
	_cleanup_(freep) void *buf = NULL;
	_cleanup_(prepared_freep) struct prepared p = { 0 };
	char why[PATH_MAX + 160], file[PATH_MAX];
	const char *params;
	size_t len, earlier = 0;
	int r = overlay_arg_split(files[i], file, sizeof(file), &params);

	if (r < 0) {
		log_err("%.64s...: path too long", files[i]);
		return r;
	}
	r = read_file(file, DTBO_SIZE_MAX, &buf, &len);
	if (r < 0) {
		if (r == -EFBIG)
			log_err("%s is larger than the kernel's 1 MiB limit", file);
		else
			log_err("%s", read_error(why, sizeof(why), file, r, DTBO_SIZE_MAX));
		return r;
	}
	r = overlay_prepare(buf, len, params, &p, why, sizeof(why));
	if (r == -EDOM) {
		log_err("%s: %s", file, why);
		return -EINVAL;
	}
	if (r < 0) {
		log_err("%s is not a valid overlay: %s", file, why);
		return r;
	}
	if (p.info.fragments == 0) {
		log_info("%s: every fragment is dormant%s: nothing to merge", files[i],
			 params[0] ? " with these parameters" : " (a parameter switches them on)");
		return 0;
	}
	r = merge_add(m, p.data, p.size, why, sizeof(why), &earlier);
	if (r == -EEXIST)
		log_err("%s conflicts with %s: %s; the later overlay would undo the earlier one",
			files[i], files[earlier], why);
	else if (r == -EINVAL)
		log_err("%s does not apply: %s", files[i], why);
	else if (r < 0)
		log_err("%s: %s", files[i],
			r == -ENOMEM ? "out of memory" : r == -E2BIG ? why : strerror(-r));
	return r;
}

/* The merged tree replaces out by rename: what else is there is kept, and named. */
static const char *write_error(const char *out, int r, char *buf, size_t size)
{
	switch (r) {
	case -EISDIR:
		snprintf(buf, size, "%s is a directory: give the path of the file to write", out);
		break;
	case -ELOOP:
		snprintf(buf, size, "%s is a symbolic link: give the file itself (the output "
			 "replaces its path, and would replace the link); nothing written", out);
		break;
	case -EEXIST:
		snprintf(buf, size, "%s is not a regular file (a device node, a FIFO or a socket): "
			 "refused, it would be replaced; nothing written", out);
		break;
	default:
		snprintf(buf, size, "cannot write %s: %s; it was left as it was", out,
			 r == -ENOMEM ? "out of memory" : strerror(-r));
	}
	return buf;
}

int action_merge(const char *base, const char *out, char *const *overlays, size_t n)
{
	_cleanup_(merge_closep) struct merge *m = NULL;
	const void *blob;
	size_t len;
	int r;

	if (open_base(base, &m) < 0)
		return EXIT_FAILED;
	for (size_t i = 0; i < n; i++)
		if (add_file(m, overlays, i) < 0)
			return EXIT_FAILED;
	blob = merge_result(m, &len);
	r = write_file_atomic(out, blob, len, 0644);
	if (r < 0) {
		char why[PATH_MAX + 200];

		log_err("%s", write_error(out, r, why, sizeof(why)));
		return EXIT_FAILED;
	}
	log_info("merged %zu overlay%s into %s (%zu bytes, crc32 %08lx)", n, n == 1 ? "" : "s",
		 out, len, blob_crc32(blob, len));
	return EXIT_OK;
}
