// SPDX-License-Identifier: GPL-2.0
/*
 * The PCIe endpoint the Metis overlay brings up, simulated as a platform device
 * that carries the function's identity the way PCI sysfs prints it (vendor,
 * device, class). The attributes exist before the device is announced, so a
 * rule matching ATTRS{vendor} on a child never races them. No modalias alias
 * exists for it on purpose: only an explicitly loaded driver binds.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/err.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/sysfs.h>

#include "ovl.h"

/* Axelera's own PCI IDs for the Metis AIPU; override to try the seed's IDs. */
static ushort endpoint_vendor = 0x1f9d;
module_param(endpoint_vendor, ushort, 0444);
MODULE_PARM_DESC(endpoint_vendor, "PCI vendor ID of the simulated endpoint (0x1f9d)");
static ushort endpoint_device = 0x1100;
module_param(endpoint_device, ushort, 0444);
MODULE_PARM_DESC(endpoint_device, "PCI device ID of the simulated endpoint (0x1100)");

static ssize_t vendor_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "0x%04x\n", endpoint_vendor);
}
static DEVICE_ATTR_RO(vendor);

static ssize_t device_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "0x%04x\n", endpoint_device);
}
static DEVICE_ATTR_RO(device);

/* Processing accelerator, as the real function reports it. */
static ssize_t class_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "0x120000\n");
}
static DEVICE_ATTR_RO(class);

static struct attribute *endpoint_attrs[] = {
	&dev_attr_vendor.attr,
	&dev_attr_device.attr,
	&dev_attr_class.attr,
	NULL,
};
ATTRIBUTE_GROUPS(endpoint);

struct platform_device *ovl_endpoint_add(void)
{
	struct platform_device *pdev;
	int r;

	pdev = platform_device_alloc(OVL_ENDPOINT_NAME, PLATFORM_DEVID_NONE);
	if (!pdev)
		return ERR_PTR(-ENOMEM);
	pdev->dev.groups = endpoint_groups;
	r = platform_device_add(pdev);
	if (r) {
		platform_device_put(pdev);
		return ERR_PTR(r);
	}
	pr_info("PCIe endpoint %s up (vendor 0x%04x device 0x%04x)\n", dev_name(&pdev->dev),
		endpoint_vendor, endpoint_device);
	return pdev;
}

void ovl_endpoint_remove(struct platform_device *pdev)
{
	pr_info("PCIe endpoint %s gone\n", dev_name(&pdev->dev));
	platform_device_unregister(pdev);
}
