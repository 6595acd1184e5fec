// SPDX-License-Identifier: GPL-2.0-or-later
#include "actions.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "bounded.h"
#include "configfs.h"
#include "dtbo.h"
#include "fsutil.h"
#include "livetree.h"
#include "log.h"
#include "modules.h"
#include "params.h"
#include "source.h"
#include "text.h"
#include "util.h"

/* The lock is waited for as long as the device is (rd.rpi_hw.timeout), and at
 * least this long: another run applies its overlays in milliseconds. */
#define LOCK_WAIT_MIN_S 1

static unsigned at_least(unsigned v, unsigned min)
{
	return v > min ? v : min;
}

static void log_no_interface(bool tree_checked)
{
	if (tree_checked)
		log_err("this kernel has no configfs overlay interface (%s), and the device tree "
			"it booted with lacks overlays named above: rebuild the merged DTB "
			"(kernel-install add, or update-grub) and reboot, or boot a Raspberry Pi "
			"kernel",
			CONFIGFS_OVERLAYS);
	else
		log_err("this kernel has no configfs overlay interface (%s): boot a Raspberry Pi "
			"kernel (CONFIG_OF_CONFIGFS) or merge the overlays into the DTB the "
			"bootloader loads",
			CONFIGFS_OVERLAYS);
}

/* -ENODEV (no interface) is left to the caller: a merged DTB may stand in for it. */
/* Under a fake root nothing is mounted: the tests provide configfs themselves. */
static int open_overlays(const struct context *ctx, int *dirfd)
{
	int r = configfs_open(ctx->root, dirfd);

	if (r != -ENODEV || root_is_fake(ctx->root))
		goto out;
	r = configfs_mount(ctx->root);
	if (r < 0 && r != -ENODEV) {
		log_err("cannot mount configfs on %s: %s", CONFIGFS_MOUNT, strerror(-r));
		return r;
	}
	if (r == 0)
		r = configfs_open(ctx->root, dirfd);
out:
	if (r < 0 && r != -ENODEV)
		log_err("cannot open %s: %s", CONFIGFS_OVERLAYS, strerror(-r));
	return r;
}

static void log_merged(void *arg, const char *name, int r, const char *why)
{
	(void)arg;
	if (r == 1)
		log_info("overlay %s: merged DTB in effect", name);
	else if (r == 0)
		log_warn("overlay %s: not in effect: %s", name, why);
	else
		log_warn("overlay %s: cannot check the live device tree: %s", name, why);
}

/* Without the configfs interface the overlays can still be in effect: merged into
 * the DTB the bootloader handed the kernel, which /sys/firmware/fdt holds. */
static int check_merged(const struct context *ctx, const struct name_list *names)
{
	uint64_t t0 = now_usec();
	int in = livetree_each(ctx, names, log_merged, NULL);

	if (in == -ENOENT)
		log_debug("no device tree at %s: no merged DTB to check", BOOTED_TREE);
	if (names->n > 0 && in == (int)names->n) {
		log_info("overlays: %d of %zu in effect through the merged DTB (%.1f ms)", in,
			 names->n, elapsed_ms(t0));
		return EXIT_OK;
	}
	log_no_interface(in >= 0 && names->n > 0);
	return EXIT_NO_INTERFACE;
}

/* One run at a time changes configfs items: two that interleave take each other's
 * fresh items for ones left behind and remove them (docs/security.md, "The
 * lock"). */
static int lock_overlays(const struct context *ctx, int dirfd)
{
	unsigned limit = at_least(ctx->cfg.timeout_s, LOCK_WAIT_MIN_S);
	uint64_t waited = 0;
	int r = configfs_lock(dirfd, limit, &waited);

	if (r == -ETIMEDOUT) {
		log_err("another overlay-slammer run has held the lock on %s for %u s: nothing "
			"changed; run this again once it has finished",
			CONFIGFS_OVERLAYS, limit);
		return r;
	}
	if (r < 0) {
		log_warn("cannot lock %s (%s); going on without the lock", CONFIGFS_OVERLAYS,
			 strerror(-r));
		return 0;
	}
	if (waited >= 100000)
		log_info("waited %.1f ms for another overlay-slammer run to finish",
			 (double)waited / 1000.0);
	return 0;
}

