// SPDX-License-Identifier: GPL-2.0
/*
 * rpihw_overlays: test stand-in for the configfs overlay interface of Raspberry
 * Pi kernels, for machines whose kernel has no device tree to overlay (x86).
 *
 *   /sys/kernel/config/device-tree/overlays/NAME/{dtbo,path,status}
 *
 * It keeps the interface's semantics: the dtbo blob is buffered by configfs and
 * applied when the writer closes the file, so close() succeeds even when the
 * overlay is rejected and only "status" tells; dtbo and path are write-once
 * while applied; the buffer is capped at 1 MiB; rmdir removes the overlay.
 *
 * In place of a live tree there is a table of labels: the base tree's (module
 * parameter base_labels) plus those each applied overlay defines in its
 * __symbols__. An overlay whose __fixups__ name a label not in the table is
 * rejected, as the kernel's resolver rejects it, so an overlay that refers to a
 * label the Cruiser overlay defines applies only after the Cruiser overlay.
 *
 * The PCIe x1 port is down until an overlay enables it: at load the module
 * takes the real PCI devices that stand for the slot's card off the bus (see
 * ovl_pci.c); an applied overlay with a fragment that targets pcie1 or pciex1
 * and sets status = "okay" brings the port up, and the kernel scans the bus and
 * announces the card; removing that overlay takes the port down again.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/configfs.h>
#include <linux/err.h>
#include <linux/firmware.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "ovl.h"

static char *base_labels = "pcie1,pciex1,pcie2,rp1,rp1_gpio,uart0,uart2,i2c0,spi0";
module_param(base_labels, charp, 0444);
MODULE_PARM_DESC(base_labels, "comma separated labels of the simulated base tree");

/* Without the interface the module only keeps the port down: a kernel without it. */
static bool interface = true;
module_param(interface, bool, 0444);
MODULE_PARM_DESC(interface, "provide device-tree/overlays in configfs (default 1); 0: only the PCIe x1 port");

/* Applied and removed overlays, so a test can tell that a run changed nothing. */
static unsigned int changes;
module_param(changes, uint, 0444);
MODULE_PARM_DESC(changes, "overlays applied plus overlays removed since load (read only)");

struct ovl_item {
	struct config_item item;
	struct list_head node;		/* on ovl_applied while applied */
	char path[OVL_PATH_MAX];
	void *blob;
	size_t size;
	struct ovl_info *info;
	bool port_owner;		/* it brought the PCIe x1 port up */
	bool applied;
};

/* Guards ovl_applied (the stack, in order of application) and every item. */
static DEFINE_MUTEX(ovl_lock);
static LIST_HEAD(ovl_applied);

static struct ovl_item *to_ovl(struct config_item *item)
{
	return container_of(item, struct ovl_item, item);
}

bool ovl_label_in_list(const char *list, const char *label)
{
	size_t n = strlen(label);
	const char *p = list;

	while (p && *p) {
		const char *end = strchrnul(p, ',');

		if ((size_t)(end - p) == n && memcmp(p, label, n) == 0)
			return true;
		p = *end ? end + 1 : end;
	}
	return false;
}

static bool label_known(const char *label)
{
	struct ovl_item *ov;
	unsigned int i;

	if (ovl_label_in_list(base_labels, label))
		return true;
	list_for_each_entry(ov, &ovl_applied, node)
		for (i = 0; i < ov->info->n_symbols; i++)
			if (strcmp(ov->info->symbol[i], label) == 0)
				return true;
	return false;
}

static int check_fragment(const struct ovl_fragment *f, char *why, size_t size)
{
	if (f->target_label[0])
		return 0;
	if (f->has_target) {
		snprintf(why, size, "%s: target phandle 0x%x is not in the live tree", f->node,
			 f->target);
		return -EINVAL;
	}
	if (f->has_target_path) {
		if (strcmp(f->target_path, "/") == 0)
			return 0;
		snprintf(why, size, "%s: target-path '%s' is not in the live tree", f->node,
			 f->target_path);
		return -EINVAL;
	}
	snprintf(why, size, "%s has no target or target-path", f->node);
	return -EINVAL;
}

/* What the kernel's resolver and changeset builder would refuse. */
static int ovl_resolve(const struct ovl_info *info, char *why, size_t size)
{
	unsigned int i, fragments = 0;
	int r;

	for (i = 0; i < info->n_fragments; i++) {
		if (!info->fragment[i].has_overlay)
			continue;
		fragments++;
		r = check_fragment(&info->fragment[i], why, size);
		if (r)
			return r;
	}
	if (fragments == 0 && info->n_symbols == 0) {
		snprintf(why, size, "no fragments with an __overlay__ node");
		return -EINVAL;
	}
	for (i = 0; i < info->n_fixups; i++) {
		if (!label_known(info->fixup[i])) {
			snprintf(why, size,
				 "label '%s' is not in the live tree's __symbols__ (apply the overlay that defines it first)",
				 info->fixup[i]);
			return -EINVAL;
		}
	}
	return 0;
}

/* Called with ovl_lock held. */
static int ovl_apply(struct ovl_item *ov, const void *blob, size_t size)
{
	const char *name = config_item_name(&ov->item);
	char why[OVL_WHY_MAX] = "";
	struct ovl_info *info;
	void *copy = NULL;
	int r;

	info = kzalloc(sizeof(*info), GFP_KERNEL);
	if (!info)
		return -ENOMEM;
	r = ovl_fdt_parse(blob, size, info, why, sizeof(why));
	if (!r)
		r = ovl_resolve(info, why, sizeof(why));
	if (!r) {
		copy = kvmalloc(size, GFP_KERNEL);
		if (!copy)
			r = -ENOMEM;
	}
	if (r) {
		pr_err("overlay %s rejected (%d): %s\n", name, r, why[0] ? why : "out of memory");
		kvfree(copy);
		kfree(info);
		return r;
	}
	memcpy(copy, blob, size);
	ov->blob = copy;
	ov->size = size;
	ov->info = info;
	ov->applied = true;
	list_add_tail(&ov->node, &ovl_applied);
	changes++;
	if (info->port) {
		if (ovl_port_is_up()) {
			pr_info("overlay %s enables the PCIe x1 port, which is up already\n", name);
		} else {
			ovl_port_up(name);
			ov->port_owner = true;
		}
	}
	pr_info("overlay %s applied (%zu bytes, %u fragments, %u labels defined)\n", name, size,
		info->n_fragments, info->n_symbols);
	return 0;
}

