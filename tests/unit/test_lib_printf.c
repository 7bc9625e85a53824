/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for palacios/src/lib/printf.c. glibc's snprintf is the oracle: every format is run
 * through both, and most of them at every buffer size from 0 to past the full length, into
 * exact-size heap buffers so that ASan sees any write past size. The few places where we differ
 * from glibc on purpose (printf.h) have their own tests.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "lib/printf.h"
#include "lib/string.h"

/* The point here is feeding generated and deliberately odd formats to both implementations. */
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

#define OUT_MAX 512

typedef int (*snprintf_fn)(char *, size_t, const char *, ...);

/* The flag characters, in the order of the bits of a generated flag set. */
static const char fmt_flags[] = "-0+ #";

/*
 * Run fmt with ap through v3_vsnprintf into an exact-size buffer of every size up to the full
 * length + 2, and check each result is the prefix of want with a NUL and the full length.
 */
static void sweep_sizes(int line, const char *want, int wn, const char *fmt, va_list ap)
{
	for (size_t size = 0; size <= (size_t)wn + 2; size++) {
		char *buf = size ? malloc(size) : NULL;
		size_t n = size ? (size - 1 < (size_t)wn ? size - 1 : (size_t)wn) : 0;
		va_list aq;
		int gn;

		if (size) {
			assert_non_null(buf);
			memset(buf, '@', size);
		}
		va_copy(aq, ap);
		gn = v3_vsnprintf(buf, size, fmt, aq);
		va_end(aq);
		if (gn != wn || (size && (memcmp(buf, want, n) || buf[n] != '\0')))
			fail_msg("line %d: \"%s\" size %zu: ret %d (want %d), got \"%.*s\"", line,
				 fmt, size, gn, wn, (int)n, buf ? buf : "");
		free(buf);
	}
}

/* Compare v3_vsnprintf with glibc for one format; sweep all buffer sizes if asked. */
static void vcompare(int line, bool sweep, const char *fmt, va_list ap)
{
	char want[OUT_MAX], got[OUT_MAX];
	va_list aq;
	int wn, gn;

	va_copy(aq, ap);
	wn = vsnprintf(want, sizeof(want), fmt, aq);
	va_end(aq);
	va_copy(aq, ap);
	gn = v3_vsnprintf(got, sizeof(got), fmt, aq);
	va_end(aq);
	assert_true(wn >= 0 && wn < OUT_MAX);
	/* memcmp, not strcmp: "%c" of 0 puts a NUL inside the output. */
	if (gn != wn || memcmp(got, want, wn + 1))
		fail_msg("line %d: \"%s\": got \"%s\" (%d), glibc \"%s\" (%d)", line, fmt, got, gn,
			 want, wn);
	if (sweep)
		sweep_sizes(line, want, wn, fmt, ap);
}

/* For formats GCC checks: they must be valid C. */
static void __v3_printf(2, 3) check(int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vcompare(line, true, fmt, ap);
	va_end(ap);
}

/* For formats GCC would flag but glibc defines (e.g. '0' with %s): not format-checked. */
static void check_raw(int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vcompare(line, true, fmt, ap);
	va_end(ap);
}

#define CHECK(...) check(__LINE__, __VA_ARGS__)
#define CHECK_RAW(...) check_raw(__LINE__, __VA_ARGS__)

/* Expect exactly want (for behaviour that is ours, not glibc's), at every buffer size. */
static void expect(int line, const char *want, const char *fmt, ...)
{
	char got[OUT_MAX];
	va_list ap, aq;
	int gn;

	va_start(ap, fmt);
	va_copy(aq, ap);
	gn = v3_vsnprintf(got, sizeof(got), fmt, aq);
	va_end(aq);
	if (gn != (int)strlen(want) || strcmp(got, want))
		fail_msg("line %d: \"%s\": got \"%s\" (%d), want \"%s\"", line, fmt, got, gn, want);
	sweep_sizes(line, want, gn, fmt, ap);
	va_end(ap);
}

#define EXPECT(want, ...) expect(__LINE__, want, __VA_ARGS__)

