// SPDX-License-Identifier: GPL-2.0-or-later
#include "check.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "context.h"
#include "dtbo.h"
#include "fsutil.h"
#include "sha256.h"
#include "util.h"

static void dt_closep(struct dt *dt)
{
	dt_close(dt);
}

static int open_base(const char *base, struct dt *dt)
{
	_cleanup_(freep) void *buf = NULL;
	char why[160];
	size_t len;
	int r = read_file(base, DTB_SIZE_MAX, &buf, &len);

	if (r < 0) {
		printf("%s: FAIL cannot read base: %s\n", base, strerror(-r));
		return r;
	}
	r = dt_open(dt, buf, len, why, sizeof(why));
	if (r < 0) {
		printf("%s: FAIL not a usable base tree: %s\n", base, why);
		return r;
	}
	if (!dt_has_symbols(dt))
		printf("%s: note: no __symbols__ node (compile it with dtc -@): no label will "
		       "resolve\n",
		       base);
	return 0;
}

static bool check_one(const char *file, struct dt *base, const char *base_name)
{
	_cleanup_(freep) void *buf = NULL;
	char why[320], hex[SHA256_HEX_SIZE];
	struct dtbo_info info;
	size_t len;
	int r = read_file(file, DTBO_SIZE_MAX, &buf, &len);

	if (r < 0) {
		printf("%s: FAIL cannot read: %s\n", file,
		       r == -EFBIG ? "larger than the kernel's 1 MiB limit" : strerror(-r));
		return false;
	}
	if (dtbo_validate(buf, len, &info, why, sizeof(why)) < 0) {
		printf("%s: FAIL %s\n", file, why);
		return false;
	}
	if (base->fdt && dt_apply(base, buf, len, why, sizeof(why)) < 0) {
		printf("%s: FAIL does not apply to %s: %s\n", file, base_name, why);
		return false;
	}
	sha256_hex(buf, len, hex);
	printf("%s: OK %u fragment%s%s%s%s, %zu bytes, sha256 %s\n", file, info.fragments,
	       info.fragments == 1 ? "" : "s", info.has_fixups ? ", uses labels" : "",
	       base->fdt ? ", applies to " : "", base->fdt ? base_name : "", len, hex);
	return true;
}

int action_check(char *const *files, size_t n, const char *base)
{
	_cleanup_(dt_closep) struct dt dt = { 0 };
	bool ok = true;

	if (base && open_base(base, &dt) < 0)
		return EXIT_FAILED;
	for (size_t i = 0; i < n; i++)
		ok &= check_one(files[i], &dt, base);
	return ok ? EXIT_OK : EXIT_FAILED;
}
