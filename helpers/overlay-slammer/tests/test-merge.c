// SPDX-License-Identifier: GPL-2.0-or-later
#include <setjmp.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <cmocka.h>
#include <libfdt.h>

#include "atomicfile.h"
#include "dtbo.h"
#include "merge.h"

#define BUF 4096

/* /soc/pcie@1000 (phandle 1, label pcie1) and /soc/uart@2000 (phandle 2). */
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
	assert_int_equal(fdt_begin_node(buf, "uart@2000"), 0);
	assert_int_equal(fdt_property_u32(buf, "phandle", 2), 0);
	assert_int_equal(fdt_end_node(buf), 0);
	assert_int_equal(fdt_end_node(buf), 0);
	assert_int_equal(fdt_begin_node(buf, "__symbols__"), 0);
	assert_int_equal(fdt_property_string(buf, "pcie1", "/soc/pcie@1000"), 0);
	assert_int_equal(fdt_end_node(buf), 0);
	assert_int_equal(fdt_end_node(buf), 0);
	assert_int_equal(fdt_finish(buf), 0);
	return fdt_totalsize(buf);
}

enum target_kind { BY_LABEL, BY_PATH, BY_PHANDLE };

/* One fragment setting status on its target. */
static size_t make_overlay(void *buf, enum target_kind kind, const char *ref, uint32_t ph,
			   const char *status)
{
	assert_int_equal(fdt_create(buf, BUF), 0);
	assert_int_equal(fdt_finish_reservemap(buf), 0);
	assert_int_equal(fdt_begin_node(buf, ""), 0);
	assert_int_equal(fdt_begin_node(buf, "fragment@0"), 0);
	if (kind == BY_LABEL)
		assert_int_equal(fdt_property_u32(buf, "target", 0xffffffff), 0);
	else if (kind == BY_PHANDLE)
		assert_int_equal(fdt_property_u32(buf, "target", ph), 0);
	else
		assert_int_equal(fdt_property_string(buf, "target-path", ref), 0);
	assert_int_equal(fdt_begin_node(buf, "__overlay__"), 0);
	assert_int_equal(fdt_property_string(buf, "status", status), 0);
	assert_int_equal(fdt_end_node(buf), 0);
	assert_int_equal(fdt_end_node(buf), 0);
	if (kind == BY_LABEL) {
		assert_int_equal(fdt_begin_node(buf, "__fixups__"), 0);
		assert_int_equal(fdt_property_string(buf, ref, "/fragment@0:target:0"), 0);
		assert_int_equal(fdt_end_node(buf), 0);
	}
	assert_int_equal(fdt_end_node(buf), 0);
	assert_int_equal(fdt_finish(buf), 0);
	return fdt_totalsize(buf);
}

static const char *status_at(const struct merge *m, const char *path)
{
	size_t len;
	const void *t = merge_result(m, &len);
	int node = fdt_path_offset(t, path);

	assert_true(node >= 0);
	return fdt_getprop(t, node, "status", NULL);
}

static void test_fragment_targets(void **state)
{
	char buf[BUF];
	struct dtbo_target t;

	(void)state;
	make_overlay(buf, BY_LABEL, "pcie1", 0, "okay");
	assert_int_equal(dtbo_fragment_target(buf, fdt_path_offset(buf, "/fragment@0"), &t), 0);
	assert_string_equal(t.label, "pcie1");
	make_overlay(buf, BY_PATH, "/soc/uart@2000", 0, "okay");
	assert_int_equal(dtbo_fragment_target(buf, fdt_path_offset(buf, "/fragment@0"), &t), 0);
	assert_string_equal(t.path, "/soc/uart@2000");
	make_overlay(buf, BY_PHANDLE, NULL, 2, "okay");
	assert_int_equal(dtbo_fragment_target(buf, fdt_path_offset(buf, "/fragment@0"), &t), 0);
	assert_null(t.label);
	assert_int_equal(t.phandle, 2);
}

