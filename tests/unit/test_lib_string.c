/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for palacios/src/lib/string.c. The memory routines are checked against byte-loop
 * references over every small size and alignment (their word paths depend on both); the string
 * and number routines against glibc, which shares their contracts except where string.h says.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "lib/string.h"

#define BUF 160
#define MAXN 72
#define MAXOFF 16

static u64 rng_state = 0x9e3779b97f4a7c15ULL;

static u64 rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void fill_pattern(u8 *p, size_t n, u8 seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (u8)(seed + i * 7 + (i >> 3));
}

static int sign(int v)
{
	return (v > 0) - (v < 0);
}

/* ---- memory ---- */

static void test_memcpy_all_sizes_alignments(void **state)
{
	/* Word-aligned storage so offsets 0..15 hit every alignment of both pointers. */
	u64 src_words[BUF / 8], dst_words[BUF / 8];
	u8 *src = (u8 *)src_words, *dst = (u8 *)dst_words;
	u8 expect[BUF];

	(void)state;
	fill_pattern(src, BUF, 1);
	for (size_t n = 0; n <= MAXN; n++) {
		for (size_t so = 0; so < MAXOFF; so++) {
			for (size_t dof = 0; dof < MAXOFF; dof++) {
				fill_pattern(dst, BUF, 0x80);
				v3_memcpy(expect, dst, BUF);
				for (size_t i = 0; i < n; i++)
					expect[dof + i] = src[so + i];
				assert_ptr_equal(v3_memcpy(dst + dof, src + so, n), dst + dof);
				assert_memory_equal(dst, expect, BUF);
			}
		}
	}
}

static void test_memmove_overlap_both_directions(void **state)
{
	u64 words[BUF / 8];
	u8 *buf = (u8 *)words;
	u8 orig[BUF], expect[BUF];

	(void)state;
	/* Source and destination inside the same buffer: every relative shift, both signs. */
	for (size_t n = 0; n <= MAXN; n++) {
		for (size_t so = 0; so < 2 * MAXOFF; so++) {
			for (size_t dof = 0; dof < 2 * MAXOFF; dof++) {
				fill_pattern(buf, BUF, (u8)(n + so));
				memcpy(orig, buf, BUF);
				memcpy(expect, orig, BUF);
				for (size_t i = 0; i < n; i++)
					expect[dof + i] = orig[so + i];
				assert_ptr_equal(v3_memmove(buf + dof, buf + so, n), buf + dof);
				assert_memory_equal(buf, expect, BUF);
			}
		}
	}
}

static void test_memmove_large_overlap(void **state)
{
	enum { N = 4096 };
	u8 *buf = malloc(N + 64), *expect = malloc(N + 64);
	static const size_t shifts[] = { 1, 7, 8, 9, 63, 64, 1000 };

	(void)state;
	assert_non_null(buf);
	assert_non_null(expect);
	for (size_t k = 0; k < V3_ARRAY_SIZE(shifts); k++) {
		size_t s = shifts[k], n = N - s;

		/* Move up by s. */
		fill_pattern(buf, N, (u8)k);
		memcpy(expect, buf, N);
		memmove(expect + s, expect, n);
		v3_memmove(buf + s, buf, n);
		assert_memory_equal(buf, expect, N);
		/* Move down by s. */
		fill_pattern(buf, N, (u8)k);
		memcpy(expect, buf, N);
		memmove(expect, expect + s, n);
		v3_memmove(buf, buf + s, n);
		assert_memory_equal(buf, expect, N);
	}
	free(buf);
	free(expect);
}

static void test_memset_all_sizes_alignments(void **state)
{
	u64 words[BUF / 8];
	u8 *buf = (u8 *)words;
	u8 expect[BUF];
	static const int values[] = { 0, 1, 0x5a, 0x80, 0xff, -1, 0x1ab, -129 };

	(void)state;
	for (size_t v = 0; v < V3_ARRAY_SIZE(values); v++) {
		for (size_t n = 0; n <= MAXN; n++) {
			for (size_t off = 0; off < MAXOFF; off++) {
				fill_pattern(buf, BUF, 3);
				memcpy(expect, buf, BUF);
				for (size_t i = 0; i < n; i++)
					expect[off + i] = (u8)values[v];
				assert_ptr_equal(v3_memset(buf + off, values[v], n), buf + off);
				assert_memory_equal(buf, expect, BUF);
			}
		}
	}
}

