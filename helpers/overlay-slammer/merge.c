// SPDX-License-Identifier: GPL-2.0-or-later
#include "merge.h"

#include <errno.h>
#include <libfdt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomicfile.h"
#include "context.h"
#include "dtbo.h"
#include "fsutil.h"
#include "livetree.h"
#include "log.h"
#include "params.h"
#include "source.h"
#include "util.h"

/* Which overlays went into the tree, as /chosen lists them (merge.h). */
struct provenance {
	char *names;      /* NUL-separated */
	fdt32_t *digests; /* one CRC-32 per name */
	size_t names_len, digests_len; /* bytes */
};

struct merge {
	struct dt dt;
	struct provenance p;
};

static int append(void **list, size_t *len, const void *s, size_t n)
{
	char *grown = realloc(*list, *len + n);

	if (!grown)
		return -ENOMEM;
	memcpy(grown + *len, s, n);
	*list = grown;
	*len += n;
	return 0;
}

/* A base merged before keeps its list: the new overlays go after its own. */
static int inherit(struct merge *m)
{
	int chosen = fdt_path_offset(m->dt.fdt, "/chosen"), nl = 0, dl = 0;
	const char *names = chosen >= 0 ? fdt_getprop(m->dt.fdt, chosen, MERGED_NAMES, &nl) : NULL;
	const void *digests = chosen >= 0 ? fdt_getprop(m->dt.fdt, chosen, MERGED_CRC32, &dl) : NULL;

	if (!names || !digests || nl <= 0 || names[nl - 1] ||
	    fdt_stringlist_count(m->dt.fdt, chosen, MERGED_NAMES) != dl / 4 || dl % 4)
		return 0;
	if (append((void **)&m->p.names, &m->p.names_len, names, (size_t)nl) < 0 ||
	    append((void **)&m->p.digests, &m->p.digests_len, digests, (size_t)dl) < 0)
		return -ENOMEM;
	return 0;
}

int merge_open(struct merge **out, const void *base, size_t len, char *why, size_t why_size)
{
	struct merge *m = calloc(1, sizeof(*m));
	int r;

	*out = NULL;
	if (!m) {
		snprintf(why, why_size, "out of memory");
		return -ENOMEM;
	}
	r = dt_open(&m->dt, base, len, why, why_size);
	if (r == 0 && inherit(m) < 0) {
		snprintf(why, why_size, "out of memory");
		r = -ENOMEM;
	}
	if (r < 0) {
		merge_close(m);
		return r;
	}
	*out = m;
	return 0;
}

void merge_close(struct merge *m)
{
	if (!m)
		return;
	free(m->p.names);
	free(m->p.digests);
	dt_close(&m->dt);
	free(m);
}

int merge_add(struct merge *m, const char *name, const void *ovl, size_t len, char *why,
	      size_t why_size)
{
	fdt32_t crc = cpu_to_fdt32((uint32_t)blob_crc32(ovl, len));
	size_t nl = m->p.names_len, dl = m->p.digests_len;
	char scratch[160];
	int r;

	if (append((void **)&m->p.names, &m->p.names_len, name, strlen(name) + 1) < 0 ||
	    append((void **)&m->p.digests, &m->p.digests_len, &crc, sizeof(crc)) < 0) {
		snprintf(why, why_size, "out of memory");
		r = -ENOMEM;
	} else {
		r = dt_apply(&m->dt, ovl, len, why, why_size);
	}
	/* Refused because its labels are there already, and every setting of it is
	 * in the tree: as the runtime path does with the booted tree, an overlay in
	 * effect already is not applied again; the user asked for it once. */
	if (r == -EEXIST && livetree_check(&m->dt, name, ovl, len, scratch, sizeof(scratch),
					   NULL) == 1)
		r = 1;
	if (r != 0) {
		m->p.names_len = nl;
		m->p.digests_len = dl;
	}
	return r;
}

int merge_finish(struct merge *m, char *why, size_t why_size)
{
	size_t room = fdt_totalsize(m->dt.fdt) + m->p.names_len + m->p.digests_len + 256;
	void *work;
	int chosen, r;

	if (!m->p.names_len)
		return 0;
	work = malloc(room);
	if (!work) {
		snprintf(why, why_size, "out of memory");
		return -ENOMEM;
	}
	r = fdt_open_into(m->dt.fdt, work, (int)room);
	chosen = r < 0 ? r : fdt_path_offset(work, "/chosen");
	if (chosen == -FDT_ERR_NOTFOUND)
		chosen = fdt_add_subnode(work, 0, "chosen");
	r = chosen < 0 ? chosen
		       : fdt_setprop(work, chosen, MERGED_NAMES, m->p.names, (int)m->p.names_len);
	if (r == 0)
		r = fdt_setprop(work, chosen, MERGED_CRC32, m->p.digests, (int)m->p.digests_len);
	if (r < 0) {
		free(work);
		snprintf(why, why_size, "cannot list the overlays in /chosen: %s", fdt_strerror(r));
		return -EINVAL;
	}
	fdt_pack(work);
	dt_close(&m->dt);
	m->dt.fdt = work;
	m->dt.size = room;
	return 0;
}

const void *merge_result(const struct merge *m, size_t *len)
{
	*len = fdt_totalsize(m->dt.fdt);
	return m->dt.fdt;
}

