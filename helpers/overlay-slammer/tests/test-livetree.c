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

#include "livetree.h"
#include "merge.h"

#define BUF 4096

/* The booted tree before the overlay: /soc/pcie@1000 (phandle 1, label pcie1)
 * and /gic (phandle 7, label gic). */
static size_t make_base(void *buf)
{
	assert_int_equal(fdt_create(buf, BUF), 0);
	assert_int_equal(fdt_finish_reservemap(buf), 0);
	assert_int_equal(fdt_begin_node(buf, ""), 0);
	assert_int_equal(fdt_begin_node(buf, "soc"), 0);
	assert_int_equal(fdt_begin_node(buf, "pcie@1000"), 0);
	assert_int_equal(fdt_property_u32(buf, "phandle", 1), 0);
	assert_int_equal(fdt_property_string(buf, "status", "disabled"), 0);
	assert_int_equal(fdt_end_node(buf), 0);
	assert_int_equal(fdt_end_node(buf), 0);
	assert_int_equal(fdt_begin_node(buf, "gic"), 0);
	assert_int_equal(fdt_property_u32(buf, "phandle", 7), 0);
	assert_int_equal(fdt_end_node(buf), 0);
	assert_int_equal(fdt_begin_node(buf, "__symbols__"), 0);
	assert_int_equal(fdt_property_string(buf, "pcie1", "/soc/pcie@1000"), 0);
	assert_int_equal(fdt_property_string(buf, "gic", "/gic"), 0);
	assert_int_equal(fdt_end_node(buf), 0);
	assert_int_equal(fdt_end_node(buf), 0);
	assert_int_equal(fdt_finish(buf), 0);
	return fdt_totalsize(buf);
}

enum target_kind { BY_LABEL, BY_PATH, BY_PHANDLE };

/* A fragment on pcie1 with a label fixup (interrupt-parent = <&gic>) and a local
 * one (link = <&slot>, slot being a node of the overlay). */
static size_t make_overlay(void *buf, enum target_kind kind)
{
	assert_int_equal(fdt_create(buf, BUF), 0);
	assert_int_equal(fdt_finish_reservemap(buf), 0);
	assert_int_equal(fdt_begin_node(buf, ""), 0);
	assert_int_equal(fdt_begin_node(buf, "fragment@0"), 0);
	if (kind == BY_LABEL)
		assert_int_equal(fdt_property_u32(buf, "target", 0xffffffff), 0);
	else if (kind == BY_PHANDLE)
		assert_int_equal(fdt_property_u32(buf, "target", 1), 0);
	else
		assert_int_equal(fdt_property_string(buf, "target-path", "/soc/pcie@1000"), 0);
	assert_int_equal(fdt_begin_node(buf, "__overlay__"), 0);
	assert_int_equal(fdt_property_string(buf, "status", "okay"), 0);
	assert_int_equal(fdt_property_u32(buf, "interrupt-parent", 0xffffffff), 0);
	assert_int_equal(fdt_property_u32(buf, "link", 1), 0);
	assert_int_equal(fdt_begin_node(buf, "slot"), 0);
	assert_int_equal(fdt_property_u32(buf, "phandle", 1), 0);
	assert_int_equal(fdt_property_string(buf, "compatible", "exaviz,slot"), 0);
	assert_int_equal(fdt_end_node(buf), 0);
	assert_int_equal(fdt_end_node(buf), 0);
	assert_int_equal(fdt_end_node(buf), 0);
	assert_int_equal(fdt_begin_node(buf, "__fixups__"), 0);
	if (kind == BY_LABEL)
		assert_int_equal(fdt_property_string(buf, "pcie1", "/fragment@0:target:0"), 0);
	assert_int_equal(fdt_property_string(buf, "gic", "/fragment@0/__overlay__:interrupt-parent:0"),
			 0);
	assert_int_equal(fdt_end_node(buf), 0);
	assert_int_equal(fdt_begin_node(buf, "__local_fixups__"), 0);
	assert_int_equal(fdt_begin_node(buf, "fragment@0"), 0);
	assert_int_equal(fdt_begin_node(buf, "__overlay__"), 0);
	assert_int_equal(fdt_property_u32(buf, "link", 0), 0);
	assert_int_equal(fdt_end_node(buf), 0);
	assert_int_equal(fdt_end_node(buf), 0);
	assert_int_equal(fdt_end_node(buf), 0);
	assert_int_equal(fdt_end_node(buf), 0);
	assert_int_equal(fdt_finish(buf), 0);
	return fdt_totalsize(buf);
}

/* The booted tree: the base with the overlay merged in (merged: and listed in
 * /chosen, as merge lists it). */
static void booted_with(struct dt *dt, const void *ovl, bool listed)
{
	char base[BUF], why[256];
	size_t len, n = make_base(base);
	struct merge *m;
	const void *tree;

	assert_int_equal(merge_open(&m, base, n, why, sizeof(why)), 0);
	if (merge_add(m, "slot", ovl, fdt_totalsize(ovl), why, sizeof(why)) != 0)
		fail_msg("%s", why);
	if (listed)
		assert_int_equal(merge_finish(m, why, sizeof(why)), 0);
	tree = merge_result(m, &len);
	if (dt_open(dt, tree, len, why, sizeof(why)) != 0)
		fail_msg("%s", why);
	merge_close(m);
}

