/* SPDX-License-Identifier: MIT */
/* Unit tests for host-kitten's command-line parser (host-kitten/cmdline.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "hk.h"

static void test_key_value_and_flags(void **state)
{
	(void)state;
	hk_cmdline_parse("/boot/host-kitten.bin hk.test=bigalloc  flag\tx=1");
	assert_string_equal(hk_cmdline_get("hk.test"), "bigalloc");
	assert_string_equal(hk_cmdline_get("flag"), "");
	assert_string_equal(hk_cmdline_get("x"), "1");
	assert_string_equal(hk_cmdline_get("/boot/host-kitten.bin"), "");
	assert_null(hk_cmdline_get("hk"));
	assert_null(hk_cmdline_get("missing"));
}

static void test_later_word_wins(void **state)
{
	(void)state;
	hk_cmdline_parse("a=1 b=2 a=3");
	assert_string_equal(hk_cmdline_get("a"), "3");
	assert_string_equal(hk_cmdline_get("b"), "2");
}

static void test_quotes_and_equals_in_value(void **state)
{
	(void)state;
	hk_cmdline_parse("name=\"a b  c\" eq=x=y \"q k\"=v");
	assert_string_equal(hk_cmdline_get("name"), "a b  c");
	assert_string_equal(hk_cmdline_get("eq"), "x=y");
	assert_string_equal(hk_cmdline_get("q k"), "v");
}

static void test_empty_and_null(void **state)
{
	(void)state;
	hk_cmdline_parse(NULL);
	assert_string_equal(hk_cmdline_raw(), "");
	assert_null(hk_cmdline_get("x"));
	hk_cmdline_parse("   ");
	assert_null(hk_cmdline_get(""));
	hk_cmdline_parse("k=");
	assert_string_equal(hk_cmdline_get("k"), "");
}

static void test_overlong_line_is_truncated_safely(void **state)
{
	char line[3000];

	(void)state;
	memset(line, 'a', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	memcpy(line, "k=v ", 4);
	hk_cmdline_parse(line);
	assert_string_equal(hk_cmdline_get("k"), "v");
	assert_int_equal(strlen(hk_cmdline_raw()), 1023);
}

static void test_many_words_are_bounded(void **state)
{
	char line[1024] = "";

	(void)state;
	for (int i = 0; i < 100; i++)
		strcat(line, "w ");
	strcat(line, "last=1");
	hk_cmdline_parse(line);  /* more words than slots: the extra ones are dropped */
	assert_string_equal(hk_cmdline_get("w"), "");
	assert_null(hk_cmdline_get("last"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_value_and_flags),
		cmocka_unit_test(test_later_word_wins),
		cmocka_unit_test(test_quotes_and_equals_in_value),
		cmocka_unit_test(test_empty_and_null),
		cmocka_unit_test(test_overlong_line_is_truncated_safely),
		cmocka_unit_test(test_many_words_are_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
