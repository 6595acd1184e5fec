// SPDX-License-Identifier: GPL-2.0-or-later
#include "modules.h"

#include <errno.h>
#include <libkmod.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include "fsutil.h"
#include "log.h"
#include "util.h"

struct modules {
	struct kmod_ctx *kmod;
	char root[4096];
	char kver[65];
	bool dry_run;
};

__attribute__((format(printf, 6, 0)))
static void kmod_log(void *data, int priority, const char *file, int line, const char *fn,
		     const char *format, va_list args)
{
	char msg[512];

	(void)data, (void)file, (void)line, (void)fn, (void)priority;
	vsnprintf(msg, sizeof(msg), format, args);
	msg[strcspn(msg, "\n")] = '\0';
	log_debug("libkmod: %s", msg);
}

int modules_kernel_release(const char *root, char *out, size_t size)
{
	char path[4096];
	struct utsname u;
	int r;

	if (strcmp(root, "/") == 0) {
		if (uname(&u) < 0)
			return -errno;
		return snprintf(out, size, "%s", u.release) < (int)size ? 0 : -ENAMETOOLONG;
	}
	r = path_join(path, sizeof(path), root, "/proc/sys/kernel/osrelease");
	if (r < 0)
		return r;
	r = read_text_file(path, out, size);
	return r < 0 ? r : (r == 0 ? -EINVAL : 0);
}

/* NULL-terminated modprobe.d directories below root, in libkmod's usual order. */
static int config_dirs(const char *root, char dirs[4][4096], const char *paths[5])
{
	static const char *const sub[] = { "/etc/modprobe.d", "/run/modprobe.d",
					   "/usr/local/lib/modprobe.d", "/lib/modprobe.d" };

	for (size_t i = 0; i < ARRAY_SIZE(sub); i++) {
		int r = path_join(dirs[i], sizeof(dirs[i]), root, sub[i]);

		if (r < 0)
			return r;
		paths[i] = dirs[i];
	}
	paths[4] = NULL;
	return 0;
}

static struct kmod_ctx *kmod_for(const char *root, const char *dirname)
{
	char dirs[4][4096];
	const char *paths[5];

	if (strcmp(root, "/") == 0)
		return kmod_new(dirname, NULL);
	if (config_dirs(root, dirs, paths) < 0)
		return NULL;
	return kmod_new(dirname, paths);
}

int modules_open(struct modules **out, const char *root, bool dry_run)
{
	char dirname[4096];
	struct modules *m;
	int r;

	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->dry_run = dry_run;
	snprintf(m->root, sizeof(m->root), "%s", root);
	r = modules_kernel_release(root, m->kver, sizeof(m->kver));
	if (r == 0) {
		char sub[128];

		snprintf(sub, sizeof(sub), "/lib/modules/%s", m->kver);
		r = path_join(dirname, sizeof(dirname), root, sub);
	}
	if (r == 0) {
		m->kmod = kmod_for(root, dirname);
		r = m->kmod ? 0 : -ENOMEM;
	}
	if (r < 0) {
		free(m);
		return r;
	}
	kmod_set_log_fn(m->kmod, kmod_log, NULL);
	kmod_set_log_priority(m->kmod, log_debug_enabled() ? LOG_DEBUG : LOG_ERR);
	/* Without the indexes every lookup parses modules.dep as text. */
	if (kmod_load_resources(m->kmod) < 0)
		log_debug("no module indexes in %s", dirname);
	*out = m;
	return 0;
}

void modules_close(struct modules *m)
{
	if (!m)
		return;
	kmod_unref(m->kmod);
	free(m);
}

const char *modules_kernel_version(const struct modules *m)
{
	return m->kver;
}

static void kmod_list_free(struct kmod_list **l)
{
	kmod_module_unref_list(*l);
}