static void ovl_remove(struct ovl_item *ov)
{
	const char *name = config_item_name(&ov->item);

	mutex_lock(&ovl_lock);
	if (ov->applied) {
		if (!list_is_last(&ov->node, &ovl_applied))
			pr_warn("overlay %s removed while overlays applied after it remain: remove in reverse order\n",
				name);
		if (ov->port_owner)
			ovl_port_down(name);
		ov->port_owner = false;
		list_del_init(&ov->node);
		ov->applied = false;
		changes++;
		pr_info("overlay %s removed\n", name);
	}
	mutex_unlock(&ovl_lock);
}

/* Another write after a successful one is refused, as the kernel's driver does. */
static int ovl_check_empty(struct ovl_item *ov, const char *attr)
{
	if (!ov->applied && !ov->path[0])
		return 0;
	pr_err("overlay %s: %s refused, the item already holds an overlay (rmdir it first)\n",
	       config_item_name(&ov->item), attr);
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
	char path[OVL_PATH_MAX];
	size_t n = strcspn(page, "\n");
	int r;

	if (n == 0 || n >= sizeof(path))
		return -EINVAL;
	memcpy(path, page, n);
	path[n] = '\0';
	mutex_lock(&ovl_lock);
	r = ovl_check_empty(ov, "path");
	mutex_unlock(&ovl_lock);
	if (r)
		return r;
	/* Outside the lock: the firmware loader may take a while. */
	r = request_firmware(&fw, path, NULL);
	if (r) {
		pr_err("overlay %s: cannot load firmware %s (%d)\n", config_item_name(item), path, r);
		return r;
	}
	mutex_lock(&ovl_lock);
	r = ovl_check_empty(ov, "path");
	if (!r)
		r = ovl_apply(ov, fw->data, fw->size);
	if (!r)
		strscpy(ov->path, path, sizeof(ov->path));
	mutex_unlock(&ovl_lock);
	release_firmware(fw);
	if (r)
		return r;
	return count;
}

static ssize_t ovl_item_status_show(struct config_item *item, char *page)
{
	struct ovl_item *ov = to_ovl(item);
	ssize_t n;

	mutex_lock(&ovl_lock);
	n = sysfs_emit(page, "%s\n", ov->applied ? "applied" : "unapplied");
	mutex_unlock(&ovl_lock);
	return n;
}

/* configfs asks for the size with a NULL buffer first, then for the bytes. */
static ssize_t ovl_item_dtbo_read(struct config_item *item, void *buf, size_t max)
{
	struct ovl_item *ov = to_ovl(item);
	ssize_t n;

	mutex_lock(&ovl_lock);
	n = ov->applied ? ov->size : 0;
	if (buf && n > 0) {
		if ((size_t)n > max)
			n = -ENOSPC;
		else
			memcpy(buf, ov->blob, n);
	}
	mutex_unlock(&ovl_lock);
	return n;
}

/* Runs when the writer closes the file; configfs ignores what it returns. */
static ssize_t ovl_item_dtbo_write(struct config_item *item, const void *buf, size_t count)
{
	struct ovl_item *ov = to_ovl(item);
	int r;

	mutex_lock(&ovl_lock);
	r = ovl_check_empty(ov, "dtbo");
	if (!r)
		r = ovl_apply(ov, buf, count);
	mutex_unlock(&ovl_lock);
	if (r)
		return r;
	return count;
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

	kvfree(ov->blob);
	kfree(ov->info);
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
	INIT_LIST_HEAD(&ov->node);
	config_item_init_type_name(&ov->item, name, &ovl_item_type);
	return &ov->item;
}

static void ovl_drop_item(struct config_group *group, struct config_item *item)
{
	ovl_remove(to_ovl(item));
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

	mutex_lock(&ovl_lock);
	r = ovl_port_init();
	mutex_unlock(&ovl_lock);
	if (r)
		return r;
	if (!interface) {
		pr_info("interface=0: nothing in configfs, only the PCIe x1 port\n");
		return 0;
	}
	config_group_init(&ovl_subsys.su_group);
	config_group_init_type_name(&ovl_group, "overlays", &ovl_group_type);
	configfs_add_default_group(&ovl_group, &ovl_subsys.su_group);
	mutex_init(&ovl_subsys.su_mutex);
	r = configfs_register_subsystem(&ovl_subsys);
	if (r) {
		pr_err("cannot register configfs subsystem device-tree: %d\n", r);
		mutex_lock(&ovl_lock);
		ovl_port_exit();
		mutex_unlock(&ovl_lock);
		return r;
	}
	pr_info("configfs overlay interface device-tree/overlays ready (base labels %s)\n",
		base_labels);
	return 0;
}

static void __exit ovl_exit(void)
{
	if (interface)
		configfs_unregister_subsystem(&ovl_subsys);
	mutex_lock(&ovl_lock);
	ovl_port_exit();
	mutex_unlock(&ovl_lock);
}

module_init(ovl_init);
module_exit(ovl_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("rpi-hardware test stand-in: configfs device-tree overlay interface");
