/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for host-kitten's kernel heap. The page provider is the real
 * page allocator over a malloc'd arena (virtual == "physical" here), as in
 * the kernel, so a put_pages() with the wrong size or a page returned twice
 * fails the test. Every allocation is filled over its whole usable size with
 * a pattern unique to it and checked before it is freed, which catches
 * overlapping objects and a usable size that is not really usable.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <v3/errno.h>

#include "mm/heap.h"
#include "mm/page_alloc.h"

#define PG V3_PAGE_SIZE
#define ARENA_PAGES 16384

struct provider {
	struct hk_page_alloc pa;
	u64 *map;
	u8 *arena;
	u64 gets, puts, pages_out;
	u64 last_request;
	long fail_after;	/* fail get_pages after this many successes; -1 never */
	bool poison;		/* scribble on pages as they come and go */
};

static struct provider prov;
static struct hk_heap heap;

static u64 prov_get(u64 npages, void *ctx)
{
	struct provider *p = ctx;
	u64 va;

	p->last_request = npages;
	if (p->fail_after == 0)
		return 0;
	if (p->fail_after > 0)
		p->fail_after--;
	va = hk_pa_alloc(&p->pa, npages, PG);
	if (!va)
		return 0;
	/* The heap must not rely on fresh pages being zeroed. */
	if (p->poison)
		memset((void *)(uintptr_t)va, 0xa5, npages * PG);
	p->gets++;
	p->pages_out += npages;
	return va;
}

static void prov_put(u64 va, u64 npages, void *ctx)
{
	struct provider *p = ctx;

	assert_int_equal(hk_pa_free(&p->pa, va, npages), 0);
	if (p->poison)
		memset((void *)(uintptr_t)va, 0xdb, npages * PG);
	p->puts++;
	p->pages_out -= npages;
}

static int setup(void **state)
{
	u64 base;

	(void)state;
	memset(&prov, 0, sizeof(prov));
	prov.arena = aligned_alloc(PG, ARENA_PAGES * PG);
	prov.map = malloc(hk_pa_map_bytes(ARENA_PAGES));
	if (!prov.arena || !prov.map)
		return -1;
	base = (uintptr_t)prov.arena;
	hk_pa_init(&prov.pa, prov.map, base / PG, ARENA_PAGES);
	hk_pa_add_free(&prov.pa, base, ARENA_PAGES * PG);
	prov.fail_after = -1;
	prov.poison = true;
	hk_heap_init(&heap, prov_get, prov_put, &prov);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(prov.map);
	free(prov.arena);
	return 0;
}

static u64 rng_state = 12345;

static u64 rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static u64 pattern(u64 id, size_t word)
{
	return (id + 1) * 0x9e3779b97f4a7c15ULL ^ word;
}

/* Fill all usable bytes of p (a multiple of 16) with id's pattern. */
static void fill(void *p, u64 id)
{
	size_t n = hk_heap_usable_size(&heap, p) / 8, i;
	u64 *w = p;

	assert_true(n > 0);
	for (i = 0; i < n; i++)
		w[i] = pattern(id, i);
}

static void check(void *p, u64 id)
{
	size_t n = hk_heap_usable_size(&heap, p) / 8, i;
	u64 *w = p;

	assert_true(n > 0);
	for (i = 0; i < n; i++)
		assert_int_equal(w[i], pattern(id, i));
}

/* Expected usable size of a request. */
static size_t usable_for(size_t size)
{
	size_t c = 16;

	if (size > HK_HEAP_MAX_SMALL)
		return V3_ALIGN_UP(size + 16, PG) - 16;
	while (c < size)
		c *= 2;
	return c;
}

/* After everything is freed: one cached slab page per class at most, nothing else. */
static void check_all_returned(void)
{
	assert_int_equal(heap.large_pages, 0);
	assert_true(heap.slab_pages <= HK_HEAP_NR_CLASSES);
	assert_int_equal(prov.pages_out, heap.slab_pages);
}

