// SPDX-License-Identifier: GPL-2.0-or-later
#include "cmdline.h"

#include <string.h>

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* One word starting at buf[*pos]; advances *pos past it. */
static void next_word(const char *buf, size_t len, size_t *pos, struct cmdline_arg *arg)
{
	size_t s = *pos, i, eq = 0, end;
	bool quoted = false, in_quote = false, has_eq = false;

	if (buf[s] == '"') {
		s++;
		quoted = in_quote = true;
	}
	for (i = s; i < len && buf[i] != '\0'; i++) {
		if (is_space(buf[i]) && !in_quote)
			break;
		if (!has_eq && buf[i] == '=') {
			has_eq = true;
			eq = i;
		}
		if (buf[i] == '"')
			in_quote = !in_quote;
	}
	*pos = i;
	end = i;

	arg->key = buf + s;
	arg->value = NULL;
	arg->value_len = 0;
	if (has_eq) {
		size_t v = eq + 1;

		arg->key_len = eq - s;
		if (v < end && buf[v] == '"') {
			v++;
			if (end > v && buf[end - 1] == '"')
				end--;
		} else if (quoted && end > v && buf[end - 1] == '"') {
			end--;
		}
		arg->value = buf + v;
		arg->value_len = end > v ? end - v : 0;
	} else {
		if (quoted && end > s && buf[end - 1] == '"')
			end--;
		arg->key_len = end - s;
	}
}

int cmdline_foreach(const char *buf, size_t len, cmdline_fn fn, void *userdata)
{
	size_t pos = 0;

	for (;;) {
		struct cmdline_arg arg;
		int r;

		while (pos < len && is_space(buf[pos]))
			pos++;
		if (pos >= len || buf[pos] == '\0')
			return 0;
		next_word(buf, len, &pos, &arg);
		if (!arg.value && arg.key_len == 2 && memcmp(arg.key, "--", 2) == 0)
			return 0;
		if (arg.key_len == 0 && !arg.value)
			continue;
		r = fn(&arg, userdata);
		if (r != 0)
			return r;
	}
}

bool cmdline_key_is(const struct cmdline_arg *arg, const char *key)
{
	return strlen(key) == arg->key_len && memcmp(arg->key, key, arg->key_len) == 0;
}
