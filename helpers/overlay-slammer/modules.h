/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "config.h"

struct modules;

/* A kernel release with its NUL: struct utsname's release field. */
#define KVER_MAX 65

/* libkmod runs in a process of its own (bounded_run) for at least this long, or
 * rd.rpi_hw.timeout when that is longer, with this much more address space: it
 * holds the indexes and one module file at a time. */
#define MODULES_STEP_MIN_S 5
#define MODULES_STEP_MEM ((size_t)256 * 1024 * 1024)

enum module_state {
	MODULE_NOT_LOADED,
	MODULE_LOADED,  /* loaded before we looked, or by us */
	MODULE_BUILTIN,
	MODULE_MISSING, /* not in this kernel's module tree */
};

enum module_outcome {
	MODULE_INSERTED,    /* with its dependencies */
	MODULE_WAS_LOADED,  /* loaded already, or built in: nothing to do */
	MODULE_WOULD_LOAD,  /* dry run: what would have been inserted was logged */
	MODULE_BLACKLISTED, /* on the kernel command line or in modprobe.d */
};

/* libkmod over ROOT/lib/modules/KVER and ROOT's modprobe.d. With dry_run, modules
 * are resolved but never inserted: a tree that is not the running system's. */
int modules_open(struct modules **m, const char *root, bool dry_run);
void modules_close(struct modules *m);
const char *modules_kernel_version(const struct modules *m);

/* The kernel release whose module tree is read: uname's, or under a fake ROOT its
 * /proc/sys/kernel/osrelease. Without libkmod, for messages about it. */
int modules_kernel_release(const char *root, char *out, size_t size);

/* Loads name and its dependencies. -ENOENT: no such module in the tree; other
 * negative errno: the kernel refused it. */
int modules_load(struct modules *m, const char *name, const struct name_list *blacklist,
		 enum module_outcome *outcome);

int modules_state(struct modules *m, const char *name, enum module_state *state);
const char *module_state_name(enum module_state state);
