// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fake-configfs: a FUSE stand-in for the Raspberry Pi kernel's configfs overlay
 * interface, so that tests can drive overlay-slammer's real code path on hosts
 * whose kernel has no configfs.
 *
 *   fake-configfs [--base BASE.dtb] [--reject-all] [--race-mkdir NAME] [--log FILE]
 *                 [--debug] MOUNTPOINT
 *
 * Presents MOUNTPOINT/device-tree/overlays/ and stays in the foreground,
 * single-threaded, until unmounted or sent SIGTERM/SIGINT.
 *
 * Behaviour follows drivers/of/configfs.c on top of fs/configfs/file.c:
 *  - mkdir overlays/NAME makes an item with dtbo (binary, 0644), path (0644) and
 *    status (0444); nothing else can be created there; rmdir removes it.
 *  - dtbo is buffered per open file and handed over when that file is released;
 *    close() returns 0 whatever happens, only status tells (the kernel ignores the
 *    result of the apply in release). The buffer is capped at 1 MiB (EFBIG).
 *  - a blob is accepted when it is a complete, valid FDT (totalsize equals the
 *    bytes written) with at least one fragment@ node holding __overlay__, and,
 *    with --base, when libfdt can merge it into the live tree (base plus the
 *    overlays applied so far, in order). --reject-all refuses every blob.
 *  - an applied item reads back its blob and refuses further writes to dtbo and
 *    path; a refused blob leaves the item empty and writable.
 *  - rmdir of the most recently applied item restores the live tree as it was
 *    before that item.
 *  - --race-mkdir NAME: the first mkdir of NAME loses a race with another writer,
 *    one that takes no lock: the item is made (empty, unapplied) as if by that
 *    writer an instant before, and the mkdir fails with EEXIST.
 *
 * Where this differs from the kernel, on purpose:
 *  - a dtbo write at any offset other than the end of what was written gets
 *    EINVAL (the kernel zero-fills gaps; the helper never seeks);
 *  - opening dtbo O_RDWR fails at once with ETXTBSY (the kernel fails the first
 *    read or write that follows the other kind);
 *  - opening dtbo for writing on an item that is already set fails with EPERM
 *    (the kernel accepts the bytes and silently drops them at release);
 *  - getattr reports the blob size for dtbo (the kernel reports 0);
 *  - a string written to path is only stored: there is no firmware loader here,
 *    so status stays unapplied, but the item counts as set (write-once), as it
 *    would after a successful load in the kernel;
 *  - rmdir of an applied item that is not the most recent one is accepted and
 *    logged as out-of-order; its changes stay in the live tree, as they do when
 *    the kernel refuses to remove an overlay that a later one builds on.
 *
 * --log FILE gets one line per event, flushed at once: "mkdir NAME",
 * "mkdir NAME by another writer", "apply NAME ok", "apply NAME rejected REASON",
 * "rmdir NAME", "rmdir NAME out-of-order".
 */
#define FUSE_USE_VERSION 31

#include <errno.h>
#include <fcntl.h>
#include <fuse.h>
#include <getopt.h>
#include <libfdt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define DTBO_MAX	((size_t)1 << 20)	/* CONFIGFS_BIN_ATTR cap, SZ_1M */
#define ATTR_PAGE	((size_t)4096)		/* a configfs text attribute is one page */
#define TREE_MAX	((size_t)64 << 20)	/* sanity bound for --base and merges */
#define REASON_MAX	160

struct buf {
	unsigned char *data;
	size_t len;
	size_t cap;
};

struct item {
	struct item *next;		/* all items, in mkdir order */
	struct item *below;		/* next older applied item */
	char *name;
	unsigned long serial;		/* a re-made NAME is a different item */
	struct buf dtbo;		/* kept only while applied */
	struct buf before;		/* live tree before this apply (--base) */
	char *path;
	bool applied;
	struct timespec made;
};

struct fake {
	const char *base_path;
	const char *log_path;
	const char *race_mkdir;		/* NAME whose first mkdir loses a race */
	char *mountpoint;
	bool reject_all;
	bool debug;
	FILE *log;
	struct buf live;		/* empty without --base */
	struct item *items;
	struct item *top;		/* most recently applied */
	unsigned long serials;
	struct timespec started;
};

