/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#define NAME_LEN_MAX 63 /* an overlay or module name */
#define LIST_MAX 16
#define PATH_LEN_MAX 255 /* device path, overlay directory, boot device spec */
#define DIRS_MAX 8
#define TIMEOUT_MAX 600
#define CONFIG_FILE_MAX ((size_t)64 * 1024)

struct name_list {
	size_t n;
	char names[LIST_MAX][NAME_LEN_MAX + 1];
};

struct config {
	bool enable;
	struct name_list overlays;  /* in order of application */
	struct name_list modules;   /* underscores: the kernel's spelling */
	struct name_list blacklist; /* module_blacklist=, modprobe.blacklist=, rd.driver.blacklist= */
	size_t n_overlay_dirs;
	char overlay_dirs[DIRS_MAX][PATH_LEN_MAX + 1];
	char device[PATH_LEN_MAX + 1];
	unsigned timeout_s;
	bool strict;
	bool debug;
	char bootdev[PATH_LEN_MAX + 1]; /* empty: the usual firmware partition labels */
};

void config_init(struct config *c);

/* Applies a configuration file held in buf. A malformed line or value is logged
 * as a warning naming the file, line and key, and the earlier value is kept.
 * Returns the number of lines ignored. */
int config_parse_file(struct config *c, const char *buf, size_t len, const char *origin);

/* Applies rd.rpi_hw and rd.rpi_hw.* from a kernel command line, and collects the
 * module blacklists. Same warning rule as the file. Returns words ignored. */
int config_parse_cmdline(struct config *c, const char *buf, size_t len);

/* A plain overlay name: letters, digits, '.', '_', '-', starting with a letter or
 * digit, at most NAME_LEN_MAX bytes. So no '/', no "..", nothing hidden. */
bool overlay_name_valid(const char *s, size_t n);
bool module_name_valid(const char *s, size_t n);

bool name_list_contains(const struct name_list *l, const char *name);

/* Writes the list comma separated into out; -ENAMETOOLONG if it does not fit. */
int name_list_join(const struct name_list *l, char *out, size_t size);