static void test_memcmp(void **state)
{
	u8 a[64], b[64];

	(void)state;
	fill_pattern(a, sizeof(a), 9);
	memcpy(b, a, sizeof(b));
	assert_int_equal(v3_memcmp(a, b, 0), 0);
	assert_int_equal(v3_memcmp(a, b, sizeof(a)), 0);
	/* A difference at every position, in both directions, and past n (invisible). */
	for (size_t i = 0; i < sizeof(a); i++) {
		for (size_t n = 0; n <= sizeof(a); n++) {
			int want = a[i] & 1 ? 1 : -1;

			b[i] = a[i] ^ 1;
			assert_int_equal(sign(v3_memcmp(a, b, n)), n > i ? want : 0);
			assert_int_equal(sign(v3_memcmp(b, a, n)), n > i ? -want : 0);
			b[i] = a[i];
		}
	}
	/* Bytes compare unsigned: 0x80 > 0x01. */
	a[0] = 0x80;
	b[0] = 0x01;
	assert_true(v3_memcmp(a, b, 1) > 0);
	assert_true(v3_memcmp(b, a, 1) < 0);
	/* Only the first difference counts. */
	a[0] = 1, b[0] = 2, a[1] = 0xff, b[1] = 0;
	assert_true(v3_memcmp(a, b, 2) < 0);
}

/* ---- strings ---- */

static void test_strlen_strnlen(void **state)
{
	char s[40];

	(void)state;
	assert_int_equal(v3_strlen(""), 0);
	assert_int_equal(v3_strlen("a"), 1);
	assert_int_equal(v3_strlen("hello\0world"), 5);
	for (size_t len = 0; len < sizeof(s) - 1; len++) {
		memset(s, 'x', len);
		s[len] = '\0';
		assert_int_equal(v3_strlen(s), len);
		for (size_t max = 0; max < sizeof(s); max++)
			assert_int_equal(v3_strnlen(s, max), len < max ? len : max);
	}
	/* strnlen must not read past maxlen: a buffer with no NUL at all. */
	char *nonul = malloc(8);

	assert_non_null(nonul);
	memset(nonul, 'y', 8);
	assert_int_equal(v3_strnlen(nonul, 8), 8);
	assert_int_equal(v3_strnlen(nonul, 3), 3);
	free(nonul);
}

static void test_strcmp_strncmp(void **state)
{
	static const char *const strs[] = {
		"", "a", "b", "ab", "abc", "abd", "abcd", "ABC", "\x80", "\x7f", "\xff\x01",
		"a\xff",
	};

	(void)state;
	for (size_t i = 0; i < V3_ARRAY_SIZE(strs); i++) {
		for (size_t j = 0; j < V3_ARRAY_SIZE(strs); j++) {
			const char *a = strs[i], *b = strs[j];

			assert_int_equal(sign(v3_strcmp(a, b)), sign(strcmp(a, b)));
			for (size_t n = 0; n < 6; n++)
				assert_int_equal(sign(v3_strncmp(a, b, n)), sign(strncmp(a, b, n)));
		}
	}
	/* strncmp stops at the NUL: bytes after it are not compared (nor read past the object). */
	assert_int_equal(v3_strncmp("ab\0x", "ab\0y", 4), 0);
	assert_true(v3_strncmp("abc", "abd", SIZE_MAX) < 0);
}

