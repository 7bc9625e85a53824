/* SPDX-License-Identifier: MIT */
/*
 * Logging through the host's print op. Messages above CONFIG_V3_LOG_LEVEL
 * are compiled out, so debug logging costs nothing on a production exit path.
 */
#ifndef V3_LOG_H
#define V3_LOG_H

#include <v3/types.h>

#define V3_LOG_ERR 0
#define V3_LOG_WARN 1
#define V3_LOG_INFO 2
#define V3_LOG_DEBUG 3

void v3_log(int level, const char *fmt, ...) __v3_printf(2, 3);

#define v3_log_at(level, ...)                              \
	do {                                               \
		if ((level) <= CONFIG_V3_LOG_LEVEL)        \
			v3_log((level), __VA_ARGS__);      \
	} while (0)

#define v3_err(...) v3_log_at(V3_LOG_ERR, __VA_ARGS__)
#define v3_warn(...) v3_log_at(V3_LOG_WARN, __VA_ARGS__)
#define v3_info(...) v3_log_at(V3_LOG_INFO, __VA_ARGS__)
#define v3_debug(...) v3_log_at(V3_LOG_DEBUG, __VA_ARGS__)

#endif /* V3_LOG_H */
