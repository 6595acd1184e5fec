// SPDX-License-Identifier: GPL-2.0
/*
 * Test stand-in for a driver that is present in the module tree but whose
 * initialisation fails, as a driver does when its hardware or firmware is not
 * what it expects. The kernel then refuses the module: init_module() returns
 * this error and nothing of the module stays loaded. Only the fault boots of
 * tests/vm ask the helper to load it (rd.rpi_hw.modules=).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/errno.h>
#include <linux/init.h>
#include <linux/module.h>
#include <linux/printk.h>

static int __init rpihw_initfail_init(void)
{
	pr_err("test stand-in: initialisation fails on purpose (%d)\n", -EIO);
	return -EIO;
}

static void __exit rpihw_initfail_exit(void)
{
}

module_init(rpihw_initfail_init);
module_exit(rpihw_initfail_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("rpi-hardware test stand-in: a module whose init fails");
