// SPDX-License-Identifier: GPL-2.0-or-later
#include "wait.h"

#include <errno.h>
#include <limits.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fsutil.h"
#include "log.h"
#include "text.h"
#include "util.h"

#define POLL_INTERVAL_NS 20000000L

int device_node(const struct context *ctx, const char *device, mode_t *mode)
{
	char path[PATH_MAX];
	struct stat st;

	if (context_path(ctx, device, path, sizeof(path)) < 0)
		return -ENAMETOOLONG;
	if (stat(path, &st) < 0)
		return 0;
	*mode = st.st_mode;
	if (S_ISCHR(st.st_mode) || (root_is_fake(ctx->root) && S_ISREG(st.st_mode)))
		return 1;
	return -ENODEV;
}

int action_wait_device(const struct context *ctx, const char *device, unsigned timeout_s)
{
	const struct timespec interval = { 0, POLL_INTERVAL_NS };
	uint64_t t0 = now_usec(), deadline = t0 + (uint64_t)timeout_s * 1000000u;
	char path[PATH_MAX], target[PATH_MAX], shown[PATH_MAX];
	mode_t mode = 0;
	ssize_t n;
	int r;

	if (context_path(ctx, device, path, sizeof(path)) < 0) {
		log_err("device path %s too long", device);
		return EXIT_USAGE;
	}
	/* Something else where the node belongs may still give way to it (udev moves a
	 * link), so it is waited out too, and named if it stays. */
	while ((r = device_node(ctx, device, &mode)) != 1) {
		if (now_usec() < deadline) {
			nanosleep(&interval, NULL);
			continue;
		}
		if (r == -ENODEV)
			log_err("%s did not appear within %u s: %s is %s, not a device node: remove "
				"it (udev makes the node and its link)",
				device, timeout_s, device, file_kind(mode));
		else
			log_err("%s did not appear within %u s: check that the metis driver bound "
				"the card (dmesg | grep -e metis -e axl) and 'overlay-slammer status'",
				device, timeout_s);
		return EXIT_TIMEOUT;
	}
	n = readlink(path, target, sizeof(target) - 1);
	target[n > 0 ? n : 0] = '\0';
	log_info("%s present after %.1f ms%s%s", device, elapsed_ms(t0), n > 0 ? " -> " : "",
		 text_show(target, shown, sizeof(shown)));
	return EXIT_OK;
}
