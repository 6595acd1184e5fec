// SPDX-License-Identifier: GPL-2.0-or-later
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

#define LOG_PREFIX "overlay-slammer"
/* The kernel keeps about 1 KiB per record; longer lines are cut, not split. */
#define LOG_LINE_MAX 976

static int kmsg_fd = -1;
static bool debug_on;
static bool quiet_on;

void log_open(const char *kmsg_path)
{
	log_close();
	kmsg_fd = open(kmsg_path, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOCTTY);
}

void log_close(void)
{
	if (kmsg_fd >= 0)
		close(kmsg_fd);
	kmsg_fd = -1;
}

void log_set_debug(bool on)
{
	debug_on = on;
}

bool log_debug_enabled(void)
{
	return debug_on;
}

void log_set_quiet(bool on)
{
	quiet_on = on;
}

void log_msg(int prio, const char *fmt, ...)
{
	char line[LOG_LINE_MAX];
	char rec[LOG_LINE_MAX + 32];
	int saved = errno, n;
	va_list ap;

	if (prio == LOG_DEBUG && !debug_on)
		return;
	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		goto out;
	/* One record per line: a newline in a name must not forge a second record. */
	for (char *p = line; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	if (!quiet_on || prio <= LOG_WARNING)
		fprintf(stderr, LOG_PREFIX ": %s\n", line);
	if (kmsg_fd >= 0) {
		n = snprintf(rec, sizeof(rec), "<%d>" LOG_PREFIX ": %s\n", prio, line);
		if (n > 0 && write(kmsg_fd, rec, strnlen(rec, sizeof(rec))) < 0) {
			/* A read-only or full /dev/kmsg must not stop the boot; stderr has it. */
			close(kmsg_fd);
			kmsg_fd = -1;
		}
	}
out:
	errno = saved;
}

uint64_t now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

double elapsed_ms(uint64_t start_usec)
{
	return (double)(now_usec() - start_usec) / 1000.0;
}