/* What the kernel booted with (/sys/firmware/fdt), and a copy of it to try each
 * overlay on before the kernel sees it (the overlays configfs holds replayed on
 * it). Without __symbols__ no label can be resolved, so there is nothing to try
 * on: dt is then left closed. */
struct live {
	struct dt booted;
	struct dt dt;
};

static void live_close(struct live *l)
{
	dt_close(&l->booted);
	dt_close(&l->dt);
}

static void open_live_tree(const struct context *ctx, struct live *live)
{
	char why[PATH_MAX + 160];
	int r = livetree_read(ctx, &live->booted, why, sizeof(why));

	if (r == -ENOENT) {
		log_debug("no %s: overlays not pre-checked", BOOTED_TREE);
		return;
	}
	if (r < 0) {
		log_warn("%s; overlays not pre-checked", why);
		return;
	}
	if (!dt_has_symbols(&live->booted)) {
		log_debug("live device tree has no __symbols__; overlays not pre-checked");
		return;
	}
	if (dt_copy(&live->dt, &live->booted, why, sizeof(why)) < 0)
		log_warn("live device tree: %s; overlays not pre-checked", why);
}

/* An item applied through configfs, replayed on the copy of the firmware's tree.
 * false when it cannot be: the copy then no longer stands for the kernel's tree. */
static bool replay_one(int dirfd, const char *name, struct dt *dt)
{
	_cleanup_(freep) void *blob = NULL;
	char why[PATH_MAX + 160], shown[NAME_MAX * 4 + 8];
	enum overlay_state state;
	size_t len = 0;
	int r = configfs_state(dirfd, name, &state);

	if (r < 0 || state != OVERLAY_APPLIED)
		return true;
	r = configfs_read_blob(dirfd, name, &blob, &len);
	if (r < 0)
		snprintf(why, sizeof(why), "its dtbo cannot be read back: %s",
			 r == -ENOMEM ? "out of memory" : strerror(-r));
	else if (len == 0)
		snprintf(why, sizeof(why), "it came from a firmware path, which cannot be read back");
	else if (dtbo_validate(blob, len, NULL, why, sizeof(why)) == 0 &&
		 dt_apply(dt, blob, len, why, sizeof(why)) == 0)
		return true;
	log_warn("overlay %s is applied, but cannot be replayed on the copy of the live device "
		 "tree (%s): the overlays after it are not pre-checked; the kernel still checks "
		 "them",
		 text_show(name, shown, sizeof(shown)), why);
	return false;
}

/* The kernel's tree now is the firmware's plus every overlay configfs holds
 * applied: the pre-check starts from there, so that an overlay building on one an
 * earlier run applied (a label the Cruiser overlay adds) fits. Configured
 * overlays go first, in the configured order, then the other items, oldest first. */
static void replay_applied(const struct context *ctx, int dirfd, struct dt *dt)
{
	const struct name_list *order = &ctx->cfg.overlays;
	struct configfs_items items;
	int r;

	if (!dt->fdt)
		return;
	r = configfs_items(dirfd, &items);
	if (r < 0) {
		log_warn("cannot list %s (%s); overlays not pre-checked", CONFIGFS_OVERLAYS,
			 r == -ENOMEM ? "out of memory" : strerror(-r));
		dt_close(dt);
		return;
	}
	for (size_t i = 0; i < order->n; i++) {
		for (size_t k = 0; k < items.n && dt->fdt; k++) {
			if (!items.item[k].name || strcmp(items.item[k].name, order->names[i]) != 0)
				continue;
			if (!replay_one(dirfd, items.item[k].name, dt))
				dt_close(dt);
			free(items.item[k].name);
			items.item[k].name = NULL;
		}
	}
	for (size_t k = 0; k < items.n && dt->fdt; k++)
		if (items.item[k].name && !replay_one(dirfd, items.item[k].name, dt))
			dt_close(dt);
	configfs_items_free(&items);
}

