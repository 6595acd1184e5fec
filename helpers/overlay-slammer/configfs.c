// SPDX-License-Identifier: GPL-2.0-or-later
#include "configfs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include "fsutil.h"
#include "util.h"

#define CONFIGFS_MAGIC 0x62656570

static int open_overlays(const char *root, int *dirfd)
{
	char path[4096];
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
	char mnt[4096];
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

int configfs_open(const char *root, int *dirfd)
{
	return open_overlays(root, dirfd);
}

static int item_path(char *out, size_t size, const char *name, const char *attr)
{
	int n = snprintf(out, size, "%s/%s", name, attr);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

static int read_status(int dirfd, const char *name, char *buf, size_t size)
{
	_cleanup_(closep) int fd = -1;
	char path[128];
	ssize_t n;
	int r = item_path(path, sizeof(path), name, "status");

	if (r < 0)
		return r;
	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
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
	r = read_status(dirfd, name, status, sizeof(status));
	if (r < 0)
		return r;
	*state = strcmp(status, "applied") == 0 ? OVERLAY_APPLIED : OVERLAY_UNAPPLIED;
	return 0;
}

int configfs_read_blob(int dirfd, const char *name, void **blob, size_t *len)
{
	_cleanup_(closep) int fd = -1;
	char path[128];
	int r = item_path(path, sizeof(path), name, "dtbo");

	if (r < 0)
		return r;
	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	return read_fd_whole(fd, (size_t)1024 * 1024, blob, len);
}

static int write_blob(int dirfd, const char *name, const void *blob, size_t len)
{
	char path[128];
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

	if (mkdirat(dirfd, name, 0755) < 0)
		return -errno;
	r = write_blob(dirfd, name, blob, len);
	if (r == 0)
		r = configfs_state(dirfd, name, &state);
	if (r == 0 && state != OVERLAY_APPLIED)
		r = -EBADMSG;
	/* The reason the apply failed matters more than a failed cleanup. */
	if (r < 0)
		(void)unlinkat(dirfd, name, AT_REMOVEDIR);
	return r;
}

int configfs_remove(int dirfd, const char *name)
{
	if (unlinkat(dirfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

int configfs_list(int dirfd, struct name_list *out)
{
	DIR *d;
	struct dirent *de;
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	out->n = 0;
	if (fd < 0)
		return -errno;
	d = fdopendir(fd);
	if (!d) {
		int e = -errno;

		close(fd);
		return e;
	}
	while ((de = readdir(d)) && out->n < LIST_MAX) {
		size_t n = strlen(de->d_name);

		if (!overlay_name_valid(de->d_name, n))
			continue;
		memcpy(out->names[out->n++], de->d_name, n + 1);
	}
	closedir(d);
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