enum kind { K_ROOT, K_DT, K_OVERLAYS, K_ITEM, K_ATTR };
enum attr { A_DTBO, A_PATH, A_STATUS, A_COUNT };

struct node {
	enum kind kind;
	struct item *item;
	enum attr attr;
};

struct handle {
	enum attr attr;
	unsigned long serial;
	bool writing;			/* a write was tried: hand over at release */
	bool filled;			/* read snapshot taken */
	struct buf data;		/* write buffer or read snapshot */
};

static const char *const attr_names[A_COUNT] = { "dtbo", "path", "status" };
static const mode_t attr_modes[A_COUNT] = { 0644, 0644, 0444 };

static struct fake *fake_get(void)
{
	return fuse_get_context()->private_data;
}

static struct handle *handle_of(const struct fuse_file_info *fi)
{
	/* FUSE hands the per-open pointer back as an integer. */
	return (struct handle *)(uintptr_t)fi->fh; // NOLINT(performance-no-int-to-ptr)
}

__attribute__((format(printf, 2, 3)))
static void note(struct fake *f, const char *fmt, ...)
{
	va_list ap;

	if (!f->log)
		return;
	va_start(ap, fmt);
	vfprintf(f->log, fmt, ap);
	va_end(ap);
	fputc('\n', f->log);
	if (fflush(f->log) == EOF)
		fprintf(stderr, "fake-configfs: cannot write %s: %s\n",
			f->log_path, strerror(errno));
}

/* ---- buffers ---------------------------------------------------------- */

static void buf_free(struct buf *b)
{
	free(b->data);
	*b = (struct buf){ 0 };
}

static int buf_append(struct buf *b, const void *data, size_t len)
{
	size_t want = b->len + len;

	if (want > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		unsigned char *p;

		while (cap < want)
			cap *= 2;
		p = realloc(b->data, cap);
		if (!p)
			return -ENOMEM;
		b->data = p;
		b->cap = cap;
	}
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len = want;
	return 0;
}

static int buf_set(struct buf *b, const void *data, size_t len)
{
	buf_free(b);
	return buf_append(b, data, len);
}

static int read_all(int fd, size_t len, struct buf *out)
{
	unsigned char *p = malloc(len ? len : 1);
	size_t got = 0;

	if (!p)
		return -ENOMEM;
	while (got < len) {
		ssize_t r = read(fd, p + got, len - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			int err = r < 0 ? -errno : -EIO;

			free(p);
			return err;
		}
		got += (size_t)r;
	}
	*out = (struct buf){ .data = p, .len = len, .cap = len };
	return 0;
}

static int read_file(const char *path, size_t max, struct buf *out)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int rc;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) != 0)
		rc = -errno;
	else if (!S_ISREG(st.st_mode))
		rc = -EINVAL;
	else if ((uintmax_t)st.st_size > max)
		rc = -EFBIG;
	else
		rc = read_all(fd, (size_t)st.st_size, out);
	close(fd);
	return rc;
}

/* ---- items ------------------------------------------------------------ */

static struct item *item_by_name(const struct fake *f, const char *name, size_t len)
{
	struct item *it;

	for (it = f->items; it; it = it->next)
		if (strlen(it->name) == len && memcmp(it->name, name, len) == 0)
			return it;
	return NULL;
}

static struct item *item_by_serial(const struct fake *f, unsigned long serial)
{
	struct item *it;

	for (it = f->items; it; it = it->next)
		if (it->serial == serial)
			return it;
	return NULL;
}

static unsigned int item_count(const struct fake *f)
{
	const struct item *it;
	unsigned int n = 0;

	for (it = f->items; it; it = it->next)
		n++;
	return n;
}

/* The driver's write-once rule: a path or a blob has been taken. */
static bool item_is_set(const struct item *it)
{
	return it->path != NULL || it->dtbo.len > 0;
}

static void item_free(struct item *it)
{
	buf_free(&it->dtbo);
	buf_free(&it->before);
	free(it->path);
	free(it->name);
	free(it);
}

static int item_add(struct fake *f, const char *name)
{
	struct item *it = calloc(1, sizeof(*it));
	struct item **tail = &f->items;

	if (!it)
		return -ENOMEM;
	it->name = strdup(name);
	if (!it->name) {
		free(it);
		return -ENOMEM;
	}
	it->serial = ++f->serials;
	clock_gettime(CLOCK_REALTIME, &it->made);
	while (*tail)
		tail = &(*tail)->next;
	*tail = it;
	return 0;
}

