// SPDX-License-Identifier: GPL-2.0-or-later
/* rpi-hardware-preflight: is the Metis on the Cruiser ready to use? */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "preflight.h"
#include "util.h"

#define PROG "rpi-hardware-preflight"

static void usage(FILE *out);

struct options {
	struct cli cli;
	bool json;
	unsigned cma_min_mib;
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: " PROG " [OPTION]...\n"
		"Check that the Axelera Metis is enumerated, linked at Gen 3 x1, bound to\n"
		"Axelera's driver (axl, module metis) with its MSI vectors, reachable through its\n"
		"device link with the right group and mode, that the overlays are applied, and\n"
		"that the kernel has what the driver needs: DMA-BUF heaps, free CMA, a page size\n"
		"it is used with.\n"
		"\n"
		"  --json           one JSON object instead of PASS/WARN/FAIL lines\n"
		"  --config FILE    configuration file (default " SYSCONFDIR "/rpi-hardware.conf)\n"
		"  --sysroot DIR    look for /sys, /proc, /dev and /etc below DIR\n"
		"  --cma-min MIB    warn below this CMA size (default %d)\n"
		"  -h, --help       this text\n"
		"  --version        version\n"
		"\n"
		"Exit status: 0 no check failed (warnings allowed), 1 a check failed,\n"
		"2 usage error or unusable hardware-ids table.\n",
		CMA_MIN_MIB_DEFAULT);
}

static int parse_mib(const char *s, unsigned *out)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end != '\0' || v > 1024UL * 1024)
		return -EINVAL;
	*out = (unsigned)v;
	return 0;
}

/* 0 to run, CLI_DONE after --help or --version, -EINVAL for a usage error. */
static int parse_options(int argc, char **argv, struct options *o)
{
	enum { OPT_JSON = CLI_OPT_FIRST, OPT_CMA };
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, OPT_JSON },
		{ "cma-min", required_argument, NULL, OPT_CMA },
		CLI_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	int c, r;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_JSON:
			o->json = true;
			break;
		case OPT_CMA:
			if (parse_mib(optarg, &o->cma_min_mib) < 0) {
				fprintf(stderr, PROG ": --cma-min '%s' is not a size in MiB\n", optarg);
				return -EINVAL;
			}
			break;
		default:
			r = cli_option(&o->cli, c, optarg);
			if (r != 0)
				return r;
		}
	}
	return cli_finish(&o->cli, argc, argv);
}

static void config_warning(void *ctx, const char *msg)
{
	struct preflight *p = ctx;

	report_add(&p->rep, V_WARN, "config", NULL, "%s", msg);
}

static int run(const struct options *o)
{
	struct preflight *p = calloc(1, sizeof(*p));
	char err[512];
	int r;

	if (!p) {
		fprintf(stderr, PROG ": out of memory\n");
		return EXIT_FAILED;
	}
	p->sysroot = o->cli.sysroot;
	p->cma_min_mib = o->cma_min_mib;
	r = hwids_load(&p->ids, p->sysroot, err, sizeof(err));
	if (r < 0) {
		fprintf(stderr, PROG ": %s; fix the table or remove the override\n", err);
		free(p);
		return EXIT_USAGE;
	}
	if (cli_load_config(&o->cli, &p->conf, true, config_warning, p) < 0) {
		free(p);
		return EXIT_USAGE;
	}
	check_pci(p);
	check_driver_version(p);
	check_device_node(p);
	check_overlays(p);
	check_dma_heap(p);
	check_cma(p);
	check_page_size(p);
	r = o->json ? report_print_json(&p->rep, stdout) : report_print_text(&p->rep, stdout);
	if (r < 0) {
		fprintf(stderr, PROG ": cannot write the report: %s\n", strerror(-r));
		free(p);
		return EXIT_FAILED;
	}
	r = report_result(&p->rep) == V_FAIL ? EXIT_FAILED : EXIT_OK;
	free(p);
	return r;
}

int main(int argc, char **argv)
{
	struct options o = { .cli = { PROG, usage, NULL, NULL }, .cma_min_mib = CMA_MIN_MIB_DEFAULT };
	int r = parse_options(argc, argv, &o);

	if (r != 0)
		return r == CLI_DONE ? EXIT_OK : EXIT_USAGE;
	return run(&o);
}
