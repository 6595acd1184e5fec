/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* A step run in a child process, so that a fault inside a library (libkmod
 * reading a corrupt module index: a crash, a loop, memory without end) costs that
 * step and not the whole boot. The child shares nothing with the helper but what
 * fork copies and the memory of bounded_shared(); it must not touch configfs. */

enum bounded_end {
	BOUNDED_EXITED,    /* status holds the child's exit status */
	BOUNDED_CRASHED,   /* killed by signal (a crash, or the memory limit) */
	BOUNDED_TIMED_OUT, /* still running after the limit: killed */
};

struct bounded_result {
	enum bounded_end end;
	int status;
	int signal;
};

/* Runs fn(arg) in a child with at most limit_s seconds and mem_max more bytes of
 * address space than the helper has now; the child's exit status is what fn
 * returns. 0 with res filled, or -errno when no child could be started (then
 * nothing ran). */
int bounded_run(int (*fn)(void *arg), void *arg, unsigned limit_s, size_t mem_max,
		struct bounded_result *res);

/* In the child: whether it has used at least half the memory bounded_run allowed
 * it. A library that finds no memory often says "not found" instead: this tells
 * the two apart. false outside a child, or when it cannot tell. */
bool bounded_memory_spent(void);

/* size bytes of zeroed memory the child's writes are seen through, or NULL. */
void *bounded_shared(size_t size);
void bounded_unshare(void *p, size_t size);
