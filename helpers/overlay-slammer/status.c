// SPDX-License-Identifier: GPL-2.0-or-later
#include "status.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bounded.h"
#include "configfs.h"
#include "fsutil.h"
#include "livetree.h"
#include "log.h"
#include "modules.h"
#include "text.h"
#include "util.h"
#include "wait.h"

/* A configfs item name (NAME_MAX bytes) with each byte shown as \xNN at worst. */
#define SHOWN_MAX (NAME_MAX * 4 + 8)

struct report {
	const struct context *ctx;
	bool json;
	bool ok;
	bool first; /* no element printed yet in the current JSON array */
};

static void item(struct report *rep, const char *kind, const char *name, const char *state,
		 bool configured)
{
	if (!rep->json) {
		char shown[SHOWN_MAX];

		printf("%-8s %-24s %s%s\n", kind, text_show(name, shown, sizeof(shown)), state,
		       configured ? "" : " (not configured)");
		return;
	}
	printf("%s{\"name\":", rep->first ? "" : ",");
	json_string(stdout, name);
	printf(",\"state\":");
	json_string(stdout, state);
	if (!configured)
		printf(",\"configured\":false");
	putchar('}');
	rep->first = false;
}

static void open_array(struct report *rep, const char *key)
{
	if (rep->json)
		printf(",\"%s\":[", key);
	rep->first = true;
}

static void close_array(const struct report *rep)
{
	if (rep->json)
		putchar(']');
}

/* Whether each configured overlay is in the booted tree: livetree_each's result
 * for each, in order. */
struct booted {
	int r[LIST_MAX];
	size_t n;
};

static void note_booted(void *arg, const char *name, int r, const char *why)
{
	struct booted *b = arg;

	(void)name;
	(void)why;
	if (b->n < LIST_MAX)
		b->r[b->n++] = r;
}

/* No configfs interface: each overlay is either in the booted tree, merged into
 * the DTB the kernel booted with, or absent. */
static void report_merged(struct report *rep, const struct booted *b)
{
	const struct name_list *want = &rep->ctx->cfg.overlays;

	for (size_t i = 0; i < want->n; i++) {
		bool in = i < b->n && b->r[i] == 1;

		rep->ok &= in;
		item(rep, "overlay", want->names[i], in ? "merged" : "absent", true);
	}
	close_array(rep);
}

/* Items that are not configured, whatever their names, and however many. */
static void report_others(struct report *rep, int dirfd)
{
	struct configfs_items present;
	int r = configfs_items(dirfd, &present);

	if (r < 0) {
		log_warn("cannot list %s: %s", CONFIGFS_OVERLAYS,
			 r == -ENOMEM ? "out of memory" : strerror(-r));
		rep->ok = false;
		return;
	}
	for (size_t i = 0; i < present.n; i++) {
		const char *name = present.item[i].name;
		enum overlay_state st;

		if (name_list_contains(&rep->ctx->cfg.overlays, name))
			continue;
		if (configfs_state(dirfd, name, &st) < 0)
			st = OVERLAY_UNAPPLIED;
		item(rep, "overlay", name, overlay_state_name(st), false);
	}
	configfs_items_free(&present);
}

static void report_overlays(struct report *rep)
{
	const struct name_list *want = &rep->ctx->cfg.overlays;
	_cleanup_(closep) int dirfd = -1;
	int r = configfs_open(rep->ctx->root, &dirfd);
	const char *iface = r == 0 ? "available" : r == -ENODEV ? "missing" : strerror(-r);
	struct booted booted = { .n = 0 };
	int booted_in;

	if (rep->json) {
		printf(",\"configfs\":");
		json_string(stdout, iface);
	} else {
		printf("%-8s %-24s %s\n", "configfs", CONFIGFS_OVERLAYS, iface);
	}
	open_array(rep, "overlays");
	booted_in = livetree_each(rep->ctx, want, note_booted, &booted);
	if (r == -ENODEV && booted_in != -ENOENT) {
		report_merged(rep, &booted);
		return;
	}
	for (size_t i = 0; i < want->n; i++) {
		enum overlay_state st = OVERLAY_ABSENT;

		if (r == 0 && configfs_state(dirfd, want->names[i], &st) < 0)
			st = OVERLAY_UNAPPLIED;
		/* Not through configfs, but in the tree the firmware handed the kernel. */
		if (st == OVERLAY_ABSENT && i < booted.n && booted.r[i] == 1) {
			item(rep, "overlay", want->names[i], "booted", true);
			continue;
		}
		rep->ok &= st == OVERLAY_APPLIED;
		item(rep, "overlay", want->names[i], overlay_state_name(st), true);
	}
	if (r == 0)
		report_others(rep, dirfd);
	close_array(rep);
}

/* What libkmod says of the configured modules, found in a process of its own
 * (bounded_run): a corrupt module index crashes libkmod or loops in it. */
struct module_probe {
	int open_r; /* modules_open's result */
	char kver[KVER_MAX];
	enum module_state state[LIST_MAX];
};

struct probe_step {
	const struct context *ctx;
	struct module_probe *out;
};

static void probe_modules(const struct context *ctx, struct module_probe *out)
{
	struct modules *m = NULL;

	out->open_r = modules_open(&m, ctx->root, true);
	if (out->open_r < 0)
		return;
	snprintf(out->kver, sizeof(out->kver), "%s", modules_kernel_version(m));
	for (size_t i = 0; i < ctx->cfg.modules.n; i++)
		if (modules_state(m, ctx->cfg.modules.names[i], &out->state[i]) < 0)
			out->state[i] = MODULE_MISSING;
	modules_close(m);
}

