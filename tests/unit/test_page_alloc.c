/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for host-kitten's page allocator: rounding and clipping of the
 * memory map, e820-like layouts with holes, GiB-aligned and larger requests,
 * exhaustion and recovery, double frees, and random alloc/free sequences
 * checked page by page against a brute-force model (which also predicts the
 * exact first-fit address of every request).
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

#include <v3/errno.h>

#include "mm/page_alloc.h"

#define KIB (1ULL << 10)
#define MIB (1ULL << 20)
#define GIB (1ULL << 30)
#define PG V3_PAGE_SIZE

static u64 rng_state;

static u64 rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* An allocator over npages frames from base_pfn, its map filled with garbage first. */
static u64 *new_pa(struct hk_page_alloc *pa, u64 base_pfn, u64 npages)
{
	u64 *map = malloc(hk_pa_map_bytes(npages));

	assert_non_null(map);
	memset(map, 0x5a, hk_pa_map_bytes(npages));
	hk_pa_init(pa, map, base_pfn, npages);
	return map;
}

static u64 count_free(const struct hk_page_alloc *pa)
{
	return pa->npages - v3_bitmap_count_set(pa->map, pa->npages);
}

static void test_init_all_reserved(void **state)
{
	struct hk_page_alloc pa;
	u64 *map = new_pa(&pa, 0, 1000);

	(void)state;
	assert_int_equal(pa.free_pages, 0);
	assert_int_equal(count_free(&pa), 0);
	assert_int_equal(hk_pa_alloc(&pa, 1, PG), 0);
	assert_int_equal(hk_pa_largest_free_run(&pa, PG), 0);
	free(map);
}

static void test_rounding(void **state)
{
	struct hk_page_alloc pa;
	u64 *map = new_pa(&pa, 0, 64);

	(void)state;
	/* [0x1800, 0x4800) holds whole pages 2 and 3 only. */
	hk_pa_add_free(&pa, 0x1800, 0x3000);
	assert_int_equal(pa.free_pages, 2);
	assert_false(v3_bitmap_test(map, 2));
	assert_false(v3_bitmap_test(map, 3));
	assert_true(v3_bitmap_test(map, 1));
	assert_true(v3_bitmap_test(map, 4));
	/* Less than a page frees nothing. */
	hk_pa_add_free(&pa, 0x10100, 0xf00);
	hk_pa_add_free(&pa, 0x20001, 0x1000);
	assert_int_equal(pa.free_pages, 2);
	/* Freeing twice does not count twice. */
	hk_pa_add_free(&pa, 0x2000, 0x2000);
	assert_int_equal(pa.free_pages, 2);
	/* A 16-byte reserve takes its whole page; reserving it again is harmless. */
	hk_pa_reserve(&pa, 0x2ff0, 0x10);
	assert_int_equal(pa.free_pages, 1);
	hk_pa_reserve(&pa, 0x2000, 1);
	assert_int_equal(pa.free_pages, 1);
	/* Straddling a boundary by one byte reserves both pages. */
	hk_pa_add_free(&pa, 0x8000, 0x4000);
	hk_pa_reserve(&pa, 0x8fff, 2);
	assert_int_equal(pa.free_pages, 3);
	assert_true(v3_bitmap_test(map, 8));
	assert_true(v3_bitmap_test(map, 9));
	assert_int_equal(count_free(&pa), pa.free_pages);
	free(map);
}

static void test_pfn0_never_returned(void **state)
{
	struct hk_page_alloc pa;
	u64 *map = new_pa(&pa, 0, 16);
	u64 got = 0, p;

	(void)state;
	hk_pa_add_free(&pa, 0, 16 * PG);
	assert_int_equal(pa.free_pages, 15);
	while ((p = hk_pa_alloc(&pa, 1, PG)) != 0) {
		assert_true(p >= PG && p < 16 * PG);
		got++;
	}
	assert_int_equal(got, 15);
	assert_int_equal(hk_pa_free(&pa, 0, 1), -V3_EINVAL);
	free(map);
}