static int lookup(struct modules *m, const char *name, struct kmod_module **mod)
{
	_cleanup_(kmod_list_free) struct kmod_list *list = NULL;
	int r = kmod_module_new_from_lookup(m->kmod, name, &list);

	if (r < 0)
		return r;
	if (!list)
		return -ENOENT;
	*mod = kmod_module_get_module(list);
	return 0;
}

/* /sys/module/NAME exists for every loaded module and for built-in ones that have
 * parameters; libkmod reads the running system's /sys, so look below root. */
static enum module_state sysfs_state(const struct modules *m, const char *name)
{
	char path[4096], sub[128], state[32];

	snprintf(sub, sizeof(sub), "/sys/module/%s", name);
	if (path_join(path, sizeof(path), m->root, sub) < 0 || !path_exists(path))
		return MODULE_NOT_LOADED;
	snprintf(sub, sizeof(sub), "/sys/module/%s/initstate", name);
	if (path_join(path, sizeof(path), m->root, sub) < 0 ||
	    read_text_file(path, state, sizeof(state)) < 0)
		return MODULE_BUILTIN;
	return strcmp(state, "going") == 0 ? MODULE_NOT_LOADED : MODULE_LOADED;
}

int modules_state(struct modules *m, const char *name, enum module_state *state)
{
	struct kmod_module *mod = NULL;
	int r;

	*state = sysfs_state(m, name);
	if (*state != MODULE_NOT_LOADED)
		return 0;
	r = lookup(m, name, &mod);
	if (r == -ENOENT) {
		*state = MODULE_MISSING;
		return 0;
	}
	if (r < 0)
		return r;
	if (kmod_module_get_initstate(mod) == KMOD_MODULE_BUILTIN)
		*state = MODULE_BUILTIN;
	kmod_module_unref(mod);
	return 0;
}

static void print_action(struct kmod_module *mod, bool install, const char *options)
{
	(void)install;
	log_debug("%s module %s%s%s", "inserting", kmod_module_get_name(mod),
		  options && *options ? " " : "", options ? options : "");
}

static void print_dry_run(struct kmod_module *mod, bool install, const char *options)
{
	(void)install;
	log_info("would load module %s%s%s (not the running system)", kmod_module_get_name(mod),
		 options && *options ? " " : "", options ? options : "");
}

int modules_load(struct modules *m, const char *name, const struct name_list *blacklist,
		 enum module_outcome *outcome)
{
	/* install/remove commands in modprobe.d would run a shell: never at boot. */
	unsigned flags = KMOD_PROBE_APPLY_BLACKLIST | KMOD_PROBE_IGNORE_COMMAND;
	struct kmod_module *mod = NULL;
	enum module_state state;
	int r;

	if (name_list_contains(blacklist, name)) {
		*outcome = MODULE_BLACKLISTED;
		return 0;
	}
	r = modules_state(m, name, &state);
	if (r < 0)
		return r;
	if (state == MODULE_MISSING)
		return -ENOENT;
	if (state != MODULE_NOT_LOADED) {
		*outcome = MODULE_WAS_LOADED;
		return 0;
	}
	r = lookup(m, name, &mod);
	if (r < 0)
		return r;
	if (m->dry_run)
		flags |= KMOD_PROBE_DRY_RUN;
	r = kmod_module_probe_insert_module(mod, flags, NULL, NULL, NULL,
					    m->dry_run ? print_dry_run : print_action);
	kmod_module_unref(mod);
	if (r == KMOD_PROBE_APPLY_BLACKLIST) {
		*outcome = MODULE_BLACKLISTED;
		return 0;
	}
	if (r < 0)
		return r;
	*outcome = m->dry_run ? MODULE_WOULD_LOAD : MODULE_INSERTED;
	return 0;
}

const char *module_state_name(enum module_state state)
{
	switch (state) {
	case MODULE_LOADED:
		return "loaded";
	case MODULE_BUILTIN:
		return "builtin";
	case MODULE_MISSING:
		return "missing";
	case MODULE_NOT_LOADED:
		break;
	}
	return "not loaded";
}
