/* SPDX-License-Identifier: MIT */
/*
 * Freestanding string, memory and number-parsing routines for the VMM core.
 *
 * The core links no libc. The compiler still emits calls to memcpy, memmove,
 * memset and memcmp (struct copies, zeroing, loop idioms), so string.c
 * defines those four names as weak aliases of the v3_ versions. Host-run
 * unit tests (V3_UNIT_TEST) use libc's instead.
 */
#ifndef V3_LIB_STRING_H
#define V3_LIB_STRING_H

#include <v3/types.h>

void *v3_memcpy(void *dst, const void *src, size_t n);
void *v3_memmove(void *dst, const void *src, size_t n);
void *v3_memset(void *dst, int c, size_t n);
int v3_memcmp(const void *a, const void *b, size_t n);

#ifdef V3_UNIT_TEST
#include <string.h>
#else
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
#endif

size_t v3_strlen(const char *s);
/* Length of s, looking at no more than maxlen bytes. */
size_t v3_strnlen(const char *s, size_t maxlen);
int v3_strcmp(const char *a, const char *b);
int v3_strncmp(const char *a, const char *b, size_t n);
char *v3_strchr(const char *s, int c);
char *v3_strrchr(const char *s, int c);
char *v3_strstr(const char *haystack, const char *needle);

/*
 * BSD strlcpy/strlcat: the result is always NUL-terminated when size > 0 and
 * the return value is the length of the string they tried to create
 * (strlen(src), resp. initial strlen(dst) + strlen(src)), so truncation is
 * "ret >= size". If dst holds no NUL within size, strlcat writes nothing and
 * returns size + strlen(src).
 */
size_t v3_strlcpy(char *dst, const char *src, size_t size);
size_t v3_strlcat(char *dst, const char *src, size_t size);

/*
 * Parse an unsigned number: leading whitespace, an optional '+', then digits
 * in base (2..36, or 0 to pick 16 for "0x"/"0X", 8 for a leading "0", else
 * 10; base 16 also accepts the "0x" prefix). Parsing stops at the first
 * character that is not a digit of base; a value too large saturates at
 * UINT64_MAX (the remaining digits are still consumed). Unlike C's strtoull a
 * '-' is not accepted: "-1" is no number rather than UINT64_MAX. With no
 * digits, or a bad base, the result is 0 and *end is s. end may be NULL.
 */
u64 v3_strtoull(const char *s, const char **end, unsigned int base);
/* Same contract with an optional '+' or '-'; saturates at INT64_MIN/INT64_MAX. */
s64 v3_strtoll(const char *s, const char **end, unsigned int base);

/* ASCII only: the core has no locale. */
static inline bool v3_isdigit(int c)
{
	return c >= '0' && c <= '9';
}

static inline bool v3_isspace(int c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static inline bool v3_isalpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static inline bool v3_isxdigit(int c)
{
	return v3_isdigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static inline int v3_tolower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

#endif /* V3_LIB_STRING_H */
