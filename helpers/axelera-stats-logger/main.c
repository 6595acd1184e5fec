// SPDX-License-Identifier: GPL-2.0-or-later
/* axelera-stats-logger: one health line per Metis every interval, to syslog or
 * standard output, until SIGTERM or SIGINT. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "hwids.h"
#include "sample.h"
#include "sink.h"
#include "util.h"
#include "track.h"

#define PROG "axelera-stats-logger"
#define INTERVAL_MAX_MS (86400LL * 1000)

static void usage(FILE *out);

struct options {
	struct cli cli;
	long long interval_ms;
	unsigned long count; /* 0: until a signal */
	bool syslog;
};

struct logger {
	const struct options *o;
	struct sink sink;
	struct config conf;
	struct hwid_table ids;
	struct tracker track;
};

static void usage(FILE *out)
{
	fputs("Usage: " PROG " [OPTION]...\n"
	      "Log the health of the Axelera Metis every interval: PCIe link state, speed and\n"
	      "width, AER error counters, the bound driver (axl), its metis device, the device\n"
	      "link, temperature when the device has a hwmon. Runs until SIGTERM or SIGINT.\n"
	      "\n"
	      "  --interval SECONDS  time between lines (default 60; decimals allowed)\n"
	      "  --syslog            log to syslog (facility daemon) instead of standard output\n"
	      "  --count N           stop after N rounds\n"
	      "  --config FILE       configuration file (default " SYSCONFDIR "/rpi-hardware.conf)\n"
	      "  --sysroot DIR       look for /sys, /proc, /dev and /etc below DIR\n"
	      "  -h, --help          this text\n"
	      "  --version           version\n"
	      "\n"
	      "Exit status: 0 stopped by a signal or --count, 1 runtime error, 2 usage error or\n"
	      "unusable hardware-ids table.\n",
	      out);
}

/* "60", "0.5", "2.25": seconds with up to three decimals, into milliseconds. */
static int parse_interval(const char *s, long long *ms)
{
	long long whole = 0, frac = 0;
	const char *p = s;

	if (*p < '0' || *p > '9')
		return -EINVAL;
	for (; *p >= '0' && *p <= '9'; p++) {
		whole = whole * 10 + (*p - '0');
		if (whole > INTERVAL_MAX_MS / 1000)
			return -ERANGE;
	}
	if (*p == '.') {
		int digits = 0;

		for (p++; *p >= '0' && *p <= '9'; p++, digits++)
			if (digits < 3)
				frac = frac * 10 + (*p - '0');
		if (digits == 0)
			return -EINVAL;
		for (; digits < 3; digits++)
			frac *= 10;
	}
	if (*p != '\0')
		return -EINVAL;
	*ms = whole * 1000 + frac;
	return *ms > 0 && *ms <= INTERVAL_MAX_MS ? 0 : -ERANGE;
}

static int parse_count(const char *s, unsigned long *out)
{
	char *end;

	if (*s < '1' || *s > '9')
		return -EINVAL;
	errno = 0;
	*out = strtoul(s, &end, 10);
	return errno || *end != '\0' ? -EINVAL : 0;
}