static void test_strchr_strrchr(void **state)
{
	const char *s = "hello, world";

	(void)state;
	assert_ptr_equal(v3_strchr(s, 'h'), s);
	assert_ptr_equal(v3_strchr(s, 'o'), s + 4);
	assert_ptr_equal(v3_strrchr(s, 'o'), s + 8);
	assert_ptr_equal(v3_strchr(s, 'd'), s + 11);
	assert_ptr_equal(v3_strrchr(s, 'h'), s);
	assert_null(v3_strchr(s, 'z'));
	assert_null(v3_strrchr(s, 'z'));
	/* The terminator is part of the string. */
	assert_ptr_equal(v3_strchr(s, '\0'), s + 12);
	assert_ptr_equal(v3_strrchr(s, '\0'), s + 12);
	assert_ptr_equal(v3_strchr("", '\0'), v3_strchr("", 0));
	assert_null(v3_strchr("", 'a'));
	assert_null(v3_strrchr("", 'a'));
	/* c is converted to char: 0x100 + 'e' finds 'e'; a high byte passed as int finds it. */
	assert_ptr_equal(v3_strchr(s, 0x100 + 'e'), s + 1);
	const char *hi = "a\xe9z\xe9";

	assert_ptr_equal(v3_strchr(hi, 0xe9), hi + 1);
	assert_ptr_equal(v3_strrchr(hi, 0xe9), hi + 3);
	assert_ptr_equal(v3_strchr(hi, (char)0xe9), hi + 1);
}

static void test_strstr(void **state)
{
	static const char *const hay[] = { "", "a", "aaab", "abcabcabd", "hello world", "abab" };
	static const char *const needle[] = { "", "a", "aab", "abd", "world", "bab", "abcabd",
					      "hello world!", "x" };

	(void)state;
	for (size_t i = 0; i < V3_ARRAY_SIZE(hay); i++)
		for (size_t j = 0; j < V3_ARRAY_SIZE(needle); j++)
			assert_ptr_equal(v3_strstr(hay[i], needle[j]), strstr(hay[i], needle[j]));
}

static void test_strlcpy(void **state)
{
	char buf[16];

	(void)state;
	/* size 0 writes nothing: dst may even be NULL. */
	assert_int_equal(v3_strlcpy(NULL, "abc", 0), 3);

	for (size_t size = 1; size <= sizeof(buf); size++) {
		memset(buf, '#', sizeof(buf));
		assert_int_equal(v3_strlcpy(buf, "hello world", size), 11);
		size_t n = size - 1 < 11 ? size - 1 : 11;

		assert_memory_equal(buf, "hello world", n);
		assert_int_equal(buf[n], '\0');
		for (size_t i = n + 1; i < sizeof(buf); i++)
			assert_int_equal(buf[i], '#');
	}
	assert_int_equal(v3_strlcpy(buf, "", sizeof(buf)), 0);
	assert_string_equal(buf, "");
}

static void test_strlcat(void **state)
{
	char buf[16];

	(void)state;
	for (size_t size = 0; size <= sizeof(buf); size++) {
		memset(buf, '#', sizeof(buf));
		memcpy(buf, "abc", 4);
		size_t ret = v3_strlcat(buf, "defghijkl", size);

		if (size <= 3) {
			/* No NUL within size: nothing written, size + strlen(src) returned. */
			assert_int_equal(ret, size + 9);
			assert_memory_equal(buf, "abc\0###", 7);
		} else {
			size_t total = size - 1 < 12 ? size - 1 : 12;

			assert_int_equal(ret, 12);
			assert_memory_equal(buf, "abcdefghijkl", total);
			assert_int_equal(buf[total], '\0');
			for (size_t i = total + 1; i < sizeof(buf); i++)
				assert_int_equal(buf[i], '#');
		}
	}
	/* dst with no NUL at all and size = its length: must not read past it. */
	char *exact = malloc(4);

	assert_non_null(exact);
	memcpy(exact, "wxyz", 4);
	assert_int_equal(v3_strlcat(exact, "ab", 4), 6);
	assert_memory_equal(exact, "wxyz", 4);
	free(exact);
}

/* ---- numbers ---- */

struct ull_case {
	const char *s;
	unsigned int base;
	u64 val;
	size_t consumed;
};