static void test_clipping_and_overflow(void **state)
{
	struct hk_page_alloc pa;
	u64 *map = new_pa(&pa, 100, 50);

	(void)state;
	hk_pa_add_free(&pa, 0, 100 * PG);		/* entirely below the map */
	hk_pa_add_free(&pa, 150 * PG, 10 * PG);		/* entirely above */
	assert_int_equal(pa.free_pages, 0);
	hk_pa_add_free(&pa, 90 * PG, 20 * PG);		/* straddles the bottom */
	assert_int_equal(pa.free_pages, 10);
	hk_pa_add_free(&pa, 140 * PG, ~0ULL);		/* end wraps: saturates */
	assert_int_equal(pa.free_pages, 20);
	hk_pa_reserve(&pa, ~0ULL - 10, 100);		/* no wrap into low memory */
	assert_int_equal(pa.free_pages, 20);
	hk_pa_reserve(&pa, 145 * PG, ~0ULL);
	assert_int_equal(pa.free_pages, 15);
	hk_pa_add_free(&pa, ~0ULL - 5, 5);
	assert_int_equal(pa.free_pages, 15);
	assert_int_equal(count_free(&pa), 15);
	assert_int_equal(hk_pa_alloc(&pa, 10, PG), 100 * PG);
	assert_int_equal(hk_pa_alloc(&pa, 5, PG), 140 * PG);
	assert_int_equal(hk_pa_alloc(&pa, 1, PG), 0);
	free(map);
}

static void test_bad_requests(void **state)
{
	struct hk_page_alloc pa;
	u64 *map = new_pa(&pa, 0, 4096);

	(void)state;
	hk_pa_add_free(&pa, 0, 4096 * PG);
	assert_int_equal(hk_pa_alloc(&pa, 0, PG), 0);
	assert_int_equal(hk_pa_alloc(&pa, 4096, PG), 0);
	assert_int_equal(hk_pa_alloc(&pa, 1, 3), 0);
	assert_int_equal(hk_pa_alloc(&pa, 1, 3 * PG), 0);
	assert_int_equal(hk_pa_alloc(&pa, 1, 1ULL << 63), 0);
	assert_int_equal(hk_pa_largest_free_run(&pa, 12345), 0);
	/* 0 and sub-page powers of two mean page alignment. */
	assert_int_equal(hk_pa_alloc(&pa, 1, 0), PG);
	assert_int_equal(hk_pa_alloc(&pa, 1, 512), 2 * PG);
	assert_int_equal(hk_pa_alloc(&pa, 1, 1), 3 * PG);
	assert_int_equal(pa.free_pages, 4092);
	free(map);
}

static void test_double_and_bad_free(void **state)
{
	struct hk_page_alloc pa;
	u64 *map = new_pa(&pa, 0, 256);
	u64 snap[4], a, b, free_before;

	(void)state;
	hk_pa_add_free(&pa, 0, 256 * PG);
	a = hk_pa_alloc(&pa, 8, PG);
	assert_int_not_equal(a, 0);
	assert_int_equal(hk_pa_free(&pa, a, 8), 0);
	memcpy(snap, map, sizeof(snap));
	free_before = pa.free_pages;
	assert_int_equal(hk_pa_free(&pa, a, 8), -V3_EINVAL);
	assert_int_equal(hk_pa_free(&pa, a + 3 * PG, 1), -V3_EINVAL);
	/* A block that is only partly allocated is refused as a whole. */
	b = hk_pa_alloc(&pa, 2, PG);
	assert_int_equal(b, a);
	memcpy(snap, map, sizeof(snap));
	free_before = pa.free_pages;
	assert_int_equal(hk_pa_free(&pa, a, 8), -V3_EINVAL);
	assert_memory_equal(snap, map, sizeof(snap));
	assert_int_equal(pa.free_pages, free_before);
	/* Arguments that can never be right. */
	assert_int_equal(hk_pa_free(&pa, b + 1, 1), -V3_EINVAL);
	assert_int_equal(hk_pa_free(&pa, b, 0), -V3_EINVAL);
	assert_int_equal(hk_pa_free(&pa, 256 * PG, 1), -V3_EINVAL);
	assert_int_equal(hk_pa_free(&pa, 255 * PG, 2), -V3_EINVAL);
	assert_int_equal(hk_pa_free(&pa, 255 * PG, ~0ULL), -V3_EINVAL);
	assert_int_equal(hk_pa_free(&pa, ~0ULL & ~(PG - 1), 1), -V3_EINVAL);
	assert_memory_equal(snap, map, sizeof(snap));
	assert_int_equal(pa.free_pages, free_before);
	assert_int_equal(hk_pa_free(&pa, b, 2), 0);
	assert_int_equal(pa.free_pages, 255);
	free(map);
}