static void test_zero_and_null(void **state)
{
	(void)state;
	assert_null(hk_heap_alloc(&heap, 0));
	assert_int_equal(hk_heap_free(&heap, NULL), 0);
	assert_int_equal(hk_heap_usable_size(&heap, NULL), 0);
	assert_int_equal(prov.gets, 0);
}

static void test_class_boundaries(void **state)
{
	static const size_t sizes[] = { 1, 15, 16, 17, 31, 32, 33, 64, 65, 128, 129, 256,
					257, 512, 513, 1024, 1025, 2047, 2048, 2049, 4080,
					4081, 8176, 8177 };
	void *p[V3_ARRAY_SIZE(sizes)];
	size_t i;

	(void)state;
	for (i = 0; i < V3_ARRAY_SIZE(sizes); i++) {
		p[i] = hk_heap_alloc(&heap, sizes[i]);
		assert_non_null(p[i]);
		assert_int_equal(hk_heap_usable_size(&heap, p[i]), usable_for(sizes[i]));
		fill(p[i], i);
	}
	assert_int_equal(usable_for(4080), 4080);
	assert_int_equal(usable_for(4081), 8176);
	for (i = 0; i < V3_ARRAY_SIZE(sizes); i++) {
		check(p[i], i);
		assert_int_equal(hk_heap_free(&heap, p[i]), 0);
	}
	check_all_returned();
}

static int cmp_ptr(const void *a, const void *b)
{
	uintptr_t x = *(uintptr_t *)a, y = *(uintptr_t *)b;

	return x < y ? -1 : x > y;
}

/* Every size 1..5000 live at once, then freed in random order. */
static void test_all_sizes(void **state)
{
	enum { N = 5000 };
	void **p = calloc(N + 1, sizeof(void *));
	uintptr_t *sorted = calloc(N, sizeof(uintptr_t));
	size_t s, i, j;
	void *t;

	(void)state;
	for (s = 1; s <= N; s++) {
		p[s] = hk_heap_alloc(&heap, s);
		assert_non_null(p[s]);
		assert_true(V3_IS_ALIGNED((uintptr_t)p[s], 16));
		assert_int_equal(hk_heap_usable_size(&heap, p[s]), usable_for(s));
		fill(p[s], s);
		sorted[s - 1] = (uintptr_t)p[s];
	}
	/* No two allocations overlap. */
	qsort(sorted, N, sizeof(uintptr_t), cmp_ptr);
	for (i = 0; i + 1 < N; i++)
		assert_true(sorted[i] + hk_heap_usable_size(&heap, (void *)sorted[i]) <=
			    sorted[i + 1]);
	for (s = 1; s <= N; s++)
		check(p[s], s);
	for (i = N; i > 1; i--) {
		j = 1 + rnd() % i;
		t = p[i];
		p[i] = p[j];
		p[j] = t;
	}
	for (i = 1; i <= N; i++) {
		assert_int_equal(hk_heap_free(&heap, p[i]), 0);
		assert_int_equal(hk_heap_usable_size(&heap, p[i]), 0);
	}
	check_all_returned();
	free(sorted);
	free(p);
}

struct obj {
	void *p;
	size_t size;
	u64 id;
};

/* Mostly small sizes, some just over a class, some large. */
static size_t random_size(void)
{
	switch (rnd() % 8) {
	case 0:
		return 2049 + rnd() % 20000;
	case 1:
		return (16UL << rnd() % 8) + rnd() % 3;
	default:
		return 1 + rnd() % 600;
	}
}

