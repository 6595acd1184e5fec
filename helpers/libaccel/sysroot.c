// SPDX-License-Identifier: GPL-2.0-or-later
#include "sysroot.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

bool ax_faked(const char *sysroot)
{
	return sysroot && sysroot[0] && strcmp(sysroot, "/") != 0;
}

int ax_join(char *out, size_t size, const char *dir, const char *name)
{
	size_t dl = strlen(dir);
	int n;

	while (dl > 0 && dir[dl - 1] == '/')
		dl--;
	while (*name == '/')
		name++;
	n = snprintf(out, size, "%.*s/%s", (int)dl, dir, name);
	if (n < 0)
		return -EINVAL;
	if ((size_t)n >= size)
		return -ENAMETOOLONG;
	return 0;
}

int ax_path(char *out, size_t size, const char *sysroot, const char *path)
{
	int n;

	if (ax_faked(sysroot))
		return ax_join(out, size, sysroot, path);
	n = snprintf(out, size, "%s", path);
	if (n < 0)
		return -EINVAL;
	return (size_t)n >= size ? -ENAMETOOLONG : 0;
}

int ax_read_small(const char *path, char *buf, size_t size)
{
	size_t len = 0;
	int fd, err = 0;

	if (size == 0)
		return -EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	for (;;) {
		char extra;
		ssize_t r;

		if (len == size - 1)
			r = read(fd, &extra, 1);
		else
			r = read(fd, buf + len, size - 1 - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err = -errno;
			break;
		}
		if (r == 0)
			break;
		if (len == size - 1) {
			err = -EFBIG;
			break;
		}
		len += (size_t)r;
	}
	close(fd);
	if (err)
		return err;
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == ' ' || buf[len - 1] == '\t'))
		len--;
	buf[len] = '\0';
	return (int)len;
}

int ax_link_basename(const char *path, char *buf, size_t size)
{
	char target[4096];
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

int ax_check_sysroot(const char *sysroot)
{
	struct stat st;

	if (!sysroot)
		return 0;
	if (stat(sysroot, &st) < 0)
		return -errno;
	return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
}
