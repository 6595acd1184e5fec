// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer harness: the kernel command line as the helper reads it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"
#include "config.h"

static int count(const struct cmdline_arg *arg, void *userdata)
{
	/* Every view must lie inside the buffer: touch each byte. */
	size_t *n = userdata;

	for (size_t i = 0; i < arg->key_len; i++)
		*n += (unsigned char)arg->key[i];
	for (size_t i = 0; arg->value && i < arg->value_len; i++)
		*n += (unsigned char)arg->value[i];
	return 0;
}

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
	size_t n = 0;

	memcpy(in, data, size);
	cmdline_foreach(in, size, count, &n);
	config_init(&c);
	config_parse_cmdline(&c, in, size, ignore, NULL);
	/* Whatever was accepted must still obey the rules. */
	for (size_t i = 0; i < c.overlays.n; i++)
		if (!overlay_name_valid(c.overlays.names[i], strlen(c.overlays.names[i])))
			abort();
	if (c.timeout_s > TIMEOUT_MAX || c.device[0] != '/')
		abort();
	free(in);
	return 0;
}
