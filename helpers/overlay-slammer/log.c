// SPDX-License-Identifier: GPL-2.0-or-later
#include "log.h"

#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fsutil.h"
#include "util.h"

#define LOG_PREFIX "overlay-slammer"
/* The kernel keeps about 1 KiB per record; longer lines are cut, not split. */
#define LOG_LINE_MAX 976

/* The kernel rate-limits each open /dev/kmsg file to 10 lines per 5 s: a boot logs
 * more, so every line gets a fresh open. */
static char kmsg[PATH_MAX];
static bool debug_on;

void log_open(const char *kmsg_path)
{
	if ((size_t)snprintf(kmsg, sizeof(kmsg), "%s", kmsg_path) >= sizeof(kmsg))
		kmsg[0] = '\0';
}

void log_close(void)
{
	kmsg[0] = '\0';
}

/* Why the open of kmsg failed: ENXIO is a FIFO without a reader, EISDIR a
 * directory; either is named by its kind. */
static const char *open_failure(void)
{
	int e = errno;
	struct stat st;

	if ((e == ENXIO || e == EISDIR) && stat(kmsg, &st) == 0)
		return file_kind(st.st_mode);
	return strerror(e);
}

/* A read-only, missing or odd /dev/kmsg must not stop the boot: stderr has the
 * line. O_NONBLOCK: a FIFO there must not hold the helper up, neither at the open
 * (no reader) nor at the write (a full pipe); only the kernel's character device,
 * or a regular file standing in for it under --sysroot, is written. */
static void write_kmsg(const char *rec, size_t len)
{
	int fd = open(kmsg, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	struct stat st;
	const char *why = NULL;

	if (fd < 0)
		why = open_failure();
	else if (fstat(fd, &st) == 0 && !S_ISCHR(st.st_mode) && !S_ISREG(st.st_mode))
		why = file_kind(st.st_mode);
	else if (write(fd, rec, len) < 0)
		why = strerror(errno);
	if (fd >= 0)
		close(fd);
	if (why) {
		fprintf(stderr, LOG_PREFIX ": cannot log to %s (%s); logging to stderr only\n", kmsg,
			why);
		kmsg[0] = '\0';
	}
}

void log_set_debug(bool on)
{
	debug_on = on;
}

bool log_debug_enabled(void)
{
	return debug_on;
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
	fprintf(stderr, LOG_PREFIX ": %s\n", line);
	if (kmsg[0]) {
		n = snprintf(rec, sizeof(rec), "<%d>" LOG_PREFIX ": %s\n", prio, line);
		if (n > 0)
			write_kmsg(rec, strnlen(rec, sizeof(rec)));
	}
out:
	errno = saved;
}

double elapsed_ms(uint64_t start_usec)
{
	return (double)(now_usec() - start_usec) / 1000.0;
}
