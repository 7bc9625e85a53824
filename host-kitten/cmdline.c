/* SPDX-License-Identifier: MIT */
/*
 * The kernel command line: space-separated words, each `key=value` or a bare
 * `key`. Double quotes group a value containing spaces. Later words win.
 */
#include "hk.h"
#include "lib/string.h"

#define CMDLINE_MAX 1024
#define CMDLINE_MAX_ARGS 64

static char raw[CMDLINE_MAX];
static char words[CMDLINE_MAX];
static struct {
	const char *key, *value;
} args[CMDLINE_MAX_ARGS];
static unsigned int nargs;

void hk_cmdline_parse(const char *cmdline)
{
	char *w = words;
	const char *p;

	nargs = 0;
	v3_strlcpy(raw, cmdline ? cmdline : "", sizeof(raw));
	p = raw;
	while (*p && nargs < CMDLINE_MAX_ARGS) {
		bool quoted = false;
		char *key;
		char *value = NULL;

		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		key = w;
		while (*p && (quoted || (*p != ' ' && *p != '\t'))) {
			if (*p == '"') {
				quoted = !quoted;
				p++;
				continue;
			}
			if (*p == '=' && !value) {
				*w++ = '\0';
				value = w;
				p++;
				continue;
			}
			*w++ = *p++;
		}
		*w++ = '\0';
		args[nargs].key = key;
		args[nargs].value = value ? value : "";
		nargs++;
	}
}

const char *hk_cmdline_raw(void)
{
	return raw;
}

const char *hk_cmdline_get(const char *key)
{
	for (unsigned int i = nargs; i-- > 0;)
		if (!v3_strcmp(args[i].key, key))
			return args[i].value;
	return NULL;
}
