/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#define HWID_ANY (-1)
/* The kinds of rows: Axelera's driver (class "metis" nodes), Hailo's. */
#define HWID_KIND_METIS "metis"
#define HWID_KIND_HAILO "hailo"
#define HWIDS_MAX 64
#define HWIDS_FILE_MAX ((size_t)64 * 1024)

/* One row of the hardware-ids table: "kind vendor device link description". */
struct hwid {
	char kind[16];
	unsigned vendor;
	int device; /* HWID_ANY or 0..0xffff */
	char link[32]; /* may end in "%m", the node's minor */
	char desc[96];
};

struct hwid_table {
	size_t n;
	struct hwid ids[HWIDS_MAX];
	char source[256]; /* the file it came from, or "built-in" */
};

/* Parses the table text, in the grammar rules/gen-rules.sh takes (one table of
 * cases runs against both: tests/config/hardware-ids): '#' starts a comment
 * anywhere, IDs are "0x" and four lower-case hex digits, kind is metis or hailo,
 * a link of at most 31 characters, 1 to HWIDS_MAX rows. On a malformed line
 * returns -EINVAL and writes "ORIGIN line N: reason" into err ("ORIGIN: no
 * identifiers" for a table without rows). */
int hwids_parse(struct hwid_table *t, const char *text, size_t len, const char *origin,
		char *err, size_t errsize);

/* Loads SYSROOT/etc/rpi-hardware/hardware-ids, else SYSROOT/PKGLIBDIR/hardware-ids,
 * else the copy built in from rules/hardware-ids. Same errors as hwids_parse, plus
 * -errno for a file that exists but cannot be read. */
int hwids_load(struct hwid_table *t, const char *sysroot, char *err, size_t errsize);

/* The first row of the given kind that matches vendor and device, or NULL. */
const struct hwid *hwids_match(const struct hwid_table *t, const char *kind, unsigned vendor,
			       unsigned device);

/* "0x1f9d:0x1100, 0x1f9d:0x11aa, ..." for messages; cut to fit size. */
void hwids_describe(const struct hwid_table *t, const char *kind, char *out, size_t size);

/* The table text compiled in (generated from rules/hardware-ids). */
extern const char hwids_builtin[];
