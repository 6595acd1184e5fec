/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

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

/*
 * The reads below take regular files only, and open them non-blocking, so that a
 * FIFO or a device where a file belongs costs an error, never a hang: a directory
 * gives -EISDIR, anything else that is not a regular file (a FIFO, a device, a
 * socket) -EINVAL. Files of /proc, /sys and configfs are regular files that may
 * report a size of 0; they are read to their end all the same.
 */

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

/* Why a read above failed, for a log line: "PATH is a directory", "PATH is not a
 * regular file", "PATH is larger than 64 KiB" (max is the bound the read was
 * given), "PATH is a symbolic link out of its directory; refused", "out of memory
 * reading PATH", "cannot read PATH: strerror". A NULL path leaves the subject out
 * ("is a directory", "cannot read: ..."). Returns out. */
const char *read_error(char *out, size_t size, const char *path, int r, size_t max);

int write_all(int fd, const void *buf, size_t len);

/* "a directory", "a FIFO", "a character device"...: what mode says, for a line. */
const char *file_kind(mode_t mode);

bool path_exists(const char *path);