/* Lay out a 24 GiB machine the way an e820 map would. */
static u64 *e820_24g(struct hk_page_alloc *pa)
{
	u64 *map = new_pa(pa, 0, 24 * GIB / PG);

	hk_pa_add_free(pa, 0, 640 * KIB);
	hk_pa_add_free(pa, 1 * MIB, 3 * GIB - 1 * MIB);
	hk_pa_add_free(pa, 4 * GIB, 20 * GIB);
	hk_pa_reserve(pa, 1 * MIB, 7 * MIB + 123);			/* kernel image */
	hk_pa_reserve(pa, 16 * MIB + 100, 3 * MIB);			/* initrd module */
	hk_pa_reserve(pa, 32 * MIB, hk_pa_map_bytes(pa->npages));	/* the bitmap */
	return map;
}

static void test_e820_24g(void **state)
{
	struct hk_page_alloc pa;
	u64 *map = e820_24g(&pa);
	u64 want, p, i;
	double t0, t1;

	(void)state;
	/* pfns 1..159, the two big ranges, less what was reserved. */
	want = 159 + (3 * GIB - 1 * MIB) / PG + 20 * GIB / PG;
	want -= 1793;	/* kernel: 7 MiB and 123 bytes from 1 MiB */
	want -= 769;	/* initrd: 3 MiB straddling one more page */
	want -= 192;	/* bitmap: 6M bits */
	assert_int_equal(pa.free_pages, want);
	assert_int_equal(count_free(&pa), want);

	t0 = now_us();
	p = hk_pa_alloc(&pa, GIB / PG, GIB);
	t1 = now_us();
	printf("hk_pa_alloc: 1 GiB aligned in a %llu-page map: %.1f us\n",
	       (unsigned long long)pa.npages, t1 - t0);
	assert_int_equal(p, 1 * GIB);
	/* [2G, 3G) is the only other aligned GiB below 4G: a 3 GiB guest goes to 4G. */
	assert_int_equal(hk_pa_alloc(&pa, 3 * GIB / PG, GIB), 4 * GIB);
	/* Exact size, page aligned: nothing below 4G holds 3 GiB, so right after. */
	assert_int_equal(hk_pa_alloc(&pa, 3 * GIB / PG, PG), 7 * GIB);
	/* Alignment beyond a GiB. */
	assert_int_equal(hk_pa_alloc(&pa, 4 * GIB / PG, 4 * GIB), 12 * GIB);
	assert_int_equal(hk_pa_alloc(&pa, 2 * GIB / PG, 16 * GIB), 16 * GIB);
	assert_int_equal(hk_pa_alloc(&pa, 1, 32 * GIB), 0);
	assert_int_equal(pa.free_pages, want - 13 * GIB / PG);
	assert_int_equal(count_free(&pa), pa.free_pages);
	/* None of it overlaps the holes or the reserved ranges. */
	for (i = 3 * GIB / PG; i < 4 * GIB / PG; i++)
		assert_true(v3_bitmap_test(map, i));
	assert_int_equal(hk_pa_free(&pa, 1 * GIB, GIB / PG), 0);
	assert_int_equal(hk_pa_alloc(&pa, GIB / PG, GIB), 1 * GIB);
	free(map);
}

/* A 2 GiB machine: only [1G, 2G) can hold an aligned GiB. */
static void test_gib_on_2gib_machine(void **state)
{
	struct hk_page_alloc pa;
	u64 *map = new_pa(&pa, 0, 2 * GIB / PG);
	u64 small, p;

	(void)state;
	hk_pa_add_free(&pa, 0, 640 * KIB);
	hk_pa_add_free(&pa, 1 * MIB, 2 * GIB - 1 * MIB);
	hk_pa_reserve(&pa, 1 * MIB, 15 * MIB);
	small = hk_pa_alloc(&pa, 1, PG);
	assert_int_equal(small, PG);
	assert_int_equal(hk_pa_largest_free_run(&pa, GIB), GIB / PG);
	p = hk_pa_alloc(&pa, GIB / PG, GIB);
	assert_int_equal(p, 1 * GIB);
	assert_int_equal(hk_pa_alloc(&pa, GIB / PG, GIB), 0);
	assert_int_equal(hk_pa_largest_free_run(&pa, GIB), 0);
	assert_int_equal(hk_pa_free(&pa, p, GIB / PG), 0);
	/* One page used at the top of RAM (ACPI tables, say) spoils the only aligned GiB. */
	hk_pa_reserve(&pa, 2 * GIB - PG, PG);
	assert_int_equal(hk_pa_alloc(&pa, GIB / PG, GIB), 0);
	assert_int_equal(hk_pa_largest_free_run(&pa, GIB), GIB / PG - 1);
	/* Unaligned, a GiB still fits above the kernel. */
	assert_int_equal(hk_pa_largest_free_run(&pa, PG), (2 * GIB - 16 * MIB - PG) / PG);
	assert_int_equal(hk_pa_alloc(&pa, GIB / PG, PG), 16 * MIB);
	free(map);
}