static void item_unlink(struct fake *f, const struct item *it)
{
	struct item **p = &f->items;

	while (*p && *p != it)
		p = &(*p)->next;
	if (*p)
		*p = it->next;
}

static void stack_unlink(struct fake *f, const struct item *it)
{
	struct item **p = &f->top;

	while (*p && *p != it)
		p = &(*p)->below;
	if (*p)
		*p = it->below;
}

/* ---- blobs ------------------------------------------------------------ */

static bool has_fragment(const void *fdt)
{
	int node;

	fdt_for_each_subnode(node, fdt, 0) {
		const char *name = fdt_get_name(fdt, node, NULL);

		if (name && strncmp(name, "fragment@", strlen("fragment@")) == 0 &&
		    fdt_subnode_offset(fdt, node, "__overlay__") >= 0)
			return true;
	}
	return false;
}

static int check_blob(const struct buf *b, char *why, size_t n)
{
	int rc;

	if (b->len < sizeof(struct fdt_header)) {
		snprintf(why, n, "short blob: %zu bytes", b->len);
		return -EINVAL;
	}
	rc = fdt_check_header(b->data);
	if (rc == 0 && fdt_totalsize(b->data) != b->len) {
		snprintf(why, n, "size mismatch: %zu bytes written, header says %u",
			 b->len, fdt_totalsize(b->data));
		return -EINVAL;
	}
	if (rc == 0)
		rc = fdt_check_full(b->data, b->len);
	if (rc != 0) {
		snprintf(why, n, "bad fdt: %s", fdt_strerror(rc));
		return -EINVAL;
	}
	if (!has_fragment(b->data)) {
		snprintf(why, n, "not an overlay: no fragment@ node with __overlay__");
		return -EINVAL;
	}
	return 0;
}

/*
 * libfdt damages both trees when a merge fails, so every attempt works on fresh
 * copies. Returns a libfdt error code.
 */
static int merge_once(const struct buf *live, const struct buf *blob, size_t cap,
		      struct buf *out)
{
	unsigned char *tree = malloc(cap);
	unsigned char *ov = malloc(blob->len);
	int rc = -FDT_ERR_INTERNAL;

	if (tree && ov) {
		memcpy(ov, blob->data, blob->len);
		rc = fdt_open_into(live->data, tree, (int)cap);
		if (rc == 0)
			rc = fdt_overlay_apply(tree, ov);
		if (rc == 0)
			rc = fdt_pack(tree);
	}
	free(ov);
	if (rc != 0) {
		free(tree);
		return rc;
	}
	*out = (struct buf){ .data = tree, .len = fdt_totalsize(tree), .cap = cap };
	return 0;
}

static int merge(const struct buf *live, const struct buf *blob, struct buf *out,
		 char *why, size_t n)
{
	size_t cap = live->len + 2 * blob->len + 4096;
	int rc;

	for (;;) {
		rc = merge_once(live, blob, cap, out);
		if (rc != -FDT_ERR_NOSPACE || cap > TREE_MAX / 2)
			break;
		cap *= 2;
	}
	if (rc == 0)
		return 0;
	snprintf(why, n, "overlay apply: %s", fdt_strerror(rc));
	return -EINVAL;
}

static int accept_blob(const struct fake *f, const struct buf *blob, struct buf *tree,
		       char *why, size_t n)
{
	int rc = check_blob(blob, why, n);

	if (rc != 0)
		return rc;
	if (f->reject_all) {
		snprintf(why, n, "--reject-all");
		return -EINVAL;
	}
	if (!f->live.data)
		return 0;
	return merge(&f->live, blob, tree, why, n);
}

/* What the driver does when the dtbo writer is released. Takes BLOB on success. */
static void item_apply(struct fake *f, struct item *it, struct buf *blob)
{
	char why[REASON_MAX];
	struct buf tree = { 0 };

	if (item_is_set(it)) {
		note(f, "apply %s rejected item already set", it->name);
		return;
	}
	if (accept_blob(f, blob, &tree, why, sizeof(why)) != 0) {
		note(f, "apply %s rejected %s", it->name, why);
		return;
	}
	it->dtbo = *blob;
	*blob = (struct buf){ 0 };
	it->applied = true;
	if (f->live.data) {
		it->before = f->live;
		f->live = tree;
	}
	it->below = f->top;
	f->top = it;
	note(f, "apply %s ok", it->name);
}

