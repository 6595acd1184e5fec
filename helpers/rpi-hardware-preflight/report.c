// SPDX-License-Identifier: GPL-2.0-or-later
#include "report.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "text.h"

static const char *const verdict_text[] = { "PASS", "WARN", "FAIL" };
static const char *const verdict_json[] = { "pass", "warn", "fail" };

void report_add(struct report *r, enum verdict v, const char *check, const char *device,
		const char *fmt, ...)
{
	struct report_item *it;
	va_list ap;

	if (r->n == REPORT_ITEMS_MAX) {
		it = &r->items[REPORT_ITEMS_MAX - 1];
		if (!r->truncated) {
			r->truncated = true;
			it->verdict = V_FAIL;
			snprintf(it->check, sizeof(it->check), "%s", "report");
			it->device[0] = '\0';
			snprintf(it->msg, sizeof(it->msg), "more than %d results; the rest were dropped",
				 REPORT_ITEMS_MAX - 1);
		}
		return;
	}
	it = &r->items[r->n++];
	it->verdict = v;
	snprintf(it->check, sizeof(it->check), "%s", check);
	snprintf(it->device, sizeof(it->device), "%s", device ? device : "");
	va_start(ap, fmt);
	vsnprintf(it->msg, sizeof(it->msg), fmt, ap);
	va_end(ap);
}

enum verdict report_result(const struct report *r)
{
	enum verdict worst = V_PASS;

	for (size_t i = 0; i < r->n; i++)
		if (r->items[i].verdict > worst)
			worst = r->items[i].verdict;
	return worst;
}

static void count(const struct report *r, size_t counts[3])
{
	counts[0] = counts[1] = counts[2] = 0;
	for (size_t i = 0; i < r->n; i++)
		counts[r->items[i].verdict]++;
}

static int finish(FILE *out)
{
	if (fflush(out) == EOF || ferror(out))
		return errno ? -errno : -EIO;
	return 0;
}

int report_print_text(const struct report *r, FILE *out)
{
	size_t c[3];

	for (size_t i = 0; i < r->n; i++) {
		const struct report_item *it = &r->items[i];

		fprintf(out, "%s %s%s%s: %s\n", verdict_text[it->verdict], it->check,
			it->device[0] ? " " : "", it->device, it->msg);
	}
	count(r, c);
	fprintf(out, "result: %s (%zu passed, %zu %s, %zu failed)\n",
		verdict_text[report_result(r)], c[V_PASS], c[V_WARN],
		c[V_WARN] == 1 ? "warning" : "warnings", c[V_FAIL]);
	return finish(out);
}

int report_print_json(const struct report *r, FILE *out)
{
	size_t c[3];

	count(r, c);
	fprintf(out, "{\"result\":\"%s\",\"passed\":%zu,\"warnings\":%zu,\"failed\":%zu,\"checks\":[",
		verdict_json[report_result(r)], c[V_PASS], c[V_WARN], c[V_FAIL]);
	for (size_t i = 0; i < r->n; i++) {
		const struct report_item *it = &r->items[i];

		fprintf(out, "%s{\"check\":", i ? "," : "");
		json_string(out, it->check);
		fprintf(out, ",\"result\":\"%s\",\"device\":", verdict_json[it->verdict]);
		if (it->device[0])
			json_string(out, it->device);
		else
			fputs("null", out);
		fputs(",\"message\":", out);
		json_string(out, it->msg);
		fputc('}', out);
	}
	fputs("]}\n", out);
	return finish(out);
}
