/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum verdict { V_PASS, V_WARN, V_FAIL };

#define REPORT_ITEMS_MAX 128
#define REPORT_MSG_MAX 320

struct report_item {
	enum verdict verdict;
	char check[24];
	char device[32]; /* "" when the check is not about one PCI device */
	char msg[REPORT_MSG_MAX];
};

struct report {
	size_t n;
	bool truncated; /* more items than fit; the last one says so */
	struct report_item items[REPORT_ITEMS_MAX];
};

/* Records one result. Long messages are cut; past REPORT_ITEMS_MAX the report
 * keeps a final FAIL saying results were dropped. */
void report_add(struct report *r, enum verdict v, const char *check, const char *device,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));

enum verdict report_result(const struct report *r);

/* Human lines "PASS check device: message", then a summary line. */
int report_print_text(const struct report *r, FILE *out);

/* One JSON object with the overall result and every check. */
int report_print_json(const struct report *r, FILE *out);

