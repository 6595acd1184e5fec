/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <syslog.h>

/* Every line goes to stderr and, when it can be opened, to the kernel log with
 * the prefix "overlay-slammer:", so dmesg and journalctl -b show the boot steps. */
void log_open(const char *kmsg_path);
void log_close(void);
void log_set_debug(bool on);
bool log_debug_enabled(void);

void log_msg(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_err(...) log_msg(LOG_ERR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARNING, __VA_ARGS__)
#define log_notice(...) log_msg(LOG_NOTICE, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

/* Milliseconds since start, for "(1.2 ms)" in log lines. */
double elapsed_ms(uint64_t start_usec);
