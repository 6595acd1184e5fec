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
	id = hwids_match(t, "accel", 0x1f9d, 0x1100);
	assert_non_null(id);
	assert_string_equal(id->link, "axelera0");
	assert_non_null(hwids_match(t, "accel", 0x1e81, 0x1234)); /* device "any" */
	assert_non_null(hwids_match(t, "accel", 0x1f0f, 0x0001));
	assert_null(hwids_match(t, "accel", 0x1f0f, 0x0002));
	assert_null(hwids_match(t, "accel", 0x1e60, 0x2864)); /* Hailo is another kind */
	assert_non_null(hwids_match(t, "hailo", 0x1e60, 0x2864));
	hwids_describe(t, "accel", desc, sizeof(desc));
	assert_string_equal(desc, "0x1f9d:0x1100, 0x1e81, 0x1f0f:0x0001");
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
	expect_bad_table("# c\naccel 1f9d 0x1100 axelera0 d\n",
			 "ids line 2: vendor is not a 4-digit hex ID such as 0x1f9d");
	expect_bad_table("accel 0x1f9d 11 axelera0 d\n",
			 "ids line 1: device is not a 4-digit hex ID or \"any\"");
	expect_bad_table("accel 0x1f9d any\n", "ids line 1: link is not a plain /dev name");
	expect_bad_table("accel 0x1f9d any ../x d\n", "ids line 1: link is not a plain /dev name");
	expect_bad_table("acc/el 0x1f9d any x d\n", "ids line 1: kind is not a plain word");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_speed_gen),
		cmocka_unit_test(test_width),
		cmocka_unit_test(test_aer_total),
		cmocka_unit_test(test_hwids_builtin),
		cmocka_unit_test(test_hwids_errors),
	};

	return cmocka_run_group_tests_name("sysfs", tests, NULL, NULL);
}