static void item_remove(struct fake *f, struct item *it)
{
	if (!it->applied) {
		note(f, "rmdir %s", it->name);
	} else if (f->top == it) {
		f->top = it->below;
		if (f->live.data) {
			buf_free(&f->live);
			f->live = it->before;
			it->before = (struct buf){ 0 };
		}
		note(f, "rmdir %s", it->name);
	} else {
		stack_unlink(f, it);
		note(f, "rmdir %s out-of-order", it->name);
	}
	item_unlink(f, it);
	item_free(it);
}

/* ---- paths ------------------------------------------------------------ */

struct cursor {
	const char *p;
	const char *end;
};

static bool next_comp(struct cursor *c, const char **s, size_t *len)
{
	while (c->p < c->end && *c->p == '/')
		c->p++;
	if (c->p == c->end)
		return false;
	*s = c->p;
	while (c->p < c->end && *c->p != '/')
		c->p++;
	*len = (size_t)(c->p - *s);
	return true;
}

static bool comp_is(const char *s, size_t len, const char *want)
{
	return strlen(want) == len && memcmp(s, want, len) == 0;
}

static int attr_by_name(const char *s, size_t len, enum attr *out)
{
	int a;

	for (a = 0; a < A_COUNT; a++) {
		if (comp_is(s, len, attr_names[a])) {
			*out = (enum attr)a;
			return 0;
		}
	}
	return -ENOENT;
}

/* Resolves the first PLEN bytes of PATH. */
static int resolve(const struct fake *f, const char *path, size_t plen, struct node *n)
{
	struct cursor c = { path, path + plen };
	const char *s = NULL;
	size_t len = 0;

	*n = (struct node){ .kind = K_ROOT };
	if (!next_comp(&c, &s, &len))
		return 0;
	if (!comp_is(s, len, "device-tree"))
		return -ENOENT;
	n->kind = K_DT;
	if (!next_comp(&c, &s, &len))
		return 0;
	if (!comp_is(s, len, "overlays"))
		return -ENOENT;
	n->kind = K_OVERLAYS;
	if (!next_comp(&c, &s, &len))
		return 0;
	n->item = item_by_name(f, s, len);
	if (!n->item)
		return -ENOENT;
	n->kind = K_ITEM;
	if (!next_comp(&c, &s, &len))
		return 0;
	if (attr_by_name(s, len, &n->attr) != 0)
		return -ENOENT;
	n->kind = K_ATTR;
	return next_comp(&c, &s, &len) ? -ENOTDIR : 0;
}

static int lookup(const char *path, struct node *n)
{
	return resolve(fake_get(), path, strlen(path), n);
}

/* ---- attribute contents ----------------------------------------------- */

static int snapshot(const struct item *it, enum attr a, struct buf *out)
{
	char text[ATTR_PAGE];

	switch (a) {
	case A_DTBO:
		return buf_set(out, it->dtbo.data, it->dtbo.len);
	case A_PATH:
		snprintf(text, sizeof(text), "%s\n", it->path ? it->path : "");
		break;
	case A_STATUS:
	default:
		snprintf(text, sizeof(text), "%s\n", it->applied ? "applied" : "unapplied");
		break;
	}
	return buf_set(out, text, strlen(text));
}

static int dtbo_write(struct handle *h, const char *data, size_t size, off_t off)
{
	int rc;

	h->writing = true;
	if (off < 0 || (uintmax_t)off != h->data.len)
		return -EINVAL;
	if (size > DTBO_MAX - h->data.len)
		return -EFBIG;
	rc = buf_append(&h->data, data, size);
	return rc != 0 ? rc : (int)size;
}

/* Like a configfs text attribute: every write(2) is one store of up to a page. */
static int path_write(const struct handle *h, const char *data, size_t size)
{
	struct item *it = item_by_serial(fake_get(), h->serial);
	size_t n = size < ATTR_PAGE - 1 ? size : ATTR_PAGE - 1;
	char *p;
	size_t len;

	if (!it)
		return -ENOENT;
	if (item_is_set(it))
		return -EPERM;
	p = strndup(data, n);
	if (!p)
		return -ENOMEM;
	len = strlen(p);
	while (len > 0 && p[len - 1] == '\n')
		p[--len] = '\0';
	if (len > 0)
		it->path = p;
	else
		free(p);
	return (int)n;
}