/* Holes, one page at a time until nothing is left, then everything back. */
static void test_exhaust_then_recover(void **state)
{
	const u64 npages = 64 * MIB / PG;
	struct hk_page_alloc pa;
	u64 *map = new_pa(&pa, 0, npages);
	u64 *pages = malloc(npages * sizeof(u64));
	u64 initial, largest, n = 0, i, j, t, p;

	(void)state;
	hk_pa_add_free(&pa, 0, 640 * KIB);
	hk_pa_add_free(&pa, 1 * MIB, 20 * MIB);
	hk_pa_add_free(&pa, 24 * MIB, 40 * MIB);
	hk_pa_reserve(&pa, 40 * MIB, 5 * PG);
	initial = pa.free_pages;
	largest = hk_pa_largest_free_run(&pa, PG);
	assert_int_equal(largest, (64 * MIB - 40 * MIB - 5 * PG) / PG);
	while ((p = hk_pa_alloc(&pa, 1, PG)) != 0)
		pages[n++] = p;
	assert_int_equal(n, initial);
	assert_int_equal(pa.free_pages, 0);
	assert_int_equal(hk_pa_largest_free_run(&pa, PG), 0);
	rng_state = 42;
	for (i = n - 1; i > 0; i--) {
		j = rnd() % (i + 1);
		t = pages[i];
		pages[i] = pages[j];
		pages[j] = t;
	}
	for (i = 0; i < n; i++)
		assert_int_equal(hk_pa_free(&pa, pages[i], 1), 0);
	assert_int_equal(pa.free_pages, initial);
	assert_int_equal(hk_pa_largest_free_run(&pa, PG), largest);
	assert_int_equal(hk_pa_alloc(&pa, largest, PG), 40 * MIB + 5 * PG);
	assert_int_equal(hk_pa_alloc(&pa, 16 * MIB / PG, 16 * MIB), 0);
	assert_int_equal(hk_pa_alloc(&pa, 8 * MIB / PG, 8 * MIB), 8 * MIB);
	free(pages);
	free(map);
}

/* Freed low pages are found again even though the last allocation was higher. */
static void test_low_pages_reused(void **state)
{
	struct hk_page_alloc pa;
	u64 *map = new_pa(&pa, 0, 1024);
	u64 i;

	(void)state;
	hk_pa_add_free(&pa, PG, 1023 * PG);
	for (i = 1; i < 1024; i++)
		assert_int_equal(hk_pa_alloc(&pa, 1, PG), i * PG);
	assert_int_equal(hk_pa_free(&pa, 700 * PG, 1), 0);
	assert_int_equal(hk_pa_free(&pa, 5 * PG, 1), 0);
	assert_int_equal(hk_pa_alloc(&pa, 1, PG), 5 * PG);
	assert_int_equal(hk_pa_alloc(&pa, 1, PG), 700 * PG);
	assert_int_equal(hk_pa_alloc(&pa, 1, PG), 0);
	/* A multi-page request below the last allocation, then one spanning a word edge. */
	for (i = 60; i < 68; i++)
		assert_int_equal(hk_pa_free(&pa, i * PG, 1), 0);
	assert_int_equal(hk_pa_free(&pa, 900 * PG, 1), 0);
	assert_int_equal(hk_pa_alloc(&pa, 8, PG), 60 * PG);
	assert_int_equal(hk_pa_alloc(&pa, 1, PG), 900 * PG);
	assert_int_equal(pa.free_pages, 0);
	free(map);
}