static void test_strtoull_table(void **state)
{
	static const struct ull_case cases[] = {
		{ "0", 10, 0, 1 },
		{ "123", 10, 123, 3 },
		{ "123abc", 10, 123, 3 },
		{ "  \t\n42", 10, 42, 6 },
		{ "+42", 10, 42, 3 },
		{ "-42", 10, 0, 0 }, /* no '-' for unsigned (string.h) */
		{ "+-42", 10, 0, 0 },
		{ "", 10, 0, 0 },
		{ "   ", 10, 0, 0 },
		{ "abc", 10, 0, 0 },
		{ "ff", 16, 255, 2 },
		{ "FF", 16, 255, 2 },
		{ "0xff", 16, 255, 4 },
		{ "0XfF", 16, 255, 4 },
		{ "0xff", 0, 255, 4 },
		{ "0x", 0, 0, 1 },	/* "0" then 'x' */
		{ "0x", 16, 0, 1 },
		{ "0xg", 16, 0, 1 },
		{ "0xg", 0, 0, 1 },
		{ "0x1", 10, 0, 1 },
		{ "017", 0, 15, 3 },
		{ "018", 0, 1, 2 },
		{ "08", 0, 0, 1 },
		{ "0", 0, 0, 1 },
		{ "19", 0, 19, 2 },
		{ "101012", 2, 21, 5 },
		{ "777", 8, 511, 3 },
		{ "zz", 36, 36 * 36 - 1, 2 },
		{ "ZZ", 36, 36 * 36 - 1, 2 },
		{ "z", 35, 0, 0 },
		{ "y", 35, 34, 1 },
		{ "18446744073709551615", 10, UINT64_MAX, 20 },
		{ "18446744073709551616", 10, UINT64_MAX, 20 },
		{ "99999999999999999999999999x", 10, UINT64_MAX, 26 },
		{ "0xffffffffffffffff", 0, UINT64_MAX, 18 },
		{ "0x10000000000000000", 0, UINT64_MAX, 19 },
		{ "1777777777777777777777", 8, UINT64_MAX, 22 },
		{ "2000000000000000000000", 8, UINT64_MAX, 22 },
		{ "1111111111111111111111111111111111111111111111111111111111111111", 2, UINT64_MAX,
		  64 },
		{ "10000000000000000000000000000000000000000000000000000000000000000", 2,
		  UINT64_MAX, 65 },
		{ "3w5e11264sgsf", 36, UINT64_MAX, 13 },
		{ "3w5e11264sgsg", 36, UINT64_MAX, 13 },
		{ "3w5e11264sgse", 36, UINT64_MAX - 1, 13 },
		{ "123", 1, 0, 0 },  /* bad bases */
		{ "123", 37, 0, 0 },
		{ "123", 100, 0, 0 },
	};

	(void)state;
	for (size_t i = 0; i < V3_ARRAY_SIZE(cases); i++) {
		const struct ull_case *c = &cases[i];
		const char *end = NULL;
		u64 v = v3_strtoull(c->s, &end, c->base);

		if (v != c->val || end != c->s + c->consumed)
			fail_msg("v3_strtoull(\"%s\", %u) = %llu, consumed %td; want %llu, %zu",
				 c->s, c->base, (unsigned long long)v, end - c->s,
				 (unsigned long long)c->val, c->consumed);
		/* end is optional. */
		assert_true(v3_strtoull(c->s, NULL, c->base) == c->val);
	}
}

struct ll_case {
	const char *s;
	unsigned int base;
	s64 val;
	size_t consumed;
};

static void test_strtoll_table(void **state)
{
	static const struct ll_case cases[] = {
		{ "-42", 10, -42, 3 },
		{ " -0x10", 0, -16, 6 },
		{ "+7", 10, 7, 2 },
		{ "-", 10, 0, 0 },
		{ "- 1", 10, 0, 0 },
		{ "--1", 10, 0, 0 },
		{ "9223372036854775807", 10, INT64_MAX, 19 },
		{ "9223372036854775808", 10, INT64_MAX, 19 },
		{ "-9223372036854775808", 10, INT64_MIN, 20 },
		{ "-9223372036854775809", 10, INT64_MIN, 20 },
		{ "-99999999999999999999999", 10, INT64_MIN, 24 },
		{ "18446744073709551616", 10, INT64_MAX, 20 },
		{ "-0x8000000000000000", 16, INT64_MIN, 19 },
		{ "0x7fffffffffffffff", 16, INT64_MAX, 18 },
		{ "-017", 0, -15, 4 },
		{ "12", 0xffffffffu, 0, 0 },
	};

	(void)state;
	for (size_t i = 0; i < V3_ARRAY_SIZE(cases); i++) {
		const struct ll_case *c = &cases[i];
		const char *end = NULL;
		s64 v = v3_strtoll(c->s, &end, c->base);

		if (v != c->val || end != c->s + c->consumed)
			fail_msg("v3_strtoll(\"%s\", %u) = %lld, consumed %td; want %lld, %zu",
				 c->s, c->base, (long long)v, end - c->s, (long long)c->val,
				 c->consumed);
	}
}

