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

/* Allocation failures on demand: the unit test links with --wrap=malloc, so the
 * code under test reaches this first. fail_at counts down to the failing call;
 * negative means never. */
void *__real_malloc(size_t n);
void *__wrap_malloc(size_t n);
static int fail_at = -1;

void *__wrap_malloc(size_t n)
{
	if (fail_at >= 0 && fail_at-- == 0)
		return NULL;
	return __real_malloc(n);
}

/* An overlay with a local reference (fan = <&own>) and a label reference (pcie1),
 * the two kinds of fixup dtc -@ writes. off_local and off_fix are the offsets
 * they give; tweak lets a test break the overlay in one place. */
enum tweak { T_NONE, T_LOCAL_PROP_MISSING, T_LOCAL_NODE_MISSING, T_LOCAL_ODD_LENGTH,
	     T_FIX_NO_COLONS, T_FIX_BAD_PATH, T_FIX_BAD_PROP, T_FIX_SIGNED };

static size_t make_fixups(void *buf, uint32_t off_local, const char *off_fix, enum tweak tw)
{
	char fix[96];

	assert_int_equal(fdt_create(buf, BUF), 0);
	assert_int_equal(fdt_finish_reservemap(buf), 0);
	assert_int_equal(fdt_begin_node(buf, ""), 0);
	assert_int_equal(fdt_begin_node(buf, "fragment@0"), 0);
	assert_int_equal(fdt_property_u32(buf, "target", 0xffffffff), 0);
	assert_int_equal(fdt_begin_node(buf, "__overlay__"), 0);
	assert_int_equal(fdt_begin_node(buf, "own"), 0);
	assert_int_equal(fdt_property_u32(buf, "phandle", 1), 0);
	assert_int_equal(fdt_end_node(buf), 0);
	assert_int_equal(fdt_begin_node(buf, "user"), 0);
	assert_int_equal(fdt_property_u32(buf, "fan", 1), 0);
	assert_int_equal(fdt_end_node(buf), 0);
	assert_int_equal(fdt_end_node(buf), 0);
	assert_int_equal(fdt_end_node(buf), 0);
	assert_int_equal(fdt_begin_node(buf, "__fixups__"), 0);
	snprintf(fix, sizeof(fix), "%s:%s:%s",
		 tw == T_FIX_BAD_PATH ? "/fragment@9" : "/fragment@0",
		 tw == T_FIX_BAD_PROP ? "tarjet" : "target", off_fix);
	if (tw == T_FIX_NO_COLONS)
		snprintf(fix, sizeof(fix), "/fragment@0");
	if (tw == T_FIX_SIGNED)
		snprintf(fix, sizeof(fix), "/fragment@0:target:-0");
	assert_int_equal(fdt_property_string(buf, "pcie1", fix), 0);
	assert_int_equal(fdt_end_node(buf), 0);
	assert_int_equal(fdt_begin_node(buf, "__local_fixups__"), 0);
	assert_int_equal(fdt_begin_node(buf, "fragment@0"), 0);
	assert_int_equal(fdt_begin_node(buf, "__overlay__"), 0);
	assert_int_equal(fdt_begin_node(buf, tw == T_LOCAL_NODE_MISSING ? "nobody" : "user"), 0);
	if (tw == T_LOCAL_ODD_LENGTH)
		assert_int_equal(fdt_property(buf, "fan", "abc", 3), 0);
	else
		assert_int_equal(fdt_property_u32(buf, tw == T_LOCAL_PROP_MISSING ? "fans" : "fan",
						  off_local), 0);
	assert_int_equal(fdt_end_node(buf), 0);
	assert_int_equal(fdt_end_node(buf), 0);
	assert_int_equal(fdt_end_node(buf), 0);
	assert_int_equal(fdt_end_node(buf), 0);
	assert_int_equal(fdt_end_node(buf), 0);
	assert_int_equal(fdt_finish(buf), 0);
	return fdt_totalsize(buf);
}

