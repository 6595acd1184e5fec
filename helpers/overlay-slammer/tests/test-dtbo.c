// SPDX-License-Identifier: GPL-2.0-or-later
#include <setjmp.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <libfdt.h>

#include "dtbo.h"

#define BUF 4096

/* Base tree: /soc/pcie@1000 labelled "pcie1" in __symbols__. */
static size_t make_base(void *buf, bool symbols)
{
	assert_int_equal(fdt_create(buf, BUF), 0);
	assert_int_equal(fdt_finish_reservemap(buf), 0);
	assert_int_equal(fdt_begin_node(buf, ""), 0);
	assert_int_equal(fdt_property_string(buf, "compatible", "raspberrypi,5-compute-module"), 0);
	assert_int_equal(fdt_begin_node(buf, "soc"), 0);
	assert_int_equal(fdt_begin_node(buf, "pcie@1000"), 0);
	assert_int_equal(fdt_property_u32(buf, "phandle", 1), 0);
	assert_int_equal(fdt_property_string(buf, "status", "disabled"), 0);
	assert_int_equal(fdt_end_node(buf), 0);
	assert_int_equal(fdt_end_node(buf), 0);
	if (symbols) {
		assert_int_equal(fdt_begin_node(buf, "__symbols__"), 0);
		assert_int_equal(fdt_property_string(buf, "pcie1", "/soc/pcie@1000"), 0);
		assert_int_equal(fdt_end_node(buf), 0);
	}
	assert_int_equal(fdt_end_node(buf), 0);
	assert_int_equal(fdt_finish(buf), 0);
	return fdt_totalsize(buf);
}

enum target_kind { BY_LABEL, BY_PATH, NO_TARGET, NO_OVERLAY_NODE };

/* One fragment that sets status = "okay" on its target. */
static size_t make_overlay(void *buf, enum target_kind kind, const char *ref)
{
	assert_int_equal(fdt_create(buf, BUF), 0);
	assert_int_equal(fdt_finish_reservemap(buf), 0);
	assert_int_equal(fdt_begin_node(buf, ""), 0);
	assert_int_equal(fdt_begin_node(buf, "fragment@0"), 0);
	if (kind == BY_LABEL)
		assert_int_equal(fdt_property_u32(buf, "target", 0xffffffff), 0);
	if (kind == BY_PATH)
		assert_int_equal(fdt_property_string(buf, "target-path", ref), 0);
	if (kind != NO_OVERLAY_NODE) {
		assert_int_equal(fdt_begin_node(buf, "__overlay__"), 0);
		assert_int_equal(fdt_property_string(buf, "status", "okay"), 0);
		assert_int_equal(fdt_end_node(buf), 0);
	}
	assert_int_equal(fdt_end_node(buf), 0);
	if (kind == BY_LABEL) {
		char fix[64];

		snprintf(fix, sizeof(fix), "/fragment@0:target:0");
		assert_int_equal(fdt_begin_node(buf, "__fixups__"), 0);
		assert_int_equal(fdt_property_string(buf, ref, fix), 0);
		assert_int_equal(fdt_end_node(buf), 0);
	}
	assert_int_equal(fdt_end_node(buf), 0);
	assert_int_equal(fdt_finish(buf), 0);
	return fdt_totalsize(buf);
}

static void test_valid_overlay(void **state)
{
	char buf[BUF], why[256];
	struct dtbo_info info;
	size_t n = make_overlay(buf, BY_LABEL, "pcie1");

	(void)state;
	assert_int_equal(dtbo_validate(buf, n, &info, why, sizeof(why)), 0);
	assert_int_equal(info.fragments, 1);
	assert_true(info.has_fixups);
	n = make_overlay(buf, BY_PATH, "/soc");
	assert_int_equal(dtbo_validate(buf, n, &info, why, sizeof(why)), 0);
	assert_false(info.has_fixups);
}

static void test_rejects(void **state)
{
	char buf[BUF], why[256];
	size_t n;

	(void)state;
	n = make_overlay(buf, BY_LABEL, "pcie1");
	assert_int_equal(dtbo_validate(buf, 10, NULL, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "too short"));
	assert_int_equal(dtbo_validate(buf, n - 1, NULL, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "truncated"));
	assert_int_equal(dtbo_validate(buf, n + 4 <= BUF ? n + 4 : n, NULL, why, sizeof(why)),
			 -EINVAL);
	assert_non_null(strstr(why, "trailing"));
	buf[0] ^= 0xff;
	assert_int_equal(dtbo_validate(buf, n, NULL, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "magic"));

	n = make_base(buf, true);
	assert_int_equal(dtbo_validate(buf, n, NULL, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "not an overlay"));
	n = make_overlay(buf, NO_TARGET, NULL);
	assert_int_equal(dtbo_validate(buf, n, NULL, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "no target"));
	n = make_overlay(buf, NO_OVERLAY_NODE, NULL);
	assert_int_equal(dtbo_validate(buf, n, NULL, why, sizeof(why)), -EINVAL);
}