/* ---- hand-written cases ---- */

static void test_plain_text(void **state)
{
	(void)state;
	CHECK("%s", "");
	CHECK("hello");
	CHECK("%s", "hello world");
	CHECK("100%%");
	CHECK("%%%%%d%%", 5);
	CHECK("a%cb", 'x');
	CHECK("%c", 0); /* a NUL in the middle of the output still counts */
	CHECK("x%cy", 0);
}

static void test_integer_extremes(void **state)
{
	(void)state;
	CHECK("%d %d %d", INT_MIN, INT_MAX, 0);
	CHECK("%ld %ld", LONG_MIN, LONG_MAX);
	CHECK("%lld %lld %llu", LLONG_MIN, LLONG_MAX, ULLONG_MAX);
	CHECK("%jd %ju", INTMAX_MIN, UINTMAX_MAX);
	CHECK("%zu %zx %zd", SIZE_MAX, SIZE_MAX, (ptrdiff_t)-1);
	CHECK("%td %tu", PTRDIFF_MIN, (size_t)PTRDIFF_MAX + 1);
	CHECK("%llx %llX %llo", ULLONG_MAX, ULLONG_MAX, ULLONG_MAX);
	CHECK("%#llx %#llX %#llo", ULLONG_MAX, ULLONG_MAX, ULLONG_MAX);
	CHECK("%+lld % lld %+lld", LLONG_MIN, LLONG_MIN, LLONG_MAX);
	CHECK("%030lld|%-30lld|%.25lld", LLONG_MIN, LLONG_MIN, LLONG_MIN);
	CHECK("%u %x %o", UINT_MAX, UINT_MAX, UINT_MAX);
	/* hh and h convert the promoted int back down. */
	CHECK("%hhd %hhu %hhx %hhd %hhd", 300, 300, 300, 200, -129);
	CHECK("%hd %hu %hx %hd", 70000, 70000, -1, 40000);
}

static void test_zero_precision_zero(void **state)
{
	(void)state;
	/* Precision 0 and value 0: no digits at all, except "%#o" which keeps its 0. */
	CHECK("[%.0d][%.0i][%.0u][%.0x][%.0X][%.0o]", 0, 0, 0u, 0u, 0u, 0u);
	CHECK("[%#.0x][%#.0X][%#.0o][%#o][%#x]", 0u, 0u, 0u, 0u, 0u);
	CHECK_RAW("[%5.0d][%-5.0d][%+.0d][% .0d][%05.0d]", 0, 0, 0, 0, 0);
	CHECK("[%.d][%5.d][%#.o]", 0, 0, 0u);
	CHECK("[%.0d][%.0x]", 1, 1u);
}

static void test_flags_interplay(void **state)
{
	(void)state;
	/* '-' beats '0', '+' beats ' ', precision disables '0'. */
	CHECK_RAW("[%-05d][%0-5d]", 42, 42);
	CHECK_RAW("[% +d][%+ d][% d][% d]", 42, 42, 42, -42);
	CHECK_RAW("[%08.3d][%08.3x][%-8.3d|]", -42, 0x42u, -42);
	CHECK("[%#08x][%#8x][%#-8x|][%#08o][%#.8o][%#8.3o]", 0x42u, 0x42u, 0x42u, 8u, 8u, 8u);
	CHECK("[%+05d][% 05d][%+5d][%-+5d|]", 7, 7, -7, 7);
	CHECK("[%#X][%#x][%#o][%#o]", 0xabcu, 0xabcu, 0777u, 01u);
	/* '+' and ' ' do nothing to unsigned conversions. */
	CHECK_RAW("[%+u][% u][%+x][% o]", 5u, 5u, 5u, 5u);
	/* Repeated flags are harmless. */
	CHECK_RAW("[%--5d|][%00005d][%++d]", 1, 1, 1);
}

