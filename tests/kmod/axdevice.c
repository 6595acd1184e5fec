// SPDX-License-Identifier: GPL-2.0
/*
 * Test stand-in named like the Axelera Metis driver the seed loads: image builds
 * and boots find a real module of that name in a real module tree. It binds
 * to nothing; loading it only shows that the initramfs carried and loaded it.
 */
#include <linux/init.h>
#include <linux/module.h>
#include <linux/printk.h>

static int __init axdevice_init(void)
{
	pr_info("axdevice: test stand-in loaded\n");
	return 0;
}

static void __exit axdevice_exit(void)
{
}

module_init(axdevice_init);
module_exit(axdevice_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("rpi-hardware test stand-in for axdevice");
