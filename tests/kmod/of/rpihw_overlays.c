// SPDX-License-Identifier: GPL-2.0
/*
 * rpihw_overlays (real engine): the configfs overlay interface of Raspberry Pi
 * kernels (drivers/of/configfs.c there), for kernels that have the kernel's own
 * device-tree overlay engine (CONFIG_OF_OVERLAY) but not that interface, such
 * as Debian's 7.x arm64 kernels. Test-only: tests/vm-of boots with it.
 *
 *   /sys/kernel/config/device-tree/overlays/NAME/{dtbo,path,status}
 *
 * The interface's semantics, as the Raspberry Pi driver has them:
 *   - configfs buffers dtbo (1 MiB at most: EFBIG beyond) and hands the whole
 *     blob over when the writer closes the file; what the write returns is not
 *     returned to close(), so only "status" and the kernel log tell;
 *   - dtbo and path are write-once: a second write while the item holds an
 *     overlay gets EPERM; a refused blob leaves the item empty;
 *   - path names a firmware file, loaded with request_firmware();
 *   - status reads "applied" or "unapplied";
 *   - rmdir removes the overlay; overlays form a stack, and the kernel refuses
 *     to remove one that a later overlay builds on.
 *
 * Apply and remove are the kernel's of_overlay_fdt_apply() and
 * of_overlay_remove(): the kernel unflattens the blob, resolves its __fixups__
 * against the live tree's __symbols__, refuses what it refuses, and changes
 * the live tree (/proc/device-tree shows it). A fragment that sets status =
 * "okay" on a disabled node makes the kernel create that node's platform
 * device, whose driver then probes; removal undoes it.
 *
 * Nothing here simulates hardware: there is no PCI gate, no label table and no
 * blob parser of this module's own.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/configfs.h>
#include <linux/err.h>
#include <linux/firmware.h>
#include <linux/limits.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/of.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>

/* Without the interface nothing is registered: a kernel without it. */
static bool interface = true;
module_param(interface, bool, 0444);
MODULE_PARM_DESC(interface, "provide device-tree/overlays in configfs (default 1)");

/* Applied and removed overlays, so a test can tell that a run changed nothing. */
static unsigned int changes;
module_param(changes, uint, 0444);
MODULE_PARM_DESC(changes, "overlays applied plus overlays removed since load (read only)");

struct ovl_item {
	struct config_item item;
	char *name;		/* configfs frees its copy before release */
	char path[PATH_MAX];
	void *dtbo;		/* the blob written to dtbo, for reading it back */
	size_t dtbo_size;
	int ovcs_id;		/* the kernel's changeset, 0: none */
};

/* Guards every item; the kernel serialises overlay changesets itself. */
static DEFINE_MUTEX(ovl_lock);

static struct ovl_item *to_ovl(struct config_item *item)
{
	return container_of(item, struct ovl_item, item);
}

/* Called with ovl_lock held. */
static int ovl_apply(struct ovl_item *ov, const void *blob, size_t size)
{
	const char *name = ov->name;
	int id = 0, r;

	if (size > U32_MAX)
		return -EFBIG;
	r = of_overlay_fdt_apply(blob, size, &id, NULL);
	if (r) {
		/* A changeset that failed half-way is taken back as a whole. */
		if (id)
			of_overlay_remove(&id);
		pr_err("overlay %s: the kernel refused it (%d): status stays unapplied\n", name, r);
		return r;
	}
	ov->ovcs_id = id;
	changes++;
	pr_info("overlay %s applied by the kernel (changeset %d, %zu bytes)\n", name, id, size);
	return 0;
}

/* Called with ovl_lock held. */
static void ovl_remove(struct ovl_item *ov)
{
	const char *name = ov->name;
	int id = ov->ovcs_id, r;

	if (!id)
		return;
	r = of_overlay_remove(&id);
	if (r) {
		pr_err("overlay %s: the kernel refused to remove changeset %d (%d): remove in reverse order\n",
		       name, ov->ovcs_id, r);
		return;
	}
	ov->ovcs_id = 0;
	changes++;
	pr_info("overlay %s removed by the kernel\n", name);
}

/* Another write after a successful one is refused, as the Raspberry Pi driver does. */
static int ovl_check_empty(struct ovl_item *ov, const char *attr)
{
	if (!ov->ovcs_id && !ov->path[0])
		return 0;
	pr_err("overlay %s: %s refused, the item already holds an overlay (rmdir it first)\n",
	       ov->name, attr);
	return -EPERM;
}

static ssize_t ovl_item_path_show(struct config_item *item, char *page)
{
	struct ovl_item *ov = to_ovl(item);
	ssize_t n;

	mutex_lock(&ovl_lock);
	n = sysfs_emit(page, "%s\n", ov->path);
	mutex_unlock(&ovl_lock);
	return n;
}

static ssize_t ovl_item_path_store(struct config_item *item, const char *page, size_t count)
{
	struct ovl_item *ov = to_ovl(item);
	const struct firmware *fw;
	char *path;
	size_t n = strcspn(page, "\n");
	int r;

	if (n == 0 || n >= sizeof(ov->path))
		return -EINVAL;
	path = kmemdup_nul(page, n, GFP_KERNEL);
	if (!path)
		return -ENOMEM;
	mutex_lock(&ovl_lock);
	r = ovl_check_empty(ov, "path");
	mutex_unlock(&ovl_lock);
	if (r)
		goto out;
	/* Outside the lock: the firmware loader may take a while. */
	r = request_firmware(&fw, path, NULL);
	if (r) {
		pr_err("overlay %s: cannot load firmware %s (%d)\n", ov->name, path, r);
		goto out;
	}
	mutex_lock(&ovl_lock);
	r = ovl_check_empty(ov, "path");
	if (!r)
		r = ovl_apply(ov, fw->data, fw->size);
	if (!r)
		strscpy(ov->path, path, sizeof(ov->path));
	mutex_unlock(&ovl_lock);
	release_firmware(fw);
out:
	kfree(path);
	return r ? r : count;
}

