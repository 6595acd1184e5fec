// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * overlay-slammer: brings up the Axelera Metis on the Exaviz Cruiser before the
 * root file system mounts. Verbs and options here; the work is in the units.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions.h"
#include "check.h"
#include "config.h"
#include "context.h"
#include "fsutil.h"
#include "log.h"
#include "merge.h"
#include "status.h"
#include "util.h"
#include "wait.h"

struct verb {
	const char *name;
	int (*run)(struct context *ctx, int argc, char **argv);
	const char *usage;
	bool uses_config; /* reads the configuration and the kernel command line */
	bool boot_log;    /* a boot step: also logged to the kernel log */
};

static const struct verb *find_verb(const char *name);

static void usage(FILE *f)
{
	fputs("Usage: overlay-slammer [OPTIONS] VERB [ARGS]\n"
	      "\n"
	      "Loads the accelerator's drivers and applies the board's device-tree overlays\n"
	      "through the kernel's configfs overlay interface.\n"
	      "\n"
	      "Verbs:\n"
	      "  boot                         load modules, then apply overlays (initramfs)\n"
	      "  apply [NAME[,PARAM=VALUE...]...]  apply overlays in order (default: configured)\n"
	      "  remove [NAME...]             remove overlays in reverse order\n"
	      "  status [--json]              configuration, overlays, modules, device\n"
	      "  check FILE[,PARAM=VALUE...]... [--base DTB]  validate overlays offline\n"
	      "  merge --base DTB -o OUT FILE[,PARAM=VALUE...]...  merge overlays into a DTB\n"
	      "                               for the bootloader\n"
	      "  wait-device [--timeout S] [PATH]  wait for the device node\n"
	      "  config [KEY]                 the settings in effect, as key=value\n"
	      "\n"
	      "Options:\n"
	      "  --sysroot DIR      find /proc, /sys, /dev, /etc and /lib/modules below DIR\n"
	      "  --config FILE      configuration file (default /etc/rpi-hardware.conf)\n"
	      "  --overlay-dir DIR  read overlays from DIR only\n"
	      "  --debug            log every step\n"
	      "  -h, --help         this text; VERB --help for one verb\n"
	      "  --version          print the version\n"
	      "\n"
	      "Exit status: 0 ok, 1 a step failed, 2 usage, 3 no configfs overlay interface,\n"
	      "4 the device did not appear in time.\n",
	      f);
}

/* Options of a verb: --help always, plus what the verb takes; shortopts lists the
 * short forms ("h" and any the verb documents). */
static int verb_options_short(int argc, char **argv, const char *shortopts,
			      const struct option *extra, size_t n_extra,
			      int (*on_option)(int opt, void *userdata), void *userdata)
{
	struct option opts[8] = { { "help", no_argument, NULL, 'h' } };
	const struct verb *v = find_verb(argv[0]);
	int opt;

	for (size_t i = 0; i < n_extra && i + 2 < ARRAY_SIZE(opts); i++)
		opts[i + 1] = extra[i];
	/* Options may follow the arguments: "check a.dtbo --base board.dtb". */
	optind = 0;
	while ((opt = getopt_long(argc, argv, shortopts, opts, NULL)) != -1) {
		if (opt == 'h') {
			printf("Usage: overlay-slammer [OPTIONS] %s\n", v->usage);
			return -1;
		}
		if (opt == '?' || !on_option || on_option(opt, userdata) < 0) {
			fprintf(stderr, "Usage: overlay-slammer [OPTIONS] %s\n", v->usage);
			return -EINVAL;
		}
	}
	return optind;
}

static int verb_options(int argc, char **argv, const struct option *extra, size_t n_extra,
			int (*on_option)(int opt, void *userdata), void *userdata)
{
	return verb_options_short(argc, argv, "h", extra, n_extra, on_option, userdata);
}

/* NAME or NAME,param=value,... as in the configuration's overlay list. */
static int parse_names(int argc, char **argv, struct name_list *names)
{
	names->n = 0;
	for (int i = 0; i < argc; i++) {
		const char *why = NULL;

		if (names->n == LIST_MAX) {
			log_err("too many overlay names (at most %d)", LIST_MAX);
			return -E2BIG;
		}
		if (!overlay_name_valid(argv[i], strcspn(argv[i], ","))) {
			log_err("'%.64s' is not a plain overlay name (letters, digits, '.', '_', "
				"'-'; no path), optionally with parameters: NAME,param=value,...",
				argv[i]);
			return -EINVAL;
		}
		if (overlay_entry_parse(argv[i], strlen(argv[i]), names->names[names->n],
					names->params[names->n], &why) < 0) {
			log_err("'%.64s': %s; give NAME,param=value,...", argv[i], why);
			return -EINVAL;
		}
		names->n++;
	}
	return 0;
}

/* Verbs whose only options are --help; -1 means "help printed, done". */
static int plain_args(int argc, char **argv)
{
	return verb_options(argc, argv, NULL, 0, NULL, NULL);
}

