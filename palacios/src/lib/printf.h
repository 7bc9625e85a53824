/* SPDX-License-Identifier: MIT */
/*
 * Freestanding snprintf for the VMM core: C99 semantics, integers and
 * strings only (the core is built without floating point).
 *
 * Supported: flags - 0 + space #; width and precision, including '*';
 * length modifiers hh h l ll z j t; conversions d i u x X o c s p %.
 * %s of NULL prints "(null)" (nothing if the precision is below 6, like
 * glibc); %p prints "0x" and lowercase hex, "0x0" for NULL. Anything else
 * after '%' (including %n) is printed literally, from the '%' on.
 */
#ifndef V3_LIB_PRINTF_H
#define V3_LIB_PRINTF_H

#include <stdarg.h>

#include <v3/types.h>

/*
 * Write at most size - 1 characters and a NUL to buf (nothing when size is 0, when buf may be
 * NULL). Return the length the whole output would have, so truncation is "ret >= size". The
 * return value is capped at INT_MAX.
 */
int v3_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int v3_snprintf(char *buf, size_t size, const char *fmt, ...) __v3_printf(3, 4);

#endif /* V3_LIB_PRINTF_H */