static int check(const struct dt *dt, const void *ovl, char *why, size_t size, unsigned *same)
{
	return livetree_check(dt, "slot", ovl, fdt_totalsize(ovl), why, size, same);
}

/* Sets a property of the booted tree in place (same length). */
static void poke(struct dt *dt, const char *path, const char *prop, const void *val, int len)
{
	assert_int_equal(fdt_setprop_inplace(dt->fdt, fdt_path_offset(dt->fdt, path), prop, val, len),
			 0);
}

static void test_in_effect_every_target_form(void **state)
{
	char ovl[BUF], why[512];
	struct dt dt;
	unsigned same;

	(void)state;
	for (int kind = BY_LABEL; kind <= BY_PHANDLE; kind++) {
		make_overlay(ovl, kind);
		booted_with(&dt, ovl, false);
		/* Compared: the overlay's own node renumbered, the label resolved. */
		assert_int_equal(check(&dt, ovl, why, sizeof(why), &same), 1);
		assert_string_equal(why, "");
		assert_int_equal(same, 4);
		dt_close(&dt);
		/* Listed: looked up. */
		booted_with(&dt, ovl, true);
		assert_int_equal(check(&dt, ovl, why, sizeof(why), NULL), 1);
		dt_close(&dt);
	}
}

static void test_differences_are_named(void **state)
{
	char ovl[BUF], why[512];
	struct dt dt;
	fdt32_t eight = cpu_to_fdt32(8);
	unsigned same;

	(void)state;
	make_overlay(ovl, BY_LABEL);
	booted_with(&dt, ovl, false);
	poke(&dt, "/soc/pcie@1000", "status", "gone", 5);
	poke(&dt, "/soc/pcie@1000", "interrupt-parent", &eight, 4);
	assert_int_equal(check(&dt, ovl, why, sizeof(why), &same), 0);
	assert_string_equal(why, "/soc/pcie@1000/status differs (the tree has \"gone\", the "
				 "overlay \"okay\"); /soc/pcie@1000/interrupt-parent differs (the "
				 "tree has <0x8>, the overlay <0x7>)");
	assert_int_equal(same, 2);
	dt_close(&dt);
}

static void test_missing_nodes_and_properties(void **state)
{
	char base[BUF], ovl[BUF], why[512];
	struct dt dt;

	(void)state;
	make_overlay(ovl, BY_PATH);
	make_base(base);
	assert_int_equal(dt_open(&dt, base, fdt_totalsize(base), why, sizeof(why)), 0);
	assert_int_equal(check(&dt, ovl, why, sizeof(why), NULL), 0);
	assert_string_equal(why, "/soc/pcie@1000/status differs (the tree has \"disabled\", the "
				 "overlay \"okay\"); /soc/pcie@1000/interrupt-parent missing; "
				 "/soc/pcie@1000/link missing; and 1 more");
	dt_close(&dt);
}

static void test_unresolvable_target(void **state)
{
	char base[BUF], ovl[BUF], why[512];
	struct dt dt;

	(void)state;
	make_overlay(ovl, BY_LABEL);
	make_base(base);
	assert_int_equal(dt_open(&dt, base, fdt_totalsize(base), why, sizeof(why)), 0);
	assert_int_equal(fdt_delprop(dt.fdt, fdt_path_offset(dt.fdt, "/__symbols__"), "pcie1"), 0);
	assert_int_equal(check(&dt, ovl, why, sizeof(why), NULL), 0);
	assert_string_equal(why, "label 'pcie1' missing from __symbols__");
	dt_close(&dt);
}

static void test_another_build_is_compared(void **state)
{
	char ovl[BUF], why[512];
	struct dt dt;

	(void)state;
	make_overlay(ovl, BY_PATH);
	booted_with(&dt, ovl, true);
	poke(&dt, "/soc/pcie@1000", "status", "gone", 5);
	/* Listed with this digest: looked up, what changed after is not looked at. */
	assert_int_equal(check(&dt, ovl, why, sizeof(why), NULL), 1);
	/* Listed with another: compared, and said so. */
	poke(&dt, "/chosen", MERGED_CRC32, "\0\0\0", 4);
	assert_int_equal(check(&dt, ovl, why, sizeof(why), NULL), 0);
	assert_non_null(strstr(why, "/soc/pcie@1000/status differs"));
	assert_non_null(strstr(why, "the merged DTB lists another build of it"));
	dt_close(&dt);
}

static void test_local_phandle_must_name_the_node(void **state)
{
	char ovl[BUF], why[512];
	struct dt dt;
	fdt32_t gic = cpu_to_fdt32(7);

	(void)state;
	make_overlay(ovl, BY_PATH);
	booted_with(&dt, ovl, false);
	/* link = <&slot> now names another node. */
	poke(&dt, "/soc/pcie@1000", "link", &gic, 4);
	assert_int_equal(check(&dt, ovl, why, sizeof(why), NULL), 0);
	assert_non_null(strstr(why, "/soc/pcie@1000/link differs (the tree has <0x7>"));
	dt_close(&dt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_in_effect_every_target_form),
		cmocka_unit_test(test_differences_are_named),
		cmocka_unit_test(test_missing_nodes_and_properties),
		cmocka_unit_test(test_unresolvable_target),
		cmocka_unit_test(test_another_build_is_compared),
		cmocka_unit_test(test_local_phandle_must_name_the_node),
	};

	return cmocka_run_group_tests_name("livetree", tests, NULL, NULL);
}
