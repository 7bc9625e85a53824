/* SPDX-License-Identifier: MIT */
/*
 * Freestanding string, memory and number-parsing routines (see string.h).
 * Plain C: correctness first; the memory routines move 8 bytes at a time
 * once both pointers are aligned, which is all the speed the core needs.
 */
#include "lib/string.h"

/* An 8-byte word that may alias any object, so word copies stay within C's aliasing rules. */
typedef u64 __attribute__((may_alias)) v3_word;

#define WORD_SIZE sizeof(v3_word)
#define WORD_MASK (WORD_SIZE - 1)

/*
 * GCC can rewrite byte loops into calls to memcpy/memset (-ftree-loop-distribute-patterns).
 * Here memcpy *is* this code, so that would recurse forever. -ffreestanding turns the pass off,
 * but these functions must not depend on the flags of whoever builds them: turn it off here
 * too. Clang's equivalent (loop idiom recognition) already honours -fno-builtin.
 */
#if defined(__GNUC__) && !defined(__clang__)
#define __v3_no_libcall __attribute__((optimize("no-tree-loop-distribute-patterns")))
#else
#define __v3_no_libcall
#endif

static inline bool word_aligned(const void *p)
{
	return ((uintptr_t)p & WORD_MASK) == 0;
}

/* Copy ascending; safe for overlap when dst < src (every word is read before it is written). */
static __v3_no_libcall void copy_forward(u8 *d, const u8 *s, size_t n)
{
	if ((((uintptr_t)d ^ (uintptr_t)s) & WORD_MASK) == 0) {
		while (n && !word_aligned(d)) {
			*d++ = *s++;
			n--;
		}
		while (n >= WORD_SIZE) {
			*(v3_word *)d = *(const v3_word *)s;
			d += WORD_SIZE;
			s += WORD_SIZE;
			n -= WORD_SIZE;
		}
	}
	while (n--)
		*d++ = *s++;
}

/* Copy descending from the ends; safe for overlap when dst > src. */
static __v3_no_libcall void copy_backward(u8 *d, const u8 *s, size_t n)
{
	d += n;
	s += n;
	if ((((uintptr_t)d ^ (uintptr_t)s) & WORD_MASK) == 0) {
		while (n && !word_aligned(d)) {
			*--d = *--s;
			n--;
		}
		while (n >= WORD_SIZE) {
			d -= WORD_SIZE;
			s -= WORD_SIZE;
			*(v3_word *)d = *(const v3_word *)s;
			n -= WORD_SIZE;
		}
	}
	while (n--)
		*--d = *--s;
}

__v3_no_libcall void *v3_memcpy(void *dst, const void *src, size_t n)
{
	copy_forward(dst, src, n);
	return dst;
}

__v3_no_libcall void *v3_memmove(void *dst, const void *src, size_t n)
{
	/* Compare as integers: the pointers may be into different objects. */
	uintptr_t d = (uintptr_t)dst, s = (uintptr_t)src;

	if (d == s || n == 0)
		return dst;
	if (d < s || d - s >= n)
		copy_forward(dst, src, n);
	else
		copy_backward(dst, src, n);
	return dst;
}

__v3_no_libcall void *v3_memset(void *dst, int c, size_t n)
{
	u8 *d = dst;
	u8 byte = (u8)c;
	v3_word pattern = 0x0101010101010101ULL * byte;

	while (n && !word_aligned(d)) {
		*d++ = byte;
		n--;
	}
	while (n >= WORD_SIZE) {
		*(v3_word *)d = pattern;
		d += WORD_SIZE;
		n -= WORD_SIZE;
	}
	while (n--)
		*d++ = byte;
	return dst;
}

__v3_no_libcall int v3_memcmp(const void *a, const void *b, size_t n)
{
	const u8 *x = a, *y = b;

	for (; n; n--, x++, y++) {
		if (*x != *y)
			return *x - *y;
	}
	return 0;
}

#ifndef V3_UNIT_TEST
/* The names the compiler calls; weak so an embedder may supply faster ones. */
void *memcpy(void *dst, const void *src, size_t n) __attribute__((weak, alias("v3_memcpy")));
void *memmove(void *dst, const void *src, size_t n) __attribute__((weak, alias("v3_memmove")));
void *memset(void *dst, int c, size_t n) __attribute__((weak, alias("v3_memset")));
int memcmp(const void *a, const void *b, size_t n) __attribute__((weak, alias("v3_memcmp")));
#endif