static int run_boot(struct context *ctx, int argc, char **argv)
{
	int first = plain_args(argc, argv);

	if (first < 0)
		return first == -1 ? EXIT_OK : EXIT_USAGE;
	if (first != argc) {
		log_err("boot takes no arguments");
		return EXIT_USAGE;
	}
	return action_boot(ctx);
}

static int run_apply_remove(struct context *ctx, int argc, char **argv)
{
	struct name_list names;
	int first = plain_args(argc, argv);

	if (first < 0)
		return first == -1 ? EXIT_OK : EXIT_USAGE;
	if (parse_names(argc - first, argv + first, &names) < 0)
		return EXIT_USAGE;
	if (strcmp(argv[0], "apply") == 0)
		return action_apply(ctx, &names);
	return action_remove(ctx, &names);
}

static int set_flag(int opt, void *userdata)
{
	(void)opt;
	*(bool *)userdata = true;
	return 0;
}

static int run_status(struct context *ctx, int argc, char **argv)
{
	static const struct option opts[] = { { "json", no_argument, NULL, 'j' } };
	bool json = false;
	int first = verb_options(argc, argv, opts, ARRAY_SIZE(opts), set_flag, &json);

	if (first < 0)
		return first == -1 ? EXIT_OK : EXIT_USAGE;
	if (first != argc) {
		log_err("status takes no arguments besides --json");
		return EXIT_USAGE;
	}
	return action_status(ctx, json);
}

static int set_string(int opt, void *userdata)
{
	(void)opt;
	*(const char **)userdata = optarg;
	return 0;
}

static int run_check(struct context *ctx, int argc, char **argv)
{
	static const struct option opts[] = { { "base", required_argument, NULL, 'b' } };
	const char *base = NULL;
	int first;

	(void)ctx;
	first = verb_options(argc, argv, opts, ARRAY_SIZE(opts), set_string, &base);
	if (first < 0)
		return first == -1 ? EXIT_OK : EXIT_USAGE;
	if (first == argc) {
		log_err("check needs at least one .dtbo file");
		return EXIT_USAGE;
	}
	return action_check(argv + first, (size_t)(argc - first), base);
}

struct merge_args {
	const char *base;
	const char *out;
};

static int set_merge_arg(int opt, void *userdata)
{
	struct merge_args *a = userdata;

	if (opt == 'b')
		a->base = optarg;
	else
		a->out = optarg;
	return 0;
}

static int run_merge(struct context *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "base", required_argument, NULL, 'b' },
		{ "output", required_argument, NULL, 'o' },
	};
	struct merge_args a = { 0 };
	int first;

	(void)ctx;
	first = verb_options_short(argc, argv, "ho:", opts, ARRAY_SIZE(opts), set_merge_arg, &a);
	if (first < 0)
		return first == -1 ? EXIT_OK : EXIT_USAGE;
	if (!a.base || !a.out || first == argc) {
		log_err("merge needs --base BASE.dtb, -o OUT.dtb and at least one overlay");
		return EXIT_USAGE;
	}
	return action_merge(a.base, a.out, argv + first, (size_t)(argc - first));
}

static int set_timeout(int opt, void *userdata)
{
	char *end;
	unsigned long t;

	(void)opt;
	errno = 0;
	t = strtoul(optarg, &end, 10);
	if (errno || end == optarg || *end || t > TIMEOUT_MAX || optarg[0] == '-') {
		log_err("--timeout '%.32s': not a number of seconds from 0 to %d", optarg,
			TIMEOUT_MAX);
		return -EINVAL;
	}
	*(unsigned *)userdata = (unsigned)t;
	return 0;
}

static int run_wait_device(struct context *ctx, int argc, char **argv)
{
	static const struct option opts[] = { { "timeout", required_argument, NULL, 't' } };
	unsigned timeout = ctx->cfg.timeout_s;
	const char *device = ctx->cfg.device;
	int first = verb_options(argc, argv, opts, ARRAY_SIZE(opts), set_timeout, &timeout);

	if (first < 0)
		return first == -1 ? EXIT_OK : EXIT_USAGE;
	if (argc - first > 1) {
		log_err("wait-device takes one device path");
		return EXIT_USAGE;
	}
	if (argc - first == 1) {
		device = argv[first];
		if (device[0] != '/' || strstr(device, "..")) {
			log_err("'%.64s' is not an absolute device path", device);
			return EXIT_USAGE;
		}
	}
	return action_wait_device(ctx, device, timeout);
}

/* The settings after the file and the command line, one key=value per line: what
 * the dracut hooks and a person in the rd.break shell ask the helper. */
