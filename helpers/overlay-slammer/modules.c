// SPDX-License-Identifier: GPL-2.0-or-later
#include "modules.h"

#include <errno.h>
#include <limits.h>
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
	char root[PATH_MAX];
	char kver[KVER_MAX];
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
	char path[PATH_MAX];
	struct utsname u;
	int r;

	if (!root_is_fake(root)) {
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

/* NULL-terminated modprobe.d directories below root: libkmod's own list (kmod 30,
 * which the static helper links: SYSCONFDIR=/etc, then /run, /usr/local/lib and
 * /lib), since libkmod has no root of its own to read them under. */
static int config_dirs(const char *root, char dirs[4][PATH_MAX], const char *paths[5])
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
	char dirs[4][PATH_MAX];
	const char *paths[5];

	/* The running system: libkmod's compiled-in configuration paths. */
	if (!root_is_fake(root))
		return kmod_new(dirname, NULL);
	if (config_dirs(root, dirs, paths) < 0)
		return NULL;
	return kmod_new(dirname, paths);
}

int modules_open(struct modules **out, const char *root, bool dry_run)
{
	char dirname[PATH_MAX];
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

/* Every module name resolves to (an alias may resolve to several, as for
 * modprobe); -ENOENT for none. */
static int lookup(struct modules *m, const char *name, struct kmod_list **list)
{
	int r = kmod_module_new_from_lookup(m->kmod, name, list);

	if (r < 0)
		return r;
	return *list ? 0 : -ENOENT;
}

/* /sys/module/NAME exists for every loaded module and for built-in ones that have
 * parameters; libkmod reads the running system's /sys, so look below root. */
static enum module_state sysfs_state(const struct modules *m, const char *name)
{
	char path[PATH_MAX], sub[128], state[32];

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
	_cleanup_(kmod_list_free) struct kmod_list *list = NULL;
	struct kmod_list *l;
	int r;

	*state = sysfs_state(m, name);
	if (*state != MODULE_NOT_LOADED)
		return 0;
	r = lookup(m, name, &list);
	if (r == -ENOENT) {
		*state = MODULE_MISSING;
		return 0;
	}
	if (r < 0)
		return r;
	kmod_list_foreach(l, list) {
		struct kmod_module *mod = kmod_module_get_module(l);

		if (kmod_module_get_initstate(mod) == KMOD_MODULE_BUILTIN)
			*state = MODULE_BUILTIN;
		kmod_module_unref(mod);
	}
	return 0;
}

static void print_action(struct kmod_module *mod, bool install, const char *options)
{
	(void)install;
	log_debug("inserting module %s%s%s", kmod_module_get_name(mod),
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
	_cleanup_(kmod_list_free) struct kmod_list *list = NULL;
	struct kmod_list *l;
	enum module_state state;
	size_t done = 0, refused = 0;
	int r, first_error = 0;

	/* The kernel enforces module_blacklist= (init_module fails with -EPERM),
	 * libkmod applies modprobe.blacklist= and modprobe.d's blacklist
	 * (KMOD_PROBE_APPLY_BLACKLIST below) and dracut turns rd.driver.blacklist=
	 * into a modprobe.d file. The list here is what those lack: an answer that
	 * says "blacklisted" instead of the kernel's bare -EPERM, the same answer
	 * under --sysroot (libkmod reads the running system's /proc/cmdline, not
	 * ROOT's), and one `status` can show without probing anything. */
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
	r = lookup(m, name, &list);
	if (r < 0)
		return r;
	if (m->dry_run)
		flags |= KMOD_PROBE_DRY_RUN;
	/* Each module the name resolves to, as modprobe does; the first error is
	 * the answer, the others are still tried. */
	kmod_list_foreach(l, list) {
		struct kmod_module *mod = kmod_module_get_module(l);

		r = kmod_module_probe_insert_module(mod, flags, NULL, NULL, NULL,
						    m->dry_run ? print_dry_run : print_action);
		kmod_module_unref(mod);
		if (r == KMOD_PROBE_APPLY_BLACKLIST)
			refused++;
		else if (r < 0 && first_error == 0)
			first_error = r;
		else if (r >= 0)
			done++;
	}
	if (first_error < 0)
		return first_error;
	if (done == 0 && refused > 0) {
		*outcome = MODULE_BLACKLISTED;
		return 0;
	}
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
