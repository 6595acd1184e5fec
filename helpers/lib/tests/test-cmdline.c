// SPDX-License-Identifier: GPL-2.0-or-later
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "cmdline.h"

struct words {
	int n;
	char key[8][64];
	char value[8][64];
	int has_value[8];
};

static int collect(const struct cmdline_arg *a, void *userdata)
{
	struct words *w = userdata;

	assert_true(w->n < 8);
	snprintf(w->key[w->n], 64, "%.*s", (int)a->key_len, a->key);
	w->has_value[w->n] = a->value != NULL;
	if (a->value)
		snprintf(w->value[w->n], 64, "%.*s", (int)a->value_len, a->value);
	w->n++;
	return 0;
}

static struct words split(const char *s)
{
	struct words w = { 0 };

	assert_int_equal(cmdline_foreach(s, strlen(s), collect, &w), 0);
	return w;
}

static void test_plain_words(void **state)
{
	struct words w = split("  root=/dev/vda ro\tquiet rd.rpi_hw=0\n");

	(void)state;
	assert_int_equal(w.n, 4);
	assert_string_equal(w.key[0], "root");
	assert_string_equal(w.value[0], "/dev/vda");
	assert_string_equal(w.key[1], "ro");
	assert_false(w.has_value[1]);
	assert_string_equal(w.key[3], "rd.rpi_hw");
	assert_string_equal(w.value[3], "0");
}

static void test_quotes(void **state)
{
	struct words w = split("a=\"x y\" \"b=c d\" \"bare word\" e=");

	(void)state;
	assert_int_equal(w.n, 4);
	assert_string_equal(w.value[0], "x y");
	assert_string_equal(w.key[1], "b");
	assert_string_equal(w.value[1], "c d");
	assert_string_equal(w.key[2], "bare word");
	assert_false(w.has_value[2]);
	assert_true(w.has_value[3]);
	assert_string_equal(w.value[3], "");
}

static void test_double_dash_ends_kernel_part(void **state)
{
	struct words w = split("a=1 -- rd.rpi_hw=0");

	(void)state;
	assert_int_equal(w.n, 1);
	assert_string_equal(w.key[0], "a");
}

static void test_nul_and_length_bound(void **state)
{
	const char buf[] = "a=1 b=2\0c=3";
	struct words w = { 0 };

	(void)state;
	assert_int_equal(cmdline_foreach(buf, sizeof(buf) - 1, collect, &w), 0);
	assert_int_equal(w.n, 2);
	w.n = 0;
	/* Only the first 3 bytes: "a=1". */
	assert_int_equal(cmdline_foreach(buf, 3, collect, &w), 0);
	assert_int_equal(w.n, 1);
	assert_string_equal(w.value[0], "1");
}

static void test_unterminated_quote_and_garbage(void **state)
{
	struct words w = split("\"a=1 b=2");
	struct words empty = split("   \"\"  ");

	(void)state;
	assert_int_equal(w.n, 1);
	assert_string_equal(w.key[0], "a");
	assert_string_equal(w.value[0], "1 b=2");
	assert_int_equal(empty.n, 0);
}

static int stop_at_second(const struct cmdline_arg *a, void *userdata)
{
	int *count = userdata;

	(void)a;
	return ++*count == 2 ? 42 : 0;
}

static void test_callback_stops(void **state)
{
	int count = 0;

	(void)state;
	assert_int_equal(cmdline_foreach("a b c", 5, stop_at_second, &count), 42);
	assert_int_equal(count, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_words),
		cmocka_unit_test(test_quotes),
		cmocka_unit_test(test_double_dash_ends_kernel_part),
		cmocka_unit_test(test_nul_and_length_bound),
		cmocka_unit_test(test_unterminated_quote_and_garbage),
		cmocka_unit_test(test_callback_stops),
	};

	return cmocka_run_group_tests_name("cmdline", tests, NULL, NULL);
}
