// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests of the sysfs readers: link speeds, AER counters, the hardware-ids table. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <fcntl.h>
#include <ftw.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"
#include "hwids.h"
#include "pcidev.h"
#include "util.h"

static void test_speed_gen(void **state)
{
	(void)state;
	assert_int_equal(pci_speed_gen("2.5 GT/s PCIe"), 1);
	assert_int_equal(pci_speed_gen("5.0 GT/s PCIe"), 2);
	assert_int_equal(pci_speed_gen("8.0 GT/s PCIe"), 3);
	assert_int_equal(pci_speed_gen("16.0 GT/s PCIe"), 4);
	/* Older kernels. */
	assert_int_equal(pci_speed_gen("8.0 GT/s"), 3);
	assert_int_equal(pci_speed_gen("8 GT/s"), 3);
	assert_int_equal(pci_speed_gen("5 GT/s"), 2);
	assert_int_equal(pci_speed_gen("2.5 GT/s"), 1);
	/* Link down, and things that only look like speeds. */
	assert_int_equal(pci_speed_gen("Unknown"), 0);
	assert_int_equal(pci_speed_gen("Unknown speed"), 0);
	assert_int_equal(pci_speed_gen(""), 0);
	assert_int_equal(pci_speed_gen("8.0 GB/s"), 0);
	assert_int_equal(pci_speed_gen("8.0 GT/sec"), 0);
	assert_int_equal(pci_speed_gen("80 GT/s"), 0);
}

static void test_width(void **state)
{
	(void)state;
	assert_int_equal(pci_parse_width("1"), 1);
	assert_int_equal(pci_parse_width("x4"), 4);
	assert_int_equal(pci_parse_width("0"), 0);
	assert_int_equal(pci_parse_width(""), 0);
	assert_int_equal(pci_parse_width("one"), 0);
	assert_int_equal(pci_parse_width("4 lanes"), 0);
	assert_int_equal(pci_parse_width("-1"), 0);
}