/* A map that does not start at an aligned pfn still returns aligned blocks. */
static void test_unaligned_base(void **state)
{
	struct hk_page_alloc pa;
	u64 base = 0x12345;
	u64 *map = new_pa(&pa, base, 0x40000);
	u64 p = 0, align;

	(void)state;
	/* pfns 0x12345 .. 0x52345: about 291 MiB to 1.3 GiB. */
	hk_pa_add_free(&pa, base * PG, 0x40000 * PG);
	assert_int_equal(hk_pa_largest_free_run(&pa, GIB), 0x52345 - 0x40000);
	for (align = PG; align <= 256 * MIB; align <<= 1) {
		p = hk_pa_alloc(&pa, 3, align);
		assert_int_not_equal(p, 0);
		assert_true(V3_IS_ALIGNED(p, align));
		assert_true(p >= base * PG && p + 3 * PG <= (base + 0x40000) * PG);
	}
	assert_int_equal(p, 768 * MIB);	/* 512 MiB went to the 128 MiB-aligned block */
	assert_int_equal(hk_pa_alloc(&pa, 3, 1 * GIB), 1 * GIB);
	assert_int_equal(hk_pa_alloc(&pa, 1, 2 * GIB), 0);
	assert_int_equal(hk_pa_largest_free_run(&pa, 2 * GIB), 0);
	assert_int_equal(hk_pa_largest_free_run(&pa, GIB), 0);
	assert_int_equal(pa.free_pages, 0x40000 - 3 * 18);
	free(map);
}

/*
 * Model: one entry per page, MODEL_HOLE for pages never added or reserved,
 * MODEL_FREE, or the id of the live allocation holding it.
 */
#define MODEL_HOLE (-1)
#define MODEL_FREE 0

struct live {
	u64 paddr, npages;
	int id;
};

/* Lowest aligned index whose n pages are free in the model; npages if none. */
static u64 model_first_fit(const int *model, u64 npages, u64 base, u64 n, u64 align_pages,
			   u64 *runs)
{
	u64 i;

	/* runs[i]: free pages starting at i. */
	runs[npages] = 0;
	for (i = npages; i-- > 0;)
		runs[i] = model[i] == MODEL_FREE ? runs[i + 1] + 1 : 0;
	for (i = 0; i < npages; i++) {
		if ((base + i) % align_pages == 0 && runs[i] >= n)
			return i;
	}
	return npages;
}

static u64 model_largest(const int *model, u64 npages, u64 base, u64 align_pages, u64 *runs)
{
	u64 i, best = 0;

	model_first_fit(model, npages, base, ~0ULL, 1, runs);
	for (i = 0; i < npages; i++) {
		if ((base + i) % align_pages == 0 && runs[i] > best)
			best = runs[i];
	}
	return best;
}