/* 0 to run, CLI_DONE after --help or --version, -EINVAL for a usage error. */
static int parse_options(int argc, char **argv, struct options *o)
{
	enum { OPT_INTERVAL = CLI_OPT_FIRST, OPT_SYSLOG, OPT_COUNT };
	static const struct option longopts[] = {
		{ "interval", required_argument, NULL, OPT_INTERVAL },
		{ "syslog", no_argument, NULL, OPT_SYSLOG },
		{ "count", required_argument, NULL, OPT_COUNT },
		CLI_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	int c, r;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_INTERVAL:
			if (parse_interval(optarg, &o->interval_ms) < 0) {
				fprintf(stderr, PROG ": --interval '%s' is not a number of seconds "
						"from 0.001 to 86400\n", optarg);
				return -EINVAL;
			}
			break;
		case OPT_SYSLOG:
			o->syslog = true;
			break;
		case OPT_COUNT:
			if (parse_count(optarg, &o->count) < 0) {
				fprintf(stderr, PROG ": --count '%s' is not a positive number\n",
					optarg);
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
	struct logger *lg = ctx;

	sink_line(&lg->sink, LOG_WARNING, "event=config-warning %s", msg);
}

static int on_event(void *ctx, enum track_event ev, const struct tracked *d)
{
	static const char *const names[] = { "appeared", "vanished", "reappeared" };
	struct logger *lg = ctx;

	return sink_line(&lg->sink, ev == TRACK_VANISHED ? LOG_WARNING : LOG_NOTICE,
			 "event=%s dev=%s", names[ev], d->addr);
}

/* One round: scan, report changes, then one status line per known device. */
static int tick(struct logger *lg)
{
	struct pci_match m[PCI_DEVS_MAX];
	char line[768];
	size_t found = 0;
	bool node = sample_node_present(lg->o->cli.sysroot, lg->conf.device);
	int r = pci_scan(lg->o->cli.sysroot, &lg->ids, "metis", m, PCI_DEVS_MAX, &found);

	if (r < 0) {
		r = sink_line(&lg->sink, LOG_ERR, "event=error cannot list PCI devices: %s",
			      strerror(-r));
		found = 0;
		if (r < 0)
			return r;
	}
	if (found > PCI_DEVS_MAX)
		found = PCI_DEVS_MAX;
	r = track_update(&lg->track, m, found, on_event, lg);
	if (r < 0)
		return r;
	if (lg->track.n == 0) {
		int prio = sample_none(node, line, sizeof(line));

		return sink_line(&lg->sink, prio, "%s", line);
	}
	for (size_t i = 0; i < lg->track.n; i++) {
		int prio = sample_device(&lg->track.dev[i], node, line, sizeof(line));

		r = sink_line(&lg->sink, prio, "%s", line);
		if (r < 0)
			return r;
	}
	return 0;
}

static long long now_ms(void)
{
	return (long long)(now_usec() / 1000);
}

/* Sleeps until deadline or a signal arrives on sfd. Returns the signal number,
 * 0 at the deadline, or -errno. */
static int wait_until(int sfd, long long deadline)
{
	for (;;) {
		struct pollfd pfd = { .fd = sfd, .events = POLLIN };
		long long left = deadline - now_ms();
		struct timespec ts;
		struct signalfd_siginfo si;
		ssize_t n;
		int r;

		if (left <= 0)
			return 0;
		ts.tv_sec = (time_t)(left / 1000);
		ts.tv_nsec = (long)(left % 1000) * 1000000;
		r = ppoll(&pfd, 1, &ts, NULL);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			continue;
		n = read(sfd, &si, sizeof(si));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n != (ssize_t)sizeof(si))
			return -EIO;
		return (int)si.ssi_signo;
	}
}

/* SIGTERM and SIGINT are taken from a signalfd, so that the wait between rounds
 * ends at once and no handler runs in the middle of a round. */
static int open_signals(void)
{
	struct sigaction ign = { .sa_handler = SIG_IGN };
	sigset_t mask;
	int fd;

	/* A closed pipe on standard output must end in a clean error, not a kill. */
	if (sigaction(SIGPIPE, &ign, NULL) < 0)
		return -errno;
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
		return -errno;
	fd = signalfd(-1, &mask, SFD_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

static int run_loop(struct logger *lg, int sfd)
{
	long long next = now_ms();
	unsigned long rounds = 0;
	int r;

	/* Values stay single words so the line splits on spaces. */
	r = sink_line(&lg->sink, LOG_INFO, "event=start interval=%lld.%03llds device=%s ids=%s",
		      lg->o->interval_ms / 1000, lg->o->interval_ms % 1000, lg->conf.device,
		      strncmp(lg->ids.source, "built-in", 8) == 0 ? "built-in" : lg->ids.source);
	while (r >= 0) {
		r = tick(lg);
		if (r < 0)
			break;
		if (lg->o->count && ++rounds >= lg->o->count)
			return sink_line(&lg->sink, LOG_INFO, "event=stop reason=count");
		next += lg->o->interval_ms;
		/* After a suspend or a stall, start afresh rather than catch up. */
		if (now_ms() > next + lg->o->interval_ms)
			next = now_ms();
		r = wait_until(sfd, next);
		if (r > 0)
			return sink_line(&lg->sink, LOG_INFO, "event=stop reason=%s",
					 r == SIGTERM ? "SIGTERM" : "SIGINT");
	}
	return r;
}

static int run(const struct options *o)
{
	struct logger *lg = calloc(1, sizeof(*lg));
	char err[512];
	int sfd, r;

	if (!lg) {
		fprintf(stderr, PROG ": out of memory\n");
		return EXIT_FAILED;
	}
	lg->o = o;
	r = hwids_load(&lg->ids, o->cli.sysroot, err, sizeof(err));
	if (r < 0) {
		fprintf(stderr, PROG ": %s; fix the table or remove the override\n", err);
		free(lg);
		return EXIT_USAGE;
	}
	sink_open(&lg->sink, o->syslog);
	/* The kernel command line is the initramfs's: the logger runs on the root. */
	if (cli_load_config(&o->cli, &lg->conf, false, config_warning, lg) < 0) {
		r = EXIT_USAGE;
		goto out;
	}
	sfd = open_signals();
	if (sfd < 0) {
		fprintf(stderr, PROG ": cannot set up signal handling: %s\n", strerror(-sfd));
		r = EXIT_FAILED;
		goto out;
	}
	r = run_loop(lg, sfd);
	close(sfd);
	if (r < 0) {
		fprintf(stderr, PROG ": stopping after an error: %s\n", strerror(-r));
		if (o->syslog)
			syslog(LOG_ERR, "stopping: %s", strerror(-r));
		r = EXIT_FAILED;
	} else {
		r = EXIT_OK;
	}
out:
	sink_close(&lg->sink);
	free(lg);
	return r;
}

int main(int argc, char **argv)
{
	struct options o = { .cli = { PROG, usage, NULL, NULL }, .interval_ms = 60000 };
	int r = parse_options(argc, argv, &o);

	if (r != 0)
		return r == CLI_DONE ? EXIT_OK : EXIT_USAGE;
	return run(&o);
}
