// SPDX-License-Identifier: GPL-2.0-or-later
#include <setjmp.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <libfdt.h>

#include "livetree.h"

#define BUF 4096

struct tree {
	char top[64];
	int fd;
};

static void put(const struct tree *t, const char *rel, const void *data, size_t len)
{
	int fd = openat(t->fd, rel, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
}

static void put_str(const struct tree *t, const char *rel, const char *s)
{
	put(t, rel, s, strlen(s) + 1);
}

static void put_u32(const struct tree *t, const char *rel, uint32_t v)
{
	fdt32_t be = cpu_to_fdt32(v);

	put(t, rel, &be, sizeof(be));
}

/* The live tree after a correct merge: the kernel renumbered the overlay's slot
 * phandle to 9 and resolved the gic label to phandle 7. */
static int setup_tree(void **state)
{
	static struct tree t;

	strcpy(t.top, "/tmp/livetree-test-XXXXXX");
	assert_non_null(mkdtemp(t.top));
	t.fd = open(t.top, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(t.fd >= 0);
	assert_int_equal(mkdirat(t.fd, "soc", 0755), 0);
	assert_int_equal(mkdirat(t.fd, "soc/pcie@1000", 0755), 0);
	assert_int_equal(mkdirat(t.fd, "soc/pcie@1000/slot", 0755), 0);
	assert_int_equal(mkdirat(t.fd, "gic", 0755), 0);
	assert_int_equal(mkdirat(t.fd, "__symbols__", 0755), 0);
	put_u32(&t, "soc/pcie@1000/phandle", 1);
	put_str(&t, "soc/pcie@1000/status", "okay");
	put_u32(&t, "soc/pcie@1000/interrupt-parent", 7);
	put_u32(&t, "soc/pcie@1000/link", 9);
	put_u32(&t, "soc/pcie@1000/slot/phandle", 9);
	put_str(&t, "soc/pcie@1000/slot/compatible", "exaviz,slot");
	put_u32(&t, "gic/phandle", 7);
	put_str(&t, "__symbols__/pcie1", "/soc/pcie@1000");
	put_str(&t, "__symbols__/gic", "/gic");
	*state = &t;
	return 0;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int teardown_tree(void **state)
{
	const struct tree *t = *state;

	close(t->fd);
	return nftw(t->top, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
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

static void test_in_effect_every_target_form(void **state)
{
	const struct tree *t = *state;
	char ovl[BUF], why[512];

	for (int kind = BY_LABEL; kind <= BY_PHANDLE; kind++) {
		make_overlay(ovl, kind);
		assert_int_equal(livetree_check(t->fd, ovl, why, sizeof(why), NULL), 1);
		assert_string_equal(why, "");
	}
}

static void test_differences_are_named(void **state)
{
	const struct tree *t = *state;
	char ovl[BUF], why[512];

	make_overlay(ovl, BY_LABEL);
	put_str(t, "soc/pcie@1000/status", "disabled");
	put_u32(t, "soc/pcie@1000/interrupt-parent", 8);
	assert_int_equal(livetree_check(t->fd, ovl, why, sizeof(why), NULL), 0);
	assert_string_equal(why, "/soc/pcie@1000/status differs (the tree has \"disabled\", the "
				 "overlay \"okay\"); /soc/pcie@1000/interrupt-parent differs (the "
				 "tree has <0x8>, the overlay <0x7>)");
	put_str(t, "soc/pcie@1000/status", "okay");
	put_u32(t, "soc/pcie@1000/interrupt-parent", 7);
}

static void test_missing_nodes_and_properties(void **state)
{
	const struct tree *t = *state;
	char ovl[BUF], why[512];

	make_overlay(ovl, BY_PATH);
	assert_int_equal(unlinkat(t->fd, "soc/pcie@1000/link", 0), 0);
	assert_int_equal(renameat(t->fd, "soc/pcie@1000/slot", t->fd, "soc/slot-away"), 0);
	assert_int_equal(livetree_check(t->fd, ovl, why, sizeof(why), NULL), 0);
	assert_string_equal(why, "/soc/pcie@1000/link missing; /soc/pcie@1000/slot missing");
	assert_int_equal(renameat(t->fd, "soc/slot-away", t->fd, "soc/pcie@1000/slot"), 0);
	put_u32(t, "soc/pcie@1000/link", 9);
}

static void test_unresolvable_label(void **state)
{
	const struct tree *t = *state;
	char ovl[BUF], why[512];

	make_overlay(ovl, BY_LABEL);
	assert_int_equal(unlinkat(t->fd, "__symbols__/pcie1", 0), 0);
	assert_int_equal(livetree_check(t->fd, ovl, why, sizeof(why), NULL), 0);
	assert_string_equal(why, "label 'pcie1' missing from __symbols__");
	put_str(t, "__symbols__/pcie1", "/soc/pcie@1000");
	assert_int_equal(unlinkat(t->fd, "__symbols__/gic", 0), 0);
	assert_int_equal(livetree_check(t->fd, ovl, why, sizeof(why), NULL), 0);
	assert_string_equal(why, "/soc/pcie@1000/interrupt-parent refers to a label missing from "
				 "__symbols__");
	put_str(t, "__symbols__/gic", "/gic");
}

static void test_many_differences_are_counted(void **state)
{
	const struct tree *t = *state;
	char ovl[BUF], why[512];

	make_overlay(ovl, BY_PATH);
	put_str(t, "soc/pcie@1000/status", "disabled");
	put_u32(t, "soc/pcie@1000/interrupt-parent", 8);
	put_u32(t, "soc/pcie@1000/link", 3);
	put_str(t, "soc/pcie@1000/slot/compatible", "other");
	assert_int_equal(livetree_check(t->fd, ovl, why, sizeof(why), NULL), 0);
	assert_non_null(strstr(why, "; and 1 more"));
	put_str(t, "soc/pcie@1000/status", "okay");
	put_u32(t, "soc/pcie@1000/interrupt-parent", 7);
	put_u32(t, "soc/pcie@1000/link", 9);
	put_str(t, "soc/pcie@1000/slot/compatible", "exaviz,slot");
}

static void test_paths_stay_inside_the_tree(void **state)
{
	const struct tree *t = *state;
	char ovl[BUF], why[512];

	/* A label pointing outside the tree is not followed. */
	put_str(t, "__symbols__/pcie1", "/../../etc");
	make_overlay(ovl, BY_LABEL);
	assert_int_equal(livetree_check(t->fd, ovl, why, sizeof(why), NULL), -EINVAL);
	put_str(t, "__symbols__/pcie1", "/soc/pcie@1000");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_in_effect_every_target_form),
		cmocka_unit_test(test_differences_are_named),
		cmocka_unit_test(test_missing_nodes_and_properties),
		cmocka_unit_test(test_unresolvable_label),
		cmocka_unit_test(test_many_differences_are_counted),
		cmocka_unit_test(test_paths_stay_inside_the_tree),
	};

	return cmocka_run_group_tests(tests, setup_tree, teardown_tree);
}
