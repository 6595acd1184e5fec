// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer harness: the configuration file parser. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

static void ignore(void *userdata, const char *msg)
{
	(void)userdata;
	(void)strlen(msg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = malloc(size ? size : 1);
	struct config c;

	memcpy(in, data, size);
	config_init(&c);
	config_parse_file(&c, in, size, "fuzz.conf", ignore, NULL);
	for (size_t i = 0; i < c.overlays.n; i++)
		if (!overlay_name_valid(c.overlays.names[i], strlen(c.overlays.names[i])))
			abort();
	for (size_t i = 0; i < c.modules.n; i++)
		if (!module_name_valid(c.modules.names[i], strlen(c.modules.names[i])))
			abort();
	for (size_t i = 0; i < c.n_overlay_dirs; i++)
		if (c.overlay_dirs[i][0] != '/' || strstr(c.overlay_dirs[i], "/../"))
			abort();
	if (c.timeout_s > TIMEOUT_MAX || strncmp(c.device, "/dev/", 5) != 0)
		abort();
	free(in);
	return 0;
}
