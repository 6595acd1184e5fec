// SPDX-License-Identifier: GPL-2.0-or-later
#include "cli.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <string.h>

#include "fsutil.h"

int cli_option(struct cli *cli, int opt, const char *arg)
{
	switch (opt) {
	case CLI_OPT_CONFIG:
		cli->config = arg;
		return 0;
	case CLI_OPT_SYSROOT:
		cli->sysroot = arg;
		return 0;
	case 'h':
		cli->usage(stdout);
		return CLI_DONE;
	case CLI_OPT_VERSION:
		printf("%s %s\n", cli->prog, VERSION);
		return CLI_DONE;
	default:
		fprintf(stderr, "Try '%s --help'.\n", cli->prog);
		return -EINVAL;
	}
}

int cli_finish(const struct cli *cli, int argc, char **argv)
{
	int r;

	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument '%s'; try '%s --help'\n", cli->prog,
			argv[optind], cli->prog);
		return -EINVAL;
	}
	r = root_check(cli->sysroot);
	if (r < 0) {
		fprintf(stderr, "%s: --sysroot %s: %s\n", cli->prog, cli->sysroot, strerror(-r));
		return -EINVAL;
	}
	return 0;
}

__attribute__((format(printf, 3, 4)))
static void warnf(config_warn_fn warn, void *userdata, const char *fmt, ...)
{
	char msg[PATH_MAX + 128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	warn(userdata, msg);
}

int cli_load_config(const struct cli *cli, struct config *c, bool cmdline, config_warn_fn warn,
		    void *userdata)
{
	char path[PATH_MAX];
	int r;

	config_init(c);
	r = config_locate(cli->sysroot, cli->config, path, sizeof(path));
	if (r < 0) {
		fprintf(stderr, "%s: %s: %s\n", cli->prog, cli->config ? cli->config : "--sysroot",
			strerror(-r));
		return r;
	}
	r = config_load_file(c, path, warn, userdata);
	if (r < 0)
		warnf(warn, userdata, "cannot read %s (%s); defaults used", path, strerror(-r));
	if (!cmdline)
		return 0;
	r = config_load_cmdline(c, cli->sysroot, warn, userdata);
	if (r < 0)
		warnf(warn, userdata, "cannot read /proc/cmdline (%s); its overrides are not applied",
		      strerror(-r));
	return 0;
}