/* Random alloc, free and realloc-by-copy, every object checked when it goes. */
static void test_churn(void **state)
{
	enum { MAX_LIVE = 3000, STEPS = 200000 };
	struct obj *live = calloc(MAX_LIVE, sizeof(*live));
	int nlive = 0, step, k;
	u64 next_id = 1;
	void *q;
	size_t n;

	(void)state;
	for (step = 0; step < STEPS; step++) {
		int op = rnd() % 10;

		if (nlive < MAX_LIVE && (nlive == 0 || op < 5)) {
			n = random_size();
			q = hk_heap_alloc(&heap, n);
			assert_non_null(q);
			assert_true(hk_heap_usable_size(&heap, q) >= n);
			live[nlive] = (struct obj){ q, n, next_id++ };
			fill(q, live[nlive++].id);
		} else if (op < 8) {
			k = rnd() % nlive;
			check(live[k].p, live[k].id);
			assert_int_equal(hk_heap_free(&heap, live[k].p), 0);
			live[k] = live[--nlive];
		} else {
			/* realloc: new block, copy, free the old one. */
			k = rnd() % nlive;
			n = random_size();
			q = hk_heap_alloc(&heap, n);
			assert_non_null(q);
			check(live[k].p, live[k].id);
			memcpy(q, live[k].p, n < live[k].size ? n : live[k].size);
			assert_int_equal(hk_heap_free(&heap, live[k].p), 0);
			live[k] = (struct obj){ q, n, next_id++ };
			fill(q, live[k].id);
		}
		if (step % 20000 == 0) {
			for (k = 0; k < nlive; k++)
				check(live[k].p, live[k].id);
		}
	}
	while (nlive > 0) {
		nlive--;
		check(live[nlive].p, live[nlive].id);
		assert_int_equal(hk_heap_free(&heap, live[nlive].p), 0);
	}
	check_all_returned();
	free(live);
}

static void test_double_free_large(void **state)
{
	void *p, *q, *keep;
	u64 puts;

	(void)state;
	/* Without poisoning the freed header survives, as with a kernel page allocator. */
	prov.poison = false;
	/* A bigger block stays live so the page count alone cannot give it away. */
	keep = hk_heap_alloc(&heap, 50000);
	p = hk_heap_alloc(&heap, 10000);
	assert_non_null(p);
	assert_int_equal(hk_heap_free(&heap, p), 0);
	puts = prov.puts;
	assert_int_equal(hk_heap_free(&heap, p), -V3_EINVAL);
	assert_int_equal(hk_heap_usable_size(&heap, p), 0);
	assert_int_equal(prov.puts, puts);
	assert_int_equal(hk_heap_free(&heap, keep), 0);
	puts = prov.puts;
	/* And with the page scribbled on after it went back. */
	prov.poison = true;
	q = hk_heap_alloc(&heap, 3000);
	assert_int_equal(hk_heap_free(&heap, q), 0);
	assert_int_equal(hk_heap_free(&heap, q), -V3_EINVAL);
	assert_int_equal(prov.puts, puts + 1);
	check_all_returned();
}

static void test_double_free_small(void **state)
{
	void *a, *b, *c;

	(void)state;
	a = hk_heap_alloc(&heap, 64);
	b = hk_heap_alloc(&heap, 64);
	fill(b, 2);
	assert_int_equal(hk_heap_free(&heap, a), 0);
	assert_int_equal(hk_heap_free(&heap, a), -V3_EINVAL);
	assert_int_equal(hk_heap_usable_size(&heap, a), 0);
	check(b, 2);
	/* The slab is now empty but cached: a double free is still refused. */
	assert_int_equal(hk_heap_free(&heap, b), 0);
	assert_int_equal(heap.slab_pages, 1);
	assert_int_equal(hk_heap_free(&heap, b), -V3_EINVAL);
	/* The freed slot is reused, and freeing the reuse works once. */
	c = hk_heap_alloc(&heap, 50);
	assert_true(c == a || c == b);
	assert_int_equal(hk_heap_free(&heap, c), 0);
	assert_int_equal(hk_heap_free(&heap, c), -V3_EINVAL);
	check_all_returned();
}