__v3_no_libcall size_t v3_strlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return p - s;
}

__v3_no_libcall size_t v3_strnlen(const char *s, size_t maxlen)
{
	size_t n = 0;

	while (n < maxlen && s[n])
		n++;
	return n;
}

int v3_strcmp(const char *a, const char *b)
{
	const u8 *x = (const u8 *)a, *y = (const u8 *)b;

	while (*x && *x == *y) {
		x++;
		y++;
	}
	return *x - *y;
}

int v3_strncmp(const char *a, const char *b, size_t n)
{
	const u8 *x = (const u8 *)a, *y = (const u8 *)b;

	for (; n; n--, x++, y++) {
		if (*x != *y)
			return *x - *y;
		if (!*x)
			break;
	}
	return 0;
}

char *v3_strchr(const char *s, int c)
{
	char ch = (char)c;

	for (;; s++) {
		if (*s == ch)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

char *v3_strrchr(const char *s, int c)
{
	char ch = (char)c;
	const char *last = NULL;

	for (;; s++) {
		if (*s == ch)
			last = s;
		if (!*s)
			return (char *)last;
	}
}

char *v3_strstr(const char *haystack, const char *needle)
{
	size_t nlen = v3_strlen(needle);

	if (!nlen)
		return (char *)haystack;
	for (; *haystack; haystack++) {
		if (*haystack == *needle && !v3_strncmp(haystack, needle, nlen))
			return (char *)haystack;
	}
	return NULL;
}

size_t v3_strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = v3_strlen(src);

	if (size) {
		size_t n = len < size - 1 ? len : size - 1;

		v3_memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

size_t v3_strlcat(char *dst, const char *src, size_t size)
{
	size_t dlen = v3_strnlen(dst, size);

	/* With no NUL within size, dlen == size and the copy gets size 0: nothing is written. */
	return dlen + v3_strlcpy(dst + dlen, src, size - dlen);
}

/* Value of c as a digit in any base up to 36, or 36 if it is not a digit at all. */
static unsigned int digit_value(char c)
{
	if (v3_isdigit(c))
		return c - '0';
	if (v3_isalpha(c))
		return v3_tolower(c) - 'a' + 10;
	return 36;
}

/*
 * The part shared by both parsers: optional base prefix, then digits. s points past whitespace
 * and sign. Returns the magnitude (saturated at UINT64_MAX); *end is left alone if there are no
 * digits, so the caller's "no conversion" value stands.
 */
static u64 parse_digits(const char *s, const char **end, unsigned int base)
{
	u64 val = 0;
	bool any = false;

	if ((base == 0 || base == 16) && s[0] == '0' && v3_tolower(s[1]) == 'x' &&
	    v3_isxdigit(s[2])) {
		s += 2;
		base = 16;
	} else if (base == 0) {
		base = s[0] == '0' ? 8 : 10;
	}

	for (;; s++) {
		unsigned int d = digit_value(*s);

		if (d >= base)
			break;
		any = true;
		if (val > (UINT64_MAX - d) / base)
			val = UINT64_MAX;
		else
			val = val * base + d;
	}
	if (any && end)
		*end = s;
	return val;
}

static bool base_valid(unsigned int base)
{
	return base == 0 || (base >= 2 && base <= 36);
}

u64 v3_strtoull(const char *s, const char **end, unsigned int base)
{
	const char *p = s;

	if (end)
		*end = s;
	if (!base_valid(base))
		return 0;
	while (v3_isspace(*p))
		p++;
	if (*p == '+')
		p++;
	return parse_digits(p, end, base);
}

s64 v3_strtoll(const char *s, const char **end, unsigned int base)
{
	const char *p = s;
	bool neg = false;
	u64 mag;

	if (end)
		*end = s;
	if (!base_valid(base))
		return 0;
	while (v3_isspace(*p))
		p++;
	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	mag = parse_digits(p, end, base);

	if (neg) {
		if (mag >= (u64)INT64_MAX + 1)
			return INT64_MIN;
		return -(s64)mag;
	}
	return mag > INT64_MAX ? INT64_MAX : (s64)mag;
}
