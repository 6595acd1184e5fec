// SPDX-License-Identifier: GPL-2.0-or-later
#include "bounded.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

/* ASan maps its memory as it goes and dies when a mapping fails: under it, only
 * the time limit holds. */
#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif
#ifndef UNDER_ASAN
#define UNDER_ASAN 0
#endif

/* In a child: the address space it started with, and what it may add. */
static size_t child_base, child_allowed;

/* How long a killed child gets to be reaped: one in an uninterruptible kernel
 * call (a module's init) is left behind rather than waited for. */
#define REAP_USEC 500000u

/* The address space the process has now, from /proc/self/statm (pages); 0 when
 * it cannot tell. A limit relative to it holds under sanitizers too, which map
 * terabytes of shadow memory at start. */
static size_t address_space(void)
{
	char buf[128], *end;
	unsigned long pages;
	ssize_t n;
	int fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	errno = 0;
	pages = strtoul(buf, &end, 10);
	if (errno || end == buf || *end != ' ')
		return 0;
	return (size_t)pages * (size_t)sysconf(_SC_PAGESIZE);
}

static void limit_memory(size_t mem_max)
{
	size_t now = UNDER_ASAN ? 0 : address_space();
	struct rlimit rl;

	if (now == 0 || getrlimit(RLIMIT_AS, &rl) < 0)
		return;
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < now + mem_max)
		return;
	rl.rlim_cur = now + mem_max;
	if (setrlimit(RLIMIT_AS, &rl) == 0) {
		child_base = now;
		child_allowed = mem_max;
	}
}

/* The most address space the process has had (VmPeak), in bytes; 0 unknown. */
static size_t address_space_peak(void)
{
	char buf[2048], *line, *end;
	unsigned long kib;
	ssize_t n;
	int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	line = strstr(buf, "\nVmPeak:");
	if (!line)
		return 0;
	errno = 0;
	kib = strtoul(line + strlen("\nVmPeak:"), &end, 10);
	if (errno || end == line + strlen("\nVmPeak:"))
		return 0;
	return (size_t)kib * 1024;
}

bool bounded_memory_spent(void)
{
	size_t peak;

	if (child_allowed == 0)
		return false;
	peak = address_space_peak();
	return peak > child_base && peak - child_base >= child_allowed / 2;
}

/* Waits for pid until deadline (CLOCK_MONOTONIC, usec). 1 reaped, 0 not yet. */
static int wait_until(pid_t pid, uint64_t deadline, const sigset_t *chld, int *wstatus)
{
	for (;;) {
		uint64_t now;
		struct timespec ts;
		pid_t w = waitpid(pid, wstatus, WNOHANG);

		if (w == pid)
			return 1;
		if (w < 0 && errno != EINTR)
			return -errno;
		now = now_usec();
		if (now >= deadline)
			return 0;
		ts.tv_sec = (time_t)((deadline - now) / 1000000u);
		ts.tv_nsec = (long)((deadline - now) % 1000000u) * 1000;
		/* SIGCHLD is blocked: it stays pending and wakes this at once. */
		(void)sigtimedwait(chld, NULL, &ts);
	}
}

int bounded_run(int (*fn)(void *arg), void *arg, unsigned limit_s, size_t mem_max,
		struct bounded_result *res)
{
	sigset_t chld, old;
	int wstatus = 0, r;
	pid_t pid;

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &chld, &old) < 0)
		return -errno;
	/* Lines buffered now would otherwise be written twice, once by each. */
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		r = -errno;
		sigprocmask(SIG_SETMASK, &old, NULL);
		return r;
	}
	if (pid == 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		limit_memory(mem_max);
		r = fn(arg);
		fflush(stdout);
		fflush(stderr);
		_exit(r & 0xff);
	}
	r = wait_until(pid, now_usec() + (uint64_t)limit_s * 1000000u, &chld, &wstatus);
	if (r == 0) {
		kill(pid, SIGKILL);
		(void)wait_until(pid, now_usec() + REAP_USEC, &chld, &wstatus);
		res->end = BOUNDED_TIMED_OUT;
		res->status = res->signal = 0;
	} else if (r > 0 && WIFSIGNALED(wstatus)) {
		res->end = BOUNDED_CRASHED;
		res->signal = WTERMSIG(wstatus);
		res->status = 0;
	} else {
		res->end = BOUNDED_EXITED;
		res->status = r > 0 && WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 1;
		res->signal = 0;
	}
	/* A SIGCHLD still pending goes with the mask: its default action is nothing. */
	sigprocmask(SIG_SETMASK, &old, NULL);
	return 0;
}

void *bounded_shared(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

void bounded_unshare(void *p, size_t size)
{
	if (p)
		munmap(p, size);
}
