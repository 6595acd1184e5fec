// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer harness: the overlay validator, and applying overlays to a base tree,
 * with the input as the overlay and then as the base. */
#include <libfdt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dtbo.h"

static char base[4096];
static char overlay[4096];

/* A base with a labelled node, and an overlay that uses the label. */
static void build_trees(void)
{
	fdt_create(base, sizeof(base));
	fdt_finish_reservemap(base);
	fdt_begin_node(base, "");
	fdt_begin_node(base, "soc");
	fdt_property_u32(base, "phandle", 1);
	fdt_end_node(base);
	fdt_begin_node(base, "__symbols__");
	fdt_property_string(base, "soc", "/soc");
	fdt_end_node(base);
	fdt_end_node(base);
	fdt_finish(base);

	fdt_create(overlay, sizeof(overlay));
	fdt_finish_reservemap(overlay);
	fdt_begin_node(overlay, "");
	fdt_begin_node(overlay, "fragment@0");
	fdt_property_u32(overlay, "target", 0xffffffff);
	fdt_begin_node(overlay, "__overlay__");
	fdt_property_string(overlay, "status", "okay");
	fdt_end_node(overlay);
	fdt_end_node(overlay);
	fdt_begin_node(overlay, "__fixups__");
	fdt_property_string(overlay, "soc", "/fragment@0:target:0");
	fdt_end_node(overlay);
	fdt_end_node(overlay);
	fdt_finish(overlay);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	char why[256];
	struct dt dt;
	/* A private copy: the code must never read past size, and ASan sees it. */
	uint8_t *in = malloc(size ? size : 1);

	if (!ready) {
		build_trees();
		ready = 1;
	}
	memcpy(in, data, size);
	if (dtbo_validate(in, size, NULL, why, sizeof(why)) == 0 &&
	    dt_open(&dt, base, fdt_totalsize(base), why, sizeof(why)) == 0) {
		dt_apply(&dt, in, size, why, sizeof(why));
		dt_close(&dt);
	}
	if (dt_open(&dt, in, size, why, sizeof(why)) == 0) {
		dt_apply(&dt, overlay, fdt_totalsize(overlay), why, sizeof(why));
		dt_close(&dt);
	}
	free(in);
	return 0;
}