static void test_width_precision_star(void **state)
{
	(void)state;
	CHECK("[%*d][%-*d][%*d]", 6, 42, 6, 42, -6, 42); /* negative '*' width is '-' */
	CHECK("[%.*d][%.*d][%.*d]", 5, 42, 0, 0, -3, 42); /* negative '*' precision is none */
	CHECK("[%*.*d][%*.*s]", 8, 4, -3, -8, 2, "hello");
	CHECK("[%0*d][%0*d]", 6, -3, -6, -3);
	CHECK_RAW("[%0*.*d][%05.*d]", 6, 2, -3, -1, -3);
	CHECK("[%.*s][%.*s][%-*s|]", 3, "abcdef", -1, "abcdef", 5, "ab");
	CHECK("[%.100d]", 1);
	CHECK("[%200d]", -1);
	CHECK("[%-150.120x|]", 0xdeadu);
	CHECK("[%*c][%-*c|]", 4, 'q', 4, 'q');
}

static void test_strings(void **state)
{
	const char *null = NULL;
	char *nonul = malloc(3);

	(void)state;
	CHECK("[%s][%10s][%-10s|][%.2s][%10.2s][%-10.2s|][%.0s]", "abc", "abc", "abc", "abc",
	      "abc", "abc", "abc");
	CHECK("[%.10s][%3s][%.3s]", "abc", "abcdef", "abcdef");
	/* NULL: "(null)" whole, or nothing if the precision cuts it (glibc). */
	CHECK_RAW("[%s][%10s][%-10s|][%.6s][%.5s][%.0s][%8.3s]", null, null, null, null, null,
		  null, null);
	/* The precision bounds the read: a buffer with no NUL at all (ASan checks). */
	assert_non_null(nonul);
	memcpy(nonul, "xyz", 3);
	CHECK("[%.3s][%.2s][%5.3s]", nonul, nonul, nonul);
	free(nonul);
	/* '0' with %s and %c pads with spaces in glibc. */
	CHECK_RAW("[%05s][%05c]", "ab", 'c');
	CHECK("%c%c%c", 'a', 256 + 'b', -1);
}

static void test_pointers(void **state)
{
	(void)state;
	CHECK("[%p][%p][%p]", (void *)1, (void *)0x1234, (void *)UINTPTR_MAX);
	CHECK("[%20p][%-20p|]", (void *)0xabc, (void *)0xabc);
	CHECK_RAW("[%.12p][%020p][%#p][%+p][% p]", (void *)0xabc, (void *)0xabc, (void *)0xabc,
		  (void *)0xabc, (void *)0xabc);
	CHECK("%p", (void *)0xffff800000000000);
	/* NULL is "0x0" where glibc says "(nil)". */
	EXPECT("0x0", "%p", NULL);
	EXPECT("[  0x0][0x0  ][0x000][0x0][0x00000]", "[%5p][%-5p][%05p][%.0p][%.5p]", NULL, NULL,
	       NULL, NULL, NULL);
}

static void test_unknown_conversions(void **state)
{
	(void)state;
	/* Printed literally from the '%' on; arguments taken by '*' are still consumed. */
	EXPECT("%y", "%y");
	EXPECT("a%5yb", "a%5yb");
	EXPECT("%-08.3y", "%-08.3y");
	EXPECT("%hy %lly %zy", "%hy %lly %zy");
	EXPECT("%Ld", "%Ld", 5);
	EXPECT("%*y 7", "%*y %d", 3, 7);
	EXPECT("%n", "%n", NULL);
	EXPECT("%f %e %g %a", "%f %e %g %a");
	/* A '%' that runs into the end of the format. */
	EXPECT("abc%", "abc%");
	EXPECT("%-", "%-");
	EXPECT("x%5", "x%5");
	EXPECT("%.", "%.");
	EXPECT("%l", "%l");
	EXPECT("%hh", "%hh");
	/* '%%' ignores flags and width, as glibc does. */
	EXPECT("[%][%][%]", "[%5%][%-5%][%05%]");
}