static int open_allowed(const struct item *it, enum attr a, int acc)
{
	if (acc == O_RDONLY)
		return 0;
	if (a == A_STATUS)
		return -EACCES;
	if (a != A_DTBO)
		return 0;
	if (acc == O_RDWR)
		return -ETXTBSY;
	return item_is_set(it) ? -EPERM : 0;
}

/* ---- FUSE operations -------------------------------------------------- */

static void *fc_init(struct fuse_conn_info *conn, struct fuse_config *cfg)
{
	(void)conn;
	/* Attribute contents change behind the kernel's back: cache nothing. */
	cfg->entry_timeout = 0;
	cfg->negative_timeout = 0;
	cfg->attr_timeout = 0;
	cfg->direct_io = 1;
	cfg->kernel_cache = 0;
	cfg->hard_remove = 1;
	return fake_get();
}

static nlink_t dir_links(const struct fake *f, enum kind kind)
{
	switch (kind) {
	case K_ROOT:
	case K_DT:
		return 3;
	case K_OVERLAYS:
		return 2 + item_count(f);
	default:
		return 2;
	}
}

static int fc_getattr(const char *path, struct stat *st, struct fuse_file_info *fi)
{
	struct fake *f = fake_get();
	struct node n;
	int rc = lookup(path, &n);

	(void)fi;
	if (rc != 0)
		return rc;
	memset(st, 0, sizeof(*st));
	st->st_mtim = n.item ? n.item->made : f->started;
	st->st_atim = st->st_mtim;
	st->st_ctim = st->st_mtim;
	if (n.kind != K_ATTR) {
		st->st_mode = S_IFDIR | 0755;
		st->st_nlink = dir_links(f, n.kind);
		return 0;
	}
	st->st_mode = S_IFREG | attr_modes[n.attr];
	st->st_nlink = 1;
	st->st_size = n.attr == A_DTBO ? (off_t)n.item->dtbo.len : (off_t)ATTR_PAGE;
	return 0;
}

static void fill_names(const struct fake *f, const struct node *n, void *buf,
		       fuse_fill_dir_t fill)
{
	const struct item *it;
	int a;

	switch (n->kind) {
	case K_ROOT:
		fill(buf, "device-tree", NULL, 0, 0);
		break;
	case K_DT:
		fill(buf, "overlays", NULL, 0, 0);
		break;
	case K_OVERLAYS:
		for (it = f->items; it; it = it->next)
			fill(buf, it->name, NULL, 0, 0);
		break;
	case K_ITEM:
		for (a = 0; a < A_COUNT; a++)
			fill(buf, attr_names[a], NULL, 0, 0);
		break;
	default:
		break;
	}
}

static int fc_readdir(const char *path, void *buf, fuse_fill_dir_t fill, off_t off,
		      struct fuse_file_info *fi, enum fuse_readdir_flags flags)
{
	struct node n;
	int rc = lookup(path, &n);

	(void)off;
	(void)fi;
	(void)flags;
	if (rc != 0)
		return rc;
	if (n.kind == K_ATTR)
		return -ENOTDIR;
	fill(buf, ".", NULL, 0, 0);
	fill(buf, "..", NULL, 0, 0);
	fill_names(fake_get(), &n, buf, fill);
	return 0;
}

static int fc_mkdir(const char *path, mode_t mode)
{
	struct fake *f = fake_get();
	const char *name = strrchr(path, '/');
	struct node parent;
	int rc;

	(void)mode;
	if (!name)
		return -ENOENT;
	name++;
	rc = resolve(f, path, (size_t)(name - path), &parent);
	if (rc != 0)
		return rc;
	if (parent.kind != K_OVERLAYS)
		return -EPERM;
	if (item_by_name(f, name, strlen(name)))
		return -EEXIST;
	if (f->race_mkdir && strcmp(name, f->race_mkdir) == 0) {
		f->race_mkdir = NULL;
		rc = item_add(f, name);
		if (rc == 0)
			note(f, "mkdir %s by another writer", name);
		return rc == 0 ? -EEXIST : rc;
	}
	rc = item_add(f, name);
	if (rc == 0)
		note(f, "mkdir %s", name);
	return rc;
}

