// SPDX-License-Identifier: GPL-2.0-or-later
#include "configfs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <limits.h>
#include <stdlib.h>
#include <time.h>

#include "fsutil.h"
#include "util.h"

#define CONFIGFS_MAGIC 0x62656570

int configfs_open(const char *root, int *dirfd)
{
	char path[PATH_MAX];
	int r = path_join(path, sizeof(path), root, CONFIGFS_OVERLAYS);

	if (r < 0)
		return r;
	*dirfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (*dirfd >= 0)
		return 0;
	return errno == ENOENT || errno == ENOTDIR ? -ENODEV : -errno;
}

int configfs_mount(const char *root)
{
	char mnt[PATH_MAX];
	struct statfs sfs;
	int r = path_join(mnt, sizeof(mnt), root, CONFIGFS_MOUNT);

	if (r < 0)
		return r;
	/* The kernel creates the mount point only when configfs is registered. */
	if (statfs(mnt, &sfs) < 0)
		return errno == ENOENT ? -ENODEV : -errno;
	if ((unsigned long)sfs.f_type == CONFIGFS_MAGIC)
		return 0;
	if (mount("configfs", mnt, "configfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		return errno == ENODEV ? -ENODEV : -errno;
	return 0;
}

/* Item names are whatever mkdir was given, up to NAME_MAX. */
#define ITEM_PATH_MAX (NAME_MAX + 16)

static int item_path(char *out, size_t size, const char *name, const char *attr)
{
	int n = snprintf(out, size, "%s/%s", name, attr);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

/* An attribute to read: configfs attributes are regular files (of size 0 or a
 * page); O_NONBLOCK keeps anything else from blocking the open. */
static int open_attr(int dirfd, const char *name, const char *attr)
{
	char path[ITEM_PATH_MAX];
	struct stat st;
	int fd, r = item_path(path, sizeof(path), name, attr);

	if (r < 0)
		return r;
	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	return fd;
}

int configfs_status(int dirfd, const char *name, char *buf, size_t size)
{
	_cleanup_(closep) int fd = open_attr(dirfd, name, "status");
	ssize_t n;

	if (fd < 0)
		return fd;
	do
		n = read(fd, buf, size - 1);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		n--;
	buf[n] = '\0';
	return 0;
}

int configfs_state(int dirfd, const char *name, enum overlay_state *state)
{
	char status[32];
	struct stat st;
	int r;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno != ENOENT)
			return -errno;
		*state = OVERLAY_ABSENT;
		return 0;
	}
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	r = configfs_status(dirfd, name, status, sizeof(status));
	if (r < 0)
		return r;
	*state = strcmp(status, "applied") == 0 ? OVERLAY_APPLIED : OVERLAY_UNAPPLIED;
	return 0;
}

int configfs_read_blob(int dirfd, const char *name, void **blob, size_t *len)
{
	_cleanup_(closep) int fd = open_attr(dirfd, name, "dtbo");

	if (fd < 0)
		return fd;
	return read_fd_whole(fd, (size_t)1024 * 1024, blob, len);
}

static int write_blob(int dirfd, const char *name, const void *blob, size_t len)
{
	char path[ITEM_PATH_MAX];
	int fd, r = item_path(path, sizeof(path), name, "dtbo");

	if (r < 0)
		return r;
	fd = openat(dirfd, path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	r = write_all(fd, blob, len);
	/* The kernel applies the blob here; what close() says about it means little. */
	if (close(fd) < 0 && r == 0 && errno != EINTR)
		r = -errno;
	return r;
}

int configfs_apply(int dirfd, const char *name, const void *blob, size_t len)
{
	enum overlay_state state = OVERLAY_ABSENT;
	int r;

	/* EEXIST: another writer made the item since the caller looked; it is theirs,
	 * and this run leaves it alone. */
	if (mkdirat(dirfd, name, 0755) < 0)
		return -errno;
	r = write_blob(dirfd, name, blob, len);
	if (r == 0)
		r = configfs_state(dirfd, name, &state);
	if (r == 0 && state != OVERLAY_APPLIED)
		r = -EBADMSG;
	/* The item is this run's own: it goes. The reason the apply failed matters
	 * more than a failed cleanup. */
	if (r < 0)
		(void)unlinkat(dirfd, name, AT_REMOVEDIR);
	return r;
}

int configfs_lock(int dirfd, unsigned timeout_s, uint64_t *waited_usec)
{
	const struct timespec pause = { 0, 10L * 1000 * 1000 };
	uint64_t t0 = now_usec(), limit = (uint64_t)timeout_s * 1000000u;

	for (;;) {
		if (flock(dirfd, LOCK_EX | LOCK_NB) == 0)
			break;
		if (errno == EINTR)
			continue;
		if (errno != EWOULDBLOCK)
			return -errno;
		if (now_usec() - t0 >= limit)
			return -ETIMEDOUT;
		nanosleep(&pause, NULL);
	}
	if (waited_usec)
		*waited_usec = now_usec() - t0;
	return 0;
}

int configfs_remove(int dirfd, const char *name)
{
	if (unlinkat(dirfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

void configfs_items_free(struct configfs_items *items)
{
	for (size_t i = 0; i < items->n; i++)
		free(items->item[i].name);
	free(items->item);
	items->item = NULL;
	items->n = 0;
}

static int by_age(const void *a, const void *b)
{
	const struct configfs_item *x = a, *y = b;

	if (x->made.tv_sec != y->made.tv_sec)
		return x->made.tv_sec < y->made.tv_sec ? -1 : 1;
	if (x->made.tv_nsec != y->made.tv_nsec)
		return x->made.tv_nsec < y->made.tv_nsec ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int add_item(struct configfs_items *items, size_t *cap, int dirfd, const char *name)
{
	struct configfs_item *it;
	struct stat st;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -errno; /* removed meanwhile */
	if (!S_ISDIR(st.st_mode))
		return 0;
	if (items->n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		struct configfs_item *n = realloc(items->item, ncap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		items->item = n;
		*cap = ncap;
	}
	it = &items->item[items->n];
	it->name = strdup(name);
	if (!it->name)
		return -ENOMEM;
	it->made = st.st_mtim;
	items->n++;
	return 0;
}

int configfs_items(int dirfd, struct configfs_items *out)
{
	_cleanup_(closedirp) DIR *d = NULL;
	size_t cap = 0;
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC), r = 0;

	out->n = 0;
	out->item = NULL;
	if (fd < 0)
		return -errno;
	d = fdopendir(fd);
	if (!d) {
		r = -errno;
		close(fd);
		return r;
	}
	for (;;) {
		const struct dirent *de;

		errno = 0;
		de = readdir(d);
		if (!de) {
			r = -errno;
			break;
		}
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		r = add_item(out, &cap, dirfd, de->d_name);
		if (r < 0)
			break;
	}
	if (r < 0) {
		configfs_items_free(out);
		return r;
	}
	if (out->n > 1)
		qsort(out->item, out->n, sizeof(*out->item), by_age);
	return 0;
}

const char *overlay_state_name(enum overlay_state state)
{
	switch (state) {
	case OVERLAY_APPLIED:
		return "applied";
	case OVERLAY_UNAPPLIED:
		return "unapplied";
	case OVERLAY_ABSENT:
		break;
	}
	return "absent";
}
