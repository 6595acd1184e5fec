// SPDX-License-Identifier: GPL-2.0-or-later
/* Kernel state around the card: configfs overlays, and what Axelera's driver and
 * runtime need of the kernel: DMA-BUF heaps, CMA, the page size. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "configfs.h"
#include "preflight.h"
#include "fsutil.h"
#include "util.h"

#define MEMINFO_MAX ((size_t)64 * 1024)
#define DMA_HEAP_DIR "/dev/dma_heap"
#define SMAPS "/proc/self/smaps"
/* The first mappings hold the program's own text, never a huge page; no need to
 * read a long smaps to its end. */
#define SMAPS_READ_MAX ((size_t)64 * 1024)

/* Read as the helper reads it (helpers/lib/configfs.c). */
static void check_one_overlay(struct preflight *p, int dirfd, const char *name)
{
	enum overlay_state st = OVERLAY_ABSENT;
	char status[64];
	int r = configfs_state(dirfd, name, &st);

	if (r == 0 && st == OVERLAY_UNAPPLIED)
		r = configfs_status(dirfd, name, status, sizeof(status));
	if (r == 0 && st == OVERLAY_APPLIED) {
		report_add(&p->rep, V_PASS, "overlay", NULL, "%s applied", name);
	} else if (r == 0 && st == OVERLAY_UNAPPLIED) {
		report_add(&p->rep, V_FAIL, "overlay", NULL,
			   "%s is '%s': the kernel rejected it; see dmesg and "
			   "'overlay-slammer status'", name, status);
	} else if (r == 0 && p->metis_found) {
		report_add(&p->rep, V_WARN, "overlay", NULL,
			   "%s not applied through configfs; the Metis is present, so the "
			   "firmware or the base device tree provides it", name);
	} else if (r == 0) {
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
	_cleanup_(closep) int dirfd = -1;
	int r;

	if (!p->conf.enable) {
		report_add(&p->rep, V_WARN, "overlay", NULL,
			   "disabled by enable=0 or rd.rpi_hw=0; overlays not checked");
		return;
	}
	r = configfs_open(p->sysroot ? p->sysroot : "/", &dirfd);
	if (r == -ENAMETOOLONG) {
		report_add(&p->rep, V_FAIL, "overlay", NULL, "sysroot path too long");
		return;
	}
	if (r < 0) {
		report_add(&p->rep, V_WARN, "overlay", NULL,
			   "no configfs overlay interface (%s): the kernel cannot apply overlays "
			   "at run time; they must come from config.txt (dtoverlay=) or a merged "
			   "device tree", CONFIGFS_OVERLAYS);
		return;
	}
	for (size_t i = 0; i < p->conf.overlays.n; i++)
		check_one_overlay(p, dirfd, p->conf.overlays.names[i]);
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
	/* A card not found still needs its share when it comes. */
	unsigned cards = p->ncards ? (unsigned)p->ncards : 1;
	unsigned long long need = (unsigned long long)METIS_CMA_KB_PER_CARD * cards;
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
			   "%d MiB of coherent DMA per card comes from normal memory and may fail "
			   "once it is fragmented; dtoverlay=cma in config.txt or cma= on the "
			   "kernel command line gives it a pool", METIS_CMA_KB_PER_CARD / 1024);
	} else if (meminfo_kb(text, "CmaFree", &free_kb) < 0) {
		report_add(&p->rep, V_WARN, "cma", NULL,
			   "CmaTotal %llu MiB, but no CmaFree in /proc/meminfo; free CMA not "
			   "checked", total / 1024);
	} else if (free_kb < need) {
		report_add(&p->rep, V_FAIL, "cma", NULL,
			   "CmaFree %llu kB is below the %llu kB the driver needs (%d MiB of "
			   "coherent DMA per card, %u card%s): enlarge the pool with cma=256M on "
			   "the kernel command line or dtoverlay=cma,cma-256 in config.txt",
			   free_kb, need, METIS_CMA_KB_PER_CARD / 1024, cards, cards == 1 ? "" : "s");
	} else if (total / 1024 < p->cma_min_mib) {
		report_add(&p->rep, V_WARN, "cma", NULL,
			   "CmaTotal %llu MiB is below %u MiB: raise it with cma= on the "
			   "kernel command line", total / 1024, p->cma_min_mib);
	} else {
		report_add(&p->rep, V_PASS, "cma", NULL,
			   "CmaTotal %llu MiB, CmaFree %llu MiB (the driver needs %llu MiB)",
			   total / 1024, free_kb / 1024, need / 1024);
	}
	free(text);
}

static int not_dot(const struct dirent *de)
{
	return de->d_name[0] != '.';
}