static int fc_rmdir(const char *path)
{
	struct node n;
	int rc = lookup(path, &n);

	if (rc != 0)
		return rc;
	if (n.kind == K_ATTR)
		return -ENOTDIR;
	if (n.kind != K_ITEM)
		return -EPERM;
	item_remove(fake_get(), n.item);
	return 0;
}

static int fc_open(const char *path, struct fuse_file_info *fi)
{
	struct node n;
	struct handle *h;
	int rc = lookup(path, &n);

	if (rc != 0)
		return rc;
	if (n.kind != K_ATTR)
		return -EISDIR;
	rc = open_allowed(n.item, n.attr, fi->flags & O_ACCMODE);
	if (rc != 0)
		return rc;
	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	h->attr = n.attr;
	h->serial = n.item->serial;
	fi->fh = (uint64_t)(uintptr_t)h;
	fi->direct_io = 1;
	return 0;
}

static int fc_read(const char *path, char *out, size_t size, off_t off,
		   struct fuse_file_info *fi)
{
	struct handle *h = handle_of(fi);
	size_t n;

	(void)path;
	if (!h->filled) {
		const struct item *it = item_by_serial(fake_get(), h->serial);
		int rc = it ? snapshot(it, h->attr, &h->data) : -ENOENT;

		if (rc != 0)
			return rc;
		h->filled = true;
	}
	if (off < 0)
		return -EINVAL;
	if ((uintmax_t)off >= h->data.len)
		return 0;
	n = h->data.len - (size_t)off;
	if (n > size)
		n = size;
	memcpy(out, h->data.data + off, n);
	return (int)n;
}

static int fc_write(const char *path, const char *data, size_t size, off_t off,
		    struct fuse_file_info *fi)
{
	struct handle *h = handle_of(fi);

	(void)path;
	if (h->attr == A_DTBO)
		return dtbo_write(h, data, size, off);
	if (h->attr == A_PATH)
		return path_write(h, data, size);
	return -EACCES;
}

/* Like configfs: whatever the apply does, release reports success. */
static int fc_release(const char *path, struct fuse_file_info *fi)
{
	struct fake *f = fake_get();
	struct handle *h = handle_of(fi);

	(void)path;
	if (h->attr == A_DTBO && h->writing) {
		/* An item removed while the file was open is dead: nothing to apply. */
		struct item *it = item_by_serial(f, h->serial);

		if (it)
			item_apply(f, it, &h->data);
	}
	buf_free(&h->data);
	free(h);
	return 0;
}

/* Reached by O_TRUNC on open; there is no file content to cut, only a rule to keep. */
static int fc_truncate(const char *path, off_t size, struct fuse_file_info *fi)
{
	struct node n;
	int rc = lookup(path, &n);

	(void)fi;
	if (rc != 0)
		return rc;
	if (n.kind != K_ATTR)
		return -EISDIR;
	if (n.attr == A_STATUS)
		return -EACCES;
	if (n.attr == A_DTBO && item_is_set(n.item))
		return -EPERM;
	return size == 0 ? 0 : -EINVAL;
}

static int fc_utimens(const char *path, const struct timespec tv[2],
		      struct fuse_file_info *fi)
{
	struct node n;

	(void)tv;
	(void)fi;
	return lookup(path, &n);
}

/* configfs directories have no create(): the VFS answers EACCES. */
static int fc_create(const char *path, mode_t mode, struct fuse_file_info *fi)
{
	(void)path;
	(void)mode;
	(void)fi;
	return -EACCES;
}

static int fc_mknod(const char *path, mode_t mode, dev_t dev)
{
	(void)path;
	(void)mode;
	(void)dev;
	return -EPERM;
}

static int fc_unlink(const char *path)
{
	struct node n;
	int rc = lookup(path, &n);

	return rc != 0 ? rc : -EPERM;
}

static int fc_rename(const char *from, const char *to, unsigned int flags)
{
	(void)from;
	(void)to;
	(void)flags;
	return -EPERM;
}

static int fc_symlink(const char *target, const char *path)
{
	(void)target;
	(void)path;
	return -EPERM;
}

static int fc_link(const char *from, const char *to)
{
	(void)from;
	(void)to;
	return -EPERM;
}

/* ---- setup ------------------------------------------------------------ */

