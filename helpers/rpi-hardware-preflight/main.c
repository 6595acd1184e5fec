// SPDX-License-Identifier: GPL-2.0-or-later
/* rpi-hardware-preflight: is the Metis on the Cruiser ready to use? */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "preflight.h"
#include "fsutil.h"
#include "util.h"

#ifndef VERSION
#define VERSION "unknown"
#endif
#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif

#define PROG "rpi-hardware-preflight"
#define EXIT_FAILED 1
#define EXIT_USAGE 2

struct options {
	const char *sysroot;
	const char *config;
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

static int parse_options(int argc, char **argv, struct options *o)
{
	enum { OPT_JSON = 256, OPT_CONFIG, OPT_SYSROOT, OPT_CMA, OPT_VERSION };
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, OPT_JSON },
		{ "config", required_argument, NULL, OPT_CONFIG },
		{ "sysroot", required_argument, NULL, OPT_SYSROOT },
		{ "cma-min", required_argument, NULL, OPT_CMA },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_JSON:
			o->json = true;
			break;
		case OPT_CONFIG:
			o->config = optarg;
			break;
		case OPT_SYSROOT:
			o->sysroot = optarg;
			break;
		case OPT_CMA:
			if (parse_mib(optarg, &o->cma_min_mib) < 0) {
				fprintf(stderr, PROG ": --cma-min '%s' is not a size in MiB\n", optarg);
				return -EINVAL;
			}
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case OPT_VERSION:
			printf(PROG " %s\n", VERSION);
			exit(0);
		default:
			fprintf(stderr, "Try '" PROG " --help'.\n");
			return -EINVAL;
		}
	}
	if (optind < argc) {
		fprintf(stderr, PROG ": unexpected argument '%s'; try '" PROG " --help'\n",
			argv[optind]);
		return -EINVAL;
	}
	return 0;
}

static void config_warning(void *ctx, const char *msg)
{
	struct preflight *p = ctx;

	report_add(&p->rep, V_WARN, "config", NULL, "%s", msg);
}

static int load_config(struct preflight *p, const struct options *o)
{
	char path[PATH_MAX];
	int r;

	config_init(&p->conf);
	r = config_locate(p->sysroot, o->config, path, sizeof(path));
	if (r < 0) {
		fprintf(stderr, PROG ": %s: %s\n", o->config ? o->config : "--sysroot", strerror(-r));
		return r;
	}
	r = config_load_file(&p->conf, path, config_warning, p);
	if (r < 0)
		report_add(&p->rep, V_WARN, "config", NULL, "cannot read %s (%s); defaults used",
			   path, strerror(-r));
	r = config_load_cmdline(&p->conf, p->sysroot, config_warning, p);
	if (r < 0)
		report_add(&p->rep, V_WARN, "config", NULL,
			   "cannot read /proc/cmdline (%s); its overrides are not applied",
			   strerror(-r));
	return 0;
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
	p->sysroot = o->sysroot;
	p->cma_min_mib = o->cma_min_mib;
	r = hwids_load(&p->ids, p->sysroot, err, sizeof(err));
	if (r < 0) {
		fprintf(stderr, PROG ": %s; fix the table or remove the override\n", err);
		free(p);
		return EXIT_USAGE;
	}
	if (load_config(p, o) < 0) {
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
	r = report_result(&p->rep) == V_FAIL ? EXIT_FAILED : 0;
	free(p);
	return r;
}

int main(int argc, char **argv)
{
	struct options o = { .sysroot = NULL, .cma_min_mib = CMA_MIN_MIB_DEFAULT };
	int r;

	if (parse_options(argc, argv, &o) < 0)
		return EXIT_USAGE;
	r = root_check(o.sysroot);
	if (r < 0) {
		fprintf(stderr, PROG ": --sysroot %s: %s\n", o.sysroot, strerror(-r));
		return EXIT_USAGE;
	}
	return run(&o);
}
