// SPDX-License-Identifier: GPL-2.0-or-later
#include "sink.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#define IDENT "axelera-stats-logger"

void sink_open(struct sink *s, bool use_syslog)
{
	s->syslog = use_syslog;
	if (use_syslog)
		openlog(IDENT, LOG_PID, LOG_DAEMON);
}

void sink_close(const struct sink *s)
{
	if (s->syslog)
		closelog();
}

int sink_line(const struct sink *s, int prio, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (s->syslog) {
		syslog(prio, "%s", line);
		return 0;
	}
	if (puts(line) == EOF || fflush(stdout) == EOF)
		return errno ? -errno : -EIO;
	return 0;
}
