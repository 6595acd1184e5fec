// SPDX-License-Identifier: GPL-2.0-or-later
#include "pcidev.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsutil.h"
#include "util.h"

static int parse_id(const char *s, unsigned *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 16);
	if (errno || end == s || *end != '\0' || v > 0xffff)
		return -EINVAL;
	*out = (unsigned)v;
	return 0;
}

static int read_id(const char *devdir, const char *attr, unsigned *out)
{
	char path[1024], buf[32];
	int r = path_join(path, sizeof(path), devdir, attr);

	if (r < 0)
		return r;
	r = read_text_file(path, buf, sizeof(buf));
	if (r < 0)
		return r;
	return parse_id(buf, out);
}

static int cmp_match(const void *a, const void *b)
{
	return strcmp(((const struct pci_match *)a)->addr, ((const struct pci_match *)b)->addr);
}

static int consider(const char *base, const char *name, const struct hwid_table *t,
		    const char *kind, struct pci_match *m)
{
	int r;

	if (strlen(name) >= sizeof(m->addr))
		return 0;
	r = path_join(m->dir, sizeof(m->dir), base, name);
	if (r < 0)
		return r;
	/* A device being removed loses its attributes first: not a match, no error. */
	if (read_id(m->dir, "vendor", &m->vendor) < 0 || read_id(m->dir, "device", &m->device) < 0)
		return 0;
	m->id = hwids_match(t, kind, m->vendor, m->device);
	if (!m->id)
		return 0;
	snprintf(m->addr, sizeof(m->addr), "%s", name);
	return 1;
}

int pci_scan(const char *sysroot, const struct hwid_table *t, const char *kind,
	     struct pci_match *out, size_t max, size_t *found)
{
	char base[512];
	struct dirent *de;
	DIR *d;
	int r = root_path(base, sizeof(base), sysroot, "/sys/bus/pci/devices");

	*found = 0;
	if (r < 0)
		return r;
	d = opendir(base);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		struct pci_match m;

		if (de->d_name[0] == '.')
			continue;
		r = consider(base, de->d_name, t, kind, &m);
		if (r < 0)
			break;
		if (r == 0)
			continue;
		if (*found < max)
			out[*found] = m;
		(*found)++;
		r = 0;
	}
	closedir(d);
	if (r < 0)
		return r;
	qsort(out, *found < max ? *found : max, sizeof(*out), cmp_match);
	return 0;
}

int pci_speed_gen(const char *s)
{
	static const struct {
		const char *prefix;
		int gen;
	} speeds[] = {
		{ "2.5", 1 }, { "5.0", 2 },  { "5 ", 2 },  { "8.0", 3 },  { "8 ", 3 },
		{ "16.0", 4 }, { "16 ", 4 }, { "32.0", 5 }, { "32 ", 5 }, { "64.0", 6 },
		{ "64 ", 6 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(speeds); i++) {
		size_t n = strlen(speeds[i].prefix);
		const char *rest = s + n;

		if (strncmp(s, speeds[i].prefix, n) != 0)
			continue;
		while (*rest == ' ')
			rest++;
		if (strncmp(rest, "GT/s", 4) == 0 && (rest[4] == '\0' || rest[4] == ' '))
			return speeds[i].gen;
	}
	return 0;
}

int pci_parse_width(const char *s)
{
	char *end;
	long v;

	if (*s == 'x')
		s++;
	if (*s < '0' || *s > '9')
		return 0;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end != '\0' || v < 0 || v > 32)
		return 0;
	return (int)v;
}

static void read_attr(const char *devdir, const char *attr, char *buf, size_t size)
{
	char path[1024];

	buf[0] = '\0';
	if (path_join(path, sizeof(path), devdir, attr) < 0 || read_text_file(path, buf, size) < 0)
		buf[0] = '\0';
}

void pci_read_link(const char *devdir, struct pci_link *l)
{
	char w[32];

	memset(l, 0, sizeof(*l));
	read_attr(devdir, "current_link_speed", l->speed, sizeof(l->speed));
	read_attr(devdir, "max_link_speed", l->max_speed, sizeof(l->max_speed));
	l->gen = pci_speed_gen(l->speed);
	l->max_gen = pci_speed_gen(l->max_speed);
	read_attr(devdir, "current_link_width", w, sizeof(w));
	l->width = pci_parse_width(w);
	read_attr(devdir, "max_link_width", w, sizeof(w));
	l->max_width = pci_parse_width(w);
}

int pci_read_driver(const char *devdir, char *buf, size_t size)
{
	char path[1024];
	int r = path_join(path, sizeof(path), devdir, "driver");

	if (r < 0)
		return r;
	return link_basename(path, buf, size);
}

static bool hex_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

bool pci_is_addr(const char *s)
{
	/* DDDD:BB:SS.F as the kernel prints it (pci_name(): "%04x:%02x:%02x.%d"); a
	 * domain may have more than four digits. */
	const char *colon = strchr(s, ':');
	size_t dl = colon ? (size_t)(colon - s) : 0;

	return dl >= 4 && dl <= 8 && hex_digits(s, dl) && strlen(colon) == 8 &&
	       hex_digits(colon + 1, 2) && colon[3] == ':' && hex_digits(colon + 4, 2) &&
	       colon[6] == '.' && colon[7] >= '0' && colon[7] <= '7';
}