static void test_bad_pointers(void **state)
{
	u8 *small, *other, *large;
	u8 *page;

	(void)state;
	small = hk_heap_alloc(&heap, 64);
	other = hk_heap_alloc(&heap, 64);
	large = hk_heap_alloc(&heap, 3 * PG);
	memset(large, 0, 3 * PG);
	page = (u8 *)V3_ALIGN_DOWN((uintptr_t)small, PG);
	/* Not 16-byte aligned, inside an object, the header, a slot never handed out. */
	assert_int_equal(hk_heap_free(&heap, small + 8), -V3_EINVAL);
	assert_int_equal(hk_heap_free(&heap, small + 16), -V3_EINVAL);
	assert_int_equal(hk_heap_free(&heap, page), -V3_EINVAL);
	assert_int_equal(hk_heap_free(&heap, page + 16), -V3_EINVAL);
	assert_int_equal(hk_heap_free(&heap, other + 64), -V3_EINVAL);
	assert_int_equal(hk_heap_usable_size(&heap, small + 16), 0);
	assert_int_equal(hk_heap_usable_size(&heap, small + 8), 0);
	/* Large: past the header, or a later page holding user data. */
	assert_int_equal(hk_heap_free(&heap, large + 16), -V3_EINVAL);
	assert_int_equal(hk_heap_free(&heap, large + PG), -V3_EINVAL);
	assert_int_equal(hk_heap_free(&heap, large + 2 * PG - 16 + 32), -V3_EINVAL);
	assert_int_equal(hk_heap_usable_size(&heap, large + PG), 0);
	assert_int_equal(hk_heap_free(&heap, small), 0);
	assert_int_equal(hk_heap_free(&heap, other), 0);
	assert_int_equal(hk_heap_free(&heap, large), 0);
	check_all_returned();
}

static void test_corrupt_headers(void **state)
{
	u8 *small, *large;
	u32 *slab_magic, *large_word;
	u32 saved;
	u64 saved_npages;

	(void)state;
	small = hk_heap_alloc(&heap, 100);
	large = hk_heap_alloc(&heap, 5000);
	/* An overrun from the page below lands on the slab header. */
	slab_magic = (u32 *)V3_ALIGN_DOWN((uintptr_t)small, PG);
	saved = *slab_magic;
	*slab_magic = 0x41414141;
	assert_int_equal(hk_heap_free(&heap, small), -V3_EINVAL);
	*slab_magic = saved;
	assert_int_equal(hk_heap_free(&heap, small), 0);
	/* A scribbled page count in a large header. */
	large_word = (u32 *)(large - 16);
	saved_npages = *(u64 *)(large - 8);
	*(u64 *)(large - 8) = 1000;
	assert_int_equal(hk_heap_free(&heap, large), -V3_EINVAL);
	*(u64 *)(large - 8) = saved_npages;
	large_word[1] ^= 1;
	assert_int_equal(hk_heap_free(&heap, large), -V3_EINVAL);
	large_word[1] ^= 1;
	/* Forged consistently, but more pages than the heap holds. */
	*(u64 *)(large - 8) = 1000;
	large_word[1] = ~1000U;
	assert_int_equal(hk_heap_free(&heap, large), -V3_EINVAL);
	*(u64 *)(large - 8) = saved_npages;
	large_word[1] = ~(u32)saved_npages;
	assert_int_equal(hk_heap_free(&heap, large), 0);
	check_all_returned();
}

