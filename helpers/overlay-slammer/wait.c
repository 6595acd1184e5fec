// SPDX-License-Identifier: GPL-2.0-or-later
#include "wait.h"

#include <limits.h>
#include <time.h>
#include <unistd.h>

#include "fsutil.h"
#include "log.h"
#include "util.h"

#define POLL_INTERVAL_NS 20000000L

int action_wait_device(const struct context *ctx, const char *device, unsigned timeout_s)
{
	const struct timespec interval = { 0, POLL_INTERVAL_NS };
	uint64_t t0 = now_usec(), deadline = t0 + (uint64_t)timeout_s * 1000000u;
	char path[PATH_MAX], target[PATH_MAX];
	ssize_t n;

	if (context_path(ctx, device, path, sizeof(path)) < 0) {
		log_err("device path %s too long", device);
		return EXIT_USAGE;
	}
	while (!path_exists(path)) {
		if (now_usec() >= deadline) {
			log_err("%s did not appear within %u s: check that the metis driver bound "
				"the card (dmesg | grep -e metis -e axl) and 'overlay-slammer status'",
				device, timeout_s);
			return EXIT_TIMEOUT;
		}
		nanosleep(&interval, NULL);
	}
	n = readlink(path, target, sizeof(target) - 1);
	target[n > 0 ? n : 0] = '\0';
	log_info("%s present after %.1f ms%s%s", device, elapsed_ms(t0), n > 0 ? " -> " : "",
		 target);
	return EXIT_OK;
}
