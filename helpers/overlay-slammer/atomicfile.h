/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stddef.h>
#include <sys/types.h>

/* Replaces the regular file at path with data[0..len), or makes it: a new file is
 * created beside it, written, synced, given mode and renamed over path, then the
 * directory is synced. Until the rename the old file stays as it was; on any
 * failure the new file is removed and the old one is untouched. Anything else at
 * path is refused before a byte is written: -EISDIR a directory, -ELOOP a
 * symbolic link, -EEXIST a device node, a FIFO or a socket. 0 or negative errno. */
int write_file_atomic(const char *path, const void *data, size_t len, mode_t mode);
