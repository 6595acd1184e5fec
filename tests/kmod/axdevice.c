// SPDX-License-Identifier: GPL-2.0
/*
 * axdevice: test stand-in for the Metis driver. It binds to the PCIe endpoint
 * that rpihw_overlays brings up once the Metis overlay is applied, and gives it
 * a character device in class "accel" (accel0), which udev links to
 * /dev/axelera0 through the project's rules. It declares no device alias, so
 * nothing loads it by itself: the node appears only when the module was loaded
 * explicitly and the overlays brought up the endpoint.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/version.h>

#define AX_ENDPOINT "metis-endpoint"

/*
 * Kernels with DRM accel (6.2 and later, when built in) own class "accel";
 * there the node goes to class "metis", as Axelera's own driver names it. The
 * project's rules link both.
 */
static const char *const ax_class_names[] = { "accel", "metis" };

static struct class *ax_class;
static const char *ax_class_name;
static dev_t ax_devt;
static struct cdev ax_cdev;

static int ax_open(struct inode *inode, struct file *file)
{
	return 0;
}

static const struct file_operations ax_fops = {
	.owner = THIS_MODULE,
	.open = ax_open,
	.llseek = noop_llseek,
};

static int ax_probe(struct platform_device *pdev)
{
	struct device *node;
	int r;

	cdev_init(&ax_cdev, &ax_fops);
	ax_cdev.owner = THIS_MODULE;
	r = cdev_add(&ax_cdev, ax_devt, 1);
	if (r)
		return r;
	node = device_create(ax_class, &pdev->dev, ax_devt, NULL, "%s%d", ax_class_name,
			     MINOR(ax_devt));
	if (IS_ERR(node)) {
		cdev_del(&ax_cdev);
		return PTR_ERR(node);
	}
	pr_info("%s created for %s\n", dev_name(node), dev_name(&pdev->dev));
	return 0;
}

static void ax_unbind(void)
{
	device_destroy(ax_class, ax_devt);
	cdev_del(&ax_cdev);
	pr_info("%s%d removed\n", ax_class_name, MINOR(ax_devt));
}

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
static void ax_remove(struct platform_device *pdev)
{
	ax_unbind();
}
#else
static int ax_remove(struct platform_device *pdev)
{
	ax_unbind();
	return 0;
}
#endif

static struct platform_driver ax_driver = {
	.probe = ax_probe,
	.remove = ax_remove,
	.driver = {
		.name = AX_ENDPOINT,
	},
};

static int ax_make_class(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ax_class_names); i++) {
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
		ax_class = class_create(ax_class_names[i]);
#else
		ax_class = class_create(THIS_MODULE, ax_class_names[i]);
#endif
		if (!IS_ERR(ax_class)) {
			ax_class_name = ax_class_names[i];
			return 0;
		}
		pr_warn("cannot create class %s: %ld\n", ax_class_names[i], PTR_ERR(ax_class));
	}
	return PTR_ERR(ax_class);
}

static int __init ax_init(void)
{
	int r = alloc_chrdev_region(&ax_devt, 0, 1, "axdevice");

	if (r)
		return r;
	r = ax_make_class();
	if (r) {
		unregister_chrdev_region(ax_devt, 1);
		return r;
	}
	r = platform_driver_register(&ax_driver);
	if (r) {
		class_destroy(ax_class);
		unregister_chrdev_region(ax_devt, 1);
		return r;
	}
	pr_info("driver for %s registered, nodes in class %s\n", AX_ENDPOINT, ax_class_name);
	return 0;
}

static void __exit ax_exit(void)
{
	platform_driver_unregister(&ax_driver);
	class_destroy(ax_class);
	unregister_chrdev_region(ax_devt, 1);
}

module_init(ax_init);
module_exit(ax_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("rpi-hardware test stand-in for the Metis driver: accel node for the endpoint");