static void test_return_value_and_null_buffer(void **state)
{
	char buf[8] = "#######";

	(void)state;
	assert_int_equal(v3_snprintf(NULL, 0, "%s-%d", "hello", 12345), 11);
	assert_int_equal(v3_snprintf(buf, 0, "%s", "abc"), 3);
	assert_string_equal(buf, "#######"); /* size 0: nothing written, not even the NUL */
	assert_int_equal(v3_snprintf(buf, 1, "%s", "abc"), 3);
	assert_int_equal(buf[0], '\0');
	assert_int_equal(buf[1], '#');
	assert_int_equal(v3_snprintf(buf, sizeof(buf), "%s", ""), 0);
	assert_int_equal(buf[0], '\0');
	assert_int_equal(v3_snprintf(buf, sizeof(buf), "%s", "1234567890"), 10);
	assert_string_equal(buf, "1234567");
}

static void test_huge_widths(void **state)
{
	/* Through a volatile pointer, so GCC cannot see the formats and reject them. */
	snprintf_fn volatile unchecked = v3_snprintf;
	char buf[16];

	(void)state;
	/* INT_MAX characters are counted, not produced; the count is capped at INT_MAX. */
	assert_int_equal(unchecked(buf, sizeof(buf), "%2147483647d", 5), INT_MAX);
	assert_string_equal(buf, "               ");
	assert_int_equal(unchecked(NULL, 0, "x%2147483647d", 5), INT_MAX);
	assert_int_equal(unchecked(NULL, 0, "%99999999999999999999d", 5), INT_MAX);
	assert_int_equal(unchecked(buf, sizeof(buf), "%-*d", INT_MAX, 5), INT_MAX);
	assert_string_equal(buf, "5              ");
	/* '*' width of INT_MIN: left-justified, clamped to INT_MAX. */
	assert_int_equal(unchecked(buf, sizeof(buf), "%*d", INT_MIN, 5), INT_MAX);
	assert_string_equal(buf, "5              ");
	assert_int_equal(unchecked(buf, sizeof(buf), "%.2147483647d", 5), INT_MAX);
	assert_string_equal(buf, "000000000000000");
	assert_int_equal(unchecked(buf, sizeof(buf), "%.2147483647s", "ab"), 2);
	assert_int_equal(unchecked(buf, sizeof(buf), "%020s", "ab"), 20);
}

/* v3_vsnprintf works on a va_list its caller started, and on a va_copy of one. */
static int __v3_printf(3, 4) twice(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap, aq;
	int a, b;

	va_start(ap, fmt);
	va_copy(aq, ap);
	a = v3_vsnprintf(buf, size, fmt, ap);
	b = v3_vsnprintf(buf, size, fmt, aq);
	va_end(aq);
	va_end(ap);
	assert_int_equal(a, b);
	return a;
}

static void test_vsnprintf_va_copy(void **state)
{
	char buf[64];

	(void)state;
	assert_int_equal(twice(buf, sizeof(buf), "%d %s %llx", 1, "two", 0x3ULL), 7);
	assert_string_equal(buf, "1 two 3");
}

/* ---- generated combinations ---- */

/* Call fn with the nstars '*' values (0, 1 or 2) before the converted argument. */
#define CALL_STARS(fn, buf, size, fmt, nstars, s0, s1, arg)                  \
	((nstars) == 0 ? fn(buf, size, fmt, arg) :                          \
	 (nstars) == 1 ? fn(buf, size, fmt, s0, arg) :                      \
			 fn(buf, size, fmt, s0, s1, arg))

/* Pass v as the C type that length modifier len and a (un)signed conversion fetch. */
static int call_int(snprintf_fn fn, char *buf, size_t size, const char *fmt, int nstars, int s0,
		    int s1, const char *len, bool sgn, u64 v)
{
	if (!strcmp(len, "l"))
		return sgn ? CALL_STARS(fn, buf, size, fmt, nstars, s0, s1, (long)v) :
			     CALL_STARS(fn, buf, size, fmt, nstars, s0, s1, (unsigned long)v);
	if (!strcmp(len, "ll"))
		return sgn ? CALL_STARS(fn, buf, size, fmt, nstars, s0, s1, (long long)v) :
			     CALL_STARS(fn, buf, size, fmt, nstars, s0, s1, (unsigned long long)v);
	if (!strcmp(len, "j"))
		return sgn ? CALL_STARS(fn, buf, size, fmt, nstars, s0, s1, (intmax_t)v) :
			     CALL_STARS(fn, buf, size, fmt, nstars, s0, s1, (uintmax_t)v);
	if (!strcmp(len, "z") || !strcmp(len, "t"))
		return sgn ? CALL_STARS(fn, buf, size, fmt, nstars, s0, s1, (ptrdiff_t)v) :
			     CALL_STARS(fn, buf, size, fmt, nstars, s0, s1, (size_t)v);
	/* "", "h", "hh": the argument is an int (truncated here, narrowed by printf). */
	return sgn ? CALL_STARS(fn, buf, size, fmt, nstars, s0, s1, (int)v) :
		     CALL_STARS(fn, buf, size, fmt, nstars, s0, s1, (unsigned int)v);
}

