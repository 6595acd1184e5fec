// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rpihw-bench-timer CMD [ARG...]: runs CMD with its output sent to /dev/null and
 * prints "NANOSECONDS EXIT-STATUS" on one line, timed with the monotonic clock
 * from just before fork to just after the child is reaped. Used by the boot-path
 * benchmark inside the emulated boot, where the image has no `date +%N`.
 * Exit status: 0 when it could time CMD (whatever CMD returned), 2 otherwise.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int now_ns(uint64_t *ns)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) < 0)
		return -errno;
	*ns = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
	return 0;
}

/* In the child: output to /dev/null, then CMD. Only async-signal-safe calls. */
static void run_child(char **argv)
{
	int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);

	if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0 || dup2(fd, STDERR_FILENO) < 0)
		_exit(126);
	execvp(argv[0], argv);
	_exit(errno == ENOENT ? 127 : 126);
}

/* The child's exit status, or 128 + the signal that ended it, as a shell reports it. */
static int reap(pid_t pid, int *status)
{
	int ws;

	while (waitpid(pid, &ws, 0) < 0)
		if (errno != EINTR)
			return -errno;
	*status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
	return 0;
}

int main(int argc, char **argv)
{
	uint64_t t0 = 0, t1 = 0;
	pid_t pid;
	int r, status = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: rpihw-bench-timer CMD [ARG...]\n");
		return 2;
	}
	r = now_ns(&t0);
	if (r < 0) {
		fprintf(stderr, "rpihw-bench-timer: no monotonic clock: %s\n", strerror(-r));
		return 2;
	}
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "rpihw-bench-timer: fork: %s\n", strerror(errno));
		return 2;
	}
	if (pid == 0)
		run_child(argv + 1);
	r = reap(pid, &status);
	if (r == 0)
		r = now_ns(&t1);
	if (r < 0) {
		fprintf(stderr, "rpihw-bench-timer: waiting for %s: %s\n", argv[1], strerror(-r));
		return 2;
	}
	if (printf("%llu %d\n", (unsigned long long)(t1 - t0), status) < 0 || fflush(stdout) != 0)
		return 2;
	return 0;
}
