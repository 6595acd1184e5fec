/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <syslog.h>

/* Where the lines go: syslog (facility daemon) or standard output. */
struct sink {
	bool syslog;
};

void sink_open(struct sink *s, bool use_syslog);
void sink_close(const struct sink *s);

/* One line at the given syslog priority. Returns -errno when standard output
 * cannot be written (a closed pipe, a full disk): the caller stops then. */
int sink_line(const struct sink *s, int prio, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
