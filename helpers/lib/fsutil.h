/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* "dir/name" into out; -ENAMETOOLONG when it does not fit. */
int path_join(char *out, size_t size, const char *dir, const char *name);

/* Whether root names a tree other than the running system's ("/", "" and NULL
 * do not). */
bool root_is_fake(const char *root);

/* root + path into out; a root that is not fake leaves path as it is.
 * -ENAMETOOLONG when the result does not fit. */
int root_path(char *out, size_t size, const char *root, const char *path);

/* 0 when root is NULL or an existing directory; -ENOTDIR or -errno else. */
int root_check(const char *root);

/* The last component of a symbolic link's target ("../../bus/pci/drivers/metis"
 * gives "metis"). -EINVAL when path is not a link, -ENAMETOOLONG, or -errno. */
int link_basename(const char *path, char *buf, size_t size);

/* Reads a small text file whole, NUL-terminated, trailing white space dropped.
 * Returns its length, -EFBIG when it does not fit in size - 1 bytes, or -errno. */
int read_text_file(const char *path, char *buf, size_t size);

/* Reads everything an fd gives until EOF, at most max bytes (-EFBIG beyond).
 * Works on files that report no size, such as configfs attributes. */
int read_fd_whole(int fd, size_t max, void **out, size_t *len);

/* Reads the regular file name below dirfd. Symbolic links are followed only while
 * they stay below dirfd; a link out of it, or any link where the kernel cannot
 * tell, fails with -EXDEV or -ELOOP. More than max bytes: -EFBIG, nothing read. */
int read_file_beneath(int dirfd, const char *name, size_t max, void **out, size_t *len);

/* Reads the regular file at path whole; more than max bytes: -EFBIG, nothing read. */
int read_file(const char *path, size_t max, void **out, size_t *len);

int write_all(int fd, const void *buf, size_t len);

bool path_exists(const char *path);