struct width_opt {
	const char *text;
	int star; /* value passed for '*' */
};

static const struct width_opt widths[] = {
	{ "", 0 }, { "1", 0 }, { "6", 0 }, { "25", 0 }, { "*", 9 }, { "*", -9 },
};

static const struct width_opt precs[] = {
	{ "", 0 }, { ".", 0 }, { ".0", 0 }, { ".1", 0 }, { ".4", 0 }, { ".22", 0 }, { ".*", 3 },
	{ ".*", -1 },
};

static const u64 int_values[] = {
	0,
	1,
	7,
	8,
	10,
	15,
	16,
	0x7f,
	0x80,
	0xff,
	0x100,
	0x7fff,
	0x8000,
	0xffff,
	0x7fffffff,
	0x80000000,
	0xffffffff,
	0x100000000,
	123456789012345ULL,
	INT64_MAX,
	(u64)INT64_MIN,
	UINT64_MAX,
	(u64)-2,
	(u64)-128,
	(u64)-129,
	(u64)-32768,
};

/* Build "%" flags width prec len conv into fmt; returns how many '*' it has. */
static int build_fmt(char *fmt, unsigned int flagset, const struct width_opt *w,
		     const struct width_opt *p, const char *len, char conv)
{
	char *f = fmt;

	*f++ = '%';
	for (size_t i = 0; fmt_flags[i]; i++)
		if (flagset & (1u << i))
			*f++ = fmt_flags[i];
	sprintf(f, "%s%s%s%c", w->text, p->text, len, conv);
	return (w->text[0] == '*') + (p->text[0] == '.' && p->text[1] == '*');
}

static void compare_int(const char *fmt, int nstars, int s0, int s1, const char *len, char conv,
			u64 v, bool sweep)
{
	char want[OUT_MAX], got[OUT_MAX];
	bool sgn = conv == 'd' || conv == 'i';
	int wn = call_int(snprintf, want, sizeof(want), fmt, nstars, s0, s1, len, sgn, v);
	int gn = call_int(v3_snprintf, got, sizeof(got), fmt, nstars, s0, s1, len, sgn, v);

	if (wn != gn || strcmp(want, got))
		fail_msg("\"%s\" (stars %d %d) of %#llx: got \"%s\" (%d), glibc \"%s\" (%d)", fmt,
			 s0, s1, (unsigned long long)v, got, gn, want, wn);
	if (!sweep)
		return;
	for (size_t size = 0; size <= (size_t)wn + 1; size++) {
		char *buf = size ? malloc(size) : NULL;
		size_t n = size ? (size - 1 < (size_t)wn ? size - 1 : (size_t)wn) : 0;

		gn = call_int(v3_snprintf, buf, size, fmt, nstars, s0, s1, len, sgn, v);
		assert_int_equal(gn, wn);
		if (size) {
			assert_memory_equal(buf, want, n);
			assert_int_equal(buf[n], '\0');
		}
		free(buf);
	}
}

