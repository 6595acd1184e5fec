// SPDX-License-Identifier: GPL-2.0-or-later
#include <setjmp.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <libfdt.h>

#include "params.h"

#define BUF 8192

/* One override declaration: phandle, then the string (with its NUL). */
static int decl(uint8_t *out, uint32_t phandle, const char *spec)
{
	size_t n = strlen(spec) + 1;

	out[0] = (uint8_t)(phandle >> 24);
	out[1] = (uint8_t)(phandle >> 16);
	out[2] = (uint8_t)(phandle >> 8);
	out[3] = (uint8_t)phandle;
	memcpy(out + 4, spec, n);
	return (int)(4 + n);
}

static void override(void *buf, const char *name, uint32_t phandle, const char *spec)
{
	uint8_t v[128];
	int n = decl(v, phandle, spec);

	assert_int_equal(fdt_property(buf, name, v, n), 0);
}

/* fragment@0 (active, target-path "/") holding node@0 (phandle 1); fragment@1
 * dormant; __overrides__ of each kind, good and bad. With dormant_only, fragment
 * 0 is dormant too; without overrides, there is no __overrides__ node. */
static size_t make_overlay(void *buf, bool dormant_only, bool overrides)
{
	static const uint8_t truncated[] = { 0, 0, 0, 1, 'r' };
	static const uint8_t one_byte[] = { 1 };
	const fdt32_t cells[] = { cpu_to_fdt32(1), cpu_to_fdt32(2) };

	assert_int_equal(fdt_create(buf, BUF), 0);
	assert_int_equal(fdt_finish_reservemap(buf), 0);
	assert_int_equal(fdt_begin_node(buf, ""), 0);
	assert_int_equal(fdt_begin_node(buf, "fragment@0"), 0);
	assert_int_equal(fdt_property_string(buf, "target-path", "/"), 0);
	assert_int_equal(fdt_begin_node(buf, dormant_only ? "__dormant__" : "__overlay__"), 0);
	assert_int_equal(fdt_begin_node(buf, "node@0"), 0);
	assert_int_equal(fdt_property_u32(buf, "phandle", 1), 0);
	assert_int_equal(fdt_property(buf, "cells", cells, sizeof(cells)), 0);
	assert_int_equal(fdt_property(buf, "byte", one_byte, 1), 0);
	assert_int_equal(fdt_property_string(buf, "str", "a"), 0);
	assert_int_equal(fdt_property(buf, "flag", NULL, 0), 0);
	assert_int_equal(fdt_end_node(buf), 0);
	assert_int_equal(fdt_end_node(buf), 0);
	assert_int_equal(fdt_end_node(buf), 0);
	assert_int_equal(fdt_begin_node(buf, "fragment@1"), 0);
	assert_int_equal(fdt_property_string(buf, "target-path", "/"), 0);
	assert_int_equal(fdt_begin_node(buf, "__dormant__"), 0);
	assert_int_equal(fdt_property(buf, "woken", NULL, 0), 0);
	assert_int_equal(fdt_end_node(buf), 0);
	assert_int_equal(fdt_end_node(buf), 0);
	if (overrides) {
		assert_int_equal(fdt_begin_node(buf, "__overrides__"), 0);
		override(buf, "n8", 1, "byte.0");
		override(buf, "c32", 1, "cells:4");
		override(buf, "s", 1, "str");
		override(buf, "b", 1, "flag?");
		override(buf, "on1", 0, "+1");
		override(buf, "off0", 0, "-0");
		override(buf, "bad", 0, "+5");
		override(buf, "out", 1, "cells:8");
		override(buf, "lit", 1, "cells:0=7");
		assert_int_equal(fdt_property(buf, "trunc", truncated, sizeof(truncated)), 0);
		assert_int_equal(fdt_end_node(buf), 0);
	}
	assert_int_equal(fdt_end_node(buf), 0);
	assert_int_equal(fdt_finish(buf), 0);
	return fdt_totalsize(buf);
}

static char in[BUF], out[BUF * 2], why[256];

static int apply(const char *params)
{
	make_overlay(in, false, true);
	why[0] = '\0';
	return params_apply(in, out, sizeof(out), params, why, sizeof(why));
}

static const void *node_prop(const char *prop, int *len)
{
	int node = fdt_path_offset(out, "/fragment@0/__overlay__/node@0");

	assert_true(node >= 0);
	return fdt_getprop(out, node, prop, len);
}

static void test_cells_and_bytes(void **state)
{
	const fdt32_t *c;
	const uint8_t *b;
	int len = 0;

	(void)state;
	/* Fragment 1 stays dormant: one fragment to apply, and no __overrides__. */
	assert_int_equal(apply("c32=0x10,n8=255"), 1);
	c = node_prop("cells", &len);
	assert_int_equal(len, 8);
	assert_int_equal(fdt32_ld(&c[0]), 1);
	assert_int_equal(fdt32_ld(&c[1]), 16);
	b = node_prop("byte", &len);
	assert_int_equal(len, 1);
	assert_int_equal(b[0], 255);
	assert_true(fdt_path_offset(out, "/__overrides__") == -FDT_ERR_NOTFOUND);
	assert_true(fdt_path_offset(out, "/fragment@1") == -FDT_ERR_NOTFOUND);
	/* A literal replaces the value given. */
	assert_int_equal(apply("lit=99"), 1);
	c = node_prop("cells", &len);
	assert_int_equal(fdt32_ld(&c[0]), 7);
}