static int run_config(struct context *ctx, int argc, char **argv)
{
	int first = plain_args(argc, argv), r;

	if (first < 0)
		return first == -1 ? EXIT_OK : EXIT_USAGE;
	if (argc - first > 1) {
		log_err("config takes at most one key");
		return EXIT_USAGE;
	}
	r = config_print(&ctx->cfg, first < argc ? argv[first] : NULL, stdout);
	if (r == -ENOENT) {
		log_err("unknown key '%.32s'", argv[first]);
		return EXIT_USAGE;
	}
	return r < 0 ? EXIT_FAILED : EXIT_OK;
}

static const struct verb verbs[] = {
	{ "boot", run_boot, "boot", true, true },
	{ "apply", run_apply_remove, "apply [NAME[,PARAM=VALUE...]...]", true, true },
	{ "remove", run_apply_remove, "remove [NAME...]", true, true },
	{ "status", run_status, "status [--json]", true, false },
	{ "check", run_check, "check FILE.dtbo[,PARAM=VALUE...]... [--base BASE.dtb]", false, false },
	{ "merge", run_merge, "merge --base BASE.dtb -o OUT.dtb OVERLAY.dtbo[,PARAM=VALUE...]...",
	  false, false },
	{ "wait-device", run_wait_device, "wait-device [--timeout SECONDS] [PATH]", true, true },
	{ "config", run_config, "config [KEY]", true, false },
};

static const struct verb *find_verb(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(verbs); i++)
		if (strcmp(verbs[i].name, name) == 0)
			return &verbs[i];
	return NULL;
}

static void warn_config(void *userdata, const char *msg)
{
	(void)userdata;
	log_warn("%s", msg);
}

static void load_config(struct context *ctx)
{
	char why[PATH_MAX + 64], path[PATH_MAX];
	int r = config_load_file(&ctx->cfg, ctx->config_path, warn_config, NULL);

	if (r < 0)
		log_warn("%s; using the defaults",
			 read_error(why, sizeof(why), ctx->config_path, r, CONFIG_FILE_MAX));
	r = config_load_cmdline(&ctx->cfg, ctx->root, warn_config, NULL);
	if (r < 0 && context_path(ctx, "/proc/cmdline", path, sizeof(path)) == 0)
		log_warn("%s: the kernel command line is not applied",
			 read_error(why, sizeof(why), path, r, CONFIG_FILE_MAX));
}

static int set_root(struct context *ctx, const char *dir, char *buf)
{
	if (!realpath(dir, buf)) {
		fprintf(stderr, "overlay-slammer: --sysroot %s: %s\n", dir, strerror(errno));
		return -errno;
	}
	ctx->root = buf;
	return 0;
}

enum { OPT_SYSROOT = 256, OPT_CONFIG, OPT_OVERLAY_DIR, OPT_DEBUG, OPT_VERSION };

static int parse_global(int argc, char **argv, struct context *ctx, char *rootbuf,
			bool *debug)
{
	static const struct option opts[] = {
		{ "sysroot", required_argument, NULL, OPT_SYSROOT },
		{ "config", required_argument, NULL, OPT_CONFIG },
		{ "overlay-dir", required_argument, NULL, OPT_OVERLAY_DIR },
		{ "debug", no_argument, NULL, OPT_DEBUG },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ 0 },
	};
	const char *config = NULL;
	int opt;

	while ((opt = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (opt) {
		case OPT_SYSROOT:
			if (set_root(ctx, optarg, rootbuf) < 0)
				return EXIT_USAGE;
			break;
		case OPT_CONFIG:
			config = optarg;
			break;
		case OPT_OVERLAY_DIR:
			ctx->overlay_dir = optarg;
			break;
		case OPT_DEBUG:
			*debug = true;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		case OPT_VERSION:
			puts("overlay-slammer " VERSION);
			return EXIT_OK;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	opt = config_locate(ctx->root, config, ctx->config_path, sizeof(ctx->config_path));
	if (opt < 0) {
		fprintf(stderr, "overlay-slammer: --config %s: %s\n", config ? config : "",
			opt == -EINVAL ? "not a regular file" : strerror(-opt));
		return EXIT_USAGE;
	}
	return -1;
}

int main(int argc, char **argv)
{
	static char rootbuf[PATH_MAX] = "/";
	struct context ctx = { .root = rootbuf };
	const struct verb *v;
	bool debug = false;
	char kmsg[PATH_MAX];
	int r;

	config_init(&ctx.cfg);
	r = parse_global(argc, argv, &ctx, rootbuf, &debug);
	if (r >= 0)
		return r;
	if (optind >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	v = find_verb(argv[optind]);
	if (!v) {
		fprintf(stderr, "overlay-slammer: unknown verb '%.32s'; see --help\n", argv[optind]);
		return EXIT_USAGE;
	}
	log_set_debug(debug);
	if (v->boot_log && context_path(&ctx, "/dev/kmsg", kmsg, sizeof(kmsg)) == 0)
		log_open(kmsg);
	if (v->uses_config)
		load_config(&ctx);
	log_set_debug(debug || ctx.cfg.debug);
	r = v->run(&ctx, argc - optind, argv + optind);
	log_close();
	return r;
}