/* Already applied: the same blob is success, another one is a conflict. */
static int check_applied(int dirfd, const char *name, const struct overlay_blob *b)
{
	_cleanup_(freep) void *cur = NULL;
	size_t len = 0;
	int r = configfs_read_blob(dirfd, name, &cur, &len);

	if (r < 0 || len == 0) {
		log_info("overlay %s already applied (its content cannot be read back); left as is",
			 name);
		return 0;
	}
	if (len == b->size && memcmp(cur, b->data, len) == 0) {
		log_info("overlay %s already applied; unchanged", name);
		return 0;
	}
	log_err("overlay %s is applied with other content than %s: run 'overlay-slammer remove "
		"%s' first",
		name, b->origin, name);
	return -EEXIST;
}

static int write_overlay(int dirfd, const char *name, const struct overlay_blob *b,
			 const char *params)
{
	uint64_t t0 = now_usec();
	int r = configfs_apply(dirfd, name, b->data, b->size);

	if (r == -EBADMSG)
		log_err("overlay %s: the kernel did not apply it (status stays 'unapplied'; see "
			"dmesg); its directory was removed",
			name);
	else if (r == -EEXIST)
		log_debug("overlay %s: mkdir found an item of that name", name);
	else if (r < 0)
		log_err("overlay %s: cannot write it to configfs: %s", name, strerror(-r));
	else
		log_info("applied overlay %s from %s%s%s (%zu bytes, crc32 %08lx, %.1f ms)", name,
			 b->origin, params[0] ? " with " : "", params, b->size,
			 blob_crc32(b->data, b->size), elapsed_ms(t0));
	return r;
}

/* Raspberry Pi firmware applies config.txt's dtoverlay= lines before Linux starts:
 * such an overlay is in the booted tree already, and writing it to configfs again
 * would apply it twice. Returns 1 when the overlay is in effect. */
static int in_booted_tree(const struct live *live, const char *name,
			  const struct overlay_blob *b)
{
	char why[PATH_MAX + 320];
	unsigned same = 0;
	int r;

	if (!live->booted.fdt)
		return 0;
	r = livetree_check(&live->booted, name, b->data, b->size, why, sizeof(why), &same);
	if (r == 1) {
		log_info("overlay %s: in effect, applied before Linux started (the booted device "
			 "tree has it); not applied again",
			 name);
		return 1;
	}
	if (r == 0 && same > 0)
		log_warn("overlay %s: partly in the booted device tree already (%s); applying it "
			 "over that: if config.txt applies it with parameters, list it in one place "
			 "only",
			 name, why);
	else if (r < 0)
		log_debug("overlay %s: cannot compare it with the live tree: %s", name,
			  strerror(-r));
	return 0;
}

/* The PCIe controller reads max-link-speed only when it probes: on a firmware boot
 * with dtparam=pciex1=on that has happened before the initramfs starts. */
static void warn_probed(const struct context *ctx, const struct live *live, const char *name,
			const struct overlay_blob *b)
{
	char why[PATH_MAX + 320];

	if (!live->booted.fdt || livetree_probed(ctx, &live->booted, b->data, why, sizeof(why)) <= 0)
		return;
	log_warn("overlay %s: %s: drivers read that only when they probe, so it changes nothing "
		 "now; set it before Linux starts: dtparam=pciex1_gen=3 in config.txt, or a merged "
		 "DTB",
		 name, why);
}

/* mkdir found the item: a writer that does not take the lock made it since this
 * run looked. It is that writer's: look again, and touch nothing. */
static int raced(int dirfd, const char *name, const struct overlay_blob *b)
{
	enum overlay_state state = OVERLAY_ABSENT;
	int r = configfs_state(dirfd, name, &state);

	if (r == 0 && state == OVERLAY_APPLIED) {
		log_notice("overlay %s: another writer applied it meanwhile", name);
		return check_applied(dirfd, name, b);
	}
	log_err("overlay %s: another writer made its configfs item while this run was applying "
		"it (%s now); left alone: run 'overlay-slammer apply %s' again once that writer is "
		"done",
		name, r < 0 ? strerror(-r) : overlay_state_name(state), name);
	return -EEXIST;
}

/* The overlay as the kernel gets it: validated, with its parameters applied
 * (params.h). 1 when every fragment is dormant: nothing to write. */
