/* SPDX-License-Identifier: MIT */
/* Formats one log line, prefixed by its level, and hands it to the host. */
#include <stdarg.h>

#include "host_ops.h"
#include "lib/printf.h"
#include "log.h"

void v3_log(int level, const char *fmt, ...)
{
	static const char *const prefix[] = { "v3: error: ", "v3: warning: ", "v3: ", "v3: debug: " };
	char line[256];
	int n;
	va_list ap;

	if (level < V3_LOG_ERR || level > V3_LOG_DEBUG)
		level = V3_LOG_ERR;
	n = v3_snprintf(line, sizeof(line), "%s", prefix[level]);
	va_start(ap, fmt);
	v3_vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	va_end(ap);
	v3_host->print(line);
}