static void test_strings_and_booleans(void **state)
{
	int len = 0;

	(void)state;
	assert_int_equal(apply("s=hello,b=off"), 1);
	assert_string_equal(node_prop("str", &len), "hello");
	assert_null(node_prop("flag", &len));
	assert_int_equal(apply("b"), 1);
	assert_non_null(node_prop("flag", &len));
	assert_int_equal(len, 0);
}

static void test_fragment_switches(void **state)
{
	(void)state;
	assert_int_equal(apply("on1"), 2);
	assert_true(fdt_path_offset(out, "/fragment@1/__overlay__") >= 0);
	/* Both off: nothing left to apply. */
	assert_int_equal(apply("off0"), 0);
	assert_true(fdt_path_offset(out, "/fragment@0") == -FDT_ERR_NOTFOUND);
}

static void test_bad_values(void **state)
{
	(void)state;
	assert_int_equal(apply("n8=256"), -FDT_ERR_BADVALUE);
	assert_non_null(strstr(why, "parameter 'n8'='256': out of range; it takes a number from 0 to 255"));
	assert_int_equal(apply("c32=ten"), -FDT_ERR_BADVALUE);
	assert_non_null(strstr(why, "not a number"));
	assert_int_equal(apply("c32=0x100000000"), -FDT_ERR_BADVALUE);
	assert_int_equal(apply("b=perhaps"), -FDT_ERR_BADVALUE);
	assert_int_equal(apply("zz=1"), -FDT_ERR_NOTFOUND);
	assert_non_null(strstr(why, "parameter 'zz': the overlay has no such parameter; it takes n8, c32"));
	assert_int_equal(apply("n8=1,,x"), -FDT_ERR_BADVALUE);
	assert_non_null(strstr(why, "a parameter without a name"));
}

static void test_bad_overrides(void **state)
{
	(void)state;
	assert_int_equal(apply("bad"), -FDT_ERR_BADOVERLAY);
	assert_non_null(strstr(why, "switches fragment 5, which the overlay lacks"));
	assert_int_equal(apply("out=1"), -FDT_ERR_BADOVERLAY);
	assert_non_null(strstr(why, "bytes 8 to 11 of property 'cells'"));
	assert_int_equal(apply("trunc=1"), -FDT_ERR_BADOVERLAY);
	assert_non_null(strstr(why, "truncated"));
}

/* Too little room is -FDT_ERR_NOSPACE, and the input is never written. */
static void test_no_space_leaves_input(void **state)
{
	static char copy[BUF], small[600];
	size_t size = make_overlay(in, false, true);

	(void)state;
	memcpy(copy, in, size);
	assert_int_equal(params_apply(in, small, sizeof(small), "s=a-much-longer-string-than-before",
				      why, sizeof(why)),
			 -FDT_ERR_NOSPACE);
	assert_memory_equal(in, copy, size);
}

static void test_prepare(void **state)
{
	struct prepared p = { 0 };
	size_t size;

	(void)state;
	/* Nothing to change: the very bytes. */
	make_overlay(in, false, false);
	fdt_del_node(in, fdt_path_offset(in, "/fragment@1"));
	fdt_pack(in);
	size = fdt_totalsize(in);
	assert_int_equal(overlay_prepare(in, size, "", &p, why, sizeof(why)), 0);
	assert_int_equal(p.size, size);
	assert_memory_equal(p.data, in, size);
	assert_int_equal(p.info.fragments, 1);
	prepared_free(&p);
	/* Dormant fragments only: valid, and nothing to apply. */
	size = make_overlay(in, true, true);
	assert_int_equal(dtbo_validate(in, size, &p.info, why, sizeof(why)), 0);
	assert_int_equal(p.info.fragments, 0);
	assert_int_equal(p.info.dormant, 2);
	assert_int_equal(overlay_prepare(in, size, "", &p, why, sizeof(why)), 0);
	assert_int_equal(p.info.fragments, 0);
	prepared_free(&p);
	assert_int_equal(overlay_prepare(in, size, "on1", &p, why, sizeof(why)), 0);
	assert_int_equal(p.info.fragments, 1);
	prepared_free(&p);
	/* A parameter error is -EDOM, named. */
	assert_int_equal(overlay_prepare(in, size, "n8=300", &p, why, sizeof(why)), -EDOM);
	assert_null(p.data);
	assert_non_null(strstr(why, "parameter 'n8'"));
}

static void test_arg_split(void **state)
{
	char file[64];
	const char *params;

	(void)state;
	assert_int_equal(overlay_arg_split("dir.x/a.dtbo,p=1,q", file, sizeof(file), &params), 0);
	assert_string_equal(file, "dir.x/a.dtbo");
	assert_string_equal(params, "p=1,q");
	assert_int_equal(overlay_arg_split("a,b/c.dtbo", file, sizeof(file), &params), 0);
	assert_string_equal(file, "a,b/c.dtbo");
	assert_string_equal(params, "");
	assert_int_equal(overlay_arg_split("/nonexistent/long-name.dtbo", file, 8, &params),
			 -ENAMETOOLONG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cells_and_bytes),
		cmocka_unit_test(test_strings_and_booleans),
		cmocka_unit_test(test_fragment_switches),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_bad_overrides),
		cmocka_unit_test(test_no_space_leaves_input),
		cmocka_unit_test(test_prepare),
		cmocka_unit_test(test_arg_split),
	};

	return cmocka_run_group_tests_name("params", tests, NULL, NULL);
}