static int prepare_one(const char *name, const char *params, struct overlay_blob *b)
{
	_cleanup_(prepared_freep) struct prepared p = { 0 };
	char why[PATH_MAX + 160];
	int r = overlay_prepare(b->data, b->size, params, &p, why, sizeof(why));

	if (r == -EDOM) {
		log_err("overlay %s: %s; not applied", name, why);
		return -EINVAL;
	}
	if (r == -ENOMEM) {
		log_err("overlay %s: out of memory applying its parameters; not applied", name);
		return r;
	}
	if (r < 0) {
		log_err("overlay %s: %s is not a valid overlay: %s; not applied", name, b->origin,
			why);
		return r;
	}
	free(b->data);
	b->data = p.data;
	b->size = p.size;
	p.data = NULL;
	if (p.info.fragments > 0)
		return 0;
	/* The kernel refuses an overlay without fragments: there is nothing to write. */
	log_info("overlay %s: every fragment is dormant%s: nothing to apply", name,
		 params[0] ? " with these parameters" : " (a parameter switches them on)");
	return 1;
}

static int apply_one(const struct context *ctx, int dirfd, const char *name,
		     const char *params, struct live *live)
{
	_cleanup_(overlay_blob_freep) struct overlay_blob b = { 0 };
	_cleanup_(dt_closep) struct dt trial = { 0 };
	enum overlay_state state;
	char why[PATH_MAX + 160];
	int r = overlay_read(ctx, name, &b, why, sizeof(why));

	if (r < 0) {
		log_err("overlay %s: %s; not applied", name, why);
		return r;
	}
	r = prepare_one(name, params, &b);
	if (r != 0)
		return r < 0 ? r : 0;
	r = configfs_state(dirfd, name, &state);
	if (r < 0) {
		log_err("overlay %s: cannot read its configfs state: %s", name, strerror(-r));
		return r;
	}
	if (state == OVERLAY_APPLIED)
		return check_applied(dirfd, name, &b);
	if (in_booted_tree(live, name, &b))
		return 0;
	/* Tried on a copy: the live copy takes it only once the kernel has. */
	if (live->dt.fdt) {
		r = dt_copy(&trial, &live->dt, why, sizeof(why));
		if (r == 0)
			r = dt_apply(&trial, b.data, b.size, why, sizeof(why));
		if (r == -ENOMEM) {
			log_err("overlay %s: out of memory while trying it on the live device tree; "
				"not applied",
				name);
			return r;
		}
		if (r < 0) {
			log_err("overlay %s does not fit this board's device tree: %s; not applied",
				name, why);
			return -EINVAL;
		}
	}
	if (state == OVERLAY_UNAPPLIED) {
		log_info("overlay %s: removing an unapplied item left behind", name);
		r = configfs_remove(dirfd, name);
		if (r < 0) {
			log_err("overlay %s: cannot remove the unapplied item: %s", name,
				strerror(-r));
			return r;
		}
	}
	warn_probed(ctx, live, name, &b);
	r = write_overlay(dirfd, name, &b, params);
	if (r == -EEXIST)
		return raced(dirfd, name, &b);
	if (r == 0 && trial.fdt) {
		dt_close(&live->dt);
		live->dt = trial;
		trial = (struct dt){ 0 };
	}
	return r;
}

static int apply_all(const struct context *ctx, const struct name_list *names)
{
	_cleanup_(closep) int dirfd = -1;
	_cleanup_(live_close) struct live live = { 0 };
	unsigned done = 0;
	uint64_t t0 = now_usec();
	int r = open_overlays(ctx, &dirfd);

	if (r == -ENODEV)
		return check_merged(ctx, names);
	if (r < 0 || lock_overlays(ctx, dirfd) < 0)
		return EXIT_FAILED;
	open_live_tree(ctx, &live);
	replay_applied(ctx, dirfd, &live.dt);
	for (size_t i = 0; i < names->n; i++) {
		if (apply_one(ctx, dirfd, names->names[i], names->params[i], &live) == 0)
			done++;
		else if (ctx->cfg.strict)
			break;
	}
	log_info("overlays: %u of %zu in place (%.1f ms)", done, names->n, elapsed_ms(t0));
	return done == names->n ? EXIT_OK : EXIT_FAILED;
}