static void test_out_of_pages(void **state)
{
	void *p, *q;
	void **all = calloc(ARENA_PAGES * 2, sizeof(void *));
	size_t n = 0, i;

	(void)state;
	prov.fail_after = 0;
	assert_null(hk_heap_alloc(&heap, 32));
	assert_null(hk_heap_alloc(&heap, 9000));
	assert_int_equal(heap.slab_pages, 0);
	assert_int_equal(heap.large_pages, 0);
	/* A slab page already held still serves its class. */
	prov.fail_after = 1;
	p = hk_heap_alloc(&heap, 32);
	assert_non_null(p);
	q = hk_heap_alloc(&heap, 32);
	assert_non_null(q);
	assert_null(hk_heap_alloc(&heap, 64));
	prov.fail_after = -1;
	assert_int_equal(hk_heap_free(&heap, p), 0);
	assert_int_equal(hk_heap_free(&heap, q), 0);
	/* Run the arena dry with mixed sizes, then get it all back. */
	while ((all[n] = hk_heap_alloc(&heap, n % 3 ? 1000 : 6000)) != NULL) {
		fill(all[n], n);
		n++;
	}
	assert_true(prov.pa.free_pages < 2);
	for (i = 0; i < n; i++) {
		check(all[i], i);
		assert_int_equal(hk_heap_free(&heap, all[i]), 0);
	}
	check_all_returned();
	p = hk_heap_alloc(&heap, (ARENA_PAGES - HK_HEAP_NR_CLASSES) * PG - 16);
	assert_non_null(p);
	assert_int_equal(hk_heap_free(&heap, p), 0);
	free(all);
}

static void test_huge_requests(void **state)
{
	(void)state;
	assert_null(hk_heap_alloc(&heap, SIZE_MAX));
	assert_null(hk_heap_alloc(&heap, SIZE_MAX - 4110));
	assert_null(hk_heap_alloc(&heap, (size_t)ARENA_PAGES * PG));
	/* The request reached the provider unwrapped. */
	assert_int_equal(prov.last_request, ARENA_PAGES + 1);
	assert_int_equal(heap.large_pages, 0);
}

/* An alloc/free pair must not go to the provider every time. */
static void test_empty_slab_cached(void **state)
{
	void *p[200];
	int i;

	(void)state;
	for (i = 0; i < 1000; i++)
		assert_int_equal(hk_heap_free(&heap, hk_heap_alloc(&heap, 32)), 0);
	assert_int_equal(prov.gets, 1);
	assert_int_equal(prov.puts, 0);
	/* 126 objects of 32 bytes per page: 200 need two pages; one stays cached after. */
	for (i = 0; i < 200; i++)
		p[i] = hk_heap_alloc(&heap, 32);
	assert_int_equal(heap.slab_pages, 2);
	for (i = 0; i < 200; i++)
		assert_int_equal(hk_heap_free(&heap, p[i]), 0);
	assert_int_equal(heap.slab_pages, 1);
	assert_int_equal(prov.puts, 1);
	/* A full slab that gets a slot back serves the next request from it. */
	for (i = 0; i < 15; i++)
		p[i] = hk_heap_alloc(&heap, 256);
	assert_int_equal(heap.slab_pages, 2);
	assert_int_equal(hk_heap_free(&heap, p[7]), 0);
	assert_ptr_equal(hk_heap_alloc(&heap, 200), p[7]);
	assert_int_equal(heap.slab_pages, 2);
	for (i = 0; i < 15; i++)
		assert_int_equal(hk_heap_free(&heap, p[i]), 0);
	/* Each 2048-byte object fills a page; churn keeps one page, not one per free. */
	for (i = 0; i < 50; i++)
		p[i] = hk_heap_alloc(&heap, 2048);
	for (i = 0; i < 50; i++)
		assert_int_equal(hk_heap_free(&heap, p[i]), 0);
	assert_int_equal(heap.slab_pages, 3);
	check_all_returned();
}

#define HEAP_TEST(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		HEAP_TEST(test_zero_and_null),
		HEAP_TEST(test_class_boundaries),
		HEAP_TEST(test_all_sizes),
		HEAP_TEST(test_churn),
		HEAP_TEST(test_double_free_large),
		HEAP_TEST(test_double_free_small),
		HEAP_TEST(test_bad_pointers),
		HEAP_TEST(test_corrupt_headers),
		HEAP_TEST(test_out_of_pages),
		HEAP_TEST(test_huge_requests),
		HEAP_TEST(test_empty_slab_cached),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
