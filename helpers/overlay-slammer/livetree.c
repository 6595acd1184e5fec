// SPDX-License-Identifier: GPL-2.0-or-later
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

#include "dtbo.h"
#include "fsutil.h"
#include "params.h"
#include "source.h"
#include "util.h"

/* Nodes nest at most this deep, in the overlay and in the live tree: the
 * validator and the kernel allow no more. */
#define DEPTH_MAX DT_DEPTH_MAX
/* A property the kernel shows is at most the size of the tree it came from. */
#define PROP_MAX DTB_SIZE_MAX
/* Differences named in full; the rest are counted. */
#define SHOWN_MAX 3

struct check {
	int tree_fd;
	const void *ovl;
	char *why;
	size_t why_size;
	unsigned diffs;
	unsigned same; /* properties already as the overlay sets them */
};

__attribute__((format(printf, 2, 3)))
static void differ(struct check *c, const char *fmt, ...)
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

/* One path component that stays where it is: not empty, ".", ".." or with '/'. */
static bool name_safe(const char *s)
{
	return *s && strcmp(s, ".") != 0 && strcmp(s, "..") != 0 && !strchr(s, '/');
}

/* An absolute node path whose every component is name_safe. */
static bool path_safe(const char *p)
{
	if (p[0] != '/')
		return false;
	for (const char *s = p + 1; *s;) {
		const char *e = strchrnul(s, '/');
		size_t n = (size_t)(e - s);

		if (n == 0 || (n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
			return false;
		s = *e ? e + 1 : e;
	}
	return true;
}

/* path/name relative to the tree's top ("." for the root node itself). */
static int rel_path(char *out, size_t size, const char *path, const char *name)
{
	int n;

	while (*path == '/')
		path++;
	n = snprintf(out, size, "%s%s%s", path, *path && name ? "/" : "", name ? name : "");
	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	if (n == 0)
		snprintf(out, size, ".");
	return 0;
}

/* The node path path/name as people write it. */
static int node_path(char *out, size_t size, const char *path, const char *name)
{
	size_t pl = strlen(path);
	int n;

	while (pl > 0 && path[pl - 1] == '/')
		pl--;
	n = snprintf(out, size, "%.*s/%s", (int)pl, path, name);
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

static int read_live(const struct check *c, const char *rel, void **buf, size_t *len)
{
	return read_file_beneath(c->tree_fd, rel, PROP_MAX, buf, len);
}

/* A property holding one NUL-terminated string, such as a __symbols__ entry. */
static int read_live_string(const struct check *c, const char *rel, char *out, size_t size)
{
	_cleanup_(freep) char *buf = NULL;
	size_t len;
	int r = read_live(c, rel, (void **)&buf, &len);

	if (r < 0)
		return r;
	if (len == 0 || buf[len - 1] != '\0' || strlen(buf) != len - 1)
		return -EINVAL;
	if (len > size)
		return -ENAMETOOLONG;
	memcpy(out, buf, len);
	return 0;
}

static int label_path(const struct check *c, const char *label, char *out, size_t size)
{
	char rel[NAME_MAX + 16];
	int r;

	if (!name_safe(label) || strlen(label) > NAME_MAX)
		return -EINVAL;
	snprintf(rel, sizeof(rel), "__symbols__/%s", label);
	r = read_live_string(c, rel, out, size);
	if (r == 0 && !path_safe(out))
		return -EINVAL;
	return r;
}

static int phandle_at(int dirfd, const char *rel, uint32_t *ph)
{
	_cleanup_(freep) void *buf = NULL;
	size_t len;
	int r = read_file_beneath(dirfd, rel, 64, &buf, &len);

	if (r < 0)
		return r;
	if (len != sizeof(fdt32_t))
		return -EINVAL;
	*ph = fdt32_ld(buf);
	return 0;
}

static int label_phandle(const struct check *c, const char *label, uint32_t *ph)
{
	char path[PATH_MAX], rel[PATH_MAX];
	int r = label_path(c, label, path, sizeof(path));

	if (r == 0)
		r = rel_path(rel, sizeof(rel), path, "phandle");
	return r < 0 ? r : phandle_at(c->tree_fd, rel, ph);
}

static bool is_dot(const char *name)
{
	return strcmp(name, ".") == 0 || strcmp(name, "..") == 0;
}

/* Depth-first search of the tree below dirfd (the node at path) for the node whose
 * phandle is want; path becomes its path. 1 found, 0 not. At most DEPTH_MAX deep. */
// NOLINTNEXTLINE(misc-no-recursion)
static int find_phandle(int dirfd, uint32_t want, char *path, size_t size,
			unsigned depth)
{
	uint32_t ph;
	DIR *d;
	const struct dirent *e;
	int fd, found = 0;

	if (phandle_at(dirfd, "phandle", &ph) == 0 && ph == want)
		return 1;
	if (depth >= DEPTH_MAX)
		return 0;
	fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	while (!found && (e = readdir(d))) {
		size_t pl = strlen(path);
		int sub;

		if (is_dot(e->d_name) || (e->d_type != DT_DIR && e->d_type != DT_UNKNOWN))
			continue;
		sub = openat(dirfd, e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		if (sub < 0)
			continue;
		if (snprintf(path + pl, size - pl, "%s%s", pl > 1 ? "/" : "", e->d_name) <
		    (int)(size - pl))
			found = find_phandle(sub, want, path, size, depth + 1);
		close(sub);
		if (!found)
			path[pl] = '\0';
	}
	closedir(d);
	return found;
}

/* "serial0/child" through /aliases, as the kernel resolves a relative target-path. */
static int alias_path(const struct check *c, const char *spec, char *out, size_t size)
{
	const char *slash = strchr(spec, '/');
	char alias[NAME_MAX + 1], rel[NAME_MAX + 16];
	size_t al = slash ? (size_t)(slash - spec) : strlen(spec), ol;
	int r;

	if (al == 0 || al > NAME_MAX)
		return -EINVAL;
	memcpy(alias, spec, al);
	alias[al] = '\0';
	if (!name_safe(alias))
		return -EINVAL;
	snprintf(rel, sizeof(rel), "aliases/%s", alias);
	r = read_live_string(c, rel, out, size);
	if (r < 0 || !slash)
		return r;
	ol = strlen(out);
	if ((size_t)snprintf(out + ol, size - ol, "%s", slash) >= size - ol)
		return -ENAMETOOLONG;
	return 0;
}

/* Where a fragment's changes should be. 0, -ENOENT when the tree lacks the label,
 * alias, path or phandle it names, or another negative errno. */
static int target_path(const struct check *c, int frag, char *out, size_t size)
{
	struct dtbo_target t;
	int r = dtbo_fragment_target(c->ovl, frag, &t);

	if (r < 0)
		return r;
	if (t.path && t.path[0] == '/') {
		if ((size_t)snprintf(out, size, "%s", t.path) >= size)
			return -ENAMETOOLONG;
	} else if (t.path) {
		r = alias_path(c, t.path, out, size);
	} else if (t.label) {
		r = label_path(c, t.label, out, size);
	} else {
		snprintf(out, size, "/");
		if (!find_phandle(c->tree_fd, t.phandle, out, size, 0))
			r = -ENOENT;
	}
	if (r == 0 && !path_safe(out))
		r = -EINVAL;
	return r;
}

static void report_target(struct check *c, int frag)
{
	struct dtbo_target t;

	if (dtbo_fragment_target(c->ovl, frag, &t) < 0)
		return;
	if (t.path)
		differ(c, "target-path '%s' missing", t.path);
	else if (t.label)
		differ(c, "label '%s' missing from __symbols__", t.label);
	else
		differ(c, "%s: target phandle 0x%x missing", fdt_get_name(c->ovl, frag, NULL),
		       t.phandle);
}

/* "PATH:PROP:OFFSET" of a __fixups__ entry, split in place from the right. */
static bool split_fixup(char *s, char **prop, unsigned long *off)
{
	char *c2 = strrchr(s, ':'), *c1, *end;

	if (!c2)
		return false;
	*c2 = '\0';
	c1 = strrchr(s, ':');
	if (!c1)
		return false;
	*c1 = '\0';
	*prop = c1 + 1;
	errno = 0;
	*off = strtoul(c2 + 1, &end, 10);
	return !errno && end != c2 + 1 && *end == '\0';
}

/* The phandles of labels the property refers to, as the tree resolves them. */
static int fix_label_cells(struct check *c, const char *ovl_path, const char *prop, char *want,
			   size_t len)
{
	int fixups = fdt_path_offset(c->ovl, "/__fixups__"), p;

	if (fixups < 0)
		return 0;
	fdt_for_each_property_offset(p, c->ovl, fixups) {
		const char *label;
		int ll;
		const char *list = fdt_getprop_by_offset(c->ovl, p, &label, &ll);

		for (int o = 0; list && label && o < ll;) {
			size_t n = strnlen(list + o, (size_t)(ll - o));
			char entry[PATH_MAX], *eprop;
			unsigned long off;
			uint32_t ph;

			if (n < sizeof(entry)) {
				memcpy(entry, list + o, n);
				entry[n] = '\0';
				if (split_fixup(entry, &eprop, &off) && strcmp(entry, ovl_path) == 0 &&
				    strcmp(eprop, prop) == 0 && off + 4 <= len) {
					if (label_phandle(c, label, &ph) < 0)
						return -ENOENT;
					fdt32_st(want + off, ph);
				}
			}
			o += (int)n + 1;
		}
	}
	return 0;
}

/* The phandle the tree gave the overlay's own node ovl_ph: that node's place is
 * its fragment's target plus its path below __overlay__. */
static int local_phandle(const struct check *c, uint32_t ovl_ph, uint32_t *ph)
{
	char opath[PATH_MAX], live[PATH_MAX], rel[PATH_MAX];
	int node = fdt_node_offset_by_phandle(c->ovl, ovl_ph), frag;
	const char *rest, *mark;
	size_t fl;

	if (node < 0 || fdt_get_path(c->ovl, node, opath, sizeof(opath)) < 0)
		return -ENOENT;
	mark = strstr(opath, "/__overlay__");
	if (!mark || opath[0] != '/')
		return -ENOENT;
	fl = (size_t)(mark - opath - 1);
	frag = fdt_subnode_offset_namelen(c->ovl, 0, opath + 1, (int)fl);
	rest = mark + strlen("/__overlay__");
	if (frag < 0 || (*rest && *rest != '/') || target_path(c, frag, live, sizeof(live)) < 0)
		return -ENOENT;
	fl = strlen(live);
	if ((size_t)snprintf(live + fl, sizeof(live) - fl, "%s", rest) >= sizeof(live) - fl ||
	    rel_path(rel, sizeof(rel), live, "phandle") < 0)
		return -ENAMETOOLONG;
	return phandle_at(c->tree_fd, rel, ph);
}

/* The overlay's own phandles are renumbered when it is applied: each such cell must
 * hold what the tree gave the node it refers to. A node it cannot place leaves the
 * cell unchecked. */
static void fix_local_cells(const struct check *c, const char *ovl_path, const char *prop,
			    char *want, size_t len, const char *have, size_t hlen)
{
	char path[PATH_MAX];
	const fdt32_t *offs;
	int node, ol;

	if ((size_t)snprintf(path, sizeof(path), "/__local_fixups__%s", ovl_path) >= sizeof(path))
		return;
	node = fdt_path_offset(c->ovl, path);
	offs = node >= 0 ? fdt_getprop(c->ovl, node, prop, &ol) : NULL;
	for (int i = 0; offs && i < ol / (int)sizeof(*offs); i++) {
		uint32_t off = fdt32_ld(&offs[i]), ph;

		if ((size_t)off + 4 > len)
			continue;
		if (local_phandle(c, fdt32_ld((const fdt32_t *)(want + off)), &ph) == 0)
			fdt32_st(want + off, ph);
		else if ((size_t)off + 4 <= hlen)
			memcpy(want + off, have + off, 4);
	}
}

/* A short rendering of a value for a message: a string, one cell, or a size. */
static void describe(const char *v, size_t n, char *out, size_t size)
{
	bool text = n >= 2 && n <= 41 && v[n - 1] == '\0' && strlen(v) == n - 1;

	for (size_t i = 0; text && i + 1 < n; i++)
		text = isprint((unsigned char)v[i]) && v[i] != '"';
	if (text)
		snprintf(out, size, "\"%s\"", v);
	else if (n == 4)
		snprintf(out, size, "<0x%x>", fdt32_ld((const fdt32_t *)v));
	else
		snprintf(out, size, "%zu bytes", n);
}

/* The overlay's value val[0..len) against the tree's, with the phandle cells the
 * kernel rewrote set to what they should be in this tree. */
static int compare_value(struct check *c, const char *shown, const char *ovl_path,
			 const char *name, const void *val, size_t len, const char *have,
			 size_t hlen)
{
	char *want = malloc(len > 0 ? len : 1);

	if (!want)
		return -ENOMEM;
	memcpy(want, val, len);
	if (fix_label_cells(c, ovl_path, name, want, len) < 0) {
		differ(c, "%s refers to a label missing from __symbols__", shown);
	} else {
		fix_local_cells(c, ovl_path, name, want, len, have, hlen);
		if (hlen != len || memcmp(have, want, hlen) != 0) {
			char a[48], b[48];

			describe(have, hlen, a, sizeof(a));
			describe(want, len, b, sizeof(b));
			differ(c, "%s differs (the tree has %s, the overlay %s)", shown, a, b);
		} else {
			c->same++;
		}
	}
	free(want);
	return 0;
}

static int compare_prop(struct check *c, int prop, const char *ovl_path, const char *live)
{
	_cleanup_(freep) void *have = NULL;
	char rel[PATH_MAX], shown[PATH_MAX];
	const char *name;
	int len;
	const void *val = fdt_getprop_by_offset(c->ovl, prop, &name, &len);
	size_t hlen;
	int r;

	if (!val || !name || len < 0 || strcmp(name, "name") == 0 ||
	    strcmp(name, "phandle") == 0 || strcmp(name, "linux,phandle") == 0)
		return 0;
	if (!name_safe(name) || rel_path(rel, sizeof(rel), live, name) < 0 ||
	    node_path(shown, sizeof(shown), live, name) < 0)
		return -EINVAL;
	r = read_live(c, rel, &have, &hlen);
	if (r == -ENOENT) {
		differ(c, "%s missing", shown);
		return 0;
	}
	if (r < 0)
		return r;
	return compare_value(c, shown, ovl_path, name, val, (size_t)len, have, hlen);
}

/* At most DEPTH_MAX deep. */
// NOLINTNEXTLINE(misc-no-recursion)
static int compare_node(struct check *c, int node, const char *ovl_path, const char *live,
			unsigned depth)
{
	int prop, sub, r;

	if (depth > DEPTH_MAX)
		return -ELOOP;
	fdt_for_each_property_offset(prop, c->ovl, node) {
		r = compare_prop(c, prop, ovl_path, live);
		if (r < 0)
			return r;
	}
	fdt_for_each_subnode(sub, c->ovl, node) {
		const char *name = fdt_get_name(c->ovl, sub, NULL);
		char opath[PATH_MAX], lpath[PATH_MAX], rel[PATH_MAX];
		struct stat st;

		if (!name || !name_safe(name) || node_path(opath, sizeof(opath), ovl_path, name) < 0 ||
		    node_path(lpath, sizeof(lpath), live, name) < 0 ||
		    rel_path(rel, sizeof(rel), live, name) < 0)
			return -EINVAL;
		if (fstatat(c->tree_fd, rel, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(st.st_mode)) {
			differ(c, "%s missing", lpath);
			continue;
		}
		r = compare_node(c, sub, opath, lpath, depth + 1);
		if (r < 0)
			return r;
	}
	return 0;
}

int livetree_check(int tree_fd, const void *ovl, char *why, size_t why_size, unsigned *same)
{
	struct check c = { tree_fd, ovl, why, why_size, 0, 0 };
	int frag;

	why[0] = '\0';
	fdt_for_each_subnode(frag, ovl, 0) {
		const char *fname = fdt_get_name(ovl, frag, NULL);
		int body = fdt_subnode_offset(ovl, frag, "__overlay__"), r;
		char live[PATH_MAX], opath[PATH_MAX];

		if (body < 0 || !fname)
			continue;
		r = target_path(&c, frag, live, sizeof(live));
		if (r == -ENOENT) {
			report_target(&c, frag);
			continue;
		}
		if (r < 0)
			return r;
		snprintf(opath, sizeof(opath), "/%s/__overlay__", fname);
		r = compare_node(&c, body, opath, live, 0);
		if (r < 0)
			return r;
	}
	if (c.diffs > SHOWN_MAX) {
		size_t used = strnlen(why, why_size);

		snprintf(why + used, why_size - used, "; and %u more", c.diffs - SHOWN_MAX);
	}
	if (same)
		*same = c.same;
	return c.diffs == 0 ? 1 : 0;
}

int livetree_open(const struct context *ctx)
{
	char path[PATH_MAX];
	int r = context_path(ctx, LIVE_TREE, path, sizeof(path)), fd;

	if (r < 0)
		return r;
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
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

int livetree_probed(const struct context *ctx, int tree_fd, const void *ovl, char *why,
		    size_t why_size)
{
	struct check c = { tree_fd, ovl, why, why_size, 0, 0 };
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
		int body = fdt_subnode_offset(ovl, frag, "__overlay__"), prop;
		char live[PATH_MAX], drv[NAME_MAX + 1];

		if (body < 0 || target_path(&c, frag, live, sizeof(live)) < 0)
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

bool livetree_present(const struct context *ctx)
{
	char path[PATH_MAX];
	struct stat st;

	return context_path(ctx, LIVE_TREE, path, sizeof(path)) == 0 && stat(path, &st) == 0 &&
	       S_ISDIR(st.st_mode);
}

static void blob_freep(struct overlay_blob *b)
{
	overlay_blob_free(b);
}

int livetree_overlay(const struct context *ctx, const char *name, const char *params,
		     char *why, size_t why_size)
{
	_cleanup_(blob_freep) struct overlay_blob b = { 0 };
	_cleanup_(closep) int fd = livetree_open(ctx);
	struct prepared p = { 0 };
	char reason[320];
	int r;

	if (fd < 0) {
		snprintf(why, why_size, "cannot open %s: %s", LIVE_TREE, strerror(-fd));
		return fd;
	}
	r = overlay_read(ctx, name, &b, why, why_size);
	if (r < 0)
		return r;
	/* As apply would write it: with its parameters, without dormant fragments. */
	r = overlay_prepare(b.data, b.size, params, &p, reason, sizeof(reason));
	if (r == -EDOM) {
		snprintf(why, why_size, "%s", reason);
		return -EINVAL;
	}
	if (r < 0) {
		snprintf(why, why_size, "%s is not a valid overlay: %s", b.origin, reason);
		return r;
	}
	if (p.info.fragments == 0) {
		prepared_free(&p);
		return 1;
	}
	r = livetree_check(fd, p.data, why, why_size, NULL);
	prepared_free(&p);
	if (r < 0 && !why[0])
		snprintf(why, why_size, "cannot read %s: %s", LIVE_TREE, strerror(-r));
	return r;
}
