// SPDX-License-Identifier: GPL-2.0-or-later
#include "fsutil.h"

#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util.h"

int path_join(char *out, size_t size, const char *dir, const char *name)
{
	size_t dl = strlen(dir);
	int n;

	while (dl > 1 && dir[dl - 1] == '/')
		dl--;
	while (*name == '/')
		name++;
	if (dl == 1 && dir[0] == '/')
		dl = 0;
	n = snprintf(out, size, "%.*s/%s", (int)dl, dir, name);
	if (n < 0)
		return -EINVAL;
	if ((size_t)n >= size)
		return -ENAMETOOLONG;
	return 0;
}

bool root_is_fake(const char *root)
{
	return root && root[0] && strcmp(root, "/") != 0;
}

int root_path(char *out, size_t size, const char *root, const char *path)
{
	int n;

	if (root_is_fake(root))
		return path_join(out, size, root, path);
	n = snprintf(out, size, "%s", path);
	if (n < 0)
		return -EINVAL;
	return (size_t)n >= size ? -ENAMETOOLONG : 0;
}

int root_check(const char *root)
{
	struct stat st;

	if (!root)
		return 0;
	if (stat(root, &st) < 0)
		return -errno;
	return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
}

/* 0 for a regular file; -EISDIR for a directory; -EINVAL for anything else. */
static int regular_mode(mode_t mode)
{
	if (S_ISREG(mode))
		return 0;
	return S_ISDIR(mode) ? -EISDIR : -EINVAL;
}

static int check_regular(int fd)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -errno;
	return regular_mode(st.st_mode);
}

/* O_NONBLOCK: opening a FIFO for reading would wait for a writer for ever, and a
 * device may act on an ordinary open. Reads of regular files ignore the flag. */
static int open_regular(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK), r;

	if (fd < 0)
		return -errno;
	r = check_regular(fd);
	if (r < 0) {
		close(fd);
		return r;
	}
	return fd;
}

int read_text_file(const char *path, char *buf, size_t size)
{
	_cleanup_(closep) int fd = -1;
	size_t len = 0;

	if (size == 0)
		return -EINVAL;
	fd = open_regular(path);
	if (fd < 0)
		return fd;
	for (;;) {
		ssize_t r;

		if (len == size - 1) {
			char extra;

			r = read(fd, &extra, 1);
			if (r < 0 && errno == EINTR)
				continue;
			if (r < 0)
				return -errno;
			if (r > 0)
				return -EFBIG;
			break;
		}
		r = read(fd, buf + len, size - 1 - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			break;
		len += (size_t)r;
	}
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == ' ' || buf[len - 1] == '\t'))
		len--;
	buf[len] = '\0';
	return (int)len;
}

int read_fd_whole(int fd, size_t max, void **out, size_t *len)
{
	size_t cap = 0, got = 0;
	char *buf = NULL;

	for (;;) {
		ssize_t r;

		if (got == cap) {
			size_t ncap = cap ? cap * 2 : 4096;
			char *n;

			if (ncap > max + 1)
				ncap = max + 1;
			n = realloc(buf, ncap);
			if (!n) {
				free(buf);
				return -ENOMEM;
			}
			buf = n;
			cap = ncap;
		}
		r = read(fd, buf + got, cap - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = -errno;

			free(buf);
			return e;
		}
		if (r == 0)
			break;
		got += (size_t)r;
		if (got > max) {
			free(buf);
			return -EFBIG;
		}
	}
	*out = buf;
	*len = got;
	return 0;
}

/* Where FD's file is, as the kernel names it in /proc/self/fd. */
static int fd_path(int fd, char *buf, size_t size)
{
	char link[32];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, buf, size);
	if (n < 0)
		return -errno;
	if ((size_t)n >= size)
		return -ENAMETOOLONG;
	buf[n] = '\0';
	return 0;
}

/* 0 when FD's file is DIRFD's directory or lies below it; -EXDEV when not. */
static int fd_beneath(int dirfd, int fd)
{
	char dir[PATH_MAX], file[PATH_MAX];
	size_t n;
	int r;

	r = fd_path(dirfd, dir, sizeof(dir));
	if (r < 0)
		return r;
	r = fd_path(fd, file, sizeof(file));
	if (r < 0)
		return r;
	n = strcmp(dir, "/") == 0 ? 0 : strlen(dir);
	if (strncmp(file, dir, n) != 0 || (file[n] != '/' && file[n] != '\0'))
		return -EXDEV;
	return 0;
}

/*
 * Without openat2 (kernels before 5.6, a seccomp filter, qemu-user before 9.0) the
 * same contract: resolve NAME without opening the file itself (O_PATH), check that
 * it lies beneath DIRFD, and only then open it for reading.
 */