static void test_all_target_forms_apply(void **state)
{
	char base[BUF], o1[BUF], o2[BUF], o3[BUF], why[256];
	struct merge *m;
	size_t n = make_base(base);
	size_t n1 = make_overlay(o1, BY_LABEL, "pcie1", 0, "okay");
	size_t n2 = make_overlay(o2, BY_PATH, "/soc/uart@2000", 0, "okay");
	size_t n3 = make_overlay(o3, BY_PHANDLE, NULL, 1, "okay");

	(void)state;
	assert_int_equal(merge_open(&m, base, n, why, sizeof(why)), 0);
	assert_int_equal(merge_add(m, "o1", o1, n1, why, sizeof(why)), 0);
	assert_int_equal(merge_add(m, "o2", o2, n2, why, sizeof(why)), 0);
	/* The same value again from another overlay is no conflict. */
	assert_int_equal(merge_add(m, "o3", o3, n3, why, sizeof(why)), 0);
	assert_string_equal(status_at(m, "/soc/pcie@1000"), "okay");
	assert_string_equal(status_at(m, "/soc/uart@2000"), "okay");
	merge_close(m);
}

/* The kernel stacks overlays: a later one may change what an earlier one set. */
static void test_a_later_overlay_wins(void **state)
{
	char base[BUF], o1[BUF], o2[BUF], o3[BUF], why[256];
	struct merge *m;
	size_t n = make_base(base);
	size_t n1 = make_overlay(o1, BY_PATH, "/soc/uart@2000", 0, "okay");
	size_t n2 = make_overlay(o2, BY_LABEL, "pcie1", 0, "okay");
	size_t n3 = make_overlay(o3, BY_PHANDLE, NULL, 1, "disabled");

	(void)state;
	assert_int_equal(merge_open(&m, base, n, why, sizeof(why)), 0);
	assert_int_equal(merge_add(m, "o1", o1, n1, why, sizeof(why)), 0);
	assert_int_equal(merge_add(m, "o2", o2, n2, why, sizeof(why)), 0);
	assert_int_equal(merge_add(m, "o3", o3, n3, why, sizeof(why)), 0);
	assert_string_equal(status_at(m, "/soc/pcie@1000"), "disabled");
	/* Twice the same: as once. */
	assert_int_equal(merge_add(m, "o2", o2, n2, why, sizeof(why)), 0);
	assert_string_equal(status_at(m, "/soc/pcie@1000"), "okay");
	merge_close(m);
}

/* Two fragments of one overlay on the same property: the kernel refuses the
 * overlay, and so does merge, leaving the tree as it was. */
static void test_overlapping_fragments_are_refused(void **state)
{
	char base[BUF], o[BUF], why[256], before[BUF];
	struct merge *m;
	size_t n = make_base(base), blen;
	const void *t;

	(void)state;
	assert_int_equal(fdt_create(o, BUF), 0);
	assert_int_equal(fdt_finish_reservemap(o), 0);
	assert_int_equal(fdt_begin_node(o, ""), 0);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(fdt_begin_node(o, i ? "fragment@1" : "fragment@0"), 0);
		if (i)
			assert_int_equal(fdt_property_string(o, "target-path", "/soc/pcie@1000"), 0);
		else
			assert_int_equal(fdt_property_u32(o, "target", 1), 0);
		assert_int_equal(fdt_begin_node(o, "__overlay__"), 0);
		assert_int_equal(fdt_property_string(o, "status", i ? "okay" : "reserved"), 0);
		assert_int_equal(fdt_end_node(o), 0);
		assert_int_equal(fdt_end_node(o), 0);
	}
	assert_int_equal(fdt_end_node(o), 0);
	assert_int_equal(fdt_finish(o), 0);
	assert_int_equal(merge_open(&m, base, n, why, sizeof(why)), 0);
	t = merge_result(m, &blen);
	memcpy(before, t, blen);
	assert_int_equal(merge_add(m, "o", o, fdt_totalsize(o), why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "fragment@0 and fragment@1 both set /soc/pcie@1000 property "
				 "'status': the kernel refuses an overlay whose fragments change the "
				 "same property");
	t = merge_result(m, &n);
	assert_int_equal(n, blen);
	assert_memory_equal(t, before, blen);
	merge_close(m);
}

