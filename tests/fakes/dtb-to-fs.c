// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dtb-to-fs: writes a flattened device tree out as the kernel shows the live tree
 * in /proc/device-tree: one directory per node, one file of raw bytes per
 * property. Test-only; the suites build fake live trees with it.
 *
 *   dtb-to-fs TREE.dtb DIR      DIR must not exist yet
 */
#include <errno.h>
#include <fcntl.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TREE_MAX ((size_t)8 * 1024 * 1024)

static int write_prop(int dirfd, const char *name, const void *val, int len)
{
	int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444);
	const char *p = val;

	if (fd < 0)
		return -errno;
	while (len > 0) {
		ssize_t w = write(fd, p, (size_t)len);

		if (w <= 0) {
			int e = w < 0 ? -errno : -EIO;

			close(fd);
			return e;
		}
		p += w;
		len -= (int)w;
	}
	return close(fd) < 0 ? -errno : 0;
}

/* At most 64 levels deep. */
// NOLINTNEXTLINE(misc-no-recursion)
static int write_node(const void *fdt, int node, int dirfd,
		      unsigned depth)
{
	int prop, sub, r;

	if (depth > 64)
		return -ELOOP;
	fdt_for_each_property_offset(prop, fdt, node) {
		const char *name;
		int len;
		const void *val = fdt_getprop_by_offset(fdt, prop, &name, &len);

		if (!val || !name || strchr(name, '/'))
			return -EINVAL;
		r = write_prop(dirfd, name, val, len);
		if (r < 0)
			return r;
	}
	fdt_for_each_subnode(sub, fdt, node) {
		const char *name = fdt_get_name(fdt, sub, NULL);
		int fd;

		if (!name || !*name || strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, ".."))
			return -EINVAL;
		if (mkdirat(dirfd, name, 0755) < 0)
			return -errno;
		fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		r = write_node(fdt, sub, fd, depth + 1);
		close(fd);
		if (r < 0)
			return r;
	}
	return 0;
}

static void *read_tree(const char *path)
{
	FILE *f = fopen(path, "rbe");
	char *buf = malloc(TREE_MAX);
	size_t n;

	if (!f || !buf) {
		if (f)
			fclose(f);
		free(buf);
		return NULL;
	}
	n = fread(buf, 1, TREE_MAX, f);
	fclose(f);
	if (n < sizeof(struct fdt_header) || fdt_check_header(buf) != 0 ||
	    fdt_totalsize(buf) != n) {
		free(buf);
		return NULL;
	}
	return buf;
}

int main(int argc, char **argv)
{
	void *fdt;
	int fd, r;

	if (argc != 3) {
		fprintf(stderr, "usage: dtb-to-fs TREE.dtb DIR\n");
		return 2;
	}
	fdt = read_tree(argv[1]);
	if (!fdt) {
		fprintf(stderr, "dtb-to-fs: %s: not a readable device tree\n", argv[1]);
		return 1;
	}
	if (mkdir(argv[2], 0755) < 0 ||
	    (fd = open(argv[2], O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		fprintf(stderr, "dtb-to-fs: %s: %s\n", argv[2], strerror(errno));
		free(fdt);
		return 1;
	}
	r = write_node(fdt, 0, fd, 0);
	close(fd);
	free(fdt);
	if (r < 0) {
		fprintf(stderr, "dtb-to-fs: %s: %s\n", argv[2], strerror(-r));
		return 1;
	}
	return 0;
}