/* Random strings from an alphabet that exercises prefixes, signs and digit boundaries. */
static void random_number_string(char *s, size_t max)
{
	static const char alphabet[] = " \t+-0000111789aAfFgGxXzZ.";
	size_t len = rng() % max;

	for (size_t i = 0; i < len; i++)
		s[i] = alphabet[rng() % (sizeof(alphabet) - 1)];
	s[len] = '\0';
}

static void test_strtoull_vs_glibc(void **state)
{
	static const unsigned int bases[] = { 0, 2, 8, 10, 16, 36, 17, 35 };
	char s[32];

	(void)state;
	for (int iter = 0; iter < 200000; iter++) {
		unsigned int base = bases[rng() % V3_ARRAY_SIZE(bases)];
		const char *end, *p;
		char *gend;
		u64 v, g;

		random_number_string(s, iter % 2 ? 8 : sizeof(s) - 1);
		v = v3_strtoull(s, &end, base);
		g = strtoull(s, &gend, (int)base);
		for (p = s; isspace((unsigned char)*p); p++)
			;
		if (*p == '-') {
			/* glibc negates; we refuse (string.h). */
			assert_true(v == 0);
			assert_ptr_equal(end, s);
			continue;
		}
		if (v != g || end != gend)
			fail_msg("\"%s\" base %u: v3 %llu/%td, glibc %llu/%td", s, base,
				 (unsigned long long)v, end - s, (unsigned long long)g, gend - s);
	}
}

static void test_strtoll_vs_glibc(void **state)
{
	static const unsigned int bases[] = { 0, 2, 8, 10, 16, 36 };
	char s[32];

	(void)state;
	for (int iter = 0; iter < 200000; iter++) {
		unsigned int base = bases[rng() % V3_ARRAY_SIZE(bases)];
		const char *end;
		char *gend;
		s64 v, g;

		random_number_string(s, iter % 2 ? 8 : sizeof(s) - 1);
		v = v3_strtoll(s, &end, base);
		g = strtoll(s, &gend, (int)base);
		if (v != g || end != gend)
			fail_msg("\"%s\" base %u: v3 %lld/%td, glibc %lld/%td", s, base,
				 (long long)v, end - s, (long long)g, gend - s);
	}
}

static void test_ctype_vs_libc(void **state)
{
	(void)state;
	/* The C locale is ASCII; also EOF and out-of-range ints must just say "no". */
	for (int c = -1; c < 256; c++) {
		assert_int_equal(v3_isdigit(c), !!isdigit(c));
		assert_int_equal(v3_isspace(c), !!isspace(c));
		assert_int_equal(v3_isxdigit(c), !!isxdigit(c));
		assert_int_equal(v3_isalpha(c), !!isalpha(c));
		assert_int_equal(v3_tolower(c), tolower(c));
	}
	assert_false(v3_isdigit(0x130));
	assert_false(v3_isspace(-128));
	assert_int_equal(v3_tolower(0x141), 0x141);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_memcpy_all_sizes_alignments),
		cmocka_unit_test(test_memmove_overlap_both_directions),
		cmocka_unit_test(test_memmove_large_overlap),
		cmocka_unit_test(test_memset_all_sizes_alignments),
		cmocka_unit_test(test_memcmp),
		cmocka_unit_test(test_strlen_strnlen),
		cmocka_unit_test(test_strcmp_strncmp),
		cmocka_unit_test(test_strchr_strrchr),
		cmocka_unit_test(test_strstr),
		cmocka_unit_test(test_strlcpy),
		cmocka_unit_test(test_strlcat),
		cmocka_unit_test(test_strtoull_table),
		cmocka_unit_test(test_strtoll_table),
		cmocka_unit_test(test_strtoull_vs_glibc),
		cmocka_unit_test(test_strtoll_vs_glibc),
		cmocka_unit_test(test_ctype_vs_libc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
