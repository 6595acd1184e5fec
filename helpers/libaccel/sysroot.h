/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#define AX_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* sysroot + path into out. A sysroot of NULL, "" or "/" leaves path as it is.
 * -ENAMETOOLONG when the result does not fit. */
int ax_path(char *out, size_t size, const char *sysroot, const char *path);

/* dir + "/" + name into out; -ENAMETOOLONG when it does not fit. */
int ax_join(char *out, size_t size, const char *dir, const char *name);

/* Reads a small file whole into buf, NUL-terminated, trailing white space
 * dropped. Returns the length, -EFBIG when it does not fit, or -errno. */
int ax_read_small(const char *path, char *buf, size_t size);

/* The last component of a symbolic link's target ("../../bus/pci/drivers/metis"
 * gives "metis"). -EINVAL when path is not a link, -ENAMETOOLONG, or -errno. */
int ax_link_basename(const char *path, char *buf, size_t size);

/* Whether a sysroot other than the real root is in use. */
bool ax_faked(const char *sysroot);

/* 0 when sysroot is unset or an existing directory; -ENOTDIR or -errno else. */
int ax_check_sysroot(const char *sysroot);
