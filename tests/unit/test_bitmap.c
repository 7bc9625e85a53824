/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for lib/bitmap: every operation is checked against a one-bool-
 * per-bit model, at word boundaries, with garbage past nbits, and on random
 * maps. Also times a GiB-sized aligned run search in a 6M-bit map.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "lib/bitmap.h"

#define WORDS 8
#define BITS (WORDS * 64)

static u64 rng_state = 0x9e3779b97f4a7c15ULL;

static u64 rnd(void)
{
	/* xorshift64*: deterministic, so a failure reproduces. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

/* Random map whose set bits have density about 1 / sparsity. */
static void random_map(u64 *map, bool *model, u64 nbits, unsigned int sparsity)
{
	u64 i;

	memset(map, 0, V3_BITMAP_WORDS(nbits) * 8);
	for (i = 0; i < nbits; i++) {
		model[i] = rnd() % sparsity == 0;
		if (model[i])
			map[i / 64] |= 1ULL << (i % 64);
	}
}

static void test_single_bits(void **state)
{
	static const u64 bits[] = { 0, 1, 62, 63, 64, 65, 127, 128, 255, 256, BITS - 1 };
	u64 map[WORDS] = { 0 };
	size_t i;

	(void)state;
	for (i = 0; i < V3_ARRAY_SIZE(bits); i++) {
		assert_false(v3_bitmap_test(map, bits[i]));
		v3_bitmap_set(map, bits[i]);
		assert_true(v3_bitmap_test(map, bits[i]));
	}
	assert_int_equal(v3_bitmap_count_set(map, BITS), V3_ARRAY_SIZE(bits));
	assert_int_equal(map[0], 0xc000000000000003ULL);
	assert_int_equal(map[1], 0x8000000000000003ULL);
	for (i = 0; i < V3_ARRAY_SIZE(bits); i++) {
		v3_bitmap_clear(map, bits[i]);
		assert_false(v3_bitmap_test(map, bits[i]));
	}
	for (i = 0; i < WORDS; i++)
		assert_int_equal(map[i], 0);
}

/* set_range/clear_range for every start 0..130 and length 0..200, both backgrounds. */
static void test_set_clear_range_exhaustive(void **state)
{
	u64 map[WORDS];
	u64 start, n, i;
	int bg;

	(void)state;
	for (bg = 0; bg < 2; bg++) {
		for (start = 0; start <= 130; start++) {
			for (n = 0; n <= 200; n++) {
				memset(map, bg ? 0xff : 0, sizeof(map));
				if (bg)
					v3_bitmap_clear_range(map, start, n);
				else
					v3_bitmap_set_range(map, start, n);
				for (i = 0; i < BITS; i++) {
					bool in = i >= start && i < start + n;

					assert_int_equal(v3_bitmap_test(map, i), in != (bg == 1));
				}
			}
		}
	}
}

static void test_range_is_clear_and_count(void **state)
{
	u64 map[WORDS];
	bool model[BITS];
	u64 start, n, i, count;
	int round;

	(void)state;
	for (round = 0; round < 40; round++) {
		random_map(map, model, BITS, 1 + round % 50);
		for (start = 0; start <= 130; start++) {
			for (n = 0; start + n <= BITS; n += 1 + n / 8) {
				count = 0;
				for (i = start; i < start + n; i++)
					count += model[i];
				assert_int_equal(v3_bitmap_count_range(map, start, n), count);
				assert_int_equal(v3_bitmap_range_is_clear(map, start, n),
						 count == 0);
			}
		}
	}
}

/* Bits past nbits in the last word must not count or be found. */
static void test_count_and_find_ignore_tail(void **state)
{
	u64 map[WORDS];
	bool model[BITS];
	u64 nbits, from, i, count, want_set, want_zero;
	int round;

	(void)state;
	for (round = 0; round < 60; round++) {
		random_map(map, model, BITS, 1 + round % 9);
		for (nbits = 1; nbits <= BITS; nbits += 1 + rnd() % 7) {
			count = 0;
			for (i = 0; i < nbits; i++)
				count += model[i];
			assert_int_equal(v3_bitmap_count_set(map, nbits), count);
			for (from = 0; from <= nbits + 2; from++) {
				want_set = nbits;
				want_zero = nbits;
				for (i = from; i < nbits; i++) {
					if (model[i] && want_set == nbits)
						want_set = i;
					if (!model[i] && want_zero == nbits)
						want_zero = i;
				}
				assert_int_equal(v3_bitmap_find_next_set(map, nbits, from),
						 want_set);
				assert_int_equal(v3_bitmap_find_next_zero(map, nbits, from),
						 want_zero);
			}
		}
	}
}

static void test_find_all_ones_all_zeros(void **state)
{
	u64 map[WORDS];

	(void)state;
	memset(map, 0, sizeof(map));
	assert_int_equal(v3_bitmap_find_next_set(map, BITS, 0), BITS);
	assert_int_equal(v3_bitmap_find_next_zero(map, BITS, BITS - 1), BITS - 1);
	assert_int_equal(v3_bitmap_find_next_zero(map, BITS, BITS), BITS);
	assert_int_equal(v3_bitmap_count_set(map, BITS), 0);
	assert_int_equal(v3_bitmap_count_set(map, 0), 0);
	memset(map, 0xff, sizeof(map));
	assert_int_equal(v3_bitmap_find_next_zero(map, BITS, 0), BITS);
	assert_int_equal(v3_bitmap_find_next_set(map, BITS, 300), 300);
	assert_int_equal(v3_bitmap_count_set(map, BITS), BITS);
	assert_int_equal(v3_bitmap_count_set(map, 77), 77);
	assert_int_equal(v3_bitmap_find_zero_run(map, BITS, 0, 1, 1), BITS);
}

static u64 model_zero_run(const bool *model, u64 nbits, u64 from, u64 n, u64 align, u64 phase)
{
	u64 i, j;

	if (n == 0)
		return nbits;
	for (i = from; i + n <= nbits; i++) {
		if (i % align != phase % align)
			continue;
		for (j = 0; j < n && !model[i + j]; j++)
			;
		if (j == n)
			return i;
	}
	return nbits;
}

static void test_zero_run_random(void **state)
{
	static const u64 aligns[] = { 1, 2, 4, 8, 64, 128, 256 };
	u64 map[WORDS];
	bool model[BITS];
	u64 nbits, from, n, align, phase, want, got;
	int round, q;

	(void)state;
	for (round = 0; round < 300; round++) {
		random_map(map, model, BITS, 2 + round % 60);
		nbits = BITS - rnd() % 100;
		for (q = 0; q < 200; q++) {
			from = rnd() % (nbits + 4);
			n = rnd() % 4 ? 1 + rnd() % 40 : rnd() % (nbits + 2);
			align = aligns[rnd() % V3_ARRAY_SIZE(aligns)];
			phase = rnd() % 3 ? 0 : rnd() % align;
			want = model_zero_run(model, nbits, from, n, align, phase);
			got = v3_bitmap_find_zero_run_phase(map, nbits, from, n, align, phase);
			assert_int_equal(got, want);
			if (phase == 0) {
				got = v3_bitmap_find_zero_run(map, nbits, from, n, align);
				assert_int_equal(got, want);
			}
		}
	}
}

/* A single clear run [off, off + len) in an all-ones map, for every offset 0..130. */
static void test_zero_run_every_offset(void **state)
{
	u64 map[WORDS];
	u64 off, len, align;

	(void)state;
	for (off = 0; off <= 130; off++) {
		for (len = 1; len <= 140 && off + len <= BITS; len++) {
			memset(map, 0xff, sizeof(map));
			v3_bitmap_clear_range(map, off, len);
			assert_int_equal(v3_bitmap_find_zero_run(map, BITS, 0, len, 1), off);
			assert_int_equal(v3_bitmap_find_zero_run(map, BITS, 0, len + 1, 1), BITS);
			assert_int_equal(v3_bitmap_find_zero_run(map, BITS, off + 1, 1, 1),
					 len > 1 ? off + 1 : BITS);
			for (align = 2; align <= 128; align *= 2) {
				u64 first = V3_ALIGN_UP(off, align);
				u64 want = first + 1 <= off + len ? first : BITS;

				assert_int_equal(v3_bitmap_find_zero_run(map, BITS, 0, 1, align),
						 want);
			}
			/* The run ends exactly at nbits. */
			assert_int_equal(v3_bitmap_find_zero_run(map, off + len, 0, len, 1), off);
		}
	}
}

static void test_zero_run_edges(void **state)
{
	u64 map[WORDS];

	(void)state;
	memset(map, 0, sizeof(map));
	assert_int_equal(v3_bitmap_find_zero_run(map, BITS, 0, 0, 1), BITS);
	assert_int_equal(v3_bitmap_find_zero_run(map, BITS, 0, BITS, 1), 0);
	assert_int_equal(v3_bitmap_find_zero_run(map, BITS, 0, BITS + 1, 1), BITS);
	assert_int_equal(v3_bitmap_find_zero_run(map, BITS, 1, BITS, 1), BITS);
	assert_int_equal(v3_bitmap_find_zero_run(map, BITS, BITS, 1, 1), BITS);
	assert_int_equal(v3_bitmap_find_zero_run(map, BITS, ~0ULL, 1, 1), BITS);
	/* Rounding from up to the alignment wraps past 2^64: must not land on 0. */
	assert_int_equal(v3_bitmap_find_zero_run(map, BITS, ~0ULL, 1, 2), BITS);
	assert_int_equal(v3_bitmap_find_zero_run_phase(map, BITS, ~0ULL - 5, 1, 1ULL << 63, 3),
			 BITS);
	assert_int_equal(v3_bitmap_find_zero_run(map, BITS, 0, 1, 3), BITS);
	assert_int_equal(v3_bitmap_find_zero_run(map, BITS, 0, 1, 0), BITS);
	assert_int_equal(v3_bitmap_find_zero_run(map, BITS, 1, 1, 1024), BITS);
	assert_int_equal(v3_bitmap_find_zero_run(map, BITS, 1, 1, 1ULL << 63), BITS);
	assert_int_equal(v3_bitmap_find_zero_run(map, BITS, 0, 1, 1ULL << 63), 0);
	assert_int_equal(v3_bitmap_find_zero_run_phase(map, BITS, 0, 1, 1ULL << 63, 5), 5);
	assert_int_equal(v3_bitmap_find_zero_run_phase(map, BITS, 6, 1, 8, 13), 13);
	/* Garbage past nbits must not satisfy or block a search. */
	memset(map, 0xff, sizeof(map));
	v3_bitmap_clear_range(map, 100, 28);
	assert_int_equal(v3_bitmap_find_zero_run(map, 120, 0, 20, 1), 100);
	assert_int_equal(v3_bitmap_find_zero_run(map, 120, 0, 21, 1), 120);
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static double time_search(const u64 *map, u64 nbits, u64 n, u64 align, u64 want)
{
	u64 found = 0;
	double t0, t1;
	int rep;

	t0 = now_us();
	for (rep = 0; rep < 10; rep++)
		found = v3_bitmap_find_zero_run(map, nbits, 0, n, align);
	t1 = now_us();
	assert_int_equal(found, want);
	return (t1 - t0) / 10;
}

/*
 * 6M pages (24 GiB) where only the last GiB is free as a whole, in three
 * layouts; prints the time of each search (not asserted: sanitizers skew it).
 */
static void test_zero_run_gib_speed(void **state)
{
	const u64 nbits = 6ULL << 20;
	const u64 gib = 1ULL << 18;
	u64 *map = calloc(V3_BITMAP_WORDS(nbits), 8);
	u64 i;
	double us;

	(void)state;
	assert_non_null(map);
	/* A used page every 1000 pages. */
	for (i = 0; i < nbits - gib; i += 1000)
		v3_bitmap_set(map, i);
	us = time_search(map, nbits, gib, gib, nbits - gib);
	printf("find_zero_run 6M bits, 1 GiB aligned, used page every 1000: %.1f us\n", us);
	/* Unaligned, the run starts right after the last used page. */
	us = time_search(map, nbits, gib, 1, (nbits - gib - 1) / 1000 * 1000 + 1);
	printf("find_zero_run 6M bits, 1 GiB unaligned, used page every 1000: %.1f us\n", us);
	/* Worst case for aligned search: each aligned GiB's last page is used. */
	memset(map, 0, V3_BITMAP_WORDS(nbits) * 8);
	for (i = gib - 1; i < nbits - gib; i += gib)
		v3_bitmap_set(map, i);
	us = time_search(map, nbits, gib, gib, nbits - gib);
	printf("find_zero_run 6M bits, 1 GiB aligned, last page of each GiB used: %.1f us\n", us);
	/* Mostly full memory: every word but one bit used, skipped a word at a time. */
	memset(map, 0xff, V3_BITMAP_WORDS(nbits) * 8);
	for (i = 0; i < nbits - gib; i += 4096)
		v3_bitmap_clear(map, i);
	v3_bitmap_clear_range(map, nbits - gib, gib);
	us = time_search(map, nbits, gib, gib, nbits - gib);
	printf("find_zero_run 6M bits, 1 GiB aligned, memory nearly full: %.1f us\n", us);
	free(map);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_single_bits),
		cmocka_unit_test(test_set_clear_range_exhaustive),
		cmocka_unit_test(test_range_is_clear_and_count),
		cmocka_unit_test(test_count_and_find_ignore_tail),
		cmocka_unit_test(test_find_all_ones_all_zeros),
		cmocka_unit_test(test_zero_run_random),
		cmocka_unit_test(test_zero_run_every_offset),
		cmocka_unit_test(test_zero_run_edges),
		cmocka_unit_test(test_zero_run_gib_speed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
