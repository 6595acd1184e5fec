// SPDX-License-Identifier: GPL-2.0-or-later
#include <setjmp.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "fsutil.h"

struct tree {
	char top[64];
	char dir[96];
	int dirfd;
};

static void put(const char *path, const char *text, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	assert_true(fd >= 0);
	assert_int_equal(write_all(fd, text, len), 0);
	close(fd);
}

/* top/outside.dtbo and top/dir/{a.dtbo, in -> a.dtbo, out -> ../outside.dtbo, sub/} */
static int setup(void **state)
{
	struct tree *t = calloc(1, sizeof(*t));
	char p[160];

	strcpy(t->top, "/tmp/fsutil-test-XXXXXX");
	assert_non_null(mkdtemp(t->top));
	snprintf(t->dir, sizeof(t->dir), "%s/dir", t->top);
	assert_int_equal(mkdir(t->dir, 0755), 0);
	snprintf(p, sizeof(p), "%s/outside.dtbo", t->top);
	put(p, "secret", 6);
	snprintf(p, sizeof(p), "%s/a.dtbo", t->dir);
	put(p, "hello", 5);
	snprintf(p, sizeof(p), "%s/in", t->dir);
	assert_int_equal(symlink("a.dtbo", p), 0);
	snprintf(p, sizeof(p), "%s/out", t->dir);
	assert_int_equal(symlink("../outside.dtbo", p), 0);
	snprintf(p, sizeof(p), "%s/abs", t->dir);
	assert_int_equal(symlink("/etc/passwd", p), 0);
	snprintf(p, sizeof(p), "%s/sub", t->dir);
	assert_int_equal(mkdir(p, 0755), 0);
	t->dirfd = open(t->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(t->dirfd >= 0);
	*state = t;
	return 0;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

static int teardown(void **state)
{
	struct tree *t = *state;

	close(t->dirfd);
	assert_int_equal(nftw(t->top, remove_entry, 8, FTW_DEPTH | FTW_PHYS), 0);
	free(t);
	return 0;
}

static void test_path_join(void **state)
{
	char out[16];

	(void)state;
	assert_int_equal(path_join(out, sizeof(out), "/", "/proc/cmdline"), 0);
	assert_string_equal(out, "/proc/cmdline");
	assert_int_equal(path_join(out, sizeof(out), "/r//", "x"), 0);
	assert_string_equal(out, "/r/x");
	assert_int_equal(path_join(out, sizeof(out), "", "/x"), 0);
	assert_string_equal(out, "/x");
	assert_int_equal(path_join(out, sizeof(out), "/0123456789", "abcdef"), -ENAMETOOLONG);
}

static void test_read_beneath(void **state)
{
	struct tree *t = *state;
	void *buf = NULL;
	size_t len;

	assert_int_equal(read_file_beneath(t->dirfd, "a.dtbo", 100, &buf, &len), 0);
	assert_int_equal(len, 5);
	assert_memory_equal(buf, "hello", 5);
	free(buf);
	assert_int_equal(read_file_beneath(t->dirfd, "in", 100, &buf, &len), 0);
	free(buf);
	assert_int_equal(read_file_beneath(t->dirfd, "out", 100, &buf, &len), -EXDEV);
	assert_int_equal(read_file_beneath(t->dirfd, "abs", 100, &buf, &len), -EXDEV);
	assert_int_equal(read_file_beneath(t->dirfd, "../outside.dtbo", 100, &buf, &len), -EXDEV);
	assert_int_equal(read_file_beneath(t->dirfd, "sub", 100, &buf, &len), -EISDIR);
	assert_int_equal(read_file_beneath(t->dirfd, "none", 100, &buf, &len), -ENOENT);
	assert_int_equal(read_file_beneath(t->dirfd, "a.dtbo", 4, &buf, &len), -EFBIG);
}

static void test_read_text_bounds(void **state)
{
	struct tree *t = *state;
	char p[160], buf[6];

	snprintf(p, sizeof(p), "%s/a.dtbo", t->dir);
	assert_int_equal(read_text_file(p, buf, sizeof(buf)), 5);
	assert_string_equal(buf, "hello");
	assert_int_equal(read_text_file(p, buf, 5), -EFBIG);
	snprintf(p, sizeof(p), "%s/nl", t->dir);
	put(p, "ab\n\n", 4);
	assert_int_equal(read_text_file(p, buf, sizeof(buf)), 2);
	assert_string_equal(buf, "ab");
}

static void test_read_fd_whole_bound(void **state)
{
	int fds[2];
	void *buf = NULL;
	size_t len;

	(void)state;
	assert_int_equal(pipe2(fds, O_CLOEXEC), 0);
	assert_int_equal(write_all(fds[1], "123456", 6), 0);
	close(fds[1]);
	assert_int_equal(read_fd_whole(fds[0], 5, &buf, &len), -EFBIG);
	close(fds[0]);
	assert_int_equal(pipe2(fds, O_CLOEXEC), 0);
	assert_int_equal(write_all(fds[1], "123456", 6), 0);
	close(fds[1]);
	assert_int_equal(read_fd_whole(fds[0], 6, &buf, &len), 0);
	assert_int_equal(len, 6);
	free(buf);
	close(fds[0]);
}

static void test_paths(void **state)
{
	char out[32];

	(void)state;
	assert_int_equal(root_path(out, sizeof(out), NULL, "/sys/x"), 0);
	assert_string_equal(out, "/sys/x");
	assert_int_equal(root_path(out, sizeof(out), "/", "/sys/x"), 0);
	assert_string_equal(out, "/sys/x");
	assert_int_equal(root_path(out, sizeof(out), "/tmp/r/", "/sys/x"), 0);
	assert_string_equal(out, "/tmp/r/sys/x");
	assert_int_equal(root_path(out, 8, "/tmp/r", "/sys/x"), -ENAMETOOLONG);
	assert_false(root_is_fake("/"));
	assert_false(root_is_fake(NULL));
	assert_true(root_is_fake("/tmp/r"));
}

/* A FIFO where a file belongs once blocked the open for ever (no writer ever
 * comes); a device is not a file either. Each is refused at once, by kind. The
 * alarm turns a hang into a failure. */
static void test_only_regular_files(void **state)
{
	struct tree *t = *state;
	char fifo[160], dir[160], buf[16];
	void *data = NULL;
	size_t len;

	snprintf(fifo, sizeof(fifo), "%s/fifo", t->dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	snprintf(dir, sizeof(dir), "%s/sub", t->dir);
	alarm(5);
	assert_int_equal(read_file(fifo, 100, &data, &len), -EINVAL);
	assert_int_equal(read_file_beneath(t->dirfd, "fifo", 100, &data, &len), -EINVAL);
	assert_int_equal(read_text_file(fifo, buf, sizeof(buf)), -EINVAL);
	assert_int_equal(read_file("/dev/zero", 100, &data, &len), -EINVAL);
	assert_int_equal(read_text_file("/dev/zero", buf, sizeof(buf)), -EINVAL);
	assert_int_equal(read_file(dir, 100, &data, &len), -EISDIR);
	assert_int_equal(read_text_file(dir, buf, sizeof(buf)), -EISDIR);
	/* Files of /proc report size 0 and are read all the same. */
	assert_int_equal(read_file("/proc/self/stat", 4096, &data, &len), 0);
	assert_true(len > 0);
	free(data);
	alarm(0);
}

static void test_read_error_text(void **state)
{
	char out[128];

	(void)state;
	assert_string_equal(read_error(out, sizeof(out), "/etc/cmdline", -EISDIR, 65536),
			    "/etc/cmdline is a directory");
	assert_string_equal(read_error(out, sizeof(out), "/x", -EINVAL, 65536),
			    "/x is not a regular file");
	assert_string_equal(read_error(out, sizeof(out), "/x", -EFBIG, 65536),
			    "/x is larger than 64 KiB");
	assert_string_equal(read_error(out, sizeof(out), "/x", -EFBIG, (size_t)8 * 1024 * 1024),
			    "/x is larger than 8 MiB");
	assert_string_equal(read_error(out, sizeof(out), "/x", -EXDEV, 1),
			    "/x is a symbolic link out of its directory; refused");
	assert_string_equal(read_error(out, sizeof(out), "/x", -ENOMEM, 1),
			    "out of memory reading /x");
	assert_string_equal(read_error(out, sizeof(out), "/x", -EACCES, 1),
			    "cannot read /x: Permission denied");
	assert_string_equal(read_error(out, sizeof(out), NULL, -EISDIR, 1), "is a directory");
	assert_string_equal(read_error(out, sizeof(out), NULL, -ENOENT, 1),
			    "cannot read: No such file or directory");
	assert_string_equal(file_kind(S_IFIFO), "a FIFO");
	assert_string_equal(file_kind(S_IFCHR), "a character device");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path_join),
		cmocka_unit_test(test_paths),
		cmocka_unit_test_setup_teardown(test_read_beneath, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_text_bounds, setup, teardown),
		cmocka_unit_test(test_read_fd_whole_bound),
		cmocka_unit_test_setup_teardown(test_only_regular_files, setup, teardown),
		cmocka_unit_test(test_read_error_text),
	};

	return cmocka_run_group_tests_name("fsutil", tests, NULL, NULL);
}