static void test_aer_total(void **state)
{
	unsigned long long v = 99;

	(void)state;
	assert_int_equal(pci_aer_total("RxErr 3\nBadTLP 1\nTOTAL_ERR_COR 4\n", "TOTAL_ERR_COR", &v),
			 0);
	assert_int_equal(v, 4);
	assert_int_equal(pci_aer_total("TOTAL_ERR_FATAL 0", "TOTAL_ERR_FATAL", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(pci_aer_total("RxErr 3\n", "TOTAL_ERR_COR", &v), -ENOENT);
	assert_int_equal(pci_aer_total("TOTAL_ERR_COR x\n", "TOTAL_ERR_COR", &v), -EINVAL);
	/* A longer name that starts the same is another counter. */
	assert_int_equal(pci_aer_total("TOTAL_ERR_CORX 5\n", "TOTAL_ERR_COR", &v), -ENOENT);
}

static void test_hwids_builtin(void **state)
{
	struct hwid_table *t = test_malloc(sizeof(*t));
	char err[256] = "";
	const struct hwid *id;
	char desc[256];

	(void)state;
	assert_int_equal(hwids_parse(t, hwids_builtin, strlen(hwids_builtin), "built-in", err,
				     sizeof(err)),
			 0);
	id = hwids_match(t, HWID_KIND_METIS, 0x1f9d, 0x1100);
	assert_non_null(id);
	assert_string_equal(id->link, "axelera%m");
	assert_non_null(hwids_match(t, HWID_KIND_METIS, 0x1f9d, 0x11aa));
	assert_non_null(hwids_match(t, HWID_KIND_METIS, 0x1f9d, 0x0001));
	assert_null(hwids_match(t, HWID_KIND_METIS, 0x1f9d, 0x0002));
	/* The seed's IDs are no Metis. */
	assert_null(hwids_match(t, HWID_KIND_METIS, 0x1e81, 0x1234));
	assert_null(hwids_match(t, HWID_KIND_METIS, 0x1f0f, 0x0001));
	assert_null(hwids_match(t, HWID_KIND_METIS, 0x1e60, 0x2864)); /* Hailo is another kind */
	assert_non_null(hwids_match(t, HWID_KIND_HAILO, 0x1e60, 0x2864)); /* device "any" */
	hwids_describe(t, HWID_KIND_METIS, desc, sizeof(desc));
	assert_string_equal(desc, "0x1f9d:0x1100, 0x1f9d:0x11aa, 0x1f9d:0x0001");
	test_free(t);
}

static void expect_bad_table(const char *text, const char *message)
{
	struct hwid_table *t = test_malloc(sizeof(*t));
	char err[256] = "";

	assert_int_equal(hwids_parse(t, text, strlen(text), "ids", err, sizeof(err)), -EINVAL);
	assert_string_equal(err, message);
	test_free(t);
}

static void test_hwids_errors(void **state)
{
	(void)state;
	expect_bad_table("# c\nmetis 1f9d 0x1100 axelera0 d\n",
			 "ids line 2: vendor is not 0x and four lower-case hex digits, such as 0x1f9d");
	expect_bad_table("metis 0x1F9D 0x1100 axelera0 d\n",
			 "ids line 1: vendor is not 0x and four lower-case hex digits, such as 0x1f9d");
	expect_bad_table("metis 0x1f9d 11 axelera0 d\n",
			 "ids line 1: device is not \"any\" or 0x and four lower-case hex digits");
	expect_bad_table("metis 0x1f9d any\n",
			 "ids line 1: link is not a plain /dev name (%m at the end for the minor)");
	expect_bad_table("metis 0x1f9d any ../x d\n",
			 "ids line 1: link is not a plain /dev name (%m at the end for the minor)");
	expect_bad_table("metis 0x1f9d any ax%md d\n",
			 "ids line 1: link is not a plain /dev name (%m at the end for the minor)");
	expect_bad_table("metis 0x1f9d any ax # d\n",
			 "ids line 1: want 5 columns: kind vendor device link description");
	expect_bad_table("accel 0x1f9d any x d\n", "ids line 1: kind is not metis or hailo");
}

static void test_is_addr(void **state)
{
	(void)state;
	assert_true(pci_is_addr("0001:01:00.0"));
	assert_true(pci_is_addr("10000:e1:1f.7")); /* VMD domains have five digits */
	assert_false(pci_is_addr("pci0001:00"));   /* a root bus, not a function */
	assert_false(pci_is_addr("0001:01:00"));
	assert_false(pci_is_addr("0001:01:00.8"));
	assert_false(pci_is_addr("0001:01:0G.0"));
	assert_false(pci_is_addr("0001:01:00.0x"));
	assert_false(pci_is_addr("001:01:00.0"));
	assert_false(pci_is_addr(""));
}

/* A CM5's x1 port as sysfs shows it: the root bus pci0001:00 holding the root
 * port 0001:00:00.0, holding the Metis 0001:01:00.0, reached through
 * bus/pci/devices links. */
struct sysfs {
	char top[64];
	char port[256], dev[320];
	char dev_link[128], port_link[128], root_link[128];
};

static void put(const char *dir, const char *name, const char *text)
{
	char path[512];
	int fd;

	assert_true(snprintf(path, sizeof(path), "%s/%s", dir, name) < (int)sizeof(path));
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write_all(fd, text, strlen(text)), 0);
	close(fd);
}

static void sub(char *out, size_t size, const char *dir, const char *name)
{
	assert_int_equal(path_join(out, size, dir, name), 0);
}

/* mkdir -p of dir/rel, where dir may not exist yet either. */
static void mkdirs(const char *dir, const char *rel)
{
	char path[512];

	sub(path, sizeof(path), dir, rel);
	for (char *c = path + 1; *c; c++) {
		if (*c != '/')
			continue;
		*c = '\0';
		assert_true(mkdir(path, 0755) == 0 || errno == EEXIST);
		*c = '/';
	}
	assert_true(mkdir(path, 0755) == 0 || errno == EEXIST);
}

static int sysfs_setup(void **state)
{
	struct sysfs *t = calloc(1, sizeof(*t));

	assert_non_null(t);
	strcpy(t->top, "/tmp/sysfs-test-XXXXXX");
	assert_non_null(mkdtemp(t->top));
	snprintf(t->port, sizeof(t->port), "%s/devices/pci0001:00/0001:00:00.0", t->top);
	snprintf(t->dev, sizeof(t->dev), "%s/0001:01:00.0", t->port);
	mkdirs(t->dev, "metis/metis-1:1:0");
	mkdirs(t->dev, "msi_irqs");
	mkdirs(t->top, "bus");
	put(t->port, "max_link_speed", "5.0 GT/s PCIe\n");
	put(t->port, "current_link_speed", "5.0 GT/s PCIe\n");
	put(t->port, "max_link_width", "1\n");
	put(t->port, "current_link_width", "1\n");
	snprintf(t->dev_link, sizeof(t->dev_link), "%s/bus/0001:01:00.0", t->top);
	assert_int_equal(symlink("../devices/pci0001:00/0001:00:00.0/0001:01:00.0", t->dev_link),
			 0);
	snprintf(t->port_link, sizeof(t->port_link), "%s/bus/0001:00:00.0", t->top);
	assert_int_equal(symlink("../devices/pci0001:00/0001:00:00.0", t->port_link), 0);
	snprintf(t->root_link, sizeof(t->root_link), "%s/bus/pci0001:00", t->top);
	assert_int_equal(symlink("../devices/pci0001:00", t->root_link), 0);
	*state = t;
	return 0;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

static int sysfs_teardown(void **state)
{
	struct sysfs *t = *state;

	assert_int_equal(nftw(t->top, remove_entry, 8, FTW_DEPTH | FTW_PHYS), 0);
	free(t);
	return 0;
}

static void test_port_link(void **state)
{
	struct sysfs *t = *state;
	struct pci_link l;
	char port[PCI_ADDR_MAX] = "", tiny[4];

	assert_int_equal(pci_read_port_link(t->dev_link, port, sizeof(port), &l), 0);
	assert_string_equal(port, "0001:00:00.0");
	assert_int_equal(l.max_gen, 2);
	assert_int_equal(l.gen, 2);
	assert_int_equal(l.max_width, 1);
	/* The root port's parent is the root bus: no port above it. */
	assert_int_equal(pci_read_port_link(t->port_link, port, sizeof(port), &l), -ENOENT);
	assert_int_equal(pci_read_port_link(t->root_link, port, sizeof(port), &l), -ENOENT);
	assert_int_equal(pci_read_port_link(t->dev_link, tiny, sizeof(tiny), &l), -ENAMETOOLONG);
	assert_int_equal(pci_read_port_link("/nonexistent/0001:01:00.0", port, sizeof(port), &l),
			 -ENOENT);
}

static void test_count_msi(void **state)
{
	struct sysfs *t = *state;
	char msi[400], dir[420], name[16];
	unsigned n = 99;

	assert_int_equal(pci_count_msi(t->dev_link, &n), 0);
	assert_int_equal(n, 0);
	sub(msi, sizeof(msi), t->dev, "msi_irqs");
	for (int i = 0; i < 32; i++) {
		snprintf(name, sizeof(name), "%d", 160 + i);
		put(msi, name, "msi\n");
	}
	assert_int_equal(pci_count_msi(t->dev_link, &n), 0);
	assert_int_equal(n, 32);
	/* Old kernels make a directory per vector. */
	sub(dir, sizeof(dir), msi, "999");
	assert_int_equal(mkdir(dir, 0755), 0);
	assert_int_equal(pci_count_msi(t->dev_link, &n), 0);
	assert_int_equal(n, 33);
	assert_int_equal(pci_count_msi(t->port_link, &n), -ENOENT);
}

static void test_class_dev(void **state)
{
	struct sysfs *t = *state;
	char name[32], tiny[8], dir[400];

	assert_int_equal(pci_class_dev(t->dev_link, "metis", name, sizeof(name)), 0);
	assert_string_equal(name, "metis-1:1:0");
	assert_int_equal(pci_class_dev(t->dev_link, "metis", tiny, sizeof(tiny)), -ENAMETOOLONG);
	assert_int_equal(pci_class_dev(t->port_link, "metis", name, sizeof(name)), -ENOENT);
	/* The lowest name wins, whatever order readdir gives. */
	sub(dir, sizeof(dir), t->dev, "metis/metis-1-1-0");
	assert_int_equal(mkdir(dir, 0755), 0);
	assert_int_equal(pci_class_dev(t->dev_link, "metis", name, sizeof(name)), 0);
	assert_string_equal(name, "metis-1-1-0");
	/* An empty class directory has no device. */
	sub(dir, sizeof(dir), t->port, "metis");
	assert_int_equal(mkdir(dir, 0755), 0);
	assert_int_equal(pci_class_dev(t->port_link, "metis", name, sizeof(name)), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_speed_gen),
		cmocka_unit_test(test_width),
		cmocka_unit_test(test_aer_total),
		cmocka_unit_test(test_hwids_builtin),
		cmocka_unit_test(test_hwids_errors),
		cmocka_unit_test(test_is_addr),
		cmocka_unit_test_setup_teardown(test_port_link, sysfs_setup, sysfs_teardown),
		cmocka_unit_test_setup_teardown(test_count_msi, sysfs_setup, sysfs_teardown),
		cmocka_unit_test_setup_teardown(test_class_dev, sysfs_setup, sysfs_teardown),
	};

	return cmocka_run_group_tests_name("sysfs", tests, NULL, NULL);
}
