// SPDX-License-Identifier: GPL-2.0-or-later
/* Kernel state around the card: configfs overlays and the CMA pool. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "preflight.h"
#include "fsutil.h"
#include "util.h"

#define OVERLAYS_DIR "/sys/kernel/config/device-tree/overlays"
#define MEMINFO_MAX ((size_t)64 * 1024)

static void check_one_overlay(struct preflight *p, const char *dir, const char *name)
{
	char path[4096], status[64];
	int r = snprintf(path, sizeof(path), "%s/%s/status", dir, name);

	if (r < 0 || (size_t)r >= sizeof(path)) {
		report_add(&p->rep, V_FAIL, "overlay", NULL, "%s: path too long", name);
		return;
	}
	r = read_text_file(path, status, sizeof(status));
	if (r >= 0 && strcmp(status, "applied") == 0) {
		report_add(&p->rep, V_PASS, "overlay", NULL, "%s applied", name);
	} else if (r >= 0) {
		report_add(&p->rep, V_FAIL, "overlay", NULL,
			   "%s is '%s': the kernel rejected it; see dmesg and "
			   "'overlay-slammer status'", name, status);
	} else if (r == -ENOENT && p->metis_found) {
		report_add(&p->rep, V_WARN, "overlay", NULL,
			   "%s not applied through configfs; the Metis is present, so the "
			   "firmware or the base device tree provides it", name);
	} else if (r == -ENOENT) {
		report_add(&p->rep, V_FAIL, "overlay", NULL,
			   "%s not applied: run 'overlay-slammer apply' and see "
			   "'overlay-slammer status'", name);
	} else {
		report_add(&p->rep, V_FAIL, "overlay", NULL, "%s: cannot read its status: %s", name,
			   strerror(-r));
	}
}

void check_overlays(struct preflight *p)
{
	char dir[4096];
	struct stat st;

	if (!p->conf.enable) {
		report_add(&p->rep, V_WARN, "overlay", NULL,
			   "disabled by enable=0 or rd.rpi_hw=0; overlays not checked");
		return;
	}
	if (root_path(dir, sizeof(dir), p->sysroot, OVERLAYS_DIR) < 0) {
		report_add(&p->rep, V_FAIL, "overlay", NULL, "sysroot path too long");
		return;
	}
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		report_add(&p->rep, V_WARN, "overlay", NULL,
			   "no configfs overlay interface (%s): the kernel cannot apply overlays "
			   "at run time; they must come from config.txt (dtoverlay=) or a merged "
			   "device tree", OVERLAYS_DIR);
		return;
	}
	for (size_t i = 0; i < p->conf.overlays.n; i++)
		check_one_overlay(p, dir, p->conf.overlays.names[i]);
}

/* "Key:   12345 kB" of /proc/meminfo, in kB. */
static int meminfo_kb(const char *text, const char *key, unsigned long long *kb)
{
	size_t kl = strlen(key);
	const char *line = text;

	while (line && *line) {
		if (strncmp(line, key, kl) == 0 && line[kl] == ':') {
			char *end;

			errno = 0;
			*kb = strtoull(line + kl + 1, &end, 10);
			return errno || end == line + kl + 1 ? -EINVAL : 0;
		}
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return -ENOENT;
}

void check_cma(struct preflight *p)
{
	unsigned long long total = 0, free_kb = 0;
	char path[4096], *text = calloc(1, MEMINFO_MAX);
	int r = text ? root_path(path, sizeof(path), p->sysroot, "/proc/meminfo") : -ENOMEM;

	if (r == 0)
		r = read_text_file(path, text, MEMINFO_MAX);
	if (r < 0) {
		report_add(&p->rep, V_WARN, "cma", NULL, "cannot read /proc/meminfo: %s",
			   strerror(-r));
	} else if (meminfo_kb(text, "CmaTotal", &total) < 0 || total == 0) {
		report_add(&p->rep, V_WARN, "cma", NULL,
			   "the kernel has no CMA pool (CmaTotal in /proc/meminfo): the driver's "
			   "DMA buffers may fail to allocate; set cma= on the kernel command line");
	} else {
		if (meminfo_kb(text, "CmaFree", &free_kb) < 0)
			free_kb = 0;
		if (total / 1024 < p->cma_min_mib)
			report_add(&p->rep, V_WARN, "cma", NULL,
				   "CmaTotal %llu MiB is below %u MiB: raise it with cma= on the "
				   "kernel command line", total / 1024, p->cma_min_mib);
		else
			report_add(&p->rep, V_PASS, "cma", NULL, "CmaTotal %llu MiB, CmaFree %llu MiB",
				   total / 1024, free_kb / 1024);
	}
	free(text);
}
