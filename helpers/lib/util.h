/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

/* Install paths: the Makefile passes this build's; these are the defaults. */
#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif
#ifndef PKGLIBDIR
#define PKGLIBDIR "/usr/lib/rpi-hardware"
#endif

/* Exit status of every program of the suite; overlay-slammer adds its own
 * (context.h). */
enum { EXIT_OK = 0, EXIT_FAILED = 1, EXIT_USAGE = 2 };

#define _cleanup_(f) __attribute__((cleanup(f)))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
/* A numeric macro as a string literal, for messages that name a limit. */
#define STRINGIFY(x) #x
#define XSTRINGIFY(x) STRINGIFY(x)

static inline void freep(void *p)
{
	free(*(void **)p);
}

/* Keeps errno: a cleanup must not clobber the error being reported. */
static inline void closep(const int *fd)
{
	if (*fd >= 0) {
		int saved = errno;

		close(*fd);
		errno = saved;
	}
}

static inline void closedirp(DIR **d)
{
	if (*d) {
		int saved = errno;

		closedir(*d);
		errno = saved;
	}
}

/* Microseconds on CLOCK_MONOTONIC, for durations and deadlines. */
static inline uint64_t now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}
