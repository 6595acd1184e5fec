// SPDX-License-Identifier: GPL-2.0-or-later
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "text.h"

static const unsigned char *u(const char *s)
{
	return (const unsigned char *)s;
}

static void test_utf8_sequences(void **state)
{
	(void)state;
	assert_int_equal(utf8_seq_len(u("a"), 1), 1);
	assert_int_equal(utf8_seq_len(u("\xc3\xa9"), 2), 2);         /* é */
	assert_int_equal(utf8_seq_len(u("\xe2\x82\xac"), 3), 3);     /* € */
	assert_int_equal(utf8_seq_len(u("\xf0\x9f\x98\x80"), 4), 4); /* U+1F600 */
	assert_int_equal(utf8_seq_len(u("\xff"), 1), 0);
	assert_int_equal(utf8_seq_len(u("\x80"), 1), 0);             /* stray continuation */
	assert_int_equal(utf8_seq_len(u("\xc0\xaf"), 2), 0);         /* overlong '/' */
	assert_int_equal(utf8_seq_len(u("\xe0\x80\xaf"), 3), 0);     /* overlong */
	assert_int_equal(utf8_seq_len(u("\xed\xa0\x80"), 3), 0);     /* surrogate */
	assert_int_equal(utf8_seq_len(u("\xf4\x90\x80\x80"), 4), 0); /* beyond U+10FFFF */
	assert_int_equal(utf8_seq_len(u("\xc3"), 1), 0);             /* cut short */
	assert_int_equal(utf8_seq_len(u("\xe2\x82"), 2), 0);
}

static void test_show(void **state)
{
	char out[64];

	(void)state;
	assert_string_equal(text_show("plain-name.dtbo", out, sizeof(out)), "plain-name.dtbo");
	/* A newline can no longer start a forged "OK" line. */
	assert_string_equal(text_show("x.dtbo\n/y.dtbo: OK", out, sizeof(out)),
			    "x.dtbo\\x0a/y.dtbo: OK");
	assert_string_equal(text_show("a\\b\x1b[2J\x7f", out, sizeof(out)), "a\\\\b\\x1b[2J\\x7f");
	assert_string_equal(text_show("caf\xc3\xa9 \xff\xfe", out, sizeof(out)),
			    "caf\xc3\xa9 \\xff\\xfe");
	assert_string_equal(text_show("abcdefghij", out, 8), "abcd...");
	assert_string_equal(text_show("abcdefg", out, 8), "abcdefg");
	assert_string_equal(text_show("\n\n\n", out, 8), "\\x0a...");
	assert_string_equal(text_show("", out, 8), "");
}

static char *json_of(const char *s)
{
	static char buf[256];
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	assert_non_null(f);
	json_string(f, s);
	fclose(f);
	return buf;
}

/* status --json once passed bytes >= 0x80 through as they were: not JSON. */
static void test_json(void **state)
{
	(void)state;
	assert_string_equal(json_of("a\"b\\c"), "\"a\\\"b\\\\c\"");
	assert_string_equal(json_of("\x01\n\x7f"), "\"\\u0001\\n\\u007f\"");
	assert_string_equal(json_of("a\tb\rc"), "\"a\\tb\\u000dc\"");
	assert_string_equal(json_of("caf\xc3\xa9"), "\"caf\xc3\xa9\"");
	assert_string_equal(json_of("\xff-\xc3(-\xed\xa0\x80"),
			    "\"\\ufffd-\\ufffd(-\\ufffd\\ufffd\\ufffd\"");
	assert_string_equal(json_of("\xf0\x9f\x98"), "\"\\ufffd\\ufffd\\ufffd\"");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8_sequences),
		cmocka_unit_test(test_show),
		cmocka_unit_test(test_json),
	};

	return cmocka_run_group_tests_name("text", tests, NULL, NULL);
}
