// SPDX-License-Identifier: GPL-2.0-or-later
#include "track.h"

#include <stdio.h>
#include <string.h>

static struct tracked *find(struct tracker *t, const char *addr)
{
	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->dev[i].addr, addr) == 0)
			return &t->dev[i];
	return NULL;
}

static bool in_scan(const struct pci_match *m, size_t n, const char *addr)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(m[i].addr, addr) == 0)
			return true;
	return false;
}

static int mark_present(struct tracker *t, const struct pci_match *m, track_event_fn fn,
			void *ctx)
{
	struct tracked *d = find(t, m->addr);
	bool announce = t->started;

	if (d && d->present)
		return 0;
	if (!d) {
		if (t->n == TRACK_MAX)
			return 0;
		d = &t->dev[t->n++];
		memset(d, 0, sizeof(*d));
		snprintf(d->addr, sizeof(d->addr), "%s", m->addr);
		snprintf(d->dir, sizeof(d->dir), "%s", m->dir);
		d->present = true;
		return announce ? fn(ctx, TRACK_APPEARED, d) : 0;
	}
	d->present = true;
	snprintf(d->dir, sizeof(d->dir), "%s", m->dir);
	return fn(ctx, TRACK_REAPPEARED, d);
}

int track_update(struct tracker *t, const struct pci_match *m, size_t n, track_event_fn fn,
		 void *ctx)
{
	int r = 0;

	for (size_t i = 0; i < t->n && r == 0; i++) {
		struct tracked *d = &t->dev[i];

		if (d->present && !in_scan(m, n, d->addr)) {
			d->present = false;
			d->have_aer = false;
			r = fn(ctx, TRACK_VANISHED, d);
		}
	}
	for (size_t i = 0; i < n && r == 0; i++)
		r = mark_present(t, &m[i], fn, ctx);
	t->started = true;
	return r;
}