static int probe_step(void *arg)
{
	const struct probe_step *p = arg;

	probe_modules(p->ctx, p->out);
	return 0;
}

/* 0 with out filled; -ECHILD when libkmod crashed or hung (named on stderr). */
static int probe_bounded(const struct context *ctx, struct module_probe *out)
{
	unsigned limit = ctx->cfg.timeout_s > MODULES_STEP_MIN_S ? ctx->cfg.timeout_s
								   : MODULES_STEP_MIN_S;
	struct module_probe *shared = bounded_shared(sizeof(*shared));
	struct probe_step step = { ctx, shared };
	struct bounded_result res = { BOUNDED_EXITED, 1, 0 };
	char kver[sizeof(out->kver)];
	int r = shared ? bounded_run(probe_step, &step, limit, MODULES_STEP_MEM, &res) : -ENOMEM;

	/* Without a child to run it in, it runs here, unbounded. */
	if (r < 0) {
		bounded_unshare(shared, sizeof(*shared));
		probe_modules(ctx, out);
		return 0;
	}
	if (res.end == BOUNDED_EXITED && res.status == 0)
		*out = *shared;
	bounded_unshare(shared, sizeof(*shared));
	if (res.end == BOUNDED_EXITED && res.status == 0)
		return 0;
	if (modules_kernel_release(ctx->root, kver, sizeof(kver)) < 0)
		snprintf(kver, sizeof(kver), "KVER");
	if (res.end == BOUNDED_CRASHED)
		log_err("cannot read the module index of kernel %s: libkmod crashed (%s): it is "
			"corrupt; run 'depmod %s'",
			kver, strsignal(res.signal), kver);
	else
		log_err("cannot read the module index of kernel %s: libkmod %s; run 'depmod %s'",
			kver, res.end == BOUNDED_TIMED_OUT ? "did not finish in time" : "failed",
			kver);
	snprintf(out->kver, sizeof(out->kver), "%s", kver);
	return -ECHILD;
}

static void report_modules(struct report *rep)
{
	struct module_probe probe = { 0 };
	int r = probe_bounded(rep->ctx, &probe);
	bool tree = r == 0 && probe.open_r == 0;
	const char *kver = tree || r < 0 ? probe.kver : "unknown";

	if (rep->json) {
		printf(",\"kernel\":");
		json_string(stdout, kver);
	} else {
		char shown[sizeof(probe.kver) * 4];

		printf("%-8s %s%s\n", "kernel", text_show(kver, shown, sizeof(shown)),
		       tree ? "" : r < 0 ? " (module index corrupt)" : " (module tree unreadable)");
	}
	open_array(rep, "modules");
	for (size_t i = 0; i < rep->ctx->cfg.modules.n; i++) {
		const char *name = rep->ctx->cfg.modules.names[i];
		enum module_state st = tree ? probe.state[i] : MODULE_MISSING;

		if (name_list_contains(&rep->ctx->cfg.blacklist, name)) {
			item(rep, "module", name, "blacklisted", true);
			continue;
		}
		if (r < 0) {
			rep->ok = false;
			item(rep, "module", name, "unknown", true);
			continue;
		}
		rep->ok &= st == MODULE_LOADED || st == MODULE_BUILTIN;
		item(rep, "module", name, module_state_name(st), true);
	}
	close_array(rep);
}

static void report_device(struct report *rep)
{
	const char *dev = rep->ctx->cfg.device;
	char path[PATH_MAX], target[PATH_MAX] = "", state[64];
	mode_t mode = 0;
	int r = device_node(rep->ctx, dev, &mode);

	if (context_path(rep->ctx, dev, path, sizeof(path)) == 0) {
		ssize_t n = readlink(path, target, sizeof(target) - 1);

		target[n > 0 ? n : 0] = '\0';
	}
	rep->ok &= r == 1;
	if (r == -ENODEV)
		snprintf(state, sizeof(state), "absent (%s is there)", file_kind(mode));
	else
		snprintf(state, sizeof(state), "%s", r == 1 ? "present" : "absent");
	if (!rep->json) {
		char shown[PATH_MAX];

		printf("%-8s %-24s %s%s%s\n", "device", dev, state, *target ? " -> " : "",
		       text_show(target, shown, sizeof(shown)));
		return;
	}
	printf(",\"device\":{\"path\":");
	json_string(stdout, dev);
	printf(",\"present\":%s", r == 1 ? "true" : "false");
	if (r == -ENODEV) {
		printf(",\"other\":");
		json_string(stdout, file_kind(mode));
	}
	if (*target) {
		printf(",\"target\":");
		json_string(stdout, target);
	}
	putchar('}');
}

int action_status(const struct context *ctx, bool json)
{
	struct report rep = { .ctx = ctx, .json = json, .ok = true };
	const char *cfg = path_exists(ctx->config_path) ? ctx->config_path : "(defaults)";

	if (json) {
		printf("{\"enabled\":%s,\"strict\":%s,\"config\":", ctx->cfg.enable ? "true" : "false",
		       ctx->cfg.strict ? "true" : "false");
		json_string(stdout, cfg);
	} else {
		char shown[PATH_MAX * 4];

		printf("%-8s %-24s %s%s\n", "rpi-hw", ctx->cfg.enable ? "enabled" : "disabled",
		       text_show(cfg, shown, sizeof(shown)), ctx->cfg.strict ? " (strict)" : "");
	}
	report_overlays(&rep);
	report_modules(&rep);
	report_device(&rep);
	if (!ctx->cfg.enable)
		rep.ok = true;
	if (json)
		printf(",\"ok\":%s}\n", rep.ok ? "true" : "false");
	fflush(stdout);
	return rep.ok ? EXIT_OK : EXIT_FAILED;
}