static int open_base(const char *base, struct merge **m)
{
	_cleanup_(freep) void *buf = NULL;
	char why[PATH_MAX + 160];
	size_t len;
	int r = read_file(base, DTB_SIZE_MAX, &buf, &len);

	if (r < 0) {
		log_err("base tree: %s", read_error(why, sizeof(why), base, r, DTB_SIZE_MAX));
		return r;
	}
	r = merge_open(m, buf, len, why, sizeof(why));
	if (r == -EINVAL)
		log_err("%s is not a usable base tree: %s", base, why);
	else if (r < 0)
		log_err("%s: %s", base, r == -ENOMEM ? "out of memory" : strerror(-r));
	else if (!dt_has_symbols(&(*m)->dt))
		log_warn("%s has no __symbols__ node (dtc -@): overlays that use its labels will "
			 "not apply",
			 base);
	return r;
}

/* What the list in /chosen calls the overlay in file: its name without
 * directory and .dtbo, as the configuration names it. */
static void overlay_name(const char *file, char *out, size_t size)
{
	const char *slash = strrchr(file, '/'), *base = slash ? slash + 1 : file;
	size_t n = strlen(base);

	if (n > 5 && strcmp(base + n - 5, ".dtbo") == 0)
		n -= 5;
	snprintf(out, size, "%.*s", (int)n, base);
}

/* arg is FILE.dtbo or FILE.dtbo,param=value,...: the parameters are applied as
 * the runtime path applies them, so both give the kernel the same overlay. */
static int add_file(struct merge *m, const char *arg)
{
	_cleanup_(freep) void *buf = NULL;
	_cleanup_(prepared_freep) struct prepared p = { 0 };
	char why[PATH_MAX + 160], file[PATH_MAX], name[NAME_MAX + 1];
	const char *params;
	size_t len;
	int r = overlay_arg_split(arg, file, sizeof(file), &params);

	if (r < 0) {
		log_err("%.64s...: path too long", arg);
		return r;
	}
	r = read_file(file, DTBO_SIZE_MAX, &buf, &len);
	if (r < 0) {
		if (r == -EFBIG)
			log_err("%s is larger than the kernel's 1 MiB limit", file);
		else
			log_err("%s", read_error(why, sizeof(why), file, r, DTBO_SIZE_MAX));
		return r;
	}
	r = overlay_prepare(buf, len, params, &p, why, sizeof(why));
	if (r == -EDOM) {
		log_err("%s: %s", file, why);
		return -EINVAL;
	}
	if (r < 0) {
		log_err("%s is not a valid overlay: %s", file, why);
		return r;
	}
	if (p.info.fragments == 0) {
		log_info("%s: every fragment is dormant%s: nothing to merge", arg,
			 params[0] ? " with these parameters" : " (a parameter switches them on)");
		return 0;
	}
	overlay_name(file, name, sizeof(name));
	r = merge_add(m, name, p.data, p.size, why, sizeof(why));
	if (r == 1) {
		log_info("%s is in the tree already (merged before, or earlier in this list): "
			 "not applied again", arg);
		return 0;
	}
	if (r == -EINVAL || r == -EEXIST)
		log_err("%s does not apply: %s", arg, why);
	else if (r < 0)
		log_err("%s: %s", arg, r == -ENOMEM ? "out of memory" : strerror(-r));
	return r;
}

/* The merged tree replaces out by rename: what else is there is kept, and named. */
static const char *write_error(const char *out, int r, char *buf, size_t size)
{
	switch (r) {
	case -EISDIR:
		snprintf(buf, size, "%s is a directory: give the path of the file to write", out);
		break;
	case -ELOOP:
		snprintf(buf, size, "%s is a symbolic link: give the file itself (the output "
			 "replaces its path, and would replace the link); nothing written", out);
		break;
	case -EEXIST:
		snprintf(buf, size, "%s is not a regular file (a device node, a FIFO or a socket): "
			 "refused, it would be replaced; nothing written", out);
		break;
	default:
		snprintf(buf, size, "cannot write %s: %s; it was left as it was", out,
			 r == -ENOMEM ? "out of memory" : strerror(-r));
	}
	return buf;
}

int action_merge(const char *base, const char *out, char *const *overlays, size_t n)
{
	_cleanup_(merge_closep) struct merge *m = NULL;
	char why[PATH_MAX + 200];
	const void *blob;
	size_t len;
	int r;

	if (open_base(base, &m) < 0)
		return EXIT_FAILED;
	for (size_t i = 0; i < n; i++)
		if (add_file(m, overlays[i]) < 0)
			return EXIT_FAILED;
	if (merge_finish(m, why, sizeof(why)) < 0) {
		log_err("%s", why);
		return EXIT_FAILED;
	}
	blob = merge_result(m, &len);
	r = write_file_atomic(out, blob, len, 0644);
	if (r < 0) {
		log_err("%s", write_error(out, r, why, sizeof(why)));
		return EXIT_FAILED;
	}
	log_info("merged %zu overlay%s into %s (%zu bytes, crc32 %08lx)", n, n == 1 ? "" : "s",
		 out, len, blob_crc32(blob, len));
	return EXIT_OK;
}