static void expect_refused(const void *buf, size_t n, const char *text)
{
	char why[320];

	assert_int_equal(dtbo_validate(buf, n, NULL, why, sizeof(why)), -EINVAL);
	if (!strstr(why, text))
		fail_msg("'%s' does not say '%s'", why, text);
}

/* libfdt 1.6 reads and writes at these offsets unchecked: one outside its property
 * crashed check --base, merge and the pre-check of apply. */
static void test_fixup_offsets(void **state)
{
	char buf[BUF], base[BUF], why[320];
	struct dt dt;
	size_t n;

	(void)state;
	n = make_fixups(buf, 0, "0", T_NONE);
	assert_int_equal(dtbo_validate(buf, n, NULL, why, sizeof(why)), 0);
	assert_int_equal(dt_open(&dt, base, make_base(base, true), why, sizeof(why)), 0);
	assert_int_equal(dt_apply(&dt, buf, n, why, sizeof(why)), 0);
	dt_close(&dt);

	n = make_fixups(buf, 4, "0", T_NONE);
	expect_refused(buf, n, "__local_fixups__: offset 4 is outside property 'fan' of "
			       "/fragment@0/__overlay__/user, which has 4 bytes");
	n = make_fixups(buf, 0x7ffffff0, "0", T_NONE);
	expect_refused(buf, n, "offset 2147483632 is outside property 'fan'");
	n = make_fixups(buf, 0xfffffffe, "0", T_NONE);
	expect_refused(buf, n, "offset 4294967294 is outside");
	n = make_fixups(buf, 0, "0", T_LOCAL_PROP_MISSING);
	expect_refused(buf, n, "__local_fixups__ names property 'fans' of "
			       "/fragment@0/__overlay__/user, which it lacks");
	n = make_fixups(buf, 0, "0", T_LOCAL_NODE_MISSING);
	expect_refused(buf, n, "__local_fixups__ names node /fragment@0/__overlay__/nobody, "
			       "which the overlay lacks");
	n = make_fixups(buf, 0, "0", T_LOCAL_ODD_LENGTH);
	expect_refused(buf, n, "'fan' of /fragment@0/__overlay__/user is 3 bytes, not a list");

	n = make_fixups(buf, 0, "1", T_NONE);
	expect_refused(buf, n, "__fixups__: label 'pcie1' at offset 1 of property 'target' of "
			       "/fragment@0, which has 4 bytes");
	/* An offset that wraps libfdt's bound check (4 + idx) to a small number. */
	n = make_fixups(buf, 0, "4294967294", T_NONE);
	expect_refused(buf, n, "at offset 4294967294 of property 'target'");
	n = make_fixups(buf, 0, "99999999999", T_NONE);
	expect_refused(buf, n, "is not PATH:PROPERTY:OFFSET");
	n = make_fixups(buf, 0, "", T_NONE);
	expect_refused(buf, n, "'/fragment@0:target:' (label 'pcie1') is not PATH:PROPERTY:OFFSET");
	n = make_fixups(buf, 0, "0", T_FIX_NO_COLONS);
	expect_refused(buf, n, "is not PATH:PROPERTY:OFFSET");
	n = make_fixups(buf, 0, "0", T_FIX_SIGNED);
	expect_refused(buf, n, "is not PATH:PROPERTY:OFFSET");
	n = make_fixups(buf, 0, "0", T_FIX_BAD_PATH);
	expect_refused(buf, n, "label 'pcie1' is used at /fragment@9, a node the overlay lacks");
	n = make_fixups(buf, 0, "0", T_FIX_BAD_PROP);
	expect_refused(buf, n, "label 'pcie1' is used in property 'tarjet' of /fragment@0, "
			       "which it lacks");
}

