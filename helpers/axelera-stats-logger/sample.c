// SPDX-License-Identifier: GPL-2.0-or-later
#include "sample.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>

#include "fsutil.h"
#include "util.h"

static const char *const gen_speed[] = { "unknown", "2.5GT/s",	"5.0GT/s", "8.0GT/s",
					 "16.0GT/s", "32.0GT/s", "64.0GT/s" };

bool sample_node_present(const char *sysroot, const char *device)
{
	char path[PATH_MAX];
	struct stat st;

	return root_path(path, sizeof(path), sysroot, device) == 0 && stat(path, &st) == 0;
}

/* Appends to buf at *used; output that does not fit is cut, never overrun. */
static void append(char *buf, size_t size, size_t *used, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void append(char *buf, size_t size, size_t *used, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*used >= size)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *used, size - *used, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	*used = (size_t)n >= size - *used ? size : *used + (size_t)n;
}

static int append_link(char *buf, size_t size, size_t *used, const char *dir)
{
	struct pci_link l;
	bool up;

	pci_read_link(dir, &l);
	up = l.gen > 0 && l.width > 0;
	append(buf, size, used, " link=%s speed=%s gen=%d", up ? "up" : "down",
	       gen_speed[l.gen >= 0 && (size_t)l.gen < ARRAY_SIZE(gen_speed) ? l.gen : 0], l.gen);
	if (l.width > 0)
		append(buf, size, used, " width=x%d", l.width);
	else
		append(buf, size, used, " width=unknown");
	return up && l.gen >= HEALTHY_GEN ? LOG_INFO : LOG_WARNING;
}

static int append_aer(char *buf, size_t size, size_t *used, struct tracked *d)
{
	struct pci_aer aer;
	unsigned long long total;
	int prio = LOG_INFO;

	pci_read_aer(d->dir, &aer);
	if (!aer.present) {
		append(buf, size, used, " aer=unavailable");
		return prio;
	}
	append(buf, size, used, " aer_cor=%llu aer_nonfatal=%llu aer_fatal=%llu", aer.cor,
	       aer.nonfatal, aer.fatal);
	total = aer.cor + aer.nonfatal + aer.fatal;
	if (d->have_aer && total > d->aer_total)
		prio = LOG_WARNING;
	d->have_aer = true;
	d->aer_total = total;
	return prio;
}

static void append_temp(char *buf, size_t size, size_t *used, const char *dir)
{
	long t;

	if (pci_read_temp(dir, &t) < 0)
		return;
	append(buf, size, used, " temp=%s%ld.%ldC", t < 0 ? "-" : "", labs(t) / 1000,
	       labs(t) % 1000 / 100);
}

static int worse(int a, int b)
{
	return a < b ? a : b; /* syslog priorities: lower is more severe */
}

int sample_device(struct tracked *d, bool node_present, char *buf, size_t size)
{
	char drv[64], node[64];
	size_t used = 0;
	int prio;

	append(buf, size, &used, "dev=%s", d->addr);
	if (!d->present) {
		append(buf, size, &used, " pci=absent node=%s", node_present ? "present" : "absent");
		return LOG_WARNING;
	}
	append(buf, size, &used, " pci=present");
	prio = append_link(buf, size, &used, d->dir);
	if (pci_read_driver(d->dir, drv, sizeof(drv)) < 0)
		snprintf(drv, sizeof(drv), "%s", "none");
	if (strcmp(drv, METIS_PCI_DRIVER) != 0)
		prio = LOG_WARNING;
	append(buf, size, &used, " driver=%s", drv);
	prio = worse(prio, append_aer(buf, size, &used, d));
	/* The class device the driver made for this card: what its node is named. */
	if (pci_class_dev(d->dir, METIS_CLASS, node, sizeof(node)) < 0) {
		snprintf(node, sizeof(node), "%s", "none");
		prio = LOG_WARNING;
	}
	append(buf, size, &used, " metis=%s node=%s", node, node_present ? "present" : "absent");
	if (!node_present)
		prio = LOG_WARNING;
	append_temp(buf, size, &used, d->dir);
	return prio;
}

int sample_none(bool node_present, char *buf, size_t size)
{
	snprintf(buf, size, "dev=none pci=absent node=%s", node_present ? "present" : "absent");
	return LOG_WARNING;
}
