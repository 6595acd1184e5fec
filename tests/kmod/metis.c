// SPDX-License-Identifier: GPL-2.0
/*
 * metis: test stand-in for Axelera's Metis driver (metis.ko). It does what the
 * real driver does on the way to a device node, and nothing of the accelerator
 * itself:
 *
 *   - registers the PCI driver "axl" with a pci_device_id table of Axelera's IDs
 *     (1f9d:1100 Metis M.2, 1f9d:11aa Metis, 1f9d:0001 Europa) plus QEMU's
 *     "edu" device (1234:11e8), which the emulated machines really have; the
 *     table is exported (MODULE_DEVICE_TABLE), so udev loads the module by
 *     modalias;
 *   - on probe enables the device and bus mastering, sets a 64-bit DMA mask,
 *     takes 4 MiB of coherent DMA memory and asks for 32 MSI vectors; with
 *     fewer it says "Wrong msi number" and falls back to one, as the real
 *     driver does (single_msi=1 asks for one straight away);
 *   - gives each card a character device in its own class "metis" (dynamic
 *     major "metis", minors from 0), parented to the PCI device, named as the
 *     driver names it: 1.4.x/1.5.x "metis-<domain>:<bus>:<slot>", 1.6.x
 *     "metis-<domain>-<bus>-<slot>" plus a "metis-D:B:S" link in
 *     /sys/class/metis (module parameter naming=1.5 or 1.6);
 *   - /sys/class/metis/version, a class attribute, gives the driver version.
 *
 * It talks to no firmware and moves no data. Remove and unbind undo a probe.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/dma-mapping.h>
#include <linux/fs.h>
#include <linux/idr.h>
#include <linux/kernfs.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/version.h>

#define METIS_CLASS "metis"
#define METIS_DRIVER "axl"
#define METIS_MAX_MINORS 256
#define METIS_WANT_MSI 32
#define METIS_DMA_SIZE SZ_4M
#define METIS_NAME_MAX 32

static char *naming = "1.5";
module_param(naming, charp, 0444);
MODULE_PARM_DESC(naming, "node names of driver 1.4/1.5 (metis-D:B:S) or 1.6 (metis-D-B-S): 1.5 or 1.6");

/* Parameters of the real driver; only single_msi changes what the stand-in does. */
static unsigned int single_msi;
module_param(single_msi, uint, 0644);
MODULE_PARM_DESC(single_msi, "ask for one MSI vector instead of 32");
static unsigned int dma_poll;
module_param(dma_poll, uint, 0644);
MODULE_PARM_DESC(dma_poll, "DMA polling mode (accepted, unused by the stand-in)");
static unsigned int dma_timeout = 2;
module_param(dma_timeout, uint, 0644);
MODULE_PARM_DESC(dma_timeout, "DMA timeout in seconds (accepted, unused by the stand-in)");
static unsigned int irq_timeout = 1;
module_param(irq_timeout, uint, 0644);
MODULE_PARM_DESC(irq_timeout, "IRQ timeout in seconds (accepted, unused by the stand-in)");

struct metis_card {
	struct pci_dev *pdev;
	struct cdev cdev;
	struct device *node;
	int minor;
	int nvec;
	void *dma_va;
	dma_addr_t dma;
	bool compat_link;
	char name[METIS_NAME_MAX];
	char compat[METIS_NAME_MAX];
};

static bool metis_dashes;	/* driver 1.6 naming */
static struct class *metis_class;
static dev_t metis_devt;
static DEFINE_IDA(metis_minors);

/* Set at load, from the naming scheme: the version of the driver it stands for. */
static char metis_version[48];
static struct class_attribute_string class_attr_version = {
	__ATTR(version, 0444, show_class_attr_string, NULL), metis_version
};

static int metis_open(struct inode *inode, struct file *file)
{
	file->private_data = container_of(inode->i_cdev, struct metis_card, cdev);
	return 0;
}

static const struct file_operations metis_fops = {
	.owner = THIS_MODULE,
	.open = metis_open,
	.llseek = noop_llseek,
};

/*
 * The class directory, /sys/class/metis, is the target of the node's
 * "subsystem" link; driver 1.6 puts its colon-named compat link there.
 */
static struct kobject *metis_class_kobj(struct device *node, struct kernfs_node **kn)
{
	*kn = sysfs_get_dirent(node->kobj.sd, "subsystem");
	if (!*kn)
		return NULL;
	if (kernfs_type(*kn) != KERNFS_LINK || !(*kn)->symlink.target_kn ||
	    kernfs_type((*kn)->symlink.target_kn) != KERNFS_DIR) {
		kernfs_put(*kn);
		return NULL;
	}
	return (*kn)->symlink.target_kn->priv;
}

