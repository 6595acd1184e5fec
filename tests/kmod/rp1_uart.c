// SPDX-License-Identifier: GPL-2.0
/*
 * Test stand-in named like the Raspberry Pi RP1 UART driver: image builds
 * and boots find a real module of that name in a real module tree. It binds
 * to nothing; loading it only shows that the initramfs carried and loaded it.
 */
#include <linux/init.h>
#include <linux/module.h>
#include <linux/printk.h>

static int __init rp1_uart_init(void)
{
	pr_info("rp1_uart: test stand-in loaded\n");
	return 0;
}

static void __exit rp1_uart_exit(void)
{
}

module_init(rp1_uart_init);
module_exit(rp1_uart_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("rpi-hardware test stand-in for rp1_uart");