static void usage(FILE *out)
{
	fputs("usage: fake-configfs [--base BASE.dtb] [--reject-all] [--race-mkdir NAME]"
	      " [--log FILE] [--debug] MOUNTPOINT\n"
	      "Serves a stand-in for configfs device-tree/overlays at MOUNTPOINT, in the\n"
	      "foreground, until it is unmounted.\n", out);
}

/* Returns 0 to go on, or the exit status. */
static int parse_args(int argc, char **argv, struct fake *f)
{
	static const struct option opts[] = {
		{ "base", required_argument, NULL, 'b' },
		{ "reject-all", no_argument, NULL, 'r' },
		{ "race-mkdir", required_argument, NULL, 'R' },
		{ "log", required_argument, NULL, 'l' },
		{ "debug", no_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (c) {
		case 'b': f->base_path = optarg; break;
		case 'r': f->reject_all = true; break;
		case 'R': f->race_mkdir = optarg; break;
		case 'l': f->log_path = optarg; break;
		case 'd': f->debug = true; break;
		case 'h': usage(stdout); return -1;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "fake-configfs: give exactly one MOUNTPOINT\n");
		usage(stderr);
		return 2;
	}
	f->mountpoint = argv[optind];
	return 0;
}

static int load_base(struct fake *f)
{
	struct buf raw = { 0 };
	int rc = read_file(f->base_path, TREE_MAX, &raw);

	if (rc != 0) {
		fprintf(stderr, "fake-configfs: cannot read base %s: %s\n",
			f->base_path, strerror(-rc));
		return rc;
	}
	rc = raw.len >= sizeof(struct fdt_header) ? fdt_check_header(raw.data)
						   : -FDT_ERR_TRUNCATED;
	if (rc == 0 && fdt_totalsize(raw.data) > raw.len)
		rc = -FDT_ERR_TRUNCATED;
	if (rc == 0)
		rc = fdt_check_full(raw.data, fdt_totalsize(raw.data));
	if (rc != 0) {
		fprintf(stderr, "fake-configfs: base %s is not a valid DTB (%s): pass a "
			"tree compiled with dtc -@\n", f->base_path, fdt_strerror(rc));
		buf_free(&raw);
		return -EINVAL;
	}
	raw.len = fdt_totalsize(raw.data);
	f->live = raw;
	return 0;
}

static int fake_open(struct fake *f)
{
	clock_gettime(CLOCK_REALTIME, &f->started);
	if (f->log_path) {
		f->log = fopen(f->log_path, "ae");
		if (!f->log) {
			fprintf(stderr, "fake-configfs: cannot open log %s: %s\n",
				f->log_path, strerror(errno));
			return -errno;
		}
	}
	return f->base_path ? load_base(f) : 0;
}

static void fake_close(struct fake *f)
{
	while (f->items) {
		struct item *it = f->items;

		f->items = it->next;
		item_free(it);
	}
	buf_free(&f->live);
	if (f->log)
		fclose(f->log);
}

static int run_fuse(struct fake *f, char *argv0)
{
	const struct fuse_operations ops = {
		.init = fc_init,
		.getattr = fc_getattr,
		.readdir = fc_readdir,
		.mkdir = fc_mkdir,
		.rmdir = fc_rmdir,
		.open = fc_open,
		.read = fc_read,
		.write = fc_write,
		.release = fc_release,
		.truncate = fc_truncate,
		.utimens = fc_utimens,
		.create = fc_create,
		.mknod = fc_mknod,
		.unlink = fc_unlink,
		.rename = fc_rename,
		.symlink = fc_symlink,
		.link = fc_link,
	};
	char fg[] = "-f", single[] = "-s", debug[] = "-d";
	char name[] = "-ofsname=fake-configfs,subtype=configfs";
	char *args[] = { argv0, fg, single, name, f->mountpoint, NULL, NULL };
	int n = 5;

	if (f->debug)
		args[n++] = debug;
	return fuse_main(n, args, &ops, f) == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	struct fake f = { 0 };
	int rc = parse_args(argc, argv, &f);

	if (rc != 0)
		return rc < 0 ? 0 : rc;
	rc = fake_open(&f);
	if (rc == 0)
		rc = run_fuse(&f, argv[0]);
	else
		rc = 2;
	fake_close(&f);
	return rc;
}
