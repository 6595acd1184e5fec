// SPDX-License-Identifier: GPL-2.0-or-later
#include "status.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "configfs.h"
#include "fsutil.h"
#include "livetree.h"
#include "modules.h"
#include "util.h"

struct report {
	const struct context *ctx;
	bool json;
	bool ok;
	bool first; /* no element printed yet in the current JSON array */
};

static void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void item(struct report *rep, const char *kind, const char *name, const char *state,
		 bool configured)
{
	if (!rep->json) {
		printf("%-8s %-24s %s%s\n", kind, name, state, configured ? "" : " (not configured)");
		return;
	}
	printf("%s{\"name\":", rep->first ? "" : ",");
	json_string(name);
	printf(",\"state\":");
	json_string(state);
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

/* No configfs interface: each overlay is either in the live tree, merged into the
 * DTB the kernel booted with, or absent. */
static void report_merged(struct report *rep)
{
	const struct name_list *want = &rep->ctx->cfg.overlays;
	char why[PATH_MAX + 320];

	for (size_t i = 0; i < want->n; i++) {
		bool in = livetree_overlay(rep->ctx, want->names[i], why, sizeof(why)) == 1;

		rep->ok &= in;
		item(rep, "overlay", want->names[i], in ? "merged" : "absent", true);
	}
	close_array(rep);
}

static void report_overlays(struct report *rep)
{
	const struct name_list *want = &rep->ctx->cfg.overlays;
	_cleanup_(closep) int dirfd = -1;
	struct name_list present = { 0 };
	int r = configfs_open(rep->ctx->root, &dirfd);
	const char *iface = r == 0 ? "available" : r == -ENODEV ? "missing" : strerror(-r);

	if (rep->json) {
		printf(",\"configfs\":");
		json_string(iface);
	} else {
		printf("%-8s %-24s %s\n", "configfs", CONFIGFS_OVERLAYS, iface);
	}
	open_array(rep, "overlays");
	if (r == -ENODEV && livetree_present(rep->ctx)) {
		report_merged(rep);
		return;
	}
	if (r == 0)
		configfs_list(dirfd, &present);
	for (size_t i = 0; i < want->n; i++) {
		enum overlay_state st = OVERLAY_ABSENT;
		char why[PATH_MAX + 320];

		if (r == 0 && configfs_state(dirfd, want->names[i], &st) < 0)
			st = OVERLAY_UNAPPLIED;
		/* Not through configfs, but in the tree the firmware handed the kernel. */
		if (st == OVERLAY_ABSENT &&
		    livetree_overlay(rep->ctx, want->names[i], why, sizeof(why)) == 1) {
			item(rep, "overlay", want->names[i], "booted", true);
			continue;
		}
		rep->ok &= st == OVERLAY_APPLIED;
		item(rep, "overlay", want->names[i], overlay_state_name(st), true);
	}
	for (size_t i = 0; i < present.n; i++) {
		enum overlay_state st;

		if (name_list_contains(want, present.names[i]) ||
		    configfs_state(dirfd, present.names[i], &st) < 0)
			continue;
		item(rep, "overlay", present.names[i], overlay_state_name(st), false);
	}
	close_array(rep);
}

static void report_modules(struct report *rep)
{
	struct modules *m = NULL;
	int r = modules_open(&m, rep->ctx->root, true);

	if (rep->json) {
		printf(",\"kernel\":");
		json_string(r == 0 ? modules_kernel_version(m) : "unknown");
	} else {
		printf("%-8s %s%s\n", "kernel", r == 0 ? modules_kernel_version(m) : "unknown",
		       r == 0 ? "" : " (module tree unreadable)");
	}
	open_array(rep, "modules");
	for (size_t i = 0; i < rep->ctx->cfg.modules.n; i++) {
		const char *name = rep->ctx->cfg.modules.names[i];
		enum module_state st = MODULE_MISSING;

		if (r == 0 && modules_state(m, name, &st) < 0)
			st = MODULE_MISSING;
		if (name_list_contains(&rep->ctx->cfg.blacklist, name)) {
			item(rep, "module", name, "blacklisted", true);
			continue;
		}
		rep->ok &= st == MODULE_LOADED || st == MODULE_BUILTIN;
		item(rep, "module", name, module_state_name(st), true);
	}
	close_array(rep);
	modules_close(m);
}

static void report_device(struct report *rep)
{
	const char *dev = rep->ctx->cfg.device;
	char path[PATH_MAX], target[PATH_MAX] = "";
	bool present = false;

	if (context_path(rep->ctx, dev, path, sizeof(path)) == 0) {
		ssize_t n;

		present = path_exists(path);
		n = readlink(path, target, sizeof(target) - 1);
		target[n > 0 ? n : 0] = '\0';
	}
	rep->ok &= present;
	if (!rep->json) {
		printf("%-8s %-24s %s%s%s\n", "device", dev, present ? "present" : "absent",
		       *target ? " -> " : "", target);
		return;
	}
	printf(",\"device\":{\"path\":");
	json_string(dev);
	printf(",\"present\":%s", present ? "true" : "false");
	if (*target) {
		printf(",\"target\":");
		json_string(target);
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
		json_string(cfg);
	} else {
		printf("%-8s %-24s %s%s\n", "rpi-hw", ctx->cfg.enable ? "enabled" : "disabled", cfg,
		       ctx->cfg.strict ? " (strict)" : "");
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