int action_apply(const struct context *ctx, const struct name_list *names)
{
	return apply_all(ctx, names->n ? names : &ctx->cfg.overlays);
}

int action_remove(const struct context *ctx, const struct name_list *names)
{
	const struct name_list *list = names->n ? names : &ctx->cfg.overlays;
	_cleanup_(closep) int dirfd = -1;
	int r = open_overlays(ctx, &dirfd), status = EXIT_OK;

	if (r == -ENODEV) {
		log_no_interface(false);
		return EXIT_NO_INTERFACE;
	}
	if (r < 0 || lock_overlays(ctx, dirfd) < 0)
		return EXIT_FAILED;
	/* Overlays stack: the last one applied comes off first. */
	for (size_t i = list->n; i-- > 0;) {
		const char *name = list->names[i];
		enum overlay_state state;

		r = configfs_state(dirfd, name, &state);
		if (r == 0 && state == OVERLAY_ABSENT) {
			log_info("overlay %s not present", name);
			continue;
		}
		if (r == 0)
			r = configfs_remove(dirfd, name);
		if (r < 0) {
			log_err("overlay %s: cannot remove it: %s", name, strerror(-r));
			status = EXIT_FAILED;
			continue;
		}
		log_info("removed overlay %s", name);
	}
	return status;
}

/* libkmod that runs out of memory on a corrupt index (a loop that grows a buffer
 * until the step's bound stops it) reports the module as not found. Then the
 * index is to blame, and the rest of the step would go the same way. */
static bool index_exhausted(const struct context *ctx, const struct modules *m)
{
	const char *kver = modules_kernel_version(m);

	if (!bounded_memory_spent())
		return false;
	log_err("the module step ran out of its %zu MiB inside libkmod: the kernel's module "
		"index in %s/lib/modules/%s is corrupt: run 'depmod %s' and rebuild the "
		"initramfs; the modules after that point were not loaded",
		MODULES_STEP_MEM >> 20, root_is_fake(ctx->root) ? ctx->root : "", kver, kver);
	return true;
}

static int load_one(struct modules *m, const struct context *ctx, const char *name)
{
	enum module_outcome outcome;
	uint64_t t0 = now_usec();
	int r = modules_load(m, name, &ctx->cfg.blacklist, &outcome);

	if (r == -ENOENT && index_exhausted(ctx, m))
		return -ENOMEM;
	if (r == -ENOENT) {
		log_warn("module %s not found for kernel %s: install its package and rebuild the "
			 "initramfs",
			 name, modules_kernel_version(m));
		return r;
	}
	if (r < 0) {
		log_err("module %s: the kernel refused it: %s (see dmesg)", name, strerror(-r));
		return r;
	}
	switch (outcome) {
	case MODULE_INSERTED:
		log_info("loaded module %s (%.1f ms)", name, elapsed_ms(t0));
		break;
	case MODULE_WAS_LOADED:
		log_info("module %s already loaded", name);
		break;
	case MODULE_WOULD_LOAD:
		break;
	case MODULE_BLACKLISTED:
		log_notice("module %s is blacklisted; not loaded", name);
		break;
	}
	return 0;
}

/* Missing modules are warnings: the overlays may still do their part. */
static int load_modules(const struct context *ctx, struct modules *m)
{
	int status = EXIT_OK;

	for (size_t i = 0; i < ctx->cfg.modules.n; i++) {
		int r = load_one(m, ctx, ctx->cfg.modules.names[i]);

		if (r == -ENOMEM)
			return EXIT_FAILED;
		if (r < 0 && r != -ENOENT) {
			status = EXIT_FAILED;
			if (ctx->cfg.strict)
				break;
		}
	}
	return status;
}

/* configfs may be a module; the kernel creates its mount point when it registers. */
static void ensure_configfs(const struct context *ctx, struct modules *m)
{
	char path[PATH_MAX];
	enum module_outcome outcome;
	int r;

	if (context_path(ctx, CONFIGFS_MOUNT, path, sizeof(path)) < 0 || path_exists(path))
		return;
	r = modules_load(m, "configfs", &ctx->cfg.blacklist, &outcome);
	if (r == -ENOENT)
		log_debug("no configfs module: the kernel has configfs built in, or none");
	else if (r < 0)
		log_warn("cannot load the configfs module: %s", strerror(-r));
	else if (outcome == MODULE_BLACKLISTED)
		log_warn("the configfs module is blacklisted; the overlay interface needs it");
}

