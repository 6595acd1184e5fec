// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer harness: overlay parameters (params.c). An input starting with 'P'
 * is "P" PARAMS "\n" OVERLAY: the parameters applied to that overlay when it
 * validates. Any other input is the value of one __overrides__ entry, "p", of a
 * fixed overlay with a node of every kind of property, a dormant fragment and
 * fixups into __overrides__, applied with values of each kind. */
#include <libfdt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "params.h"

#define ROOM 16384

static const char *const values[] = { "p", "p=1", "p=off", "p=0x10", "p=ab:cd", "p=string",
				      "p=" };

static char out[ROOM];

static void try(const void *ovl, size_t size, const char *params)
{
	char why[256];

	if (dtbo_validate(ovl, size, NULL, why, sizeof(why)) == 0)
		params_apply(ovl, out, sizeof(out), params, why, sizeof(why));
}

static size_t with_entry(char *buf, const uint8_t *data, size_t size)
{
	static const fdt32_t zero;
	const fdt32_t cells[] = { cpu_to_fdt32(1), cpu_to_fdt32(2) };

	fdt_create(buf, ROOM);
	fdt_finish_reservemap(buf);
	fdt_begin_node(buf, "");
	fdt_begin_node(buf, "fragment@0");
	fdt_property_u32(buf, "target", 0xffffffff);
	fdt_begin_node(buf, "__overlay__");
	fdt_begin_node(buf, "node");
	fdt_property_u32(buf, "phandle", 1);
	fdt_property(buf, "cells", cells, sizeof(cells));
	fdt_property_string(buf, "str", "a");
	fdt_property(buf, "flag", NULL, 0);
	fdt_property(buf, "ref", &zero, sizeof(zero));
	fdt_end_node(buf);
	fdt_end_node(buf);
	fdt_end_node(buf);
	fdt_begin_node(buf, "fragment@1");
	fdt_property_string(buf, "target-path", "/");
	fdt_begin_node(buf, "__dormant__");
	fdt_property(buf, "woken", NULL, 0);
	fdt_end_node(buf);
	fdt_end_node(buf);
	fdt_begin_node(buf, "__overrides__");
	fdt_property(buf, "p", data, (int)size);
	fdt_end_node(buf);
	fdt_begin_node(buf, "__fixups__");
	fdt_property_string(buf, "bus", "/fragment@0:target:0");
	if (size >= 4)
		fdt_property_string(buf, "other", "/__overrides__:p:0");
	fdt_end_node(buf);
	fdt_begin_node(buf, "__local_fixups__");
	fdt_begin_node(buf, "fragment@0");
	fdt_begin_node(buf, "__overlay__");
	fdt_begin_node(buf, "node");
	fdt_property(buf, "ref", &zero, sizeof(zero));
	fdt_end_node(buf);
	fdt_end_node(buf);
	fdt_end_node(buf);
	fdt_end_node(buf);
	fdt_end_node(buf);
	fdt_finish(buf);
	return fdt_totalsize(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char ovl[ROOM];

	if (size > 0 && data[0] == 'P') {
		const uint8_t *nl = memchr(data, '\n', size);
		size_t plen = nl ? (size_t)(nl - data) - 1 : 0;
		char params[PARAMS_LEN_MAX + 1];
		/* A private copy: the code must never read past size, and ASan sees it. */
		uint8_t *in;
		size_t n;

		if (!nl || plen > PARAMS_LEN_MAX)
			return 0;
		memcpy(params, data + 1, plen);
		params[plen] = '\0';
		n = size - plen - 2;
		in = malloc(n ? n : 1);
		memcpy(in, nl + 1, n);
		try(in, n, params);
		free(in);
		return 0;
	}
	if (size > 4096)
		return 0;
	size = with_entry(ovl, data, size);
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++)
		try(ovl, size, values[i]);
	return 0;
}
