// SPDX-License-Identifier: GPL-2.0-or-later
#include "manifest.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

static bool is_hex_digest(const char *s)
{
	for (size_t i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

int manifest_lookup(const char *buf, size_t len, const char *file, char hex[SHA256_HEX_SIZE])
{
	size_t flen = strlen(file), i = 0;

	while (i < len) {
		size_t j = i, n;
		const char *line = buf + i, *name;

		while (j < len && buf[j] != '\n')
			j++;
		n = j - i;
		i = j + 1;
		if (n > 0 && line[n - 1] == '\r')
			n--;
		if (n < 66 || n - 66 != flen)
			continue;
		name = line + 66;
		if (memcmp(name, file, flen) != 0)
			continue;
		if (!is_hex_digest(line) || line[64] != ' ' || (line[65] != ' ' && line[65] != '*'))
			return -EINVAL;
		memcpy(hex, line, 64);
		hex[64] = '\0';
		return 0;
	}
	return -ENOENT;
}
