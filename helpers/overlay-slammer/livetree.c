// SPDX-License-Identifier: GPL-2.0-or-later
/* Is an overlay in effect in the tree the kernel booted with? Read with libfdt
 * from /sys/firmware/fdt: a lookup in a merged DTB's list of overlays, else a
 * comparison with what applying the overlay would make of the tree. */
#include "livetree.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libfdt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fsutil.h"
#include "merge.h"
#include "params.h"
#include "source.h"
#include "util.h"

/* Differences named in full; the rest are counted. */
#define SHOWN_MAX 3

struct compare {
	const struct dt *booted;
	const void *before; /* its tree */
	const void *after;  /* the same with the overlay applied */
	const void *ovl;
	char *why;
	size_t why_size;
	unsigned diffs;
	unsigned same; /* properties already as the overlay sets them */
};

__attribute__((format(printf, 2, 3)))
static void differ(struct compare *c, const char *fmt, ...)
{
	size_t used = strnlen(c->why, c->why_size);
	va_list ap;

	c->diffs++;
	if (c->diffs > SHOWN_MAX || used + 3 >= c->why_size)
		return;
	if (used) {
		memcpy(c->why + used, "; ", 3);
		used += 2;
	}
	va_start(ap, fmt);
	vsnprintf(c->why + used, c->why_size - used, fmt, ap);
	va_end(ap);
}

int livetree_read(const struct context *ctx, struct dt *booted, char *why, size_t why_size)
{
	_cleanup_(freep) void *buf = NULL;
	char path[PATH_MAX], reason[160];
	size_t len = 0;
	int r = context_path(ctx, BOOTED_TREE, path, sizeof(path));

	*booted = (struct dt){ 0 };
	if (r == 0)
		r = read_file(path, DTB_SIZE_MAX, &buf, &len);
	if (r == -ENOENT)
		return r;
	if (r < 0) {
		read_error(why, why_size, path, r, DTB_SIZE_MAX);
		return r;
	}
	r = dt_open(booted, buf, len, reason, sizeof(reason));
	if (r < 0)
		snprintf(why, why_size, "live device tree %.*s unusable (%s)", PATH_MAX, path,
			 reason);
	return r;
}

bool livetree_present(const struct context *ctx)
{
	char path[PATH_MAX];
	struct stat st;

	return context_path(ctx, BOOTED_TREE, path, sizeof(path)) == 0 && stat(path, &st) == 0 &&
	       S_ISREG(st.st_mode);
}

/* 1 when the merged DTB lists name with this CRC-32, -1 with another, 0 not. */
static int listed(const void *tree, const char *name, uint32_t crc)
{
	int chosen = fdt_path_offset(tree, "/chosen"), len = 0;
	int i = chosen >= 0 ? fdt_stringlist_search(tree, chosen, MERGED_NAMES, name) : -1;
	const fdt32_t *digests = i >= 0 ? fdt_getprop(tree, chosen, MERGED_CRC32, &len) : NULL;

	if (i < 0)
		return 0;
	return digests && len / 4 > i && fdt32_ld(&digests[i]) == crc ? 1 : -1;
}

/* A short rendering of a value for a message: a string, one cell, or a size. */
static void describe(const char *v, size_t n, char *out, size_t size)
{
	bool text = n >= 2 && n <= 41 && v[n - 1] == '\0' && strlen(v) == n - 1;

	for (size_t i = 0; text && i + 1 < n; i++)
		text = isprint((unsigned char)v[i]) && v[i] != '"';
	if (text)
		snprintf(out, size, "\"%.*s\"", (int)(n - 1), v);
	else if (n == 4)
		snprintf(out, size, "<0x%x>", fdt32_ld((const fdt32_t *)v));
	else
		snprintf(out, size, "%zu bytes", n);
}