/* A __fixups__ list must end in a NUL, as libfdt's parser needs. */
static void test_fixup_list_unterminated(void **state)
{
	char buf[BUF];
	size_t n = make_fixups(buf, 0, "0", T_NONE);
	int fix = fdt_path_offset(buf, "/__fixups__"), len;
	char *v = fdt_getprop_w(buf, fix, "pcie1", &len);

	(void)state;
	assert_non_null(v);
	v[len - 1] = 'x';
	expect_refused(buf, n, "the list of label 'pcie1' is not NUL-terminated");
}

/* size - 1 levels of "n" below /fragment@0/__overlay__: depth levels in all. */
static size_t make_deep(void *buf, size_t size, unsigned depth)
{
	assert_int_equal(fdt_create(buf, (int)size), 0);
	assert_int_equal(fdt_finish_reservemap(buf), 0);
	assert_int_equal(fdt_begin_node(buf, ""), 0);
	assert_int_equal(fdt_begin_node(buf, "fragment@0"), 0);
	assert_int_equal(fdt_property_string(buf, "target-path", "/soc"), 0);
	assert_int_equal(fdt_begin_node(buf, "__overlay__"), 0);
	for (unsigned i = 3; i < depth; i++)
		assert_int_equal(fdt_begin_node(buf, "n"), 0);
	for (unsigned i = 0; i < depth; i++)
		assert_int_equal(fdt_end_node(buf), 0);
	assert_int_equal(fdt_finish(buf), 0);
	return fdt_totalsize(buf);
}

/* libfdt's overlay apply recurses once per level and is quadratic in the depth:
 * 80,000 levels in under 1 MiB took minutes, then overflowed the stack. */