int pci_read_port_link(const char *devdir, char *port, size_t port_size, struct pci_link *l)
{
	/* /sys/bus/pci/devices/ADDR is a link into /sys/devices, where a device's
	 * directory sits inside its upstream port's: only the resolved path says
	 * which port that is. */
	char *real = realpath(devdir, NULL);
	char *slash;
	int r = -ENOENT;

	if (!real)
		return -errno;
	slash = strrchr(real, '/');
	if (slash && slash != real) {
		const char *name;

		*slash = '\0';
		name = strrchr(real, '/') + 1;
		if (pci_is_addr(name)) {
			if (strlen(name) >= port_size) {
				r = -ENAMETOOLONG;
			} else {
				snprintf(port, port_size, "%s", name);
				pci_read_link(real, l);
				r = 0;
			}
		}
	}
	free(real);
	return r;
}

int pci_count_msi(const char *devdir, unsigned *count)
{
	char path[1024];
	struct dirent *de;
	DIR *d;
	int r = path_join(path, sizeof(path), devdir, "msi_irqs");

	if (r < 0)
		return r;
	d = opendir(path);
	if (!d)
		return -errno;
	*count = 0;
	/* One entry per vector, named by its Linux IRQ number: files on current
	 * kernels, directories on old ones; either counts. */
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			(*count)++;
	closedir(d);
	return 0;
}

int pci_class_dev(const char *devdir, const char *cls, char *buf, size_t size)
{
	char path[1024];
	struct dirent *de;
	DIR *d;
	int r = path_join(path, sizeof(path), devdir, cls);

	if (r < 0)
		return r;
	d = opendir(path);
	if (!d)
		return -errno;
	r = -ENOENT;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		/* The lowest name, so the answer does not depend on readdir order. */
		if (r == 0 && strcmp(de->d_name, buf) >= 0)
			continue;
		if (strlen(de->d_name) >= size) {
			r = -ENAMETOOLONG;
			break;
		}
		snprintf(buf, size, "%s", de->d_name);
		r = 0;
	}
	closedir(d);
	return r;
}

int pci_aer_total(const char *text, const char *name, unsigned long long *out)
{
	size_t nl = strlen(name);
	const char *p = text;

	while (*p) {
		if (strncmp(p, name, nl) == 0 && (p[nl] == ' ' || p[nl] == '\t')) {
			char *end;

			errno = 0;
			*out = strtoull(p + nl, &end, 10);
			if (errno || end == p + nl || (*end != '\0' && *end != '\n'))
				return -EINVAL;
			return 0;
		}
		p = strchr(p, '\n');
		if (!p)
			break;
		p++;
	}
	return -ENOENT;
}

static int read_aer_file(const char *devdir, const char *file, const char *name,
			 unsigned long long *out)
{
	char path[1024], text[2048];
	int r = path_join(path, sizeof(path), devdir, file);

	if (r < 0)
		return r;
	r = read_text_file(path, text, sizeof(text));
	if (r < 0)
		return r;
	return pci_aer_total(text, name, out);
}

void pci_read_aer(const char *devdir, struct pci_aer *aer)
{
	memset(aer, 0, sizeof(*aer));
	aer->present =
		read_aer_file(devdir, "aer_dev_correctable", "TOTAL_ERR_COR", &aer->cor) == 0 &&
		read_aer_file(devdir, "aer_dev_nonfatal", "TOTAL_ERR_NONFATAL", &aer->nonfatal) ==
			0 &&
		read_aer_file(devdir, "aer_dev_fatal", "TOTAL_ERR_FATAL", &aer->fatal) == 0;
}

/* Number N of a "hwmonN" entry, or -1. */
static long hwmon_number(const char *name)
{
	char *end;
	long v;

	if (strncmp(name, "hwmon", 5) != 0 || name[5] < '0' || name[5] > '9')
		return -1;
	errno = 0;
	v = strtol(name + 5, &end, 10);
	return errno || *end != '\0' ? -1 : v;
}

/* The lowest-numbered hwmon, so the choice does not depend on readdir order. */
static int hwmon_lowest(const char *hwdir, long *number)
{
	struct dirent *de;
	DIR *d = opendir(hwdir);
	int r = -ENOENT;

	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		long v = hwmon_number(de->d_name);

		if (v >= 0 && (r < 0 || v < *number)) {
			*number = v;
			r = 0;
		}
	}
	closedir(d);
	return r;
}

int pci_read_temp(const char *devdir, long *millideg)
{
	char hwdir[1024], path[1200], buf[32], *end;
	long v, number = 0;
	int r = path_join(hwdir, sizeof(hwdir), devdir, "hwmon");

	if (r < 0)
		return r;
	r = hwmon_lowest(hwdir, &number);
	if (r < 0)
		return r;
	r = snprintf(path, sizeof(path), "%s/hwmon%ld/temp1_input", hwdir, number);
	if (r < 0 || (size_t)r >= sizeof(path))
		return -ENAMETOOLONG;
	r = read_text_file(path, buf, sizeof(buf));
	if (r < 0)
		return r;
	errno = 0;
	v = strtol(buf, &end, 10);
	if (errno || end == buf || *end != '\0')
		return -EINVAL;
	*millideg = v;
	return 0;
}
