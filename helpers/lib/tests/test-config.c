// SPDX-License-Identifier: GPL-2.0-or-later
#include <setjmp.h>
#include <errno.h>
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

#include "config.h"
#include "util.h"

struct warnings {
	int n;
	char last[512];
};

static void collect(void *userdata, const char *msg)
{
	struct warnings *w = userdata;

	w->n++;
	snprintf(w->last, sizeof(w->last), "%s", msg);
}

/* Parses text; every ignored line must have been reported exactly once. */
static struct config parsed_file(const char *text, int expect_ignored)
{
	struct warnings w = { 0 };
	struct config c;

	config_init(&c);
	assert_int_equal(config_parse_file(&c, text, strlen(text), "test.conf", collect, &w),
			 expect_ignored);
	assert_int_equal(w.n, expect_ignored);
	return c;
}

static struct config parsed_cmdline(const char *text, int expect_ignored)
{
	struct warnings w = { 0 };
	struct config c;

	config_init(&c);
	assert_int_equal(config_parse_cmdline(&c, text, strlen(text), collect, &w), expect_ignored);
	assert_int_equal(w.n, expect_ignored);
	return c;
}

static void expect_warning(const char *text, const char *message)
{
	struct warnings w = { 0 };
	struct config c;

	config_init(&c);
	assert_int_equal(config_parse_file(&c, text, strlen(text), "f", collect, &w), 1);
	assert_string_equal(w.last, message);
	/* The default stays. */
	assert_string_equal(c.device, "/dev/axelera0");
	assert_int_equal(c.overlays.n, 2);
	assert_true(c.enable);
}

/* Each warning names the file, the line, the key and the reason. */
static void test_warning_text(void **state)
{
	struct warnings w = { 0 };
	struct config c;

	(void)state;
	expect_warning("device=axelera0\n",
		       "f line 1: device='axelera0' ignored: not a plain path under /dev");
	expect_warning("\ndevice=/dev/../etc/shadow\n",
		       "f line 2: device='/dev/../etc/shadow' ignored: not a plain path under /dev");
	expect_warning("overlays=a,../b\n", "f line 1: overlays='a,../b' ignored: not a plain "
					    "overlay name (letters, digits, '.', '_', '-')");
	expect_warning("enable=maybe\n", "f line 1: enable='maybe' ignored: not a boolean (0 or 1)");
	expect_warning("devcie=/dev/x\n", "f line 1: unknown key 'devcie'; ignored");
	expect_warning("just words\n", "f line 1: 'just words' is not key=value; ignored");
	expect_warning("timeout=\001\033[2J\n",
		       "f line 1: timeout='??[2J' ignored: not a number of seconds from 0 to 600");
	config_init(&c);
	assert_int_equal(config_parse_cmdline(&c, "rd.rpi_hw.device=tty", 20, collect, &w), 1);
	assert_string_equal(w.last, "kernel command line: rd.rpi_hw.device='tty' ignored: "
				    "not a plain path under /dev");
	assert_int_equal(config_parse_cmdline(&c, "rd.rpi_hw.x=1", 13, NULL, NULL), 1);
}