static int open_beneath_checked(int dirfd, const char *name)
{
	_cleanup_(closep) int pfd = openat(dirfd, name, O_PATH | O_CLOEXEC);
	struct stat st;
	char link[32];
	int fd, r;

	if (pfd < 0)
		return -errno;
	r = fd_beneath(dirfd, pfd);
	if (r < 0)
		return r;
	/* An O_PATH descriptor opens nothing: the type is known before the open. */
	if (fstat(pfd, &st) < 0)
		return -errno;
	r = regular_mode(st.st_mode);
	if (r < 0)
		return r;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", pfd);
	fd = open(link, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	return fd >= 0 ? fd : -errno;
}

static int open_beneath(int dirfd, const char *name)
{
	struct open_how how = {
		.flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};
	long fd = syscall(SYS_openat2, dirfd, name, &how, sizeof(how));

	if (fd >= 0)
		return (int)fd;
	if (errno != ENOSYS && errno != EPERM)
		return -errno;
	return open_beneath_checked(dirfd, name);
}

/* Files that report no size (/proc, configfs) are still bounded by read_fd_whole. */
static int read_regular(int fd, size_t max, void **out, size_t *len)
{
	struct stat st;
	int r;

	if (fstat(fd, &st) < 0)
		return -errno;
	r = regular_mode(st.st_mode);
	if (r < 0)
		return r;
	if ((unsigned long long)st.st_size > max)
		return -EFBIG;
	return read_fd_whole(fd, max, out, len);
}

int read_file_beneath(int dirfd, const char *name, size_t max, void **out, size_t *len)
{
	_cleanup_(closep) int fd = open_beneath(dirfd, name);

	if (fd < 0)
		return fd;
	return read_regular(fd, max, out, len);
}

int read_file(const char *path, size_t max, void **out, size_t *len)
{
	_cleanup_(closep) int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

	if (fd < 0)
		return -errno;
	return read_regular(fd, max, out, len);
}

/* "64 KiB", "1 MiB", or bytes. */
static void size_text(char *out, size_t size, size_t n)
{
	const size_t kib = 1024, mib = kib * kib;

	if (n >= mib && n % mib == 0)
		snprintf(out, size, "%zu MiB", n / mib);
	else if (n >= kib && n % kib == 0)
		snprintf(out, size, "%zu KiB", n / kib);
	else
		snprintf(out, size, "%zu bytes", n);
}

const char *read_error(char *out, size_t size, const char *path, int r, size_t max)
{
	const char *p = path ? path : "", *sp = path ? " " : "";
	char limit[32];

	switch (r) {
	case -EISDIR:
		snprintf(out, size, "%s%sis a directory", p, sp);
		break;
	case -EINVAL:
		snprintf(out, size, "%s%sis not a regular file", p, sp);
		break;
	case -EFBIG:
		size_text(limit, sizeof(limit), max);
		snprintf(out, size, "%s%sis larger than %s", p, sp, limit);
		break;
	case -EXDEV:
	case -ELOOP:
		snprintf(out, size, "%s%sis a symbolic link out of its directory; refused", p, sp);
		break;
	case -ENOMEM:
		snprintf(out, size, "out of memory reading %s", path ? path : "it");
		break;
	default:
		snprintf(out, size, "cannot read%s%s: %s", sp, p, strerror(-r));
	}
	return out;
}

int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t w = write(fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		if (w == 0)
			return -EIO;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

int link_basename(const char *path, char *buf, size_t size)
{
	char target[PATH_MAX];
	const char *base;
	ssize_t n;
	size_t bl;

	n = readlink(path, target, sizeof(target));
	if (n < 0)
		return -errno;
	if ((size_t)n >= sizeof(target))
		return -ENAMETOOLONG;
	target[n] = '\0';
	while (n > 1 && target[n - 1] == '/')
		target[--n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	bl = strlen(base);
	if (bl + 1 > size)
		return -ENAMETOOLONG;
	memcpy(buf, base, bl + 1);
	return 0;
}

const char *file_kind(mode_t mode)
{
	if (S_ISREG(mode))
		return "a regular file";
	if (S_ISDIR(mode))
		return "a directory";
	if (S_ISCHR(mode))
		return "a character device";
	if (S_ISBLK(mode))
		return "a block device";
	if (S_ISFIFO(mode))
		return "a FIFO";
	if (S_ISSOCK(mode))
		return "a socket";
	if (S_ISLNK(mode))
		return "a symbolic link";
	return "of an unknown kind";
}

bool path_exists(const char *path)
{
	return access(path, F_OK) == 0;
}
