// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests of the pre-flight report: verdicts, text and JSON output. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "report.h"

static char *render(const struct report *r, bool json)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(json ? report_print_json(r, f) : report_print_text(r, f), 0);
	fclose(f);
	return buf;
}

static void test_text(void **state)
{
	struct report *r = test_calloc(1, sizeof(*r));
	char *out;

	(void)state;
	report_add(r, V_PASS, "pci", "0001:01:00.0", "found %s", "it");
	report_add(r, V_WARN, "cma", NULL, "small");
	assert_int_equal(report_result(r), V_WARN);
	out = render(r, false);
	assert_string_equal(out, "PASS pci 0001:01:00.0: found it\n"
				 "WARN cma: small\n"
				 "result: WARN (1 passed, 1 warning, 0 failed)\n");
	free(out);
	report_add(r, V_FAIL, "driver", "x", "none");
	assert_int_equal(report_result(r), V_FAIL);
	test_free(r);
}

static void test_json_escapes(void **state)
{
	struct report *r = test_calloc(1, sizeof(*r));
	char *out;

	(void)state;
	report_add(r, V_FAIL, "config", NULL, "a \"quoted\" \\ back\tslash\n\x01");
	out = render(r, true);
	assert_string_equal(out, "{\"result\":\"fail\",\"passed\":0,\"warnings\":0,\"failed\":1,"
				 "\"checks\":[{\"check\":\"config\",\"result\":\"fail\",\"device\":"
				 "null,\"message\":\"a \\\"quoted\\\" \\\\ back\\tslash\\n\\u0001\"}]}\n");
	free(out);
	test_free(r);
}

static void test_empty_is_pass(void **state)
{
	struct report *r = test_calloc(1, sizeof(*r));

	(void)state;
	assert_int_equal(report_result(r), V_PASS);
	test_free(r);
}

static void test_overflow_is_reported(void **state)
{
	struct report *r = test_calloc(1, sizeof(*r));

	(void)state;
	for (int i = 0; i < REPORT_ITEMS_MAX + 5; i++)
		report_add(r, V_PASS, "overlay", NULL, "n%d", i);
	assert_int_equal(r->n, REPORT_ITEMS_MAX);
	assert_true(r->truncated);
	assert_int_equal(report_result(r), V_FAIL);
	assert_string_equal(r->items[REPORT_ITEMS_MAX - 1].check, "report");
	test_free(r);
}

static void test_long_message_is_cut(void **state)
{
	struct report *r = test_calloc(1, sizeof(*r));
	char big[REPORT_MSG_MAX * 2];

	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	report_add(r, V_PASS, "pci", NULL, "%s", big);
	assert_int_equal(strlen(r->items[0].msg), REPORT_MSG_MAX - 1);
	test_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_json_escapes),
		cmocka_unit_test(test_empty_is_pass),
		cmocka_unit_test(test_overflow_is_reported),
		cmocka_unit_test(test_long_message_is_cut),
	};

	return cmocka_run_group_tests_name("preflight-report", tests, NULL, NULL);
}
