/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define NAME_LEN_MAX 63 /* an overlay or module name */
#define ACCOUNT_LEN_MAX 32 /* a user name, as useradd takes it */
#define LIST_MAX 16
#define PATH_LEN_MAX 255 /* device path, overlay directory, boot device spec */
#define DIRS_MAX 8
#define TIMEOUT_MAX 600
#define CONFIG_FILE_MAX ((size_t)64 * 1024)
#define PARAMS_LEN_MAX 255 /* an overlay's parameters: "param=value,param" */
/* The longest value config_print writes: sixteen overlays with parameters. */
#define CONFIG_VALUE_MAX (LIST_MAX * (NAME_LEN_MAX + PARAMS_LEN_MAX + 2))

struct name_list {
	size_t n;
	char names[LIST_MAX][NAME_LEN_MAX + 1];
	/* Overlays only: the parameters given with each name, as config.txt spells
	 * them after it ("param=value,param"), or "". */
	char params[LIST_MAX][PARAMS_LEN_MAX + 1];
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
	struct name_list accounts;      /* metis-setup adds them to the axelera group */
};

/* The shipped rpi-hardware.conf, generated into the library at build time
 * (helpers/lib/build.mk): the one source of the defaults. */
extern const char config_defaults[];

/* Receives one warning line naming the file, line and key (or the option). */
typedef void (*config_warn_fn)(void *userdata, const char *msg);

/* The defaults: config_defaults, parsed. */
void config_init(struct config *c);

/* Applies a configuration file held in buf. A malformed line or value is reported
 * through warn (which may be NULL) and the earlier value is kept.
 * Returns the number of lines ignored. */
int config_parse_file(struct config *c, const char *buf, size_t len, const char *origin,
		      config_warn_fn warn, void *userdata);

/* Applies rd.rpi_hw and rd.rpi_hw.* from a kernel command line, and collects the
 * module blacklists. Same warning rule as the file. Returns words ignored. */
int config_parse_cmdline(struct config *c, const char *buf, size_t len, config_warn_fn warn,
			 void *userdata);

/* The configuration file to read: the one given (which must be a readable regular
 * file, else -errno: -EISDIR a directory, -EINVAL another kind of file), or
 * SYSCONFDIR/rpi-hardware.conf below root (which may be missing). */
int config_locate(const char *root, const char *given, char *out, size_t size);

/* Reads and applies the file at path (at most CONFIG_FILE_MAX bytes). A missing
 * file leaves the defaults; other read errors return -errno as read_file does
 * (-EFBIG: too large, -EISDIR, -EINVAL: not a regular file); read_error names
 * them. */
int config_load_file(struct config *c, const char *path, config_warn_fn warn, void *userdata);

/* Applies what dracut takes as the kernel command line, below ROOT:
 * /etc/cmdline.d/\*.conf in name order, /etc/cmdline, then /proc/cmdline. Each
 * is read on its own: one of dracut's files that cannot be read (a directory, a
 * FIFO, too large) is named through warn and skipped, and the rest still apply.
 * Missing files are not an error. Returns 0, or -errno when /proc/cmdline itself
 * cannot be read (-EFBIG: larger than CONFIG_FILE_MAX). */
int config_load_cmdline(struct config *c, const char *root, config_warn_fn warn,
			void *userdata);

/* A plain overlay name: letters, digits, '.', '_', '-', starting with a letter or
 * digit, at most NAME_LEN_MAX bytes. So no '/', no "..", nothing hidden. */
bool overlay_name_valid(const char *s, size_t n);
bool module_name_valid(const char *s, size_t n);
bool account_name_valid(const char *s, size_t n);

/* Why NAME, a name the seed document used, is no kernel module; NULL for any other
 * name. Such names are left out of the module list with a warning. */
const char *module_not_a_module(const char *name);

bool name_list_contains(const struct name_list *l, const char *name);

/* Writes the settings in effect to f, one KEY=VALUE line each, or with key only
 * that setting's value. Returns 0, -ENOENT for an unknown key, -EIO. */
int config_print(const struct config *c, const char *key, FILE *f);

/* Writes the list comma separated into out; -ENAMETOOLONG if it does not fit. */
int name_list_join(const struct name_list *l, char *out, size_t size);

/* Writes an overlay list in the grammar parse_overlays reads: names comma
 * separated when none has parameters (the form of older configurations), else
 * one NAME,param=value,... entry after another, separated by a space. */
int overlay_list_join(const struct name_list *l, char *out, size_t size);

/* One parameter of an overlay, a view into the caller's text. */
struct overlay_param {
	const char *name;
	size_t name_len;
	const char *value; /* NULL when given bare ("param"), which means "on" */
	size_t value_len;
};

/* The next parameter of a "param=value,param" list starting at *s (a
 * NUL-terminated string), *s advanced past it and its comma. 1 for a parameter,
 * 0 at the end, -EINVAL for a malformed one with the reason in why. A name is
 * letters, digits, '_', '-', '.', at most NAME_LEN_MAX bytes; a value any
 * printable characters but ',' and white space, possibly none. */
int overlay_param_next(const char **s, struct overlay_param *p, const char **why);

/* One overlay entry NAME[,param[=value]]... of s[0..n) into name (NAME_LEN_MAX + 1
 * bytes) and params (PARAMS_LEN_MAX + 1 bytes, "" without any). -EINVAL with the
 * reason in why for a bad name or parameter list, -E2BIG when too long. */
int overlay_entry_parse(const char *s, size_t n, char *name, char *params, const char **why);
