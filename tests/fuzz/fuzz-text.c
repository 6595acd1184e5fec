// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer harness: names as status and check show them, in JSON and as text.
 * Whatever the bytes, the JSON must be one valid UTF-8 string and the text one
 * line of valid UTF-8 with no control characters. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

static void valid_utf8(const char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		size_t len = utf8_seq_len((const unsigned char *)s + i, n - i);

		if (len == 0)
			abort();
		i += len;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = malloc(size + 1), *json = NULL, shown[256];
	size_t jlen = 0;
	FILE *f;

	memcpy(in, data, size);
	in[size] = '\0';
	f = open_memstream(&json, &jlen);
	if (!f)
		abort();
	json_string(f, in);
	fclose(f);
	valid_utf8(json, jlen);
	if (jlen < 2 || json[0] != '"' || json[jlen - 1] != '"')
		abort();
	for (size_t i = 1; i + 1 < jlen; i++) {
		if ((unsigned char)json[i] < 0x20)
			abort();
		/* An unescaped quote would end the string early. */
		if (json[i] == '"' && json[i - 1] != '\\')
			abort();
		if (json[i] == '\\')
			i++;
	}
	text_show(in, shown, sizeof(shown));
	if (strlen(shown) >= sizeof(shown))
		abort();
	valid_utf8(shown, strlen(shown));
	for (const char *p = shown; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			abort();
	free(json);
	free(in);
	return 0;
}