static void test_depth_limit(void **state)
{
	size_t size = (size_t)2 * 1024 * 1024, n;
	char *buf = malloc(size), why[320], base[BUF];
	struct dt dt;

	(void)state;
	assert_non_null(buf);
	n = make_deep(buf, size, DT_DEPTH_MAX);
	assert_int_equal(dtbo_validate(buf, n, NULL, why, sizeof(why)), 0);
	assert_int_equal(dt_open(&dt, base, make_base(base, true), why, sizeof(why)), 0);
	assert_int_equal(dt_apply(&dt, buf, n, why, sizeof(why)), 0);
	dt_close(&dt);
	n = make_deep(buf, size, DT_DEPTH_MAX + 1);
	expect_refused(buf, n, "nodes nest deeper than 64 levels (the kernel's limit)");
	/* A base tree is held to the same limit. */
	assert_int_equal(dt_open(&dt, buf, n, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "nodes nest deeper than 64 levels (the kernel's limit)");
	n = make_deep(buf, size, 80000);
	assert_true(n < DTBO_SIZE_MAX);
	expect_refused(buf, n, "nodes nest deeper than 64 levels");
	free(buf);
}

/* Many siblings, or many properties in one node, are quadratic work for libfdt. */
static void test_count_limits(void **state)
{
	size_t size = (size_t)1024 * 1024;
	char *buf = malloc(size), why[320], name[16];

	(void)state;
	assert_non_null(buf);
	for (int round = 0; round < 4; round++) {
		int nodes;
		size_t n;

		assert_int_equal(fdt_create(buf, (int)size), 0);
		assert_int_equal(fdt_finish_reservemap(buf), 0);
		assert_int_equal(fdt_begin_node(buf, ""), 0);
		assert_int_equal(fdt_begin_node(buf, "fragment@0"), 0);
		assert_int_equal(fdt_property_string(buf, "target-path", "/"), 0);
		assert_int_equal(fdt_begin_node(buf, "__overlay__"), 0);
		/* round 0: at every limit; 1: one node too many; 2: one property in one
		 * node too many; 3: one property in all too many. */
		nodes = DTBO_NODES_MAX - 3 + (round == 1);
		for (int i = 0; i < nodes; i++) {
			int props = i < 3 ? DTBO_NODE_PROPS_MAX + (round == 2 && i == 0) : 0;

			snprintf(name, sizeof(name), "n%x", i);
			assert_int_equal(fdt_begin_node(buf, name), 0);
			if (i == 3)
				props = DTBO_PROPS_MAX - 3 * DTBO_NODE_PROPS_MAX - 1 + (round == 3);
			for (int k = 0; k < props; k++) {
				snprintf(name, sizeof(name), "p%x", k);
				assert_int_equal(fdt_property(buf, name, NULL, 0), 0);
			}
			assert_int_equal(fdt_end_node(buf), 0);
		}
		assert_int_equal(fdt_end_node(buf), 0);
		assert_int_equal(fdt_end_node(buf), 0);
		assert_int_equal(fdt_end_node(buf), 0);
		assert_int_equal(fdt_finish(buf), 0);
		n = fdt_totalsize(buf);
		if (round == 0)
			assert_int_equal(dtbo_validate(buf, n, NULL, why, sizeof(why)), 0);
		else if (round == 1)
			expect_refused(buf, n, "1025 nodes: more than 1024");
		else if (round == 2)
			expect_refused(buf, n, "a node with 1025 properties: more than 1024");
		else
			expect_refused(buf, n, "4097 properties: more than 4096");
	}
	free(buf);
}

/* The shapes libfdt and the kernel expect of a fragment's target. */
static void test_target_shapes(void **state)
{
	char buf[BUF];
	size_t n = make_overlay(buf, BY_PATH, "/soc");
	int frag = fdt_path_offset(buf, "/fragment@0"), len;
	char *v = fdt_getprop_w(buf, frag, "target-path", &len);

	(void)state;
	v[len - 1] = 'x';
	expect_refused(buf, n, "fragment@0: target-path is not a path");
	make_overlay(buf, NO_TARGET, NULL);
	assert_int_equal(fdt_open_into(buf, buf, BUF), 0);
	frag = fdt_path_offset(buf, "/fragment@0");
	assert_int_equal(fdt_setprop_u64(buf, frag, "target", 1), 0);
	assert_int_equal(fdt_pack(buf), 0);
	expect_refused(buf, fdt_totalsize(buf), "fragment@0: target is 8 bytes, not one phandle");
}

/* Each allocation fails in turn: the result is -ENOMEM with "out of memory" as the
 * reason (it once printed stack bytes), and the tree is left as it was. */
static void test_out_of_memory(void **state)
{
	char base[BUF], ovl[BUF], why[256];
	size_t nb = make_base(base, true), no = make_overlay(ovl, BY_LABEL, "pcie1");
	struct dt dt;

	(void)state;
	fail_at = 0;
	memset(why, 'X', sizeof(why));
	assert_int_equal(dt_open(&dt, base, nb, why, sizeof(why)), -ENOMEM);
	assert_string_equal(why, "out of memory");
	assert_null(dt.fdt);
	for (int at = 0;; at++) {
		assert_int_equal(dt_open(&dt, base, nb, why, sizeof(why)), 0);
		int r;

		fail_at = at;
		memset(why, 'X', sizeof(why));
		r = dt_apply(&dt, ovl, no, why, sizeof(why));
		fail_at = -1;
		if (r == 0) {
			assert_true(at > 0);
			dt_close(&dt);
			break;
		}
		assert_int_equal(r, -ENOMEM);
		assert_string_equal(why, "out of memory");
		assert_memory_equal(dt.fdt, base, nb);
		dt_close(&dt);
	}
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
		cmocka_unit_test(test_fixup_offsets),
		cmocka_unit_test(test_fixup_list_unterminated),
		cmocka_unit_test(test_depth_limit),
		cmocka_unit_test(test_count_limits),
		cmocka_unit_test(test_target_shapes),
		cmocka_unit_test(test_out_of_memory),
	};

	return cmocka_run_group_tests_name("dtbo", tests, NULL, NULL);
}
