// SPDX-License-Identifier: GPL-2.0-or-later
#include "check.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "context.h"
#include "dtbo.h"
#include "fsutil.h"
#include "params.h"
#include "source.h"
#include "text.h"
#include "util.h"

/* A file name as given, rendered so that it cannot forge a line of its own. */
#define SHOWN_MAX (PATH_MAX * 4)

/* Why file could not be read, after "FILE: FAIL ": "is a directory", "cannot
 * read: No such file or directory"... */
static const char *read_failure(int r, size_t max, char *buf, size_t size)
{
	if (r == -EFBIG && max == DTBO_SIZE_MAX)
		return "cannot read: larger than the kernel's 1 MiB limit";
	return read_error(buf, size, NULL, r, max);
}

static int open_base(const char *base, struct dt *dt)
{
	_cleanup_(freep) void *buf = NULL;
	char why[160], name[SHOWN_MAX];
	size_t len;
	int r = read_file(base, DTB_SIZE_MAX, &buf, &len);

	text_show(base, name, sizeof(name));
	if (r < 0) {
		const char *reason = read_failure(r, DTB_SIZE_MAX, why, sizeof(why));

		if (strncmp(reason, "cannot read: ", 13) == 0)
			printf("%s: FAIL cannot read base: %s\n", name, reason + 13);
		else
			printf("%s: FAIL base %s\n", name, reason);
		return r;
	}
	r = dt_open(dt, buf, len, why, sizeof(why));
	if (r < 0) {
		printf("%s: FAIL %s%s\n", name, r == -ENOMEM ? "" : "not a usable base tree: ", why);
		return r;
	}
	if (!dt_has_symbols(dt))
		printf("%s: note: no __symbols__ node (compile it with dtc -@): no label will "
		       "resolve\n",
		       name);
	return 0;
}

/* file is FILE.dtbo or FILE.dtbo,param=value,...: checked with its parameters
 * applied, as the runtime path and merge apply them. */
static bool check_one(const char *arg, struct dt *base, const char *base_name)
{
	_cleanup_(freep) void *buf = NULL;
	_cleanup_(prepared_freep) struct prepared p = { 0 };
	char why[320], name[SHOWN_MAX], file[PATH_MAX];
	const char *params;
	size_t len;
	int r = overlay_arg_split(arg, file, sizeof(file), &params);

	text_show(arg, name, sizeof(name));
	if (r < 0) {
		printf("%s: FAIL path too long\n", name);
		return false;
	}
	r = read_file(file, DTBO_SIZE_MAX, &buf, &len);
	if (r < 0) {
		printf("%s: FAIL %s\n", name, read_failure(r, DTBO_SIZE_MAX, why, sizeof(why)));
		return false;
	}
	r = overlay_prepare(buf, len, params, &p, why, sizeof(why));
	if (r < 0) {
		printf("%s: FAIL %s\n", name, r == -ENOMEM ? "out of memory" : why);
		return false;
	}
	if (p.info.fragments == 0) {
		printf("%s: OK every fragment dormant%s: nothing to apply, %zu bytes, crc32 %08lx\n",
		       name, params[0] ? " with these parameters" : " (a parameter switches them on)",
		       len, blob_crc32(buf, len));
		return true;
	}
	if (base->fdt) {
		r = dt_apply(base, p.data, p.size, why, sizeof(why));
		if (r == -ENOMEM) {
			printf("%s: FAIL out of memory applying it\n", name);
			return false;
		}
		if (r < 0) {
			printf("%s: FAIL does not apply to %s: %s\n", name, base_name, why);
			return false;
		}
	}
	printf("%s: OK %u fragment%s%s%s%s, %zu bytes, crc32 %08lx\n", name, p.info.fragments,
	       p.info.fragments == 1 ? "" : "s", p.info.has_fixups ? ", uses labels" : "",
	       base->fdt ? ", applies to " : "", base->fdt ? base_name : "", len,
	       blob_crc32(buf, len));
	return true;
}

int action_check(char *const *files, size_t n, const char *base)
{
	_cleanup_(dt_closep) struct dt dt = { 0 };
	char base_name[SHOWN_MAX] = "";
	bool ok = true;

	if (base && open_base(base, &dt) < 0)
		return EXIT_FAILED;
	if (base)
		text_show(base, base_name, sizeof(base_name));
	for (size_t i = 0; i < n; i++)
		ok &= check_one(files[i], &dt, base_name);
	return ok ? EXIT_OK : EXIT_FAILED;
}