static int metis_compat_link(struct metis_card *card)
{
	struct kernfs_node *kn;
	struct kobject *kobj = metis_class_kobj(card->node, &kn);
	int r;

	if (!kobj)
		return -ENOENT;
	r = sysfs_create_link(kobj, &card->node->kobj, card->compat);
	kernfs_put(kn);
	if (!r)
		card->compat_link = true;
	return r;
}

static void metis_compat_unlink(struct metis_card *card)
{
	struct kernfs_node *kn;
	struct kobject *kobj;

	if (!card->compat_link)
		return;
	kobj = metis_class_kobj(card->node, &kn);
	if (!kobj)
		return;
	sysfs_remove_link(kobj, card->compat);
	kernfs_put(kn);
	card->compat_link = false;
}

/* 32 vectors, as the card has them; fewer: one, as the real driver falls back. */
static int metis_msi(struct pci_dev *pdev)
{
	int n = -ENOSPC;

	if (!single_msi)
		n = pci_alloc_irq_vectors(pdev, METIS_WANT_MSI, METIS_WANT_MSI, PCI_IRQ_MSI);
	if (n < 0) {
		if (!single_msi)
			dev_warn(&pdev->dev, "Wrong msi number %d (want %d), falling back to 1\n",
				 pci_msi_vec_count(pdev), METIS_WANT_MSI);
		n = pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_MSI);
	}
	if (n < 0) {
		dev_err(&pdev->dev, "Failed to enable MSI (%d)\n", n);
		return -ENODEV;
	}
	dev_info(&pdev->dev, "MSI registered %d\n", n);
	return n;
}

static void metis_names(struct metis_card *card)
{
	struct pci_dev *pdev = card->pdev;
	int domain = pci_domain_nr(pdev->bus);
	unsigned int bus = pdev->bus->number, slot = PCI_SLOT(pdev->devfn);

	snprintf(card->compat, sizeof(card->compat), "metis-%x:%x:%x", domain, bus, slot);
	if (metis_dashes)
		snprintf(card->name, sizeof(card->name), "metis-%x-%x-%x", domain, bus, slot);
	else
		strscpy(card->name, card->compat, sizeof(card->name));
}

static int metis_node(struct metis_card *card)
{
	dev_t devt = MKDEV(MAJOR(metis_devt), card->minor);
	int r;

	cdev_init(&card->cdev, &metis_fops);
	card->cdev.owner = THIS_MODULE;
	r = cdev_add(&card->cdev, devt, 1);
	if (r)
		return r;
	card->node = device_create(metis_class, &card->pdev->dev, devt, card, "%s", card->name);
	if (IS_ERR(card->node)) {
		r = PTR_ERR(card->node);
		card->node = NULL;
		cdev_del(&card->cdev);
		return r;
	}
	if (metis_dashes) {
		r = metis_compat_link(card);
		if (r)
			dev_warn(card->node, "cannot link /sys/class/metis/%s: %d\n",
				 card->compat, r);
	}
	return 0;
}

static void metis_teardown(struct metis_card *card)
{
	struct pci_dev *pdev = card->pdev;

	if (card->nvec > 0)
		pci_free_irq_vectors(pdev);
	if (card->dma_va)
		dma_free_coherent(&pdev->dev, METIS_DMA_SIZE, card->dma_va, card->dma);
	pci_clear_master(pdev);
	pci_disable_device(pdev);
	ida_free(&metis_minors, card->minor);
	kfree(card);
}