static ssize_t ovl_item_status_show(struct config_item *item, char *page)
{
	struct ovl_item *ov = to_ovl(item);
	ssize_t n;

	mutex_lock(&ovl_lock);
	n = sysfs_emit(page, "%s\n", ov->ovcs_id ? "applied" : "unapplied");
	mutex_unlock(&ovl_lock);
	return n;
}

/* configfs asks for the size with a NULL buffer first, then for the bytes. */
static ssize_t ovl_item_dtbo_read(struct config_item *item, void *buf, size_t max)
{
	struct ovl_item *ov = to_ovl(item);
	ssize_t n;

	mutex_lock(&ovl_lock);
	n = ov->dtbo ? ov->dtbo_size : 0;
	if (buf && n > 0) {
		if ((size_t)n > max)
			n = -ENOSPC;
		else
			memcpy(buf, ov->dtbo, n);
	}
	mutex_unlock(&ovl_lock);
	return n;
}

/* Runs when the writer closes the file; configfs ignores what it returns. */
static ssize_t ovl_item_dtbo_write(struct config_item *item, const void *buf, size_t count)
{
	struct ovl_item *ov = to_ovl(item);
	void *copy;
	int r;

	copy = kvmemdup(buf, count, GFP_KERNEL);
	if (!copy)
		return -ENOMEM;
	mutex_lock(&ovl_lock);
	r = ovl_check_empty(ov, "dtbo");
	if (!r)
		r = ovl_apply(ov, copy, count);
	if (!r) {
		ov->dtbo = copy;
		ov->dtbo_size = count;
		copy = NULL;
	}
	mutex_unlock(&ovl_lock);
	kvfree(copy);
	return r ? r : count;
}

CONFIGFS_ATTR(ovl_item_, path);
CONFIGFS_ATTR_RO(ovl_item_, status);
CONFIGFS_BIN_ATTR(ovl_item_, dtbo, NULL, SZ_1M);

static struct configfs_attribute *ovl_item_attrs[] = {
	&ovl_item_attr_path,
	&ovl_item_attr_status,
	NULL,
};

static struct configfs_bin_attribute *ovl_item_bin_attrs[] = {
	&ovl_item_attr_dtbo,
	NULL,
};

static void ovl_item_release(struct config_item *item)
{
	struct ovl_item *ov = to_ovl(item);

	mutex_lock(&ovl_lock);
	ovl_remove(ov);
	mutex_unlock(&ovl_lock);
	kvfree(ov->dtbo);
	kfree(ov->name);
	kfree(ov);
}

static struct configfs_item_operations ovl_item_ops = {
	.release = ovl_item_release,
};

static const struct config_item_type ovl_item_type = {
	.ct_item_ops = &ovl_item_ops,
	.ct_attrs = ovl_item_attrs,
	.ct_bin_attrs = ovl_item_bin_attrs,
	.ct_owner = THIS_MODULE,
};

static struct config_item *ovl_make_item(struct config_group *group, const char *name)
{
	struct ovl_item *ov = kzalloc(sizeof(*ov), GFP_KERNEL);

	if (!ov)
		return ERR_PTR(-ENOMEM);
	ov->name = kstrdup(name, GFP_KERNEL);
	if (!ov->name) {
		kfree(ov);
		return ERR_PTR(-ENOMEM);
	}
	config_item_init_type_name(&ov->item, name, &ovl_item_type);
	return &ov->item;
}

static void ovl_drop_item(struct config_group *group, struct config_item *item)
{
	config_item_put(item);
}

static struct configfs_group_operations ovl_group_ops = {
	.make_item = ovl_make_item,
	.drop_item = ovl_drop_item,
};

static const struct config_item_type ovl_group_type = {
	.ct_group_ops = &ovl_group_ops,
	.ct_owner = THIS_MODULE,
};

static const struct config_item_type ovl_subsys_type = {
	.ct_owner = THIS_MODULE,
};

static struct config_group ovl_group;

static struct configfs_subsystem ovl_subsys = {
	.su_group = {
		.cg_item = {
			.ci_namebuf = "device-tree",
			.ci_type = &ovl_subsys_type,
		},
	},
};

static int __init ovl_init(void)
{
	int r;

	if (!interface) {
		pr_info("interface=0: nothing in configfs\n");
		return 0;
	}
	config_group_init(&ovl_subsys.su_group);
	config_group_init_type_name(&ovl_group, "overlays", &ovl_group_type);
	configfs_add_default_group(&ovl_group, &ovl_subsys.su_group);
	mutex_init(&ovl_subsys.su_mutex);
	r = configfs_register_subsystem(&ovl_subsys);
	if (r) {
		pr_err("cannot register configfs subsystem device-tree: %d\n", r);
		return r;
	}
	pr_info("configfs overlay interface device-tree/overlays ready: the kernel's overlay engine (of_overlay_fdt_apply)\n");
	return 0;
}

static void __exit ovl_exit(void)
{
	if (interface)
		configfs_unregister_subsystem(&ovl_subsys);
}

module_init(ovl_init);
module_exit(ovl_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("rpi-hardware test module: configfs device-tree overlay interface on the kernel's overlay engine");