static void test_defaults(void **state)
{
	struct config c;
	char buf[128];

	(void)state;
	config_init(&c);
	assert_true(c.enable);
	assert_int_equal(name_list_join(&c.overlays, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "cruiser-raspberrypi-cm5,axelera-metis");
	assert_int_equal(name_list_join(&c.modules, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "metis");
	assert_int_equal(c.n_overlay_dirs, 4);
	assert_string_equal(c.overlay_dirs[2], "/lib/firmware/overlays");
	assert_string_equal(c.overlay_dirs[3], PKGLIBDIR "/overlays");
	assert_string_equal(c.device, "/dev/axelera0");
	assert_int_equal(c.timeout_s, 10);
	assert_false(c.strict);
	assert_int_equal(c.blacklist.n, 0);
	assert_int_equal(name_list_join(&c.accounts, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "frigate,hass");
}

static void test_file_values(void **state)
{
	struct config c = parsed_file("# comment\n\n  timeout = 25 \r\n"
				      "overlays=\"b-ovl, a.ovl\"\nmodules=ax-device\n"
				      "strict=yes\ndevice=/dev/metis-0000:01:00\n"
				      "overlay_dirs=/x  /y\nbootdev=LABEL=bootfs\naccounts=a,b\n",
				      0);

	(void)state;
	assert_int_equal(c.timeout_s, 25);
	assert_int_equal(c.overlays.n, 2);
	assert_string_equal(c.overlays.names[0], "b-ovl");
	assert_string_equal(c.overlays.names[1], "a.ovl");
	assert_string_equal(c.modules.names[0], "ax_device");
	assert_true(c.strict);
	assert_string_equal(c.device, "/dev/metis-0000:01:00");
	assert_int_equal(c.n_overlay_dirs, 2);
	assert_string_equal(c.overlay_dirs[1], "/y");
	assert_int_equal(c.accounts.n, 2);
	assert_string_equal(c.accounts.names[1], "b");
}

static void test_file_bad_values_keep_defaults(void **state)
{
	struct config c = parsed_file("timeout=ten\ntimeout=601\nstrict=maybe\nnonsense\n"
				      "colour=blue\noverlays=../../etc/passwd\n"
				      "overlays=a/b\ndevice=/etc/shadow\ndevice=/dev/../etc/x\n"
				      "overlay_dirs=relative\nbootdev=LABEL=a b\n"
				      "accounts=frigate,$(reboot)\naccounts=-x\naccounts=..\n",
				      13);

	(void)state;
	assert_int_equal(c.timeout_s, 10);
	assert_false(c.strict);
	assert_string_equal(c.overlays.names[0], "cruiser-raspberrypi-cm5");
	assert_string_equal(c.device, "/dev/axelera0");
	assert_int_equal(c.n_overlay_dirs, 4);
	assert_string_equal(c.accounts.names[0], "frigate");
	assert_int_equal(c.accounts.n, 2);
}

static void test_file_nul_byte(void **state)
{
	static const char text[] = "timeout=5\nstrict=1\0x\n";
	struct config c;

	(void)state;
	config_init(&c);
	assert_int_equal(config_parse_file(&c, text, sizeof(text) - 1, "t", NULL, NULL), 1);
	assert_int_equal(c.timeout_s, 5);
	assert_false(c.strict);
}

static void test_cmdline_overrides(void **state)
{
	struct config c = parsed_cmdline("root=/dev/vda rd.rpi_hw.overlays=one,two "
					 "rd.rpi_hw.modules=m-1 rd.rpi_hw.timeout=3 "
					 "rd.rpi_hw.strict=1 rd.rpi_hw.debug=1 "
					 "rd.rpi_hw.device=/dev/metis-1:1:0 "
					 "rd.rpi_hw.timeout=4",
					 0);

	(void)state;
	assert_int_equal(c.overlays.n, 2);
	assert_string_equal(c.overlays.names[1], "two");
	assert_string_equal(c.modules.names[0], "m_1");
	assert_int_equal(c.timeout_s, 4); /* the last one wins, as with getarg */
	assert_true(c.strict);
	assert_true(c.debug);
	assert_string_equal(c.device, "/dev/metis-1:1:0");
}

static void test_cmdline_enable(void **state)
{
	(void)state;
	assert_false(parsed_cmdline("rd.rpi_hw=0", 0).enable);
	assert_true(parsed_cmdline("rd.rpi_hw=0 rd.rpi_hw", 0).enable);
	assert_false(parsed_cmdline("rd.rpi_hw=off", 0).enable);
	assert_true(parsed_cmdline("rd.rpi_hw=banana", 1).enable);
	assert_true(parsed_cmdline("rd.rpi_hw.strict", 0).strict);
	assert_true(parsed_cmdline("rd.rpi_hw.debug=0 rd.rpi_hw.debug", 0).debug);
}

static void test_cmdline_garbage(void **state)
{
	struct config c = parsed_cmdline("rd.rpi_hw.overlays=\"a,../b\" rd.rpi_hw.bogus=1 "
					 "rd.rpi_hw.timeout rd.rpi_hw.overlay_dirs=/x "
					 "rd.rpi_hw.modules=a;b rd.rpi_hw.timeout=-1 "
					 "\"rd.rpi_hw.device=/dev/x y\"",
					 7);

	(void)state;
	assert_string_equal(c.overlays.names[0], "cruiser-raspberrypi-cm5");
	assert_string_equal(c.modules.names[0], "metis");
	assert_int_equal(c.timeout_s, 10);
	assert_string_equal(c.device, "/dev/axelera0");
	assert_int_equal(c.n_overlay_dirs, 4);
}

static void test_blacklists_add_up(void **state)
{
	struct config c = parsed_cmdline("module_blacklist=ax-device,foo "
					 "modprobe.blacklist=rp1_uart rd.driver.blacklist=foo,bar",
					 0);

	(void)state;
	assert_int_equal(c.blacklist.n, 4);
	assert_true(name_list_contains(&c.blacklist, "ax_device"));
	assert_true(name_list_contains(&c.blacklist, "rp1_uart"));
	assert_true(name_list_contains(&c.blacklist, "bar"));
}

/* The seed's module names are dropped, each with one line; the rest stays in order,
 * and the value counts as taken, not ignored. */
static void test_not_modules(void **state)
{
	static const char cmd[] = "rd.rpi_hw.modules=axdevice,rp1-pci,rp1_uart,metis";
	static const char file[] = "modules=axdevice\n";
	struct warnings w = { 0 };
	struct config c;

	(void)state;
	config_init(&c);
	assert_int_equal(config_parse_cmdline(&c, cmd, strlen(cmd), collect, &w), 0);
	assert_int_equal(w.n, 2);
	assert_string_equal(w.last, "kernel command line: rd.rpi_hw.modules: module rp1_uart is in "
				    "no kernel: RP1's UARTs are PL011 ones (amba-pl011), which "
				    "need no module of their own; left out");
	assert_int_equal(c.modules.n, 2);
	assert_string_equal(c.modules.names[0], "rp1_pci");
	assert_string_equal(c.modules.names[1], "metis");
	assert_non_null(module_not_a_module("axdevice"));
	assert_null(module_not_a_module("metis"));
	w.n = 0;
	assert_int_equal(config_parse_file(&c, file, strlen(file), "f", collect, &w), 0);
	assert_int_equal(w.n, 1);
	assert_string_equal(w.last, "f line 1: module axdevice is Axelera's command-line tool, not "
				    "a kernel module: the driver is metis; left out");
	assert_int_equal(c.modules.n, 0);
	/* A path is no module name, and says so. */
	w.n = 0;
	assert_int_equal(config_parse_cmdline(&c, "rd.rpi_hw.modules=/lib/modules/metis.ko", 39,
					      collect, &w),
			 1);
	assert_string_equal(w.last, "kernel command line: rd.rpi_hw.modules='/lib/modules/metis.ko' "
				    "ignored: a path or file, not a module name: give the name, "
				    "such as metis");
	assert_int_equal(c.modules.n, 0);
}

static void test_list_limits(void **state)
{
	char many[256] = "overlays=";
	struct config c;

	(void)state;
	for (int i = 0; i < 17; i++)
		snprintf(many + strlen(many), sizeof(many) - strlen(many), "o%d,", i);
	c = parsed_file(many, 1);
	assert_string_equal(c.overlays.names[0], "cruiser-raspberrypi-cm5");
	c = parsed_file("overlays=a,,a, b ,\n", 0);
	assert_int_equal(c.overlays.n, 2);
	c = parsed_file("overlays=\n", 0);
	assert_int_equal(c.overlays.n, 0);
}

/* NAME,param=value entries separated by white space; names separated by commas
 * when there is no '=' and white space only around commas. */
static void test_overlay_parameters(void **state)
{
	char out[512];
	struct config c;

	(void)state;
	c = parsed_file("overlays=\"i2c-rtc,ds3231,addr=0x68  axelera-metis\"\n", 0);
	assert_int_equal(c.overlays.n, 2);
	assert_string_equal(c.overlays.names[0], "i2c-rtc");
	assert_string_equal(c.overlays.params[0], "ds3231,addr=0x68");
	assert_string_equal(c.overlays.names[1], "axelera-metis");
	assert_string_equal(c.overlays.params[1], "");
	assert_int_equal(overlay_list_join(&c.overlays, out, sizeof(out)), 0);
	assert_string_equal(out, "i2c-rtc,ds3231=on,addr=0x68 axelera-metis");
	/* The bare parameter written out as =on reads back as the same list. */
	c = parsed_file("overlays=i2c-rtc,ds3231=on\n", 0);
	assert_int_equal(c.overlays.n, 1);
	assert_int_equal(overlay_list_join(&c.overlays, out, sizeof(out)), 0);
	assert_string_equal(out, "i2c-rtc,ds3231=on");
	/* The older form: a list of names, with or without blanks around commas. */
	c = parsed_file("overlays=a, b ,c\n", 0);
	assert_int_equal(c.overlays.n, 3);
	assert_string_equal(c.overlays.params[1], "");
	assert_int_equal(overlay_list_join(&c.overlays, out, sizeof(out)), 0);
	assert_string_equal(out, "a,b,c");
	c = parsed_cmdline("rd.rpi_hw.overlays=\"a,p=x b\" rd.rpi_hw.overlays=c,d", 0);
	assert_int_equal(c.overlays.n, 2);
	c = parsed_cmdline("rd.rpi_hw.overlays=\"a,p=x b,q\"", 0);
	assert_string_equal(c.overlays.params[0], "p=x");
	assert_string_equal(c.overlays.params[1], "q");
	/* Bad entries: the whole value is ignored, with one warning. */
	expect_warning("overlays=a,p=1 a,p=2\n",
		       "f line 1: overlays='a,p=1 a,p=2' ignored: an overlay listed twice with "
		       "different parameters (it is applied once: give its parameters in one entry)");
	expect_warning("overlays=a,,p=1\n", "f line 1: overlays='a,,p=1' ignored: a parameter "
					     "without a name (two commas, or '=' first)");
	expect_warning("overlays=a,p=1 ../b\n", "f line 1: overlays='a,p=1 ../b' ignored: not a "
						 "plain overlay name (letters, digits, '.', '_', '-')");
	expect_warning("overlays=a,p/q=1\n", "f line 1: overlays='a,p/q=1' ignored: a parameter "
					      "name has other characters than letters, digits, '_', "
					      "'-', '.'");
	c = parsed_file("overlays=a,p=1 a,p=1\n", 0);
	assert_int_equal(c.overlays.n, 1);
}

static void test_name_rules(void **state)
{
	char long_name[NAME_LEN_MAX + 2];

	(void)state;
	assert_true(overlay_name_valid("axelera-metis", 13));
	assert_true(overlay_name_valid("a.b_c-1", 7));
	assert_false(overlay_name_valid("..", 2));
	assert_false(overlay_name_valid(".hidden", 7));
	assert_false(overlay_name_valid("a/b", 3));
	assert_false(overlay_name_valid("", 0));
	assert_false(overlay_name_valid("a b", 3));
	assert_false(overlay_name_valid("-rf", 3));
	memset(long_name, 'a', sizeof(long_name));
	assert_true(overlay_name_valid(long_name, NAME_LEN_MAX));
	assert_false(overlay_name_valid(long_name, NAME_LEN_MAX + 1));
	assert_true(module_name_valid("rp1-uart", 8));
	assert_false(module_name_valid("rp1.uart", 8));
}

/* A scratch root for the file readers: ROOT/etc, ROOT/proc. */
static void make_dirs(char *root, size_t size)
{
	char p[256];

	snprintf(root, size, "/tmp/config-test-XXXXXX");
	assert_non_null(mkdtemp(root));
	snprintf(p, sizeof(p), "%s/etc", root);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/etc/cmdline.d", root);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/proc", root);
	assert_int_equal(mkdir(p, 0755), 0);
}

static void put_file(const char *root, const char *rel, const char *text)
{
	char p[256];
	FILE *f;

	snprintf(p, sizeof(p), "%s%s", root, rel);
	f = fopen(p, "we");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

/* Each of dracut's files is read on its own: one that cannot be read (a
 * directory, a file over 64 KiB, a FIFO) is named and skipped, and
 * /proc/cmdline still applies. rd.rpi_hw=0 and rd.rpi_hw.strict=1 were once
 * lost that way, with "Invalid argument" as the only message. */
static void test_cmdline_sources_stand_alone(void **state)
{
	char root[64], p[256], *big;
	struct warnings w = { 0 };
	struct config c;

	(void)state;
	make_dirs(root, sizeof(root));
	put_file(root, "/etc/cmdline.d/10-a.conf", "rd.rpi_hw.timeout=7\n");
	snprintf(p, sizeof(p), "%s/etc/cmdline.d/20-dir.conf", root);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/etc/cmdline.d/30-fifo.conf", root);
	assert_int_equal(mkfifo(p, 0600), 0);
	snprintf(p, sizeof(p), "%s/etc/cmdline", root);
	assert_int_equal(mkdir(p, 0755), 0);
	put_file(root, "/proc/cmdline", "root=/dev/vda rd.rpi_hw.strict=1 rd.rpi_hw=0\n");

	config_init(&c);
	alarm(5);
	assert_int_equal(config_load_cmdline(&c, root, collect, &w), 0);
	alarm(0);
	assert_int_equal(w.n, 3);
	snprintf(p, sizeof(p), "%s/etc/cmdline is a directory; skipped", root);
	assert_string_equal(w.last, p);
	assert_int_equal(c.timeout_s, 7);
	assert_true(c.strict);
	assert_false(c.enable);

	/* A file over 64 KiB is named with the limit. */
	snprintf(p, sizeof(p), "%s/etc/cmdline", root);
	assert_int_equal(rmdir(p), 0);
	big = malloc(CONFIG_FILE_MAX + 2);
	assert_non_null(big);
	memset(big, ' ', CONFIG_FILE_MAX + 1);
	big[CONFIG_FILE_MAX + 1] = '\0';
	put_file(root, "/etc/cmdline", big);
	free(big);
	memset(&w, 0, sizeof(w));
	config_init(&c);
	assert_int_equal(config_load_cmdline(&c, root, collect, &w), 0);
	snprintf(p, sizeof(p), "%s/etc/cmdline is larger than 64 KiB; skipped", root);
	assert_string_equal(w.last, p);
	assert_true(c.strict);

	/* /proc/cmdline itself: its error is returned, for the caller to name. */
	snprintf(p, sizeof(p), "%s/proc/cmdline", root);
	assert_int_equal(unlink(p), 0);
	assert_int_equal(mkdir(p, 0755), 0);
	assert_int_equal(config_load_cmdline(&c, root, collect, &w), -EISDIR);
	assert_int_equal(nftw(root, remove_entry, 8, FTW_DEPTH | FTW_PHYS), 0);
}

/* A configuration file that is not a regular file is refused by kind, at once. */
static void test_config_file_kinds(void **state)
{
	char root[64], p[256], out[256];
	struct config c;

	(void)state;
	make_dirs(root, sizeof(root));
	snprintf(p, sizeof(p), "%s/etc/rpi-hardware.conf", root);
	assert_int_equal(mkfifo(p, 0600), 0);
	config_init(&c);
	alarm(5);
	assert_int_equal(config_load_file(&c, p, collect, NULL), -EINVAL);
	assert_int_equal(config_locate(root, p, out, sizeof(out)), -EINVAL);
	alarm(0);
	assert_int_equal(unlink(p), 0);
	assert_int_equal(mkdir(p, 0755), 0);
	assert_int_equal(config_load_file(&c, p, collect, NULL), -EISDIR);
	assert_int_equal(config_locate(root, p, out, sizeof(out)), -EISDIR);
	assert_int_equal(config_load_file(&c, "/dev/zero", collect, NULL), -EINVAL);
	assert_int_equal(nftw(root, remove_entry, 8, FTW_DEPTH | FTW_PHYS), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_not_modules),
		cmocka_unit_test(test_file_values),
		cmocka_unit_test(test_file_bad_values_keep_defaults),
		cmocka_unit_test(test_file_nul_byte),
		cmocka_unit_test(test_cmdline_overrides),
		cmocka_unit_test(test_cmdline_enable),
		cmocka_unit_test(test_cmdline_garbage),
		cmocka_unit_test(test_blacklists_add_up),
		cmocka_unit_test(test_list_limits),
		cmocka_unit_test(test_overlay_parameters),
		cmocka_unit_test(test_name_rules),
		cmocka_unit_test(test_warning_text),
		cmocka_unit_test(test_cmdline_sources_stand_alone),
		cmocka_unit_test(test_config_file_kinds),
	};

	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