void check_dma_heap(struct preflight *p)
{
	char dir[4096], path[4096], heaps[256] = "";
	size_t used = 0;
	bool has_system = false;
	struct dirent **names = NULL;
	struct stat st;
	int n, r = root_path(dir, sizeof(dir), p->sysroot, DMA_HEAP_DIR);

	if (r < 0) {
		report_add(&p->rep, V_FAIL, "dma-heap", NULL, "sysroot path too long");
		return;
	}
	n = scandir(dir, &names, not_dot, alphasort);
	if (n < 0 && errno == ENOENT) {
		report_add(&p->rep, V_FAIL, "dma-heap", NULL,
			   DMA_HEAP_DIR " is missing: Axelera's runtime allocates its buffers from "
			   "DMA-BUF heaps; the kernel needs CONFIG_DMABUF_HEAPS=y and "
			   "CONFIG_DMABUF_HEAPS_SYSTEM=y");
		return;
	}
	if (n < 0) {
		report_add(&p->rep, V_FAIL, "dma-heap", NULL, "cannot list " DMA_HEAP_DIR ": %s",
			   strerror(errno));
		return;
	}
	for (int i = 0; i < n; i++) {
		int w = snprintf(heaps + used, sizeof(heaps) - used, "%s%s", used ? ", " : "",
				 names[i]->d_name);

		if (strcmp(names[i]->d_name, "system") == 0)
			has_system = true;
		/* The list only informs: a name that does not fit is left out. */
		if (w > 0 && (size_t)w < sizeof(heaps) - used)
			used += (size_t)w;
		else
			heaps[used] = '\0';
		free(names[i]);
	}
	free(names);
	if (!has_system) {
		report_add(&p->rep, V_FAIL, "dma-heap", NULL,
			   DMA_HEAP_DIR " has no system heap (heaps: %s): the kernel needs "
			   "CONFIG_DMABUF_HEAPS_SYSTEM=y", used ? heaps : "none");
		return;
	}
	if (path_join(path, sizeof(path), dir, "system") < 0 || stat(path, &st) < 0 ||
	    !preflight_is_node(p, &st)) {
		report_add(&p->rep, V_FAIL, "dma-heap", NULL,
			   DMA_HEAP_DIR "/system is not a character device");
		return;
	}
	report_add(&p->rep, V_PASS, "dma-heap", NULL, DMA_HEAP_DIR "/system, among heaps: %s", heaps);
}

/* The smallest "KernelPageSize: N kB" of smaps text: the base page size (only
 * hugetlb mappings show a larger one). */
static int smaps_page_kb(const char *text, unsigned long *kb)
{
	static const char key[] = "KernelPageSize:";
	const char *line = text;
	int r = -ENOENT;

	while (line && *line) {
		if (strncmp(line, key, sizeof(key) - 1) == 0) {
			char *end;
			unsigned long v;

			errno = 0;
			v = strtoul(line + sizeof(key) - 1, &end, 10);
			if (errno || end == line + sizeof(key) - 1 || strncmp(end, " kB", 3) != 0)
				return -EINVAL;
			if (r < 0 || v < *kb)
				*kb = v;
			r = 0;
		}
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return r;
}

/* Up to size - 1 bytes of path, NUL-terminated: smaps reports no size and may
 * be long, its head is enough. */
static int read_head(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	size_t len = 0;
	int r = 0;

	if (fd < 0)
		return -errno;
	while (len < size - 1) {
		ssize_t n = read(fd, buf + len, size - 1 - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = -errno;
			break;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	return r;
}

void check_page_size(struct preflight *p)
{
	/* Read from /proc rather than asked of sysconf(), so that a sysroot's
	 * kernel is the one checked: the same code path on a live system and on a
	 * copy of one. */
	char path[4096], *text = calloc(1, SMAPS_READ_MAX);
	unsigned long kb = 0;
	int r = text ? root_path(path, sizeof(path), p->sysroot, SMAPS) : -ENOMEM;

	if (r == 0)
		r = read_head(path, text, SMAPS_READ_MAX);
	if (r == 0)
		r = smaps_page_kb(text, &kb);
	if (r < 0)
		report_add(&p->rep, V_WARN, "page-size", NULL,
			   "cannot read KernelPageSize from " SMAPS " (%s); page size not checked",
			   strerror(-r));
	else if (kb == 4 || kb == 16)
		report_add(&p->rep, V_PASS, "page-size", NULL, "%lu KiB", kb);
	else
		report_add(&p->rep, V_WARN, "page-size", NULL,
			   "%lu KiB: Axelera's driver is used with 4 KiB and 16 KiB pages (16 KiB "
			   "on Raspberry Pi 5 kernels); this size is untried", kb);
	free(text);
}
