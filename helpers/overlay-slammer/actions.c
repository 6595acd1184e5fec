// SPDX-License-Identifier: GPL-2.0-or-later
#include "actions.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "configfs.h"
#include "dtbo.h"
#include "fsutil.h"
#include "livetree.h"
#include "log.h"
#include "modules.h"
#include "source.h"
#include "util.h"

static void blob_freep(struct overlay_blob *b)
{
	overlay_blob_free(b);
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

	if (r != -ENODEV || !ctx->real_root)
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

/* Without the configfs interface the overlays can still be in effect: merged into
 * the DTB the bootloader handed the kernel. The live tree says whether they are. */
static int check_merged(const struct context *ctx, const struct name_list *names)
{
	size_t in = 0;
	uint64_t t0 = now_usec();
	bool tree = livetree_present(ctx);

	if (!tree) {
		log_debug("no live device tree at %s: no merged DTB to check", LIVE_TREE);
	} else {
		for (size_t i = 0; i < names->n; i++) {
			const char *name = names->names[i];
			char why[PATH_MAX + 320];
			int r = livetree_overlay(ctx, name, why, sizeof(why));

			if (r == 1) {
				log_info("overlay %s: merged DTB in effect", name);
				in++;
			} else if (r == 0) {
				log_warn("overlay %s: not in effect: %s", name, why);
			} else {
				log_warn("overlay %s: cannot check the live device tree: %s", name, why);
			}
		}
	}
	if (names->n > 0 && in == names->n) {
		log_info("overlays: %zu of %zu in effect through the merged DTB (%.1f ms)", in,
			 names->n, elapsed_ms(t0));
		return EXIT_OK;
	}
	log_no_interface(tree && names->n > 0);
	return EXIT_NO_INTERFACE;
}

/* The tree the firmware handed the kernel: overlays are tried against a copy of it
 * before the kernel sees them. Without __symbols__ no label can be resolved, so
 * there is nothing to check against. */
static void open_live_tree(const struct context *ctx, struct dt *live)
{
	_cleanup_(closep) int fd = -1;
	_cleanup_(freep) void *buf = NULL;
	char path[PATH_MAX], why[160];
	size_t len;

	live->fdt = NULL;
	if (context_path(ctx, "/sys/firmware/fdt", path, sizeof(path)) < 0)
		return;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || read_fd_whole(fd, DTB_SIZE_MAX, &buf, &len) < 0)
		return;
	if (dt_open(live, buf, len, why, sizeof(why)) < 0) {
		log_warn("live device tree %s unusable (%s); overlays not pre-checked", path, why);
		return;
	}
	if (!dt_has_symbols(live)) {
		log_debug("live device tree has no __symbols__; overlays not pre-checked");
		dt_close(live);
	}
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

static int write_overlay(int dirfd, const char *name, const struct overlay_blob *b)
{
	uint64_t t0 = now_usec();
	int r = configfs_apply(dirfd, name, b->data, b->size);

	if (r == -EBADMSG)
		log_err("overlay %s: the kernel did not apply it (status stays 'unapplied'; see "
			"dmesg); its directory was removed",
			name);
	else if (r < 0)
		log_err("overlay %s: cannot write it to configfs: %s", name, strerror(-r));
	else
		log_info("applied overlay %s from %s (%zu bytes, sha256 %.16s, %.1f ms)", name,
			 b->origin, b->size, b->sha256, elapsed_ms(t0));
	return r;
}

/* What the kernel booted with (ROOT/proc/device-tree) and a copy of its flattened
 * tree (/sys/firmware/fdt) to try each overlay on before the kernel sees it. */
struct live {
	int tree_fd; /* negative: no live tree to look at */
	struct dt dt;
};

static void live_close(struct live *l)
{
	closep(&l->tree_fd);
	dt_close(&l->dt);
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

	if (live->tree_fd < 0)
		return 0;
	r = livetree_check(live->tree_fd, b->data, why, sizeof(why), &same);
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

	if (live->tree_fd < 0 || livetree_probed(ctx, live->tree_fd, b->data, why, sizeof(why)) <= 0)
		return;
	log_warn("overlay %s: %s: drivers read that only when they probe, so it changes nothing "
		 "now; set it before Linux starts: dtparam=pciex1_gen=3 in config.txt, or a merged "
		 "DTB",
		 name, why);
}

static int apply_one(const struct context *ctx, int dirfd, const char *name, struct live *live)
{
	_cleanup_(blob_freep) struct overlay_blob b = { 0 };
	enum overlay_state state;
	char why[PATH_MAX + 160];
	int r = overlay_read(ctx, name, &b, why, sizeof(why));

	if (r < 0) {
		log_err("overlay %s: %s; not applied", name, why);
		return r;
	}
	r = dtbo_validate(b.data, b.size, NULL, why, sizeof(why));
	if (r < 0) {
		log_err("overlay %s: %s is not a valid overlay: %s; not applied", name, b.origin,
			why);
		return r;
	}
	r = configfs_state(dirfd, name, &state);
	if (r < 0) {
		log_err("overlay %s: cannot read its configfs state: %s", name, strerror(-r));
		return r;
	}
	if (state == OVERLAY_APPLIED)
		return check_applied(dirfd, name, &b);
	if (in_booted_tree(live, name, &b))
		return 0;
	if (live->dt.fdt && dt_apply(&live->dt, b.data, b.size, why, sizeof(why)) < 0) {
		log_err("overlay %s does not fit this board's device tree: %s; not applied", name,
			why);
		return -EINVAL;
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
	return write_overlay(dirfd, name, &b);
}

static int apply_all(const struct context *ctx, const struct name_list *names)
{
	_cleanup_(closep) int dirfd = -1;
	_cleanup_(live_close) struct live live = { .tree_fd = -1 };
	unsigned done = 0;
	uint64_t t0 = now_usec();
	int r = open_overlays(ctx, &dirfd);

	if (r == -ENODEV)
		return check_merged(ctx, names);
	if (r < 0)
		return EXIT_FAILED;
	open_live_tree(ctx, &live.dt);
	live.tree_fd = livetree_open(ctx);
	for (size_t i = 0; i < names->n; i++) {
		if (apply_one(ctx, dirfd, names->names[i], &live) == 0)
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
	if (r < 0)
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

static void modules_closep(struct modules **m)
{
	modules_close(*m);
}

static int load_one(struct modules *m, const struct context *ctx, const char *name)
{
	enum module_outcome outcome;
	uint64_t t0 = now_usec();
	int r = modules_load(m, name, &ctx->cfg.blacklist, &outcome);

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

int action_boot(const struct context *ctx)
{
	_cleanup_(modules_closep) struct modules *m = NULL;
	uint64_t t0 = now_usec();
	int r, status;

	if (!ctx->cfg.enable) {
		log_info("disabled (rd.rpi_hw=0 or enable=0); nothing to do");
		return EXIT_OK;
	}
	log_info("boot: modules %zu, overlays %zu%s", ctx->cfg.modules.n, ctx->cfg.overlays.n,
		 ctx->cfg.strict ? ", strict" : "");
	r = modules_open(&m, ctx->root, !ctx->real_root);
	if (r < 0) {
		log_err("cannot read the kernel module tree: %s; modules not loaded", strerror(-r));
		status = EXIT_FAILED;
	} else {
		status = load_modules(ctx, m);
		ensure_configfs(ctx, m);
	}
	if (status == EXIT_OK || !ctx->cfg.strict) {
		r = apply_all(ctx, &ctx->cfg.overlays);
		if (r != EXIT_OK)
			status = r;
	}
	log_info("boot: %s (%.1f ms)", status == EXIT_OK ? "done" : "finished with errors",
		 elapsed_ms(t0));
	return status;
}
