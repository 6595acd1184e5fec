// SPDX-License-Identifier: GPL-2.0-or-later
#include "atomicfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"
#include "util.h"

/* Splits path into its directory (".", "/" or the part before the last '/') and
 * its last component. -EINVAL when there is no file name. */
static int split_path(const char *path, char *dir, size_t dir_size, const char **base)
{
	const char *slash = strrchr(path, '/');
	size_t dl;

	*base = slash ? slash + 1 : path;
	if (**base == '\0' || strcmp(*base, ".") == 0 || strcmp(*base, "..") == 0)
		return -EINVAL;
	if (!slash) {
		snprintf(dir, dir_size, ".");
		return 0;
	}
	dl = slash == path ? 1 : (size_t)(slash - path);
	if (dl >= dir_size)
		return -ENAMETOOLONG;
	memcpy(dir, path, dl);
	dir[dl] = '\0';
	return 0;
}

/* A name no one else uses: O_EXCL guarantees it, the random part makes a clash
 * with a stale file unlikely. */
static int create_temp(int dirfd, const char *base, char *name, size_t size)
{
	for (int attempt = 0; attempt < 64; attempt++) {
		unsigned long long rnd = 0;
		int n, fd;

		if (getrandom(&rnd, sizeof(rnd), GRND_NONBLOCK) != (ssize_t)sizeof(rnd))
			rnd = ((unsigned long long)getpid() << 16) ^ (unsigned long long)attempt;
		n = snprintf(name, size, ".%.200s.%012llx.tmp", base, rnd & 0xffffffffffffULL);
		if (n < 0 || (size_t)n >= size)
			return -ENAMETOOLONG;
		fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (fd >= 0 || errno != EEXIST)
			return fd >= 0 ? fd : -errno;
	}
	return -EEXIST;
}

/* The rename replaces whatever has the name: a device node (as root, -o /dev/null
 * would destroy it), a FIFO, or a link such as /dev/stdout. Only a regular file is
 * replaced; a missing one is made. */
static int check_target(int dirfd, const char *base)
{
	struct stat st;

	if (fstatat(dirfd, base, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (S_ISREG(st.st_mode))
		return 0;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	return S_ISLNK(st.st_mode) ? -ELOOP : -EEXIST;
}

static int fill_temp(int fd, const void *data, size_t len, mode_t mode)
{
	int r = write_all(fd, data, len);

	if (r < 0)
		return r;
	if (fchmod(fd, mode) < 0 || fsync(fd) < 0)
		return -errno;
	return 0;
}

int write_file_atomic(const char *path, const void *data, size_t len, mode_t mode)
{
	_cleanup_(closep) int dirfd = -1;
	char dir[PATH_MAX], tmp[256];
	const char *base;
	int fd, r = split_path(path, dir, sizeof(dir), &base);

	if (r < 0)
		return r;
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return -errno;
	r = check_target(dirfd, base);
	if (r < 0)
		return r;
	fd = create_temp(dirfd, base, tmp, sizeof(tmp));
	if (fd < 0)
		return fd;
	r = fill_temp(fd, data, len, mode);
	/* close() reports write-back errors of some file systems (NFS): count them. */
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && renameat(dirfd, tmp, dirfd, base) < 0)
		r = -errno;
	if (r < 0) {
		unlinkat(dirfd, tmp, 0);
		return r;
	}
	/* The rename itself is durable only once the directory is. */
	if (fsync(dirfd) < 0)
		return -errno;
	return 0;
}