static int metis_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct metis_card *card;
	int r;

	card = kzalloc(sizeof(*card), GFP_KERNEL);
	if (!card)
		return -ENOMEM;
	card->pdev = pdev;
	card->minor = ida_alloc_max(&metis_minors, METIS_MAX_MINORS - 1, GFP_KERNEL);
	if (card->minor < 0) {
		r = card->minor;
		kfree(card);
		return r;
	}
	r = pci_enable_device(pdev);
	if (r) {
		dev_err(&pdev->dev, "pci_enable_device failed: %d\n", r);
		ida_free(&metis_minors, card->minor);
		kfree(card);
		return r;
	}
	pci_set_master(pdev);
	if (dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(64))) {
		dev_warn(&pdev->dev, "Cannot set DMA highmem bit mask\n");
		r = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(32));
		if (r)
			goto fail;
	}
	/* The real driver logs a failure here and carries on without DMA. */
	card->dma_va = dma_alloc_coherent(&pdev->dev, METIS_DMA_SIZE, &card->dma,
					  GFP_KERNEL | __GFP_NOWARN);
	if (!card->dma_va)
		dev_err(&pdev->dev, "Fail to dma alloc %x\n", METIS_DMA_SIZE);
	card->nvec = metis_msi(pdev);
	if (card->nvec < 0) {
		r = card->nvec;
		goto fail;
	}
	metis_names(card);
	r = metis_node(card);
	if (r)
		goto fail;
	pci_set_drvdata(pdev, card);
	if (card->compat_link)
		pr_info("%s created for %s (%s), /sys/class/metis/%s links to it\n", card->name,
			pci_name(pdev), METIS_DRIVER, card->compat);
	else
		pr_info("%s created for %s (%s)\n", card->name, pci_name(pdev), METIS_DRIVER);
	return 0;

fail:
	metis_teardown(card);
	return r;
}

static void metis_remove(struct pci_dev *pdev)
{
	struct metis_card *card = pci_get_drvdata(pdev);

	metis_compat_unlink(card);
	device_destroy(metis_class, card->node->devt);
	cdev_del(&card->cdev);
	pr_info("%s removed (%s)\n", card->name, pci_name(pdev));
	pci_set_drvdata(pdev, NULL);
	metis_teardown(card);
}

static const struct pci_device_id metis_ids[] = {
	{ PCI_DEVICE(0x1f9d, 0x1100) },	/* Metis M.2 */
	{ PCI_DEVICE(0x1f9d, 0x11aa) },	/* Metis */
	{ PCI_DEVICE(0x1f9d, 0x0001) },	/* Europa */
	{ PCI_DEVICE(0x1234, 0x11e8) },	/* QEMU's edu: the emulated boots' card */
	{ }
};
MODULE_DEVICE_TABLE(pci, metis_ids);

static struct pci_driver metis_driver = {
	.name = METIS_DRIVER,
	.id_table = metis_ids,
	.probe = metis_probe,
	.remove = metis_remove,
};

static int metis_parse_naming(void)
{
	if (!strcmp(naming, "1.4") || !strcmp(naming, "1.5")) {
		metis_dashes = false;
		strscpy(metis_version, "1.5.5-rpihw-standin\n", sizeof(metis_version));
	} else if (!strcmp(naming, "1.6")) {
		metis_dashes = true;
		strscpy(metis_version, "1.6.2-rpihw-standin\n", sizeof(metis_version));
	} else {
		pr_err("naming=%s: want 1.5 (metis-D:B:S) or 1.6 (metis-D-B-S)\n", naming);
		return -EINVAL;
	}
	return 0;
}

static int __init metis_init(void)
{
	int r = metis_parse_naming();

	if (r)
		return r;
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
	metis_class = class_create(METIS_CLASS);
#else
	metis_class = class_create(THIS_MODULE, METIS_CLASS);
#endif
	if (IS_ERR(metis_class))
		return PTR_ERR(metis_class);
	r = class_create_file(metis_class, &class_attr_version.attr);
	if (r)
		goto no_attr;
	r = alloc_chrdev_region(&metis_devt, 0, METIS_MAX_MINORS, METIS_CLASS);
	if (r)
		goto no_region;
	r = pci_register_driver(&metis_driver);
	if (r)
		goto no_driver;
	pr_info("stand-in of Axelera's driver %.*s, naming %s (%s), PCI driver %s registered\n",
		(int)strcspn(metis_version, "-"), metis_version, naming,
		metis_dashes ? "metis-D-B-S" : "metis-D:B:S", METIS_DRIVER);
	return 0;

no_driver:
	unregister_chrdev_region(metis_devt, METIS_MAX_MINORS);
no_region:
	class_remove_file(metis_class, &class_attr_version.attr);
no_attr:
	class_destroy(metis_class);
	return r;
}

static void __exit metis_exit(void)
{
	pci_unregister_driver(&metis_driver);
	unregister_chrdev_region(metis_devt, METIS_MAX_MINORS);
	class_remove_file(metis_class, &class_attr_version.attr);
	class_destroy(metis_class);
	ida_destroy(&metis_minors);
}

module_init(metis_init);
module_exit(metis_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("rpi-hardware test stand-in for Axelera's Metis driver (PCI driver axl)");