static void test_a_base_value_may_be_overridden(void **state)
{
	char base[BUF], o1[BUF], why[256];
	struct merge *m;
	size_t n = make_base(base);
	size_t n1 = make_overlay(o1, BY_PHANDLE, NULL, 1, "okay");

	(void)state;
	assert_int_equal(merge_open(&m, base, n, why, sizeof(why)), 0);
	assert_int_equal(merge_add(m, "o1", o1, n1, why, sizeof(why)), 0);
	merge_close(m);
}

static void test_unresolved_references_are_named(void **state)
{
	char base[BUF], o[BUF], why[256];
	struct merge *m;
	size_t n = make_base(base), no;

	(void)state;
	assert_int_equal(merge_open(&m, base, n, why, sizeof(why)), 0);
	no = make_overlay(o, BY_LABEL, "cruiser_m2", 0, "okay");
	assert_int_equal(merge_add(m, "o", o, no, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "label 'cruiser_m2' is not in the base tree");
	no = make_overlay(o, BY_PATH, "/soc/nope", 0, "okay");
	assert_int_equal(merge_add(m, "o", o, no, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "target-path '/soc/nope' is not in the base tree");
	no = make_overlay(o, BY_PHANDLE, NULL, 0x42, "okay");
	assert_int_equal(merge_add(m, "o", o, no, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "fragment@0: target phandle 0x42 is not in the base tree");
	merge_close(m);
}

static void test_same_inputs_same_bytes(void **state)
{
	char base[BUF], o1[BUF], o2[BUF], why[256], first[BUF];
	size_t n = make_base(base), n1 = make_overlay(o1, BY_LABEL, "pcie1", 0, "okay");
	size_t n2 = make_overlay(o2, BY_PATH, "/soc/uart@2000", 0, "okay"), len = 0;

	(void)state;
	for (int run = 0; run < 2; run++) {
		struct merge *m;
		size_t l;
		const void *t;

		assert_int_equal(merge_open(&m, base, n, why, sizeof(why)), 0);
		assert_int_equal(merge_add(m, "o1", o1, n1, why, sizeof(why)), 0);
		assert_int_equal(merge_add(m, "o2", o2, n2, why, sizeof(why)), 0);
		t = merge_result(m, &l);
		if (run == 0) {
			memcpy(first, t, l);
			len = l;
		} else {
			assert_int_equal(l, len);
			assert_memory_equal(t, first, len);
		}
		merge_close(m);
	}
}

static bool file_is(const char *path, const char *want)
{
	char buf[64] = "";
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;

	if (fd >= 0)
		close(fd);
	return n >= 0 && strcmp(buf, want) == 0;
}

static void test_atomic_write(void **state)
{
	char dir[] = "/tmp/merge-test-XXXXXX", path[64], sub[80];
	struct stat st;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/out.dtb", dir);
	assert_int_equal(write_file_atomic(path, "old", 3, 0644), 0);
	assert_int_equal(write_file_atomic(path, "new", 3, 0644), 0);
	assert_true(file_is(path, "new"));
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	/* A directory in the way: the rename fails and no temporary file is left. */
	snprintf(sub, sizeof(sub), "%s/busy", dir);
	assert_int_equal(mkdir(sub, 0755), 0);
	snprintf(sub, sizeof(sub), "%s/busy/x", dir);
	assert_int_equal(write_file_atomic(sub, "x", 1, 0644), 0);
	snprintf(sub, sizeof(sub), "%s/busy", dir);
	assert_true(write_file_atomic(sub, "y", 1, 0644) < 0);
	assert_int_equal(write_file_atomic("/nonexistent-dir/out.dtb", "y", 1, 0644), -ENOENT);
	assert_int_equal(write_file_atomic("", "y", 1, 0644), -EINVAL);
	snprintf(sub, sizeof(sub), "%s/busy/x", dir);
	assert_int_equal(unlink(sub), 0);
	snprintf(sub, sizeof(sub), "%s/busy", dir);
	assert_int_equal(rmdir(sub), 0);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0); /* empty: nothing left behind */
}

/* Allocation failures on demand: unit-merge links with --wrap for these, so the
 * code under test reaches them first. fail_at counts down to the failing call;
 * negative means never. */
void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);
static int fail_at = -1;

static bool failing(void)
{
	return fail_at >= 0 && fail_at-- == 0;
}

void *__wrap_malloc(size_t n)
{
	return failing() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t size)
{
	return failing() ? NULL : __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t n)
{
	return failing() ? NULL : __real_realloc(p, n);
}

char *__wrap_strdup(const char *s)
{
	return failing() ? NULL : __real_strdup(s);
}

/* Each allocation fails in turn: -ENOMEM with "out of memory" as the reason, and
 * a failed merge_add leaves the tree as it was. */
static void test_out_of_memory(void **state)
{
	char base[BUF], o1[BUF], o2[BUF], why[256], before[BUF];
	size_t n = make_base(base), n1 = make_overlay(o1, BY_LABEL, "pcie1", 0, "okay");
	size_t n2 = make_overlay(o2, BY_PATH, "/soc/uart@2000", 0, "okay"), blen, len;
	struct merge *m = NULL;
	const void *tree;
	int r;

	(void)state;
	for (int at = 0;; at++) {
		fail_at = at;
		memset(why, 'X', sizeof(why));
		r = merge_open(&m, base, n, why, sizeof(why));
		fail_at = -1;
		if (r == 0)
			break;
		assert_int_equal(r, -ENOMEM);
		assert_string_equal(why, "out of memory");
		assert_null(m);
	}
	assert_int_equal(merge_add(m, "o1", o1, n1, why, sizeof(why)), 0);
	tree = merge_result(m, &blen);
	memcpy(before, tree, blen);
	for (int at = 0;; at++) {
		fail_at = at;
		memset(why, 'X', sizeof(why));
		r = merge_add(m, "o2", o2, n2, why, sizeof(why));
		fail_at = -1;
		if (r == 0)
			break;
		assert_int_equal(r, -ENOMEM);
		assert_string_equal(why, "out of memory");
		tree = merge_result(m, &len);
		assert_int_equal(len, blen);
		assert_memory_equal(tree, before, blen);
	}
	assert_string_equal(status_at(m, "/soc/uart@2000"), "okay");
	merge_close(m);
}

/* The output replaces its path by rename: only a regular file may be there. As
 * root, -o /dev/null once replaced the device node with a file. */
static void test_atomic_write_refuses_other_files(void **state)
{
	char dir[] = "/tmp/merge-test-XXXXXX", path[64];
	struct stat st;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/fifo", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_int_equal(write_file_atomic(path, "x", 1, 0644), -EEXIST);
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
	assert_int_equal(unlink(path), 0);
	snprintf(path, sizeof(path), "%s/null", dir);
	if (mknod(path, S_IFCHR | 0600, makedev(1, 3)) == 0) {
		assert_int_equal(write_file_atomic(path, "x", 1, 0644), -EEXIST);
		assert_int_equal(lstat(path, &st), 0);
		assert_true(S_ISCHR(st.st_mode));
		assert_int_equal(unlink(path), 0);
	}
	snprintf(path, sizeof(path), "%s/stdout", dir);
	assert_int_equal(symlink("/proc/self/fd/1", path), 0);
	assert_int_equal(write_file_atomic(path, "x", 1, 0644), -ELOOP);
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(unlink(path), 0);
	snprintf(path, sizeof(path), "%s/sub", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	assert_int_equal(write_file_atomic(path, "x", 1, 0644), -EISDIR);
	assert_int_equal(rmdir(path), 0);
	assert_int_equal(rmdir(dir), 0); /* empty: no temporary file left */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fragment_targets),
		cmocka_unit_test(test_all_target_forms_apply),
		cmocka_unit_test(test_a_later_overlay_wins),
		cmocka_unit_test(test_overlapping_fragments_are_refused),
		cmocka_unit_test(test_a_base_value_may_be_overridden),
		cmocka_unit_test(test_unresolved_references_are_named),
		cmocka_unit_test(test_same_inputs_same_bytes),
		cmocka_unit_test(test_atomic_write),
		cmocka_unit_test(test_out_of_memory),
		cmocka_unit_test(test_atomic_write_refuses_other_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