static void test_old_versions_refused(void **state)
{
	char buf[BUF], why[256];
	size_t n = make_overlay(buf, BY_PATH, "/soc");

	(void)state;
	fdt_set_version(buf, 16);
	assert_int_equal(dtbo_validate(buf, n, NULL, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "version 16"));
	fdt_set_version(buf, 17);
	assert_int_equal(dtbo_validate(buf, n, NULL, why, sizeof(why)), 0);
}

static void test_corrupt_structure(void **state)
{
	char buf[BUF], why[256];
	size_t n = make_overlay(buf, BY_PATH, "/soc");
	uint32_t off = fdt_off_dt_struct(buf);

	(void)state;
	/* The first token of the structure block must be FDT_BEGIN_NODE. */
	buf[off + 3] = 0x7;
	assert_int_equal(dtbo_validate(buf, n, NULL, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "unknown structure tag 0x7"));
}

/* A property length near 4 GiB once sent libfdt's walk backwards for ever. */
static void test_huge_property_length(void **state)
{
	char buf[BUF], why[256];
	size_t n = make_overlay(buf, BY_PATH, "/soc");
	uint32_t off = fdt_off_dt_struct(buf);
	int prop;

	(void)state;
	prop = fdt_first_property_offset(buf, fdt_path_offset(buf, "/fragment@0"));
	assert_true(prop >= 0);
	/* Tag, then the length: make it -12. */
	*(fdt32_t *)(buf + off + prop + 4) = cpu_to_fdt32(0xfffffff4);
	assert_int_equal(dtbo_validate(buf, n, NULL, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "runs past the structure block"));
}

static void test_every_truncation_is_refused(void **state)
{
	char buf[BUF], why[256];
	size_t n = make_overlay(buf, BY_LABEL, "pcie1");

	(void)state;
	for (size_t len = 0; len < n; len++) {
		char *copy = malloc(len ? len : 1);

		memcpy(copy, buf, len);
		assert_int_equal(dtbo_validate(copy, len, NULL, why, sizeof(why)), -EINVAL);
		free(copy);
	}
}

static void test_apply_to_base(void **state)
{
	char base[BUF], ovl[BUF], why[256];
	size_t nb = make_base(base, true), no;
	struct dt dt;
	int node;

	(void)state;
	assert_int_equal(dt_open(&dt, base, nb, why, sizeof(why)), 0);
	assert_true(dt_has_symbols(&dt));
	no = make_overlay(ovl, BY_LABEL, "pcie1");
	assert_int_equal(dt_apply(&dt, ovl, no, why, sizeof(why)), 0);
	node = fdt_path_offset(dt.fdt, "/soc/pcie@1000");
	assert_true(node >= 0);
	assert_string_equal(fdt_getprop(dt.fdt, node, "status", NULL), "okay");
	/* The caller's overlay is left intact for the write to configfs. */
	assert_int_equal(dtbo_validate(ovl, no, NULL, why, sizeof(why)), 0);
	dt_close(&dt);
}

static void test_unresolved_names_the_label(void **state)
{
	char base[BUF], ovl[BUF], why[256];
	size_t nb = make_base(base, true), no;
	struct dt dt;
	void *before;

	(void)state;
	assert_int_equal(dt_open(&dt, base, nb, why, sizeof(why)), 0);
	before = malloc(dt.size);
	memcpy(before, dt.fdt, dt.size);
	no = make_overlay(ovl, BY_LABEL, "pcie9");
	assert_int_equal(dt_apply(&dt, ovl, no, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "'pcie9'"));
	no = make_overlay(ovl, BY_PATH, "/soc/missing");
	assert_int_equal(dt_apply(&dt, ovl, no, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "/soc/missing"));
	/* A failed apply leaves the tree as it was. */
	assert_memory_equal(before, dt.fdt, fdt_totalsize(before));
	free(before);
	dt_close(&dt);

	nb = make_base(base, false);
	assert_int_equal(dt_open(&dt, base, nb, why, sizeof(why)), 0);
	assert_false(dt_has_symbols(&dt));
	no = make_overlay(ovl, BY_LABEL, "pcie1");
	assert_int_equal(dt_apply(&dt, ovl, no, why, sizeof(why)), -EINVAL);
	dt_close(&dt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_overlay),
		cmocka_unit_test(test_rejects),
		cmocka_unit_test(test_old_versions_refused),
		cmocka_unit_test(test_corrupt_structure),
		cmocka_unit_test(test_huge_property_length),
		cmocka_unit_test(test_every_truncation_is_refused),
		cmocka_unit_test(test_apply_to_base),
		cmocka_unit_test(test_unresolved_names_the_label),
	};

	return cmocka_run_group_tests_name("dtbo", tests, NULL, NULL);
}