/* Everything libkmod does at boot. Run by bounded_run, in a child process. */
struct module_step {
	const struct context *ctx;
};

static int module_step(void *arg)
{
	const struct module_step *step = arg;
	const struct context *ctx = step->ctx;
	struct modules *m = NULL;
	char kver[KVER_MAX];
	int r = modules_kernel_release(ctx->root, kver, sizeof(kver)), status;

	if (r < 0) {
		char path[PATH_MAX], why[PATH_MAX + 64];

		if (root_is_fake(ctx->root) &&
		    context_path(ctx, "/proc/sys/kernel/osrelease", path, sizeof(path)) == 0)
			read_error(why, sizeof(why), path, r, sizeof(kver) - 1);
		else
			snprintf(why, sizeof(why), "%s", strerror(-r));
		log_err("cannot tell which kernel's modules to load (%s); modules not loaded", why);
		return EXIT_FAILED;
	}
	r = modules_open(&m, ctx->root, root_is_fake(ctx->root));
	if (r < 0) {
		log_err("cannot read the module tree of kernel %s: %s; modules not loaded", kver,
			r == -ENOMEM ? "out of memory" : strerror(-r));
		return EXIT_FAILED;
	}
	status = load_modules(ctx, m);
	if (!bounded_memory_spent())
		ensure_configfs(ctx, m);
	modules_close(m);
	return status;
}

/* libkmod trusts the module index: a corrupt one crashes it, or sends it round a
 * loop that allocates without end (so does Debian's modprobe). Bounded, that costs
 * the module step one line, and the overlays still get their turn. */
static int run_module_step(const struct context *ctx)
{
	unsigned limit = at_least(ctx->cfg.timeout_s, MODULES_STEP_MIN_S);
	struct module_step step = { ctx };
	struct bounded_result res;
	char kver[80], dir[PATH_MAX + 96];
	int r = bounded_run(module_step, &step, limit, MODULES_STEP_MEM, &res);

	if (r < 0) {
		log_warn("cannot start the module step in a process of its own (%s); running it "
			 "unbounded",
			 strerror(-r));
		return module_step(&step);
	}
	if (res.end == BOUNDED_EXITED)
		return res.status == EXIT_OK ? EXIT_OK : EXIT_FAILED;
	if (modules_kernel_release(ctx->root, kver, sizeof(kver)) < 0)
		snprintf(kver, sizeof(kver), "KVER");
	snprintf(dir, sizeof(dir), "%s/lib/modules/%s",
		 root_is_fake(ctx->root) ? ctx->root : "", kver);
	if (res.end == BOUNDED_CRASHED)
		log_err("the module step crashed inside libkmod (%s): the kernel's module index "
			"in %s is corrupt: run 'depmod %s' and rebuild the initramfs; the "
			"modules after that point were not loaded",
			strsignal(res.signal), dir, kver);
	else
		log_err("the module step did not finish within %u s and was stopped: libkmod "
			"reading a corrupt module index in %s, or a module's init hanging (see "
			"dmesg): run 'depmod %s' and rebuild the initramfs",
			limit, dir, kver);
	return EXIT_FAILED;
}

int action_boot(const struct context *ctx)
{
	uint64_t t0 = now_usec();
	int status;

	if (!ctx->cfg.enable) {
		log_info("disabled (rd.rpi_hw=0 or enable=0); nothing to do");
		return EXIT_OK;
	}
	log_info("boot: modules %zu, overlays %zu%s", ctx->cfg.modules.n, ctx->cfg.overlays.n,
		 ctx->cfg.strict ? ", strict" : "");
	status = run_module_step(ctx);
	if (status == EXIT_OK || !ctx->cfg.strict) {
		int r = apply_all(ctx, &ctx->cfg.overlays);

		if (r != EXIT_OK)
			status = r;
	}
	log_info("boot: %s (%.1f ms)", status == EXIT_OK ? "done" : "finished with errors",
		 elapsed_ms(t0));
	return status;
}