static void run_model(u64 seed, u64 base, u64 npages, int steps)
{
	struct hk_page_alloc pa;
	u64 *map = new_pa(&pa, base, npages);
	int *model = malloc(npages * sizeof(int));
	u64 *runs = malloc((npages + 1) * sizeof(u64));
	struct live *live = malloc(steps * sizeof(*live));
	u64 i, p, n, align, want, nfree, start, len;
	int nlive = 0, next_id = 1, step, k;

	rng_state = seed;
	for (i = 0; i < npages; i++)
		model[i] = MODEL_HOLE;
	/* A random e820: free ranges, then reserved ranges punched into them. */
	for (k = 0; k < 12; k++) {
		start = rnd() % npages;
		len = rnd() % (npages / 4);
		hk_pa_add_free(&pa, (base + start) * PG, len * PG);
		for (i = start; i < start + len && i < npages; i++)
			model[i] = base + i == 0 ? MODEL_HOLE : MODEL_FREE;
	}
	for (k = 0; k < 6; k++) {
		u64 b = (base + rnd() % npages) * PG + rnd() % PG;
		u64 l = rnd() % (64 * PG);

		hk_pa_reserve(&pa, b, l);
		for (i = b / PG; i < V3_ALIGN_UP(b + l, PG) / PG; i++) {
			if (i >= base && i < base + npages)
				model[i - base] = MODEL_HOLE;
		}
	}
	for (step = 0; step < steps; step++) {
		if (nlive == 0 || rnd() % 100 < 55) {
			/* Mostly small requests, some huge ones that may fail. */
			k = rnd() % 10;
			n = k < 6 ? 1 + rnd() % 4 : k < 9 ? 1 + rnd() % 200 : 1 + rnd() % npages;
			align = PG << (rnd() % 3 ? rnd() % 4 : rnd() % 14);
			want = model_first_fit(model, npages, base, n, align / PG, runs);
			p = hk_pa_alloc(&pa, n, align);
			if (want == npages) {
				assert_int_equal(p, 0);
				continue;
			}
			assert_int_equal(p, (base + want) * PG);
			for (i = want; i < want + n; i++) {
				assert_int_equal(model[i], MODEL_FREE);
				model[i] = next_id;
			}
			live[nlive].paddr = p;
			live[nlive].npages = n;
			live[nlive++].id = next_id++;
		} else {
			k = rnd() % nlive;
			p = live[k].paddr;
			n = live[k].npages;
			assert_int_equal(hk_pa_free(&pa, p, n), 0);
			for (i = p / PG - base; i < p / PG - base + n; i++) {
				assert_int_equal(model[i], live[k].id);
				model[i] = MODEL_FREE;
			}
			/* Freeing it again, or a block that overruns it, is refused. */
			assert_int_equal(hk_pa_free(&pa, p, n), -V3_EINVAL);
			if (n > 1)
				assert_int_equal(hk_pa_free(&pa, p + PG, n - 1), -V3_EINVAL);
			live[k] = live[--nlive];
		}
		nfree = 0;
		for (i = 0; i < npages; i++)
			nfree += model[i] == MODEL_FREE;
		assert_int_equal(pa.free_pages, nfree);
		if (step % 50 == 0) {
			for (i = 0; i < npages; i++)
				assert_int_equal(v3_bitmap_test(map, i), model[i] != MODEL_FREE);
			align = 1ULL << (rnd() % 12);
			assert_int_equal(hk_pa_largest_free_run(&pa, align * PG),
					 model_largest(model, npages, base, align, runs));
		}
	}
	free(live);
	free(runs);
	free(model);
	free(map);
}

static void test_random_vs_model(void **state)
{
	(void)state;
	run_model(1, 0, 8192, 3000);
	run_model(2, 0, 20000, 3000);
	run_model(3, 0x777, 5000, 3000);
	run_model(4, 1, 130, 2000);
	run_model(5, 0x40001, 16411, 3000);
	run_model(6, 0, 300, 2000);
}

/*
 * The case the allocator exists for, on a 24 GiB (6M-page) e820 map after
 * thousands of scattered small allocations: times single pages and an
 * aligned GiB (printed, not asserted).
 */
static void test_speed_fragmented(void **state)
{
	struct hk_page_alloc pa;
	u64 *map = e820_24g(&pa);
	u64 i, p, n = 0;
	double t0, t1, t2;

	(void)state;
	/* Scatter used pages across low memory so the GiB search must skip them. */
	for (i = 64 * MIB / PG; i < 3 * GIB / PG; i += 997)
		hk_pa_reserve(&pa, i * PG, PG);
	for (i = 4 * GIB / PG; i < 23 * GIB / PG; i += 4099)
		hk_pa_reserve(&pa, i * PG, PG);
	t0 = now_us();
	for (i = 0; i < 100000; i++)
		n += hk_pa_alloc(&pa, 1, PG) != 0;
	t1 = now_us();
	p = hk_pa_alloc(&pa, GIB / PG, GIB);
	t2 = now_us();
	assert_int_equal(n, 100000);
	assert_int_equal(p, 23 * GIB);
	printf("hk_pa_alloc, fragmented %llu-page map: 1 page %.0f ns, 1 GiB aligned %.1f us\n",
	       (unsigned long long)pa.npages, (t1 - t0) * 1000 / 100000, t2 - t1);
	free(map);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_all_reserved),
		cmocka_unit_test(test_rounding),
		cmocka_unit_test(test_pfn0_never_returned),
		cmocka_unit_test(test_clipping_and_overflow),
		cmocka_unit_test(test_bad_requests),
		cmocka_unit_test(test_double_and_bad_free),
		cmocka_unit_test(test_e820_24g),
		cmocka_unit_test(test_gib_on_2gib_machine),
		cmocka_unit_test(test_exhaust_then_recover),
		cmocka_unit_test(test_low_pages_reused),
		cmocka_unit_test(test_unaligned_base),
		cmocka_unit_test(test_random_vs_model),
		cmocka_unit_test(test_speed_fragmented),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