/* Every flag subset x width x precision x length x conversion x value, against glibc. */
static void test_integer_combinations(void **state)
{
	static const char *const lens[] = { "", "hh", "h", "l", "ll", "z", "j", "t" };
	static const char convs[] = "diuxXo";
	unsigned long n = 0;
	char fmt[32];

	(void)state;
	for (unsigned int fl = 0; fl < 32; fl++)
		for (size_t w = 0; w < V3_ARRAY_SIZE(widths); w++)
			for (size_t p = 0; p < V3_ARRAY_SIZE(precs); p++)
				for (size_t l = 0; l < V3_ARRAY_SIZE(lens); l++)
					for (size_t c = 0; c < sizeof(convs) - 1; c++) {
						int ns = build_fmt(fmt, fl, &widths[w], &precs[p],
								   lens[l], convs[c]);
						int s0 = ns == 2 || widths[w].text[0] == '*' ?
								 widths[w].star :
								 precs[p].star;
						int s1 = precs[p].star;

						for (size_t v = 0; v < V3_ARRAY_SIZE(int_values);
						     v++, n++)
							compare_int(fmt, ns, s0, s1, lens[l],
								    convs[c], int_values[v],
								    n % 101 == 0);
					}
}

/* One %s, %p or %c conversion (arg is the string or pointer; %c prints 'Z'), against glibc. */
static void compare_scp(const char *fmt, int ns, int s0, int s1, char conv, const void *arg)
{
	char want[OUT_MAX], got[OUT_MAX];
	int wn, gn;

	if (conv == 'c') {
		wn = CALL_STARS(snprintf, want, sizeof(want), fmt, ns, s0, s1, 'Z');
		gn = CALL_STARS(v3_snprintf, got, sizeof(got), fmt, ns, s0, s1, 'Z');
	} else {
		/* va_arg may fetch a const void * as a const char * (C11 7.16.1.1). */
		wn = CALL_STARS(snprintf, want, sizeof(want), fmt, ns, s0, s1, arg);
		gn = CALL_STARS(v3_snprintf, got, sizeof(got), fmt, ns, s0, s1, arg);
	}
	if (wn != gn || strcmp(want, got))
		fail_msg("\"%s\" (stars %d %d): got \"%s\" (%d), glibc \"%s\" (%d)", fmt, s0, s1,
			 got, gn, want, wn);
}

static void test_string_char_pointer_combinations(void **state)
{
	static const char *const strs[] = { "", "a", "hello", "a somewhat longer string", NULL };
	static const void *const ptrs[] = { (void *)1, (void *)0x1000, (void *)0x7fffdeadbeef,
					    (void *)UINTPTR_MAX };
	char fmt[32];

	(void)state;
	for (unsigned int fl = 0; fl < 32; fl++) {
		for (size_t w = 0; w < V3_ARRAY_SIZE(widths); w++) {
			for (size_t p = 0; p < V3_ARRAY_SIZE(precs); p++) {
				int ns = build_fmt(fmt, fl, &widths[w], &precs[p], "", 's');
				int s0 = ns == 2 || widths[w].text[0] == '*' ? widths[w].star :
									       precs[p].star;
				int s1 = precs[p].star;

				for (size_t i = 0; i < V3_ARRAY_SIZE(strs); i++)
					compare_scp(fmt, ns, s0, s1, 's', strs[i]);
				build_fmt(fmt, fl, &widths[w], &precs[p], "", 'p');
				for (size_t i = 0; i < V3_ARRAY_SIZE(ptrs); i++)
					compare_scp(fmt, ns, s0, s1, 'p', ptrs[i]);
				build_fmt(fmt, fl, &widths[w], &precs[p], "", 'c');
				compare_scp(fmt, ns, s0, s1, 'c', NULL);
			}
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_text),
		cmocka_unit_test(test_integer_extremes),
		cmocka_unit_test(test_zero_precision_zero),
		cmocka_unit_test(test_flags_interplay),
		cmocka_unit_test(test_width_precision_star),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_pointers),
		cmocka_unit_test(test_unknown_conversions),
		cmocka_unit_test(test_return_value_and_null_buffer),
		cmocka_unit_test(test_huge_widths),
		cmocka_unit_test(test_vsnprintf_va_copy),
		cmocka_unit_test(test_integer_combinations),
		cmocka_unit_test(test_string_char_pointer_combinations),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
