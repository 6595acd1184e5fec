/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include "config.h"

/*
 * The command-line plumbing of the root-side tools (rpi-hardware-preflight,
 * axelera-stats-logger): each keeps one plain getopt_long loop over its own
 * options plus CLI_OPTIONS, and hands every option it does not know to
 * cli_option.
 */

/* The options every tool takes. Its own option values start at CLI_OPT_FIRST. */
enum { CLI_OPT_CONFIG = 0x100, CLI_OPT_SYSROOT, CLI_OPT_VERSION, CLI_OPT_FIRST };

#define CLI_OPTIONS                                                     \
	{ "config", required_argument, NULL, CLI_OPT_CONFIG },           \
		{ "sysroot", required_argument, NULL, CLI_OPT_SYSROOT }, \
		{ "help", no_argument, NULL, 'h' },                      \
		{ "version", no_argument, NULL, CLI_OPT_VERSION }

/* cli_option's answer once --help or --version has been printed: exit 0. */
#define CLI_DONE 1

struct cli {
	const char *prog;
	void (*usage)(FILE *out);
	const char *sysroot; /* --sysroot DIR; NULL: the running system */
	const char *config;  /* --config FILE; NULL: SYSCONFDIR/rpi-hardware.conf */
};

/* Takes one of CLI_OPTIONS (opt as getopt_long returned it, arg its optarg).
 * Returns 0, CLI_DONE after printing the help or the version, or -EINVAL for an
 * option getopt refused ('?'), with a hint to stderr. */
int cli_option(struct cli *cli, int opt, const char *arg);

/* After the loop: no arguments left (argv from optind), and --sysroot names a
 * directory. Returns 0 or -EINVAL, the reason on stderr. */
int cli_finish(const struct cli *cli, int argc, char **argv);

/* The defaults, then the configuration file (--config, else the one below the
 * root), then with cmdline the kernel command line (config_load_cmdline). A
 * file or command line that cannot be read is reported through warn and the
 * rest applies. Returns 0, or -errno for a --config that cannot be used (the
 * reason on stderr). */
int cli_load_config(const struct cli *cli, struct config *c, bool cmdline, config_warn_fn warn,
		    void *userdata);