static int child_path(char *out, size_t size, const char *path, const char *name)
{
	int n = snprintf(out, size, "%s/%s", strcmp(path, "/") == 0 ? "" : path, name);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

/* The phandle in cell at off of the tree's property names the node at the same
 * path as the one in want, of the tree with the overlay applied: libfdt (before
 * 1.7) gives the overlay's own nodes new numbers on every application. */
static bool same_node(const struct compare *c, const char *have, const char *want, uint32_t off)
{
	char a[PATH_MAX], b[PATH_MAX];
	int na = fdt_node_offset_by_phandle(c->before, fdt32_ld((const fdt32_t *)(have + off)));
	int nb = fdt_node_offset_by_phandle(c->after, fdt32_ld((const fdt32_t *)(want + off)));

	return na >= 0 && nb >= 0 && fdt_get_path(c->before, na, a, sizeof(a)) == 0 &&
	       fdt_get_path(c->after, nb, b, sizeof(b)) == 0 && strcmp(a, b) == 0;
}

/* Equal but for cells that refer to the overlay's own nodes (its
 * __local_fixups__ for this property), which must name the same nodes. */
static bool equal_but_local(const struct compare *c, int onode, const char *name,
			    const char *have, const char *want, int len)
{
	char opath[PATH_MAX], fpath[PATH_MAX + 32];
	const fdt32_t *offs;
	int fix, n = 0, at = 0;

	if (fdt_get_path(c->ovl, onode, opath, sizeof(opath)) < 0 ||
	    (size_t)snprintf(fpath, sizeof(fpath), "/__local_fixups__%s", opath) >= sizeof(fpath))
		return false;
	fix = fdt_path_offset(c->ovl, fpath);
	offs = fix >= 0 ? fdt_getprop(c->ovl, fix, name, &n) : NULL;
	if (!offs || len < 4)
		return false;
	/* The offsets, in the order dtc writes them: ascending. */
	for (int i = 0; i < n / 4; i++) {
		uint32_t off = fdt32_ld(&offs[i]);

		if (off < (uint32_t)at || off > (uint32_t)len - 4 ||
		    memcmp(have + at, want + at, off - (uint32_t)at) != 0 ||
		    !same_node(c, have, want, off))
			return false;
		at = (int)off + 4;
	}
	return memcmp(have + at, want + at, (size_t)(len - at)) == 0;
}

static void compare_prop(struct compare *c, int onode, int prop, int bnode, int anode,
			 const char *path)
{
	const char *name = NULL;
	char shown[PATH_MAX];
	int blen = 0, alen = 0;
	const void *have, *want;

	if (!fdt_getprop_by_offset(c->ovl, prop, &name, NULL) || !name ||
	    strcmp(name, "name") == 0 || strcmp(name, "phandle") == 0 ||
	    strcmp(name, "linux,phandle") == 0)
		return;
	if (child_path(shown, sizeof(shown), path, name) < 0)
		snprintf(shown, sizeof(shown), "%s/...", path);
	have = fdt_getprop(c->before, bnode, name, &blen);
	want = fdt_getprop(c->after, anode, name, &alen);
	if (!have) {
		differ(c, "%s missing", shown);
	} else if (!want || blen != alen ||
		   (memcmp(have, want, (size_t)blen) != 0 &&
		    !equal_but_local(c, onode, name, have, want, blen))) {
		char a[48], b[48];

		describe(have, (size_t)blen, a, sizeof(a));
		if (want)
			describe(want, (size_t)alen, b, sizeof(b));
		else
			snprintf(b, sizeof(b), "nothing");
		differ(c, "%s differs (the tree has %s, the overlay %s)", shown, a, b);
	} else {
		c->same++;
	}
}

/* The overlay's node onode against the booted tree's bnode and the applied
 * tree's anode, at path. At most DT_DEPTH_MAX deep, as the validator checked. */
// NOLINTNEXTLINE(misc-no-recursion)
static void compare_node(struct compare *c, int onode, int bnode, int anode, const char *path,
			 unsigned depth)
{
	int prop, sub;

	if (depth > DT_DEPTH_MAX)
		return;
	fdt_for_each_property_offset(prop, c->ovl, onode) {
		compare_prop(c, onode, prop, bnode, anode, path);
	}
	fdt_for_each_subnode(sub, c->ovl, onode) {
		const char *name = fdt_get_name(c->ovl, sub, NULL);
		char child[PATH_MAX];
		int bsub, asub;

		if (!name || child_path(child, sizeof(child), path, name) < 0)
			continue;
		bsub = fdt_subnode_offset(c->before, bnode, name);
		asub = fdt_subnode_offset(c->after, anode, name);
		if (bsub < 0 || asub < 0) {
			differ(c, "%s missing", child);
			continue;
		}
		compare_node(c, sub, bsub, asub, child, depth + 1);
	}
}

/* What of a fragment's target the booted tree lacks. */
static void missing_target(struct compare *c, int frag)
{
	struct dtbo_target t;

	if (dtbo_fragment_target(c->ovl, frag, &t) < 0)
		differ(c, "%s: unreadable target", fdt_get_name(c->ovl, frag, NULL));
	else if (t.path)
		differ(c, "target-path '%s' missing", t.path);
	else if (t.label)
		differ(c, "label '%s' missing from __symbols__", t.label);
	else
		differ(c, "%s: target phandle 0x%x missing", fdt_get_name(c->ovl, frag, NULL),
		       t.phandle);
}

static void compare_fragments(struct compare *c)
{
	int frag;

	fdt_for_each_subnode(frag, c->ovl, 0) {
		int body = fdt_subnode_offset(c->ovl, frag, "__overlay__"), target, atarget;
		char path[PATH_MAX];

		if (body < 0)
			continue;
		target = dt_target(c->booted, c->ovl, frag);
		if (target < 0) {
			missing_target(c, frag);
			continue;
		}
		if (dt_path(c->booted, target, path, sizeof(path)) < 0)
			continue;
		atarget = c->after ? fdt_path_offset(c->after, path) : -1;
		if (atarget >= 0)
			compare_node(c, body, target, atarget, path, 0);
	}
}

int livetree_check(const struct dt *booted, const char *name, const void *ovl, size_t len,
		   char *why, size_t why_size, unsigned *same)
{
	_cleanup_(dt_closep) struct dt after = { 0 };
	struct compare c = { booted, booted->fdt, NULL, ovl, why, why_size, 0, 0 };
	int in_list = listed(booted->fdt, name, (uint32_t)blob_crc32(ovl, len)), r;

	why[0] = '\0';
	if (same)
		*same = 0;
	if (in_list > 0)
		return 1;
	r = dt_trial(booted, ovl, len, &after);
	if (r == -ENOMEM)
		return r;
	c.after = after.fdt;
	compare_fragments(&c);
	if (r < 0 && c.diffs == 0)
		differ(&c, "libfdt cannot apply it here: %s", fdt_strerror(r));
	if (c.diffs > SHOWN_MAX) {
		size_t used = strnlen(why, why_size);

		snprintf(why + used, why_size - used, "; and %u more", c.diffs - SHOWN_MAX);
	}
	if (c.diffs && in_list < 0) {
		size_t used = strnlen(why, why_size);

		snprintf(why + used, why_size - used,
			 " (the merged DTB lists another build of it: rebuild the DTB)");
	}
	if (same)
		*same = c.same;
	return c.diffs == 0 ? 1 : 0;
}

static bool is_dot(const char *name)
{
	return strcmp(name, ".") == 0 || strcmp(name, "..") == 0;
}

/* Properties a driver reads only when it probes its device: the PCIe controller
 * drivers (pcie-brcmstb, pci-host-generic through the PCI core's
 * of_pci_get_max_link_speed()) fix the link's top speed there. */
static const char *const probe_time_props[] = { "max-link-speed" };

static bool probe_time(const char *prop)
{
	for (size_t i = 0; i < ARRAY_SIZE(probe_time_props); i++)
		if (strcmp(prop, probe_time_props[i]) == 0)
			return true;
	return false;
}

/* The driver bound to the platform device made from the node at path, into drv;
 * -ENOENT when there is no such device or it has no driver. Devices name their
 * node through an of_node link into /sys/firmware/devicetree/base. */
static int node_driver(int devices_fd, const char *path, char *drv, size_t size)
{
	static const char base[] = "/devicetree/base";
	_cleanup_(closedirp) DIR *d = NULL;
	const struct dirent *e;
	int fd = openat(devices_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -errno;
	}
	while ((e = readdir(d))) {
		char rel[NAME_MAX + 16], target[PATH_MAX];
		const char *node, *slash;
		ssize_t n;

		if (is_dot(e->d_name) ||
		    snprintf(rel, sizeof(rel), "%s/of_node", e->d_name) >= (int)sizeof(rel))
			continue;
		n = readlinkat(devices_fd, rel, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		node = strstr(target, base);
		if (!node || strcmp(node + sizeof(base) - 1, path) != 0)
			continue;
		snprintf(rel, sizeof(rel), "%s/driver", e->d_name);
		n = readlinkat(devices_fd, rel, target, sizeof(target) - 1);
		if (n <= 0)
			return -ENOENT;
		target[n] = '\0';
		slash = strrchr(target, '/');
		slash = slash ? slash + 1 : target;
		if (strlen(slash) >= size)
			return -ENAMETOOLONG;
		memcpy(drv, slash, strlen(slash) + 1);
		return 0;
	}
	return -ENOENT;
}

int livetree_probed(const struct context *ctx, const struct dt *booted, const void *ovl,
		    char *why, size_t why_size)
{
	struct compare c = { booted, booted->fdt, NULL, ovl, why, why_size, 0, 0 };
	_cleanup_(closep) int devices_fd = -1;
	char path[PATH_MAX];
	int frag;

	why[0] = '\0';
	if (context_path(ctx, "/sys/bus/platform/devices", path, sizeof(path)) < 0)
		return -ENAMETOOLONG;
	devices_fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (devices_fd < 0)
		return errno == ENOENT ? 0 : -errno;
	fdt_for_each_subnode(frag, ovl, 0) {
		int body = fdt_subnode_offset(ovl, frag, "__overlay__"), prop, target;
		char live[PATH_MAX], drv[NAME_MAX + 1];

		target = body >= 0 ? dt_target(booted, ovl, frag) : -1;
		if (target < 0 || dt_path(booted, target, live, sizeof(live)) < 0)
			continue;
		fdt_for_each_property_offset(prop, ovl, body) {
			const char *name;

			if (!fdt_getprop_by_offset(ovl, prop, &name, NULL) || !name ||
			    !probe_time(name))
				continue;
			if (node_driver(devices_fd, live, drv, sizeof(drv)) < 0)
				break;
			differ(&c, "%s on %s (its driver %s has probed it already)", name, live,
			       drv);
		}
	}
	return (int)c.diffs;
}

/* One overlay read and prepared (its parameters applied) as apply does it,
 * against the booted tree. */
static int check_named(const struct context *ctx, const struct dt *booted, const char *name,
		       const char *params, char *why, size_t why_size)
{
	_cleanup_(overlay_blob_freep) struct overlay_blob b = { 0 };
	_cleanup_(prepared_freep) struct prepared p = { 0 };
	char reason[256];
	int r = overlay_read(ctx, name, &b, why, why_size);

	if (r < 0)
		return r;
	r = overlay_prepare(b.data, b.size, params, &p, reason, sizeof(reason));
	if (r == -EDOM) {
		snprintf(why, why_size, "%s", reason);
		return -EINVAL;
	}
	if (r < 0) {
		snprintf(why, why_size, "%.*s is not a valid overlay: %s", PATH_MAX, b.origin, reason);
		return r;
	}
	/* Every fragment dormant: nothing to be in effect. */
	if (p.info.fragments == 0)
		return 1;
	r = livetree_check(booted, name, p.data, p.size, why, why_size, NULL);
	if (r == -ENOMEM)
		snprintf(why, why_size, "out of memory");
	return r;
}

int livetree_each(const struct context *ctx, const struct name_list *names, livetree_fn *fn,
		  void *arg)
{
	_cleanup_(dt_closep) struct dt booted = { 0 };
	char why[PATH_MAX + 320];
	int r = livetree_read(ctx, &booted, why, sizeof(why)), in = 0;

	if (r == -ENOENT)
		return r;
	for (size_t i = 0; i < names->n; i++) {
		int one = r < 0 ? r
				: check_named(ctx, &booted, names->names[i], names->params[i], why,
					      sizeof(why));

		in += one == 1;
		fn(arg, names->names[i], one, why);
	}
	return in;
}
