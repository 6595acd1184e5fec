// SPDX-License-Identifier: GPL-2.0-or-later
#include <setjmp.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "manifest.h"

#define H1 "1111111111111111111111111111111111111111111111111111111111111111"
#define H2 "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789"

static int lookup(const char *text, const char *file, char hex[SHA256_HEX_SIZE])
{
	return manifest_lookup(text, strlen(text), file, hex);
}

static void test_finds_entries(void **state)
{
	const char *m = H1 "  cruiser-raspberrypi-cm5.dtbo\n" H2 " *axelera-metis.dtbo\r\n";
	char hex[SHA256_HEX_SIZE];

	(void)state;
	assert_int_equal(lookup(m, "cruiser-raspberrypi-cm5.dtbo", hex), 0);
	assert_string_equal(hex, H1);
	assert_int_equal(lookup(m, "axelera-metis.dtbo", hex), 0);
	assert_string_equal(hex, H2);
}

static void test_not_listed(void **state)
{
	const char *m = H1 "  cruiser-raspberrypi-cm5.dtbo\n";
	char hex[SHA256_HEX_SIZE];

	(void)state;
	assert_int_equal(lookup(m, "axelera-metis.dtbo", hex), -ENOENT);
	/* A name that is only a suffix or prefix of a listed one does not match. */
	assert_int_equal(lookup(m, "cruiser.dtbo", hex), -ENOENT);
	assert_int_equal(lookup(m, "cruiser-raspberrypi-cm5.dtb", hex), -ENOENT);
	assert_int_equal(lookup("", "a.dtbo", hex), -ENOENT);
}

static void test_malformed(void **state)
{
	char hex[SHA256_HEX_SIZE];

	(void)state;
	assert_int_equal(lookup("ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef012345678X"
				"  a.dtbo\n", "a.dtbo", hex),
			 -EINVAL);
	assert_int_equal(lookup(H1 " \ta.dtbo\n", "a.dtbo", hex), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_finds_entries),
		cmocka_unit_test(test_not_listed),
		cmocka_unit_test(test_malformed),
	};

	return cmocka_run_group_tests_name("manifest", tests, NULL, NULL);
}
